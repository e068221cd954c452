"""The Chroma store: sentence chunks with vectors, plus one record per source document.

Embedded (`PersistentClient` on `store_dir`) by default, or a `chroma run` server when
`RAG_CHROMA_URL` is set; both look the same to the rest of the package.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from rag.errors import StoreError
from rag.schema import Chunk, Document
from rag.settings import Settings

if TYPE_CHECKING:
    import numpy as np

_CLIENTS: dict[str, Any] = {}  # one client per path/url per process (a Chroma requirement)
_OWN_WRITES: set[str] = set()  # generation tokens written by this process (its own view is current)
_REOPEN_LOCK = threading.Lock()
log = logging.getLogger(__name__)
_DOC_META = ("title", "outlet", "author", "language", "path", "sha256")
_PAGE = 5000  # rows per get() page, below Chroma's batch limits
_UNSEARCHED = {"space": "cosine", "ef_construction": 16, "max_neighbors": 4}  # an index nothing queries
_DOC_CACHE_LIMIT = 256  # documents whose text a process keeps (the oldest fetched goes first)


T = TypeVar("T")


def _client(settings: Settings) -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        key = settings.chroma_url
        if key not in _CLIENTS:
            url = urlparse(settings.chroma_url)
            if not url.hostname:
                raise StoreError(f"RAG_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
            try:
                _CLIENTS[key] = chromadb.HttpClient(
                    host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings
                )
                _CLIENTS[key].heartbeat()
            except Exception as exc:
                _CLIENTS.pop(key, None)
                raise StoreError(
                    f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); start it with "
                    "`chroma run --path DIR --port N` or unset RAG_CHROMA_URL to use the local store",
                    ar=_UNREACHABLE_AR.format(url=settings.chroma_url),
                ) from exc
        return _CLIENTS[key]
    path = settings.store_dir.resolve()
    key = str(path)
    if key not in _CLIENTS:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store folder {path} ({exc.strerror}); set RAG_STORE_DIR to a writable folder"
            ) from exc
        if not os.access(path, os.W_OK):
            raise _read_only(path, "the folder is not writable")
        try:
            _CLIENTS[key] = chromadb.PersistentClient(path=key, settings=chroma_settings)
        except Exception as exc:
            if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
                raise _read_only(path, str(exc)) from exc
            raise StoreError(
                f"the store at {path} cannot be opened ({type(exc).__name__}: {exc}); it may be corrupted — "
                "rebuild it with `rag ingest --rebuild`"
            ) from exc
    return _CLIENTS[key]


def _word_id(word: str, folded: bool = False) -> str:
    return hashlib.sha1(word.encode()).hexdigest()[:20] + (":folded" if folded else "")


_UNREACHABLE_AR = "مخزن الوثائق على {url} لا يستجيب الآن؛ حاول مرة أخرى بعد قليل."


def _read_only(path: Path, why: str) -> StoreError:
    return StoreError(
        f"the store at {path} is read-only ({why}); Chroma needs write access even to answer: make it writable, "
        "copy it to a writable folder and set RAG_STORE_DIR there, or serve it with `chroma run` and set "
        "RAG_CHROMA_URL",
        ar=f"مخزن الوثائق في {path} للقراءة فقط، ولا بد من الكتابة فيه حتى للإجابة؛ "
        "اجعله قابلًا للكتابة ثم حاول مرة أخرى.",
    )


def forget_clients() -> None:
    """Drop cached clients, ours and chromadb's per-path systems (tests and `--rebuild` use this)."""
    _CLIENTS.clear()
    with contextlib.suppress(Exception):
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()


def _pages(meta: dict[str, Any]) -> list[int]:
    """A document's page starts, stored as "0,1830,3512" (Chroma metadata holds no lists)."""
    return [int(p) for p in str(meta.get("pages") or "").split(",") if p]


def _paged(collection: Any, **query: Any) -> Iterator[dict[str, Any]]:
    """A Chroma `get` read page by page (_PAGE rows at a time, below its batch limits)."""
    offset = 0
    while True:
        res = collection.get(limit=_PAGE, offset=offset, **query)
        yield res
        offset += len(res["ids"])
        if len(res["ids"]) < _PAGE:
            return


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    return {
        "source": c.source,
        "start": c.start,
        "end": c.end,
        "paragraph": c.paragraph,
        "para_start": c.para_start,
        "para_end": c.para_end,
        "section": c.section,
    }


def _chunk(cid: str, text: str, m: dict[str, Any]) -> Chunk:
    return Chunk(
        id=cid,
        text=text,
        source=str(m["source"]),
        start=int(m["start"]),
        end=int(m["end"]),
        paragraph=int(m["paragraph"]),
        para_start=int(m["para_start"]),
        para_end=int(m["para_end"]),
        section=str(m.get("section") or ""),
    )


class Store:
    """Chunks and documents in Chroma, with our own embeddings always (never Chroma's default)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.location = settings.chroma_url or str(settings.store_dir.resolve())
        self._open()
        self._seen = self.generation()

    def _open(self) -> None:
        settings = self.settings
        self._client = _client(settings)
        try:
            self.chunks = self._client.get_or_create_collection(
                settings.collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            self.docs = self._client.get_or_create_collection(
                settings.collection + "_documents", embedding_function=None
            )
            # Vectors of the second (USE) encoder, same ids as `chunks`.
            self.second = self._client.get_or_create_collection(
                settings.collection + "_use", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            # Every distinct word of the documents with its USE vector (the cross-lingual bridge). Its nearest
            # words are found exactly, in memory (`nearest_words`), never through Chroma's index, so a new store
            # builds that index cheaply: writing 4,590 words 2.8 -> 1.9 s (a store made before keeps its index).
            self.vocab = self._client.get_or_create_collection(
                settings.collection + "_vocab", configuration={"hnsw": _UNSEARCHED}, embedding_function=None
            )
            # One record whose token changes on every document write: a cheap "has anything changed?".
            self.meta = self._client.get_or_create_collection(settings.collection + "_meta", embedding_function=None)
        except Exception as exc:
            raise StoreError(
                f"the store at {self.location} cannot be read ({type(exc).__name__}: {exc}); "
                "rebuild it with `rag ingest --rebuild`"
            ) from exc
        self._doc_cache: dict[str, Document] = {}
        self._facts: dict[str, Any] = {}
        self._facts_generation: str | None = None
        self._file = self._database_file()

    def _database_file(self) -> tuple[int, int] | None:
        """The identity (device, inode) of a local store's database file; None when it is not there."""
        if self.settings.chroma_url:
            return None
        try:
            st = (Path(self.location) / "chroma.sqlite3").stat()
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def unavailable(self) -> StoreError | None:
        """Why the store cannot be used right now (a server not answering, a folder gone or read-only), or None.

        `answer()` asks this when something failed unexpectedly, to tell a store that went away from a bug."""
        if self.settings.chroma_url:
            try:
                self._client.heartbeat()
                return None
            except Exception:
                return StoreError(
                    f"the document store at {self.location} is not reachable; try again in a moment "
                    "(if it stays down, restart `chroma run`)",
                    ar=_UNREACHABLE_AR.format(url=self.location),
                )
        path = Path(self.location)
        if self._database_file() is None:
            return StoreError(
                f"the document store at {path} is gone (its folder was removed or moved); put it back, or run "
                "`rag ingest` to build it again",
                ar=f"مخزن الوثائق في {path} لم يعد موجودًا (حُذف مجلده أو نُقل)؛ أعده، أو ابنه من جديد بالأمر rag ingest.",
            )
        if not os.access(path, os.W_OK):
            return _read_only(path, "it became read-only while in use")
        return None

    def written_elsewhere(self) -> bool:
        """Whether another process is writing to this local store right now (it holds the ingestion lock), or
        wrote to it since this process last looked: an embedded Chroma read at that moment can fail ("Error
        finding id": its in-memory vector index behind the other process's rows)."""
        if self.settings.chroma_url:
            return False  # a server orders its own reads and writes
        if self.generation() != self._seen:
            return True
        import fcntl

        try:
            with open(Path(self.location) / ".ingest.lock", "a+") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return False

    def reload(self) -> None:
        """Open the local store afresh: what other processes wrote becomes visible."""
        with _REOPEN_LOCK:
            forget_clients()
            self._open()
            self._seen = self.generation()

    def refresh(self) -> str:
        """The store's generation token; first reopens a local store that another process wrote to.

        An embedded Chroma keeps its vector index in memory and does not see other processes'
        writes; reopening loads them. (A Chroma server is shared by design: nothing to do.) A local
        store whose folder is gone is an error (Chroma would go on reading the deleted files); one whose
        database file was replaced (rebuilt by another process) is reopened.
        """
        if not self.settings.chroma_url:
            now = self._database_file()
            if now is None:
                raise self.unavailable() or StoreError(f"the document store at {self.location} is gone")
            if now != self._file:
                with _REOPEN_LOCK:
                    if now != self._file:
                        log.info("the store at %s was replaced by another process; reopening it", self.location)
                        forget_clients()
                        self._open()
        generation = self.generation()
        if generation != self._seen and generation not in _OWN_WRITES and not self.settings.chroma_url:
            with _REOPEN_LOCK:
                if generation != self._seen:
                    log.info("the store at %s changed in another process; reloading it", self.location)
                    forget_clients()
                    self._open()
                    self._seen = generation
        self._seen = generation
        return generation

    # --- documents -------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        """All stored documents with their full text."""
        res = self.docs.get(include=["documents", "metadatas"])
        out = []
        for did, text, meta in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=False):
            meta = meta or {}
            out.append(
                Document(id=did, text=text or "", pages=_pages(meta), **{k: str(meta.get(k, "")) for k in _DOC_META})
            )
        return sorted(out, key=lambda d: d.id)

    def document(self, doc_id: str) -> Document | None:
        """One stored document by id (cached, the last _DOC_CACHE_LIMIT fetched: a document's text never changes
        under the same id without `put_document`, which drops it from the cache)."""
        cached = self._doc_cache.get(doc_id)
        if cached is not None:
            return cached
        res = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not res["ids"]:
            return None
        meta = (res["metadatas"] or [{}])[0] or {}
        doc = Document(
            id=doc_id,
            text=(res["documents"] or [""])[0] or "",
            pages=_pages(meta),
            **{k: str(meta.get(k, "")) for k in _DOC_META},
        )
        while len(self._doc_cache) >= _DOC_CACHE_LIMIT:
            with contextlib.suppress(StopIteration, RuntimeError, KeyError):  # another thread got there first
                del self._doc_cache[next(iter(self._doc_cache))]
        self._doc_cache[doc_id] = doc
        return doc

    def document_meta(self) -> dict[str, dict[str, Any]]:
        """Metadata of every document (no text), keyed by id."""
        res = self.docs.get(include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(res["ids"], res["metadatas"] or [], strict=False)}

    def put_document(self, doc: Document, *, n_chunks: int, complete: bool) -> None:
        """Insert or replace a document record; `complete=False` marks an ingestion in progress."""
        self.put_documents([(doc, n_chunks)], complete=complete)

    def put_documents(
        self, records: Sequence[tuple[Document, int]], *, complete: bool, vocab: str | None = None
    ) -> None:
        """`put_document` for several (document, number of chunks) in one write; `vocab`, the vocabulary version
        their words are stored under (`mark_vocabulary`)."""
        metas: list[dict[str, Any]] = []
        for doc, n_chunks in records:
            meta: dict[str, Any] = {k: getattr(doc, k) or "" for k in _DOC_META}
            meta.update(chunks=n_chunks, complete=complete)
            if doc.pages:
                meta["pages"] = ",".join(map(str, doc.pages))
            if vocab is not None:
                meta["vocab"] = vocab
            metas.append(meta)
            self._doc_cache.pop(doc.id, None)
        for i in range(0, len(records), _PAGE):
            part = records[i : i + _PAGE]
            self.docs.upsert(
                ids=[d.id for d, _ in part],
                documents=[d.text for d, _ in part],
                metadatas=metas[i : i + _PAGE],
                embeddings=[[1.0]] * len(part),
            )
        self._bump()

    def delete_document(self, doc_id: str) -> int:
        """Remove a document and its chunks; return the number of chunks removed."""
        ids = self.chunk_ids(doc_id)
        self.delete_chunks(ids)
        self.docs.delete(ids=[doc_id])
        self._doc_cache.pop(doc_id, None)
        self._bump()
        return len(ids)

    # --- vocabulary (rag.bridge) -----------------------------------------------------------------
    def missing_words(self, words: Sequence[str]) -> list[str]:
        """The words not yet in the vocabulary."""
        have: set[str] = set()
        for i in range(0, len(words), _PAGE):
            part = [_word_id(w) for w in words[i : i + _PAGE]]
            have.update(self.vocab.get(ids=part, include=[])["ids"])
        return [w for w in words if _word_id(w) not in have]

    def add_words(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        scripts: Sequence[str],
        hubs: Sequence[float],
        *,
        folded: bool | Sequence[bool] = False,
    ) -> None:
        """Add words with their vectors and hubness (rag.bridge; upsert: safe to repeat). A word has its written
        spelling's vector and, where normalising changes it, a second (`folded`) one of the normalised form;
        `nearest_words` finds the word by the closer of the two, `word_vectors` returns the first. `folded`: one
        flag for all the words, or one per word."""
        flags = [folded] * len(words) if isinstance(folded, bool) else list(folded)
        for i in range(0, len(words), _PAGE):
            self.vocab.upsert(
                ids=[_word_id(w, f) for w, f in zip(words[i : i + _PAGE], flags[i : i + _PAGE], strict=True)],
                documents=list(words[i : i + _PAGE]),
                metadatas=[
                    {"script": s, "hub": float(h)}
                    for s, h in zip(scripts[i : i + _PAGE], hubs[i : i + _PAGE], strict=True)
                ],
                embeddings=vectors[i : i + _PAGE],
            )

    def word_vectors(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of vocabulary words (words not in the vocabulary are left out)."""
        import numpy as np

        out: dict[str, np.ndarray] = {}
        for i in range(0, len(words), _PAGE):
            res = self.vocab.get(ids=[_word_id(w) for w in words[i : i + _PAGE]], include=["documents", "embeddings"])
            embs = res["embeddings"] if res["embeddings"] is not None else []
            for w, e in zip(res["documents"] or [], embs, strict=False):
                if w:
                    out[w] = np.asarray(e, dtype=np.float32)
        return out

    def per_generation(self, key: str, compute: Callable[[], T]) -> T:
        """A fact about the store, computed once per store generation (the cache empties when it changes)."""
        if self._facts_generation != self._seen:
            self._facts, self._facts_generation = {}, self._seen
        if key not in self._facts:
            self._facts[key] = compute()
        return self._facts[key]

    def has_words(self, script: str, at_least: int = 1) -> bool:
        """Whether the vocabulary holds that many words of this script (cached per store generation)."""
        return self.per_generation(
            f"words:{script}:{at_least}",
            lambda: len(self.vocab.get(where={"script": script}, limit=at_least, include=[])["ids"]) >= at_least,
        )

    def has_language(self, language: str) -> bool:
        """Whether any stored document is written in this language (cached per store generation)."""
        return self.per_generation(
            f"language:{language}",
            lambda: any(m.get("language") == language for m in self.document_meta().values()),
        )

    def vocabulary(self, script: str) -> list[str]:
        """Every vocabulary word of one script (paged; the bridge caches what it builds from it)."""
        out = [
            w or ""
            for res in _paged(self.vocab, where={"script": script}, include=["documents"])
            for w in res["documents"] or []
        ]
        return list(dict.fromkeys(out))  # a word with a folded vector is listed once

    def nearest_words(self, vectors: np.ndarray, k: int, script: str) -> list[list[tuple[str, float, float]]]:
        """For each vector, the k nearest vocabulary words of one script: (word, cosine similarity, the word's
        hubness). A word with two vectors counts once, by the closer. Exact: one product with the script's word
        matrix (read once per store generation); Chroma's filtered HNSW took 20-40 ms a query and missed true
        neighbours for 1 word in 20."""
        import numpy as np

        if not self.has_words(script):
            return []
        words, hubs, matrix = self.per_generation(f"vocab-matrix:{script}", lambda: self._vocab_matrix(script))
        if not words:
            return []
        q = np.asarray(vectors, dtype=np.float32)
        sims = (q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)) @ matrix.T
        n = min(2 * k, len(words))
        out = []
        for row in sims:
            top = np.argpartition(-row, n - 1)[:n] if n < len(words) else np.arange(len(words))
            best: dict[str, tuple[str, float, float]] = {}
            for i in top[np.argsort(-row[top], kind="stable")]:  # closest first
                best.setdefault(words[i], (words[i], float(row[i]), hubs[i]))
            out.append(list(best.values())[:k])
        return out

    def _vocab_matrix(self, script: str) -> tuple[list[str], list[float], np.ndarray]:
        """The vocabulary of one script: its words, their hubness and their unit vectors (rows)."""
        import numpy as np

        words: list[str] = []
        hubs: list[float] = []
        vecs: list[Any] = []
        for res in _paged(self.vocab, where={"script": script}, include=["documents", "metadatas", "embeddings"]):
            words += [w or "" for w in res["documents"] or []]
            hubs += [float((m or {}).get("hub", 0.0)) for m in res["metadatas"] or []]
            vecs += list(res["embeddings"] if res["embeddings"] is not None else [])
        matrix = np.asarray(vecs, dtype=np.float32).reshape(len(words), -1)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return words, hubs, matrix

    def mark_vocabulary(self, doc_id: str, version: str) -> None:
        """Record that a document's words are in the vocabulary."""
        meta = self.document_meta_of(doc_id)
        if meta is not None:
            self.docs.update(ids=[doc_id], metadatas=[{**meta, "vocab": version}])
            self._bump()

    def document_meta_of(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata of one document, or None."""
        res = self.docs.get(ids=[doc_id], include=["metadatas"])
        return dict((res["metadatas"] or [{}])[0] or {}) if res["ids"] else None

    def generation(self) -> str:
        """A token that changes whenever a document is written or deleted (by any process)."""
        res = self.meta.get(ids=["generation"], include=["documents"])
        return (res["documents"] or [""])[0] or "" if res["ids"] else ""

    def _bump(self) -> None:
        token = uuid.uuid4().hex
        _OWN_WRITES.add(token)
        self.meta.upsert(ids=["generation"], documents=[token], embeddings=[[1.0]])

    # --- chunks ----------------------------------------------------------------------------
    def count(self) -> int:
        """Number of chunks."""
        return int(self.chunks.count())

    def chunk_ids(self, source: str) -> set[str]:
        """Ids of the chunks stored for one document."""
        return set(self.chunks.get(where={"source": source}, include=[])["ids"])

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, second: np.ndarray | None = None) -> None:
        """Upsert chunks with their vectors (upsert: a re-run after a crash never duplicates).

        The second-encoder vectors go in first, so a chunk visible in `chunks` always has them.
        """
        for i in range(0, len(chunks), _PAGE):
            part = chunks[i : i + _PAGE]
            ids = [c.id for c in part]
            if second is not None:
                self.second.upsert(
                    ids=ids, embeddings=second[i : i + _PAGE], metadatas=[{"source": c.source} for c in part]
                )
            self.chunks.upsert(
                ids=ids,
                documents=[c.text for c in part],
                metadatas=[_chunk_meta(c) for c in part],
                embeddings=vectors[i : i + _PAGE],
            )

    def delete_chunks(self, ids: Iterable[str]) -> None:
        """Delete chunks by id."""
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            self.chunks.delete(ids=ids[i : i + _PAGE])
            self.second.delete(ids=ids[i : i + _PAGE])

    def chunks_of(self, source: str) -> list[Chunk]:
        """Every chunk of one document (paged)."""
        return [
            _chunk(i, t or "", m or {})
            for res in _paged(self.chunks, where={"source": source}, include=["documents", "metadatas"])
            for i, t, m in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=False)
        ]

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        res = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        found = {
            i: _chunk(i, t or "", m or {})
            for i, t, m in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=False)
        }
        return [found[i] for i in ids if i in found]

    def search(
        self, vector: Sequence[float], k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1 - cosine distance), of the given documents only if named."""
        n = self.count()
        if n == 0 or (sources is not None and not sources):
            return []
        res = self.chunks.query(
            query_embeddings=[[float(x) for x in vector]],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        return [
            (_chunk(i, t or "", m or {}), 1.0 - float(d))
            for i, t, m, d in zip(
                res["ids"][0],
                (res["documents"] or [[]])[0],
                (res["metadatas"] or [[]])[0],
                (res["distances"] or [[]])[0],
                strict=False,
            )
        ]

    def search_second(
        self, vector: Sequence[float], k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids by the second encoder's cosine similarity, of the given documents only if named."""
        n = int(self.second.count())
        if n == 0 or (sources is not None and not sources):
            return []
        res = self.second.query(
            query_embeddings=[[float(x) for x in vector]],
            n_results=min(k, n),
            include=["distances"],
            where={"source": {"$in": list(sources)}} if sources is not None else None,
        )
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], (res["distances"] or [[]])[0], strict=False)]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored e5 vectors of the given chunks."""
        import numpy as np

        if not ids:
            return {}
        res = self.chunks.get(ids=list(ids), include=["embeddings"])
        embs = res["embeddings"] if res["embeddings"] is not None else []
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(res["ids"], embs, strict=False)}

    def matrix(self, second: bool = False) -> tuple[list[str], list[str], np.ndarray]:
        """Every chunk's id, document and vector (e5, or the second encoder's), read once per store generation:
        exact scores for any candidate, and searches within one language, cost a product in memory."""

        def compute() -> tuple[list[str], list[str], np.ndarray]:
            import numpy as np

            collection = self.second if second else self.chunks
            ids: list[str] = []
            sources: list[str] = []
            vecs: list[Any] = []
            for res in _paged(collection, include=["embeddings", "metadatas"]):
                ids += res["ids"]
                sources += [str((m or {}).get("source", "")) for m in res["metadatas"] or []]
                vecs += list(res["embeddings"] if res["embeddings"] is not None else [])
            return ids, sources, np.asarray(vecs, dtype=np.float32).reshape(len(ids), -1)

        return self.per_generation(f"matrix:{second}", compute)

    def centroids(self) -> dict[str, np.ndarray]:
        """Each document's mean e5 sentence vector, normalised (what the document is about; per generation)."""

        def compute() -> dict[str, np.ndarray]:
            import numpy as np

            _, sources, m = self.matrix()
            out = {}
            for doc in set(sources):
                mean = m[[i for i, s in enumerate(sources) if s == doc]].mean(axis=0)
                out[doc] = mean / (np.linalg.norm(mean) + 1e-9)
            return out

        return self.per_generation("centroids", compute)

    def sources_in(self, language: str) -> list[str]:
        """Ids of the stored documents written in this language (cached per store generation)."""
        return self.per_generation(
            f"sources:{language}",
            lambda: sorted(i for i, m in self.document_meta().items() if m.get("language") == language),
        )

    def as_vectorstore(self, embeddings: Any) -> Any:
        """The same collection as a LangChain `Chroma` vector store."""
        from langchain_chroma import Chroma

        return Chroma(client=self._client, collection_name=self.settings.collection, embedding_function=embeddings)


def reset_store(settings: Settings) -> None:
    """Delete every collection of this store (used by `rag ingest --rebuild`)."""
    import shutil

    if settings.chroma_url:
        client = _client(settings)
        for name in (
            settings.collection,
            *(settings.collection + x for x in ("_documents", "_use", "_meta", "_vocab")),
        ):
            with contextlib.suppress(Exception):
                client.delete_collection(name)
        return
    forget_clients()
    path = settings.store_dir.resolve()
    if path.is_dir():
        for child in path.iterdir():
            if child.name in (".ingest.lock", ".gitkeep"):
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
