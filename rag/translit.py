"""Names across scripts: "Mukushev" finds "موكوشيف", "Almaty" finds "ألماتي".

Word vectors do not know most proper names, so the bridge also compares skeletons: both spellings are
reduced to classes of consonants (t/d/ت/د/ط, s/س/ص, k/q/ك/ق, v/f/ف ... merged) with the places where a
vowel stands. A source word is taken to spell the name when the consonants are the same (at least three)
and its long vowels (ا و ي) stand only where the Latin name has vowels: Arabic writes the long ones and
may leave short ones out. Only names are tried: the capitalised words of an English question after its
first word (in an all-lowercase question ordinary words matched too often: "decide" ~ "تقاطع").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from rag.text import STOPWORDS, is_arabic_script, normalize

MIN_CONSONANTS = 3
MIN_LENGTH_RATIO = 0.6  # an Arabic spelling of a name is not much shorter than the Latin one
_LATIN_DIGRAPHS = [
    ("kh", "X"), ("sh", "$"), ("ch", "$"), ("gh", "G"), ("th", "T"), ("dh", "T"), ("ph", "F"), ("zh", "J")
]  # fmt: skip
_LATIN = {
    "b": "B", "p": "B", "t": "T", "d": "T", "j": "J", "g": "J", "h": "H", "r": "R", "z": "Z", "s": "S",
    "c": "K", "k": "K", "q": "K", "x": "KS", "f": "F", "v": "F", "l": "L", "m": "M", "n": "N",
    "a": "V", "e": "V", "i": "V", "o": "V", "u": "V", "y": "V", "w": "V",
}  # fmt: skip
_ARABIC = {
    "ب": "B", "ت": "T", "ط": "T", "ث": "T", "د": "T", "ض": "T", "ذ": "T", "ج": "J", "ح": "H", "ه": "H", "خ": "X",
    "ر": "R", "ز": "Z", "ظ": "Z", "س": "S", "ص": "S", "ش": "$", "غ": "G", "ف": "F", "ق": "K", "ك": "K",
    "ل": "L", "م": "M", "ن": "N", "پ": "B", "گ": "J", "ڤ": "F", "ا": "V", "و": "V", "ي": "V", "ى": "V",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
Skeleton = tuple[str, tuple[bool, ...]]  # consonant classes, and whether a vowel stands before/between/after them


def _skeleton(classes: str) -> Skeleton:
    squeezed = re.sub(r"(.)\1+", r"\1", classes)
    consonants = squeezed.replace("V", "")
    gaps = [False] * (len(consonants) + 1)
    i = 0
    for ch in squeezed:
        if ch == "V":
            gaps[i] = True
        else:
            i += 1
    return consonants, tuple(gaps)


def latin_skeleton(word: str) -> Skeleton:
    """Consonant classes and vowel slots of a Latin-script word ("Mukushev" -> "MK$F")."""
    w = word.casefold()
    for digraph, cls in _LATIN_DIGRAPHS:
        w = w.replace(digraph, cls)
    return _skeleton("".join(ch if not ch.islower() else _LATIN.get(ch, "") for ch in w))


def arabic_skeleton(word: str) -> Skeleton:
    """Consonant classes and long-vowel slots of an Arabic word ("ألماتي" -> "LMT")."""
    return _skeleton("".join(_ARABIC.get(ch, "") for ch in normalize(word)))


def same_name(latin: str, arabic: str) -> bool:
    """Whether an Arabic word plausibly spells a Latin name: same consonants, and long vowels only where
    the Latin has vowels (Arabic leaves short ones out), at not much shorter a length."""
    (lc, lg), (ac, ag) = latin_skeleton(latin), arabic_skeleton(arabic)
    return (
        lc == ac
        and len(lc) >= MIN_CONSONANTS
        and len(normalize(arabic)) >= MIN_LENGTH_RATIO * len(latin)
        and all(l_has or not a_has for l_has, a_has in zip(lg, ag, strict=True))
    )


def _capitalised(question: str) -> list[tuple[int, int, str]]:
    """Capitalised words and acronyms of an English question after its first word, with their places; the
    first word too when it is no function word and a capitalised word follows it ("Golden Horde symposium:
    where?")."""
    found = [m for m in _WORD.finditer(question) if m.group(0).isascii()]
    first = found[0].start() if found else -1
    if len(found) > 1 and found[1].group(0)[0].isupper() and found[0].group(0).casefold() not in STOPWORDS:
        first = -1
    return [(m.start(), m.end(), m.group(0)) for m in found if m.group(0)[0].isupper() and m.start() != first]


def name_words(question: str) -> list[str]:
    """The words of an English question that may be names: capitalised, not the first word, not acronyms."""
    return [w for _, _, w in _capitalised(question) if not w.isupper()]


def name_phrases(question: str) -> list[list[str]]:
    """Runs of capitalised words next to each other ("Vladimir Putin", "SCO Secretariat", "Indian"), those
    holding a name word (acronyms alone, "UN", are not names)."""
    out: list[list[str]] = []
    last_end = -10
    for start, end, w in _capitalised(question):
        if out and _PARTICLE.fullmatch(question[last_end:start]):
            out[-1].append(w)
        else:
            out.append([w])
        last_end = end
    return [p for p in out if any(not w.isupper() for w in p)]


_ARTICLE = re.compile(r"^(?:[وفبك]?ال|لل)(?=\w{3})")  # the article, alone or after a clitic: "الجزري", "بالجزري"


def name_forms(arabic: str) -> list[str]:
    """An Arabic word, and without the article a name may carry in Arabic and not in English: "الجزري" is
    "al-Jazari", whose capitalised word is "Jazari" (the article stays an option: "ألماتي" is "Almaty")."""
    n = normalize(arabic)
    bare = _ARTICLE.sub("", n)
    return [n] if bare == n else [n, bare]


# What may stand between the words of one name: a space or hyphen, and the particles of Arabic names written in
# English ("Ras al-Safa", "Ibn al-Razzaz", "Omar bin Abdulaziz").
_PARTICLE = re.compile(r"[ -]*(?:(?:al|el|bin|ibn|bint|abu|abd)[ -]+)*", re.I)


class SkeletonIndex:
    """Source words by consonant skeleton (each also under its skeleton without the article, `name_forms`)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.by_consonants: dict[str, set[str]] = {}
        for w in words:
            for form in name_forms(w):
                consonants = arabic_skeleton(form)[0]
                if len(consonants) >= MIN_CONSONANTS:
                    self.by_consonants.setdefault(consonants, set()).add(w)

    def lookup(self, question: str, skip: Collection[str] = ()) -> list[str]:
        """Source words spelling the names of the question (except names in `skip`, casefolded)."""
        return [w for name in name_words(question) if normalize(name) not in skip for w in self.spellings(name)]

    def spellings(self, name: str) -> list[str]:
        """Source words spelling one Latin name."""
        found = self.by_consonants.get(latin_skeleton(name)[0], ())
        return sorted(w for w in found if any(same_name(name, form) for form in name_forms(w)))


# Writing a name in the other script, for a reader who cannot read the source's (the answer's lead line). Arabic
# leaves short vowels unwritten, so a name read out of Arabic has only the vowels the letters show (و ي ا): the
# result is a reading aid, always labelled as a transliteration, never offered as the name's usual spelling.
_TO_LATIN = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ء": "'", "پ": "p", "گ": "g", "ڤ": "v", "چ": "ch",
    "ة": "a", "ى": "a", "أ": "a", "إ": "i", "آ": "a", "ؤ": "u", "ئ": "i",
}  # fmt: skip
_LONG = {"ا": "a", "و": "u", "ي": "i"}
_GLIDE = {"و": "w", "ي": "y"}
_TO_ARABIC = [
    ("sh", "ش"), ("ch", "ش"), ("kh", "خ"), ("zh", "ج"), ("gh", "غ"), ("th", "ث"), ("ph", "ف"), ("ck", "ك"),
    ("b", "ب"), ("c", "ك"), ("d", "د"), ("f", "ف"), ("g", "ج"), ("h", "ه"), ("j", "ج"), ("k", "ك"), ("l", "ل"),
    ("m", "م"), ("n", "ن"), ("p", "ب"), ("q", "ك"), ("r", "ر"), ("s", "س"), ("t", "ت"), ("v", "ف"), ("w", "و"),
    ("x", "كس"), ("z", "ز"), ("a", "ا"), ("e", "ي"), ("i", "ي"), ("o", "و"), ("u", "و"), ("y", "ي"),
]  # fmt: skip
_INITIAL_VOWEL = {"a": "أ", "e": "إي", "i": "إي", "o": "أو", "u": "أو", "y": "ي"}
_VOWELS = "aeiouy"


def _word_to_latin(word: str) -> str:
    letters = [ch for ch in word if ch != "ـ" and not ("\u064b" <= ch <= "\u065f")]  # no tatweel, no harakat
    article = len(letters) > 3 and letters[0] == "ا" and letters[1] == "ل"
    letters = letters[2:] if article else letters
    parts: list[tuple[str, bool]] = []  # (Latin letters, is a vowel)
    for i, ch in enumerate(letters):
        prev = letters[i - 1] if i else ""
        after = letters[i + 1] if i + 1 < len(letters) else ""
        if ch in _GLIDE and (i == 0 or after in _LONG or prev == "ا"):
            parts.append((_GLIDE[ch], False))  # a consonant at the start of a word, before or after a vowel letter
        elif ch in _LONG:
            parts.append((_LONG[ch], True))
        elif ch in "هة" and not after and prev not in _LONG:
            parts.append(("a", True))  # a final ه after a consonant is read as a vowel in names ("دوشنبه")
        else:
            parts.append((_TO_LATIN.get(ch, ch), ch in "أإآؤئى"))
    # Arabic leaves short vowels out: "a" (the commonest) after a word's first consonant when a consonant follows,
    # and after the first of three consonants in a row
    out: list[str] = []
    for i, (latin, vowel) in enumerate(parts):
        out.append(latin)
        if vowel or (latin == "'" and i == 0 and len(parts) > 1 and parts[1][1]):
            continue
        run = [not v for _, v in parts[i + 1 : i + 3]]
        if (i == 0 and run[:1] == [True]) or (run == [True, True] and (i == 0 or parts[i - 1][1])):
            out.append("a")
    text = re.sub(r"(.)\1{2,}", r"\1\1", "".join(out))
    first = next((j for j, ch in enumerate(text) if ch.isalpha()), 0)
    text = text[:first] + text[first : first + 1].upper() + text[first + 1 :]
    return "al-" + text if article else text


# Name particles, read as names write them in Latin letters.
_PARTICLES = {"بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "Abu", "عبد": "Abd"}


def to_latin(arabic: str) -> str:
    """A Latin reading of an Arabic name, word by word ("قاسم جومارت توكاييف" -> "Qasm Jumart Tukayif"): the
    consonants are exact, the vowels only those the script writes (plus "a" between two written consonants)."""
    return " ".join(_PARTICLES.get(normalize(w)) or _word_to_latin(w) for w in arabic.split())


def _word_to_arabic(word: str) -> str:
    w = re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]", "", word.casefold()))
    out = []
    if w[:1] in _INITIAL_VOWEL:
        out.append(_INITIAL_VOWEL[w[0]])
        w = w[1:]
    i = 0
    while i < len(w):
        if w[i] == "e" and ((i == len(w) - 1 and i > 1) or (i and w[i - 1] in _VOWELS)):
            i += 1  # a silent final e, or the e of a vowel pair ("Joe")
            continue
        for latin, arabic in _TO_ARABIC:
            if w.startswith(latin, i):
                if not (out and out[-1] == arabic and latin in _VOWELS):  # "ia" -> "يا", "ii" -> "ي"
                    out.append(arabic)
                i += len(latin)
                break
    return "".join(out)


def to_arabic(latin: str) -> str:
    """An Arabic spelling of a Latin name, word by word ("Nikolai Bordyuzha" -> "نيكولاي بورديوجا"): every vowel
    written as a long one, as Arabic spells foreign names."""
    out = []
    for word in latin.split():
        article = word.casefold().startswith("al-") and len(word) > 3  # "Al-Farabi": the Arabic article
        parts = [_word_to_arabic(w) for w in word[3 if article else 0 :].split("-")]
        out.append(("ال" if article else "") + "".join(parts) if article else " ".join(p for p in parts if p))
    return " ".join(w for w in out if w)


def _consonants(word: str) -> set[str]:
    """A word's consonant classes, whatever its script (the bridge's classes; letters without one, ع ء, dropped),
    with and without an Arabic article and a final ه/ة or h."""
    if is_arabic_script(word):
        w = normalize(word)
        forms = {w, w.removeprefix("ال")}
        return {c for f in forms for c in (arabic_skeleton(f)[0], arabic_skeleton(f.removesuffix("ه"))[0])}
    c = latin_skeleton(re.sub(r"[^A-Za-z]", "", word.removeprefix("al-")))[0]
    return {c, c.removesuffix("H")}


def spells(word: str, other: str) -> bool:
    """Whether two words in different scripts plausibly write the same name: the same consonant classes, an Arabic
    article and a final ه/ة or h aside ("Tokayev"/"توكاييف", "Uqba"/"عقبة", "Aktau"/"أكتاو", "Joe"/"جو")."""
    return bool({c for c in _consonants(word) & _consonants(other) if c})
