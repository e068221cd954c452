"""Split documents into paragraphs and sentences, keeping exact character offsets.

A Markdown heading line ("# Title", "## Funding") is structure, not text to quote: it is no chunk of its own,
and the sentences under it carry it as their `section` ("Title — Funding"). Sentences are embedded and indexed
with that context (`context_text`), so "who funded it?" finds "Most of the money came from ..." under
"## Funding"; the citation stays the sentence itself.
"""

from __future__ import annotations

import hashlib
import re

from rag.schema import Chunk, Document

# A sentence ends at . ! ? ؟ ؛ (or … ) followed by whitespace or the end of the paragraph;
# a dot between digits (2.5, 2025.27) is never an end because a digit, not a space, follows it.
# An initial ("James E. Webb", "U. S.") is no end: a single capital letter before the dot.
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?؟؛…]+(?=\s|$)")
_PARAGRAPH = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 1200  # longer runs without punctuation are cut at a space
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


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


def chunk_id(source: str, start: int, end: int, text: str, section: str = "") -> str:
    """A stable id from source, offsets, content and context: re-ingesting the same text adds nothing, and a
    sentence whose heading changed is embedded again."""
    key = f"{source}\x00{start}\x00{end}\x00{text}" + (f"\x00{section}" if section else "")
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def context_text(chunk: Chunk) -> str:
    """What is embedded and indexed for a sentence: its section heading, then the sentence."""
    return f"{chunk.section}: {chunk.text}" if chunk.section else chunk.text


def split_document(doc: Document) -> list[Chunk]:
    """Split a document into sentence chunks; `doc.text[c.start:c.end] == c.text` for every chunk.

    Heading lines are not chunks; each sentence's `section` is the path of headings above it.
    """
    chunks: list[Chunk] = []
    path: list[tuple[int, str]] = []  # (level, heading) from the top
    for pm in _PARAGRAPH.finditer(doc.text):
        heading = HEADING.match(pm.group())
        if heading:
            level = len(heading.group(1))
            path = [(lv, h) for lv, h in path if lv < level] + [(level, heading.group(2))]
            continue
        section = " — ".join(h for _, h in path)
        p_no = doc.text.count("\n", 0, pm.start()) + 1  # the paragraph's line number
        for a, b in _spans(doc.text, pm.start(), pm.end()):
            piece = doc.text[a:b]
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, a, b, piece, section),
                    section=section,
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
