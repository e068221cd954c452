"""BM25 over Arabic-normalised, lightly stemmed tokens: a persistent, incremental inverted index in SQLite.

The index is a cache of the Chroma store, kept per document: `sync()` compares each document's
stamp (sha256, chunk count, completeness) with the one it indexed and re-reads only the documents
that changed, so a new document costs its own chunks, not the whole store. It lives in a file beside
the store (or in memory when that is not writable); a damaged file is simply rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rag.chunking import context_text
from rag.settings import Settings
from rag.text import TOKENIZER_VERSION, tokens

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunk (
  rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, length INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunk_source ON chunk(source);
CREATE TABLE IF NOT EXISTS posting (term TEXT NOT NULL, rowid INTEGER NOT NULL, tf INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS posting_term ON posting(term);
CREATE INDEX IF NOT EXISTS posting_rowid ON posting(rowid);
CREATE TABLE IF NOT EXISTS doc (source TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stats (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL, total INTEGER NOT NULL);
INSERT OR IGNORE INTO stats VALUES (1, 0, 0);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


MAX_POSTINGS = 5000


def index_path(settings: Settings) -> Path:
    """Where the BM25 index of this store lives (one file per store location and collection)."""
    if settings.chroma_url:
        tag = hashlib.sha1(settings.chroma_url.encode()).hexdigest()[:10]
        return settings.store_dir / "lexical-cache" / f"{tag}-{settings.collection}.sqlite3"
    return settings.store_dir / f"bm25-{settings.collection}.sqlite3"


def _stamp(meta: dict[str, Any]) -> str:
    return f"{meta.get('sha256', '')}:{meta.get('chunks', '')}:{meta.get('complete', True)}"


def _idf(df: int, n_docs: int) -> float:
    """Okapi BM25 idf of a term found in `df` of `n_docs` chunks."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


class BM25Index:
    """Okapi BM25 (k1=1.2, b=0.75); a query reads only the postings of its own terms."""

    def __init__(self, path: Path | None = None, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.path = path
        self._lock = threading.Lock()
        self._db = self._open(path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                return self._connect(str(path))
            except sqlite3.DatabaseError as exc:  # damaged file: it is only a cache
                log.warning("rebuilding the BM25 index %s (%s)", path, exc)
                with contextlib.suppress(OSError):
                    path.unlink()
                with contextlib.suppress(sqlite3.Error, OSError):
                    return self._connect(str(path))
            except OSError as exc:
                log.warning("BM25 index kept in memory: cannot write %s (%s)", path, exc.strerror)
        self.path = None
        return self._connect(":memory:")

    @staticmethod
    def _connect(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=30, check_same_thread=False, isolation_level=None)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM chunk").fetchone()  # fails here if the file is damaged
        row = db.execute("SELECT value FROM meta WHERE key = 'tokenizer'").fetchone()
        if row is None or row[0] != TOKENIZER_VERSION:  # built with other tokens: start again
            db.executescript("DELETE FROM posting; DELETE FROM chunk; DELETE FROM doc; DELETE FROM meta;")
            db.execute("UPDATE stats SET n = 0, total = 0")
            db.execute("INSERT INTO meta VALUES ('tokenizer', ?)", (TOKENIZER_VERSION,))
        return db

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT n FROM stats").fetchone()[0])

    # --- writing -------------------------------------------------------------------------------
    def add(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Index (chunk id, source, text) triples; re-adding an id replaces it."""
        rows = [(cid, source, tokens(text)) for cid, source, text in items]
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._remove_ids([cid for cid, _, _ in rows])
            for cid, source, toks in rows:
                self._insert(cid, source, toks)

    def remove(self, ids: Iterable[str]) -> None:
        """Drop chunks by id."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._remove_ids(list(ids))

    def _insert(self, cid: str, source: str, toks: list[str]) -> None:
        sql = "INSERT INTO chunk(id, source, length) VALUES (?, ?, ?)"
        rowid = self._db.execute(sql, (cid, source, len(toks))).lastrowid
        self._db.execute("UPDATE stats SET n = n + 1, total = total + ?", (len(toks),))
        self._db.executemany(
            "INSERT INTO posting(term, rowid, tf) VALUES (?, ?, ?)", [(t, rowid, n) for t, n in Counter(toks).items()]
        )

    def _remove_ids(self, ids: list[str]) -> None:
        for cid in ids:
            row = self._db.execute("SELECT rowid, length FROM chunk WHERE id = ?", (cid,)).fetchone()
            if row:
                self._drop_row(*row)

    def _drop_row(self, rowid: int, length: int) -> None:
        self._db.execute("DELETE FROM posting WHERE rowid = ?", (rowid,))
        self._db.execute("DELETE FROM chunk WHERE rowid = ?", (rowid,))
        self._db.execute("UPDATE stats SET n = n - 1, total = total - ?", (length,))

    def _replace_source(self, source: str, chunks: list[tuple[str, str]], stamp: str | None) -> None:
        rows = [(cid, tokens(text)) for cid, text in chunks]  # tokenise outside the lock
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for rowid, length in self._db.execute(
                "SELECT rowid, length FROM chunk WHERE source = ?", (source,)
            ).fetchall():
                self._drop_row(rowid, length)
            self._remove_ids([cid for cid, _ in rows])  # an id moved from another source
            for cid, toks in rows:
                self._insert(cid, source, toks)
            if stamp is None:
                self._db.execute("DELETE FROM doc WHERE source = ?", (source,))
            else:
                self._db.execute("INSERT OR REPLACE INTO doc(source, stamp) VALUES (?, ?)", (source, stamp))

    def sync(self, store: Any, generation: str | None = None) -> int:
        """Bring the index up to date with the store, document by document; return documents re-read.

        Costs one small read when the store's generation token is unchanged since the last sync."""
        if generation is None:
            generation = store.generation()  # read first: a write after this point shows up next time
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if generation and row and row[0] == generation:
            return 0
        want = {doc: _stamp(meta) for doc, meta in store.document_meta().items()}
        with self._lock:
            have = dict(self._db.execute("SELECT source, stamp FROM doc").fetchall())
        changed = [d for d in want if have.get(d) != want[d]]
        for doc in [d for d in have if d not in want]:
            self._replace_source(doc, [], None)
        for doc in changed:
            self._replace_source(doc, [(c.id, context_text(c)) for c in store.chunks_of(doc)], want[doc])
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
        if changed:
            log.info("BM25 index: re-read %d document(s)", len(changed))
        return len(changed)

    # --- reading -------------------------------------------------------------------------------
    def _df(self, terms: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each term (call with the lock held)."""
        return {t: self._db.execute("SELECT count(*) FROM posting WHERE term = ?", (t,)).fetchone()[0] for t in terms}

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """Each word's BM25 idf (the rarest of its tokens); words the index never saw get the highest idf."""
        toks = {w: tokens(w) for w in words}
        with self._lock:
            n_docs = int(self._db.execute("SELECT n FROM stats").fetchone()[0])
            df = self._df(sorted({t for ts in toks.values() for t in ts}))
        return {w: max((_idf(df[t], n_docs) for t in ts), default=_idf(0, n_docs)) for w, ts in toks.items()}

    def search(
        self, query: str, k: int, *, only: set[str] | None = None, synonyms: Sequence[Sequence[str]] = ()
    ) -> list[tuple[str, float]]:
        """Top-k chunk ids with their BM25 scores (higher is better); `only` restricts the query terms.

        `synonyms` groups words that stand for one word of the question (its translations, rag.bridge): a chunk
        scores the best of each group once, so one holding two translations of "chairmanship" ("رئاسة", "رئيس")
        does not count as matching two words of the question.

        Scoring runs inside SQLite over the postings of the query's terms only. In a large store, terms
        found in more than MAX_POSTINGS chunks (and over 5% of them) are skipped: they add little to
        BM25 and would make the query linear in the store's size (the rarest term is always kept).
        """
        terms = sorted({t for t in tokens(query) if only is None or t in only})
        if not terms:
            return []
        with self._lock:
            n_docs, total = self._db.execute("SELECT n, total FROM stats").fetchone()
            df = {t: n for t, n in self._df(terms).items() if n}
            if not n_docs or not df:
                return []
            kept = {t: n for t, n in df.items() if n <= MAX_POSTINGS or n <= 0.05 * n_docs}
            if not kept:
                rarest = min(df, key=lambda t: df[t])
                kept = {rarest: df[rarest]}
            group = {t: i for i, t in enumerate(kept)}  # each term its own group, unless a synonym group claims it
            for i, words in enumerate(synonyms, start=len(kept)):
                for t in tokens(" ".join(words)):
                    if t in kept and group[t] < len(kept):
                        group[t] = i
            idf = [(t, _idf(n, n_docs), group[t]) for t, n in kept.items()]
            values = ", ".join("(?, ?, ?)" for _ in idf)
            rows = self._db.execute(
                f"WITH q(term, idf, grp) AS (VALUES {values}), "
                "s AS (SELECT p.rowid AS rowid, "
                "MAX(q.idf * p.tf * (? + 1) / (p.tf + ? * (1 - ? + ? * c.length / ?))) AS v "
                "FROM q JOIN posting p ON p.term = q.term JOIN chunk c ON c.rowid = p.rowid GROUP BY p.rowid, q.grp) "
                "SELECT c.id, SUM(s.v) AS score FROM s JOIN chunk c ON c.rowid = s.rowid "
                "GROUP BY s.rowid ORDER BY score DESC, c.id LIMIT ?",
                [x for row in idf for x in row] + [self.k1, self.k1, self.b, self.b, total / n_docs or 1.0, k],
            ).fetchall()
        return [(cid, float(score)) for cid, score in rows if score > 0]
