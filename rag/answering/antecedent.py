"""When the quoted sentence leans on the one before it, so that the sentence before must be quoted too, or the
next sentence goes on about it, so that it must be quoted after it.

Three cases, all read off the words (no model):

- A "why" question answered by a sentence that opens with a consequence ("ولذلك قد يكون من الصعب ...",
  "Therefore ..."): the sentence says what follows, the one before says why.
- A "which/what X" question answered by a sentence whose opening phrase refers back to X ("ويضمن هذا
  الإطار النظري ..." for "which theory ..."): the sentence never names X, the one before does. The phrase
  must hold the asked noun (same stem, or for English one of its Arabic translations), so "وتشمل هذه
  المقترحات مبادرات مثل مشروع ..." still answers "which project" alone: it names the project itself.
- The sentence after the chosen one opens by pointing back at it ("تتمتع هذه الطريقة الفريدة ...") and
  the question is a "how is X described", or its pointing phrase names what the question asks about while
  the chosen sentence does not ("method"): it is quoted after it.
"""

from __future__ import annotations

import re
from typing import Literal

from rag.answering.focus import Translator
from rag.text import STOPWORDS, normalize, strip_marks, tokens

_WHY = re.compile(
    r"\bwhy\b|\bhow come\b|\bfor what reason\b|\bwhat (?:could|would|might|can|will|does|did) (?:make|cause|lead)\b"
    r"|لماذا|(?<![^\W\d_])لم(?= )|ما (?:هو |هي )?(?:سبب|اسباب)|ما الذي (?:يجعل|جعل|يودي|ادي)",
    re.I,
)
# On the normalised sentence: "therefore", "so", "this (can) lead(s) to".
_CONSEQUENCE = re.compile(
    r"^(?:و?(?:لذلك|لهذا|لذا)|وبالتالي|ومن ثم|وعليه|وعلي هذا|(?:therefore|thus|hence|as a result|so)\b"
    r"|و?هذا (?:(?:قد|يمكن ان|من شانه ان) )?(?:يودي|سيودي))",
    re.I,
)
_AUX = r"is|are|was|were|does|do|did|will|would|can|could|should|has|have|had|happened|about|of|in|on|to|for|with"
# "Which theory of international relations does ...", "what kind of platform ...", "which school of
# international relations theory ...": up to three words naming X and up to three after an "of" (up to a verb or
# a preposition).
_ASKED_EN = re.compile(
    rf"^\W*(?:which|what|whose)\s+(?:(?:kind|type|sort)\s+of\s+)?((?:(?!(?:{_AUX})\b)[a-z-]+\s*){{1,3}}"
    rf"(?:of\s+(?:the\s+)?(?:(?!(?:{_AUX})\b)[a-z-]+\s*){{1,3}})?)",
    re.I,
)
# "على أي نموذج نظري", "ما الإطار النظري الذي": "أي" + any word, "ما (هو|هي)" + a definite noun; up to two.
_ASKED_AR = re.compile(
    r"^\W*(?:(?:علي|في|الي|من|عن|ب)\s+)?(?:اي\s+|ما\s+(?:هو\s+|هي\s+)?(?=ال))((?:(?!(?:الذي|التي|الذين|هو|هي)\s)\S+\s*){1,2})"
)
# A sentence opening (first or second word) with a demonstrative and the noun phrase after it.
_POINTING = re.compile(r"^(?:\S+\s+)?(?:هذا|هذه|ذلك|تلك|هذان|هاتان|this|these|that|those)\s+(\S+)(?:\s+(\S+))?", re.I)
_NOT_IN_PHRASE = frozenset(["الذي", "التي", "الذين", "في", "من", "علي", "الي", "عن", "مع", "هو", "هي"])


def asks_why(question: str) -> bool:
    """ "Why ...", "لماذا ...", "ما الذي يجعل ...": the question asks for a cause."""
    return bool(_WHY.search(normalize(question)))


def asked_noun_words(question: str) -> list[str]:
    """The words naming what a "which/what X" question asks to identify ("theory" of "which theory of
    international relations"; "نموذج", "نظري" of "على أي نموذج نظري"), or none."""
    q = normalize(question)
    m = _ASKED_EN.search(q) or _ASKED_AR.search(q)
    if not m:
        return []
    return [w for w in m.group(1).split() if w not in STOPWORDS and len(w) > 2]


def pointing_phrase(sentence: str) -> list[str]:
    """The noun phrase a sentence opens by pointing back with ("هذا الإطار النظري" -> both words), or none."""
    m = _POINTING.search(normalize(sentence))
    if not m:
        return []
    first, second = m.group(1), m.group(2)
    return [first] if not second or second in _NOT_IN_PHRASE else [first, second]


def needs_antecedent(question: str, sentence: str, translator: Translator | None = None) -> bool:
    """Whether `sentence`, chosen to answer `question`, must be quoted with the sentence before it."""
    text = normalize(sentence)
    if asks_why(question) and _CONSEQUENCE.search(text):
        return True
    phrase = set(tokens(" ".join(pointing_phrase(sentence))))
    asked = asked_noun_words(question)
    if not phrase or not asked:
        return False
    if not re.search(r"[a-z]", " ".join(phrase)):  # an Arabic sentence: English words through their translations
        arabic = in_arabic(asked, translator)
        if arabic is None:
            return False
        asked = arabic
    return bool(phrase & set(tokens(" ".join(asked))))


def in_arabic(words: list[str], translator: Translator | None) -> list[str] | None:
    """Words to look for in Arabic sentences: Arabic ones as they are, English ones through their Arabic source
    words (`translator`); None for English words without a translator."""
    if not re.search(r"[a-z]", " ".join(words)):
        return words
    if translator is None:
        return None
    return [a for ws in translator(words).values() for a in ws]


_DESCRIBE = re.compile(
    r"\b(?:describ\w*|characteri[sz]\w*|portray\w*|depict\w*|assess\w*|evaluat\w*)\b"
    r"|(?<![^\W\d_])(?:[يت]?وصف\w*|[يت]صف\w*|بم(?:اذا)? [يت]صف|تقييم|يقيم|تقيم)(?![^\W\d_])"
)


def asks_description(question: str) -> bool:
    """ "How does the author describe X", "كيف توصف X": the question asks what is said of X."""
    return bool(_DESCRIBE.search(normalize(question)))


def question_stems(question: str, translator: Translator | None) -> set[str]:
    """The stems of the question's content words; an English question's through their Arabic translations."""
    content = [w for w in re.findall(r"[^\W\d_]{3,}", normalize(question)) if w not in STOPWORDS]
    arabic = [w for w in content if not re.search(r"[a-z]", w)]
    english = [w for w in content if re.search(r"[a-z]", w)]
    if english and translator is not None:
        arabic += [a for ws in translator(english).values() for a in ws]
    return set(tokens(" ".join(arabic + english)))


def goes_on_about(question: str, best: str, following: str, translator: Translator | None = None) -> bool:
    """Whether `following`, the sentence after `best` (the one chosen), opens by pointing back at it and so
    goes on about it: always for a "how is X described" question (it says what X is like); otherwise when the
    pointing phrase names what the question asks about and `best` does not ("What could the Astana centre
    method open up?": "مركز أستانا ..." then "تتمتع هذه الطريقة الفريدة بالقدرة على فتح آفاق جديدة")."""
    phrase = pointing_phrase(following)
    if not phrase:
        return False
    if asks_description(question):
        return True
    named = set(tokens(" ".join(phrase))) & question_stems(question, translator)
    return bool(named - set(tokens(best)))


# --- follow-up questions: what a question in a conversation refers back to -----------------------------------------
# A question refers back when it points at something it does not name: a third-person pronoun or a demonstrative
# ("When was it?", "Where is that institute based?", "ومن ترأسها؟", "وبماذا تتزين واجهته؟"), or it names almost
# nothing at all ("Since when?", "ومنذ متى؟", "In what year?"), or it asks the last question again about something
# else ("What about Uzbekistan?", "وماذا عن الهند؟"). A leading "and" / "و" alone does not make a follow-up:
# "And who is the national coordinator?" stands alone.
_POINTS_EN = re.compile(
    r"\b(?:it|its|itself|they|them|their|theirs|he|him|his|she|her|hers|this|these|those|ones)\b"
    r"|\b(?:is|was|are|were|of|in|at|on|about|from|for|to|after|before|did|does|do|by)\s+that\b|\bthat\s*\W*$"
    r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b|\bthen\s*\W*$",
    re.I,
)
# Demonstratives and pointing adverbs, with a clitic conjunction or preposition ("وذلك", "بعد ذلك", "هناك", "آنذاك").
_POINTS_AR = re.compile(
    r"(?<![^\W\d_])[وفبل]?(?:هذا|هذه|ذلك|تلك|هؤلاء|أولئك|اولئك|هناك|هنالك|آنذاك|انذاك|حينها|حينذاك|وقتها|عندئذ)"
    r"(?![^\W\d_])"
)
# A word carrying a possessive or object pronoun: "...ها", "...هم", "...هما", "...هن", or "...ه" after a letter
# that is no long vowel ("تأخيره", "قربه"; not "المياه", "توجيه"); a word with the article takes no pronoun
# ("الأسهم", "المياه"). Read on the letters as written: "ة" (not a pronoun) must not fold into "ه".
_CARRIES_PRONOUN = re.compile(r"^(?!(?:[وفبل]|وب|ول|فب|فل)?ال)[^\W\d_]+(?:.ها|..هما|..هم|..هن|.[^\Wاي\d_]ه)$")
# A relative pronoun: a pronoun on one of the two words after it points back inside the question ("الفترة التي
# تغطيها", "المشاريع التي أعلن عنها").
_RELATIVE = frozenset(["الذي", "التي", "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللواتي", "اللاتي"])
_ASKS_AGAIN = re.compile(r"^\W*(?:and\s+)?(?:what|how)\s+about\b|^\W*و?\s*(?:ماذا|ما|وما)\s+عن\b|^\W*وعن\b", re.I)
ELLIPTIC_WORDS = 1  # content words of a question that names (almost) nothing of its own


FollowUp = Literal["points", "names_nothing", "asks_again", "continues"]
CONTINUING_WORDS = 2  # content words of a question opening with "and" / "و" that still reads as a continuation
# "ومن هو X", "And who is the X": a copula before a named subject; the question says what it asks about.
_COPULA = re.compile(r"(?<![^\W\d_])(?:هو|هي|هم|هن|هما)(?![^\W\d_])|\b(?:is|are|was|were)\s+(?:the|a|an)\b", re.I)
_AND_EN = re.compile(r"^\W*(?:and|also)\b", re.I)


def follow_up_kind(question: str) -> FollowUp | None:
    """How a question leans on the conversation before it: it points back at something it does not name, it names
    (almost) nothing of its own, it asks the last question again about something it names, or it goes on from it
    ("and" with few words of its own); None when it stands alone."""
    q = strip_marks(question)
    if _ASKS_AGAIN.search(q):
        return "asks_again"
    if _POINTS_EN.search(q) or _POINTS_AR.search(q):
        return "points"
    words = re.findall(r"[^\W\d_]+", q)
    for i, word in enumerate(words):
        if (
            re.search(r"[\u0600-\u06ff]", word)
            and _CARRIES_PRONOUN.match(word)
            and not _RELATIVE & set(words[max(0, i - 2) : i])
        ):
            return "points"
    own = len(tokens(question))
    if own <= ELLIPTIC_WORDS:
        return "names_nothing"
    # "ومن أي مادة صنعت؟" (an Arabic verb carries its subject: "it was made"), "And when can I sign up?" (for
    # what?): a short question opening with "and" may lean on the last one without a pronoun word; one naming its
    # subject after a copula ("And who is the national coordinator?", "ومن هو المنسق الوطني؟") stands alone.
    # Searched with the last one and alone, both kept.
    if own <= CONTINUING_WORDS and _opens_with_and(q) and not _COPULA.search(q):
        return "continues"
    return None


def _opens_with_and(question: str) -> bool:
    """ "And ...", "ومن ...", "وإلى متى ...": the question opens with a conjunction (in Arabic, before a function
    word: "وصل" is a verb)."""
    first = normalize(question).split(" ", 1)[0].strip("؟?!.,،")
    clitic = len(first) > 2 and first[0] in "وف" and (first[1:] in STOPWORDS or first[1:] in ("كم", "اي"))
    return clitic or bool(_AND_EN.search(question))


def refers_back(question: str) -> bool:
    """Whether a question leans on the conversation before it (points back, names nothing, or asks again)."""
    return follow_up_kind(question) is not None


FOLLOW_UP_TURNS = 3  # earlier user turns a follow-up can reach back through


def conversation_context(question: str, previous: list[str]) -> list[str]:
    """The earlier user turns a follow-up refers back to, oldest first: from the last turn back to and including
    the most recent one that stands alone ("What is the Muruntau pit?", "How deep is it?" for "And how long?");
    none when the question stands alone, so that a self-contained question is never dragged to the last topic."""
    if not previous or not refers_back(question):
        return []
    chain: list[str] = []
    for turn in reversed(previous[-FOLLOW_UP_TURNS:]):
        chain.insert(0, turn)
        if not refers_back(turn):
            break
    return chain
