"""`rag chat` serves before the answering pipeline is built (issue 25): the pipeline warms up behind the open port,
a question asked meanwhile waits for it, and a store that fails while warming tells each question why."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

from rag.errors import StoreError
from rag.ui import make_ui, serve
from tests.conftest import free_port, wait_for_port

AR_Q, AR_A = "متى عقد اجتماع مجلس رؤساء الدول؟", "يوليو 2023"
EN_Q = "Which period does the SCO anti-drug strategy cover?"


def test_the_page_serves_before_the_pipeline_is_built_and_an_early_question_waits_for_it(isolated, fake_pipeline):
    port = free_port()
    started, release, port_open = threading.Event(), threading.Event(), []

    def build():
        with socket.socket() as s:
            port_open.append(s.connect_ex(("127.0.0.1", port)) == 0)
        started.set()
        release.wait(60)
        return fake_pipeline

    ui = make_ui(isolated, build=build)
    app = serve(ui, isolated, port=port, block=False)
    try:
        assert started.wait(60) and port_open == [True]  # the build began once the page was serving
        got: list[dict] = []
        asker = threading.Thread(target=lambda: got.append(ui.ask_api(AR_Q)))
        asker.start()
        asker.join(0.5)
        assert asker.is_alive() and not got  # waiting for the pipeline, not failing
        release.set()
        asker.join(60)
        assert not got[0]["abstained"] and AR_A in got[0]["text"]
    finally:
        release.set()
        app.close()


def test_a_store_failing_while_warming_tells_each_question_why_and_a_later_build_answers(
    isolated, fake_pipeline, caplog
):
    broken = [True]

    def build():
        if broken[0]:
            raise StoreError("the document store is read-only; make it writable", ar="المخزن للقراءة فقط")
        return fake_pipeline

    ui = make_ui(isolated, build=build)
    ui.warm_up().join(60)
    assert [r.levelname for r in caplog.records if "read-only" in r.getMessage()] == ["ERROR"]
    assert not any(r.exc_info for r in caplog.records)  # an expected failure: one line, no traceback
    en = ui.ask_api(EN_Q)
    assert en["abstained"] and en["language"] == "en" and "read-only" in en["text"]
    ar = ui.respond(AR_Q, [])[0][-1]["content"]
    assert "للقراءة فقط" in ar and 'class="answer abstained"' in ar
    broken[0] = False  # the store is back: the next question builds the pipeline and is answered
    assert AR_A in ui.respond(AR_Q, [])[0][-1]["content"]


def test_rag_chat_with_an_unreachable_store_serves_and_says_why(tmp_path):
    """The real `rag chat` process: the port opens although the store cannot be reached, the process stays up,
    and a question gets the store's message (the message `rag chat` printed before exiting, before issue 25)."""
    from gradio_client import Client

    port, dead = free_port(), free_port()
    env = {**os.environ, "RAG_STORE_DIR": str(tmp_path / "store"), "RAG_CHROMA_URL": f"http://127.0.0.1:{dead}"}
    log = tmp_path / "chat.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "chat", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    try:
        wait_for_port(port, proc, 120)
        ans = Client(f"http://127.0.0.1:{port}", verbose=False).predict(EN_Q, api_name="/ask")
        assert ans["abstained"] and "cannot reach the Chroma server" in ans["text"] and str(dead) in ans["text"]
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert "ERROR cannot reach the Chroma server" in text and "Traceback" not in text
