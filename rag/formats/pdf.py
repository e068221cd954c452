"""PDF text layers to logical text, page by page (pdfminer.six reads the glyphs; the layout is ours).

Glyphs are read with their positions (a page whose text runs a quarter turn is read in its own frame) and
rebuilt into lines in logical order (rag.formats.lines). Here lines join into paragraphs by where they stop
and how far apart they are, a paragraph set clearly larger than the body text becomes a Markdown heading, an
English word hyphenated across a line break is rejoined, and a line repeated at the top or bottom of most
pages (running header, page number) is dropped. Paragraphs are separated by a blank line, and so are pages:
no sentence spans two pages.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import DocumentError
from rag.formats.lines import Glyph, Line, page_lines

_CID = re.compile(r"^\(cid:\d+\)$")  # pdfminer's text for a glyph with no Unicode mapping
_HYPHEN_END = re.compile(r"[^\W\d_][-\u00AD\u2010]$")
_PAGE_NUMBER = re.compile(r"^[\W_]*(?:page|صفحة|ص)?\s*[\d٠-٩]+(?:\s*(?:/|of|من)\s*[\d٠-٩]+)?[\W_]*$", re.IGNORECASE)


@dataclass
class _Para:
    lines: list[Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return statistics.median(ln.size for ln in self.lines)


def _turn(x: float, y: float, quarter: int) -> tuple[float, float]:
    """A point of the page seen from text turned by `quarter` quarter turns, as if that text were upright."""
    return [(x, y), (y, -x), (-x, -y), (-y, x)][quarter]


def _glyphs(layout: Any) -> tuple[list[Glyph], float | None]:
    """Every character drawn on a page (inside form XObjects too) in the direction most of its text runs
    (a page turned a quarter turn reads like an upright one; a few turned labels on an upright page are
    dropped), and the page's left plus right edge when its text is upright (for mirroring a margin; None
    otherwise: a turned block need not sit between symmetric margins)."""
    from pdfminer.layout import LTChar, LTContainer

    found: dict[int, list[Glyph]] = {}
    stack = [layout]
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            a, b, c, d, e, f = obj.matrix
            quarter = round(math.atan2(b, a) / (math.pi / 2)) % 4
            if a * d - b * c <= 0 or abs(math.remainder(math.atan2(b, a) - quarter * math.pi / 2, 2 * math.pi)) > 1e-2:
                continue  # mirrored or slanted text: not a reading line
            text = obj.get_text()
            text = "\ufffd" if _CID.match(text) else text
            mark = bool(text) and all(unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" for ch in text)
            (x0, y0), (x1, y1) = _turn(obj.x0, obj.y0, quarter), _turn(obj.x1, obj.y1, quarter)
            size = abs(y1 - y0) or math.hypot(a, b)
            found.setdefault(quarter, []).append(
                Glyph(text, min(x0, x1), max(x0, x1), _turn(e, f, quarter)[1], size, mark)
            )
        elif isinstance(obj, LTContainer):
            stack.extend(reversed(list(obj)))
    quarter = max(found, key=lambda q: (len(found[q]), q == 0), default=0)
    return found.get(quarter, []), float(layout.x0 + layout.x1) if quarter == 0 else None


def _leading(pages: list[list[Line]]) -> float:
    """The document's line spacing as a multiple of font size: the tightest gap between two lines of one size."""
    ratios = [
        (a.base - b.base) / a.size
        for lines in pages
        for a, b in itertools.pairwise(lines)
        if abs(a.size - b.size) < 0.05 * a.size and a.base > b.base
    ]
    return max(1.0, min(ratios, default=1.2))


def _paragraphs(lines: list[Line], leading: float, axis: float | None) -> list[_Para]:
    """Lines joined into paragraphs. A new one starts after a line that stops short of the text's far edge by
    more than the next line's first word (the word would have fitted: the writer ended the paragraph there),
    at a gap wider than the line spacing, and where the font size changes. The far edge is the
    farthest any line reaches, or on an upright page the near margin mirrored across the page (margins are
    usually symmetric: `axis` is the page's left plus right edge), so one-line paragraphs still break apart."""
    edges = {}
    for column in {ln.column for ln in lines}:
        left = min(ln.x0 for ln in lines if ln.column == column)
        right = max(ln.x1 for ln in lines if ln.column == column)
        if column == 0 and axis is not None:
            left, right = min(left, axis - right), max(right, axis - left)
        edges[column] = (left, right)
    paras: list[_Para] = []
    for ln in lines:
        prev = paras[-1].lines[-1] if paras else None
        left, right = edges[prev.column] if prev else (0.0, 0.0)
        room = (prev.x0 - left if prev.rtl else right - prev.x1) if prev else 0.0
        if (
            prev is None
            or (room > ln.first_word + 0.3 * ln.size and not _continues(prev.text, ln.text))
            or prev.base - ln.base > 1.3 * leading * max(prev.size, ln.size)
            or abs(prev.size - ln.size) > 0.1 * max(prev.size, ln.size)
        ):
            paras.append(_Para())
        paras[-1].lines.append(ln)
    return paras


def _continues(text: str, nxt: str) -> bool:
    """A word hyphenated across the line break: "con-" then "struction"."""
    return bool(_HYPHEN_END.search(text)) and nxt[:1].islower()


def _join(lines: list[Line]) -> str:
    """One paragraph's lines as one line of text; a word hyphenated across a line break is rejoined."""
    text = ""
    for ln in lines:
        joined = text[:-1] + ln.text if text and _continues(text, ln.text) else None
        text = joined or (f"{text} {ln.text}" if text else ln.text)
    return text


def _furniture(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """(page, line) positions of running headers and footers: a first or last line of a page that is a page
    number, or whose text (digits aside) is the first or last line of at least half of the pages (3 or more)."""

    def key(text: str) -> str:
        return re.sub(r"[\d٠-٩]+", "#", text)

    edges: Counter[str] = Counter()
    for lines in pages:
        for i in {0, len(lines) - 1} if lines else set():
            edges[key(lines[i].text)] += 1
    out = set()
    for p, lines in enumerate(pages):
        for i in {0, len(lines) - 1} if lines else set():
            text = lines[i].text
            if len(lines) > 1 and (
                _PAGE_NUMBER.match(text) or (len(pages) >= 3 and edges[key(text)] >= len(pages) / 2)
            ):
                out.add((p, i))
    return out


def _page_texts(pages: list[list[Line]], axes: list[float | None]) -> list[str]:
    furniture = _furniture(pages)
    pages = [[ln for i, ln in enumerate(lines) if (p, i) not in furniture] for p, lines in enumerate(pages)]
    leading = _leading(pages)
    paras = [_paragraphs(lines, leading, axis) for lines, axis in zip(pages, axes, strict=True)]
    counts: Counter[float] = Counter()
    for page in paras:
        for para in page:
            for ln in para.lines:
                counts[round(ln.size, 1)] += len(ln.text)
    body = counts.most_common(1)[0][0] if counts else 0.0
    heading_sizes = sorted({round(p.size, 1) for page in paras for p in page if p.size >= 1.2 * body}, reverse=True)
    texts = []
    for page in paras:
        blocks = []
        for para in page:
            text = _join(para.lines)
            size = round(para.size, 1)
            if size in heading_sizes and len(para.lines) <= 3 and len(text) <= 200:
                text = "#" * min(heading_sizes.index(size) + 1, 6) + " " + text
            blocks.append(text)
        texts.append("\n\n".join(blocks))
    return texts


def read_pdf(path: Path) -> list[str]:
    """The text of each page of a PDF, in logical order, paragraphs separated by blank lines.

    Raises:
        DocumentError: the PDF is encrypted, damaged or truncated.
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[list[Glyph]] = []
    axes: list[float | None] = []
    try:
        with open(path, "rb") as fh:
            for page in PDFPage.get_pages(fh):
                interpreter.process_page(page)
                glyphs, axis = _glyphs(device.get_result())
                pages.append(glyphs)
                axes.append(axis)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError(f"{path}: the PDF is encrypted; save a copy without a password and add that") from exc
    except Exception as exc:  # a damaged file fails anywhere in the parser, with any exception type
        raise DocumentError(
            f"{path}: cannot read it as a PDF ({type(exc).__name__}: the file is damaged or truncated); "
            "open and re-save it, or export it again"
        ) from exc
    if not pages:
        raise DocumentError(f"{path}: cannot read it as a PDF (no pages found: damaged or truncated)")
    all_letters = "".join(g.text for page in pages for g in page)
    rtl_document = sum(unicodedata.bidirectional(c) in ("R", "AL") for c in all_letters) > sum(
        unicodedata.bidirectional(c) == "L" for c in all_letters
    )
    return _page_texts([page_lines(glyphs, rtl_document) for glyphs in pages], axes)
