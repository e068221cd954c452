"""A quoted value (a date, a figure, a size) read out in the asker's language for the answer's lead line.

The quote stays verbatim in its own language; only the short value before it is rendered for the reader: "3.4 مليون
دولار" leads an English answer as "3.4 million dollars (3.4 مليون دولار)", "$16.9 billion" an Arabic one as
"16.9 مليار دولار ($16.9 billion)". The words are the languages' own (months, scale, currency, units, small
cardinals), not any document's; a value with a word not known here is shown as written.
"""

from __future__ import annotations

import re

from rag.answering.focus import decade_in
from rag.text import is_arabic_script, normalize

# The months, Arabic as normalize() writes them.
AR_MONTHS = {
    "يناير": "January",
    "فبراير": "February",
    "مارس": "March",
    "ابريل": "April",
    "مايو": "May",
    "يونيو": "June",
    "يوليو": "July",
    "اغسطس": "August",
    "سبتمبر": "September",
    "اكتوبر": "October",
    "نوفمبر": "November",
    "ديسمبر": "December",
}
# (Arabic as normalize() writes it, English); the first Arabic form of a row is the one written out.
_WORDS: list[tuple[tuple[str, ...], str]] = [
    *(((ar,), en) for ar, en in AR_MONTHS.items()),
    (("مليار", "مليارات"), "billion"), (("مليون", "ملايين"), "million"), (("الف", "الاف"), "thousand"),
    (("تريليون",), "trillion"), (("دولار", "دولارا", "دولارات"), "dollars"), (("يورو",), "euros"),
    (("في الميه", "في المايه", "بالمايه", "بالميه"), "percent"),
    (("كيلومتر", "كيلومترا", "كيلومترات"), "kilometres"), (("متر", "مترا", "امتار"), "metres"),
    (("طن", "اطنان"), "tonnes"), (("هكتار",), "hectares"), (("ميغاواط",), "megawatts"), (("غيغاواط",), "gigawatts"),
    (("عام", "سنه", "عاما"), "year"), (("سنوات", "اعوام"), "years"), (("شهر", "شهرا"), "month"),
    (("اشهر", "شهور"), "months"), (("اسبوع",), "week"), (("اسابيع",), "weeks"), (("يوم", "يوما"), "day"),
    (("ايام",), "days"),
]  # fmt: skip
_CARDINALS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5,
    "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10,
    "عشره": 10, "عشرون": 20, "عشرين": 20,
}  # fmt: skip
_AR_TO_EN = {ar: en for forms, en in _WORDS for ar in forms}
_EN_TO_AR = {en.lower(): forms[0] for forms, en in _WORDS}
# "%" for percent; singulars and American spellings of the units above
_EN_TO_AR.update(
    {"percent": "%", "per cent": "%", "dollar": "دولار", "kilometers": "كيلومتر", "meters": "متر", "tons": "طن"}
)
_AR_TOKEN = re.compile(r"(?:في |ب)الم[يا]+ه|[^\W\d_]+|\S+")
_EN_TOKEN = re.compile(r"per cent|[A-Za-z]+|\S+")


def _english(value: str) -> str | None:
    out = []
    for tok in _AR_TOKEN.findall(normalize(value)):
        word = tok[2:] if tok.startswith(("ال", "لل")) and tok[2:] in _AR_TO_EN else tok
        if word in _AR_TO_EN:
            out.append(_AR_TO_EN[word])
        elif word in _CARDINALS:
            out.append(str(_CARDINALS[word]))
        elif word in ("و", "من", "الي", "الى", "حتي", "-", "–"):
            out.append({"و": "and", "من": "from"}.get(word, "to"))
        elif is_arabic_script(word):
            return None  # a word this module cannot read out
        else:
            out.append(word)
    if len(out) == 1 and out[0] in ("thousand", "million", "billion", "trillion"):  # "مليون أسرة": a million
        out.insert(0, "1")
    return " ".join(out).strip()


def _arabic(value: str) -> str | None:
    dollars = "$" in value
    out = []
    for tok in _EN_TOKEN.findall(value.replace("$", "")):
        key = tok.lower()
        if key in _EN_TO_AR:
            out.append(_EN_TO_AR[key])
        elif re.fullmatch(r"[A-Za-z]+", tok):
            return None
        else:
            out.append(tok.rstrip(","))
    if dollars and "دولار" not in out:
        out.append("دولار")
    return re.sub(r"\s+%", "%", " ".join(out)).strip()


def in_language(value: str, language: str) -> str:
    """The value read out in `language` ("ar" or "en"), the original after it in brackets; unchanged when it is
    already in that language or holds a word not known here."""
    arabic = is_arabic_script(value)
    if (language == "ar") == arabic or not re.search(r"[^\W\d_]|[$%]", value):
        return value
    read = decade_in(value, language) or (_arabic(value) if language == "ar" else _english(value))
    return f"{read} ({value})" if read and read != value else value
