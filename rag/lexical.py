"""BM25 over Arabic-normalised, lightly stemmed tokens; an in-memory inverted index."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from rag.text import tokens


class BM25Index:
    """Okapi BM25 with an inverted index: a query touches only the postings of its own terms."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.lengths: dict[str, int] = {}
        self._total = 0

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, chunk_id: str, text: str) -> None:
        """Index one chunk (re-adding the same id replaces it)."""
        if chunk_id in self.lengths:
            self.remove(chunk_id)
        toks = tokens(text)
        self.lengths[chunk_id] = len(toks)
        self._total += len(toks)
        for t, n in Counter(toks).items():
            self.postings[t][chunk_id] = n

    def remove(self, chunk_id: str) -> None:
        """Drop one chunk from the index."""
        n = self.lengths.pop(chunk_id, None)
        if n is None:
            return
        self._total -= n
        for t in list(self.postings):
            self.postings[t].pop(chunk_id, None)

    def search(self, query: str, k: int, *, only: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k chunk ids with positive scores; `only` restricts the query terms used."""
        n_docs = len(self.lengths)
        if not n_docs:
            return []
        avg = self._total / n_docs or 1.0
        scores: dict[str, float] = defaultdict(float)
        for t in set(tokens(query)):
            if only is not None and t not in only:
                continue
            post = self.postings.get(t)
            if not post:
                continue
            idf = math.log(1 + (n_docs - len(post) + 0.5) / (len(post) + 0.5))
            for cid, tf in post.items():
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[cid] / avg)
                scores[cid] += idf * tf * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return [(c, s) for c, s in ranked[:k] if s > 0]
