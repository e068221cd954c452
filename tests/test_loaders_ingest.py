from pathlib import Path

import pytest

from rag.errors import DocumentError
from rag.ingest import ingest
from rag.loaders import load_file
from rag.store import Store
from tests.conftest import FakeEmbeddings


def _ingest(settings, paths=None, **kw):
    return ingest(paths, settings, embeddings=FakeEmbeddings(), second=None, **kw)


def test_ingest_is_idempotent(isolated):
    first = _ingest(isolated)
    assert first.added > 30 and first.unchanged == 0
    second = _ingest(isolated)
    assert second.added == 0 and second.unchanged == first.added
    assert Store(isolated).count() == first.added


def test_changed_document_replaces_its_chunks_and_prune_removes(isolated, tmp_path):
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\nFirst sentence here. Second one there.\n", encoding="utf-8")
    r1 = _ingest(isolated, [doc])
    assert r1.added == 2  # the heading is the sentences' section, not a chunk of its own
    assert {c.section for c in Store(isolated).chunks_of("notes.md")} == {"Notes"}
    doc.write_text("# Notes\nFirst sentence here. A new second one.\n", encoding="utf-8")
    r2 = _ingest(isolated, [doc])
    assert (r2.added, r2.unchanged, r2.removed) == (1, 1, 1)
    store = Store(isolated)
    assert store.count() == 2
    assert store.document("notes.md").text.endswith("A new second one.\n")
    _ingest(isolated)  # the default article
    other = tmp_path / "other.txt"
    other.write_text("Only this one stays.", encoding="utf-8")
    r3 = _ingest(isolated, [other], prune=True)
    assert r3.removed > 3
    assert set(Store(isolated).document_meta()) == {"other.txt"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n ", "empty"),
        ("bin.txt", b"\x00\x01\x02binary", "binary"),
        ("latin1.txt", "caf\u00e9".encode("latin-1"), "UTF-8"),
        ("doc.pdf", b"%PDF-1.4", "damaged or truncated"),
        ("doc.rtf", b"{\\rtf1 text}", "unsupported"),
    ],
)
def test_bad_files_get_one_line_reasons(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        load_file(p, max_bytes=1000)


def test_missing_and_too_big(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        load_file(tmp_path / "nope.txt", max_bytes=10)
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    with pytest.raises(DocumentError, match="limit"):
        load_file(big, max_bytes=10)


def test_bad_batch_ingests_the_good_files_and_leaves_store_unchanged_otherwise(isolated, tmp_path):
    _ingest(isolated)
    before = Store(isolated).count()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DocumentError, match="nothing to ingest"):
        _ingest(isolated, [bad, tmp_path / "missing.md"])
    assert Store(isolated).count() == before
    good = tmp_path / "good.txt"
    good.write_text("A good document.", encoding="utf-8")
    report = _ingest(isolated, [bad, good])
    assert report.added == 1 and len(report.skipped) == 1 and "bad.txt" in report.skipped[0]


def test_duplicate_content_under_two_names_is_skipped(isolated, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Same words.", encoding="utf-8")
    b.write_text("Same words.", encoding="utf-8")
    report = _ingest(isolated, [a, b])
    assert report.documents == 1 and "same content as a.txt" in report.skipped[0]


def test_unwritable_store_dir_is_a_clear_error(tmp_path):
    from rag.errors import StoreError
    from rag.settings import Settings

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="RAG_STORE_DIR"):
        Store(Settings(store_dir=Path(blocker) / "store"))


def test_document_cache_keeps_only_the_most_recent(isolated, monkeypatch):
    import rag.store as store_module
    from rag.schema import Document

    monkeypatch.setattr(store_module, "_DOC_CACHE_LIMIT", 2)
    store = Store(isolated)
    for i in range(3):
        store.put_document(Document(id=f"d{i}", text=f"نص {i}"), n_chunks=0, complete=True)
    assert [store.document(f"d{i}").text for i in range(3)] == ["نص 0", "نص 1", "نص 2"]
    assert len(store._doc_cache) == 2 and "d0" not in store._doc_cache
    assert store.document("d0").text == "نص 0"  # fetched again
