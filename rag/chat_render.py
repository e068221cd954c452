"""The chat page's HTML: answers, questions, citations and notices, escaped, in each text's own direction; the
page's words in both languages (TEXT), its CSS and the script in its head (HEAD).

What the page decides itself is presentation: a question with no words at all is asked again instead of answered,
and a quote that shares no word with the question (or, with the ranker, one it scores below even odds) is shown as
the closest passage, not as what the source says.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from rag.schema import Answer, Citation
from rag.text import detect_language, normalize

# A ranker probability below even odds: the sentence more likely does not answer (rag.ranker, when present).
WEAK_CONFIDENCE = 0.5

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


def escape(text: str) -> str:
    """Text made safe to put in HTML, attribute values included."""
    return html.escape(text, quote=True)


def _dir(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


def _line(text: str) -> str:
    """One escaped line with `[n]` markers styled (markers are digits only, so no markup can slip in)."""
    return re.sub(r"\[(\d+)\]", r'<span class="cite">[\1]</span>', escape(text))


def _title(c: Citation, sources: Callable[[str], Any]) -> str:
    doc = sources(c.source)
    return (doc.title if doc and doc.title else "") or c.title or c.source


LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def words_of(text: str) -> set[str]:
    """The distinct words of two letters or more, normalised (the form `has_content` compares)."""
    return set(_WORD.findall(normalize(text)))


def has_content(question: str, known: set[str]) -> bool:
    """Whether a question holds something to search for: a letter at all, and a word of two letters or more that
    the stored documents or the languages' common vocabulary know (emoji, punctuation and keyboard mash do not)."""
    return bool(LETTER.search(question)) and bool(words_of(question) & known)


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
            f'«{escape(c.quote)}» <span class="src">— <bdi>{escape(titles[c.n])}</bdi>{_page(c, t)}</span></p>'
        )
    cls = "answer abstained" if ans.abstained else "answer weak" if weak else "answer"
    parts = [f'<div class="{cls}" dir="{direction}" lang="{ans.language}"><span class="sr-only">{t["answer"]}:</span>']
    parts += body
    for c in ans.citations:
        parts.append(_citation(c, titles[c.n], sources(c.source), t, direction))
    for note in ans.notes:
        parts.append(f'<p class="meta" dir="auto">{escape(note)}</p>')
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
    para = f"{escape(text[p_start : c.start])}<mark>{escape(text[c.start : c.end])}</mark>{escape(text[c.end : p_end])}"
    p_lang = (doc.language if doc and doc.language else "") or detect_language(c.quote)
    short = f"{escape(c.quote[:90])}{'…' if len(c.quote) > 90 else ''}"
    return (
        f'<details class="citation" data-n="{c.n}" dir="{direction}"><summary><span class="cite">[{c.n}]</span> '
        f'<bdi dir="{_dir(detect_language(c.quote))}">{short}</bdi></summary>'
        f'<div class="meta" dir="{direction}"><bdi>{escape(title)}</bdi>{_page(c, t)} · '
        f"{t['paragraph']} <bdi>{c.paragraph}</bdi> · "
        f'{t["characters"]} <bdi dir="ltr">{c.start}–{c.end}</bdi></div>'
        f'<p class="para" dir="{_dir(p_lang)}" lang="{escape(p_lang)}">{para}</p></details>'
    )


def render_question(text: str, language: str) -> str:
    """The user's own message as text: escaped, so a typed `<img src=x>` shows as typed."""
    label = TEXT[language if language in TEXT else "en"]["question"]
    return f'<div><span class="sr-only">{label}:</span><div class="question" dir="auto">{escape(text)}</div></div>'


def notice(cls: str, text: str, language: str) -> str:
    """A reply that is not an answer (working, stopped, rephrase, a failure), in its language's direction."""
    return f'<div class="answer {cls}" dir="{_dir(language)}" lang="{language}" role="status">{escape(text)}</div>'
