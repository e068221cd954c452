"""A real chat server process over the real store (local, or `chroma run` via RAG_CHROMA_URL) with the fake
encoder: `python tests/fake_chat.py PORT`. The fault tests (tests/test_faults.py) take its store away under it.

It is `rag chat` with `FakeEmbeddings` in place of the models (starts in seconds): the same handlers, the same
`answer()`, the page served by `rag.ui.serve`, logging set up as the CLI sets it up.
"""

from __future__ import annotations

import logging
import sys

from rag.chat import ChatUI
from rag.pipeline import Pipeline, answer
from rag.settings import Settings
from rag.ui import serve
from tests.conftest import FakeEmbeddings

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings(use_second_encoder=False)
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None)
    pipe.ensure_corpus()
    pipe.encode_together()  # as rag.ui.make_ui does
    ui = ChatUI(
        settings,
        answer_fn=lambda q, history=None: answer(q, history=history, pipeline=pipe),
        ingest_fn=lambda paths: None,
        docs_fn=lambda: [],
        source_fn=pipe.store.document,
    )
    print("serving", flush=True)
    serve(ui, settings, port=int(sys.argv[1]))
