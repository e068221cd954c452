"""The page shows a generative backend's draft while the model writes, then the verified answer in its place
(headless Chromium; the answer function stands in for the LLM and waits until the test lets it go on)."""

import threading

import pytest

from tests.test_ui_browser import chromium, open_page, serve_answers, shots  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def drafting_server(tmp_path_factory):
    from rag.answering import llm
    from rag.settings import Settings
    from tests.test_ui import quoted

    go = threading.Event()

    def drafting_answer(question, history=None):
        send = llm._DRAFTS.get()  # set by the page around this call, as for a real LLM answer
        assert send is not None, "the page did not ask for a streamed answer"
        send("The first words")
        go.wait(60)
        send("The first words of the draft")
        return quoted(question)

    settings = Settings(store_dir=tmp_path_factory.mktemp("draft-store"), llm="openai:scripted")
    url, app = serve_answers(drafting_answer, settings)
    yield url, go
    go.set()
    app.close()


@pytest.mark.browser
def test_browser_shows_the_draft_then_the_verified_answer(drafting_server, chromium, shots):  # noqa: F811
    url, go = drafting_server
    page = open_page(chromium, url)
    box = page.locator("#question textarea")
    box.fill("when was it?")
    box.press("Enter")
    page.wait_for_selector("#chat .draft", timeout=30_000)
    assert "The first words" in page.locator("#chat .draft").inner_text()
    assert "not yet checked" in page.locator("#chat .draft").inner_text()
    page.screenshot(path=str(shots / "draft-streaming.png"))
    go.set()
    page.wait_for_function("() => !document.querySelector('#chat .draft') && document.querySelector('#chat mark')")
    assert "The first words" not in page.locator("#chat").inner_text()
    page.screenshot(path=str(shots / "draft-replaced.png"))
    page.context.close()
