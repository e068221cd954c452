"""sco-chat: answers Arabic or English questions from source documents with verified quotes.

`answer()` is the product; `ingest()` fills the store. Heavy libraries load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import RagError
from rag.schema import Answer, Citation
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.ingest import ingest
    from rag.pipeline import answer

__all__ = ["Answer", "Citation", "RagError", "Settings", "answer", "ingest"]


def __getattr__(name: str) -> Any:
    if name == "answer":
        from rag.pipeline import answer

        return answer
    if name == "ingest":
        from rag.ingest import ingest

        return ingest
    raise AttributeError(name)
