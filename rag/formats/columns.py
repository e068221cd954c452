"""Two-column pages: find the gutter and read one column after the other.

Lines are first grouped by baseline across the whole page, so on a two-column page each "row" holds a line
of each column. A gutter is a vertical band in the middle of the text that almost no row inks while both
sides hold running text, not a table's cells: lines of some length that stop short of the column's far edge
only where the next line's first word would not have fitted. Rows that ink the band (a title across both columns)
stay whole and separate the page into blocks; inside a block the first column (the right one on a
right-to-left page) is read top to bottom before the second.
"""

from __future__ import annotations

import itertools
import statistics
from typing import Protocol, TypeVar


class _Box(Protocol):
    text: str
    x0: float
    x1: float
    size: float


G = TypeVar("G", bound=_Box)

MIN_TEXT_PER_SIDE = 15  # average characters of a row's part on each side: running text, not table cells


def _flows(parts: list[list[G]], rtl: bool) -> bool:
    """Whether a column's lines read as wrapped text: most stop short only by less than the next first word."""
    lines = [sorted((g for g in p if not g.text.isspace()), key=lambda g: g.x0, reverse=rtl) for p in parts]
    lines = [ln for ln in lines if ln]
    if len(lines) < 4 or sum(len(ln) for ln in lines) < MIN_TEXT_PER_SIDE * len(lines):
        return False
    far = min(g.x0 for ln in lines for g in ln) if rtl else max(g.x1 for ln in lines for g in ln)
    short = 0
    for line, nxt in itertools.pairwise(lines):
        room = (line[-1].x0 - far) if rtl else (far - line[-1].x1)
        short += room > first_word(nxt, rtl) + 0.3 * nxt[0].size
    return short <= (len(lines) - 1) / 2


def first_word(line: list[G], rtl: bool) -> float:
    """Width of a line's first word: glyphs (in reading order, spaces left out) until a gap of a space."""
    end = line[0]
    for g in line[1:]:
        if (end.x0 - g.x1 if rtl else g.x0 - end.x1) > 0.2 * g.size:
            break
        end = g
    return line[0].x1 - end.x0 if rtl else end.x1 - line[0].x0


def _gutter(rows: list[list[G]], rtl: bool) -> tuple[float, float] | None:
    """The x band between two columns, or None for a one-column page."""
    inked = [[g for g in row if not g.text.isspace()] for row in rows]
    glyphs = [g for row in inked for g in row]
    if len(rows) < 6 or not glyphs:
        return None
    lo, hi = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
    size = statistics.median(g.size for g in glyphs)
    width = int(hi - lo) + 1
    cover = [0] * width
    for row in inked:
        hit: set[int] = set()
        for g in row:
            hit.update(range(int(g.x0 - lo), min(width, int(g.x1 - lo) + 1)))
        for b in hit:
            cover[b] += 1
    quiet = max(1, len(rows) // 20)
    best: tuple[int, int] | None = None
    start = None
    for b in range(int(0.2 * width), int(0.8 * width) + 1):
        if b < width and cover[b] <= quiet:
            start = b if start is None else start
            continue
        if start is not None and (best is None or b - start > best[1] - best[0]):
            best = (start, b)
        start = None
    if best is None or best[1] - best[0] < 0.8 * size:  # wider than any word space, about a gutter's em
        return None
    band = (lo + best[0], lo + best[1])
    sides = [[[g for g in row if (g.x1 <= band[0]) == left] for row in inked] for left in (True, False)]
    return band if all(_flows(side, rtl) for side in sides) else None


def _spans(row: list[G], mid: float) -> bool:
    """A row across the gutter (a title): ink at its middle, or words on both sides closer than a gutter."""
    ink = [g for g in row if not g.text.isspace()]
    if any(g.x0 < mid < g.x1 for g in ink):
        return True
    before = [g.x1 for g in ink if g.x1 <= mid]
    after = [g.x0 for g in ink if g.x0 >= mid]
    return bool(before and after) and min(after) - max(before) < 0.8 * statistics.median(g.size for g in ink)


def reading_order(rows: list[list[G]], rtl: bool) -> list[tuple[int, list[G]]]:
    """Rows (top to bottom) in reading order, each with its column: 0 across the page, 1 first, 2 second."""
    band = _gutter(rows, rtl)
    if band is None:
        return [(0, row) for row in rows]
    mid = (band[0] + band[1]) / 2
    out: list[tuple[int, list[G]]] = []
    first: list[list[G]] = []
    second: list[list[G]] = []
    for row in rows:
        if _spans(row, mid):
            out += [(1, r) for r in first] + [(2, r) for r in second] + [(0, row)]
            first, second = [], []
            continue
        left = [g for g in row if (g.x0 + g.x1) / 2 < mid]
        right = [g for g in row if (g.x0 + g.x1) / 2 >= mid]
        for part, column in ((right, first), (left, second)) if rtl else ((left, first), (right, second)):
            if any(not g.text.isspace() for g in part):
                column.append(part)
    return out + [(1, r) for r in first] + [(2, r) for r in second]
