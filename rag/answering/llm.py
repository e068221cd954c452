"""Optional generative backends (`openai:MODEL`, `ollama:MODEL`, `gguf:PATH`) behind the same
verification gate as the extractive answerer: a claim survives only with a verbatim quote from
a passage that was actually shown, and without numbers its quote does not hold.

Streaming: inside `streaming_drafts(callback)` (the chat page sets it around one answer) the reply is read with
the chat model's `.stream()`, and `callback` gets the draft so far, the claims' text as the tokens arrive (the
reply is JSON, read while incomplete), before any of it is verified. Outside it the reply is read whole.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from rag.citations import locate
from rag.errors import ConfigError, ModelError
from rag.prompts import render
from rag.schema import Answer, Citation, Retrieved
from rag.settings import Settings

log = logging.getLogger(__name__)
_JSON = re.compile(r"\{.*\}", re.S)
_NUMBER = re.compile(r"\d+")
DraftCallback = Callable[[str], None]
_DRAFTS: ContextVar[DraftCallback | None] = ContextVar("rag_llm_drafts", default=None)


@contextmanager
def streaming_drafts(callback: DraftCallback) -> Iterator[None]:
    """Within this block (this thread or task), a generative answer streams: `callback(draft)` is called with the
    unverified draft so far each time the model's tokens change it."""
    token = _DRAFTS.set(callback)
    try:
        yield
    finally:
        _DRAFTS.reset(token)


def draft_text(reply: str) -> str:
    """What to show of an unfinished reply: the claims' texts written so far (one a line; the reply is JSON, parsed
    while incomplete), or the reply itself when the model writes prose instead of JSON."""
    from langchain_core.utils.json import parse_partial_json

    if not reply.lstrip().startswith(("{", "`")):
        return reply.strip()
    m = re.search(r"\{.*", reply, re.S)
    try:
        data = parse_partial_json(m.group(0)) if m else None
    except Exception:  # not JSON after all: nothing readable to show yet
        return ""
    claims = data.get("claims") if isinstance(data, dict) else None
    texts = [str(c.get("text") or "").strip() for c in claims or [] if isinstance(c, dict)]
    return "\n".join(t for t in texts if t)


def make_chat_model(settings: Settings, kind: str, arg: str) -> Any:
    """A LangChain chat model for the backend string (imported lazily)."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelError("LLM backends need `pip install -e '.[llm]'` (langchain-openai)") from exc
    if kind == "openai":
        return ChatOpenAI(
            model=arg,
            base_url=settings.llm_base_url,
            api_key=SecretStr(settings.llm_api_key or "none"),
            temperature=0,
            timeout=60,
            max_retries=0,
        )
    if kind == "ollama":
        base = settings.llm_base_url or "http://127.0.0.1:11434/v1"
        return ChatOpenAI(
            model=arg, base_url=base, api_key=SecretStr("ollama"), temperature=0, timeout=120, max_retries=0
        )
    if kind == "gguf":
        return ChatOpenAI(
            model=Path(arg).name,
            base_url=serve_gguf(arg, settings.threads),
            api_key=SecretStr("local"),
            temperature=0,
            max_completion_tokens=512,
            timeout=120,
            max_retries=0,
        )
    raise ConfigError(f"unknown LLM backend {kind!r}")


_SERVERS: dict[str, Any] = {}
_SERVERS_LOCK = threading.Lock()


def serve_gguf(path: str, threads: int) -> str:
    """Serve a GGUF file with xllamacpp inside this process (once per file) on a free loopback port;
    returns its OpenAI-compatible base URL."""
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise ConfigError(f"RAG_LLM=gguf:{path}: no such file; give the path of a .gguf model file")
    with _SERVERS_LOCK:
        if str(file) not in _SERVERS:
            try:
                import xllamacpp
            except ImportError as exc:
                raise ModelError("gguf backends need `pip install -e '.[llm]'` (xllamacpp)") from exc
            params = xllamacpp.CommonParams()
            params.model.path = str(file)
            params.n_ctx = 8192
            params.port = 0  # any free port, on 127.0.0.1 (the default host)
            params.verbosity = 0
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            try:
                _SERVERS[str(file)] = xllamacpp.Server(params)
            except Exception as exc:
                raise ModelError(f"xllamacpp could not load {file}: {exc}; is it a GGUF model file?") from exc
            log.info("serving %s at %s", file.name, _SERVERS[str(file)].listening_address)
        return f"{_SERVERS[str(file)].listening_address}/v1"


def parse_claims(reply: str) -> list[dict[str, Any]]:
    """The `claims` list from a model reply (tolerates prose around the JSON); [] when unreadable."""
    m = _JSON.search(reply or "")
    if not m:
        return []
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return []
    claims = data.get("claims") if isinstance(data, dict) else None
    return [c for c in claims or [] if isinstance(c, dict)]


def _text(message: Any) -> str:
    """A message's (or chunk's) text; content given as parts is kept as JSON, for `parse_claims`."""
    content = getattr(message, "content", message)
    return content if isinstance(content, str) else json.dumps(content)


class LLMAnswerer:
    """Ask a chat model for claims with quotes, then keep only what verifies."""

    def __init__(self, settings: Settings, kind: str, arg: str, chat_model: Any = None) -> None:
        self.name = f"{kind}:{arg}"
        self.model = chat_model or make_chat_model(settings, kind, arg)

    def reply(self, prompt: str, on_draft: DraftCallback | None = None) -> str:
        """The model's whole reply; with `on_draft`, streamed (LangChain's `.stream()`), each changed draft passed
        on as the tokens arrive."""
        if on_draft is None:
            return _text(self.model.invoke(prompt))
        parts: list[str] = []
        shown = ""
        for chunk in self.model.stream(prompt):
            parts.append(chunk.text if isinstance(chunk.text, str) else _text(chunk))
            draft = draft_text("".join(parts))
            if draft != shown:
                shown = draft
                on_draft(draft)
        return "".join(parts)

    def answer(self, question: str, language: str, retrieved: list[Retrieved], store: Any) -> Answer | None:
        """A verified Answer, or None when nothing the model said survives the gate."""
        passages = [{"n": i + 1, "text": r.chunk.text} for i, r in enumerate(retrieved)]
        prompt = render(
            "answer", question=question, passages=passages, language_name="Arabic" if language == "ar" else "English"
        )
        try:
            text = self.reply(prompt, _DRAFTS.get())
        except Exception as exc:
            log.warning("%s failed (%s); falling back to the extractive answer", self.name, exc)
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        for claim in parse_claims(text):
            quote, claim_text, pid = str(claim.get("quote", "")), str(claim.get("text", "")), claim.get("passage")
            if not isinstance(pid, int) or not 1 <= pid <= len(retrieved):
                log.info("dropped a claim citing passage %r (out of range)", pid)
                continue
            chunk = retrieved[pid - 1].chunk
            doc = store.document(chunk.source)
            inside = locate(chunk.text, quote)
            span = locate(doc.text, quote, hint=chunk.start + inside[0]) if doc and inside else None
            if span is None:
                log.info("dropped a claim whose quote is not verbatim in passage %d", pid)
                continue
            if set(_NUMBER.findall(claim_text)) - set(_NUMBER.findall(quote)):
                log.info("dropped a claim with a number its quote does not hold")
                continue
            n = len(citations) + 1
            citations.append(
                Citation(
                    n=n,
                    quote=quote,
                    source=doc.id,
                    start=span[0],
                    end=span[1],
                    paragraph=chunk.paragraph,
                    title=doc.title,
                    page=doc.page_at(span[0]),
                )
            )
            lines.append(f"{claim_text.strip() or quote} [{n}]")
        if not citations:
            return None
        return Answer(
            question=question,
            text="\n".join(lines),
            language=language,  # type: ignore[arg-type]
            abstained=False,
            citations=citations,
            reason=self.name,
            backend=self.name,
        )
