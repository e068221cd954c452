"""The Gradio chat page: a thin shell over `answer()` and `ingest()`; it owns no retrieval logic."""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.pipeline import content_text
from rag.schema import Answer
from rag.settings import Settings

AnswerFn = Callable[..., Answer]
EXAMPLES = [
    "متى عقد اجتماع مجلس رؤساء الدول؟",
    "ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟",
    "Which period does the SCO anti-drug strategy cover?",
    "Who is the SCO national coordinator in Kazakhstan?",
    "What is the population of Kazakhstan?",
]
UPLOAD_TYPES = [".txt", ".md"]
CSS = """
#chat .message, #chat .message-content { unicode-bidi: plaintext; }
.answer, .citation, .para { font-family: 'Noto Naskh Arabic', 'Noto Sans Arabic', 'Noto Sans', sans-serif; }
.answer[dir=rtl], .para[dir=rtl] { text-align: right; }
.answer .line { margin: 0 0 .35em 0; unicode-bidi: plaintext; }
.answer.abstained { border-inline-start: 4px solid #d97706; padding-inline-start: .6em; color: #92400e; }
.citation { margin: .3em 0; border: 1px solid #d1d5db; border-radius: 6px; padding: .25em .5em; }
.citation summary { cursor: pointer; unicode-bidi: plaintext; }
.citation .meta { color: #6b7280; font-size: .85em; }
.para mark { background: #fde68a; padding: 0 .1em; }
.cite { font-weight: 600; color: #1d4ed8; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _line(text: str) -> str:
    """One escaped line with `[n]` markers styled (markers are digits only, so no markup can slip in)."""
    return re.sub(r"\[(\d+)\]", r'<span class="cite">[\1]</span>', _e(text))


def render_answer(ans: Answer, sources: Callable[[str], Any]) -> str:
    """The answer as HTML: direction per message, escaped text, and openable highlighted citations."""
    direction = "rtl" if ans.language == "ar" else "ltr"
    cls = "answer abstained" if ans.abstained else "answer"
    lines = [f'<p class="line" dir="auto">{_line(line)}</p>' for line in ans.text.split("\n") if line.strip()]
    parts = [f'<div class="{cls}" dir="{direction}" lang="{ans.language}">', *lines, "</div>"]
    for c in ans.citations:
        doc = sources(c.source)
        text = doc.text if doc else ""
        # the paragraph around the quote, from the verified offsets
        p_start = text.rfind("\n", 0, c.start) + 1
        p_end = text.find("\n", c.end)
        p_end = len(text) if p_end < 0 else p_end
        para = f"{_e(text[p_start : c.start])}<mark>{_e(text[c.start : c.end])}</mark>{_e(text[c.end : p_end])}"
        title = _e(doc.title if doc and doc.title else c.source)
        where = "paragraph" if ans.language == "en" else "الفقرة"
        parts.append(
            f'<details class="citation" data-n="{c.n}" dir="auto"><summary><span class="cite">[{c.n}]</span> '
            f"{_e(c.quote[:90])}{'…' if len(c.quote) > 90 else ''}</summary>"
            f'<div class="meta" dir="auto">{title} · {where} {c.paragraph} · {c.start}–{c.end}</div>'
            f'<p class="para" dir="auto" lang="{_e(doc.language if doc else "")}">{para}</p></details>'
        )
    for note in ans.notes:
        parts.append(f'<p class="meta" dir="auto">{_e(note)}</p>')
    return "\n".join(parts)


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload folder (no separators, no dot-dot, no hidden files)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u0600-\u06ff]+", "_", base).lstrip(".")
    return base[:120] or "upload.txt"


class ChatUI:
    """Handlers for the page, with the answer and ingest functions injected."""

    def __init__(
        self,
        settings: Settings,
        answer_fn: AnswerFn,
        ingest_fn: Callable[..., Any],
        docs_fn: Callable[[], list[dict[str, Any]]],
        source_fn: Callable[[str], Any],
    ) -> None:
        self.settings = settings
        self.answer_fn = answer_fn
        self.ingest_fn = ingest_fn
        self.docs_fn = docs_fn
        self.source_fn = source_fn

    def respond(self, message: str, history: list[dict[str, Any]]) -> Iterator[tuple[list[dict[str, Any]], str]]:
        """Stream the answer into the chat, then replace it with the verified, cited version."""
        history = list(history or [])
        message = content_text(message)
        history.append({"role": "user", "content": message})
        past = [{"role": m["role"], "content": content_text(m["content"])} for m in history[:-1]]
        try:
            ans = self.answer_fn(message, history=past)
        except RagError as exc:
            history.append(
                {"role": "assistant", "content": f'<div class="answer abstained" dir="auto">{_e(str(exc))}</div>'}
            )
            yield history, ""
            return
        words = ans.text.split(" ")
        direction = "rtl" if ans.language == "ar" else "ltr"
        history.append({"role": "assistant", "content": ""})
        step = max(1, len(words) // 6)
        for i in range(step, len(words), step):  # stream the text as it is written
            partial = _e(" ".join(words[:i]))
            history[-1] = {"role": "assistant", "content": f'<div class="answer" dir="{direction}">{partial} …</div>'}
            yield history, ""
            time.sleep(0.02)
        history[-1] = {"role": "assistant", "content": render_answer(ans, self.source_fn)}
        yield history, ""

    def ask_api(self, question: str) -> dict[str, Any]:
        """The JSON API (`/ask`): the whole Answer object."""
        ans = self.answer_fn(question, history=None)
        return ans.model_dump(exclude={"retrieved"})

    def documents_markdown(self) -> str:
        """The side panel: ingested documents and the active model/backend."""
        rows = ["| document | outlet | author | chunks |", "|---|---|---|---|"]
        for d in self.docs_fn():
            cells = [_e(str(d.get(k, "")))[:80].replace("|", "/") for k in ("title", "outlet", "author", "chunks")]
            rows.append("| " + " | ".join(cells) + " |")
        model = self.settings.embedding_model or "multilingual-e5-small (+ USE-multilingual)"
        return "\n".join(rows) + f"\n\n**Model:** {_e(model)}  \n**Answer backend:** `{_e(self.settings.llm)}`"

    def upload(self, files: list[Any] | None) -> tuple[str, str]:
        """Copy uploads into the store's upload folder under safe names, then ingest them."""
        if not files:
            return "Choose a .txt or .md file first.", self.documents_markdown()
        folder = self.settings.store_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        targets = []
        messages = []
        for f in files:
            src = Path(getattr(f, "name", f))
            name = safe_upload_name(src.name)
            if Path(name).suffix.lower() not in UPLOAD_TYPES:
                messages.append(f"{_e(src.name)}: unsupported type; upload .txt or .md")
                continue
            dest = folder / name
            shutil.copyfile(src, dest)
            targets.append(dest)
        if targets:
            try:
                report = self.ingest_fn(targets)
                messages += [_e(s) for s in report.skipped]
                messages.append(
                    f"Added {report.documents} document(s): {report.added} new chunks, "
                    f"{report.unchanged} unchanged. They are citable now."
                )
            except RagError as exc:
                messages.append(_e(str(exc)))
        return "\n\n".join(messages), self.documents_markdown()


def build_app(ui: ChatUI) -> Any:
    """The Blocks page (no logic beyond wiring)."""
    import gradio as gr

    with gr.Blocks(title="sco-chat") as app:
        gr.Markdown(
            "## sco-chat — اسأل بالعربية أو بالإنجليزية · Ask in Arabic or English\n"
            "Every answer quotes its source verbatim; open a citation to see it highlighted."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    height=560,
                    label="chat",
                    buttons=["copy"],
                    feedback_options=None,
                    placeholder="Ask about Kazakhstan's SCO chairmanship",
                )
                box = gr.Textbox(
                    placeholder="اكتب سؤالك… / Type your question…",
                    show_label=False,
                    elem_id="question",
                    rtl=False,
                    autofocus=True,
                    max_lines=4,
                )
                with gr.Row():
                    send = gr.Button("Ask · اسأل", variant="primary", elem_id="send")
                    gr.ClearButton([chatbot, box], value="Clear chat · مسح", elem_id="clear")
                gr.Examples(EXAMPLES, inputs=[box], label="Examples · أمثلة")
            with gr.Column(scale=2):
                docs = gr.Markdown(ui.documents_markdown(), elem_id="documents")
                files = gr.File(
                    label="Add a .txt / .md document", file_types=UPLOAD_TYPES, file_count="multiple", elem_id="upload"
                )
                add = gr.Button("Add to sources · أضف", elem_id="add")
                upload_msg = gr.Markdown(elem_id="upload-status")
        send.click(ui.respond, [box, chatbot], [chatbot, box], api_name="chat")
        box.submit(ui.respond, [box, chatbot], [chatbot, box], api_visibility="private")
        add.click(ui.upload, [files], [upload_msg, docs], api_visibility="private")
        hidden_q = gr.Textbox(visible=False)
        hidden_out = gr.JSON(visible=False)
        hidden_q.submit(ui.ask_api, [hidden_q], [hidden_out], api_name="ask")
    return app


def make_ui(settings: Settings) -> ChatUI:
    """The real handlers: the warm pipeline's answer() and ingest()."""
    from rag.ingest import ingest
    from rag.pipeline import answer, get_pipeline

    pipe = get_pipeline(settings)
    pipe.ensure_corpus()

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
    )


def launch(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False, auth: str | None = None
) -> None:
    """Serve the page (loopback by default, analytics off)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    creds = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            raise RagError("--auth must look like USER:PASSWORD")
        creds = (user, password)
    app = build_app(make_ui(settings))
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=creds,
        css=CSS,
        show_error=False,
        max_file_size=settings.max_document_bytes,
        allowed_paths=[],
        theme=None,
    )
