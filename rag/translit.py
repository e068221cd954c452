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

from rag.text import STOPWORDS, normalize

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
        if out and question[last_end:start].strip(" -") == "":
            out[-1].append(w)
        else:
            out.append([w])
        last_end = end
    return [p for p in out if any(not w.isupper() for w in p)]


class SkeletonIndex:
    """Source words by consonant skeleton."""

    def __init__(self, words: Iterable[str]) -> None:
        self.by_consonants: dict[str, set[str]] = {}
        for w in words:
            consonants = arabic_skeleton(w)[0]
            if len(consonants) >= MIN_CONSONANTS:
                self.by_consonants.setdefault(consonants, set()).add(w)

    def lookup(self, question: str, skip: Collection[str] = ()) -> list[str]:
        """Source words spelling the names of the question (except names in `skip`, casefolded)."""
        return [w for name in name_words(question) if normalize(name) not in skip for w in self.spellings(name)]

    def spellings(self, name: str) -> list[str]:
        """Source words spelling one Latin name."""
        return sorted(w for w in self.by_consonants.get(latin_skeleton(name)[0], ()) if same_name(name, w))
