"""Visual order back to logical order, for text read glyph by glyph off a PDF page.

A PDF draws glyphs where they appear; read left to right, an Arabic line comes out reversed, with its numbers
and Latin words still reading left to right inside it. This inverts the Unicode bidirectional display for
one line: with a right-to-left base, reverse the line and turn its left-to-right runs (Latin, digits, and the
separators between them) back; with a left-to-right base, reverse only the right-to-left runs, keeping the
numbers inside them. Mirrored brackets in the reversed parts are swapped back (a ")" drawn at the left end
of an Arabic line is the "(" the writer typed at its start). Each unit is one glyph's text (a ligature or a
letter with its marks) and is never split.
"""

from __future__ import annotations

import re
import unicodedata

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
# Left-to-right text with the neutrals inside it. A percent or currency sign at a number's edge stays outside:
# Chromium and Word draw an Arabic line's "15%" as "%15", so reading the drawing back gives the typed "15%".
_LTR_RUN = re.compile(r"[LD](?:[NSE]*[LD])*")
_RTL_RUN = re.compile(r"R(?:[^L]*R)?")  # right-to-left text, numbers and neutrals inside it
_DIGIT_RUN = re.compile(r"D(?:S?D)*")  # 2.5, 1,000, 2019-2020


def unit_class(text: str) -> str:
    """One letter per glyph: R (Arabic, Hebrew), L (Latin…), D (digits), S (separator inside a number),
    E (%, currency), N (space and other neutrals); a glyph takes its first non-mark character's class."""
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
        if bidi in ("CS", "ES"):
            return "S"
        if bidi == "ET":
            return "E"
        return "N"
    return "N"


def _mirror(unit: str) -> str:
    return _MIRROR.get(unit, unit)


def _reverse_spans(units: list[str], classes: str, pattern: re.Pattern[str], *, mirror: bool) -> list[str]:
    out = list(units)
    for m in pattern.finditer(classes):
        part = units[m.start() : m.end()][::-1]
        out[m.start() : m.end()] = [_mirror(u) for u in part] if mirror else part
    return out


def to_logical(units: list[str], *, rtl: bool) -> list[str]:
    """The glyph texts of one line, given left to right as drawn, in the order they were written.

    Args:
        units: one string per glyph, in visual (left-to-right) order.
        rtl: the line's base direction is right to left (an Arabic paragraph).
    """
    if rtl:
        units = [_mirror(u) for u in units[::-1]]
        return _reverse_spans(units, "".join(map(unit_class, units)), _LTR_RUN, mirror=True)
    classes = "".join(map(unit_class, units))
    out = list(units)
    for m in _RTL_RUN.finditer(classes):
        part = [_mirror(u) for u in units[m.start() : m.end()][::-1]]
        out[m.start() : m.end()] = _reverse_spans(part, classes[m.start() : m.end()][::-1], _DIGIT_RUN, mirror=False)
    return out
