"""Hybrid cross-lingual retrieval: e5 dense + USE dense + Arabic BM25, fused by reciprocal rank (plus, for an
English question naming the country the sources are about, e5 without that name: `unnamed`).

A plain class (importing LangChain costs half a second of a one-off question); `as_langchain()` wraps it in a
LangChain `BaseRetriever` for chains that compose it with runnables.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.answering.focus import COUNTRIES, countries_in, country_forms, named_by_most
from rag.bridge import synonym_groups, translate_grouped
from rag.lexical import BM25Index, index_path
from rag.ranker import UNFIT, Model, features, question_terms, shipped_model
from rag.rerank import DEPTH, Reranker, rerank, with_antecedent
from rag.schema import Chunk, Retrieved
from rag.settings import Settings
from rag.text import expand_query, is_arabic_script, normalize

# Reciprocal-rank fusion, tuned on eval/dev.jsonl (k in 5, 10, 20, 60; weights on a small grid) and checked on
# the held-out set. A small k trusts the top ranks. Weights (e5, USE, BM25) depend on the question's script:
# BM25 is the most precise signal where it fires; USE is the weakest Arabic ranker (../shared/RESEARCH.md).
RRF_K = 5
WEIGHTS = {"en": (1.0, 1.0, 2.0), "ar": (2.0, 0.5, 3.0)}
_DIGITS = re.compile(r"\d+")
TOPIC_DEPTH = 10  # dense candidates whose countries tell what the sources are about
CROSS_CANDIDATES = 10  # best sentences of the other script, searched on their own
POOL = 20  # fused candidates the learned ranker scores (rag.ranker)


def without_countries(question: str) -> tuple[str, set[str]] | None:
    """The question without its words naming countries, and those countries (None if it names none, or nothing
    else). e5 weighs such a word heavily: for "What is Kazakhstan trying to turn the SCO into?" a sentence that
    calls the country "it" ("ويتجلى هذا بوضوح في جهودها ...") falls to the 20th-30th place (first without it)."""
    named = countries_in(question)
    if not named:
        return None
    names = [pattern for name, _, pattern in COUNTRIES if name in named]
    kept = [w for w in question.split() if not any(p.search(normalize(w)) for p in names)]
    return (" ".join(kept), named) if kept else None


def about(named: set[str], dense: list[tuple[Chunk, float]]) -> bool:
    """Whether the countries a question names are what most of the best dense candidates name: what the sources
    are about."""
    return named_by_most([countries_in(c.text) for c, _ in dense[:TOPIC_DEPTH]]) & named == named


def unnamed(named: set[str], found: list[tuple[Chunk, float]], own_arabic: bool) -> list[tuple[Chunk, float]]:
    """Of the dense search without the countries the question names (`found`), the sentences that do not name
    them, in the other script than the question's. Searched as well for English questions about what the
    sources are about, not instead (1934 questions: English +4, none lost; for Arabic ones +2 -6, and replacing
    the ranking +10 -17). Sentences naming the country are the first ranking's; in the question's own script
    its other words find them well enough ("What kind of tourism does Kazakhstan want?" reached "Tourism has
    begun to return" of an English document)."""
    return [(c, s) for c, s in found if is_arabic_script(c.text) != own_arabic and not countries_in(c.text) & named]


def _rows(store: Any, second: bool) -> dict[str, int]:
    ids = store.matrix(second)[0]
    return store.per_generation(f"rows:{second}", lambda: {cid: i for i, cid in enumerate(ids)})


def _within(store: Any, vector: Any, sources: list[str], k: int, second: bool = False) -> list[tuple[str, float]]:
    """The k nearest chunks of the given documents (exact, over the vectors held in memory)."""
    ids, owners, m = store.matrix(second)
    rows = np.flatnonzero(np.isin(np.array(owners, dtype=object), sources))
    if not len(rows):
        return []
    scores = m[rows] @ np.asarray(vector, dtype=np.float32)
    best = np.argsort(-scores)[:k]
    return [(ids[rows[i]], float(scores[i])) for i in best]


def _cosines(store: Any, ids: list[str], vector: Any, second: bool = False) -> np.ndarray:
    """Each chunk's cosine to the vector (0 for a chunk not in memory)."""
    rows = _rows(store, second)
    m = store.matrix(second)[2]
    v = np.asarray(vector, dtype=np.float32)
    return np.array([float(m[rows[i]] @ v) if i in rows else 0.0 for i in ids])


def reciprocal_rank_fusion(rankings: list[tuple[list[str], float]], k: int = RRF_K) -> dict[str, float]:
    """Each id's fused score over weighted rankings (best first): the sum of weight / (k + rank)."""
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank + 1)
    return fused


def _once(ids: list[str], chunks: dict[str, Chunk]) -> list[str]:
    """A ranking with each sentence once: a later copy of a sentence its document repeats (the article's lines
    3 and 10 open with the same sentence) would push every sentence below it down a rank."""
    seen: set[tuple[str, str]] = set()
    out = []
    for i in ids:
        c = chunks.get(i)
        key = (c.source, c.text) if c is not None else ("", i)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def build_components(settings: Settings, *, store=None, embeddings=None, second=None):
    """Create (or pass through) the store, the e5 embeddings and the optional second encoder."""
    if store is None:
        from rag.store import Store

        store = Store(settings)
    if embeddings is None:
        from rag.embeddings import load_embeddings

        embeddings = load_embeddings(settings)
    if second is None and settings.use_second_encoder:
        from rag.embeddings import load_second_encoder

        second = load_second_encoder(settings)
    return store, embeddings, second


@dataclass(eq=False)
class HybridRetriever:
    """Sentence-level retrieval over the store; each result carries its chunk and scores."""

    store: Any
    embeddings: Any
    second: Any = None
    k: int = 8
    candidates: int = 30
    mode: str = "hybrid"  # or "dense" / "bm25", for comparisons
    _lexical: BM25Index | None = field(default=None, init=False, repr=False)
    _reranker: Reranker | None = field(default=None, init=False, repr=False)

    def reranker(self) -> Reranker | None:
        """The reranker (needs the second encoder and its vocabulary)."""
        if self._reranker is None and self.second is not None:
            self._reranker = Reranker(self.store, self.second)
        return self._reranker

    def lexical_index(self) -> BM25Index:
        """The persistent BM25 index, first brought up to date with documents ingested since
        (by this process or another: the store reloads itself then)."""
        generation = self.store.refresh()
        if self._lexical is None:
            self._lexical = BM25Index(index_path(self.store.settings))
        self._lexical.sync(self.store, generation)
        return self._lexical

    def retrieve(self, query: str) -> list[Retrieved]:
        """Top-k sentences for a question in Arabic or English, best first."""
        return self.retrieve_timed(query)[0]

    def retrieve_timed(self, query: str, capture: list | None = None) -> tuple[list[Retrieved], dict[str, float]]:
        """`retrieve()` plus the time of each stage in ms (returned, not stored: requests run concurrently).

        `capture`, when given, receives (candidates, feature matrix) of the learned ranker's pool (eval.fit_ranker).
        """
        t0 = time.perf_counter()
        index = self.lexical_index()  # first: it reloads the store if another process wrote to it
        asked, query = query, expand_query(query)
        arabic = is_arabic_script(asked)
        # an English question naming countries is also searched without them (one batch: the second costs little)
        bare = None if arabic else without_countries(query)
        vectors = self.embeddings.encode([query, bare[0]] if bare else [query], query=True)
        qv = vectors[0]
        dense = self.store.search(qv, self.candidates)
        # the learned ranker scores the pool (needs the second encoder); collecting features to fit one, the
        # fused order stands, scored by none
        model = shipped_model() if self.mode == "hybrid" and self.second is not None else None
        if capture is not None:
            model = UNFIT if self.second is not None else None
        # the other script's best sentences, ranked on their own (only for the learned ranker, which weighs them):
        # cross-language cosines sit lower than same-language ones, so an English document's answer drowns
        own_docs, other = (
            self.store.sources_in("ar" if arabic else "en"),
            self.store.sources_in("en" if arabic else "ar"),
        )
        if model is None or not own_docs:  # one language stored: the rankings above are the other's already
            other = []
        dense_other = _within(self.store, qv, other, CROSS_CANDIDATES) if other else []
        topicless = []
        if bare and about(bare[1], dense):
            topicless = unnamed(bare[1], self.store.search(vectors[1], self.candidates), arabic)
        t1 = time.perf_counter()
        second: list[tuple[str, float]] = []
        second_other: list[tuple[str, float]] = []
        quse = None
        if self.second is not None:
            quse = self.second.encode([query])[0]
            second = self.store.search_second(quse, self.candidates)
            second_other = _within(self.store, quse, other, CROSS_CANDIDATES, second=True) if other else []
        t2 = time.perf_counter()
        # BM25 uses the question's own words where sources in its language exist, plus source words that
        # translate them (rag.bridge); against Arabic sources only, an English question keeps its numbers.
        translated = translate_grouped(asked, self.store, self.second)  # the words as asked: expansions are generic
        groups = translated
        if arabic:  # and the source words of its words' near-synonyms ("ينقص" -> "الافتقار")
            groups = [*groups, *synonym_groups(asked, self.store)]
        bridged = [w for ws in groups for w in ws]
        terms = [*bridged, *_DIGITS.findall(query)]
        if arabic or self.store.has_language("en"):
            terms.insert(0, query)
        if arabic:  # "عن أفغانستان" also reaches "الأزمة الأفغانية"
            terms += country_forms(asked)
        lexical = index.search(" ".join(terms), self.candidates, synonyms=groups)
        t3 = time.perf_counter()

        w_e5, w_use, w_bm25 = WEIGHTS["ar" if arabic else "en"]
        chunks: dict[str, Chunk] = {c.id: c for c, _ in [*dense, *topicless]}
        listed = [i for i, _ in [*dense_other, *second, *second_other, *lexical]]
        chunks.update({c.id: c for c in self.store.get_chunks([i for i in dict.fromkeys(listed) if i not in chunks])})
        rankings = [
            (_once([c.id for c, _ in dense], chunks), w_e5),
            (_once([i for i, _ in second], chunks), w_use),
            (_once([i for i, _ in lexical], chunks), w_bm25),
        ]
        if topicless:
            rankings.append((_once([c.id for c, _ in topicless], chunks), w_e5))
        if dense_other:
            rankings.append((_once([i for i, _ in dense_other], chunks), w_e5))
        if second_other:
            rankings.append((_once([i for i, _ in second_other], chunks), w_use))
        if self.mode == "dense":
            rankings = rankings[:2]
        elif self.mode == "bm25":
            lexical = index.search(query, self.candidates)
            rankings = [([i for i, _ in lexical], 1.0)]
        fused = reciprocal_rank_fusion(rankings)
        top = sorted(fused, key=lambda c: -fused[c])[: max(self.k, POOL if model else DEPTH)]
        dense_score = {c.id: s for c, s in dense}
        lex_score = dict(lexical)
        out = [
            Retrieved(chunk=chunks[c], score=fused[c], dense=dense_score.get(c, 0.0), lexical=lex_score.get(c, 0.0))
            for c in top
            if c in chunks
        ]
        t4 = time.perf_counter()
        if model is not None and len(out) > 1:
            out, x = self.score(asked, out, qv, quse, index, model, translated)
            if capture is not None:
                capture.append((list(out), x))
        elif self.mode == "hybrid":
            out = rerank(asked, out, self.reranker(), index.idf)
        out = out[: self.k]
        t5 = time.perf_counter()
        timings = {
            "dense_ms": (t1 - t0) * 1e3,
            "second_ms": (t2 - t1) * 1e3,
            "bm25_ms": (t3 - t2) * 1e3,
            "fusion_ms": (t4 - t3) * 1e3,
            "rerank_ms": (t5 - t4) * 1e3,
        }
        return out, timings

    def score(
        self,
        question: str,
        head: list[Retrieved],
        qv: Any,
        quse: Any,
        index: BM25Index,
        model: Model,
        translated: list[list[str]],
    ) -> tuple[list[Retrieved], np.ndarray]:
        """The candidates ordered by the ranker's probability (each gets `confidence`), and their features;
        `translated` holds the source words that translate each question word (rag.bridge.translate_grouped)."""
        from rag.answering.extractive import expected_type, find_values

        reranker = self.reranker()
        ids = [r.chunk.id for r in head]
        e5, use = _cosines(self.store, ids, qv), _cosines(self.store, ids, quse, second=True)
        texts = [with_antecedent(r.chunk, self.store) for r in head]
        clause = reranker.clause_scores(expand_query(question), texts, quse) if reranker else [0.0] * len(head)
        align = [0.0] * len(head)
        if reranker and is_arabic_script(question):
            mine = [i for i, t in enumerate(texts) if is_arabic_script(t)]
            for i, a in zip(mine, reranker.word_scores(question, [texts[i] for i in mine], index.idf), strict=True):
                align[i] = a
        terms = question_terms(question, translated)
        rarity = index.idf(sorted({f for forms in terms.values() for f in forms}))
        weights = {t: max(rarity.get(f, 0.0) for f in forms) for t, forms in terms.items()}
        kind = expected_type(question)
        # the hand-weighted re-ranking (rag.rerank) as one feature among the others: its ten best get its score,
        # the rest one below its lowest
        copies = [r.model_copy() for r in head]
        by_id = {r.chunk.id: r.rank_score for r in rerank(question, copies, reranker, index.idf, quse)}
        known = [v for v in by_id.values() if v is not None]
        floor = min(known) - 1.0 if known else 0.0
        reranked = [v if (v := by_id.get(r.chunk.id)) is not None else floor for r in head]
        x = features(
            question,
            head,
            e5=e5,
            use=use,
            clause=clause,
            align=align,
            terms=terms,
            idf=weights,
            asked_kind=kind,
            has_kind=lambda k, t: bool(find_values(k, t)),
            doc_scores={d: float(v @ qv) for d, v in self.store.centroids().items()},
            reranked=reranked,
        )
        p = model.probability(x)
        for r, conf in zip(head, p, strict=True):
            r.confidence = float(conf)
            r.rank_score = float(np.log(conf / (1.0 - conf + 1e-12) + 1e-12))  # log-odds: gaps compare across questions
        order = np.argsort(-p, kind="stable")
        return [head[i] for i in order], x[order]

    def as_langchain(self) -> Any:
        """This retriever as a LangChain `BaseRetriever` (`.invoke(question)` returns Documents whose metadata
        holds each Retrieved)."""
        from langchain_core.documents import Document
        from langchain_core.retrievers import BaseRetriever
        from pydantic import ConfigDict

        hybrid = self

        class LangChainRetriever(BaseRetriever):
            model_config = ConfigDict(arbitrary_types_allowed=True)

            def _get_relevant_documents(self, query: str, *, run_manager: Any) -> list[Document]:
                return [
                    Document(page_content=r.chunk.text, id=r.chunk.id, metadata={"retrieved": r})
                    for r in hybrid.retrieve(query)
                ]

        return LangChainRetriever()
