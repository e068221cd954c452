"""What the chat server builds behind its open port (rag.ui.serve starts it once the page is serving): the
answering pipeline and the words a question may use. Building them takes seconds (models, store, the bundled
article into an empty store); importing gradio takes as long, so the page comes up first."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from rag.chat_render import words_of
from rag.errors import RagError
from rag.settings import Settings
from rag.text import normalize

log = logging.getLogger(__name__)


def known_words(pipe: Any) -> set[str]:
    """The words a question may use: the stored documents' words and the common words of the languages the
    second encoder knows (so an English question over Arabic sources has words too), and the stop words."""
    from rag.text import STOPWORDS

    known = set(STOPWORDS)
    for doc in pipe.store.documents():
        known |= words_of(doc.text)
    if pipe.second is not None and hasattr(pipe.second, "common_words"):
        for script in ("latin", "ar"):
            known |= {normalize(w) for w in pipe.second.common_words(script, 10**6)}
    return known


class Warming:
    """The answering pipeline, built once: in the background as soon as the page is up (`start`), or by the first
    request that needs it before then, which waits for the build under way. A build that fails (a store that is
    unreachable, read-only or broken) is tried again by the next request, whose user is told why in their language
    (ChatUI turns the RagError into the reply), so nothing waits on a build that will never come."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: Any = None

    def get(self) -> Any:
        """The built value, building it first (or waiting for the build under way)."""
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value

    def start(self, then: Callable[[Any], Any] | None = None) -> threading.Thread:
        """Build in a background thread, then run `then` on the value; a failure is logged, in one line if expected."""

        def run() -> None:
            try:
                value = self.get()
                if then is not None:
                    then(value)
            except RagError as exc:  # the same message reaches every question asked until a build succeeds
                log.error("%s", exc)
            except Exception:
                log.exception("warming up the answering pipeline failed")

        thread = threading.Thread(target=run, name="warm-up", daemon=True)
        thread.start()
        return thread


def warm_pipeline(settings: Settings) -> Any:
    """The server's pipeline: models loaded, store open (the bundled article ingested into an empty one)."""
    from rag.pipeline import get_pipeline

    pipe = get_pipeline(settings)
    pipe.ensure_corpus()
    pipe.encode_together()
    return pipe
