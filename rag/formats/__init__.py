"""Text out of the formats people have: PDF (per page), Word .docx and saved web pages.

Each reader returns plain text in the shape the chunker reads (one paragraph per line, blank lines between,
headings as Markdown "# ..." lines) and, for PDFs, the offset where each page starts. The stored document
text is exactly this extracted text, so citations stay verbatim spans of it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentError

EXTRACTED = (".pdf", ".docx", ".html", ".htm")
PAGE_BREAK = "\n\n"
MAX_UNREADABLE = 0.2  # share of replacement or private-use characters above which an extraction is refused


@dataclass
class Extracted:
    """A document's extracted text and, for paged formats, the 0-based offset where each page starts."""

    text: str
    pages: list[int] = field(default_factory=list)


def _paged(page_texts: list[str]) -> Extracted:
    text, starts = "", []
    for i, page in enumerate(page_texts):
        if i:
            text += PAGE_BREAK
        starts.append(len(text))
        text += page
    return Extracted(text, starts)


def _check(path: Path, got: Extracted) -> Extracted:
    visible = [ch for ch in got.text if not ch.isspace()]
    if not any(ch.isalnum() for ch in visible):
        if path.suffix.lower() == ".pdf":
            raise DocumentError(f"{path}: no extractable text; OCR is not supported (a scanned PDF holds only images)")
        raise DocumentError(f"{path}: no text found in it; nothing to ingest")
    bad = sum(ch == "\ufffd" or unicodedata.category(ch) == "Co" for ch in visible)  # no mapping, or private use
    if bad > MAX_UNREADABLE * len(visible):
        raise DocumentError(
            f"{path}: {bad / len(visible):.0%} of the extracted characters are unreadable (fonts without a "
            "Unicode mapping or a wrong encoding); export the file again with embedded Unicode text"
        )
    return got


def extract(path: Path, raw: bytes) -> Extracted:
    """The text of a .pdf, .docx or .html/.htm file.

    Args:
        path: the file (its suffix picks the reader; PDFs are read from disk).
        raw: the file's bytes.

    Raises:
        DocumentError: the file is encrypted, damaged, binary, a scan, or yields mostly unreadable text.
    """
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from rag.formats.pdf import read_pdf

        if not raw.lstrip()[:5].startswith(b"%PDF"):
            raise DocumentError(f"{path}: not a PDF (no %PDF header); check the file")
        pages = read_pdf(path)
        blank = sum(not any(ch.isalnum() for ch in page) for page in pages)
        if 0 < blank < len(pages) and blank > len(pages) / 2:
            raise DocumentError(
                f"{path}: no extractable text on {blank} of {len(pages)} pages; OCR is not supported (scanned "
                "pages hold only images)"
            )
        return _check(path, _paged(pages))
    if suffix == ".docx":
        from rag.formats.word import read_docx

        return _check(path, Extracted(read_docx(path, raw)))
    if suffix in (".html", ".htm"):
        from rag.formats.web import read_html

        return _check(path, Extracted(read_html(path, raw)))
    raise DocumentError(f"{path}: unsupported type {suffix}")
