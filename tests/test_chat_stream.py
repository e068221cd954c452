"""The chat page streams a generative backend's reply as its tokens arrive, then shows the verified answer in its
place; with the extractive backend the answer shows at once. A scripted chat model that yields tokens
(langchain_core's GenericFakeChatModel streams word by word), and the real SmolLM2 GGUF served by xllamacpp."""

import json
import threading

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from rag.answering.llm import draft_text, streaming_drafts
from rag.chat import DRAFT_TEXT, ChatSession, ChatUI
from rag.citations import check_answer
from rag.pipeline import Pipeline, answer
from tests.conftest import FakeEmbeddings

Q = "ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟"
REAL = "مركز أستانا المالي الدولي"
CLAIM = "Kazakhstan proposed the Astana International Financial Centre as a platform"


def scripted(*claims):
    reply = json.dumps({"claims": list(claims)}, ensure_ascii=False)
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))


class Paused(GenericFakeChatModel):
    """Streams word by word like its parent, but stops after the first word of the claim until `go` is set: the
    page must show that word as a draft while the model is still writing (no timing involved)."""

    go: threading.Event

    def _stream(self, *args, **kwargs):
        for chunk in super()._stream(*args, **kwargs):
            yield chunk
            if "Kazakhstan" in chunk.message.content:
                assert self.go.wait(30), "the page never showed the first draft"


def chat_over(settings, pipe):
    return ChatUI(
        settings,
        answer_fn=lambda q, history=None: answer(q, history=history, pipeline=pipe),
        ingest_fn=lambda paths: None,
        docs_fn=lambda: [],
        source_fn=pipe.store.document,
    )


def llm_pipe(isolated, model=None, llm="openai:scripted"):
    settings = isolated.model_copy(update={"llm": llm})
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None, chat_model=model)
    pipe.ensure_corpus()
    return settings, pipe


def passage_of(pipe, text):
    got = pipe.retriever.retrieve(Q)
    return next(i + 1 for i, r in enumerate(got) if text in r.chunk.text)


def pages(ui, question):
    session = ChatSession("en")
    ui.submit(question, 1, session)
    return [messages[-1]["content"] for messages, _ in ui.answer_stream(session)], session


def test_draft_text_reads_an_unfinished_reply():
    assert draft_text('{"claims": [{"text": "The summ') == "The summ"
    assert draft_text('{"claims": [{"text": "One", "quote": "x"}, {"text": "Tw') == "One\nTw"
    assert draft_text('{"cla') == ""
    assert draft_text("The answer is") == "The answer is"  # prose instead of JSON: shown as it comes


def test_the_reply_streams_token_by_token_then_the_verified_answer_replaces_it(isolated):
    settings, pipe = llm_pipe(isolated)
    n = passage_of(pipe, REAL)
    drafts: list[str] = []
    reply = json.dumps({"claims": [{"text": CLAIM, "quote": REAL, "passage": n}]}, ensure_ascii=False)
    pipe.llm().model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    assert json.loads(pipe.llm().reply("q", drafts.append))["claims"][0]["text"] == CLAIM
    assert drafts == [" ".join(CLAIM.split()[: i + 1]) for i in range(len(CLAIM.split()))]  # a draft per token

    go = threading.Event()
    pipe.llm().model = Paused(messages=iter([AIMessage(content=reply)]), go=go)
    session = ChatSession("en")
    ui = chat_over(settings, pipe)
    ui.submit(Q, 1, session)
    shown = []
    for messages, _ in ui.answer_stream(session):
        shown.append(messages[-1]["content"])
        go.set()
    first, final = shown[0], shown[-1]
    assert 'class="answer working draft"' in first and DRAFT_TEXT["ar"]["draft"] in first  # the asker's language
    assert ">Kazakhstan</p>" in first  # the first word, shown while the model was still writing
    assert "draft" not in final and f"<mark>{REAL}</mark>" in final and DRAFT_TEXT["ar"]["unverified"] not in final
    assert session.turns[0].state == "done" and not session.turns[0].draft


def test_a_draft_that_does_not_verify_is_replaced_and_the_page_says_so(isolated):
    settings, pipe = llm_pipe(isolated)
    pipe._chat_model = scripted({"text": "Dubai", "quote": "مركز دبي المالي العالمي", "passage": 1})
    shown, _ = pages(chat_over(settings, pipe), Q)
    assert any('class="answer working draft"' in h and "Dubai" in h for h in shown[:-1])
    assert DRAFT_TEXT["ar"]["unverified"] in shown[-1] and "Dubai" not in shown[-1]


def test_the_extractive_answer_shows_at_once(fake_pipeline):
    settings = fake_pipeline.settings
    shown, _ = pages(chat_over(settings, fake_pipeline), Q)
    assert len(shown) == 1 and "draft" not in shown[0] and "<mark>" in shown[0]


def test_without_streaming_the_reply_is_read_whole(isolated):
    _, pipe = llm_pipe(isolated)
    n = passage_of(pipe, REAL)
    pipe._chat_model = scripted({"text": CLAIM, "quote": REAL, "passage": n})
    res = answer(Q, pipeline=pipe)  # no streaming_drafts around it: invoke(), as the CLI and the eval use it
    assert res.backend == "openai:scripted" and res.citations[0].quote == REAL


@pytest.mark.real
def test_the_real_small_model_streams_its_tokens(isolated):
    from tests.test_gguf import smollm2

    path = smollm2()
    _, pipe = llm_pipe(isolated, llm=f"gguf:{path}")
    drafts: list[str] = []
    reply = pipe.llm().reply("Write three short sentences about the sea.", drafts.append)
    assert len(drafts) >= 3 and drafts[-1] == reply.strip()  # the prose grew as xllamacpp sent its tokens
    assert all(drafts[i + 1].startswith(drafts[i].rstrip()) for i in range(len(drafts) - 1))
    drafts.clear()
    with streaming_drafts(drafts.append):  # what the chat page does around a question
        res = answer(Q, pipeline=pipe)
    assert res.backend in (f"gguf:{path}", "extractive")
    sources = {c.source: pipe.store.document(c.source).text for c in res.citations}
    assert check_answer(res.text, res.citations, sources) == []  # streamed or not, only verified quotes
