"""Reranking: re-order the best fused candidates with a finer look at each sentence.

Long sentences join several clauses, and whole-sentence vectors blur them, so a sentence that is
vaguely about everything (a "hub") outranks the one whose clause answers. Two finer signals, each
z-scored and added to the fused score over the first DEPTH candidates:

- Arabic-script questions: word alignment. Each content word of the question is matched to its most
  similar word in the sentence (USE word vectors, the ones the bridge stores at ingestion); the sentence
  scores the idf-weighted mean of those best matches. Inflections, clitics and near-synonyms
  ("تتسم"/"يتسم") match where BM25's light stemmer misses them, and a rare word of the question counts
  more than the topic word every sentence shares. Near-synonyms the word vectors miss ("يبرهن"/"دليل") match
  through the shipped synonym sets (rag.bridge.synonym_groups) at SYNONYM_SIM.
- Other questions (English against Arabic sources, or an Arabic question whose candidates include English
  sentences): the best clause. The sentence is split at commas and semicolons and scores its closest
  clause (USE, cross-lingual). Word alignment across scripts is too loose to help here (measured), but a
  clause vector is sharp enough; the Arabic sentences of a mixed head get the word alignment as well.
  English questions also get the BM25 score of their translated words, which the fusion had reduced to a rank.

A sentence that opens by pointing back ("وتشمل هذه المقترحات ...") is scored together with the sentence
before it, where the question's words usually are; the quote stays the sentence itself. With several
documents, candidates of the document holding more of the head gain (the sum of its fused scores).

Measured top-1 (eval/README.md): Arabic 0.82 -> 0.89, English 0.71 -> 0.79 over the four sets of the
day, up on each held-out set as on dev; the idf weights and the sentence before then took Arabic from
0.92 to 0.96 and English from 0.85 to 0.87 over six sets, losing no question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rag.answering.focus import countries_in, named_by_most
from rag.bridge import spellings, synonym_groups, words
from rag.chunking import SENTENCE_END
from rag.schema import Chunk, Retrieved
from rag.text import expand_query, is_arabic_script, normalize

DEPTH = 10  # fused candidates re-ordered (dev set: 5-15 about equal)
ALIGN_WEIGHT = 2.0  # of the word-alignment z-score, Arabic-script questions (dev set: 1.5-3 equal)
CLAUSE_WEIGHT = 0.5  # of the best-clause z-score, other questions (dev set: 0.5-0.75 best)
# of the z-scored BM25 score, non-Arabic-script questions: reciprocal-rank fusion keeps only BM25's rank, and an
# English question's one rare translated word that a single sentence holds ("step" -> "خطوة": 9.3 against 3.1)
# counts no more than a topic word's lead (1882 questions: 0.25 +4 -1 English answers, precision 0.82 -> 0.85;
# 0.5 +4 -5; 1.0 +6 -9; for Arabic questions 0.25 +1 -2, so none)
LEXICAL_WEIGHT = 0.25
DOC_WEIGHT = 0.75  # of the z-scored sum of fused scores per document (two documents: 0.5-1 help)
_CACHE_LIMIT = 50_000
# A news text calls the country it is about "البلاد" (the country): that word answers for the country the
# question names, at the similarity of a close synonym (0.7-0.9 measured alike).
COUNTRY_SIM = 0.8
# A source word listed as a near-synonym of a question word (rag.bridge.synonym_groups) matches it at least this
# well: USE places "يبرهن" far from "دليل" (1466 questions: 0.7 +2, 0.8 +4, 0.9 +4 -2 Arabic answers).
SYNONYM_SIM = 0.8
_THE_COUNTRY = frozenset(["البلاد", "للبلاد", "بالبلاد", "البلد", "للبلد"])
Idf = Callable[[list[str]], dict[str, float]]  # word -> idf in the store (rag.lexical.BM25Index.idf)
_CLAUSE_BREAK = re.compile(r"[،,؛;]")
_MIN_CLAUSE = 15  # characters; shorter pieces ("ومع ذلك") stay with no vector of their own
# A sentence that opens by pointing back ("وتشمل هذه المقترحات", "وكان هدفهم", "These proposals") is read
# with the sentence before it: the question's words are often there.
_POINTS_BACK = re.compile(
    r"^(?:\S+\s+){0,2}(?:\S*(?:هذه|هذا|ذلك|تلك|هولاء|هذان|هاتان)|\S+(?:هم|هما|هن)|this|these|those|such)(?=[\s,،.]|$)",
    re.IGNORECASE,
)
_LOOK_BACK = 1500  # characters searched for the sentence before


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses (split at commas and semicolons), or the sentence itself."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(sentence)]
    return [p for p in parts if len(p) >= _MIN_CLAUSE] or [sentence]


class Reranker:
    """Scores sentences against a question; keeps the word and clause vectors it has computed (the caches
    are shared by concurrent requests: each call reads its own copy of what it needs)."""

    def __init__(self, store: Any, second: Any) -> None:
        self.store = store
        self.second = second
        self._words: dict[str, np.ndarray] = {}
        self._clauses: dict[str, np.ndarray] = {}

    def _cached(
        self, cache: dict[str, np.ndarray], keys: Sequence[str], compute: Callable[[list[str]], dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        found = {k: v for k in dict.fromkeys(keys) if (v := cache.get(k)) is not None}
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            new = compute(missing)
            if len(cache) + len(new) > _CACHE_LIMIT:
                cache.clear()
            cache.update(new)
            found.update(new)
        return found

    def word_scores(self, question: str, sentences: Sequence[str], idf: Idf | None = None) -> list[float]:
        """For each sentence, the mean over the question's words of their best match in it, weighted by each
        word's idf when `idf` is given (a rare word like "تتسم" says more than the topic's "كازاخستان")."""
        spelled = spellings(question)
        asked = sorted(spelled)
        per_sentence = [sorted(words(s)) for s in sentences]
        # a question word the sources write is read as they write it: "البيئه" typed is "البيئة" (USE does not
        # know the misspelling); other words are embedded as the question spells them. One vocabulary lookup
        # for the sentences' words and the question's.
        bare = {w: w[1:] if w[:1] in "وف" and len(w) > 4 else w for w in asked}  # "والبيئه": "البيئة"
        keys = [*(w for ws in per_sentence for w in ws), *asked, *bare.values()]
        known = self._cached(self._words, keys, self.store.word_vectors)
        if not asked or not any(w in known for ws in per_sentence for w in ws):
            return [0.0] * len(sentences)
        own = {w: v for w in asked if (v := known.get(w, known.get(bare[w]))) is not None}
        typed = [w for w in asked if w not in own]
        fresh = dict(zip(typed, self.second.encode([spelled[w] for w in typed]), strict=True)) if typed else {}
        q = np.stack([own[w] if w in own else fresh[w] for w in asked])
        rarity = idf(asked) if idf is not None else {}
        weights = np.array([rarity.get(w, 1.0) for w in asked])
        weights = weights / weights.sum()
        # "البلاد" is the country the text is about: of the asked countries, one most of the sentences name
        topic = named_by_most([countries_in(s) for s in sentences])
        country = np.array([bool(countries_in(w) & topic) for w in asked])
        synonyms = {g[0]: set(g[1:]) for g in synonym_groups(question, self.store)}
        out = []
        for ws in per_sentence:
            have = [known[w] for w in ws if w in known]
            if not have:
                out.append(0.0)
                continue
            best = (q @ np.stack(have).T).max(axis=1)
            here = set(ws)
            # the same word spelled otherwise ("اظهرت" for "أظهرت": USE 0.79) is the same word
            best = np.where([w in here for w in asked], 1.0, best)
            if synonyms:  # "يبرهن" in the question, "دليل" in the sentence (rag/data/synonyms_ar.tsv)
                near = np.array([bool(synonyms.get(w, set()) & here) for w in asked])
                best = np.where(near, np.maximum(best, SYNONYM_SIM), best)
            if country.any() and _THE_COUNTRY & here:
                best = np.where(country, np.maximum(best, COUNTRY_SIM), best)
            out.append(float(best @ weights))
        return out

    def _clause_vectors(self, sentences: list[str]) -> dict[str, np.ndarray]:
        pieces = [clauses(s) for s in sentences]
        vectors = self.second.encode([p for ps in pieces for p in ps])
        out: dict[str, np.ndarray] = {}
        i = 0
        for s, ps in zip(sentences, pieces, strict=True):
            out[s] = vectors[i : i + len(ps)]
            i += len(ps)
        return out

    def clause_scores(self, question: str, sentences: Sequence[str], vector: np.ndarray | None = None) -> list[float]:
        """For each sentence, the cosine of its closest clause to the question (USE; `vector`: the question's USE
        vector, if already computed)."""
        have = self._cached(self._clauses, sentences, self._clause_vectors)
        q = self.second.encode([question])[0] if vector is None else vector
        return [float((have[s] @ q).max()) for s in sentences]


def sentence_before(chunk: Chunk, store: Any) -> str:
    """The sentence before this one in its document (across a paragraph break), or "" for the first."""
    doc = store.document(chunk.source)
    before = doc.text[max(0, chunk.start - _LOOK_BACK) : chunk.start] if doc is not None else ""
    parts = [p.strip() for line in before.split("\n") for p in SENTENCE_END.split(line) if p.strip()]
    return parts[-1] if parts else ""


def with_antecedent(chunk: Chunk, store: Any) -> str:
    """The sentence, preceded by the one before it (across a paragraph break) when it opens by pointing back."""
    if not _POINTS_BACK.search(normalize(chunk.text)):
        return chunk.text
    prior = sentence_before(chunk, store)
    return f"{prior}. {chunk.text}" if prior else chunk.text


def _z(values: Sequence[float]) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    return (a - a.mean()) / (a.std() + 1e-9)


def rerank(
    question: str,
    ranked: list[Retrieved],
    reranker: Reranker | None,
    idf: Idf | None = None,
    vector: np.ndarray | None = None,
) -> list[Retrieved]:
    """Re-order the first DEPTH candidates by fused score plus the finer signal for the question's script
    (`vector`: the expanded question's USE vector, if already computed)."""
    if reranker is None or len(ranked) < 2:
        return ranked
    head, tail = ranked[:DEPTH], ranked[DEPTH:]
    texts = [with_antecedent(r.chunk, reranker.store) for r in head]
    same = [is_arabic_script(t) for t in texts]
    if is_arabic_script(question) and all(same):
        fine, weight = reranker.word_scores(question, texts, idf), ALIGN_WEIGHT
    else:
        fine, weight = reranker.clause_scores(expand_query(question), texts, vector), CLAUSE_WEIGHT
    if not any(fine):
        return ranked
    combined = _z([r.score for r in head]) + weight * _z(fine)
    if not is_arabic_script(question):
        combined = combined + LEXICAL_WEIGHT * _z([r.lexical for r in head])
    if is_arabic_script(question) and any(same) and not all(same):
        # Sentences in the question's script (an Arabic question, English documents too) also get the word
        # alignment, which needs one script on both sides; the others stay neutral on it.
        mine = [t for t, s in zip(texts, same, strict=True) if s]
        aligned = iter(reranker.word_scores(question, mine, idf))
        values = [next(aligned) if s else None for s in same]
        mean = float(np.mean([v for v in values if v is not None]))
        combined = combined + ALIGN_WEIGHT * _z([mean if v is None else v for v in values])
    # The document holding more of the best candidates is likelier the one the question is about: one shared
    # word ("tourism", "plan") pulls a sentence of another document into the head, rarely several (no effect
    # with one document: the term is then the same for all).
    by_doc: dict[str, float] = {}
    for r in head:
        by_doc[r.chunk.source] = by_doc.get(r.chunk.source, 0.0) + r.score
    combined = combined + DOC_WEIGHT * _z([by_doc[r.chunk.source] for r in head])
    for r, a, c in zip(head, fine, combined, strict=True):
        r.align, r.rank_score = a, float(c)
    order = sorted(range(len(head)), key=lambda i: -combined[i])
    return [head[i] for i in order] + tail
