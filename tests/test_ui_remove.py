"""Removing a document: `rag.ingest.remove` (the chat page's Remove button) and `rag remove NAME`."""

from rag.cli import main
from rag.errors import DocumentError
from rag.ingest import ingest, remove
from rag.loaders import DEFAULT_DOCUMENT
from tests.conftest import FakeEmbeddings


def test_remove_by_id_or_title_drops_the_document_and_its_uploaded_copy(fake_pipeline, isolated):
    store = fake_pipeline.store
    uploads = isolated.store_dir / "uploads"
    uploads.mkdir(parents=True)
    note = uploads / "note.md"
    note.write_text("# Harbour notes\n\nThe harbour board met in March 2031.\n", encoding="utf-8")
    ingest([note], isolated, store=store, embeddings=FakeEmbeddings(), second=None)
    assert set(store.document_meta()) == {DEFAULT_DOCUMENT, "note.md"}

    doc_id, n = remove("harbour NOTES", isolated, store=store)  # by title, any case
    assert doc_id == "note.md" and n >= 1
    assert set(store.document_meta()) == {DEFAULT_DOCUMENT} and not note.exists()
    assert store.chunk_ids("note.md") == set()
    doc_id, n = remove(DEFAULT_DOCUMENT, isolated, store=store)  # by id; a bundled file is never deleted
    assert doc_id == DEFAULT_DOCUMENT and n > 40 and store.document_meta() == {}


def test_remove_an_unknown_name_lists_the_stored_ones(fake_pipeline, isolated):
    try:
        remove("nope.txt", isolated, store=fake_pipeline.store)
    except DocumentError as exc:
        assert "no stored document is called 'nope.txt'" in str(exc) and DEFAULT_DOCUMENT in str(exc)
    else:
        raise AssertionError("an unknown name must be an error")


def test_rag_remove_command(fake_pipeline, capsys):
    assert main(["remove", "nope.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no stored document is called 'nope.txt'") and DEFAULT_DOCUMENT in err
    assert main(["remove", DEFAULT_DOCUMENT]) == 0
    assert capsys.readouterr().out.startswith(f"removed {DEFAULT_DOCUMENT} (")
