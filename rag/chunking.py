"""Split documents into paragraphs and sentences, keeping exact character offsets."""

from __future__ import annotations

import hashlib
import re

from rag.schema import Chunk, Document

# A sentence ends at . ! ? ؟ ؛ (or … ) followed by whitespace or the end of the paragraph;
# a dot between digits (2.5, 2025.27) is never an end because a digit, not a space, follows it.
SENTENCE_END = re.compile(r"[.!?؟؛…]+(?=\s|$)")
_PARAGRAPH = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 1200  # longer runs without punctuation are cut at a space


def _spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in SENTENCE_END.finditer(text, start, end):
        spans.append((cursor, m.end()))
        cursor = m.end()
    spans.append((cursor, end))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while b - a > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", a, a + MAX_SENTENCE_CHARS)
            cut = cut if cut > a else a + MAX_SENTENCE_CHARS
            out.append((a, cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append((a, b))
    return out


def chunk_id(source: str, start: int, end: int, text: str) -> str:
    """A stable id from source, offsets and content: re-ingesting the same text adds nothing."""
    h = hashlib.sha256(f"{source}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return h[:32]


def split_document(doc: Document) -> list[Chunk]:
    """Split a document into sentence chunks; `doc.text[c.start:c.end] == c.text` for every chunk."""
    chunks: list[Chunk] = []
    for pm in _PARAGRAPH.finditer(doc.text):
        p_no = doc.text.count("\n", 0, pm.start()) + 1  # the paragraph's line number
        for a, b in _spans(doc.text, pm.start(), pm.end()):
            piece = doc.text[a:b]
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, a, b, piece),
                    source=doc.id,
                    text=piece,
                    start=a,
                    end=b,
                    paragraph=p_no,
                    para_start=pm.start(),
                    para_end=pm.end(),
                )
            )
    return chunks
