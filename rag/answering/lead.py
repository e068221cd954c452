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
from typing import Any

from rag.answering.focus import COUNTRIES, asks_for_country, countries_in
from rag.answering.names import PLACE_NOUNS_AR, PREPOSITIONS, Name, arabic_names, english_names
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

_PLACE_AR = re.compile(rf"(?<![^\W\d_])(?:اين|وين|فين)(?![^\W\d_])|(?:اي|أي) (?:{PLACE_NOUNS_AR})(?![^\W\d_])")


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
    return next(en for en, ar in PREPOSITIONS.items() if m.group(2) in ar)


def answer_names(question: str, quote: str) -> list[Name]:
    """The name of the asked kind the quote gives and the question does not (of several places, the one after the
    preposition the question asks with; of several people, the one beside the number it names); the countries when
    those are all the quote names (an English quote, where a country the table lacks would show as a capitalised
    word). Empty when no one name can be told."""
    kind = asked_kind(question)
    if kind is None:
        return []
    arabic = is_arabic_script(quote)
    found = arabic_names(quote) if arabic else english_names(quote)
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
