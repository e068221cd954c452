"""Visual order back to logical order, for text read glyph by glyph off a PDF page.

A PDF draws glyphs where they appear; read left to right, an Arabic line comes out reversed, with its numbers
and Latin words still reading left to right inside it. This inverts the Unicode bidirectional display for
one line: with a right-to-left base, reverse the line and turn its left-to-right runs (Latin with its numbers,
and numbers alone) back; with a left-to-right base, reverse only the right-to-left runs, keeping the numbers
inside them. A number after Arabic letters is an Arabic number to the bidi algorithm (rule W2): only a comma,
dot, colon or slash holds it together (12/3/2019, 2.5), while a hyphen or a percent sign stands between runs,
so "2019-2020" is drawn "2020-2019" and "15%" is drawn "%15", and both are read back as typed. Mirrored
brackets in the reversed parts are swapped back (a ")" drawn at the left end of an Arabic line is the "(" the
writer typed at its start). Each unit is one glyph's text (a ligature or a letter with its marks), never split.
"""

from __future__ import annotations

import re
import unicodedata

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
_LTR_RUN = re.compile(r"[LD](?:[NCPE]*[LD])*")  # left-to-right text and numbers, with the neutrals inside
_RTL_RUN = re.compile(r"R(?:[^L]*R)?")  # right-to-left text, numbers and neutrals inside it
_NUMBER = re.compile(r"D+(?:CD+)*")  # a number after Arabic letters: 2.5, 1,000, 12/3/2019


def unit_class(text: str) -> str:
    """One letter per glyph: R (Arabic, Hebrew), L (Latin…), D (digits), C (, . : /), P (+ -), E (%, currency),
    N (space and other neutrals); a glyph takes its first non-mark character's class."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("NSM", "BN"):
            continue
        if bidi in ("R", "AL"):
            return "R"
        if bidi == "L":
            return "L"
        if bidi in ("EN", "AN"):
            return "D"
        if bidi == "CS":
            return "C"
        if bidi == "ES":
            return "P"
        if bidi == "ET":
            return "E"
        return "N"
    return "N"


def _mirror(unit: str) -> str:
    return _MIRROR.get(unit, unit)


def _numbers_back(units: list[str], classes: str) -> list[str]:
    """Each number of a reversed stretch read left to right again."""
    out = list(units)
    for m in _NUMBER.finditer(classes):
        out[m.start() : m.end()] = units[m.start() : m.end()][::-1]
    return out


def to_logical(units: list[str], *, rtl: bool) -> list[str]:
    """The glyph texts of one line, given left to right as drawn, in the order they were written.

    Args:
        units: one string per glyph, in visual (left-to-right) order.
        rtl: the line's base direction is right to left (an Arabic paragraph).
    """
    if rtl:
        units = [_mirror(u) for u in units[::-1]]
        classes = "".join(map(unit_class, units))
        out = list(units)
        for m in _LTR_RUN.finditer(classes):
            part, kinds = units[m.start() : m.end()], m.group()
            if "L" in kinds:  # Latin with the numbers after it ("ISO 9001:2015") is one left-to-right run
                out[m.start() : m.end()] = [_mirror(u) for u in part[::-1]]
            else:
                out[m.start() : m.end()] = _numbers_back(part, kinds)
        return out
    classes = "".join(map(unit_class, units))
    out = list(units)
    for m in _RTL_RUN.finditer(classes):
        part = [_mirror(u) for u in units[m.start() : m.end()][::-1]]
        out[m.start() : m.end()] = _numbers_back(part, classes[m.start() : m.end()][::-1])
    return out
