"""The one scorer: each candidate sentence is described by general features, and a logistic model fit on the
development corpus (`python -m eval.fit_ranker`) turns them into the probability that the sentence answers.

The features say nothing about any one document: how close the sentence is to the question for each encoder
(and how far below the best sentence *of its own script*, so Arabic-English pairs compete with same-language
ones), its BM25 score and fused rank, the finer clause and word-alignment scores (rag.rerank), how much of the
question's rarer words (or their translations) the sentence and its section heading hold, whether it holds the
kind of value the question asks for (a date, a number), the numbers the question names, how much of the head its
document holds, and its shape (length, a list item, a pronoun pointing back). The probability orders the
candidates and decides abstention: below the threshold fit with it, no sentence is presented as the answer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from rag.schema import Retrieved
from rag.text import is_arabic_script, tokens

FEATURES = (
    "e5",
    "e5_gap",
    "use",
    "use_gap",
    "bm25",
    "fused",
    "rerank",
    "clause",
    "align",
    "same_script",
    "doc_share",
    "doc_gap",
    "doc_rank",
    "coverage",
    "coverage_max",
    "section_coverage",
    "type_match",
    "type_missing",
    "numbers_named",
    "numbers_missing",
    "points_back",
    "length",
    "list_item",
)
WEIGHTS_FILE = "ranker.json"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_POINTS_BACK = re.compile(
    r"^(?:\S+\s+){0,1}(?:it|its|they|their|he|she|his|her|this|these|those|such|there)\b"
    r"|^(?:و|ف)?(?:قد|كان|كانت|كما|هو|هي|هم|هذه|هذا|ذلك|تلك)(?=\s)",
    re.IGNORECASE,
)


@dataclass
class Model:
    """Standardisation and logistic weights, in FEATURES order, and the abstention threshold."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(answers) for each row of a feature matrix."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self, **extra: Any) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6),
                "threshold": round(self.threshold, 4),
                **extra,
            },
            indent=1,
        )


UNFIT = Model(
    mean=np.zeros(len(FEATURES)),
    scale=np.ones(len(FEATURES)),
    coef=np.zeros(len(FEATURES)),
    intercept=0.0,
    threshold=0.0,
)  # every candidate alike: the fused order stands (used while collecting features to fit a model)


@cache
def shipped_model() -> Model | None:
    """The model fit on the development corpus (rag/data/ranker.json), or None if it does not match FEATURES."""
    path = resources.files("rag") / "data" / WEIGHTS_FILE
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("features") != list(FEATURES):
        return None
    return Model(
        mean=np.array(raw["mean"]),
        scale=np.array(raw["scale"]),
        coef=np.array(raw["coef"]),
        intercept=float(raw["intercept"]),
        threshold=float(raw["threshold"]),
    )


def _gap(values: np.ndarray, groups: list[bool]) -> np.ndarray:
    """Each value minus the best value of its group (the candidates of one script)."""
    out = np.zeros_like(values)
    for g in set(groups):
        mask = np.array([x == g for x in groups])
        out[mask] = values[mask] - values[mask].max()
    return out


def _covered(terms: dict[str, set[str]], weights: dict[str, float], have: set[str]) -> tuple[float, float]:
    """The idf-weighted share of the question's terms the sentence holds (a term is held when any of its forms is),
    and the largest single weight held, relative to the largest weight asked."""
    if not terms:
        return 0.0, 0.0
    total = sum(weights[t] for t in terms)
    held = [weights[t] for t, forms in terms.items() if forms & have]
    return (sum(held) / total if total else 0.0), (max(held, default=0.0) / max(weights.values()))


def features(
    question: str,
    head: Sequence[Retrieved],
    *,
    e5: np.ndarray,
    use: np.ndarray,
    clause: Sequence[float],
    align: Sequence[float],
    terms: dict[str, set[str]],
    idf: dict[str, float],
    asked_kind: str | None,
    has_kind: Any,
    doc_scores: dict[str, float],
    reranked: Sequence[float] | None = None,
) -> np.ndarray:
    """The feature matrix (len(head) x len(FEATURES)) of the candidates for one question.

    Args:
        question: the question (as read, standard Arabic).
        head: the candidates, with fused and lexical scores.
        e5, use: each candidate's cosine to the question for the two encoders.
        clause, align: the finer scores of rag.rerank (0 where not computed).
        terms: the question's content words, each with the source-word forms that stand for it (its own stems,
            and for another script its translations).
        idf: each term's weight (rarity in the store).
        asked_kind: the kind of value the question asks for ("date", "quantity", ...) or None.
        has_kind: `has_kind(kind, text) -> bool`.
        doc_scores: each stored document's cosine to the question (e5, the document's mean sentence vector).
        reranked: the hand-weighted re-ranking score of rag.rerank (z-score sums over its ten best), if computed.
    """
    scripts = [is_arabic_script(r.chunk.text) for r in head]
    own = is_arabic_script(question)
    fused = np.array([r.score for r in head])
    lexical = np.array([r.lexical for r in head])
    by_doc: dict[str, float] = {}
    for r in head:
        by_doc[r.chunk.source] = by_doc.get(r.chunk.source, 0.0) + r.score
    total = sum(by_doc.values()) or 1.0
    asked_numbers = set(_DIGITS.findall(question))
    best_doc = max(doc_scores.values(), default=0.0)
    doc_order = sorted(doc_scores, key=lambda d: -doc_scores[d])
    rows = []
    for i, r in enumerate(head):
        text = r.chunk.text
        have = set(tokens(text))
        cover, cover_max = _covered(terms, idf, have)
        section_cover, _ = _covered(terms, idf, set(tokens(r.chunk.section))) if r.chunk.section else (0.0, 0.0)
        numbers = set(_DIGITS.findall(text))
        has = bool(asked_kind) and has_kind(asked_kind, text)
        rows.append(
            [
                e5[i],
                0.0,  # gaps filled below
                use[i],
                0.0,
                lexical[i] / lexical.max() if lexical.max() > 0 else 0.0,
                fused[i] / fused.max() if fused.max() > 0 else 0.0,
                reranked[i] if reranked is not None else 0.0,
                clause[i],
                align[i],
                float(scripts[i] == own),
                by_doc[r.chunk.source] / total,
                doc_scores.get(r.chunk.source, best_doc) - best_doc,
                math.log1p(doc_order.index(r.chunk.source)) if r.chunk.source in doc_order else 0.0,
                cover,
                cover_max,
                section_cover,
                float(has),
                float(bool(asked_kind) and not has),
                float(bool(asked_numbers) and asked_numbers <= numbers),
                float(bool(asked_numbers - numbers)),
                float(bool(_POINTS_BACK.search(text))),
                math.log1p(len(text.split())),
                float(text.lstrip().startswith(("-", "*", "•"))),
            ]
        )
    x = np.array(rows, dtype=np.float64)
    x[:, 1] = _gap(x[:, 0], scripts)
    x[:, 3] = _gap(x[:, 2], scripts)
    return x


def question_terms(question: str, translations: list[list[str]]) -> dict[str, set[str]]:
    """The question's content words, each with the forms a source may write it in: its stem, and for a question
    whose words were translated (another script), the stems of their translations, grouped per question word."""
    terms: dict[str, set[str]] = {t: {t} for t in tokens(question)}
    for i, group in enumerate(translations):
        forms = {s for w in group for s in tokens(w)}
        if forms:
            terms[f"\x00{i}"] = forms
    return terms
