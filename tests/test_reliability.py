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
from tests.conftest import FakeEmbeddings


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
