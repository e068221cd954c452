"""Text normalisation for matching only: stored text and offsets always stay original."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics + tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_CHAR = re.compile("[A-Za-z]")
# Bump when tokens() changes: persisted lexical indexes built with another version are rebuilt.
TOKENIZER_VERSION = "11"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits; Arabic punctuation (؟ ، ؛) splits
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Clitic prefixes and suffixes stripped by the light stemmer (longest first): a pronoun first, then one ending
# under it ("رئاستها" -> "رئاست" -> "رئاس" meets "الرئاسة"; "وأولوياتها" meets "أولويات"), the feminine t of a verb
# too ("دفعت" meets "بدفع").
_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
_LONE = ("ب", "ل", "ف", "ك")  # prepositions that also begin words ("بالغة")
_PRONOUNS = ("هما", "كما", "هم", "ها")  # possessive / object pronouns, stripped before the ending under them
_SUFFIXES = ("ات", "ته", "ون", "ين", "ية", "يه", "ه", "يا", "ي", "ا", "ت")

# Function words that carry no evidence (Arabic after normalisation, English lower-case).
_FUNCTION_WORDS = frozenset(
    [
        "في",
        "من",
        "على",
        "الي",
        "عن",
        "مع",
        "او",
        "ان",
        "ما",
        "ماذا",
        "متي",
        "اين",
        "كيف",
        "لماذا",
        "هل",
        "هو",
        "هي",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "التي",
        "الذي",
        "الذين",
        "كان",
        "كانت",
        "قد",
        "لا",
        "لم",
        "لن",
        "ثم",
        "بين",
        "كل",
        "بعض",
        "اي",
        "ايضا",
        "حيث",
        "عند",
        "او",
        "و",
        "ب",
        "ل",
        "ف",
        "ك",
        "ال",
        "انه",
        "انها",
        "فان",
        "وقد",
        "كما",
        "مثل",
        "خلال",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "does",
        "do",
        "did",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "about",
        "into",
        "than",
        "then",
        "there",
        "their",
        "they",
        "he",
        "she",
        "his",
        "her",
        "i",
        "you",
        "we",
        "our",
        "your",
        "not",
        "no",
        "yes",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
    ]
)

# Question words with a conjunction or preposition fused on ("وأين", "فما", "بماذا", "عمن"): no evidence either.
_QUESTION_WORDS = ("ما", "ماذا", "متي", "اين", "كيف", "لماذا", "هل", "من", "كم", "اي")
STOPWORDS = (
    _FUNCTION_WORDS
    | {c + w for w in _QUESTION_WORDS for c in ("و", "ف")}
    | {"بماذا", "لماذا", "عما", "مما", "بما", "فيما", "لمن", "بمن", "ممن", "عمن", "بكم", "لكم", "باي", "لاي"}
    | {"علام", "فيم", "بم", "لم", "مم", "عم", "الام", "حتام"}  # "علامَ يبرهن": "على ما", shortened
    # a preposition with a pronoun ("ركزت عليها", "تطلع إليه"): it points at what the question names elsewhere
    | {p + s for p in ("علي", "الي", "من", "عن", "في", "ل", "ب") for s in ("ه", "ها", "هم", "هما", "هن")}
    # what a question tells the reader to do: "اذكر", "وضّح كيف", "اشرح", "عدد المجالات"
    | {"اذكر", "اذكري", "وضح", "وضحي", "اشرح", "اشرحي", "صف", "صفي", "عدد", "عددي"}
)


def strip_marks(text: str) -> str:
    """NFKC, without Arabic diacritics and tatweel: the letters as written ("دائمة" keeps its hamza and ta
    marbuta, which word vectors need; `normalize` folds them)."""
    return _HARAKAT.sub("", unicodedata.normalize("NFKC", text))


def normalize_arabic(text: str) -> str:
    """Fold Arabic spelling variants so that equal words compare equal (for matching only)."""
    return strip_marks(text).translate(_ALEF).translate(_EASTERN_DIGITS)


def normalize(text: str) -> str:
    """Normalise any text for matching: NFKC, Arabic folding, case folding, collapsed spaces."""
    return re.sub(r"\s+", " ", normalize_arabic(text).casefold()).strip()


def stem(token: str) -> str:
    """Strip one clitic prefix, a pronoun suffix and one ending from an Arabic token, keeping at least 3 letters."""
    if not _ARABIC_CHAR.search(token):
        return token
    for p in _PREFIXES:
        # a lone ب, ل, ف or ك before "ال" that "بال", "فال" ... could not take is the word's own ("بالغة" is not
        # "ب" + "الغة", which would meet "ألغى"); "و" is a conjunction even there ("وألغى")
        if token.startswith(p) and len(token) - len(p) >= 3 and not (p in _LONE and token[1:3] == "ال"):
            token = token[len(p) :]
            break
    for suffixes in (_PRONOUNS, _SUFFIXES):
        for s in suffixes:
            if token.endswith(s) and len(token) - len(s) >= 3:
                token = token[: -len(s)]
                break
    # the verbal noun of a doubled verb is the verb's stem: "تحويل" meets "تحول", "تشجيع" meets "تشجع"
    if len(token) == 5 and token[0] == "ت" and token[3] == "ي":
        token = token[:3] + token[4]
    return token


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Split normalised text into stemmed word tokens for lexical matching."""
    out = []
    for tok in _TOKEN.findall(normalize(text)):
        if not keep_stopwords and tok in STOPWORDS:
            continue
        out.append(stem(tok))
    return out


def detect_language(text: str) -> Literal["ar", "en"]:
    """Return "ar" when Arabic letters outnumber Latin ones, else "en"."""
    ar = len(_ARABIC_CHAR.findall(text))
    la = len(_LATIN_CHAR.findall(text))
    return "ar" if ar > 0 and ar >= la else "en"


def is_arabic_script(text: str) -> bool:
    """True when the text contains any Arabic letters."""
    return bool(_ARABIC_CHAR.search(text))


# English acronyms spelled out before embedding: the Arabic sources write the name in full, so a bare
# "SCO" only matches the one sentence that carries the Latin acronym.
_EXPANSIONS = {
    "SCO": "Shanghai Cooperation Organisation",
    "UN": "United Nations",
    "UNEP": "United Nations Environment Programme",
    "AIFC": "Astana International Financial Centre",
}
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def expand_query(question: str) -> str:
    """Spell out known acronyms in a question (for embedding only)."""
    for acronym, full in _EXPANSIONS.items():
        question = re.sub(rf"\b{acronym}\b", full, question)
    return question


def spelled_out(acronym: str) -> str | None:
    """The words a known acronym stands for ("un" -> "United Nations"), however it is written."""
    return _EXPANSIONS.get(acronym.upper())


def acronyms(question: str) -> set[str]:
    """The acronyms of a question, casefolded: words written in capitals ("SCO", "YFK"; not in a question
    written all in capitals) and the known ones however written ("what is the sco")."""
    found = {a.casefold() for a in ACRONYM.findall(question)} if question != question.upper() else set()
    words = set(re.findall(r"[^\W\d_]+", question.casefold()))
    return found | {a.casefold() for a in _EXPANSIONS if a.casefold() in words}


# Spoken-Arabic question words and a few common verbs, with their Modern Standard forms (keys normalised):
# "شو قال مودي" asks what "ماذا قال" asks, "مين" is "من", "فين" is "أين". The sources are written in the
# standard language, and the question analysis (stop words, what is asked) knows its forms.
_COLLOQUIAL = {
    "شو": "ماذا",
    "شنو": "ماذا",
    "ايش": "ماذا",
    "ايه": "ماذا",
    "وش": "ماذا",
    "مين": "من",
    "منو": "من",
    "وين": "أين",
    "فين": "أين",
    "امتي": "متى",
    "ايمتي": "متى",
    "ليش": "لماذا",
    "ليه": "لماذا",
    "ازاي": "كيف",
    "كيفاش": "كيف",
    "قديش": "كم",
    "كام": "كم",
    "اللي": "الذي",
    "كمان": "أيضا",
    "هيك": "هكذا",
    "هاد": "هذا",
    "هادا": "هذا",
    "هيدا": "هذا",
    "مش": "ليس",
    "موش": "ليس",
    "عشان": "لأن",
    "علشان": "لأن",
    "بدها": "تريد",
    "بده": "يريد",
    "حكي": "قال",
    "حكت": "قالت",
    "جوا": "داخل",
    "جوه": "داخل",
}
# Spoken Arabic marks the present with a "ب" ("مين بيرأس", "وين بتقع"): dropped in a question that is spoken
# (it has a word above), but not from standard words that begin so.
_SPOKEN_PRESENT = re.compile(r"ب(?=[يتن][^\W\d_]{2,}$)")
_NOT_SPOKEN_PRESENT = frozenset(
    [
        "بين",
        "بينما",
        "بيننا",
        "بينهم",
        "بينها",
        "بيان",
        "بيانات",
        "بييه",
        "بييي",
        "بيييه",
        "بيت",
        "بيوت",
        "بيع",
        "بنك",
        "بنوك",
        "بناء",
        "بنيه",
        "بند",
        "بنود",
        "بنت",
        "بيروت",
        "بيجين",
        "بيلاروس",
        "بنغلاديش",
        "بتروكيماويات",
        "بترول",
    ]
)
_WHAT_OF = frozenset(["هو", "هي", "هم", "هما"])  # "شو هي المشكلة": "ما هي", not "ماذا هي"


def standard_arabic(question: str) -> str:
    """The question with spoken-Arabic question words in their standard forms ("شو حكى توكاييف" -> "ماذا قال
    توكاييف"); other words, and questions in other scripts, unchanged."""
    if not _ARABIC_CHAR.search(question):
        return question
    parts = re.split(r"([^\W\d_]+)", question)  # words at odd indices
    spoken = False
    for i in range(1, len(parts), 2):
        word = normalize(parts[i])
        prefix = word[0] if word[:1] in ("و", "ف") and word[1:] in _COLLOQUIAL else ""
        standard = _COLLOQUIAL.get(word[len(prefix) :])
        if standard is None:
            continue
        nxt = normalize(parts[i + 2]) if i + 2 < len(parts) else ""
        if standard == "ماذا" and (nxt in _WHAT_OF or nxt.startswith("ال")):
            standard = "ما"
        parts[i] = parts[i][: len(prefix)] + standard
        spoken = True
    if spoken:
        for i in range(1, len(parts), 2):
            word = normalize(parts[i])
            if _SPOKEN_PRESENT.match(word) and word not in _NOT_SPOKEN_PRESENT:
                parts[i] = parts[i][1:]
    return "".join(parts)
