"""Answer backends behind one factory keyed by a string (`RAG_LLM`)."""

from __future__ import annotations

from rag.errors import ConfigError

BACKENDS = ("extractive", "openai:MODEL", "ollama:MODEL", "gguf:PATH")


def check_backend(spec: str) -> tuple[str, str]:
    """Split a backend string into (kind, argument); raise ConfigError listing the valid forms."""
    kind, _, arg = spec.partition(":")
    if kind == "extractive" and not arg:
        return kind, ""
    if kind in ("openai", "ollama", "gguf") and arg:
        return kind, arg
    raise ConfigError(f"unknown answer backend RAG_LLM={spec!r}; use one of: {', '.join(BACKENDS)}")
