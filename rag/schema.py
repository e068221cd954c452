"""Typed objects every surface shares: Document, Chunk, Citation, Answer, IngestReport."""

from __future__ import annotations

import bisect
from typing import Literal

from pydantic import BaseModel, Field


class Document(BaseModel):
    """A source document: its full original text and readable metadata."""

    id: str = Field(description="Stable document id (file name for user documents).")
    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    language: str = ""
    path: str = ""
    sha256: str = ""
    pages: list[int] = Field(default=[], description="Offset where each page starts (PDFs); empty without pages.")

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `text[offset]`, or None for a document without pages."""
        return bisect.bisect_right(self.pages, offset) if self.pages else None


class Chunk(BaseModel):
    """One sentence of a document with its exact offsets: `document.text[start:end] == text`."""

    id: str
    source: str
    text: str
    start: int
    end: int
    paragraph: int = Field(description="1-based line number of the paragraph holding the chunk.")
    para_start: int
    para_end: int
    section: str = Field(default="", description="The headings above the sentence ('Title — Funding'), if any.")


class Retrieved(BaseModel):
    """A chunk with the scores that ranked it for one question."""

    chunk: Chunk
    score: float = Field(description="Fused rank score (higher is better).")
    dense: float = 0.0
    lexical: float = 0.0
    align: float = Field(default=0.0, description="Word-alignment or best-clause score (rag.rerank).")
    rank_score: float | None = Field(default=None, description="Final reranked score (z-score sum), if reranked.")
    confidence: float | None = Field(
        default=None, description="The ranker's probability that this sentence answers (rag.ranker), if scored."
    )


class Citation(BaseModel):
    """A verbatim quote: `source_text[start:end] == quote`, referenced as `[n]` in the answer."""

    n: int
    quote: str
    source: str
    start: int
    end: int
    paragraph: int = 0
    title: str = ""
    page: int | None = Field(default=None, description="1-based page of the quote's start (PDFs), else None.")


class Answer(BaseModel):
    """What `answer()` returns to the CLI, the chat page and the eval runner."""

    question: str
    text: str
    language: Literal["ar", "en"]
    abstained: bool
    citations: list[Citation] = []
    short_answer: str | None = Field(default=None, description="A short span (date, number, name) if asked.")
    reason: str = Field(default="", description="Why the answer abstained, or which backend answered.")
    backend: str = "extractive"
    retrieved: list[Retrieved] = []
    timings_ms: dict[str, float] = {}
    notes: list[str] = Field(default=[], description="Warnings, e.g. a truncated question.")


class IngestReport(BaseModel):
    """Summary of one ingestion run."""

    documents: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[str] = Field(default=[], description="One line per document that could not be ingested.")
    seconds: float = 0.0
