"""Shared fixtures: every test gets its own store; fakes are injected, never monkeypatched."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ARTICLE = Path(__file__).resolve().parent.parent / "rag" / "data" / "000_c19c94f8a9a8e670.txt"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def ingestion_lock_held(settings: Settings) -> Iterator[None]:
    """Another process holds the store's ingestion lock (as a running `rag ingest` does) until the block ends."""
    lock = settings.store_dir / ".ingest.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl, time; f = open({str(lock)!r}, 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    """Wait until a server process accepts connections on the port; fail with its output if it exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"server exited with {proc.returncode}: {out}") from None
            time.sleep(0.5)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


class FakeEmbeddings:
    """Deterministic bag-of-words vectors: texts sharing words are similar. Fast, no model."""

    name = "fake"
    dimension = 64

    def encode(self, texts, *, query, progress=None):
        from rag.text import tokens

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in tokens(t) or ["empty"]:
                h = int(hashlib.md5(tok.encode()).hexdigest(), 16)
                out[i, h % self.dimension] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        if progress:
            progress(len(texts))
        return out

    def embed_documents(self, texts):
        return self.encode(texts, query=False).tolist()

    def embed_query(self, text):
        return self.encode([text], query=True)[0].tolist()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """One converted e5 model per test session (kept out of the real cache)."""
    shared = os.environ.get("RAG_TEST_MODEL_DIR")
    return Path(shared) if shared else tmp_path_factory.mktemp("model") / "e5"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, model_dir) -> Settings:
    """Point the store (and model cache) at temporary folders for every test."""
    from rag import store

    monkeypatch.setenv("RAG_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("RAG_MODEL_DIR", str(model_dir))
    store.forget_clients()
    return Settings(store_dir=tmp_path / "store", model_dir=model_dir, use_second_encoder=False)


@pytest.fixture
def fake_pipeline(isolated):
    """A pipeline on the real article with the fake embedder and a real (temporary) Chroma."""
    from rag.pipeline import Pipeline

    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=None)
    pipe.ensure_corpus()
    return pipe


@pytest.fixture
def searched(fake_pipeline, monkeypatch):
    """The queries `fake_pipeline`'s retriever is asked, in order (it still answers them)."""
    asked: list[str] = []
    real = fake_pipeline.retriever.retrieve_timed
    monkeypatch.setattr(type(fake_pipeline.retriever), "retrieve_timed", lambda self, q: (asked.append(q), real(q))[1])
    return asked
