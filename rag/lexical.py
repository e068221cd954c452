"""BM25 over Arabic-normalised, lightly stemmed tokens: a persistent, incremental inverted index in SQLite.

The index is a cache of the Chroma store, kept per document: `sync()` compares each document's
stamp (tokenizer version, sha256, chunk count, completeness) with the one it indexed and re-reads only the
documents that changed, so a new document costs its own chunks, not the whole store. It lives in a file
beside the store (or in memory when that is not writable).

Several processes (chat servers, `rag ask`, the eval runner) read and sync the same file at once. SQLite in
WAL mode is the concurrency control: every write is one `BEGIN IMMEDIATE` transaction (writers queue behind
the busy timeout; a document is replaced whole, so a reader sees its old or its new version, never half),
every read runs in one snapshot, and the file is never deleted or replaced under readers. A file that is
not a database at all is started again under a lock; a reader that hits it reopens and retries once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import math
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from rag.chunking import context_text
from rag.settings import Settings
from rag.text import TOKENIZER_VERSION, tokens

log = logging.getLogger(__name__)
T = TypeVar("T")

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS chunk (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, "
    "length INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chunk_source ON chunk(source)",
    "CREATE TABLE IF NOT EXISTS posting (term TEXT NOT NULL, rowid INTEGER NOT NULL, tf INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS posting_term ON posting(term)",
    "CREATE INDEX IF NOT EXISTS posting_rowid ON posting(rowid)",
    "CREATE TABLE IF NOT EXISTS doc (source TEXT PRIMARY KEY, stamp TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stats (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL, "
    "total INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO stats VALUES (1, 0, 0)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]
_BUSY_S = 30.0  # how long a writer waits for another (a document's replacement takes milliseconds)
_DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) if hasattr(sqlite3, "SQLITE_NOTADB") else (26, 11)


MAX_POSTINGS = 5000


def index_path(settings: Settings) -> Path:
    """Where the BM25 index of this store lives (one file per store location and collection)."""
    if settings.chroma_url:
        tag = hashlib.sha1(settings.chroma_url.encode()).hexdigest()[:10]
        return settings.store_dir / "lexical-cache" / f"{tag}-{settings.collection}.sqlite3"
    return settings.store_dir / f"bm25-{settings.collection}.sqlite3"


def _stamp(meta: dict[str, Any]) -> str:
    """What a document's index entries depend on: a new tokenizer re-reads every document, one at a time."""
    return f"{TOKENIZER_VERSION}:{meta.get('sha256', '')}:{meta.get('chunks', '')}:{meta.get('complete', True)}"


def _idf(df: int, n_docs: int) -> float:
    """Okapi BM25 idf of a term found in `df` of `n_docs` chunks."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is not a database or is corrupt (not merely busy or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _DAMAGED
    return "not a database" in str(exc) or "malformed" in str(exc)


def _identity(path: Path | None) -> tuple[int, int] | None:
    """A file's (device, inode): it changes when the file is deleted and made again, or replaced."""
    try:
        st = path.stat() if path is not None else None
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st is not None else None


def _start_again(path: Path) -> None:
    """Replace a damaged index file by an empty database, once, whichever process gets here first.

    Under an exclusive lock on a sidecar file, the file is checked again (another process may have done
    it already); the damaged file is then replaced by an empty one in one rename, so nobody ever opens a
    half-made file. It is only a cache: `sync()` fills it again."""
    with open(path.with_name(path.name + ".lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            probe = sqlite3.connect(str(path), timeout=_BUSY_S)
            try:
                probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return  # sound again: another process started it again first
            finally:
                probe.close()
        except sqlite3.Error as exc:
            if not _damaged(exc):
                return
            log.warning("the BM25 index %s is damaged (%s); starting it again", path, exc)
        for extra in ("-wal", "-shm"):  # the damaged file's; a new database must not replay them
            path.with_name(path.name + extra).unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(b"")  # an empty file is an empty SQLite database
        os.replace(tmp, path)


class BM25Index:
    """Okapi BM25 (k1=1.2, b=0.75); a query reads only the postings of its own terms."""

    def __init__(self, path: Path | None = None, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.path = path
        self._lock = threading.RLock()  # one connection per index, shared by the process's threads
        self._sync_lock = threading.Lock()
        self._synced = False
        self._db = self._open(path)
        self._file = _identity(self.path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    return self._connect(str(path))
                except sqlite3.DatabaseError as exc:
                    if not _damaged(exc):
                        raise
                    _start_again(path)
                    return self._connect(str(path))
            except OSError as exc:
                log.warning("BM25 index kept in memory: cannot write %s (%s)", path, exc.strerror)
            except sqlite3.Error as exc:  # read-only, locked for over _BUSY_S, or damaged again: still answer
                log.warning("BM25 index kept in memory: cannot use %s (%s)", path, exc)
        self.path = None
        return self._connect(":memory:")

    @staticmethod
    def _connect(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=_BUSY_S, check_same_thread=False, isolation_level=None)
        try:
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
                db.execute("PRAGMA synchronous=NORMAL")  # durable enough for a cache, and fast
            db.execute("BEGIN IMMEDIATE")  # several processes may create the tables at once
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("SELECT count(*) FROM chunk").fetchone()  # fails here if the file is damaged
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def _reopen(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = self._open(self.path)
            self._file = _identity(self.path)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (waits for another process's to end; rolled back on error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run reads in one snapshot; a file found damaged (another process's fault) is reopened once."""
        for attempt in (1, 2):
            try:
                with self._lock:
                    self._db.execute("BEGIN")
                    try:
                        return fn(self._db)
                    finally:
                        if self._db.in_transaction:
                            self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or self.path is None or not _damaged(exc):
                    raise
                log.warning("BM25 index %s: %s; reopening it", self.path, exc)
                self._reopen()
        raise AssertionError("unreachable")

    def __len__(self) -> int:
        return int(self._read(lambda db: db.execute("SELECT n FROM stats").fetchone()[0]))

    # --- writing -------------------------------------------------------------------------------
    def add(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Index (chunk id, source, text) triples; re-adding an id replaces it."""
        rows = [(cid, source, tokens(text)) for cid, source, text in items]
        with self._write():
            self._remove_ids([cid for cid, _, _ in rows])
            for cid, source, toks in rows:
                self._insert(cid, source, toks)

    def remove(self, ids: Iterable[str]) -> None:
        """Drop chunks by id."""
        with self._write():
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

    def _replace_source(self, source: str, chunks: list[tuple[str, str]], stamp: str | None, seen: str | None) -> bool:
        """Replace one document's entries in one transaction, unless another process changed them since this one
        read `seen` (its stamp then); return whether they were replaced."""
        rows = [(cid, tokens(text)) for cid, text in chunks]  # tokenise outside the transaction
        with self._write() as db:
            now = db.execute("SELECT stamp FROM doc WHERE source = ?", (source,)).fetchone()
            if (now[0] if now else None) != seen:
                return False
            for rowid, length in db.execute("SELECT rowid, length FROM chunk WHERE source = ?", (source,)).fetchall():
                self._drop_row(rowid, length)
            self._remove_ids([cid for cid, _ in rows])  # an id moved from another source
            for cid, toks in rows:
                self._insert(cid, source, toks)
            if stamp is None:
                db.execute("DELETE FROM doc WHERE source = ?", (source,))
            else:
                db.execute("INSERT OR REPLACE INTO doc(source, stamp) VALUES (?, ?)", (source, stamp))
        return True

    def sync(self, store: Any, generation: str | None = None) -> int:
        """Bring the index up to date with the store, document by document; return documents re-read.

        Costs one small read when the store's generation token is unchanged since the last sync. While one
        thread of a process syncs, the others search the index as it is (the previous version of the changed
        documents) instead of waiting, once it has been synced at least once."""
        if self.path is not None and _identity(self.path) != self._file:
            # deleted (a local store rebuilt: `rag ingest --rebuild`) or started again by another process
            log.info("the BM25 index %s was replaced; reopening it", self.path)
            self._reopen()
            self._synced = False
        if generation is None:
            generation = store.generation()  # read first: a write after this point shows up next time
        generation = f"{TOKENIZER_VERSION}:{generation}" if generation else ""  # a new tokenizer: a new version
        row = self._read(lambda db: db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone())
        if generation and row and row[0] == generation:
            self._synced = True
            return 0
        if not self._sync_lock.acquire(blocking=not self._synced):
            return 0
        try:
            # what the index holds, then what the store holds: a document gone from the second is really gone
            have = dict(self._read(lambda db: db.execute("SELECT source, stamp FROM doc").fetchall()))
            want = {doc: _stamp(meta) for doc, meta in store.document_meta().items()}
            changed = [d for d in want if have.get(d) != want[d]]
            done = [self._replace_source(doc, [], None, have[doc]) for doc in have if doc not in want]
            for doc in changed:
                chunks = [(c.id, context_text(c)) for c in store.chunks_of(doc)]
                done.append(self._replace_source(doc, chunks, want[doc], have.get(doc)))
            if all(done):  # else another process wrote what it read, maybe older: the next sync compares again
                with self._write() as db:
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
            self._synced = True
        finally:
            self._sync_lock.release()
        if changed:
            log.info("BM25 index: re-read %d document(s)", len(changed))
        return len(changed)

    # --- reading -------------------------------------------------------------------------------
    @staticmethod
    def _df(db: sqlite3.Connection, terms: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each term."""
        return {t: db.execute("SELECT count(*) FROM posting WHERE term = ?", (t,)).fetchone()[0] for t in terms}

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """Each word's BM25 idf (the rarest of its tokens); words the index never saw get the highest idf."""
        toks = {w: tokens(w) for w in words}
        terms = sorted({t for ts in toks.values() for t in ts})
        n_docs, df = self._read(lambda db: (int(db.execute("SELECT n FROM stats").fetchone()[0]), self._df(db, terms)))
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
        grouped = [tokens(" ".join(words)) for words in synonyms]  # tokenise outside the lock

        def run(db: sqlite3.Connection) -> list[tuple[str, float]]:
            n_docs, total = db.execute("SELECT n, total FROM stats").fetchone()
            df = {t: n for t, n in self._df(db, terms).items() if n}
            if not n_docs or not df:
                return []
            kept = {t: n for t, n in df.items() if n <= MAX_POSTINGS or n <= 0.05 * n_docs}
            if not kept:
                rarest = min(df, key=lambda t: df[t])
                kept = {rarest: df[rarest]}
            group = {t: i for i, t in enumerate(kept)}  # each term its own group, unless a synonym group claims it
            for i, toks in enumerate(grouped, start=len(kept)):
                for t in toks:
                    if t in kept and group[t] < len(kept):
                        group[t] = i
            idf = [(t, _idf(n, n_docs), group[t]) for t, n in kept.items()]
            values = ", ".join("(?, ?, ?)" for _ in idf)
            return db.execute(
                f"WITH q(term, idf, grp) AS (VALUES {values}), "
                "s AS (SELECT p.rowid AS rowid, "
                "MAX(q.idf * p.tf * (? + 1) / (p.tf + ? * (1 - ? + ? * c.length / ?))) AS v "
                "FROM q JOIN posting p ON p.term = q.term JOIN chunk c ON c.rowid = p.rowid GROUP BY p.rowid, q.grp) "
                "SELECT c.id, SUM(s.v) AS score FROM s JOIN chunk c ON c.rowid = s.rowid "
                "GROUP BY s.rowid ORDER BY score DESC, c.id LIMIT ?",
                [x for row in idf for x in row] + [self.k1, self.k1, self.b, self.b, total / n_docs or 1.0, k],
            ).fetchall()

        return [(cid, float(score)) for cid, score in self._read(run) if score > 0]
