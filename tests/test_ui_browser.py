"""The real chat page: one `rag chat` server on the real article, its gradio_client APIs, and headless Chromium
(Debian's, via playwright) in light and dark mode, at desktop and phone (390×844) size.

Screenshots go to a pytest temporary folder (its path is printed); the tests that add or remove documents
run last, as they change the shared server's store."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.pipeline import content_text
from tests.conftest import free_port, wait_for_port

pytestmark = pytest.mark.real
DESKTOP = {"width": 1300, "height": 1000}
PHONE = {"width": 390, "height": 844}
DATE_Q = ("متى عقد اجتماع مجلس رؤساء الدول؟", "يوليو 2023")
PERIOD_Q = ("Which period does the SCO anti-drug strategy cover?", "2024-2029")
ABSTAIN_Q = "What is the population of Kazakhstan?"

# WCAG contrast of an element's text against the first opaque background behind it (alpha blended).
CONTRAST_JS = """e => {
  const rgba = s => (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const layers = [];
  for (let n = e; n; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let bg = [255, 255, 255];
  for (const c of layers.reverse()) bg = bg.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
  const fg = rgba(getComputedStyle(e).color);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""

# Remember whether the working indicator and the Stop button were ever shown (answers come back in ~0.1 s).
WATCH_JS = """() => {
  window.__sawWorking = false; window.__sawStop = false;
  new MutationObserver(() => {
    if (document.querySelector("#chat .working")) window.__sawWorking = true;
    const stop = document.querySelector("#stop");
    if (stop && stop.offsetParent !== null) window.__sawStop = true;
  }).observe(document.body, {childList: true, subtree: true, attributes: true});
}"""
SETTLED = (  # n questions and n replies shown (messages render one by one), none still being answered
    "n => document.querySelectorAll('#chat .question').length >= n"
    " && document.querySelectorAll('#chat .answer:not(.working)').length >= n"
    " && !document.querySelector('#chat .working')"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, model_dir):
    store = tmp_path_factory.mktemp("chat-store")
    port = free_port()
    env = {**os.environ, "RAG_STORE_DIR": str(store), "RAG_MODEL_DIR": str(model_dir)}
    log = store / "server.log"  # a file, not a pipe nobody reads (a full pipe would block the server)
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "chat", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    print(f"server log: {log}")
    wait_for_port(port, proc, 240)
    from gradio_client import Client

    # the page serves before the pipeline is built (and the article ingested into the empty store): one question
    # waits for that, so the tests' own waits measure answering only
    Client(f"http://127.0.0.1:{port}", verbose=False).predict("Who is the SCO coordinator?", api_name="/ask")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def chromium():
    if not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=flags)
        yield browser
        browser.close()


def open_page(chromium, server, *, viewport=DESKTOP, scheme="light", locale="en-US"):
    context = chromium.new_context(viewport=viewport, color_scheme=scheme, locale=locale)
    page = context.new_page()
    page.goto(server)
    page.wait_for_selector("#question textarea")
    page.wait_for_function("() => window.__ragHead === true")
    return page


def ask(page, question):
    """Type and send a question, as fast as the page lets anyone type the next one: the box empties at once."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#question textarea').value === ''", timeout=5_000)


def settle(page, n):
    """Wait until n questions are shown and none is still being answered (the chat's text if not)."""
    try:
        page.wait_for_function(SETTLED, arg=n, timeout=60_000)
    except Exception as exc:
        raise AssertionError(f"not settled at {n} questions: {page.locator('#chat').inner_text()[:2000]}") from exc


def test_gradio_client_api(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    res = client.predict("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", api_name="/ask")
    assert not res["abstained"] and "مركز أستانا المالي الدولي" in res["citations"][0]["quote"]


CONCURRENT = [
    DATE_Q,
    PERIOD_Q,
    ("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", "مركز أستانا المالي الدولي"),
    ("For which years is the programme on combating terrorism, separatism and extremism?", "2025-2027"),
    ("من هو كاتب المقال؟", "زمان باجوا"),
    ("When was the first meeting of the National Coordination Council?", "أغسطس 2023"),
    ("ماذا ألغى ميثاق منظمة شنغهاي للتعاون؟", "ميثا"),
    (ABSTAIN_Q, None),  # must abstain, not borrow another answer
]


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


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.browser
def test_browser_answers_readable_in_both_modes_and_sizes(server, chromium, shots, scheme, size):
    """Arabic and English answers: directions, the highlight and the abstention readable (contrast >= 4.5),
    the highlighted sentence scrolled into view when its citation opens, Ask reachable without scrolling."""
    viewport = PHONE if size == "phone" else DESKTOP
    page = open_page(chromium, server, viewport=viewport, scheme=scheme)
    send = page.locator("#send").bounding_box()
    assert send and send["y"] + send["height"] <= viewport["height"], "Ask must be visible without scrolling"
    page.screenshot(path=str(shots / f"{size}-{scheme}-start.png"))
    for n, ((question, expected), direction) in enumerate([(DATE_Q, "rtl"), (PERIOD_Q, "ltr")], start=1):
        ask(page, question)
        settle(page, n)
        answer = page.locator("#chat .answer").nth(n - 1)
        assert answer.evaluate("e => getComputedStyle(e).direction") == direction and expected in answer.inner_text()
        quote = answer.locator(".quote").first
        assert quote.get_attribute("dir") == "rtl" and quote.evaluate("e => getComputedStyle(e).textAlign") == "start"
        assert quote.locator(".src bdi").inner_text().startswith("رئاسة كازاخستان")  # its document's title
        details = answer.locator("details.citation").first
        details.locator("summary").click()
        mark = details.locator("mark")
        page.wait_for_timeout(400)
        assert mark.evaluate(CONTRAST_JS) >= 4.5
        box, chat = mark.bounding_box(), page.locator("#chat").bounding_box()
        assert box and chat and box["y"] >= chat["y"] - 1 and box["y"] < chat["y"] + chat["height"], (box, chat)
        assert box["y"] + min(box["height"], 40) <= viewport["height"]  # on screen, not below the fold
        meta = details.locator(".meta")
        assert meta.locator("bdi").count() == 3 and meta.get_attribute("dir") == direction
        page.screenshot(path=str(shots / f"{size}-{scheme}-citation-{direction}.png"))
    ask(page, ABSTAIN_Q)
    settle(page, 3)
    abstained = page.locator("#chat .answer.abstained").last
    assert abstained.evaluate(CONTRAST_JS) >= 4.5
    send = page.locator("#send").bounding_box()
    assert send and send["y"] + send["height"] <= viewport["height"] and page.evaluate("() => window.scrollY") == 0
    page.screenshot(path=str(shots / f"{size}-{scheme}-abstained.png"))
    page.context.close()


@pytest.mark.browser
def test_browser_fast_questions_both_answered_with_indicator(server, chromium, shots):
    """Two questions typed and sent back to back: both show at once and both get their own answer."""
    page = open_page(chromium, server)
    page.evaluate(WATCH_JS)
    ask(page, DATE_Q[0])
    ask(page, PERIOD_Q[0])  # typed and sent while the first is being answered
    settle(page, 2)
    questions = [q.inner_text() for q in page.locator("#chat .question").all()]
    answers = [a.inner_text() for a in page.locator("#chat .answer").all()]
    assert questions == [DATE_Q[0], PERIOD_Q[0]]
    assert len(answers) == 2 and DATE_Q[1] in answers[0] and PERIOD_Q[1] in answers[1]
    assert page.evaluate("() => window.__sawWorking") and page.evaluate("() => window.__sawStop")
    assert not page.locator("#stop").is_visible() and page.locator("#question textarea").input_value() == ""
    page.screenshot(path=str(shots / "fast-two-questions.png"))
    page.context.close()


def serve_answers(answer_fn, settings):
    """A chat page over one fake document whose answers come from `answer_fn`, served in this process: its url
    and the app (close it when done)."""
    from rag.chat import ChatUI
    from rag.chat_render import words_of
    from rag.ui import serve
    from tests.test_ui import SOURCE

    ui = ChatUI(
        settings,
        answer_fn,
        lambda paths: None,
        lambda: [{"id": "doc.txt", "title": "Title", "chunks": 2}],
        lambda sid: SOURCE,
        words_fn=lambda: words_of("what when where who ما متى"),
    )
    port = free_port()
    return f"http://127.0.0.1:{port}", serve(ui, settings, port=port, block=False)


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    """The same page over a fake answer() that waits until the test lets it go, served in this process:
    waiting and Stop, without depending on how fast the machine is."""
    import threading

    from rag.settings import Settings
    from tests.test_ui import quoted

    release = threading.Event()

    def held_answer(question, history=None):
        release.wait(60)
        return quoted(question)

    url, app = serve_answers(held_answer, Settings(store_dir=tmp_path_factory.mktemp("slow-store")))
    yield url, release
    release.set()
    app.close()


@pytest.mark.browser
def test_browser_waiting_questions_show_at_once_and_stop(slow_server, chromium, shots):
    """Questions sent while one is answered show at once, each waiting with the indicator; Stop ends them all
    (each says so), an answer still computing then lands nowhere, and the chat carries on."""
    url, release = slow_server
    page = open_page(chromium, url, viewport=PHONE)
    for question in ("what 1", "what 2", "ما 3"):
        ask(page, question)
    try:
        page.wait_for_function(  # messages render one by one
            "() => document.querySelectorAll('#chat .working').length === 3"
            " && document.querySelectorAll('#chat .question').length === 3",
            timeout=10_000,
        )
    except Exception as exc:
        raise AssertionError(page.locator("#chat").inner_text()) from exc
    assert page.locator("#stop").is_visible()
    assert [q.inner_text() for q in page.locator("#chat .question").all()] == ["what 1", "what 2", "ما 3"]
    assert page.locator("#chat .working").last.inner_text() == "أبحث في المصادر…"
    page.screenshot(path=str(shots / "waiting-three-phone.png"))
    page.locator("#stop").click()
    settle(page, 3)
    replies = [a.inner_text() for a in page.locator("#chat .answer").all()]
    assert replies == ["Stopped. Ask again when you are ready."] * 2 + ["أُوقف. اسأل من جديد متى شئت."]
    assert not page.locator("#stop").is_visible()
    release.set()  # the answer that was computing when Stop was pressed ends now, and lands nowhere
    page.wait_for_timeout(1_000)
    assert page.locator("#chat mark").count() == 0 and len(page.locator("#chat .answer").all()) == 3
    ask(page, "what 4")
    settle(page, 4)
    assert page.locator("#chat .answer").last.locator("details.citation").count() == 1
    page.screenshot(path=str(shots / "stopped-phone.png"))
    page.context.close()


@pytest.mark.browser
def test_browser_no_content_weak_evidence_and_typed_html(server, chromium, shots):
    """Emoji and keyboard mash are asked again, not answered; a typed <img> shows as typed; no answer to a
    question the sources do not hold is presented as what the source says."""
    page = open_page(chromium, server, viewport=PHONE, scheme="dark")
    for question in ("😀😀 ???", "<img src=x> asdkjh qwpoeiru", "Tell me a joke"):
        ask(page, question)
    settle(page, 3)
    questions = [q.inner_text() for q in page.locator("#chat .question").all()]
    assert questions[1] == "<img src=x> asdkjh qwpoeiru"
    assert page.locator("#chat img").count() == 0  # shown as typed, never as an image
    replies = page.locator("#chat .answer").all()
    for reply in replies[:2]:
        assert "rephrase" in (reply.get_attribute("class") or "") and reply.locator("mark").count() == 0
        assert "Please ask again" in reply.inner_text()
    joke = replies[2].inner_text()
    assert "The source says" not in joke and ("Closest passage" in joke or "don't say" in joke), joke
    page.screenshot(path=str(shots / "no-content-phone-dark.png"))
    page.context.close()


@pytest.mark.browser
def test_browser_copy_is_plain_text(server, chromium):
    page = open_page(chromium, server)
    ask(page, PERIOD_Q[0])
    settle(page, 1)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#chat .copy-answer").click()
    page.wait_for_function("() => window.__ragCopied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.evaluate("() => window.__ragCopied")
    assert copied.startswith("Answer: 2024-2029 [1]") and "«" in copied and "<" not in copied
    assert "— رئاسة كازاخستان" in copied  # the quote's document title, as on the page
    page.context.close()


@pytest.mark.browser
def test_browser_page_language_follows_the_browser(server, chromium, shots):
    page = open_page(chromium, server, locale="ar-EG", viewport=PHONE)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.locator("#question textarea").get_attribute("dir") == "auto"
    ask(page, DATE_Q[0])
    settle(page, 1)
    send = page.locator("#send").bounding_box()
    assert send and send["y"] + send["height"] <= PHONE["height"]
    page.screenshot(path=str(shots / "arabic-browser-phone.png"))
    page.context.close()
    page = open_page(chromium, server)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
    page.context.close()


# --- these change the store: last --------------------------------------------------------------------------
NOTE = "Harbour notes\n\nThe harbour board of Zanzibar approved the crane contract in March 2031.\n"


def status(page):
    return page.locator("#upload-status").inner_text()


@pytest.mark.browser
def test_browser_upload_on_selection_reupload_and_remove(server, chromium, shots, tmp_path):
    doc = tmp_path / "harbour.txt"
    doc.write_text(NOTE, encoding="utf-8")
    page = open_page(chromium, server)
    assert "Harbour notes" not in page.locator("#chat").inner_text()
    page.set_input_files("#upload input[type=file]", str(doc))  # no other click: added when chosen
    page.wait_for_function(
        "() => document.querySelector('#upload-status').innerText.includes('Added')", timeout=120_000
    )
    assert "Added «Harbour notes»" in status(page) and "chunk" not in status(page).lower()
    page.wait_for_function("() => document.querySelector('#documents').innerText.includes('Harbour notes')")
    chat = page.locator("#chat").inner_text()
    assert "Harbour notes" in chat and "Kazakhstan" in chat  # the placeholder names both sources
    assert "Examples about «" in page.locator("body").inner_text()  # the examples say which document they are for
    page.screenshot(path=str(shots / "upload-added.png"))

    page.set_input_files("#upload input[type=file]", str(doc))
    page.wait_for_function("() => document.querySelector('#upload-status').innerText.includes('already')")
    assert status(page) == "«Harbour notes» is already in the sources, unchanged."

    ask(page, "When did the harbour board of Zanzibar approve the crane contract?")
    settle(page, 1)
    answer = page.locator("#chat .answer").last
    assert "March 2031" in answer.inner_text() and answer.locator(".src bdi").first.inner_text() == "Harbour notes"

    page.locator("#remove-choice input").click()
    page.locator("[role=option]", has_text="Harbour notes").click()
    page.locator("#remove").click()
    page.wait_for_function("() => document.querySelector('#upload-status').innerText.includes('Removed')")
    assert status(page) == "Removed «Harbour notes» from the sources."
    page.wait_for_function("() => !document.querySelector('#documents').innerText.includes('Harbour notes')")
    ask(page, "When did the harbour board of Zanzibar approve the crane contract?")
    settle(page, 2)
    assert "March 2031" not in page.locator("#chat .answer").last.inner_text()
    page.screenshot(path=str(shots / "upload-removed.png"))
    page.context.close()


HOSTILE = (
    "Zanzibar harbour notes.\n"
    "The harbour board of Zanzibar approved <script>window.__pwned = 1</script> the crane contract "
    '<img src=x onerror="window.__pwned = 2"> in March 2031.\n'
)


@pytest.mark.browser
def test_browser_hostile_upload_is_shown_as_text_and_never_runs(server, chromium, shots, tmp_path):
    """Last: it leaves a document in the shared server's store."""
    doc = tmp_path / "zanzibar.txt"
    doc.write_text(HOSTILE, encoding="utf-8")
    page = open_page(chromium, server)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_input_files("#upload input[type=file]", str(doc))
    page.wait_for_function(
        "() => document.querySelector('#upload-status').innerText.includes('Added')", timeout=120_000
    )
    page.wait_for_function("() => document.querySelector('#documents').innerText.includes('Zanzibar')")
    ask(page, "When did the harbour board of Zanzibar approve the crane contract?")
    page.wait_for_function("() => document.querySelectorAll('#chat details.citation').length >= 1", timeout=60_000)
    page.locator("#chat details.citation summary").last.click()
    text = page.inner_text("#chat")
    assert "<script>window.__pwned = 1</script>" in text and "onerror" in text  # shown, as text
    assert page.evaluate("() => window.__pwned") is None and dialogs == []
    assert page.query_selector("#chat script") is None and page.query_selector("#chat img[src=x]") is None
    page.screenshot(path=str(shots / "hostile.png"), full_page=True)
    page.context.close()
