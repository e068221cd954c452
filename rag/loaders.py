"""Load documents from files and folders (.txt, .md, .pdf, .docx, .html), and the bundled default article."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from rag.errors import DocumentError
from rag.formats import EXTRACTED, extract
from rag.schema import Document
from rag.text import detect_language

SUPPORTED = (".txt", ".md", *EXTRACTED)
DEFAULT_DOCUMENT = "000_c19c94f8a9a8e670.txt"


def default_document() -> Document:
    """The bundled Arabic article on Kazakhstan's SCO chairmanship, byte-for-byte."""
    data = resources.files("rag") / "data"
    raw = (data / DEFAULT_DOCUMENT).read_bytes()
    meta = json.loads((data / "manifest.json").read_text(encoding="utf-8"))[DEFAULT_DOCUMENT]
    digest = hashlib.sha256(raw).hexdigest()
    if digest != meta["sha256"]:
        raise DocumentError(f"the bundled article is damaged (sha256 {digest[:12]}…); reinstall sco-chat")
    return Document(
        id=DEFAULT_DOCUMENT,
        text=raw.decode("utf-8"),
        title=meta["title"],
        outlet=meta["outlet"],
        author=meta["author"],
        language=meta["language"],
        path=f"rag/data/{DEFAULT_DOCUMENT}",
        sha256=digest,
    )


def load_file(path: Path, *, max_bytes: int, doc_id: str | None = None) -> Document:
    """Load one text, Markdown, PDF, Word or HTML file; raise DocumentError saying what is wrong and what to do.

    A PDF, .docx or web page is stored as its extracted text (a PDF with its page starts); the content hash
    stays that of the file's bytes.
    """
    path = Path(path)
    if not path.exists():
        raise DocumentError(f"{path}: no such file or folder; check the path")
    if path.suffix.lower() not in SUPPORTED:
        raise DocumentError(f"{path}: unsupported type {path.suffix or '(none)'}; add .txt, .md, .pdf, .docx or .html")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit; split the file "
                "or raise RAG_MAX_DOCUMENT_BYTES"
            )
        raw = path.read_bytes()
    except PermissionError as exc:
        raise DocumentError(f"{path}: cannot read it ({exc.strerror}); check its permissions") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() in EXTRACTED:
        got = extract(path, raw)
        return _document(path, got.text, digest, doc_id, pages=got.pages)
    if b"\x00" in raw[:8192]:
        raise DocumentError(f"{path}: looks like a binary file, not text; save it as UTF-8 .txt or .md")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not valid UTF-8 (byte {exc.start}); re-save it with UTF-8 encoding") from exc
    if not text.strip():
        raise DocumentError(f"{path}: the file is empty; nothing to ingest")
    return _document(path, text, digest, doc_id)


def _document(path: Path, text: str, digest: str, doc_id: str | None, pages: list[int] | None = None) -> Document:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document(
        id=doc_id or path.name,
        text=text,
        title=first.lstrip("# ")[:120],
        language=detect_language(text[:5000]),
        path=str(path),
        sha256=digest,
        pages=pages or [],
    )


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, plus the supported files inside named folders (sorted, recursive)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out
