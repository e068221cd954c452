"""Per-tab chat state and the page's handlers (`ChatUI`): a thin shell over `answer()`, `ingest()` and `remove()`.

Each browser tab keeps its own turns (`ChatSession`): a question shows at once with a working indicator,
questions sent while one is being answered wait their turn, and every reply re-renders the session's turns, so a
second question can never overwrite the first.

Streaming (`answer_stream`): with a generative backend the model's reply is shown as its tokens arrive, marked as
an unchecked draft, and replaced by the verified answer (or, when nothing in it verified, by a line saying so
above the extractive answer); with the extractive backend there is nothing to stream and the answer shows at once.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rag.chat_render import LETTER, TEXT, escape, has_content, is_weak, notice, render_answer, render_question
from rag.errors import RagError
from rag.loaders import SUPPORTED
from rag.pipeline import content_text
from rag.schema import Answer
from rag.settings import Settings
from rag.text import detect_language

log = logging.getLogger(__name__)
AnswerFn = Callable[..., Answer]
Lang = Literal["ar", "en"]
UPLOAD_TYPES = list(SUPPORTED)
SESSION_IDLE_S = 6 * 3600  # a tab that sent nothing for this long (and never said it closed) is forgotten
DRAFT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "draft": "Draft from the language model, not yet checked against the sources…",
        "unverified": "The language model's draft could not be verified against the sources and was set aside; "
        "this answer quotes them directly.",
    },
    "ar": {
        "draft": "مسودة من النموذج اللغوي، لم تُطابَق مع المصادر بعد…",
        "unverified": "تعذّر التحقق من مسودة النموذج اللغوي في المصادر فأُهملت؛ وهذا الجواب يقتبس منها مباشرة.",
    },
}


def render_draft(text: str, language: Lang) -> str:
    """An unverified draft as it streams: escaped lines under a label saying what it is, still working."""
    lines = "".join(f'<p class="line" dir="auto">{escape(line)}</p>' for line in text.split("\n") if line.strip())
    label = escape(DRAFT_TEXT[language]["draft"])
    return (
        f'<div class="answer working draft" dir="{"rtl" if language == "ar" else "ltr"}" lang="{language}" '
        f'role="status" aria-busy="true"><p class="meta">{label}</p>{lines}</div>'
    )


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload folder (no separators, no dot-dot, no hidden files)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u0600-\u06ff]+", "_", base).lstrip(".")
    return base[:120] or "upload.txt"


def accepted_language(request: Any) -> Lang:
    """The browser's preferred language of the two (Accept-Language), English otherwise."""
    headers = getattr(request, "headers", None) or {}
    return "ar" if str(headers.get("accept-language", "")).lower().startswith("ar") else "en"


@dataclass
class Turn:
    """One question and its reply (`html` is empty while it waits)."""

    question: str
    language: Lang
    state: Literal["waiting", "done", "stopped"] = "waiting"
    html: str = ""
    text: str = ""  # the answer's plain text, for follow-ups
    draft: str = ""  # a generative backend's unverified reply so far, while it streams
    order: float = 0.0  # the browser's number for it: turns are kept in the order they were sent


class ChatSession:
    """One browser tab's conversation; handlers mutate it under its lock and render all of it."""

    def __init__(self, browser_language: Lang = "en") -> None:
        self.turns: list[Turn] = []
        self.language: Lang | None = None  # of the last question with letters
        self.browser_language = browser_language
        self.lock = threading.Lock()
        self.answering = threading.Lock()  # one answer at a time per session
        self.seen = time.monotonic()

    @property
    def text(self) -> dict[str, str]:
        """The page's words in the user's language: their questions', else their browser's."""
        return TEXT[self.language or self.browser_language]

    def busy(self) -> bool:
        return any(t.state == "waiting" for t in self.turns)

    def messages(self) -> list[dict[str, str]]:
        with self.lock:
            out = []
            for t in self.turns:
                out.append({"role": "user", "content": render_question(t.question, t.language)})
                if t.state == "waiting" and t.draft:
                    out.append({"role": "assistant", "content": render_draft(t.draft, t.language)})
                elif t.state == "waiting":
                    out.append(
                        {"role": "assistant", "content": notice("working", TEXT[t.language]["working"], t.language)}
                    )
                else:
                    out.append({"role": "assistant", "content": t.html})
            return out


class ChatUI:
    """Handlers for the page, with the answer, ingest and remove functions (and what warms them up) injected."""

    def __init__(
        self,
        settings: Settings,
        answer_fn: AnswerFn,
        ingest_fn: Callable[..., Any],
        docs_fn: Callable[[], list[dict[str, Any]]],
        source_fn: Callable[[str], Any],
        *,
        remove_fn: Callable[[str], Any] | None = None,
        words_fn: Callable[[], set[str]] | None = None,
        bundled_id: str = "",
        warm_up: Callable[[], Any] | None = None,
    ) -> None:
        self.settings = settings
        self.answer_fn = answer_fn
        self.ingest_fn = ingest_fn
        self.docs_fn = docs_fn
        self.source_fn = source_fn
        self.remove_fn = remove_fn
        self.words_fn = words_fn
        self.bundled_id = bundled_id
        self.warm_up = warm_up  # started by rag.ui.serve once the page is serving: builds what answering needs
        self._sessions: dict[str, ChatSession] = {}
        self._sessions_lock = threading.Lock()

    # --- sessions -------------------------------------------------------------------------------------------
    # Kept here by the tab's session hash, created under a lock: a gr.State is created on first use, and the
    # first questions of a tab arrive together (two of them created two states, and one question was lost).
    def session(self, request: Any) -> ChatSession:
        """The tab's conversation (created on its first event; tabs idle for SESSION_IDLE_S are forgotten)."""
        key = str(getattr(request, "session_hash", None) or "")
        now = time.monotonic()
        with self._sessions_lock:
            found = self._sessions.get(key)
            if found is None:
                for old in [k for k, v in self._sessions.items() if now - v.seen > SESSION_IDLE_S]:
                    del self._sessions[old]
                found = self._sessions[key] = ChatSession(accepted_language(request))
            found.seen = now
            return found

    def forget_session(self, session: ChatSession) -> None:
        """Drop a closed tab's conversation."""
        with self._sessions_lock:
            for key in [k for k, v in self._sessions.items() if v is session]:
                del self._sessions[key]

    # --- answering ------------------------------------------------------------------------------------------
    def reply(
        self, question: str, past: list[dict[str, str]], language: Lang, on_draft: Callable[[str], None] | None = None
    ) -> tuple[str, str]:
        """The rendered reply to one question and its plain text (for follow-ups); a generative backend's drafts go
        to `on_draft` as its tokens arrive (rag.answering.llm.streaming_drafts)."""
        drafted: list[str] = []
        try:  # the known words too: they come from the store, which may have failed
            if self.words_fn is not None and not has_content(question, self.words_fn()):
                return notice("rephrase", TEXT[language]["rephrase"], language), ""
            if on_draft is None:
                ans = self.answer_fn(question, history=past)
            else:
                from rag.answering.llm import streaming_drafts

                def draft(text: str) -> None:
                    drafted.append(text)
                    on_draft(text)

                with streaming_drafts(draft):
                    ans = self.answer_fn(question, history=past)
        except RagError as exc:  # expected (a store that went away): one log line, the user told in their language
            log.warning("could not answer: %s", exc)
            return notice("abstained", exc.in_language(language), language), ""
        except Exception:  # a bug: logged with its traceback; the question must not spin forever
            log.exception("answering %r failed", question)
            return notice("abstained", TEXT[language]["failed_answer"], language), ""
        html = render_answer(ans, self.source_fn, weak=is_weak(ans))
        if drafted and ans.backend == "extractive":  # the draft shown did not survive verification: say so
            html = notice("meta", DRAFT_TEXT[ans.language]["unverified"], ans.language) + html
        return html, ans.text

    def submit(self, message: Any, order: float | None, session: ChatSession) -> tuple[list[dict[str, str]], Any]:
        """Show the question at once, waiting for its answer, in the place the browser numbered it (`order`)."""
        import gradio as gr

        text = content_text(message).strip()
        if text:
            language: Lang = detect_language(text) if LETTER.search(text) else (session.language or "en")
            session.language = language
            with session.lock:
                turn = Turn(question=text, language=language, order=float(order or 0) or len(session.turns) + 1)
                at = len(session.turns)
                while at > 0 and session.turns[at - 1].order > turn.order:
                    at -= 1
                session.turns.insert(at, turn)
        return session.messages(), gr.update(visible=session.busy())

    def answer_next(self, session: ChatSession) -> tuple[list[dict[str, str]], Any]:
        """Answer the session's oldest waiting question (one at a time per session, in the order asked)."""
        import gradio as gr

        self._answer_turn(session, None)
        return session.messages(), gr.update(visible=session.busy())

    def answer_stream(self, session: ChatSession) -> Iterator[tuple[list[dict[str, str]], Any]]:
        """`answer_next` for a streaming handler: the page again each time a generative backend's draft grows, and
        once more with the verified answer; with the extractive backend only that once, when it is ready. The answer
        runs in its own thread, so a handler cancelled by Stop leaves it to finish and land nowhere."""
        import gradio as gr

        changes: queue.SimpleQueue[bool] = queue.SimpleQueue()  # False: a new draft; True: finished

        def work() -> None:
            try:
                self._answer_turn(session, lambda: changes.put(False))
            finally:
                changes.put(True)

        threading.Thread(target=work, name="answer", daemon=True).start()
        finished = False
        while not finished:
            finished = changes.get()
            while not finished and not changes.empty():  # drafts that came meanwhile: show only the latest
                finished = changes.get()
            yield session.messages(), gr.update(visible=session.busy())

    def _answer_turn(self, session: ChatSession, on_change: Callable[[], None] | None) -> None:
        """Answer the oldest waiting turn into the session; with `on_change`, keep its draft as it streams and call
        `on_change` after each."""
        with session.answering:
            with session.lock:
                turn = next((t for t in session.turns if t.state == "waiting"), None)
                done = session.turns[: session.turns.index(turn)] if turn else []
                past = [
                    m
                    for t in done
                    for m in ({"role": "user", "content": t.question}, {"role": "assistant", "content": t.text})
                ]
            if turn is None:
                return

            def draft(text: str) -> None:
                with session.lock:
                    if turn.state != "waiting":  # stopped meanwhile
                        return
                    turn.draft = text
                if on_change is not None:
                    on_change()

            reply, text = self.reply(turn.question, past, turn.language, draft if on_change is not None else None)
            with session.lock:
                if turn.state == "waiting":  # not stopped meanwhile
                    turn.html, turn.text, turn.state, turn.draft = reply, text, "done", ""

    def stop(self, session: ChatSession) -> tuple[list[dict[str, str]], Any]:
        """Stop every waiting question of the session (an answer already computing is dropped when it ends)."""
        import gradio as gr

        with session.lock:
            for t in session.turns:
                if t.state == "waiting":
                    t.state, t.html = "stopped", notice("abstained", TEXT[t.language]["stopped"], t.language)
        return session.messages(), gr.update(visible=False)

    def clear(self, session: ChatSession) -> tuple[list[dict[str, str]], str, Any]:
        """Forget the conversation (answers still computing land nowhere)."""
        import gradio as gr

        with session.lock:
            session.turns = []
        return [], "", gr.update(visible=False)

    def respond(self, message: str, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        """The stateless `/chat` API: the history with the question and its rendered, cited answer."""
        history = list(history or [])
        message = content_text(message)
        past = [{"role": m["role"], "content": content_text(m["content"])} for m in history]
        language: Lang = detect_language(message)
        reply, _ = self.reply(message, past, language)
        return [*history, {"role": "user", "content": message}, {"role": "assistant", "content": reply}], ""

    def ask_api(self, question: str) -> dict[str, Any]:
        """The JSON API (`/ask`): the whole Answer object; an expected failure is an abstention saying why."""
        try:
            ans = self.answer_fn(question, history=None)
        except RagError as exc:
            log.warning("could not answer: %s", exc)
            language: Lang = detect_language(question) if LETTER.search(question or "") else "en"
            ans = Answer(
                question=question, text=exc.in_language(language), language=language, abstained=True, reason=str(exc)
            )
        return ans.model_dump(exclude={"retrieved"})

    # --- documents ------------------------------------------------------------------------------------------
    def documents_markdown(self) -> str:
        """The side panel: the documents answers quote, and the active model/backend."""
        rows = ["| document · الوثيقة | outlet · الناشر | author · الكاتب | sentences · الجمل |", "|---|---|---|---|"]
        for d in self.docs_fn():
            cells = [escape(str(d.get(k, "")))[:80].replace("|", "/") for k in ("title", "outlet", "author", "chunks")]
            rows.append("| " + " | ".join(cells) + " |")
        model = self.settings.embedding_model or "multilingual-e5-small (+ USE-multilingual)"
        return "\n".join(rows) + f"\n\n**Model:** {escape(model)}  \n**Answer backend:** `{escape(self.settings.llm)}`"

    def page(self, session: ChatSession) -> tuple[str, Any, Any, Any]:
        """What depends on the stored documents: the list, the chat placeholder, the examples, the remove menu."""
        import gradio as gr

        language = session.language or session.browser_language
        docs = self.docs_fn()
        titles = [str(d.get("title") or d.get("id")) for d in docs]
        if len(docs) <= 3:
            placeholder = TEXT[language]["placeholder"].format(titles=" · ".join(f"«{t}»" for t in titles))
        else:
            placeholder = TEXT[language]["placeholder_many"].format(n=len(docs))
        bundled = next((str(d.get("title") or d.get("id")) for d in docs if d.get("id") == self.bundled_id), None)
        label = "Examples · أمثلة"
        if bundled is not None and len(docs) > 1:  # the examples ask about the bundled article only
            label = f"Examples about «{bundled[:60]}» · أمثلة عن هذه الوثيقة"
        choices = [(str(d.get("title") or d.get("id"))[:80], str(d.get("id"))) for d in docs]
        return (
            self.documents_markdown(),
            gr.update(placeholder=escape(placeholder)),
            gr.update(visible=bundled is not None, label=label),
            gr.update(choices=choices, value=None),
        )

    def upload(self, files: list[Any] | None, session: ChatSession) -> tuple[str, Any]:
        """Add the chosen files as soon as they are chosen; say per file what happened, in the user's language."""
        import gradio as gr

        t = session.text
        if not files:
            return t["choose"], gr.update()
        folder = self.settings.store_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        known = {str(d.get("sha256")): d for d in self.docs_fn() if d.get("sha256")}
        messages = []
        for f in files:
            src = Path(getattr(f, "name", f))
            name = safe_upload_name(src.name)
            if Path(name).suffix.lower() not in UPLOAD_TYPES:
                messages.append(t["type"].format(name=escape(src.name)))
                continue
            twin = known.get(hashlib.sha256(src.read_bytes()).hexdigest())
            if twin is not None:
                title = escape(str(twin.get("title") or twin.get("id")))
                key = "same" if twin.get("id") == name else "twin"
                messages.append(t[key].format(title=title, name=escape(name)))
                continue
            dest = folder / name
            shutil.copyfile(src, dest)
            try:
                report = self.ingest_fn([dest])
                why = "; ".join(report.skipped)
            except RagError as exc:
                why = str(exc)
            if why:  # the loader's reason, without the server's path in front of it
                why = why.replace(f"{dest}: ", "").replace("nothing to ingest:", "").strip()
                messages.append(t["failed"].format(name=escape(name), why=escape(why)))
                continue
            doc = self.source_fn(name)
            title = escape(doc.title if doc and doc.title else name)
            key = "updated" if report.unchanged or report.removed else "added"
            messages.append(t[key].format(title=title, n=report.added))
        return "\n\n".join(messages), gr.update(value=None)

    def remove(self, doc_id: str | None, session: ChatSession) -> str:
        """Remove one document from the sources."""
        t = session.text
        if not doc_id or self.remove_fn is None:
            return t["pick"]
        doc = self.source_fn(doc_id)
        try:
            self.remove_fn(doc_id)
        except RagError:
            return t["gone"]
        return t["removed"].format(title=escape(doc.title if doc and doc.title else doc_id))
