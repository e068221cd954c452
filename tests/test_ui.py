"""Chat page handlers with a fake answer(): rendering, per-session turns, weak evidence, uploads, removal.

The real server, the gradio_client APIs and headless Chromium are in tests/test_ui_browser.py."""

import threading
import time

import pytest

from rag.chat import ChatSession, ChatUI, safe_upload_name
from rag.chat_render import has_content, is_weak, render_answer, render_question, words_of
from rag.errors import DocumentError
from rag.schema import Answer, Chunk, Citation, Document, IngestReport, Retrieved

SOURCE = Document(
    id="doc.txt",
    title="<b>Title</b>",
    language="ar",
    text="سطر أول.\nقبل <script>alert(1)</script> الاقتباس هنا. بعده.\n",
    sha256="abc",
)
QUOTE = "الاقتباس هنا."
QUOTE_START = SOURCE.text.index(QUOTE)
CHUNK = Chunk(
    id="c1",
    source="doc.txt",
    text=QUOTE,
    start=QUOTE_START,
    end=QUOTE_START + len(QUOTE),
    paragraph=2,
    para_start=0,
    para_end=10,
)


def quoted(question, *, lexical=3.0, short=None, header="يقول المصدر:"):
    text = (f"الجواب: {short} [1]\n\n" if short else "") + f"{header}\n[1] «{QUOTE}»"
    return Answer(
        question=question,
        text=text,
        language="ar",
        abstained=False,
        short_answer=short,
        citations=[Citation(n=1, quote=QUOTE, source="doc.txt", start=CHUNK.start, end=CHUNK.end, paragraph=2)],
        retrieved=[Retrieved(chunk=CHUNK, score=1.0, lexical=lexical)],
    )


def fake_answer(question, history=None):
    if "population" in question:
        return Answer(question=question, text="The sources don't say.", language="en", abstained=True)
    return quoted(question)


def make(tmp_path, settings, answer_fn=fake_answer, docs=None, known=None):
    ingested, removed = [], []
    docs = docs if docs is not None else [{"id": "doc.txt", "title": "<i>t</i>", "outlet": "o", "chunks": 3}]

    def ingest_fn(paths):
        ingested.extend(paths)
        return IngestReport(documents=len(paths), added=2)

    def remove_fn(doc_id):
        if doc_id not in {d["id"] for d in docs}:
            raise DocumentError("no such document")
        removed.append(doc_id)

    ui = ChatUI(
        settings.model_copy(update={"store_dir": tmp_path / "store"}),
        answer_fn,
        ingest_fn,
        lambda: docs,
        lambda sid: SOURCE if sid == "doc.txt" else None,
        remove_fn=remove_fn,
        words_fn=lambda: known if known is not None else words_of(SOURCE.text + " what when who population"),
        bundled_id="doc.txt",
    )
    return ui, ingested, removed


def test_render_escapes_and_highlights_exact_offsets():
    out = render_answer(fake_answer("q"), lambda s: SOURCE)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert f"<mark>{QUOTE}</mark>" in out
    assert 'dir="rtl"' in out and "&lt;b&gt;Title&lt;/b&gt;" in out


def test_each_quote_shows_its_title_and_direction_in_the_answer_body():
    out = render_answer(fake_answer("q"), lambda s: SOURCE)
    body = out.split("<details")[0]
    assert '<p class="quote" dir="rtl" lang="ar">' in body and "— <bdi>&lt;b&gt;Title&lt;/b&gt;</bdi>" in body
    meta = out.split('<div class="meta"')[1].split("</div>")[0]  # title, paragraph and offsets isolated from bidi
    assert "<bdi>&lt;b&gt;Title&lt;/b&gt;</bdi>" in meta and "<bdi>2</bdi>" in meta
    assert f'<bdi dir="ltr">{CHUNK.start}–{CHUNK.end}</bdi>' in meta
    assert 'class="copy-answer"' in out


def test_abstention_looks_different():
    out = render_answer(fake_answer("population?"), lambda s: None)
    assert 'class="answer abstained"' in out and 'dir="ltr"' in out


def test_the_users_message_is_text():
    out = render_question("<img src=x onerror=alert(1)> **bold**", "en")
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt; **bold**" in out


def test_no_content_is_decided_from_the_question_text():
    known = words_of(SOURCE.text) | {"what", "population"}
    for junk in ("😀😀 ???", "!!! ...", "12 34", "asdkjh qwpoeiru", "ضصثق", "x"):
        assert not has_content(junk, known), junk
    assert has_content("what is the population?", known) and has_content("ما الاقتباس؟", known)
    assert has_content("الإقتباس", known)  # compared after normalisation (hamza folded)


def test_weak_evidence_is_presented_as_the_closest_passage():
    assert not is_weak(quoted("q"))
    assert not is_weak(quoted("q", lexical=0.0, short="2023"))  # a short answer was found in it
    weak = quoted("q", lexical=0.0)
    assert is_weak(weak)
    out = render_answer(weak, lambda s: SOURCE, weak=True)
    assert "أقرب مقطع (قد لا يجيب):" in out and "يقول المصدر" not in out and 'class="answer weak"' in out
    english = weak.model_copy(update={"language": "en", "text": f"The source says (quoted verbatim):\n[1] «{QUOTE}»"})
    out = render_answer(english, lambda s: SOURCE, weak=True)
    assert "Closest passage (may not answer):" in out and "The source says" not in out
    no_header = weak.model_copy(update={"text": f"[1] «{QUOTE}»"})
    assert "أقرب مقطع" in render_answer(no_header, lambda s: SOURCE, weak=True)


@pytest.mark.skipif("confidence" not in Retrieved.model_fields, reason="no ranker confidence in this schema")
def test_weak_evidence_follows_the_ranker_confidence_when_there_is_one():
    ans = quoted("q", lexical=5.0)
    ans.retrieved = [ans.retrieved[0].model_copy(update={"confidence": 0.2})]
    assert is_weak(ans)
    ans.retrieved = [ans.retrieved[0].model_copy(update={"confidence": 0.9})]
    assert not is_weak(ans)


def test_a_question_without_words_is_asked_again_not_answered(tmp_path, isolated):
    asked = []
    ui, _, _ = make(tmp_path, isolated, answer_fn=lambda q, history=None: asked.append(q) or quoted(q))
    session = ChatSession()
    for junk in ("😀😀 ???", "asdkjh qwpoeiru"):
        ui.submit(junk, None, session)
        ui.answer_next(session)
    messages, _ = ui.answer_next(session)
    assert asked == [] and all("<mark>" not in m["content"] for m in messages)
    assert messages[1]["content"].count("Please ask again") == 1 and 'class="answer rephrase"' in messages[3]["content"]


def test_questions_show_at_once_and_each_gets_its_own_answer(tmp_path, isolated):
    seen_history = []

    def answer_fn(q, history=None):
        seen_history.append(history)
        return quoted(q)

    ui, _, _ = make(tmp_path, isolated, answer_fn=answer_fn)
    session = ChatSession()
    messages, stop = ui.submit("ما الاقتباس؟", None, session)
    assert len(messages) == 2 and "working" in messages[1]["content"] and stop["visible"] is True
    ui.submit([{"type": "text", "text": "what <b>when</b>"}], None, session)  # gradio 6 sends parts
    messages, stop = ui.answer_next(session)
    assert "<mark>" in messages[1]["content"] and "working" in messages[3]["content"] and stop["visible"] is True
    messages, stop = ui.answer_next(session)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 2 and stop["visible"] is False
    assert "&lt;b&gt;when&lt;/b&gt;" in messages[2]["content"] and "<mark>" in messages[3]["content"]
    assert seen_history[0] == [] and seen_history[1][0] == {"role": "user", "content": "ما الاقتباس؟"}
    assert "«الاقتباس هنا.»" in seen_history[1][1]["content"]  # the previous answer as plain text, not HTML


def test_questions_keep_the_order_the_browser_sent_them_in(tmp_path, isolated):
    ui, _, _ = make(tmp_path, isolated)
    session = ChatSession()
    for text, order in (("what 2", 2), ("what 3", 3), ("what 1", 1)):  # requests sent together arrive in any order
        ui.submit(text, order, session)
    assert [t.question for t in session.turns] == ["what 1", "what 2", "what 3"]
    ui.answer_next(session)
    assert [t.state for t in session.turns] == ["done", "waiting", "waiting"]


def test_two_questions_answered_concurrently_both_survive(tmp_path, isolated):
    started = threading.Event()

    def slow(q, history=None):
        started.set()
        time.sleep(0.3)
        return quoted(q)

    ui, _, _ = make(tmp_path, isolated, answer_fn=slow)
    session = ChatSession()
    ui.submit("ما الاقتباس؟", None, session)
    results = []
    first = threading.Thread(target=lambda: results.append(ui.answer_next(session)[0]))
    first.start()
    started.wait(5)
    ui.submit("what when", None, session)  # sent while the first is being answered
    results.append(ui.answer_next(session)[0])
    first.join(5)
    final = max(results, key=lambda m: sum("<mark>" in x["content"] for x in m))
    assert len(final) == 4 and sum("<mark>" in m["content"] for m in final) == 2


def test_stop_stops_waiting_questions_and_drops_a_late_answer(tmp_path, isolated):
    ui, _, _ = make(tmp_path, isolated)
    session = ChatSession()
    ui.submit("ما الاقتباس؟", None, session)
    ui.submit("what when", None, session)
    messages, stop = ui.stop(session)
    assert stop["visible"] is False and sum("أُوقف" in m["content"] or "Stopped" in m["content"] for m in messages) == 2
    messages, _ = ui.answer_next(session)  # an answer computing when Stop was pressed lands nowhere
    assert all("<mark>" not in m["content"] for m in messages)
    ui.submit("what when", None, session)
    messages, _ = ui.answer_next(session)
    assert "<mark>" in messages[-1]["content"]
    assert ui.clear(session)[0] == [] and session.turns == []


def test_each_tab_has_one_session_even_when_its_first_events_come_together(tmp_path, isolated):
    ui, _, _ = make(tmp_path, isolated)

    class Request:
        def __init__(self, tab, language="en-US"):
            self.session_hash, self.headers = tab, {"accept-language": language}

    got = []
    threads = [threading.Thread(target=lambda: got.append(ui.session(Request("tab1")))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in got}) == 1 and ui.session(Request("tab2", "ar-EG")) is not got[0]
    assert ui.session(Request("tab2")).text["copy"] == "نسخ"  # the browser's language until a question is asked
    ui.forget_session(got[0])
    assert ui.session(Request("tab1")) is not got[0]


def test_chat_api_returns_the_history_with_the_cited_answer(tmp_path, isolated):
    ui, _, _ = make(tmp_path, isolated)
    before = [{"role": "user", "content": [{"type": "text", "text": "قبل"}]}, {"role": "assistant", "content": "x"}]
    history, box = ui.respond("ما الاقتباس؟", before)
    assert box == "" and history[-2] == {"role": "user", "content": "ما الاقتباس؟"}
    assert "<details" in history[-1]["content"] and "<mark>" in history[-1]["content"]


def test_upload_names_cannot_escape(tmp_path, isolated):
    assert safe_upload_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_upload_name("..\\..\\x.md") == "x.md"
    assert safe_upload_name(".hidden.txt") == "hidden.txt"
    ui, ingested, _ = make(tmp_path, isolated)
    evil = tmp_path / "evil name;rm -rf.txt"
    evil.write_text("نص", encoding="utf-8")
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ")
    msg, files = ui.upload([str(evil), str(exe)], ChatSession())
    assert (
        "only .txt, .md, .pdf, .docx and .html files can be added" in msg
        and "Added «evil_name_rm_-rf.txt» (2 sentences)" in msg
    )
    assert "chunk" not in msg and files["value"] is None  # the file box empties for the next file
    assert [p.parent for p in ingested] == [tmp_path / "store" / "uploads"]
    assert "&lt;i&gt;" in ui.documents_markdown() and "chunks" not in ui.documents_markdown()


def test_upload_failure_says_why_without_the_server_path(tmp_path, isolated):
    ui, _, _ = make(tmp_path, isolated)
    dest = tmp_path / "store" / "uploads" / "bin.txt"

    def refuse(paths):
        raise DocumentError(f"nothing to ingest:\n  {dest}: looks like a binary file, not text; save it as UTF-8")

    ui.ingest_fn = refuse
    upload = tmp_path / "bin.txt"
    upload.write_bytes(b"\x00\x01")
    msg, _ = ui.upload([str(upload)], ChatSession())
    assert msg == "bin.txt could not be added: looks like a binary file, not text; save it as UTF-8"


def test_upload_says_when_a_file_is_already_there_in_the_users_language(tmp_path, isolated):
    same = tmp_path / "doc.txt"
    same.write_text("نص", encoding="utf-8")
    import hashlib

    sha = hashlib.sha256(same.read_bytes()).hexdigest()
    docs = [{"id": "doc.txt", "title": "نص", "sha256": sha}]
    ui, ingested, _ = make(tmp_path, isolated, docs=docs)
    session = ChatSession()
    assert ui.upload([str(same)], session)[0] == "«نص» is already in the sources, unchanged."
    copy = tmp_path / "copy.txt"
    copy.write_bytes(same.read_bytes())
    session.language = "ar"
    assert ui.upload([str(copy)], session)[0] == "نص copy.txt هو نص «نص» الموجودة في المصادر من قبل."
    assert ingested == []
    assert ui.upload(None, ChatSession(browser_language="ar"))[0] == "اختر ملف ‎.txt أو ‎.md أو ‎.pdf أو ‎.docx أو ‎.html."


def test_remove_and_page_state_follow_the_documents(tmp_path, isolated):
    docs = [{"id": "doc.txt", "title": "The article"}]
    ui, _, removed = make(tmp_path, isolated, docs=docs)
    session = ChatSession()
    _, placeholder, examples, choice = ui.page(session)
    assert placeholder["placeholder"] == "Ask about «The article»" and examples["visible"] is True
    assert examples["label"] == "Examples · أمثلة" and choice["choices"] == [("The article", "doc.txt")]
    docs.append({"id": "other.md", "title": "Other <doc>"})
    _, placeholder, examples, _ = ui.page(session)
    assert "«Other &lt;doc&gt;»" in placeholder["placeholder"] and "The article" in examples["label"]
    assert ui.remove("doc.txt", session) == "Removed «&lt;b&gt;Title&lt;/b&gt;» from the sources."
    assert removed == ["doc.txt"] and ui.remove(None, session) == "Choose a document to remove."
    assert ui.remove("gone.txt", session) == "That document is no longer in the sources."
    del docs[0]
    _, placeholder, examples, _ = ui.page(session)
    assert examples["visible"] is False and "The article" not in placeholder["placeholder"]
