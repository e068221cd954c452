"""Names a sentence gives, with their kind: the candidates for the answer's lead line (rag.answering.lead).

Arabic writes no capitals, so an Arabic sentence's names are found by what stands around them: a title or an office
before a person ("الرئيس الكازاخستاني قاسم جومارت توكاييف"), or after one past a comma ("جمشيد عبد الرحمانوف، نائب
وزير"), a kind of place before a place ("مدينة شيهيزي"), and the countries by their names. An English sentence's are its
runs of capitalised words, told apart by their heads (organisations, places) and their length (a person's name has two
words or more). The word lists are the languages' own (titles, kinds of places, prepositions), not any document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answering.focus import COUNTRIES, countries_in
from rag.answering.values import AR_MONTHS
from rag.text import STOPWORDS, is_arabic_script, normalize

# kinds of places as Arabic writes them before the name ("مدينة شيهيزي", "معركة حيدران"), normalised
PLACE_NOUNS_AR = "مدينه|ميناء|مينا|عاصمه|بلده|قريه|معركه|منطقه|ولايه|محافظه|جزيره|نهر|جبل|ساحه|مطار|اقليم"
# titles and offices an Arabic name follows ("الرئيس", "الأمين العام", "برئاسة", "القائد العربي"), normalised
_TITLES_AR = (
    "رييس|امين|نايب|وزير|سيد|سيده|شيخ|امير|ملك|ملكه|قاضي|فقيه|قايد|خليفه|سلطان|دكتور|مدير|سفير"
    "|جنرال|لواء|عقيد|مستشار|عالمه|باحث|مهندس|كاتب|مدرب|عداء|عداءه|بطل|بطله|لاعب|لاعبه"
    "|زعيم|مبعوث|ممثل|مندوب|منسق|متحدث|مسوول|مفوض|محافظ|سكرتير"
)  # not "امام" (also "in front of"), "عالم" (also "world"), "القيادة" (the leadership): only "بقيادة", "led by"
_TITLE_AR = re.compile(rf"^[وبل]?(?:ال)?(?:{_TITLES_AR})$|^و?ب(?:رياسه|قياده)$")
_PLACE_NOUN_AR = re.compile(rf"^[وبل]?(?:ال)?(?:{PLACE_NOUNS_AR})$")
# the head nouns of organisations' names (an organisation is no person's name), normalised
_ORG_NOUN_AR = re.compile(r"^[وبل]?(?:ال)?(?:مركز|مجلس|بنك|برنامج|امانه|منظمه|هييه|وكاله|موسسه|معهد|صندوق|لجنه|شركه)$")
_PLACE_OR_TITLE = re.compile(rf"^(?:ال)?(?:{PLACE_NOUNS_AR}|{_TITLES_AR})$|^(?:رياسه|قياده)$")
# verbs that introduce what someone said or did, before the name ("أكد مراد موكوشيف، المنسق"), normalised
_SAYS_AR = re.compile(
    r"^[وف]?(?:قال|اكد|اعلن|اشار|اوضح|اضاف|صرح|ذكر|استقبل|التقي|دعا|شدد|لفت|كشف|اعتبر|يقول|تقول|استقبلنا|التقينا)"
    r"(?:ت|نا)?$"
)
_COUNTRY_NAMES_AR = frozenset(normalize(ar) for _, ar, _ in COUNTRIES)
# prepositions and time words the function-word list lacks ("منذ مطلع سبتمبر" is no name), normalised
_PREPOSITIONS_AR = frozenset(["منذ", "مطلع", "نحو", "حوالي", "بعد", "قبل", "حتي", "عبر", "ضد", "دون", "لدي", "اثناء"])
_PARTICLES_AR = {"بن", "ابن", "بنت", "ابو", "عبد"}
_MAX_NAME_WORDS = 4
# The prepositions a place is asked and named with, English and Arabic (normalised; a clitic ب/ل counts too)
PREPOSITIONS = {"from": ("من",), "to": ("الي", "حتي", "ل"), "in": ("في", "ب"), "at": ("في", "ب"), "near": ("قرب",)}
# English heads of names that are organisations or places, not people (general English, not any document's)
_ORG_HEADS = (
    r"Centre|Center|Council|Bank|Programme|Program|Agency|Organi[sz]ation|Institute|Fund|Committee|Secretariat"
    r"|Commission|Authority|Foundation|Trust|University|Exchange|Company|Corporation|Ministry|Association|Union"
    r"|Party|Group|Forum|Alliance|Treaty|Combinat|Court|Parliament|Assembly|Government|Office|Service|Force|Forces"
)
_PLACE_HEADS = r"Square|Avenue|Street|Road|Port|Airport|Lake|River|Sea|Island|Palace|Stadium|Park|Bridge|Mountains?"
_ORG_EN = re.compile(rf"\b(?:{_ORG_HEADS})\b")
_PLACE_EN = re.compile(rf"\b(?:{_PLACE_HEADS})\b")
_JOINED_ORG = re.compile(rf"\s+(?:and|of|for|&)\s+(?:[A-Z][\w'-]*\s+){{0,4}}(?:{_ORG_HEADS})\b")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|[A-Z]{2,}[a-z]*")
_MONTHS_DAYS = re.compile(
    rf"^(?:{'|'.join(AR_MONTHS.values())}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
)


@dataclass
class Name:
    """A candidate answer entity in the quote: as written, its kind, and where it stands."""

    text: str
    kind: str  # "person", "place", "country", "nation" (an adjective: "Kazakh"), "other"
    at: int
    after: str = ""  # the preposition before it, in English ("from", "to", "in"): "من مدينة شيهيزي" -> "from"


def english_names(quote: str) -> list[Name]:
    """Runs of capitalised words ("Nikolai Bordyuzha", "Republic Square"), the sentence's first word only when a
    capitalised word follows it and it is no function word; each with its kind."""
    out: list[Name] = []
    runs: list[list[re.Match[str]]] = []
    for m in _CAPITALISED.finditer(quote):
        joined = runs and not re.search(r"['’]s$", runs[-1][-1].group(0))  # "Kazakhstan's Zhanna ...": two names
        if joined and re.fullmatch(r"\s+", quote[runs[-1][-1].end() : m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        words = [re.sub(r"['’]s$", "", m.group(0)) for m in run]
        while words and (normalize(words[0]) in STOPWORDS or _MONTHS_DAYS.match(words[0])):
            run, words = run[1:], words[1:]  # "The", "In August": not part of a name
        if not words:
            continue
        text = " ".join(words)
        rest = quote[run[-1].end() : run[-1].end() + 80]
        before = re.search(r"\b([a-z]+)\s+$", quote[: run[0].start()])
        after = before.group(1) if before and before.group(1) in PREPOSITIONS else ""
        if any(normalize(text) == normalize(c) for c, _, _ in COUNTRIES):
            kind = "country"
        elif len(words) == 1 and countries_in(text):
            kind = "nation"  # "Kazakh", "Uzbek": of a country, no name of its own
        elif run[0].start() == len(quote) - len(quote.lstrip()) and len(words) == 1:
            continue  # the sentence's first word is capitalised whatever it is
        elif _JOINED_ORG.match(rest) or _ORG_EN.search(text) or text.isupper():
            kind = "other"  # an organisation, an acronym, or part of a name ("Navoi Mining and Metallurgical Combinat")
        elif _PLACE_EN.search(text) or (len(words) == 1 and after):
            kind = "place"  # "Republic Square"; one capitalised word after "in", "at", "from", "to": "in Bucharest"
        elif len(words) >= 2 and all(w[0].isupper() and not w.isupper() for w in words):
            kind = "person"  # a person's name has two words or more; one capitalised word is too often a nation's
        else:
            kind = "other"
        out.append(Name(text, kind, run[0].start(), after))
    return out


def _arabic_words(quote: str) -> list[tuple[int, str, str]]:
    """(offset, word as written, normalised) for each word of an Arabic sentence, punctuation kept."""
    return [(m.start(), m.group(0), normalize(m.group(0))) for m in re.finditer(r"\S+", quote)]


def _bare(word: str) -> str:
    return re.sub(r"[^\w]+$", "", re.sub(r"^[^\w]+", "", word))


def _country(word: str) -> bool:
    """Whether an Arabic word is a country's name (rag.answering.focus.COUNTRIES), a clitic و/ب/ل aside."""
    b = _bare(normalize(word))
    return bool({b, b[1:] if b[:1] in "وبل" else b} & _COUNTRY_NAMES_AR)


def _name_word(words: list[tuple[int, str, str]], j: int, previous: str) -> bool:
    """Whether the j-th word can be part of a name: no article (but "عبد الرحمن"), no function word, title, kind of
    place or organisation, no digits, and not a unit before a number ("سنة 1052")."""
    b = _bare(words[j][2])
    if not b or not is_arabic_script(b) or {b, _bare(words[j][1])} & STOPWORDS or re.search(r"\d", b):
        return False
    if b in AR_MONTHS or b in _PREPOSITIONS_AR:
        return False
    if b.startswith("ال") and previous not in ("عبد", "ابو"):
        return False
    if _TITLE_AR.match(b) or _PLACE_NOUN_AR.match(b) or _ORG_NOUN_AR.match(b) or _SAYS_AR.match(b) or _country(b):
        return False
    return not (j + 1 < len(words) and re.match(r"\d", words[j + 1][2]))


def _ends(raw: str) -> bool:
    """Whether a word carries a punctuation mark after it (a name stops there)."""
    return _bare(raw) != raw and raw[-1] in '،,.:؛!?؟)»"'


def _english_preposition(words: list[tuple[int, str, str]], i: int) -> str:
    """The English of the preposition before (or on) the i-th word of an Arabic sentence ("من مدينة" -> "from")."""
    previous = _bare(words[i - 1][2]) if i else ""
    bare = _bare(words[i][2])
    clitic = bare[:1] if bare[:1] in "بل" and _PLACE_OR_TITLE.match(bare[1:]) else ""  # "بمدينة", not "بلدة"
    return next((en for en, ar in PREPOSITIONS.items() if previous in ar or clitic in ar), "")


def arabic_names(quote: str) -> list[Name]:
    """Names after a title ("الرئيس الكازاخستاني قاسم جومارت توكاييف": its adjectives skipped) or a kind of place
    ("مدينة شيهيزي الصينية"), or before a title after a comma ("جمشيد عبد الرحمانوف، نائب وزير"): the words without
    the article next to it, up to a punctuation mark, a word with the article or a function word; plus the
    countries the sentence names by their names (not the adjectives: "العاصمة الكازاخستانية")."""
    words = _arabic_words(quote)
    out: list[Name] = []
    for i, (_, raw, norm) in enumerate(words):
        bare = _bare(norm)
        kind = "person" if _TITLE_AR.match(bare) else "place" if _PLACE_NOUN_AR.match(bare) else None
        if kind is None:
            continue
        name: list[tuple[int, str]] = []
        if kind == "person" and i and words[i - 1][1][-1] in "،," and bare[:1] not in "بل":
            j = i - 1  # "X، نائب وزير": the name before the comma, read backwards
            while j >= 0 and len(name) < _MAX_NAME_WORDS - 1:
                before = normalize(_bare(words[j - 1][1])) if j else ""
                if (j < i - 1 and _ends(words[j][1])) or not _name_word(words, j, before):
                    break
                name.insert(0, (words[j][0], _bare(words[j][1])))
                j -= 1
        elif not _ends(raw):
            j = i + 1
            # after a title its adjectives and country; after a kind of place a word with the article is the place's
            # own name, to be translated, not read out ("محافظة البحر الأحمر", "قصر الاستقلال"): no name then
            while (
                kind == "person"
                and j < len(words)
                and j <= i + 3
                and (_bare(words[j][2]).startswith("ال") or _country(words[j][2]))
            ):
                if _TITLE_AR.match(_bare(words[j][2])) or _ends(words[j][1]):
                    break
                j += 1  # adjectives of the title ("العام", "الكازاخستاني", "العربي"), its country ("رئيس كازاخستان")
            while j < len(words) and len(name) < _MAX_NAME_WORDS:
                if not _name_word(words, j, normalize(name[-1][1]) if name else ""):
                    break
                name.append((words[j][0], _bare(words[j][1])))
                if _ends(words[j][1]):
                    break
                j += 1
        while name and normalize(name[-1][1]) in _PARTICLES_AR:
            name.pop()
        if name and all(n.at != name[0][0] for n in out):  # a name found twice keeps its first kind
            out.append(Name(" ".join(w for _, w in name), kind, name[0][0], _english_preposition(words, i)))
    text = normalize(quote)
    for country, name_ar, _ in COUNTRIES:
        m = re.search(rf"(?<![^\W\d_])[وبلف]?{re.escape(normalize(name_ar))}(?![^\W\d_])", text)
        if m:
            out.append(Name(country, "country", m.start()))
    return out
