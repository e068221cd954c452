"""The same product against a real `chroma run` server on loopback (RAG_CHROMA_URL)."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.ingest import ingest
from rag.pipeline import Pipeline, answer
from rag.store import Store, forget_clients
from tests.conftest import FakeEmbeddings, free_port, wait_for_port

CHROMA = Path(sys.executable).with_name("chroma")
ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not CHROMA.exists() and not shutil.which("chroma"), reason="no chroma CLI")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc, 60)
    time.sleep(1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
    forget_clients()


def test_ingest_and_answer_through_the_server(isolated, chroma_url):
    settings = isolated.model_copy(update={"chroma_url": chroma_url, "collection": "fake_case"})
    first = ingest(None, settings, embeddings=FakeEmbeddings(), second=None)
    again = ingest(None, settings, embeddings=FakeEmbeddings(), second=None)
    assert first.added > 30 and again.added == 0
    store = Store(settings)
    assert store.location == chroma_url and store.count() == first.added
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None)
    res = answer("متى عقد اجتماع مجلس رؤساء الدول؟", pipeline=pipe)
    assert res.short_answer == "يوليو 2023"
    doc = store.document(res.citations[0].source)
    assert doc.text[res.citations[0].start : res.citations[0].end] == res.citations[0].quote


@pytest.mark.real
def test_real_models_through_the_server(isolated, chroma_url):
    settings = isolated.model_copy(
        update={"chroma_url": chroma_url, "collection": "real_case", "use_second_encoder": True}
    )
    pipe = Pipeline(settings)
    res = answer("Which period does the SCO anti-drug strategy cover?", pipeline=pipe)
    assert not res.abstained and "2024-2029" in res.text
    # The eval runner and the chat handlers work unchanged against the server.
    from rag.evaluate import run
    from rag.ui import ChatUI

    report = run([ROOT / "eval" / "article" / "heldout2.jsonl"], pipeline=pipe, manifests=False)  # the server store
    assert report.summary["citation_verbatim"] == 1.0 and report.summary["citation_recall"] >= 0.75
    ui = ChatUI(
        settings,
        lambda q, history=None: answer(q, history=history, pipeline=pipe),
        lambda paths: None,
        lambda: [],
        pipe.store.document,
    )
    history, _ = ui.respond("متى عقد اجتماع مجلس رؤساء الدول؟", [])
    assert "يوليو 2023" in history[-1]["content"] and "<mark>" in history[-1]["content"]


def test_unreachable_server_is_a_clear_error(isolated):
    from rag.errors import StoreError

    settings = isolated.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(StoreError, match="chroma run"):
        Store(settings)
