"""Saved web pages to text with lxml: the main content only, headings as Markdown, entities decoded.

The content root is the page's <main> (or role="main"), else its longest <article>, else <body>. Inside it,
what is not reading text goes: scripts, styles, forms, navigation, asides, page headers and footers outside
an article, hidden elements, blocks whose class or id names them as furniture (cookie and consent banners,
share bars, newsletter boxes, breadcrumbs, comment threads, related-story lists), and blocks that are mostly
link text (menus: the link-density signal of boilerplate detectors such as jusText). Block elements become
paragraphs, table rows become "cell | cell" lines, h1-h6 become "#"-headings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rag.errors import DocumentError

_DROP = {"script", "style", "noscript", "template", "svg", "math", "nav", "aside", "form", "iframe", "button"}
_DROP |= {"select", "textarea", "dialog", "object", "embed", "canvas", "video", "audio", "picture", "map"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search"}
_FURNITURE = {"cookie", "cookies", "consent", "gdpr", "banner", "newsletter", "subscribe", "share", "sharing"}
_FURNITURE |= {"social", "breadcrumb", "breadcrumbs", "promo", "advert", "advertisement", "ad", "ads", "sidebar"}
_FURNITURE |= {"navbar", "menu", "popup", "modal", "skip", "comments", "related"}
_BLOCKS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre"}
_BLOCKS |= {"figure", "figcaption", "table", "tr", "address", "header", "footer", "body", "br", "hr", "details"}
_BLOCKS |= {"summary", "caption", "h1", "h2", "h3", "h4", "h5", "h6"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LINK_BLOCKS = {"div", "section", "ul", "ol", "li", "p", "table", "tr", "td", "dl", "header", "footer", "span"}
MAX_LINK_SHARE = 0.6  # a block whose text is more than this share of link text is navigation
_SPACE = re.compile(r"\s+")
_TOKENS = re.compile(r"[^a-z0-9]+")


def _is_furniture(el: Any) -> bool:
    if el.tag in _DROP or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in _DROP_ROLES:
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", el.get("style") or "", re.IGNORECASE):
        return True
    if el.tag in ("header", "footer") and not any(a.tag in ("article", "main") for a in el.iterancestors()):
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if _FURNITURE & set(_TOKENS.split(names)):
        return True
    if el.tag in _LINK_BLOCKS and el.find(".//a") is not None:
        text = len(_SPACE.sub("", el.text_content()))
        links = sum(len(_SPACE.sub("", a.text_content())) for a in el.iter("a"))
        return text > 0 and links > MAX_LINK_SHARE * text
    return False


def _root(doc: Any) -> Any:
    main = doc.xpath("//main | //*[@role='main']")
    if main:
        return main[0]
    articles = doc.xpath("//article")
    if articles:
        return max(articles, key=lambda a: len(a.text_content()))
    body = doc.find("body")
    return body if body is not None else doc


class _Blocks:
    """Text gathered into paragraphs as the tree is walked."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)

    def flush(self, prefix: str = "") -> None:
        text = _SPACE.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.blocks.append(prefix + text)


def _walk(el: Any, out: _Blocks) -> None:
    if not isinstance(el.tag, str) or _is_furniture(el):  # comments, processing instructions, furniture
        out.add(el.tail)
        return
    tag = el.tag.lower()
    if tag == "tr":
        out.flush()
        cells = [
            _SPACE.sub(" ", c.text_content()).strip() for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")
        ]
        if any(cells):
            out.blocks.append(" | ".join(cells))
        out.add(el.tail)
        return
    block = tag in _BLOCKS
    if block:
        out.flush()
    out.add(el.text)
    for child in el:
        _walk(child, out)
    if tag in _HEADINGS:
        out.flush("#" * _HEADINGS[tag] + " ")
    elif block:
        out.flush()
    out.add(el.tail)


def read_html(path: Path, raw: bytes) -> str:
    """The main text of a saved web page, blocks separated by blank lines.

    Raises:
        DocumentError: the file is binary, or not HTML that can be parsed.
    """
    import lxml.html

    if b"\x00" in raw[:8192]:
        raise DocumentError(f"{path}: looks like a binary file, not a web page; save the page as HTML")
    try:
        try:
            doc = lxml.html.document_fromstring(raw.decode("utf-8"))
        except UnicodeDecodeError:
            doc = lxml.html.document_fromstring(raw)  # the page's own <meta charset> decides
    except Exception as exc:  # lxml raises ParserError, ValueError or XMLSyntaxError on what is not HTML
        raise DocumentError(f"{path}: cannot read it as a web page ({type(exc).__name__}); save it again") from exc
    out = _Blocks()
    _walk(_root(doc), out)
    out.flush()
    return "\n\n".join(out.blocks)
