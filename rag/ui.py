"""The Gradio chat page: a thin shell over `answer()`, `ingest()` and `remove()`; it owns no retrieval logic.

Each browser tab keeps its own turns (`ChatSession`): a question shows at once with a working indicator,
questions sent while one is being answered wait their turn, and every reply re-renders the session's turns, so a
second question can never overwrite the first. What the page decides itself is presentation: a question with
no words at all is asked again instead of answered, and a quote that shares no word with the question (or,
with the ranker, one it scores below even odds) is shown as the closest passage, not as what the source says.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rag.errors import RagError
from rag.loaders import SUPPORTED
from rag.pipeline import content_text
from rag.schema import Answer, Citation
from rag.settings import Settings
from rag.text import detect_language, normalize

log = logging.getLogger(__name__)
AnswerFn = Callable[..., Answer]
Lang = Literal["ar", "en"]
EXAMPLES = [
    "متى عقد اجتماع مجلس رؤساء الدول؟",
    "ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟",
    "Which period does the SCO anti-drug strategy cover?",
    "Who is the SCO national coordinator in Kazakhstan?",
    "What is the population of Kazakhstan?",
]
UPLOAD_TYPES = list(SUPPORTED)
# A ranker probability below even odds: the sentence more likely does not answer (rag.ranker, when present).
WEAK_CONFIDENCE = 0.5
SESSION_IDLE_S = 6 * 3600  # a tab that sent nothing for this long (and never said it closed) is forgotten

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "working": "Searching the sources…",
        "stopped": "Stopped. Ask again when you are ready.",
        "failed_answer": "Something went wrong while answering this; it has been logged. Please try again.",
        "rephrase": "I found no words in that to search for. Please ask again in Arabic or English, in words.",
        "weak": "Closest passage (may not answer):",
        "weak_many": "Closest passages (may not answer):",
        "paragraph": "paragraph",
        "characters": "characters",
        "copy": "Copy",
        "question": "Your question",
        "answer": "Answer",
        "choose": "Choose a .txt, .md, .pdf, .docx or .html file.",
        "type": "{name}: only .txt, .md, .pdf, .docx and .html files can be added.",
        "page": "p.",
        "added": "Added «{title}» ({n} sentences). You can ask about it now.",
        "updated": "Updated «{title}»: {n} new sentences. You can ask about it now.",
        "same": "«{title}» is already in the sources, unchanged.",
        "twin": "{name} has the same text as «{title}», which is already in the sources.",
        "failed": "{name} could not be added: {why}",
        "removed": "Removed «{title}» from the sources.",
        "pick": "Choose a document to remove.",
        "gone": "That document is no longer in the sources.",
        "placeholder": "Ask about {titles}",
        "placeholder_many": "Ask about any of the {n} documents listed beside the chat",
    },
    "ar": {
        "working": "أبحث في المصادر…",
        "stopped": "أُوقف. اسأل من جديد متى شئت.",
        "failed_answer": "حدث خطأ أثناء الإجابة وسُجّل. حاول مرة أخرى من فضلك.",
        "rephrase": "لم أجد في ذلك كلمات أبحث عنها. أعد كتابة سؤالك بالعربية أو بالإنجليزية، بالكلمات.",
        "weak": "أقرب مقطع (قد لا يجيب):",
        "weak_many": "أقرب المقاطع (قد لا تجيب):",
        "paragraph": "الفقرة",
        "characters": "المحارف",
        "copy": "نسخ",
        "question": "سؤالك",
        "answer": "الجواب",
        "choose": "اختر ملف ‎.txt أو ‎.md أو ‎.pdf أو ‎.docx أو ‎.html.",
        "type": "{name}: لا تُضاف إلا ملفات ‎.txt و‎.md و‎.pdf و‎.docx و‎.html.",
        "page": "ص",
        "added": "أُضيفت «{title}» ({n} جملة). يمكنك السؤال عنها الآن.",
        "updated": "حُدّثت «{title}»: {n} جملة جديدة. يمكنك السؤال عنها الآن.",
        "same": "«{title}» موجودة في المصادر من قبل، دون تغيير.",
        "twin": "نص {name} هو نص «{title}» الموجودة في المصادر من قبل.",
        "failed": "تعذّرت إضافة {name}: {why}",
        "removed": "حُذفت «{title}» من المصادر.",
        "pick": "اختر وثيقة لحذفها.",
        "gone": "لم تعد هذه الوثيقة في المصادر.",
        "placeholder": "اسأل عن {titles}",
        "placeholder_many": "اسأل عن أي من الوثائق الـ{n} المذكورة بجانب المحادثة",
    },
}

CSS = """
#title h1 { font-size: 1.15rem; margin: 0; line-height: 1.3; }
#title p { margin: .1em 0 0 0; font-size: .85rem; color: var(--body-text-color-subdued); }
@media (max-width: 640px) { #title p { display: none; } #title h1 { font-size: 1rem; } }
#chat .message, #chat .message-content { unicode-bidi: plaintext; text-align: start; }
#question textarea { unicode-bidi: plaintext; text-align: start; }
.answer, .citation, .para, .question { font-family: 'Noto Naskh Arabic', 'Noto Sans Arabic', 'Noto Sans', sans-serif; }
.answer, .para, .citation, .question { text-align: start; }
.question { white-space: pre-wrap; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.answer .line, .answer .quote { margin: 0 0 .35em 0; }
.answer .src, .citation .meta bdi, .answer bdi { unicode-bidi: isolate; }
.answer .src { color: var(--body-text-color-subdued); font-size: .9em; }
.answer.abstained, .answer.rephrase { border-inline-start: 4px solid var(--color-accent);
  padding-inline-start: .6em; color: var(--body-text-color); }
.answer.weak .line:first-child { font-style: italic; }
.citation { margin: .3em 0; border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .25em .5em; }
.citation summary { cursor: pointer; unicode-bidi: plaintext; }
.citation .meta, .answer .meta { color: var(--body-text-color-subdued); font-size: .85em; }
.para mark { background: var(--color-accent-soft); color: var(--body-text-color);
  outline: 1px solid var(--color-accent); border-radius: 2px; padding: 0 .1em; }
.cite { font-weight: 600; color: var(--link-text-color); }
.working { color: var(--body-text-color); }
.working::before { content: ""; display: inline-block; width: .8em; height: .8em; margin-inline-end: .5em;
  border: 2px solid currentColor; border-top-color: transparent; border-radius: 50%;
  animation: ragspin 1s linear infinite; vertical-align: -.1em; }
@keyframes ragspin { to { transform: rotate(360deg); } }
.copy-answer { font-size: .8em; margin-top: .3em; padding: .1em .6em; border: 1px solid var(--border-color-primary);
  border-radius: 4px; background: var(--background-fill-secondary); color: var(--body-text-color); cursor: pointer; }
"""

# Page behaviour the server cannot do: the page's language and direction from the browser's, the question box
# following what is typed, an opened citation scrolled so its highlighted sentence is in view (on a phone it
# would be below the chat's fold), and a copy button that copies the answer's plain text.
HEAD = """
<script>
(() => {
  const ar = (navigator.language || "en").toLowerCase().startsWith("ar");
  document.documentElement.lang = ar ? "ar" : "en";
  document.documentElement.dir = ar ? "rtl" : "ltr";
  const boxDir = () => document.querySelectorAll("#question textarea").forEach(t => t.setAttribute("dir", "auto"));
  new MutationObserver(boxDir).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("toggle", e => {
    const d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.open || !d.classList.contains("citation")) return;
    const mark = d.querySelector("mark");
    if (mark) requestAnimationFrame(() => mark.scrollIntoView({block: "center", behavior: "instant"}));
  }, true);
  document.addEventListener("click", async e => {
    const b = e.target instanceof Element ? e.target.closest(".copy-answer") : null;
    if (!b) return;
    const answer = b.closest(".answer");
    const parts = answer ? answer.querySelectorAll(":scope > .line, :scope > .quote, :scope > .meta") : [];
    const text = Array.from(parts, e => e.innerText.trim()).join("\\n");
    window.__ragCopied = text;  // what was copied, for the browser test
    try { await navigator.clipboard.writeText(text); }
    catch (_) {  // no clipboard API (plain HTTP on another host): the old way
      const t = document.createElement("textarea");
      t.value = text; document.body.appendChild(t); t.select(); document.execCommand("copy"); t.remove();
    }
  }, true);  // capture: the chat's own handlers may stop the click before it bubbles up
  window.__ragHead = true;
})();
</script>
"""


# Runs in the browser as a question is sent: empties the box there and then (an emptying sent back with the
# reply could wipe out the next question already being typed), and numbers the question in the order it was
# sent, which the server keeps: requests sent together are not handled in the order they were sent.
TAKE_QUESTION = """(question, order) => {
  const box = document.querySelector("#question textarea");
  if (box) { box.value = ""; box.dispatchEvent(new Event("input", {bubbles: true})); }
  window.__ragAsked = (window.__ragAsked || 0) + 1;
  return [question, window.__ragAsked];
}"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _dir(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


def _line(text: str) -> str:
    """One escaped line with `[n]` markers styled (markers are digits only, so no markup can slip in)."""
    return re.sub(r"\[(\d+)\]", r'<span class="cite">[\1]</span>', _e(text))


def _title(c: Citation, sources: Callable[[str], Any]) -> str:
    doc = sources(c.source)
    return (doc.title if doc and doc.title else "") or c.title or c.source


_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def words_of(text: str) -> set[str]:
    """The distinct words of two letters or more, normalised (the form `has_content` compares)."""
    return set(_WORD.findall(normalize(text)))


def has_content(question: str, known: set[str]) -> bool:
    """Whether a question holds something to search for: a letter at all, and a word of two letters or more that
    the stored documents or the languages' common vocabulary know (emoji, punctuation and keyboard mash do not)."""
    return bool(_LETTER.search(question)) and bool(words_of(question) & known)


def is_weak(ans: Answer) -> bool:
    """Whether the first quote is only the closest passage, not evidence: no short answer was found in it, and
    none of the question's words (nor their translations) occur in it (BM25 scored it 0), or the ranker, when
    there is one, gives it less than even odds. The cost: a byline quoted for "who wrote it?" shares no word
    with the question either, and is hedged too (the Answer does not say it was chosen as the byline)."""
    if ans.abstained or not ans.citations or ans.short_answer:
        return False
    first = ans.citations[0]
    for r in ans.retrieved:
        if r.chunk.source == first.source and r.chunk.start <= first.start < r.chunk.end:
            confidence = getattr(r, "confidence", None)  # rag.ranker's probability, where the schema has it
            return r.lexical <= 0.0 or (confidence is not None and confidence < WEAK_CONFIDENCE)
    return False  # a sentence quoted for its place (the one before an answer, the last one): not ranked here


def render_answer(ans: Answer, sources: Callable[[str], Any], *, weak: bool = False) -> str:
    """The answer as HTML: escaped text, each quote in its own direction with its document's title, a copy
    button (the page's script copies the lines' text), and openable citations highlighting the verified offsets."""
    t = TEXT[ans.language]
    direction = _dir(ans.language)
    titles = {c.n: _title(c, sources) for c in ans.citations}
    quote_lines = {f"[{c.n}] «{c.quote}»": c for c in ans.citations}
    lines = [line for line in ans.text.split("\n") if line.strip()]
    if weak:
        first = next((i for i, line in enumerate(lines) if line in quote_lines), len(lines))
        header = t["weak_many" if len(ans.citations) > 1 else "weak"]
        if first > 0 and lines[first - 1] not in quote_lines:
            lines[first - 1] = header
        else:
            lines.insert(first, header)
    body = []
    for line in lines:
        c = quote_lines.get(line)
        if c is None:
            body.append(f'<p class="line" dir="{direction}">{_line(line)}</p>')
            continue
        q_lang = detect_language(c.quote)
        body.append(
            f'<p class="quote" dir="{_dir(q_lang)}" lang="{q_lang}"><span class="cite">[{c.n}]</span> '
            f'«{_e(c.quote)}» <span class="src">— <bdi>{_e(titles[c.n])}</bdi>{_page(c, t)}</span></p>'
        )
    cls = "answer abstained" if ans.abstained else "answer weak" if weak else "answer"
    parts = [f'<div class="{cls}" dir="{direction}" lang="{ans.language}"><span class="sr-only">{t["answer"]}:</span>']
    parts += body
    for c in ans.citations:
        parts.append(_citation(c, titles[c.n], sources(c.source), t, direction))
    for note in ans.notes:
        parts.append(f'<p class="meta" dir="auto">{_e(note)}</p>')
    parts.append(f'<button type="button" class="copy-answer">{t["copy"]}</button>')
    parts.append("</div>")
    return "\n".join(parts)


def _page(c: Citation, t: dict[str, str]) -> str:
    """The page beside a quote from a paged document (" · p. 2" for a PDF), nothing otherwise."""
    return f" · <bdi>{t['page']}\u00a0{c.page}</bdi>" if c.page else ""  # one isolate: "p. 3" in Arabic lines too


def _citation(c: Citation, title: str, doc: Any, t: dict[str, str], direction: str) -> str:
    """One openable citation: the paragraph around the quote, the quote highlighted by its verified offsets."""
    text = doc.text if doc else ""
    p_start = text.rfind("\n", 0, c.start) + 1
    p_end = text.find("\n", c.end)
    p_end = len(text) if p_end < 0 else p_end
    para = f"{_e(text[p_start : c.start])}<mark>{_e(text[c.start : c.end])}</mark>{_e(text[c.end : p_end])}"
    p_lang = (doc.language if doc and doc.language else "") or detect_language(c.quote)
    short = f"{_e(c.quote[:90])}{'…' if len(c.quote) > 90 else ''}"
    return (
        f'<details class="citation" data-n="{c.n}" dir="{direction}"><summary><span class="cite">[{c.n}]</span> '
        f'<bdi dir="{_dir(detect_language(c.quote))}">{short}</bdi></summary>'
        f'<div class="meta" dir="{direction}"><bdi>{_e(title)}</bdi>{_page(c, t)} · '
        f"{t['paragraph']} <bdi>{c.paragraph}</bdi> · "
        f'{t["characters"]} <bdi dir="ltr">{c.start}–{c.end}</bdi></div>'
        f'<p class="para" dir="{_dir(p_lang)}" lang="{_e(p_lang)}">{para}</p></details>'
    )


def render_question(text: str, language: str) -> str:
    """The user's own message as text: escaped, so a typed `<img src=x>` shows as typed."""
    label = TEXT[language if language in TEXT else "en"]["question"]
    return f'<div><span class="sr-only">{label}:</span><div class="question" dir="auto">{_e(text)}</div></div>'


def _notice(cls: str, text: str, language: str) -> str:
    return f'<div class="answer {cls}" dir="{_dir(language)}" lang="{language}" role="status">{_e(text)}</div>'


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
                if t.state == "waiting":
                    out.append(
                        {"role": "assistant", "content": _notice("working", TEXT[t.language]["working"], t.language)}
                    )
                else:
                    out.append({"role": "assistant", "content": t.html})
            return out


class ChatUI:
    """Handlers for the page, with the answer, ingest and remove functions injected."""

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
    ) -> None:
        self.settings = settings
        self.answer_fn = answer_fn
        self.ingest_fn = ingest_fn
        self.docs_fn = docs_fn
        self.source_fn = source_fn
        self.remove_fn = remove_fn
        self.words_fn = words_fn
        self.bundled_id = bundled_id
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
    def reply(self, question: str, past: list[dict[str, str]], language: Lang) -> tuple[str, str]:
        """The rendered reply to one question and its plain text (for follow-ups)."""
        if self.words_fn is not None and not has_content(question, self.words_fn()):
            return _notice("rephrase", TEXT[language]["rephrase"], language), ""
        try:
            ans = self.answer_fn(question, history=past)
        except RagError as exc:  # expected (a store that went away): one log line, the user told in their language
            log.warning("could not answer: %s", exc)
            return _notice("abstained", exc.in_language(language), language), ""
        except Exception:  # a bug: logged with its traceback; the question must not spin forever
            log.exception("answering %r failed", question)
            return _notice("abstained", TEXT[language]["failed_answer"], language), ""
        return render_answer(ans, self.source_fn, weak=is_weak(ans)), ans.text

    def submit(self, message: Any, order: float | None, session: ChatSession) -> tuple[list[dict[str, str]], Any]:
        """Show the question at once, waiting for its answer, in the place the browser numbered it (`order`)."""
        import gradio as gr

        text = content_text(message).strip()
        if text:
            language: Lang = detect_language(text) if _LETTER.search(text) else (session.language or "en")
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

        with session.answering:
            with session.lock:
                turn = next((t for t in session.turns if t.state == "waiting"), None)
                done = session.turns[: session.turns.index(turn)] if turn else []
                past = [
                    m
                    for t in done
                    for m in ({"role": "user", "content": t.question}, {"role": "assistant", "content": t.text})
                ]
            if turn is not None:
                reply, text = self.reply(turn.question, past, turn.language)
                with session.lock:
                    if turn.state == "waiting":  # not stopped meanwhile
                        turn.html, turn.text, turn.state = reply, text, "done"
        return session.messages(), gr.update(visible=session.busy())

    def stop(self, session: ChatSession) -> tuple[list[dict[str, str]], Any]:
        """Stop every waiting question of the session (an answer already computing is dropped when it ends)."""
        import gradio as gr

        with session.lock:
            for t in session.turns:
                if t.state == "waiting":
                    t.state, t.html = "stopped", _notice("abstained", TEXT[t.language]["stopped"], t.language)
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
            language: Lang = detect_language(question) if _LETTER.search(question or "") else "en"
            ans = Answer(
                question=question, text=exc.in_language(language), language=language, abstained=True, reason=str(exc)
            )
        return ans.model_dump(exclude={"retrieved"})

    # --- documents ------------------------------------------------------------------------------------------
    def documents_markdown(self) -> str:
        """The side panel: the documents answers quote, and the active model/backend."""
        rows = ["| document · الوثيقة | outlet · الناشر | author · الكاتب | sentences · الجمل |", "|---|---|---|---|"]
        for d in self.docs_fn():
            cells = [_e(str(d.get(k, "")))[:80].replace("|", "/") for k in ("title", "outlet", "author", "chunks")]
            rows.append("| " + " | ".join(cells) + " |")
        model = self.settings.embedding_model or "multilingual-e5-small (+ USE-multilingual)"
        return "\n".join(rows) + f"\n\n**Model:** {_e(model)}  \n**Answer backend:** `{_e(self.settings.llm)}`"

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
            gr.update(placeholder=_e(placeholder)),
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
                messages.append(t["type"].format(name=_e(src.name)))
                continue
            twin = known.get(hashlib.sha256(src.read_bytes()).hexdigest())
            if twin is not None:
                title = _e(str(twin.get("title") or twin.get("id")))
                key = "same" if twin.get("id") == name else "twin"
                messages.append(t[key].format(title=title, name=_e(name)))
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
                messages.append(t["failed"].format(name=_e(name), why=_e(why)))
                continue
            doc = self.source_fn(name)
            title = _e(doc.title if doc and doc.title else name)
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
        return t["removed"].format(title=_e(doc.title if doc and doc.title else doc_id))


def build_app(ui: ChatUI) -> Any:
    """The Blocks page (no logic beyond wiring)."""
    import gradio as gr

    def per_tab(fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn(*inputs, session) as a gradio handler: gradio fills in the request, which names the tab."""

        def handler(request: Any, *inputs: Any) -> Any:
            return fn(*inputs, ui.session(request))

        handler.__annotations__ = {"request": gr.Request}  # gradio finds the parameter to fill by its type
        return handler

    with gr.Blocks(title="sco-chat") as app:
        gr.HTML(
            '<div id="title"><h1>sco-chat · <bdi>اسأل بالعربية أو بالإنجليزية</bdi> · Ask in Arabic or English</h1>'
            "<p>Every answer quotes its source verbatim; open a citation to see it highlighted. · "
            "<bdi>كل جواب يقتبس مصدره حرفيًا؛ افتح الاقتباس لترى موضعه.</bdi></p></div>",
            padding=False,
        )
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    height="min(560px, calc(100dvh - 230px))",
                    label="chat",
                    show_label=False,
                    buttons=[],
                    feedback_options=None,
                    placeholder="",
                )
                box = gr.Textbox(
                    placeholder="اكتب سؤالك… / Type your question…",
                    show_label=False,
                    elem_id="question",
                    autofocus=True,
                    max_lines=4,
                    lines=1,
                )
                with gr.Row(equal_height=True):
                    send = gr.Button("Ask · اسأل", variant="primary", elem_id="send", min_width=80)
                    stop = gr.Button("Stop · أوقف", variant="stop", elem_id="stop", visible=False, min_width=80)
                    clear = gr.Button("Clear · مسح", elem_id="clear", min_width=80)
                examples = gr.Examples(EXAMPLES, inputs=[box], label="Examples · أمثلة")
            with gr.Column(scale=2):
                docs = gr.Markdown(ui.documents_markdown(), elem_id="documents")
                files = gr.File(
                    label="Add .txt .md .pdf .docx .html (added when chosen) · أضف وثيقة (تُضاف فور اختيارها)",
                    file_types=UPLOAD_TYPES,
                    file_count="multiple",
                    elem_id="upload",
                )
                upload_msg = gr.Markdown(elem_id="upload-status")
                with gr.Row(equal_height=True):
                    choice = gr.Dropdown(
                        label="Remove a document · احذف وثيقة", choices=[], elem_id="remove-choice", scale=3
                    )
                    drop = gr.Button("Remove · احذف", elem_id="remove", scale=1, min_width=80)

        order = gr.Number(visible=False, precision=0)  # filled in by TAKE_QUESTION
        page_outputs = [docs, chatbot, examples.dataset, choice]
        asked = [
            trigger(
                per_tab(ui.submit),
                [box, order],
                [chatbot, stop],
                js=TAKE_QUESTION,
                # one at a time (microseconds each): each reply shows all the turns so far, and they reach the
                # page in the order they were made, so a later one never shows fewer questions than an earlier
                concurrency_id="take-question",
                concurrency_limit=1,
                show_progress="hidden",
                trigger_mode="multiple",
                api_visibility="private",
            )
            for trigger in (send.click, box.submit)
        ]
        # every way of asking shares one pool of `answer_workers` (rag.ui.serving): the rest wait in the queue
        workers = ui.settings.answer_workers
        answers = [
            event.then(
                per_tab(ui.answer_next),
                [],
                [chatbot, stop],
                show_progress="hidden",
                trigger_mode="multiple",  # one answer per question sent, however fast they come
                api_visibility="private",
                concurrency_id="answer",
                concurrency_limit=workers,
            )
            for event in asked
        ]
        stop.click(per_tab(ui.stop), [], [chatbot, stop], cancels=answers, queue=False, api_visibility="private")
        for forget in (clear.click, chatbot.clear):  # the chat's own trash icon forgets the session too
            forget(per_tab(ui.clear), [], [chatbot, box, stop], cancels=answers, queue=False, api_visibility="private")
        files.upload(per_tab(ui.upload), [files], [upload_msg, files], api_visibility="private").then(
            per_tab(ui.page), [], page_outputs, api_visibility="private"
        )
        drop.click(per_tab(ui.remove), [choice], [upload_msg], api_visibility="private").then(
            per_tab(ui.page), [], page_outputs, api_visibility="private"
        )
        app.load(per_tab(ui.page), [], page_outputs, api_visibility="private")
        app.unload(per_tab(ui.forget_session))  # the tab closed
        hidden_q = gr.Textbox(visible=False)
        hidden_out = gr.JSON(visible=False)
        hidden_q.submit(
            ui.ask_api, [hidden_q], [hidden_out], api_name="ask", concurrency_id="answer", concurrency_limit=workers
        )
        chat_q = gr.Textbox(visible=False)
        chat_history = gr.Chatbot(visible=False)
        chat_q.submit(
            ui.respond,
            [chat_q, chat_history],
            [chat_history, chat_q],
            api_name="chat",
            concurrency_id="answer",
            concurrency_limit=workers,
        )
    return app


def _known_words(pipe: Any) -> set[str]:
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


def make_ui(settings: Settings) -> ChatUI:
    """The real handlers: the warm pipeline's answer(), ingest() and remove()."""
    from rag.ingest import ingest, remove
    from rag.loaders import DEFAULT_DOCUMENT
    from rag.pipeline import answer, get_pipeline

    pipe = get_pipeline(settings)
    pipe.ensure_corpus()
    pipe.encode_together()

    def docs() -> list[dict[str, Any]]:
        return [{"id": k, **m} for k, m in sorted(pipe.store.document_meta().items())]

    return ChatUI(
        settings,
        answer_fn=lambda q, history=None: answer(q, history=history, pipeline=pipe),
        ingest_fn=lambda paths: ingest(
            paths, settings, store=pipe.store, embeddings=pipe.embeddings, second=pipe.second
        ),
        docs_fn=docs,
        source_fn=pipe.store.document,
        remove_fn=lambda doc_id: remove(doc_id, settings, store=pipe.store),
        words_fn=lambda: pipe.store.per_generation("ui:words", lambda: _known_words(pipe)),
        bundled_id=DEFAULT_DOCUMENT,
    )


def serve(
    ui: ChatUI,
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: tuple[str, str] | None = None,
    block: bool = True,
) -> Any:
    """Serve a page for these handlers (the real ones, or fakes in tests); returns the app when not blocking."""
    app = build_app(ui)
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        css=CSS,
        head=HEAD,
        show_error=False,
        max_file_size=settings.max_document_bytes,
        allowed_paths=[],
        theme=None,
        prevent_thread_lock=not block,
        quiet=not block,
    )
    return app


def serving(settings: Settings) -> Settings:
    """The server's threads: `answer_workers` questions at once, each on one thread of torch and of BLAS, their
    question vectors encoded in shared batches (`Pipeline.encode_together`).

    Torch's and BLAS's own pools would each take every core for every question answered at once: on 2 busy
    cores, 2 torch threads per question made an e5 question vector 5x slower. With 16 clients (bench.load) a
    request cost the server 74-95 ms of CPU, against 144-159 ms with 2 torch threads, 4 questions at a time
    per endpoint and no batching. RAG_THREADS, when set, still decides torch's."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # process-wide, for every BLAS numpy and torch link
    return settings if "threads" in settings.model_fields_set else settings.model_copy(update={"threads": 1})


def launch(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False, auth: str | None = None
) -> None:
    """Serve the page (loopback by default, analytics off)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = serving(settings)
    creds = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            raise RagError("--auth must look like USER:PASSWORD")
        creds = (user, password)
    serve(make_ui(settings), settings, host=host, port=port, share=share, auth=creds)
