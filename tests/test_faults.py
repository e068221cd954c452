"""The store goes away under a running chat (a `chroma run` killed, a folder deleted or made read-only), and an
ingestion into a Chroma server is killed half-way: real processes, real Gradio, real Chroma; the fake encoder.

A question asked while the store is down gets an answer-shaped message in its own language and the server log
one line (no traceback); once the store is back, the same chat answers again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import free_port, ingestion_lock_held, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
CHROMA = Path(sys.executable).with_name("chroma")
AR_Q, AR_A = "متى عقد اجتماع مجلس رؤساء الدول؟", "يوليو 2023"
EN_Q = "Which period does the SCO anti-drug strategy cover?"
FAKE_INGEST = (
    "import sys; from pathlib import Path; from rag.ingest import ingest; from rag.settings import Settings; "
    "from tests.conftest import FakeEmbeddings; "
    "ingest([Path(p) for p in sys.argv[1:]] or None, Settings(use_second_encoder=False), embeddings=FakeEmbeddings(), "
    "second=None)"
)


def _chroma_exe() -> str:
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if not exe:
        pytest.skip("no chroma CLI")
    return exe


class ChromaServer:
    """`chroma run` on one port and folder; stop() kills it (-9), start() brings it back on the same ones."""

    def __init__(self, path: Path) -> None:
        self.path, self.port, self.proc = path, free_port(), None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        cmd = [_chroma_exe(), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc, 60)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


class Chat:
    """tests/fake_chat.py (the chat server with the fake encoder) in its own process, and a gradio client."""

    def __init__(self, env: dict[str, str], log: Path, prefix: tuple[str, ...] = ()) -> None:
        from gradio_client import Client

        self.port, self.log = free_port(), log
        cmd = [*prefix, sys.executable, str(ROOT / "tests" / "fake_chat.py"), str(self.port)]
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc, 120)
        self.client = Client(f"http://127.0.0.1:{self.port}", verbose=False)

    def chat(self, question: str) -> str:
        """The `/chat` API's rendered reply (what the page shows)."""
        history = self.client.predict(question, [], api_name="/chat")[0]
        content = history[-1]["content"]
        return " ".join(p.get("text", "") for p in content) if isinstance(content, list) else str(content)

    def ask(self, question: str) -> dict:
        """The `/ask` API's Answer."""
        return self.client.predict(question, api_name="/ask")

    def log_lines(self, needle: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if needle in line]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def test_chroma_server_killed_under_a_running_chat_then_back(tmp_path):
    server = ChromaServer(tmp_path / "chroma").start()
    env = _env(RAG_CHROMA_URL=server.url, RAG_STORE_DIR=str(tmp_path / "store"))
    chat = Chat(env, tmp_path / "chat.log")
    try:
        assert AR_A in chat.chat(AR_Q)
        server.stop()
        down_ar = chat.chat(AR_Q)
        assert "لا يستجيب" in down_ar and server.url in down_ar and 'class="answer abstained"' in down_ar
        down_en = chat.ask(EN_Q)
        assert down_en["abstained"] and down_en["language"] == "en" and down_en["citations"] == []
        assert "is not reachable; try again in a moment" in down_en["text"] and server.url in down_en["text"]
        cli = subprocess.run(
            [sys.executable, "-m", "rag.cli", "ask", EN_Q], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert cli.returncode == 3 and cli.stdout == "", cli
        assert cli.stderr.startswith("error: ") and server.url in cli.stderr and len(cli.stderr.splitlines()) == 1
        server.start()
        assert AR_A in chat.chat(AR_Q)  # the same chat recovers
        assert not chat.log_lines("Traceback")
        assert len(chat.log_lines("not reachable")) == 2  # one line per failed question
    finally:
        chat.close()
        server.stop()


def test_local_store_folder_deleted_under_a_running_chat_then_rebuilt(tmp_path):
    store = tmp_path / "store"
    env = _env(RAG_STORE_DIR=str(store))
    chat = Chat(env, tmp_path / "chat.log")
    try:
        assert AR_A in chat.chat(AR_Q)
        shutil.rmtree(store)  # Chroma would go on reading the deleted files: the answer must not
        gone = chat.chat(AR_Q)
        assert "لم يعد موجودًا" in gone and str(store) in gone and 'class="answer abstained"' in gone
        assert "is gone" in chat.ask(EN_Q)["text"]
        subprocess.run([sys.executable, "-c", FAKE_INGEST], env=env, cwd=ROOT, check=True, timeout=120)
        assert AR_A in chat.chat(AR_Q)  # rebuilt by another process: reopened
        assert not chat.log_lines("Traceback") and len(chat.log_lines("is gone")) == 2
    finally:
        chat.close()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run the chat as nobody")
def test_local_store_made_read_only_under_a_running_chat(tmp_path):
    """The chat runs as `nobody` (root ignores permission bits; a read-only remount is refused while files are
    open for writing). Answers that need no write go on; once another process adds a document, the chat must
    reopen the store, which Chroma cannot do read-only: the message says so, in the question's language."""
    nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    probe = subprocess.run([*nobody, sys.executable, "-c", "import rag.ui"], cwd=ROOT, env=_env(), capture_output=True)
    if probe.returncode:
        pytest.skip(f"nobody cannot run this checkout: {probe.stderr.decode()[-200:]}")
    home = Path(tempfile.mkdtemp(prefix="rag-ro-"))  # pytest's own folders are closed to other users
    os.chmod(home, 0o777)
    store = home / "store"
    env = _env(RAG_STORE_DIR=str(store), HOME=str(home), GRADIO_TEMP_DIR=str(home / "gradio"))
    chat = Chat(env, tmp_path / "chat.log", prefix=nobody)
    try:
        assert AR_A in chat.chat(AR_Q)
        subprocess.run(["chmod", "-R", "a-w", str(store)], check=True)
        assert AR_A in chat.chat(AR_Q)  # reading needs no write
        notes = tmp_path / "notes.txt"
        notes.write_text("Astana hosted the harbour summit.\n", encoding="utf-8")
        subprocess.run([sys.executable, "-c", FAKE_INGEST, str(notes)], env=env, cwd=ROOT, check=True, timeout=120)
        ro = chat.chat(AR_Q)
        assert "للقراءة فقط" in ro and 'class="answer abstained"' in ro
        assert "is read-only" in chat.ask(EN_Q)["text"]
        subprocess.run(["chmod", "-R", "u+w", str(store)], check=True)
        assert AR_A in chat.chat(AR_Q)
        assert not chat.log_lines("Traceback") and len(chat.log_lines("is read-only")) == 2
    finally:
        chat.close()
        shutil.rmtree(home, ignore_errors=True)


PAUSING_INGEST = """
import sys, time
from pathlib import Path
from rag.ingest import ingest
from rag.settings import Settings
from rag.store import Store
from tests.conftest import FakeEmbeddings


class PausingStore(Store):
    # stops for good after the second group's sentences are written, before its documents are marked complete
    written = 0

    def add_chunks(self, chunks, vectors, second=None):
        super().add_chunks(chunks, vectors, second)
        PausingStore.written += 1
        if PausingStore.written == 2:
            print("paused", flush=True)
            time.sleep(120)


import rag.ingest

rag.ingest.GROUP_CHUNKS = 60  # two documents of ~50 sentences per group: groups 2, 2, 1
settings = Settings(use_second_encoder=False)
paths = [Path(p) for p in sys.argv[1:]]
ingest(paths, settings, store=PausingStore(settings), embeddings=FakeEmbeddings(), second=None)
"""


def _snapshot(store) -> dict:
    """Everything a store holds, comparable across collections: documents, and each collection's records."""
    out: dict = {"documents": store.document_meta()}
    for name in ("chunks", "second"):
        res = getattr(store, name).get(include=["documents", "metadatas", "embeddings"])
        out[name] = sorted(
            (i, d, sorted((m or {}).items()), [round(float(x), 5) for x in e])
            for i, d, m, e in zip(res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True)
        )
    return out


def test_ingestion_killed_half_way_into_a_chroma_server_then_rerun_matches_a_clean_run(tmp_path):
    from rag.settings import Settings
    from rag.store import Store, forget_clients

    server = ChromaServer(tmp_path / "chroma").start()
    docs = tmp_path / "docs"
    docs.mkdir()
    from rag.loaders import default_document

    for i in range(5):
        (docs / f"d{i}.txt").write_text(default_document().text + f"\nنسخة {i}.\n", encoding="utf-8")
    killed = _env(RAG_CHROMA_URL=server.url, RAG_STORE_DIR=str(tmp_path / "store"), RAG_COLLECTION="killed")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", PAUSING_INGEST, str(docs)], env=killed, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        # the second group's sentences are in, its documents' records not complete, the fifth document not begun
        assert proc.stdout.readline().strip() == "paused"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        settings = Settings(chroma_url=server.url, store_dir=tmp_path / "store", use_second_encoder=False)
        half = Store(settings.model_copy(update={"collection": "killed"}))
        assert sorted(m["complete"] for m in half.document_meta().values()) == [False, False, True, True]
        for collection in ("killed", "clean"):
            env = {**killed, "RAG_COLLECTION": collection}
            subprocess.run([sys.executable, "-c", FAKE_INGEST, str(docs)], env=env, cwd=ROOT, check=True, timeout=120)
        forget_clients()
        again = _snapshot(Store(settings.model_copy(update={"collection": "killed"})))
        clean = _snapshot(Store(settings.model_copy(update={"collection": "clean"})))
        assert len(again["documents"]) == 5 and all(m["complete"] for m in again["documents"].values())
        assert again == clean
    finally:
        server.stop()
        forget_clients()


def test_sixteen_api_clients_while_another_process_ingests_all_get_answers(tmp_path):
    """16 concurrent `/ask` clients keep asking until a `rag ingest` of a long new document in another process
    has finished (each asks at least three times): every request gets its answer, the server logs no error."""
    import threading

    store = tmp_path / "store"
    env = _env(RAG_STORE_DIR=str(store))
    chat = Chat(env, tmp_path / "chat.log")
    big = tmp_path / "harbour.txt"
    big.write_text(
        "".join(f"Sentence {i} tells of the harbour of Port {i % 97} and its {i % 13} cranes.\n" for i in range(1200)),
        encoding="utf-8",
    )
    results: list[str] = []
    lock = threading.Lock()
    ingest = subprocess.Popen([sys.executable, "-c", FAKE_INGEST, str(big)], env=env, cwd=ROOT)

    def client() -> None:
        from gradio_client import Client

        api, asked = Client(f"http://127.0.0.1:{chat.port}", verbose=False), 0
        while asked < 3 or ingest.poll() is None:
            try:
                out = api.predict(AR_Q, api_name="/ask")
                got = "ok" if AR_A in out["text"] and out["citations"] else f"wrong: {out['text'][:100]}"
            except Exception as exc:
                got = f"{type(exc).__name__}: {exc}"
            with lock:
                results.append(got)
            asked += 1

    try:
        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert ingest.wait(timeout=60) == 0
        assert len(results) >= 48 and set(results) == {"ok"}, [r for r in results if r != "ok"][:5]
        assert not chat.log_lines("Traceback") and not chat.log_lines("ERROR")
        late = chat.ask("harbour of Port 42 and its cranes")
        assert late["citations"] and late["citations"][0]["source"] == "harbour.txt"  # the new document is served
    finally:
        ingest.kill()
        chat.close()


def test_a_question_that_fails_while_another_process_writes_is_answered_again_on_the_reloaded_store(fake_pipeline):
    """An embedded Chroma read can fail while another process writes ("Error finding id"); with the ingestion
    lock held elsewhere, the question is answered again on the reloaded store. Without a writer it is a bug."""
    from rag.pipeline import answer

    store, calls = fake_pipeline.store, []
    search = store.search

    def fails_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Error executing plan: Internal error: Error finding id")
        return search(*args, **kwargs)

    with ingestion_lock_held(fake_pipeline.settings):
        store.search = fails_once
        assert AR_A in answer(AR_Q, pipeline=fake_pipeline).text and len(calls) >= 2
    fake_pipeline.store.search = fails_once  # reload() kept the object: the instance attribute is still there
    calls.clear()
    with pytest.raises(RuntimeError, match="Error finding id"):
        answer(AR_Q, pipeline=fake_pipeline)
