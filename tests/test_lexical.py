"""The BM25 index is persistent and incremental: it re-reads only documents that changed."""

import os
from pathlib import Path

from rag.ingest import ingest
from rag.lexical import BM25Index, index_path
from rag.store import Store
from tests.conftest import FakeEmbeddings


def _ingest(settings, paths=None, **kw):
    return ingest(paths, settings, embeddings=FakeEmbeddings(), second=None, **kw)


def _index(settings):
    return BM25Index(index_path(settings))


def test_scores_are_okapi_bm25_and_only_positive_hits():
    index = BM25Index()
    index.add([("a", "d", "شنغهاي للتعاون"), ("b", "d", "كازاخستان"), ("c", "d", "شنغهاي شنغهاي أستانا")])
    hits = index.search("شنغهاي", 10)
    assert [cid for cid, _ in hits] == ["c", "a"] and all(s > 0 for _, s in hits)
    assert index.search("nothing-like-this", 10) == []
    assert index.search("شنغهاي 2024", 10, only={"2024"}) == []
    index.remove(["c"])
    assert [cid for cid, _ in index.search("شنغهاي", 10)] == ["a"] and len(index) == 2


def test_synonyms_of_one_question_word_count_once_per_chunk():
    # "chairmanship" bridges to both "رئاسة" and "رئيس": a sentence holding both is not twice as relevant
    index = BM25Index()
    index.add([("a", "d", "رئيس رئاسة"), ("b", "d", "رئاسة اتفاقيات"), ("c", "d", "تعاون"), ("d", "d", "أمن")])
    query = "رئاسة رئيس اتفاقيات"
    plain = dict(index.search(query, 10))
    assert plain["a"] >= plain["b"]  # every term counts: a holds two of them
    grouped = index.search(query, 10, synonyms=[["رئاسة", "رئيس"], ["اتفاقيات"]])
    assert [cid for cid, _ in grouped] == ["b", "a"]  # b holds both question words, a one of them twice


def test_idf_is_highest_for_rare_and_unseen_words():
    index = BM25Index()
    index.add([("a", "d", "السياسة تتسم بالتوازن"), ("b", "d", "السياسة"), ("c", "d", "السياسة الخارجية")])
    idf = index.idf(["والسياسة", "تتسم", "غائبة"])
    assert idf["والسياسة"] < idf["تتسم"] < idf["غائبة"]


def test_index_persists_and_syncs_only_changed_documents(isolated, tmp_path):
    _ingest(isolated)
    store = Store(isolated)
    index = _index(isolated)
    assert index.sync(store) == 1 and len(index) == store.count()
    assert index.sync(store) == 0  # nothing changed: no re-read
    reopened = _index(isolated)  # a new process: the file is already up to date
    assert reopened.sync(store) == 0 and len(reopened) == store.count()
    before = reopened.search("مكافحة المخدرات", 5)

    notes = tmp_path / "notes.md"
    notes.write_text("Notes on the anti-drug strategy. Nothing else.\n", encoding="utf-8")
    _ingest(isolated, [notes])
    assert reopened.sync(store) == 1  # only the new document is read
    assert len(reopened) == store.count()
    notes.write_text("Rewritten: Astana hosted the summit.\n", encoding="utf-8")
    _ingest(isolated, [notes])
    assert reopened.sync(store) == 1
    assert [c for c, _ in reopened.search("astana", 5)] == list(store.chunk_ids("notes.md"))
    _ingest(isolated, [notes], prune=True)  # drops the article
    reopened.sync(store)
    assert len(reopened) == store.count() and reopened.search("مكافحة المخدرات", 5) == []
    assert before  # the article had matched before it was pruned


def test_damaged_index_file_is_rebuilt(isolated):
    _ingest(isolated)
    path = index_path(isolated)
    _index(isolated).sync(Store(isolated))
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    index = _index(isolated)
    assert index.sync(Store(isolated)) == 1 and index.search("شنغهاي", 3)


def test_an_index_file_deleted_under_a_running_index_is_made_again_on_the_next_sync(isolated):
    # `rag ingest --rebuild` empties the store folder: a running chat must not go on with the deleted file
    _ingest(isolated)
    store, path = Store(isolated), index_path(isolated)
    index = _index(isolated)
    assert index.sync(store) == 1
    for extra in ("", "-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    assert index.sync(store) == 1 and path.exists() and len(_index(isolated)) == store.count()


def test_unwritable_index_location_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    index = BM25Index(blocker / "sub" / "bm25.sqlite3")  # cannot be created, even by root
    assert index.path is None
    index.add([("a", "d", "أستانا")])
    assert index.search("أستانا", 1)[0][0] == "a"


def test_index_built_with_another_tokenizer_is_rebuilt(isolated, monkeypatch):
    import rag.lexical

    _ingest(isolated)
    _index(isolated).sync(Store(isolated))
    monkeypatch.setattr(rag.lexical, "TOKENIZER_VERSION", "next")
    index = _index(isolated)  # re-read document by document (readers meanwhile see the old entries, never none)
    assert len(index) == Store(isolated).count() and index.sync(Store(isolated)) == 1
    assert len(index) == Store(isolated).count() and index.sync(Store(isolated)) == 0


def test_very_common_terms_are_skipped_in_a_large_index(monkeypatch):
    import rag.lexical

    index = BM25Index()
    index.add([(f"c{i}", "d", f"common word{i}") for i in range(100)] + [("rare", "d", "common unusual")])
    monkeypatch.setattr(rag.lexical, "MAX_POSTINGS", 10)
    assert [c for c, _ in index.search("common unusual", 5)] == ["rare"]  # "common" (101 chunks) is skipped
    assert len(index.search("common", 500)) == 101  # ...unless it is the only term: the rarest is kept


def test_readers_in_other_processes_never_fail_nor_see_half_a_document_while_a_writer_rebuilds(tmp_path):
    """Real processes on one index file, started together on no file at all (they race to create it): a writer
    re-indexes every document each round (some rounds under a new tokenizer, some from a newly opened index)
    while three readers search it; no exception anywhere, and every search sees each document whole."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    path, stop = tmp_path / "bm25.sqlite3", tmp_path / "stop"
    worker = [sys.executable, str(root / "tests" / "lexical_worker.py")]
    env = {**os.environ, "PYTHONPATH": str(root)}

    def start(*args):
        return subprocess.Popen([*worker, *map(str, args)], stdout=subprocess.PIPE, text=True, env=env)

    readers = [start("reader", path, stop) for _ in range(3)]
    writer = start("writer", path, 40)
    wrote = json.loads(writer.communicate(timeout=120)[0])
    stop.touch()
    read = [json.loads(r.communicate(timeout=60)[0]) for r in readers]
    assert wrote["errors"] == [] and not wrote["in_memory"], wrote
    assert all(r["n_errors"] == 0 for r in read), read
    assert all(r["full"] >= 5 for r in read), read  # they did read while the writer wrote
