"""The answer's name in the asker's language, when the quote that holds it is in the other one.

No translation model ships offline, so a who/which/where answer quoted from a source in the other language would
show nothing the asker can read. The quoted sentence often names the answer, though: a person after a title ("الرئيس
الكازاخستاني قاسم جومارت توكاييف"), a place after the kind of place ("مدينة شيهيزي", "ميناء أكتاو"), a country, a
capitalised name in English ("Nikolai Bordyuzha of Russia"). The one such name the question does not itself name is
the answer entity; it is written for the asker as a source in the asker's language spells it (`Speller`), as the
country is called in that language, or else transliterated and labelled so (rag.translit). Several candidates, or
none, give no name: a wrong name read first and alone would mislead more than none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.answering.focus import COUNTRIES, asks_for_country, countries_in
from rag.answering.values import AR_MONTHS
from rag.text import STOPWORDS, is_arabic_script, normalize
from rag.translit import arabic_skeleton, latin_skeleton, same_name, spells, to_arabic, to_latin

# A source-language name -> how the asker-language sources write it (None when they never do).
Speller = Callable[[str], str | None]

_WHO = re.compile(r"^\W*(?:who|whom|whose)\b|\bwho (?:is|was|are|were|did|does|has|had)\b", re.I)
_WHO_IS_NAMED = re.compile(r"^\W*(?i:who(?:'s| is| was| are| were)) (?:[A-Z][\w'’-]*\s*){1,4}\W*$")
_WHO_FOR = re.compile(r"\bfor\W*$", re.I)
_WHO_AR = re.compile(r"^\W*و?(?:من|مين)(?! (?:اي|أي|اين|أين|كم|ماذا|خلال|بين|اجل|أجل)(?![^\W\d_]))(?![^\W\d_])")
_PLACE_WORDS_EN = (
    r"(?:\w+ )?(?:city|town|port|capital|village|battle|place|region|province|square|venue|river|island|site)"
)
_PLACE = re.compile(
    rf"^\W*where\b|\bwhere (?:is|was|are|were|did|does|do)\b|\b(?:which|what) (?:{_PLACE_WORDS_EN})\b", re.I
)
# kinds of places as Arabic writes them before the name ("مدينة شيهيزي", "معركة حيدران"), normalised
_PLACE_NOUNS_AR = "مدينه|ميناء|مينا|عاصمه|بلده|قريه|معركه|منطقه|ولايه|محافظه|جزيره|نهر|جبل|ساحه|مطار|اقليم"
_PLACE_AR = re.compile(rf"(?<![^\W\d_])(?:اين|وين|فين)(?![^\W\d_])|(?:اي|أي) (?:{_PLACE_NOUNS_AR})(?![^\W\d_])")
# titles and offices an Arabic name follows ("الرئيس", "الأمين العام", "برئاسة", "القائد العربي"), normalised
_TITLES_AR = (
    "رييس|امين|نايب|وزير|سيد|سيده|شيخ|امير|ملك|ملكه|قاضي|فقيه|قايد|خليفه|سلطان|دكتور|مدير|سفير"
    "|جنرال|لواء|عقيد|مستشار|عالمه|باحث|مهندس|كاتب|مدرب|عداء|عداءه|بطل|بطله|لاعب|لاعبه"
    "|زعيم|مبعوث|ممثل|مندوب|منسق|متحدث|مسوول|مفوض|محافظ|سكرتير"
)  # not "امام" (also "in front of"), "عالم" (also "world"), "القيادة" (the leadership): only "بقيادة", "led by"
_TITLE_AR = re.compile(rf"^[وبل]?(?:ال)?(?:{_TITLES_AR})$|^و?ب(?:رياسه|قياده)$")
_PLACE_NOUN_AR = re.compile(rf"^[وبل]?(?:ال)?(?:{_PLACE_NOUNS_AR})$")
# the head nouns of organisations' names (an organisation is no person's name), normalised
_ORG_NOUN_AR = re.compile(r"^[وبل]?(?:ال)?(?:مركز|مجلس|بنك|برنامج|امانه|منظمه|هييه|وكاله|موسسه|معهد|صندوق|لجنه|شركه)$")
_PLACE_OR_TITLE = re.compile(rf"^(?:ال)?(?:{_PLACE_NOUNS_AR}|{_TITLES_AR})$|^(?:رياسه|قياده)$")
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
_PREPOSITIONS = {"from": ("من",), "to": ("الي", "حتي", "ل"), "in": ("في", "ب"), "at": ("في", "ب"), "near": ("قرب",)}
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
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
)


@dataclass
class Name:
    """A candidate answer entity in the quote: as written, its kind, and where it stands."""

    text: str
    kind: str  # "person", "place", "country", "nation" (an adjective: "Kazakh"), "other"
    at: int
    after: str = ""  # the preposition before it, in English ("from", "to", "in"): "من مدينة شيهيزي" -> "from"


def asked_kind(question: str) -> str | None:
    """ "country", "place" or "person": what kind of name the question asks for (None: another kind of answer)."""
    q = normalize(question)
    if asks_for_country(question):
        return "country"
    if _PLACE.search(question) or _PLACE_AR.search(q):
        return "place"
    if _WHO_IS_NAMED.search(question) or _WHO_FOR.search(question):
        return None  # "Who is Murat Mukushev?": a description answers; "Who does he work for?": an employer
    if _WHO.search(question) or _WHO_AR.search(q):
        return "person"
    return None


def _english_names(quote: str) -> list[Name]:
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
        after = before.group(1) if before and before.group(1) in _PREPOSITIONS else ""
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
    return next((en for en, ar in _PREPOSITIONS.items() if previous in ar or clitic in ar), "")


def _arabic_names(quote: str) -> list[Name]:
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


def _named_by_question(name: Name, question: str) -> bool:
    """Whether the question itself names it (then it is not the answer): a country it names, or every word of
    the name written in the question (in either script)."""
    if name.kind == "country":
        return name.text in countries_in(question)
    asked = re.findall(r"[^\W\d_]+", question)
    words = re.findall(r"[^\W\d_]+", name.text)
    return any(
        any(
            normalize(w) == normalize(a) or (is_arabic_script(w) != is_arabic_script(a) and spells(w, a)) for a in asked
        )
        for w in words
        if normalize(w) not in STOPWORDS
    )


def _nearest_to_asked_numbers(names: list[Name], question: str, quote: str) -> list[Name]:
    """Of several names, the one written nearest a number the question names ("since 2023" asked: the name beside
    "1 January 2023"); all of them when the question names none or two are as near."""
    numbers = re.findall(r"\d{2,}", question)
    spots = [m.start() for n in numbers for m in re.finditer(re.escape(n), quote)]
    if len(names) < 2 or not spots:
        return names
    dist = sorted((min(abs(n.at - s) for s in spots), i) for i, n in enumerate(names))
    return [names[dist[0][1]]] if dist[0][0] < dist[1][0] else names


_ASKED_PREPOSITION = re.compile(
    r"\b(from|to|in|at|near) (?:which|what)\b|(?<![^\W\d_])(من|الي|في|قرب) (?:اي|أي)(?![^\W\d_])", re.I
)


def _asked_preposition(question: str) -> str:
    """The preposition the question asks the place with, in English ("From which city", "من أي مدينة": "from")."""
    m = _ASKED_PREPOSITION.search(normalize(question))
    if not m:
        return ""
    if m.group(1):
        return m.group(1).lower()
    return next(en for en, ar in _PREPOSITIONS.items() if m.group(2) in ar)


def answer_names(question: str, quote: str) -> list[Name]:
    """The name of the asked kind the quote gives and the question does not (of several places, the one after the
    preposition the question asks with; of several people, the one beside the number it names); the countries when
    those are all the quote names (an English quote, where a country the table lacks would show as a capitalised
    word). Empty when no one name can be told."""
    kind = asked_kind(question)
    if kind is None:
        return []
    arabic = is_arabic_script(quote)
    found = _arabic_names(quote) if arabic else _english_names(quote)
    new = [n for n in found if not _named_by_question(n, question) and n.kind != "nation"]
    new = list({n.text: n for n in new}.values())
    countries = [n for n in new if n.kind == "country"]
    if kind == "country" or (kind == "person" and countries and len(countries) == len(new)):
        if arabic:  # capitalisation does not show an Arabic sentence's other names: one country, or none
            return countries if len(countries) == 1 and kind == "country" else []
        return countries if countries and len(countries) == len(new) else []
    wanted = [n for n in new if n.kind == kind]
    if kind == "place" and len(wanted) > 1:
        asked = _asked_preposition(question)
        wanted = [n for n in wanted if asked and n.after == asked] or wanted
    wanted = _nearest_to_asked_numbers(wanted, question, quote)
    return wanted if len(wanted) == 1 else []


def answer_name(question: str, quote: str) -> Name | None:
    """The one name `answer_names` finds, or None (none, or several countries)."""
    names = answer_names(question, quote)
    return names[0] if len(names) == 1 else None


def source_speller(store: Any, language: str) -> Speller:
    """How the store's sources in `language` write a name of the other script: each word by the one word of those
    sources spelling it (rag.translit.same_name, the bridge's rule: "توكاييف" -> "Tokayev"), as the text writes it
    (capitalised names only, in English); None unless every word of the name is found so."""

    def build() -> tuple[dict[str, set[str]], set[str]]:
        index: dict[str, set[str]] = {}
        joined: set[str] = set()  # names written with a hyphen ("Kassym-Jomart"), to write them so again
        for doc in store.documents():
            if (doc.language or ("ar" if is_arabic_script(doc.text) else "en")) != language:
                continue
            joined.update(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", doc.text))
            for w in re.findall(r"[^\W\d_]{3,}", doc.text):
                if language == "en" and not w[0].isupper():
                    continue
                key = (arabic_skeleton(w) if language == "ar" else latin_skeleton(w))[0]
                index.setdefault(key, set()).add(w)
        return index, joined

    def spell(name: str) -> str | None:
        index, joined = store.per_generation(f"lead-spellings:{language}", build)
        out: list[str] = []
        for word in name.split():
            key = (latin_skeleton(word) if language == "ar" else arabic_skeleton(word))[0]
            found = {
                normalize(s): s
                for s in index.get(key, ())
                if (same_name(s, word) if language == "en" else same_name(word, s))
            }
            if len(found) != 1:
                return None
            spelled = next(iter(found.values()))
            if out and f"{out[-1]}-{spelled}" in joined:
                out[-1] = f"{out[-1]}-{spelled}"
            else:
                out.append(spelled)
        return " ".join(out) or None

    return spell


# A run of the other script inside a line, with the digits and signs between its words ("$115 billion", "3.4 مليون
# دولار"): isolated (FSI ... PDI) so that the line keeps its order when shown right to left or left to right.
_TOKENS = {"ar": r"[$€£]?[0-9A-Za-z.,%$'’/:-]+", "en": r"[0-9\u0600-\u06ff.,%/:-]+"}
_RUNS = {language: re.compile(rf"{t}(?:[ ]+{t})*") for language, t in _TOKENS.items()}
_LETTERS = {"ar": re.compile(r"[A-Za-z]"), "en": re.compile(r"[\u0621-\u064a]")}


def isolate(text: str, language: str) -> str:
    """The line with each run of the other script than `language`'s between Unicode isolates (U+2068 ... U+2069):
    invisible, and without them "الجواب: 16.9 مليار دولار ($16.9 billion) [1]" shows its brackets and its "[1]"
    out of place (the bidirectional algorithm joins the Latin run to the marker)."""

    def wrap(m: re.Match[str]) -> str:
        return f"\u2068{m.group(0)}\u2069" if _LETTERS[language].search(m.group(0)) else m.group(0)

    return _RUNS[language].sub(wrap, text)


_LABEL = {"en": "{name} (transliterated from {original})", "ar": "{name} (كتابة صوتية لـ {original})"}


def _listed(items: list[str], comma: str, last: str) -> str:
    """ "A, B and C" / "أ، ب وج"."""
    return items[0] if len(items) == 1 else comma.join(items[:-1]) + last + items[-1]


def entity_lead(question: str, quote: str, language: str, speller: Speller | None = None) -> str | None:
    """The answer's name for an asker of `language` ("ar" or "en") from a quote in the other language: a country
    by its name in that language, another name as a source in that language spells it (`speller`), else
    transliterated and labelled; the original after it. None when no one name can be told."""
    names = answer_names(question, quote)
    if not names:
        return None
    if names[0].kind == "country":
        rows = [next(r for r in COUNTRIES if r[0] == n.text) for n in names]
        arabic = _listed([r[1] for r in rows], "، ", " و")
        english = _listed([r[0] for r in rows], ", ", " and ")
        return f"{arabic} ({english})" if language == "ar" else f"{english} ({arabic})"
    name = names[0]
    original = name.text
    spelled = speller(original) if speller else None
    if spelled:
        return f"{spelled} ({original})"
    written = to_arabic(original) if language == "ar" else to_latin(original)
    return _LABEL[language].format(name=written, original=original) if written else None
