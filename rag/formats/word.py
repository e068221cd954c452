"""Word .docx to text with python-docx: paragraphs and tables in document order, headings as Markdown.

A paragraph whose style is a heading ("Heading 2", or one based on it), the title, or that carries an outline
level (set on the paragraph or its style, as custom heading styles do) becomes "## text", so the chunker
treats it as the section of the sentences under it, never as an answer. A table comes out one row
per line, cells separated by " | " (a merged cell once). Headers, footers, footnotes and text boxes are not
read.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from rag.errors import DocumentError

_HEADING = re.compile(r"^heading (\d)$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _outline(element: Any) -> int:
    """Word's outline level of a paragraph or style element as a heading level (0: body text or none)."""
    found = element.xpath("./w:pPr/w:outlineLvl/@w:val")
    return int(found[0]) + 1 if found and str(found[0]).isdigit() and int(found[0]) < 9 else 0


def _level(paragraph: Any) -> int:
    """The heading level of a paragraph (its outline level, its style's, or a heading style it is based on);
    0 for body text."""
    if _outline(paragraph._p):
        return min(_outline(paragraph._p), 6)
    style = paragraph.style
    for _ in range(5):
        if style is None:
            return 0
        if _outline(style.element):
            return min(_outline(style.element), 6)
        name = str(style.name or "")
        if name.lower() == "title":
            return 1
        m = _HEADING.match(name)
        if m:
            return max(1, min(int(m.group(1)), 6))
        style = style.base_style
    return 0


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(_clean(cell.text))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def read_docx(path: Path, raw: bytes) -> str:
    """The text of a .docx file, blocks separated by blank lines.

    Raises:
        DocumentError: the file is password-protected, an old .doc, or damaged.
    """
    import docx
    from docx.table import Table

    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(
            f"{path}: the file is password-protected or an old Word .doc; save it without a password as .docx"
        )
    try:
        document = docx.Document(io.BytesIO(raw))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
                continue
            text = _clean(item.text)
            if text:
                level = _level(item)
                blocks.append(f"{'#' * level} {text}" if level else text)
    except Exception as exc:  # a damaged package fails anywhere (zip, XML, relationships) with any exception
        raise DocumentError(
            f"{path}: cannot read it as a Word document ({type(exc).__name__}: the file is damaged or "
            "truncated); open and re-save it as .docx"
        ) from exc
    return "\n\n".join(blocks)
