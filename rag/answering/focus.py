"""What a question is about, beyond its answer type: an attribute, an office, a country or a year that
the evidence must name before it can answer.

"What is the capital of Kazakhstan?" cannot be answered by a sentence about Kazakhstan that never
says "capital"; "Who is the Secretary-General?" needs a sentence naming that office; "What did the
Indian delegation say?" needs a source that mentions India. A similarity score cannot tell these
from answerable questions (the closest sentence is on topic either way), so the extractive answerer
checks the words: each entry lists how a question asks (English, Arabic) and how a source says it
(Arabic or English, matched on normalised text). The lists are general vocabulary of factoid
questions (country facts, offices, foundation), not the article's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import normalize

# An Arabic word may carry a conjunction or preposition and the article: و ب ل ف ك + ال.
_AR_PRE = r"(?<![^\W\d_])(?:[وفبلك]?(?:ال|لل)?)"
_AR_END = r"(?![^\W\d_])"


@dataclass(frozen=True)
class Focus:
    """One thing a question can ask about, and the words a source uses for it."""

    name: str  # English, for the abstention message
    name_ar: str
    asked: re.Pattern[str]  # on the normalised question
    said: re.Pattern[str]  # on the normalised evidence


def _focus(name: str, name_ar: str, asked: str, said: str) -> Focus:
    return Focus(name, name_ar, re.compile(asked), re.compile(said))


# Offices and attributes: the asked pattern covers both languages, the said pattern both scripts. Arabic
# stems that hide inside other words ("لغة" in "بالغة", "كاتب" in "مكاتب") are bounded by _AR_PRE/_AR_END.
ATTRIBUTES = [
    _focus(
        "Secretary-General",
        "الأمين العام",
        r"secretary[- ]general|امين عام|الامين العام",
        r"امين عام|الامين العام|secretary[- ]general",
    ),
    _focus(
        "prime minister",
        "رئيس الوزراء",
        r"prime minister|\bpremier\b|رييس (?:ال)?وزراء|رييس الحكومه",
        r"رييس (?:ال)?وزراء|رييس الحكومه|prime minister|\bpremier\b",
    ),
    _focus("minister", "وزير", rf"\bministers?\b|{_AR_PRE}وزير(?:ه|ا)?{_AR_END}", r"وزير|minister"),
    _focus("ambassador", "سفير", rf"\bambassadors?\b|{_AR_PRE}سفير", r"سفير|ambassador"),
    _focus(
        "mayor or governor", "العمدة أو المحافظ", r"\b(?:mayor|governor)s?\b|عمده|محافظ", r"عمده|محافظ|mayor|governor"
    ),
    # Asking for a capital, not placing something in it ("the financial centre in the capital").
    _focus(
        "capital city",
        "العاصمة",
        r"\bcapital (?:city|of)\b|'s capital\b|(?<!in )\bthe capital\b|(?<!في )(?<![^\W\d_])[وف]?(?:ال)?عاصم",
        r"عاصم|\bcapital\b",
    ),
    _focus(
        "currency",
        "العملة",
        rf"\bcurrenc(?:y|ies)\b|{_AR_PRE}عمل(?:ه|ات){_AR_END}",
        rf"{_AR_PRE}عمل(?:ه|ات|تها){_AR_END}|currenc",
    ),
    _focus(
        "language",
        "اللغة",
        rf"\blanguages?\b|{_AR_PRE}لغ(?:ه|ات){_AR_END}",
        rf"{_AR_PRE}لغ(?:ه|ات|تها){_AR_END}|\blanguage",
    ),
    _focus(
        "population",
        "السكان",
        rf"\bpopulation\b|\binhabitants\b|{_AR_PRE}سكان|نسمه",
        r"سكان|نسمه|population|inhabitants",
    ),
    _focus("GDP", "الناتج المحلي", r"\bgdp\b|gross domestic|الناتج المحلي", r"الناتج المحلي|\bgdp\b|gross domestic"),
    _focus("budget", "الميزانية", rf"\bbudgets?\b|{_AR_PRE}ميزاني", r"ميزاني|budget"),
    _focus(
        "armed forces",
        "الجيش",
        rf"\b(?:army|armies|armed forces|troops|soldiers)\b|{_AR_PRE}جيش|القوات المسلحه|جنود",
        r"جيش|القوات المسلحه|جنود|\barmy|armed forces|troops|soldiers",
    ),
    # Not a bare "area": "what other area of connectivity" asks about a field, not a size.
    _focus(
        "land area",
        "المساحة",
        rf"\b(?:land|total|surface) area\b|\bsquare (?:kilomet|mile)|{_AR_PRE}مساح",
        r"مساح|square|كيلومتر مربع",
    ),
    _focus(
        "headquarters",
        "المقر",
        rf"\bheadquarter|{_AR_PRE}مقر{_AR_END}|{_AR_PRE}مقرها",
        rf"{_AR_PRE}مقر(?:ها|ه)?{_AR_END}|headquarter",
    ),
    _focus(
        "founding",
        "التأسيس",
        rf"\b(?:founded|founder|founders|founding|established)\b|تاسس|تاسيس|{_AR_PRE}موسس(?:و|ي|ين)?{_AR_END}|انشي|انشا",
        r"تاسس|تاسيس|اسس|موسس|انشي|انشا|founded|founder|establish",
    ),
    # Who wrote the document: the byline ("بقلم", "by"). Not "according to the author", which asks for content.
    _focus(
        "author",
        "الكاتب",
        r"\bwho (?:wrote|is the (?:author|writer))\b|\b(?:author|writer) of (?:the|this)\b"
        r"|من كتب|من (?:هو )?(?:كاتب|مولف|صاحب)",
        rf"بقلم|\bby\b|author|writer|{_AR_PRE}(?:كاتب|مولف){_AR_END}|كتبه",
    ),
    _focus(
        "date of birth",
        "تاريخ الميلاد",
        rf"\bborn\b|\bbirth|{_AR_PRE}(?:ولد|مولد|ميلاد)",
        r"ولد|مولد|ميلاد|\bborn\b|birth",
    ),
    _focus(
        "family",
        "العائلة",
        rf"\b(?:wife|husband|married|children|sons?|daughters?)\b|{_AR_PRE}(?:زوج|زوجه|متزوج|ابناء|اطفال)",
        r"زوج|متزوج|ابناء|اطفال|\b(?:wife|husband|married|children|sons?|daughters?)\b",
    ),
    _focus(
        "salary",
        "الراتب",
        rf"\b(?:salary|salaries|wages?)\b|{_AR_PRE}(?:راتب|رواتب|اجور)",
        r"راتب|رواتب|اجور|salar|wage",
    ),
    _focus(
        "unemployment or inflation",
        "البطالة أو التضخم",
        rf"\b(?:unemploy\w*|inflation)\b|{_AR_PRE}(?:بطاله|تضخم)",
        r"بطاله|تضخم|unemploy|inflation",
    ),
    _focus(
        "election", "الانتخابات", r"\b(?:elections?|elected|votes?|voting)\b|انتخاب|اقتراع", r"انتخاب|اقتراع|elect|vot"
    ),
    _focus("national anthem", "النشيد الوطني", rf"\banthem\b|{_AR_PRE}نشيد", r"نشيد|anthem"),
    _focus("flag", "العلم", r"\bflag\b|علم (?:ال)?وطني|رايه", r"علم (?:ال)?وطني|رايه|\bflag\b"),
    _focus(
        "religion",
        "الدين",
        rf"\breligio\w*|{_AR_PRE}(?:دين|ديانه|ديانات){_AR_END}",
        rf"{_AR_PRE}(?:دين|ديانه|ديانات){_AR_END}|religio",
    ),
    _focus(
        "rivers, lakes or mountains",
        "الأنهار أو البحيرات أو الجبال",
        rf"\b(?:rivers?|lakes?|mountains?|peaks?|seas?|deserts?)\b|{_AR_PRE}(?:نهر|انهار|بحيره|بحيرات|جبل|جبال|صحراء){_AR_END}",
        r"نهر|انهار|بحير|جبل|جبال|صحراء|river|lake|mountain|peak|\bsea|desert",
    ),
    _focus("sport", "الرياضة", rf"\bsports?\b|{_AR_PRE}رياض(?:ه|ات|ي|يه){_AR_END}", r"رياض(?:ه|ات|ي|يه)|\bsport"),
    _focus(
        "food",
        "الطعام",
        rf"\b(?:recipes?|dish|dishes|cuisine|food)\b|{_AR_PRE}(?:طبق|اطباق|مطبخ|طعام|اكله)",
        rf"{_AR_PRE}(?:طبق|اطباق){_AR_END}|مطبخ|طعام|اكله|recipe|dish|cuisine|food",
    ),
]

# Countries: names (English, Arabic), how English writes them, the normalised Arabic stem (adjectives
# add ي/يه/يون).
_COUNTRIES = [
    ("India", "الهند", "india|indian", "هند"),
    ("Pakistan", "باكستان", "pakistan|pakistani", "باكستان"),
    ("Kazakhstan", "كازاخستان", "kazakhstan|kazakh", "كازاخستان|كازاخ"),
    ("Iran", "إيران", "iran|iranian", "ايران"),
    ("China", "الصين", "china|chinese", "صين"),
    ("Russia", "روسيا", "russia|russian", "روسيا|روس"),
    ("Kyrgyzstan", "قيرغيزستان", "kyrgyzstan|kyrgyz", "قيرغيزستان|قرغيزستان|قيرغيز|قرغيز"),
    ("Tajikistan", "طاجيكستان", "tajikistan|tajik", "طاجيكستان|طاجيك"),
    ("Uzbekistan", "أوزبكستان", "uzbekistan|uzbek", "اوزبكستان|اوزبك"),
    ("Turkmenistan", "تركمانستان", "turkmenistan|turkmen", "تركمانستان|تركمان"),
    ("Afghanistan", "أفغانستان", "afghanistan|afghan", "افغانستان|افغان"),
    ("Mongolia", "منغوليا", "mongolia|mongolian", "منغوليا|منغول"),
    ("Belarus", "بيلاروسيا", "belarus|belarusian", "بيلاروسيا|روسيا البيضاء"),
    ("Turkey", "تركيا", "turkey|turkish|türkiye", "تركيا"),
    ("the United States", "الولايات المتحدة", "united states|america|american|usa", "الولايات المتحده|امريكا|امريك"),
    ("Japan", "اليابان", "japan|japanese", "يابان"),
    ("Korea", "كوريا", "korea|korean", "كوريا|كوري"),
    ("Germany", "ألمانيا", "germany|german", "المانيا|الماني"),
    ("France", "فرنسا", "france|french", "فرنسا|فرنسي"),
    ("the United Kingdom", "المملكة المتحدة", "united kingdom|britain|british", "بريطانيا|بريطاني|المملكه المتحده"),
    ("Ukraine", "أوكرانيا", "ukraine|ukrainian", "اوكرانيا|اوكراني"),
    ("Azerbaijan", "أذربيجان", "azerbaijan|azerbaijani", "اذربيجان"),
    ("Armenia", "أرمينيا", "armenia|armenian", "ارمينيا|ارمني"),
    ("Saudi Arabia", "السعودية", "saudi", "سعودي"),
    ("Egypt", "مصر", "egypt|egyptian", "مصر"),
    ("Israel", "إسرائيل", "israel|israeli", "اسراييل"),
    ("Syria", "سوريا", "syria|syrian", "سوريا|سوري"),
    ("Iraq", "العراق", "iraq|iraqi", "عراق"),
    ("Brazil", "البرازيل", "brazil|brazilian", "برازيل"),
    ("Canada", "كندا", "canada|canadian", "كندا|كندي"),
    ("Australia", "أستراليا", "australia|australian", "استراليا|استرالي"),
    ("Italy", "إيطاليا", "italy|italian", "ايطاليا|ايطالي"),
    ("Spain", "إسبانيا", "spain|spanish", "اسبانيا|اسباني"),
]
_AR_ADJ = r"(?:ي|يه|يين|يون|ين)?"
COUNTRIES = [
    (name, name_ar, re.compile(rf"\b(?:{en})\b|{_AR_PRE}(?:{ar}){_AR_ADJ}{_AR_END}"))
    for name, name_ar, en, ar in _COUNTRIES
]


def asked_attribute(question: str) -> Focus | None:
    """The office or attribute the question asks about, if it is one of ATTRIBUTES."""
    q = normalize(question)
    return next((f for f in ATTRIBUTES if f.asked.search(q)), None)


def mentions(focus: Focus, text: str) -> bool:
    """Whether a source text names the attribute."""
    return bool(focus.said.search(normalize(text)))


YEAR = r"(?:1[89]\d{2}|20\d{2})"  # a year as questions and sources write it (also used by rag.answering.extractive)
_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
_RANGE = re.compile(rf"(?<!\d)({YEAR})\s*(?:-|–|الي|to|until)\s*({YEAR})(?!\d)")


def _years(text: str) -> set[int]:
    """Years a normalised text mentions, counting every year inside a range ("2025-2027" holds 2026)."""
    years = {int(y) for y in _YEAR.findall(text)}
    for a, b in _RANGE.findall(text):
        if 0 <= int(b) - int(a) <= 50:
            years.update(range(int(a), int(b) + 1))
    return years


_ASKS_COUNTRY = re.compile(
    r"\b(?:which|what)\s+(?:(?:two|three|four|great|major|other|member|neighbou?ring|big)\s+){0,2}"
    r"(?:countries|country|powers|states|nations)\b"
    r"|(?:^|\s)(?:ما|اي)\s+(?:هي\s+)?(?:ال)?(?:دول|دوله|دولتان|دولتين|قوي|قوتان|قوتين)(?![^\W\d_])"
)


def asks_for_country(question: str) -> bool:
    """Whether the question asks which country or countries ("which two great powers", "ما الدولتان")."""
    return bool(_ASKS_COUNTRY.search(normalize(question)))


def countries_in(text: str) -> set[str]:
    """The countries a text names (by COUNTRIES)."""
    t = normalize(text)
    return {name for name, _, pat in COUNTRIES if pat.search(t)}


def years_in(text: str) -> set[int]:
    """Years a text mentions (ranges count every year they span)."""
    return _years(normalize(text))


def missing_names(question: str, texts: list[str]) -> list[tuple[str, str]]:
    """Countries and years (English, Arabic) the question names that none of the texts mention."""
    q = normalize(question)
    hay = normalize(" ".join(texts))
    missing = [(name, name_ar) for name, name_ar, pat in COUNTRIES if pat.search(q) and not pat.search(hay)]
    return missing + [(str(y), str(y)) for y in sorted(_years(q) - _years(hay))]
