"""The Gradio chat page: the layout (`build_app`) wired to `ChatUI`'s handlers (rag.chat), and serving it.

The handlers, the per-tab sessions and the HTML live in rag.chat and rag.chat_render, what is built behind the
open port in rag.warmup; this module owns no retrieval logic and no rendering.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from rag.chat import UPLOAD_TYPES, ChatUI
from rag.chat_render import CSS, HEAD
from rag.errors import RagError
from rag.settings import Settings
from rag.warmup import Warming, known_words, warm_pipeline

__all__ = ["ChatUI", "build_app", "launch", "make_ui", "serve", "serving"]
EXAMPLES = [
    "متى عقد اجتماع مجلس رؤساء الدول؟",
    "ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟",
    "Which period does the SCO anti-drug strategy cover?",
    "Who is the SCO national coordinator in Kazakhstan?",
    "What is the population of Kazakhstan?",
]


# Runs in the browser as a question is sent: empties the box there and then (an emptying sent back with the
# reply could wipe out the next question already being typed), and numbers the question in the order it was
# sent, which the server keeps: requests sent together are not handled in the order they were sent.
TAKE_QUESTION = """(question, order) => {
  const box = document.querySelector("#question textarea");
  if (box) { box.value = ""; box.dispatchEvent(new Event("input", {bubbles: true})); }
  window.__ragAsked = (window.__ragAsked || 0) + 1;
  return [question, window.__ragAsked];
}"""


def build_app(ui: ChatUI) -> Any:
    """The Blocks page (no logic beyond wiring)."""
    import gradio as gr

    def per_tab(fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn(*inputs, session) as a gradio handler: gradio fills in the request, which names the tab."""

        def handler(request: Any, *inputs: Any) -> Any:
            return fn(*inputs, ui.session(request))

        handler.__annotations__ = {"request": gr.Request}  # gradio finds the parameter to fill by its type
        return handler

    def per_tab_stream(fn: Callable[..., Any]) -> Callable[..., Any]:
        """per_tab for a generator: gradio streams a handler only if the handler itself is a generator."""

        def handler(request: Any, *inputs: Any) -> Any:
            yield from fn(*inputs, ui.session(request))

        handler.__annotations__ = {"request": gr.Request}
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
                docs = gr.Markdown(elem_id="documents")  # filled in by ui.page when the page loads
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
                per_tab_stream(ui.answer_stream),  # an LLM's tokens as they arrive; an extractive answer at once
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


def make_ui(settings: Settings, build: Callable[[], Any] | None = None) -> ChatUI:
    """The real handlers over the warm pipeline's answer(), ingest() and remove(). The pipeline (`build`, the
    real one by default) is built by `ChatUI.warm_up` once the page is serving; a handler needing it first waits."""
    from rag.ingest import ingest, remove
    from rag.loaders import DEFAULT_DOCUMENT
    from rag.pipeline import answer

    pipeline = Warming(build or (lambda: warm_pipeline(settings)))
    pipe = pipeline.get

    def docs() -> list[dict[str, Any]]:
        return [{"id": k, **m} for k, m in sorted(pipe().store.document_meta().items())]

    def add(paths: list[Any]) -> Any:
        p = pipe()
        return ingest(paths, settings, store=p.store, embeddings=p.embeddings, second=p.second)

    def words() -> set[str]:
        return pipe().store.per_generation("ui:words", lambda: known_words(pipe()))

    return ChatUI(
        settings,
        answer_fn=lambda q, history=None: answer(q, history=history, pipeline=pipe()),
        ingest_fn=add,
        docs_fn=docs,
        source_fn=lambda doc_id: pipe().store.document(doc_id),
        remove_fn=lambda doc_id: remove(doc_id, settings, store=pipe().store),
        words_fn=words,
        bundled_id=DEFAULT_DOCUMENT,
        warm_up=lambda: pipeline.start(then=lambda _: words()),  # the words too: the first question needs them
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
    """Serve a page for these handlers (the real ones, or fakes in tests), then start `ui.warm_up`; returns the app
    when not blocking."""
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
        prevent_thread_lock=True,
        quiet=not block,
    )
    if ui.warm_up is not None:  # the port is open: what answering needs is built behind it
        ui.warm_up()
    if block:
        app.block_thread()
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
