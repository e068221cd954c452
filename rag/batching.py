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

import threading
from concurrent.futures import Future
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
