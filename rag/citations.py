"""Citation verification: a quote counts only if it is a verbatim span of its source."""

from __future__ import annotations

import re

from rag.schema import Citation

_MARKER = re.compile(r"\[(\d+)\]")


def locate(source_text: str, quote: str, *, hint: int | None = None) -> tuple[int, int] | None:
    """Offsets of `quote` as an exact substring of `source_text`, nearest to `hint`; None if absent.

    No normalisation on purpose: curly quotes, diacritics, tatweel and whitespace runs must
    match byte-for-byte, or the quote is not verbatim.
    """
    if not quote or not quote.strip():
        return None
    hits = [m.start() for m in re.finditer(re.escape(quote), source_text)]
    if not hits:
        return None
    start = min(hits, key=lambda h: abs(h - hint)) if hint is not None else hits[0]
    return start, start + len(quote)


def is_verbatim(citation: Citation, source_text: str | None) -> bool:
    """True when `source_text[start:end] == quote` exactly."""
    return (
        source_text is not None
        and 0 <= citation.start < citation.end <= len(source_text)
        and source_text[citation.start : citation.end] == citation.quote
    )


def markers(text: str) -> set[int]:
    """The citation numbers used as `[n]` in an answer text."""
    return {int(n) for n in _MARKER.findall(text)}


def check_answer(text: str, citations: list[Citation], sources: dict[str, str]) -> list[str]:
    """Problems with an answer's citations (empty list = every `[n]` is backed by a verbatim quote)."""
    problems = []
    numbers = {c.n for c in citations}
    for c in citations:
        if not is_verbatim(c, sources.get(c.source)):
            problems.append(f"[{c.n}] is not a verbatim span of {c.source} at {c.start}:{c.end}")
    for n in markers(text) - numbers:
        problems.append(f"[{n}] appears in the text but has no citation")
    for n in numbers - markers(text):
        problems.append(f"citation [{n}] is never referenced in the text")
    return problems
