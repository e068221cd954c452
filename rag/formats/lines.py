"""Glyphs to lines: rows by baseline, reading order by x, and each line in logical order.

A line is the glyphs sharing a baseline (marks, superscripts and subscripts join the nearest), read left to
right as drawn, whatever order the producer wrote them in (Chromium writes an Arabic line's runs in several
pieces), then turned into the order it was written (rag.formats.bidi) with Arabic presentation forms folded to
letters (NFKC on the presentation-form blocks only). Two-column pages are read column by column
(rag.formats.columns).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rag.formats.bidi import to_logical, unit_class
from rag.formats.columns import first_word, reading_order

_PRESENTATION = re.compile(r"[\uFB00-\uFDFF\uFE70-\uFEFF]")  # Latin ligatures, Arabic presentation forms A/B


@dataclass
class Glyph:
    """One drawn character: its text, horizontal extent, baseline and size, and whether it is a mark."""

    text: str
    x0: float
    x1: float
    base: float
    size: float
    mark: bool


@dataclass
class Line:
    """One line of text in logical order, with where it sits on the page."""

    text: str
    base: float
    size: float
    x0: float
    x1: float
    rtl: bool
    first_word: float  # width of the line's first word (its rightmost in a right-to-left line)
    column: int = 0  # 0 across the page, 1 and 2 the columns of a two-column page (rag.formats.columns)


def _line_units(glyphs: list[Glyph]) -> list[str]:
    """Glyph texts left to right, presentation forms folded: marks joined to the letter they sit on, spaces where
    the gap is a space, zero-advance spaces (an unused soft hyphen) and glyphs drawn twice (fake bold) dropped.

    A mark is drawn from a point inside its letter (often a hair left of its edge), so its letter is the one
    starting last at or just before that point; on a ligature (lam-alef) it follows the ligature's first letter.
    """
    bases = sorted((g for g in glyphs if not g.mark), key=lambda g: (g.x0, g.x1))
    marks = [g for g in glyphs if g.mark]
    units: list[list[str]] = []
    kept: list[Glyph] = []
    for i, g in enumerate(bases):
        nxt = bases[i + 1] if i + 1 < len(bases) else None
        if g.text.isspace() and (nxt is None or nxt.x0 < g.x0 + 0.5 * (g.x1 - g.x0)):
            continue
        if kept and kept[-1].text == g.text and abs(kept[-1].x0 - g.x0) < 0.1 * g.size:
            continue
        if kept and not g.text.isspace() and not kept[-1].text.isspace() and g.x0 - kept[-1].x1 > 0.2 * g.size:
            units.append([" "])
            kept.append(Glyph(" ", kept[-1].x1, g.x0, g.base, g.size, False))
        units.append([g.text])
        kept.append(g)
    for m in marks:
        letters = [i for i, g in enumerate(kept) if not g.text.isspace()]
        before = [i for i in letters if kept[i].x0 <= m.x0 + 0.05 * m.size]
        if before or letters:
            units[max(before, key=lambda i: kept[i].x0) if before else letters[0]].append(m.text)
    out = []
    for base, *on in units:
        base = _fold(base)
        out.append(base[:1] + "".join(on) + base[1:])
    return out


def _fold(unit: str) -> str:
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), unit)


def page_lines(glyphs: list[Glyph], rtl_document: bool) -> list[Line]:
    """Glyphs grouped by baseline (top to bottom) into lines, in reading order (a two-column page column by
    column) and each in logical order; a mark (raised or lowered by the font) joins the nearest line, and so
    does a superscript or subscript (smaller glyphs just above or below a line's baseline)."""
    rows: list[list[Glyph]] = []
    for g in sorted((g for g in glyphs if not g.mark), key=lambda g: -g.base):
        if rows and abs(rows[-1][0].base - g.base) <= 0.3 * max(g.size, rows[-1][0].size):
            rows[-1].append(g)
        else:
            rows.append([g])
    rows = _attach_scripts(rows)
    ordered = reading_order(rows, rtl_document)
    for m in (g for g in glyphs if g.mark):
        if ordered:
            _, row = min(ordered, key=lambda cr: (round(abs(cr[1][0].base - m.base)), _outside(cr[1], m.x0)))
            row.append(m)
    out = []
    for column, row in ordered:
        units = _line_units(row)
        rtl = _base_rtl(units, rtl_document)
        text = "".join(to_logical(units, rtl=rtl)).strip()
        if text:
            sizes = [g.size for g in row if not g.text.isspace()]
            base = max(Counter(g.base for g in row).items(), key=lambda kv: kv[1])[0]
            x0, x1 = min(g.x0 for g in row), max(g.x1 for g in row)
            out.append(Line(text, base, statistics.median(sizes), x0, x1, rtl, _first_word(row, rtl), column))
    return out


_CLOSING = frozenset(".,:;!?،؛؟")


def _base_rtl(units: list[str], rtl_document: bool) -> bool:
    """Whether a line (glyph texts left to right) is laid out right to left: most of its letters are, unless
    its closing punctuation shows otherwise (a paragraph's "." sits at its end side: the left end of an English
    sentence set in a right-to-left paragraph, the right end of an Arabic one in a left-to-right paragraph).
    A line of numbers alone follows the page."""
    letters = "".join(units)
    rtl_n = sum(unicodedata.bidirectional(ch) in ("R", "AL") for ch in letters)
    ltr_n = sum(unicodedata.bidirectional(ch) == "L" for ch in letters)
    rtl = rtl_n > ltr_n or (rtl_document and (rtl_n > 0 or ltr_n == 0))
    ink = [u for u in units if not u.isspace()]
    if len(ink) > 1:
        if not rtl and ink[0] in _CLOSING and unit_class(ink[-1]) in "LD":
            return True
        if rtl and ink[-1] in _CLOSING and unit_class(ink[0]) == "R":
            return False
    return rtl


def _attach_scripts(rows: list[list[Glyph]]) -> list[list[Glyph]]:
    """Rows of small glyphs within half a line of a larger row's baseline, inside its width, join that row."""

    def size(row: list[Glyph]) -> float:
        return statistics.median(g.size for g in row)

    kept = list(rows)
    for row in rows:
        hosts = [
            other
            for other in kept
            if other is not row
            and size(row) < 0.85 * size(other)
            and abs(other[0].base - row[0].base) < 0.6 * size(other)
            and min(g.x0 for g in other) - size(other) <= min(g.x0 for g in row)
            and max(g.x1 for g in row) <= max(g.x1 for g in other) + size(other)
        ]
        if hosts:
            min(hosts, key=lambda other: abs(other[0].base - row[0].base)).extend(row)
            kept.remove(row)
    return kept


def _outside(row: list[Glyph], x: float) -> float:
    """How far x lies outside a row's horizontal extent (0 inside it)."""
    return max(0.0, min(g.x0 for g in row) - x, x - max(g.x1 for g in row))


def _first_word(row: list[Glyph], rtl: bool) -> float:
    ink = sorted((g for g in row if not g.mark and not g.text.isspace()), key=lambda g: g.x0, reverse=rtl)
    return first_word(ink, rtl) if ink else 0.0
