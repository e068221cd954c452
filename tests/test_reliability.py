"""Abuse cases: a corrupted store, rebuilds, and a killed ingestion."""

import os
import signal
import subprocess
import sys
import time

import pytest

from rag.errors import StoreError
from rag.ingest import ingest
from rag.store import Store, forget_clients
from tests.conftest import FakeEmbeddings, ingestion_lock_held


def test_corrupted_store_names_the_rebuild_command(isolated):
    ingest(None, isolated, embeddings=FakeEmbeddings(), second=None)
    forget_clients()
    db = isolated.store_dir / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="rag ingest --rebuild"):
        Store(isolated).count()
    forget_clients()
    report = ingest(None, isolated, embeddings=FakeEmbeddings(), second=None, rebuild=True)
    assert report.added > 30 and Store(isolated).count() == report.added


@pytest.mark.real
def test_kill_9_during_ingestion_then_rerun_matches_a_clean_run(tmp_path, model_dir):
    env = {**os.environ, "RAG_STORE_DIR": str(tmp_path / "store"), "RAG_MODEL_DIR": str(model_dir)}
    docs = tmp_path / "docs"
    docs.mkdir()
    from rag.loaders import default_document

    for i in range(6):
        (docs / f"d{i}.txt").write_text(default_document().text + f"\nنسخة {i}.\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "ingest", "-q", str(docs)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(14)  # model loaded, mid-way through the documents
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ingest", "-q", str(docs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    status = subprocess.run(
        [sys.executable, "-m", "rag.cli", "status", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    import json

    info = json.loads(status.stdout)
    assert info["documents"] == 6 and info["chunks"] == 6 * 50 and info["incomplete"] == []


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
ARTICLE_Q = ("متى عقد اجتماع مجلس رؤساء الدول؟", "يوليو 2023")
FAKE_INGEST = (
    "import sys; from pathlib import Path; from rag.ingest import ingest; from rag.settings import Settings; "
    "from tests.conftest import FakeEmbeddings, ingestion_lock_held; "
    "ingest([Path(p) for p in sys.argv[1:]], Settings(use_second_encoder=False), embeddings=FakeEmbeddings(), "
    "second=None, progress=False)"
)


def _fake_ingest_process(settings, *paths):
    env = {**os.environ, "RAG_STORE_DIR": str(settings.store_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", FAKE_INGEST, *map(str, paths)], env=env, cwd=ROOT)


def _verified(res, store):
    from rag.citations import check_answer

    sources = {c.source: store.document(c.source).text for c in res.citations}
    return check_answer(res.text, res.citations, sources) == []


def test_queries_during_an_ingestion_in_another_process_stay_consistent(fake_pipeline, tmp_path):
    from rag.pipeline import answer

    big = tmp_path / "harbour.txt"
    big.write_text(
        "".join(f"Sentence {i} tells of the harbour of Port {i % 97} and its {i % 13} cranes.\n" for i in range(3000)),
        encoding="utf-8",
    )
    proc = _fake_ingest_process(fake_pipeline.settings, big)
    during = 0
    while proc.poll() is None:
        res = answer(ARTICLE_Q[0], pipeline=fake_pipeline)
        assert _verified(res, fake_pipeline.store) and ARTICLE_Q[1] in res.text
        during += 1
    assert proc.returncode == 0 and during >= 3, during
    late = fake_pipeline.retriever.retrieve("harbour of Port 42 and its cranes")
    assert late[0].chunk.source == "harbour.txt"  # the running pipeline sees the other process's writes
    res = answer(ARTICLE_Q[0], pipeline=fake_pipeline)
    assert _verified(res, fake_pipeline.store) and ARTICLE_Q[1] in res.text


def test_a_locked_store_names_the_holder_and_still_answers(fake_pipeline):
    from rag.ingest import ingest_lock
    from rag.pipeline import answer

    with ingestion_lock_held(fake_pipeline.settings):
        with (
            pytest.raises(StoreError, match="another ingestion holds the store"),
            ingest_lock(fake_pipeline.settings, timeout=0.5),
        ):
            pass
        assert ARTICLE_Q[1] in answer(ARTICLE_Q[0], pipeline=fake_pipeline).text  # readers need no lock
    with ingest_lock(fake_pipeline.settings, timeout=5):  # released when its holder dies
        pass


def test_read_only_store_is_a_clear_error(fake_pipeline):
    store = fake_pipeline.settings.store_dir
    before = sorted((p.name, p.stat().st_size) for p in store.rglob("*") if p.is_file())
    script = f'mount --bind {store} {store} && mount -o remount,bind,ro {store} && exec "$@"'
    env = {**os.environ, "RAG_STORE_DIR": str(store)}
    cmd = ["unshare", "--mount", "sh", "-c", script, "sh", sys.executable, "-m", "rag.cli", "ask", "hello"]
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    if "unshare failed" in run.stderr or "Operation not permitted" in run.stderr:
        pytest.skip(f"cannot make a read-only mount here: {run.stderr.strip()}")
    assert run.returncode == 3, run.stderr
    assert "is read-only" in run.stderr and "RAG_STORE_DIR" in run.stderr and "Traceback" not in run.stderr
    assert sorted((p.name, p.stat().st_size) for p in store.rglob("*") if p.is_file()) == before


def test_a_20_mb_file_is_refused_without_being_read(isolated, tmp_path):
    import tracemalloc

    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.write(b"x" * 20_000_000)
    good = tmp_path / "small.txt"
    good.write_text("A small file that still gets ingested.\n", encoding="utf-8")
    tracemalloc.start()
    report = ingest([big, good], isolated, embeddings=FakeEmbeddings(), second=None, progress=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert any("huge.txt: 20.0 MB is over the 5.0 MB limit" in s for s in report.skipped), report.skipped
    assert report.documents == 1 and Store(isolated).document("small.txt") is not None
    assert peak < 5_000_000, peak  # the 20 MB were never loaded
