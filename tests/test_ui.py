"""Chat page: handler tests with a fake answer(), a gradio_client API test, and a real browser test."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.pipeline import content_text
from rag.schema import Answer, Citation, Document, IngestReport
from rag.ui import ChatUI, render_answer, safe_upload_name
from tests.conftest import free_port, wait_for_port

SOURCE = Document(
    id="doc.txt",
    title="<b>Title</b>",
    language="ar",
    text="سطر أول.\nقبل <script>alert(1)</script> الاقتباس هنا. بعده.\n",
)
QUOTE_START = SOURCE.text.index("الاقتباس")


def fake_answer(question, history=None):
    if "population" in question:
        return Answer(question=question, text="The sources don't say.", language="en", abstained=True)
    quote = "الاقتباس هنا."
    return Answer(
        question=question,
        text=f"يقول المصدر:\n[1] «{quote}»",
        language="ar",
        abstained=False,
        citations=[
            Citation(n=1, quote=quote, source="doc.txt", start=QUOTE_START, end=QUOTE_START + len(quote), paragraph=2)
        ],
    )


def make(tmp_path, settings):
    ingested = []

    def ingest_fn(paths):
        ingested.extend(paths)
        return IngestReport(documents=len(paths), added=2)

    ui = ChatUI(
        settings.model_copy(update={"store_dir": tmp_path / "store"}),
        fake_answer,
        ingest_fn,
        lambda: [{"title": "<i>t</i>", "outlet": "o", "author": "a", "chunks": 3}],
        lambda sid: SOURCE if sid == "doc.txt" else None,
    )
    return ui, ingested


def test_render_escapes_and_highlights_exact_offsets():
    out = render_answer(fake_answer("q"), lambda s: SOURCE)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>الاقتباس هنا.</mark>" in out
    assert 'dir="rtl"' in out and "&lt;b&gt;Title&lt;/b&gt;" in out


def test_abstention_looks_different():
    out = render_answer(fake_answer("population?"), lambda s: None)
    assert 'class="answer abstained"' in out and 'dir="ltr"' in out


def test_respond_streams_then_shows_citations(tmp_path, isolated):
    ui, _ = make(tmp_path, isolated)
    steps = list(
        ui.respond(
            "سؤال",
            [{"role": "user", "content": [{"type": "text", "text": "قبل"}]}, {"role": "assistant", "content": "x"}],
        )
    )
    assert len(steps) >= 2
    final, box = steps[-1]
    assert box == "" and final[-2] == {"role": "user", "content": "سؤال"}
    assert "<details" in final[-1]["content"] and "<mark>" in final[-1]["content"]


def test_upload_names_cannot_escape(tmp_path, isolated):
    assert safe_upload_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_upload_name("..\\..\\x.md") == "x.md"
    assert safe_upload_name(".hidden.txt") == "hidden.txt"
    ui, ingested = make(tmp_path, isolated)
    evil = tmp_path / "evil name;rm -rf.txt"
    evil.write_text("نص", encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    msg, docs = ui.upload([str(evil), str(pdf)])
    assert "unsupported type" in msg and "citable" in msg
    assert [p.parent for p in ingested] == [tmp_path / "store" / "uploads"]
    assert "&lt;i&gt;" in docs


@pytest.fixture(scope="module")
def server(tmp_path_factory, model_dir):
    store = tmp_path_factory.mktemp("chat-store")
    port = free_port()
    env = {**__import__("os").environ, "RAG_STORE_DIR": str(store), "RAG_MODEL_DIR": str(model_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "chat", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_port(port, proc, 240)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.real
def test_gradio_client_api(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    res = client.predict("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", api_name="/ask")
    assert not res["abstained"] and "مركز أستانا المالي الدولي" in res["citations"][0]["quote"]


CONCURRENT = [
    ("متى عقد اجتماع مجلس رؤساء الدول؟", "يوليو 2023"),
    ("Which period does the SCO anti-drug strategy cover?", "2024-2029"),
    ("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", "مركز أستانا المالي الدولي"),
    ("For which years is the programme on combating terrorism, separatism and extremism?", "2025-2027"),
    ("من هو كاتب المقال؟", "زمان باجوا"),
    ("When was the first meeting of the National Coordination Council?", "أغسطس 2023"),
    ("ماذا ألغى ميثاق منظمة شنغهاي للتعاون؟", "ميثا"),
    ("What is the population of Kazakhstan?", None),  # must abstain, not borrow another answer
]


@pytest.mark.real
def test_eight_simultaneous_chats_get_their_own_answers(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    t0 = time.perf_counter()
    jobs = [client.submit(q, [], api_name="/chat") for q, _ in CONCURRENT]
    results = [job.result(timeout=180) for job in jobs]
    print(f"8 concurrent chats answered in {time.perf_counter() - t0:.2f} s")
    for (question, expected), (history, box) in zip(CONCURRENT, results, strict=True):
        assert box == ""
        assert content_text(history[-2]["content"]) == question
        reply = content_text(history[-1]["content"])
        if expected is None:
            assert "abstained" in reply and "<mark>" not in reply
        else:
            assert expected in reply and "<mark>" in reply, (question, reply[:300])


def _browser(p):
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    return p.chromium.launch(executable_path=shutil.which("chromium"), args=flags)


@pytest.mark.real
@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed (.ci/test.sh installs it)")
def test_browser_arabic_and_english(server):
    from playwright.sync_api import sync_playwright

    shots = Path(__file__).parent / "artifacts"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        t0 = time.perf_counter()
        page.goto(server)
        page.wait_for_selector("#question textarea")
        cases = [
            ("متى عقد اجتماع مجلس رؤساء الدول؟", "rtl", "يوليو 2023"),
            ("Which period does the SCO anti-drug strategy cover?", "ltr", "2024-2029"),
        ]
        for i, (question, direction, expected) in enumerate(cases, start=1):
            page.fill("#question textarea", question)
            t0 = time.perf_counter()
            page.click("#send")
            page.wait_for_function(
                "n => document.querySelectorAll('#chat details.citation').length >= n", arg=i, timeout=60_000
            )
            print(f"full answer in the browser: {time.perf_counter() - t0:.2f} s")
            answer = page.query_selector_all("#chat .answer")[-1]
            assert answer.evaluate("e => getComputedStyle(e).direction") == direction
            assert expected in answer.inner_text()
            details = page.query_selector_all("#chat details.citation")[-1]
            details.click()
            mark = details.query_selector("mark")
            assert mark.is_visible() and expected in details.inner_text()
            page.screenshot(path=str(shots / f"chat-{direction}.png"), full_page=True)
        browser.close()


HOSTILE = (
    "Zanzibar harbour notes.\n"
    "The harbour board of Zanzibar approved <script>window.__pwned = 1</script> the crane contract "
    '<img src=x onerror="window.__pwned = 2"> in March 2031.\n'
)


@pytest.mark.real
@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed (.ci/test.sh installs it)")
def test_browser_hostile_upload_is_shown_as_text_and_never_runs(server, tmp_path):
    """Last in this file: it adds a document to the shared server's store."""
    from playwright.sync_api import sync_playwright

    doc = tmp_path / "zanzibar.txt"
    doc.write_text(HOSTILE, encoding="utf-8")
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server)
        page.wait_for_selector("#question textarea")
        page.set_input_files("#upload input[type=file]", str(doc))
        page.click("#add")
        page.wait_for_function(
            "() => document.querySelector('#upload-status').innerText.includes('citable')", timeout=120_000
        )
        assert "zanzibar" in page.inner_text("#documents").lower()
        page.fill("#question textarea", "When did the harbour board of Zanzibar approve the crane contract?")
        page.click("#send")
        page.wait_for_function("() => document.querySelectorAll('#chat details.citation').length >= 1", timeout=60_000)
        details = page.query_selector_all("#chat details.citation")[-1]
        details.click()
        text = page.inner_text("#chat")
        assert "<script>window.__pwned = 1</script>" in text and "onerror" in text  # shown, as text
        assert page.evaluate("() => window.__pwned") is None and dialogs == []
        assert page.query_selector("#chat script") is None and page.query_selector("#chat img[src=x]") is None
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / "chat-hostile.png"), full_page=True)
        browser.close()
