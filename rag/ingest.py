"""Ingest documents: load, chunk, embed only what is new, store; idempotent and crash-safe."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from rag.bridge import VOCAB_VERSION, add_words
from rag.chunking import context_text, split_document
from rag.errors import DocumentError, StoreError
from rag.loaders import default_document, expand_paths, load_file
from rag.schema import Chunk, Document, IngestReport
from rag.settings import Settings

log = logging.getLogger(__name__)

ProgressFactory = Callable[[int, str], Callable[[int], None]]


@contextlib.contextmanager
def ingest_lock(settings: Settings, timeout: float = 60.0) -> Iterator[None]:
    """Serialise writers on one local store (a Chroma server serialises its own writes)."""
    if settings.chroma_url:
        yield
        return
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.store_dir / ".ingest.lock", "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"another ingestion holds the store at {settings.store_dir} for over {timeout:.0f} s; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def lower_priority(niceness: int) -> None:
    """Run this process at a lower CPU priority (`rag ingest` beside a serving chat, RAG_INGEST_NICE): called
    before the models load, so torch's threads, started later, inherit it. With 16 clients asking a chat on the
    same 2 cores, the chat's p95 during an ingestion was 1.54 s at niceness 10 against 2.30-2.51 s at 0, the
    ingestion itself as fast (bench.load --ingest-nice)."""
    if niceness > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)


def load_documents(paths: list[Path] | None, settings: Settings) -> tuple[list[Document], list[str]]:
    """Documents to ingest and a one-line reason for each file that cannot be used."""
    if not paths:
        return [default_document()], []
    docs: list[Document] = []
    skipped: list[str] = []
    for p in paths:
        if not Path(p).exists():
            skipped.append(f"{p}: no such file or folder; check the path")
            continue
        files = expand_paths([Path(p)])
        if Path(p).is_dir() and not files:
            skipped.append(f"{p}: the folder holds no .txt, .md, .pdf, .docx or .html files")
        for f in files:
            try:
                docs.append(load_file(f, max_bytes=settings.max_document_bytes))
            except DocumentError as exc:
                skipped.append(str(exc))
    return docs, skipped


GROUP_CHUNKS = 1024  # new sentences embedded together (across documents): long batches pad less


def _groups(plans: list) -> Iterator[list]:
    """Consecutive documents whose new chunks add up to about GROUP_CHUNKS (bounded memory)."""
    group: list = []
    size = 0
    for plan in plans:
        group.append(plan)
        size += len(plan[2])
        if size >= GROUP_CHUNKS:
            yield group
            group, size = [], 0
    if group:
        yield group


def _encode(texts: list[str], embeddings, advance) -> Any:
    """e5 vectors of the new sentences, by the store's model (sentence-transformers)."""
    if not texts:
        return None
    store_model = getattr(embeddings, "for_store", None)  # the store is built by sentence-transformers
    return (store_model() if store_model else embeddings).encode(texts, query=False, progress=advance)


def _second_pass(store, second, texts: list[str], doc_texts: list[str]) -> Any:
    """The second encoder's vectors of the new sentences, and the documents' new words into the vocabulary."""
    extra = second.encode(texts) if texts else None
    add_words(store, doc_texts, second)
    return extra


def _when_idle(work: Callable[..., Any], *args: Any) -> Future:
    """Run `work(*args)` in a thread at the lowest CPU priority, beside the e5 encoding. e5's two torch threads keep
    about 1.7 of the 2 cores busy (tokenising, single-threaded steps); the thread gets the rest without slowing
    them, where at normal priority it would take their cores (ingestion vs raw encode, 18 documents: 0.70x
    in sequence, 0.77-0.83x beside e5 at normal priority, 0.87-0.89x at the lowest; bench.run --only ingest).
    A daemon thread: Ctrl-C does not wait for it (the documents stay marked incomplete, finished next time)."""
    done: Future = Future()

    def run() -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: a thread's own niceness
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            done.set_result(work(*args))
        except BaseException as exc:
            done.set_exception(exc)

    threading.Thread(target=run, name="rag-ingest-second", daemon=True).start()
    return done


def ingest(
    paths: list[Path] | None = None,
    settings: Settings | None = None,
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: ProgressFactory | None = None,
    store=None,
    embeddings=None,
    second=None,
) -> IngestReport:
    """Ingest files/folders (default: the bundled article) into the store.

    Args:
        paths: files or folders; None ingests the default article.
        settings: configuration; read from the environment when omitted.
        rebuild: drop the whole store first (the fix for a corrupted store).
        prune: remove stored documents that are not among `paths`.
        progress: factory `(total, label) -> advance(n)` for progress bars.
        store, embeddings, second: injected dependencies (tests, long-lived servers).

    Returns:
        An IngestReport; documents that could not be loaded are listed in `skipped`.

    Raises:
        DocumentError: when nothing could be loaded (the store is left unchanged).
    """
    settings = settings or Settings()
    t0 = time.perf_counter()
    docs, skipped = load_documents(paths, settings)
    if not docs:
        raise DocumentError("nothing to ingest:\n  " + "\n  ".join(skipped))
    with ingest_lock(settings):
        if rebuild:
            from rag.store import reset_store

            reset_store(settings)
            store = None
        if store is None:
            from rag.store import Store

            store = Store(settings)
        report = IngestReport(skipped=skipped)
        known = store.document_meta()
        by_sha = {str(m.get("sha256")): i for i, m in known.items() if m.get("sha256")}
        seen: dict[str, str] = {}
        bridge = second is not None or (embeddings is None and settings.use_second_encoder)
        plans: list[tuple[Document, int, list[Chunk], set[str]]] = []
        for doc in docs:
            twin = seen.get(doc.sha256) or (by_sha.get(doc.sha256) if by_sha.get(doc.sha256) != doc.id else None)
            if twin:
                report.skipped.append(f"{doc.path or doc.id}: same content as {twin}; skipped")
                continue
            seen[doc.sha256] = doc.id
            chunks = split_document(doc)
            existing = store.chunk_ids(doc.id)
            new = [c for c in chunks if c.id not in existing]
            stale = existing - {c.id for c in chunks}
            meta = known.get(doc.id, {})
            if (
                not new
                and not stale
                and meta.get("complete")
                and meta.get("sha256") == doc.sha256
                and (not bridge or meta.get("vocab") == VOCAB_VERSION)
            ):
                report.unchanged += len(chunks)
                report.documents += 1
                continue
            plans.append((doc, len(chunks), new, stale))
        for group in _groups(plans):
            texts = [context_text(c) for _, _, new, _ in group for c in new]
            if embeddings is None and texts:  # models load only when something new must be embedded
                from rag.retrieval import build_components

                _, embeddings, second = build_components(settings, store=store, second=second)
            if second is None and bridge:
                from rag.embeddings import load_second_encoder

                second = load_second_encoder(settings)
            label = group[0][0].id if len(group) == 1 else f"{len(group)} documents"
            # Crash-safe: the documents are marked incomplete first and complete last, so a killed run leaves the
            # group's documents to be finished by the next one (their stored chunks and words are kept). One
            # write of each kind per group (Chroma round trips, not the data, cost here).
            records = [(doc, n_chunks) for doc, n_chunks, _, _ in group]
            store.put_documents(records, complete=False)
            beside = None
            if second is not None:
                doc_texts = [doc.text for doc, _, _, _ in group]
                beside = _when_idle(_second_pass, store, second, texts, doc_texts)
            vectors = _encode(texts, embeddings, progress(len(texts), label) if progress and texts else None)
            extra = beside.result() if beside is not None else None
            new_chunks = [c for _, _, new, _ in group for c in new]
            if new_chunks:
                store.add_chunks(new_chunks, vectors, extra)
            store.delete_chunks([i for _, _, _, stale in group for i in sorted(stale)])
            store.put_documents(records, complete=True, vocab=VOCAB_VERSION if second is not None else None)
            for doc, n_chunks, new, stale in group:
                report.documents += 1
                report.added += len(new)
                report.unchanged += n_chunks - len(new)
                report.removed += len(stale)
                log.info("ingested %s: %d new, %d stale chunks", doc.id, len(new), len(stale))
        if prune:
            keep = {d.id for d in docs}
            for doc_id in set(store.document_meta()) - keep:
                report.removed += store.delete_document(doc_id)
    report.seconds = round(time.perf_counter() - t0, 2)
    return report


def remove(name: str, settings: Settings | None = None, *, store=None) -> tuple[str, int]:
    """Remove one stored document (by id, or by title) and its sentences; an upload's saved copy goes too.

    Returns:
        The removed document's id and how many sentences were removed.

    Raises:
        DocumentError: no stored document has that name (the message lists the stored ones).
    """
    settings = settings or Settings()
    with ingest_lock(settings):
        if store is None:
            from rag.store import Store

            store = Store(settings)
        meta = store.document_meta()
        wanted = name.strip().casefold()
        named = {i: (i.casefold(), str(m.get("title", "")).casefold()) for i, m in sorted(meta.items())}
        match = name if name in meta else next((i for i, names in named.items() if wanted in names), None)
        if match is None:
            stored = "\n  ".join(f"{i}  ({m.get('title', '')})" for i, m in sorted(meta.items())) or "(none)"
            raise DocumentError(f"no stored document is called {name!r}; the stored ones are:\n  {stored}")
        removed = store.delete_document(match)
        path = Path(str(meta[match].get("path") or ""))
        uploads = (settings.store_dir / "uploads").resolve()
        if path.name and path.resolve().parent == uploads:
            path.unlink(missing_ok=True)
    log.info("removed %s: %d chunks", match, removed)
    return match, removed
