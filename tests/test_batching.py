"""Questions of concurrent requests are encoded together (rag.batching.Coalescing)."""

import threading

import numpy as np
import pytest

from rag.batching import Coalescing


class HeldEncoder:
    """Rows of [len(text), ord(first letter)]; the first call waits until the test releases it, so the calls
    made meanwhile are queued behind it."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.started, self.release = threading.Event(), threading.Event()
        self.name = "held"

    def encode(self, texts, *, query=True, progress=None):
        self.calls.append(list(texts))
        self.started.set()
        self.release.wait(10)
        if "boom" in texts:
            raise RuntimeError("boom")
        return np.array([[len(t), ord(t[0]), float(query)] for t in texts])


def test_calls_made_while_one_encodes_run_as_one_batch_and_each_gets_its_own_rows():
    inner = HeldEncoder()
    enc = Coalescing(inner)
    out: dict[str, np.ndarray] = {}

    def ask(text, **kw):
        out[text] = enc.encode([text], **kw)

    first = threading.Thread(target=ask, args=("a",))
    first.start()
    assert inner.started.wait(10)
    rest = [threading.Thread(target=ask, args=(t,)) for t in ("bb", "ccc", "dddd")]
    rest.append(threading.Thread(target=ask, args=("passage",), kwargs={"query": False}))
    for t in rest:
        t.start()
    while len(enc._queued) < 4:  # all four queued behind the held call
        threading.Event().wait(0.01)
    inner.release.set()
    for t in [first, *rest]:
        t.join(10)
    assert inner.calls[0] == ["a"] and sorted(inner.calls[1]) == ["bb", "ccc", "dddd"] and inner.calls[2] == ["passage"]
    for text, rows in out.items():
        assert rows.tolist() == [[len(text), ord(text[0]), float(text != "passage")]]
    assert enc.name == "held"  # everything else is the wrapped encoder's


def test_an_error_reaches_every_caller_of_its_batch_and_the_next_batch_still_runs():
    inner = HeldEncoder()
    inner.release.set()
    enc = Coalescing(inner)
    with pytest.raises(RuntimeError, match="boom"):
        enc.encode(["boom"])
    assert enc.encode(["ok"]).tolist() == [[2, ord("o"), 1.0]]
    big = [f"t{i}" for i in range(40)]  # ingestion-sized: passed straight through
    assert len(enc.encode(big, query=False)) == 40 and inner.calls[-1] == big
