"""`answer()`: the product. The CLI, the chat page and the eval runner all call it."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from functools import partial
from typing import Any, Literal

from rag.answering import check_backend
from rag.answering.antecedent import FOLLOW_UP_TURNS, conversation_context, follow_up_kind, question_stems
from rag.answering.extractive import Evidence, abstain_text, choose_evidence, choose_ranked, render
from rag.answering.focus import (
    Translator,
    asked_speaker,
    asks_for_ending,
    asks_for_gist,
    asks_for_opening,
    is_lead_candidate,
)
from rag.answering.lead import source_speller
from rag.bridge import spelled_names, unknown_names, word_translations
from rag.citations import check_answer, locate
from rag.errors import InputError, RagError
from rag.ranker import shipped_model
from rag.schema import Answer, Chunk, Citation, Retrieved
from rag.settings import Settings
from rag.text import detect_language, expand_query, standard_arabic, tokens

log = logging.getLogger(__name__)


class Pipeline:
    """Warm components (store, models, retriever) reused across questions."""

    def __init__(self, settings: Settings, *, store=None, embeddings=None, second=None, chat_model=None) -> None:
        from rag.retrieval import HybridRetriever, build_components

        self.settings = settings
        self.kind, self.arg = check_backend(settings.llm)
        self.store, self.embeddings, self.second = build_components(
            settings, store=store, embeddings=embeddings, second=second
        )
        self.retriever = HybridRetriever(
            store=self.store, embeddings=self.embeddings, second=self.second, k=settings.top_k
        )
        self._chat_model = chat_model
        self._llm: Any = None
        self._vocabulary_checked = False

    def ensure_corpus(self) -> None:
        """On an empty store, ingest the bundled article first (and say so); once per pipeline, give
        documents stored before the cross-lingual vocabulary existed their words."""
        if self.store.count() == 0:
            from rag.ingest import ingest

            log.warning("the store is empty: ingesting the default article first")
            ingest(None, self.settings, store=self.store, embeddings=self.embeddings, second=self.second)
        if not self._vocabulary_checked:
            from rag.bridge import ensure_vocabulary

            ensure_vocabulary(self.store, self.second)
            self._vocabulary_checked = True

    def encode_together(self) -> None:
        """Encode the questions of requests answered at once in shared batches (rag.batching): for servers."""
        from rag.batching import Coalescing

        self.embeddings = self.retriever.embeddings = Coalescing(self.embeddings)
        if self.second is not None:
            self.second = self.retriever.second = Coalescing(self.second)

    def similarity(self, question: str, passages: list[str]) -> list[float]:
        """Cosine similarity of a question to short passages (e5 query vs passage vectors)."""
        q = self.embeddings.encode([expand_query(question)], query=True)[0]
        return [float(x) for x in self.embeddings.encode(passages, query=False) @ q]

    def translations(self, words: list[str]) -> dict[str, list[str]]:
        """The source words that translate each English word (rag.bridge.word_translations over this store)."""
        return word_translations(words, store=self.store, second=self.second)

    def sentences(self, source: str) -> list[Chunk]:
        """A document's sentences in text order (read once per store generation)."""
        return self.store.per_generation(
            f"sentences:{source}", lambda: sorted(self.store.chunks_of(source), key=lambda c: c.start)
        )

    def rest_of_documents(self, retrieved: list[Retrieved], documents: int = 2) -> list[Retrieved]:
        """The other sentences of the documents the best retrieved sentences come from, in text order."""
        seen = {r.chunk.id for r in retrieved}
        sources = list(dict.fromkeys(r.chunk.source for r in retrieved))[:documents]
        return [Retrieved(chunk=c, score=0.0) for s in sources for c in self.sentences(s) if c.id not in seen]

    def previous(self, retrieved: Retrieved) -> Retrieved | None:
        """The sentence before a retrieved one in its document (across a paragraph break), if any."""
        before = [c for c in self.sentences(retrieved.chunk.source) if c.end <= retrieved.chunk.start]
        return Retrieved(chunk=before[-1], score=0.0) if before else None

    def next(self, retrieved: Retrieved) -> Retrieved | None:
        """The sentence after a retrieved one in its document (across a paragraph break), if any."""
        after = [c for c in self.sentences(retrieved.chunk.source) if c.start >= retrieved.chunk.end]
        return Retrieved(chunk=after[0], score=0.0) if after else None

    def lead(self, source: str) -> Retrieved | None:
        """The document's opening sentence, past its outlet, title and byline."""
        chunk = next((c for c in self.sentences(source) if is_lead_candidate(c.text)), None)
        return Retrieved(chunk=chunk, score=0.0) if chunk is not None else None

    def llm(self) -> Any:
        """The generative backend, built on first use."""
        if self._llm is None:
            from rag.answering.llm import LLMAnswerer

            self._llm = LLMAnswerer(self.settings, self.kind, self.arg, chat_model=self._chat_model)
        return self._llm


_PIPELINES: dict[str, Pipeline] = {}
_PIPELINES_LOCK = threading.Lock()


def get_pipeline(settings: Settings | None = None) -> Pipeline:
    """The process-wide pipeline for these settings (models load once)."""
    settings = settings or Settings()
    key = settings.model_dump_json()
    with _PIPELINES_LOCK:
        if key not in _PIPELINES:
            _PIPELINES[key] = Pipeline(settings)
    return _PIPELINES[key]


def clean_question(question: str, limit: int) -> tuple[str, list[str]]:
    """Strip control characters and bound the length; raise InputError on an empty question."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    notes = []
    q = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in question)
    q = re.sub(r"\s+", " ", q).strip()
    if not q:
        raise InputError("the question is empty; type a question in Arabic or English")
    if len(q) > limit:
        notes.append(f"the question was {len(q)} characters; only the first {limit} were used")
        q = q[:limit]
    return q, notes


def retrieval_query(question: str, history: list | None) -> str:
    """The text to retrieve with: a follow-up question is joined to the earlier user turns it refers back to
    (rag.answering.antecedent.conversation_context); a question that stands alone is searched alone."""
    context = conversation_context(question, _user_turns(history or []))
    return " ".join([*context, question])


def on_topic(asked: str, retrieved: list[Retrieved], quoted: list[Retrieved]) -> list[Retrieved]:
    """A follow-up that points back ("When was it?", "ومن ترأسها؟") or names nothing ("Since when?") asks about
    what the last answer quoted (`quoted`): its candidates are those of that answer's document, in their order.
    Another document's sentence about another meeting never answers "When was it?". One asking the last question
    again about something it names ("What about Uzbekistan?") keeps every candidate."""
    if not quoted or follow_up_kind(asked) not in ("points", "names_nothing"):
        return retrieved
    return [r for r in retrieved if r.chunk.source == quoted[0].chunk.source] or retrieved


FOLLOW_UP_OWN_WORDS = 2  # content words a follow-up needs to be searched on its own too (3: half the gain)
FOLLOW_UP_DEPTH = 5  # sentences of the joined query searched for a short follow-up's own words


def own_words_first(question: str, retrieved: list[Retrieved], translator: Translator) -> list[Retrieved]:
    """A short follow-up ("وما هدفها؟") searched together with the question before it finds that question's
    answer again; the first of the best FOLLOW_UP_DEPTH sentences holding a word of its own ("وكان هدفهم") goes
    first (an English follow-up's words through their Arabic translations)."""
    own = question_stems(question, translator)
    for i, r in enumerate(retrieved[:FOLLOW_UP_DEPTH]):
        if own & set(tokens(r.chunk.text)):
            return [r, *retrieved[:i], *retrieved[i + 1 :]]
    return retrieved


def fuse_rankings(rankings: list[list[Retrieved]]) -> list[Retrieved]:
    """One ranking from several (reciprocal-rank fusion, as the retriever fuses its rankers); each sentence keeps
    its first Retrieved."""
    from rag.retrieval import reciprocal_rank_fusion  # loaded with the retriever already (heavy: langchain)

    score = reciprocal_rank_fusion([([r.chunk.id for r in ranking], 1.0) for ranking in rankings])
    first: dict[str, Retrieved] = {}
    for ranking in rankings:
        for r in ranking:
            first.setdefault(r.chunk.id, r)
    return [first[c] for c in sorted(score, key=lambda c: -score[c])][: max(len(r) for r in rankings)]


def content_text(content: Any) -> str:
    """The text of a chat message's content (gradio 6 sends lists of parts)."""
    if isinstance(content, list):
        return " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def _user_turns(history: list) -> list[str]:
    out = []
    for turn in history:
        if isinstance(turn, dict) and turn.get("role") == "user":
            out.append(content_text(turn.get("content")))
        elif isinstance(turn, (list, tuple)) and turn:
            out.append(str(turn[0]))
    return out


def answer(
    question: str, *, history: list | None = None, settings: Settings | None = None, pipeline: Pipeline | None = None
) -> Answer:
    """Answer a question in Arabic or English from the stored sources, with verified quotes.

    Args:
        question: the user's question.
        history: earlier chat turns ({"role", "content"} dicts or (user, bot) pairs) for follow-ups.
        settings: configuration; read from `RAG_*` variables when omitted.
        pipeline: warm components to reuse (tests inject fakes here).

    Returns:
        An Answer whose every `[n]` is a Citation with `source_text[start:end] == quote`,
        or an abstention (`abstained=True`, no citations).

    Raises:
        InputError: the question is empty.
        StoreError: the store cannot be used (a server not answering, a folder gone or read-only); its
            message says so in the question's language (`in_language`).
    """
    t0 = time.perf_counter()
    limit = (pipeline.settings if pipeline else settings or Settings()).max_question_chars
    q, notes = clean_question(question, limit)  # before loading anything: bad input fails fast
    pipe = pipeline or get_pipeline(settings)
    try:
        return _answer(q, list(notes), history, pipe, t0)
    except RagError:
        raise
    except Exception as exc:  # the store went away, or another process wrote to it meanwhile, or a bug
        down = pipe.store.unavailable()
        if down is not None:
            raise down from exc
        if not pipe.store.written_elsewhere():
            raise  # a bug: it keeps its traceback
        log.warning("another process wrote to the store while answering (%s); reloading it and answering again", exc)
        pipe.store.reload()
        return _answer(q, list(notes), history, pipe, time.perf_counter())


def candidates(asked: str, history: list | None, pipe: Pipeline) -> tuple[list[Retrieved], dict[str, float]]:
    """The ranked sentences for a question (after `standard_arabic`) in its conversation: searched alone when it
    stands alone; a follow-up joined to the turns it refers back to, searched with its own words too, and kept to
    what the last answer was about (`on_topic`; that answer found again the same way, without the question)."""
    previous = _user_turns(history or [])
    context = conversation_context(asked, previous)
    query = standard_arabic(" ".join([*context, asked]))
    retrieved, stage_ms = pipe.retriever.retrieve_timed(query)
    if not context:
        return retrieved, stage_ms
    if len(tokens(asked)) >= FOLLOW_UP_OWN_WORDS:
        # a follow-up with words of its own ("What about its anti-drug strategy?"): the joined query alone finds
        # the previous answer again; its own words find what is new. Both rankings, fused by reciprocal rank.
        own, _ = pipe.retriever.retrieve_timed(asked)
        retrieved = fuse_rankings([retrieved, own])
    else:
        retrieved = own_words_first(asked, retrieved, pipe.translations)
    if follow_up_kind(asked) not in ("points", "names_nothing"):  # it names what it asks about: no topic to keep
        return retrieved, stage_ms
    last = standard_arabic(previous[-1])
    earlier = [{"role": "user", "content": t} for t in previous[:-1][-FOLLOW_UP_TURNS:]]  # bounds the recursion
    before, _ = candidates(last, earlier, pipe)
    quoted = evidence(last, before, pipe).picked if before else []
    # the last question not answered: its best sentence still says what it was about
    return on_topic(asked, retrieved, quoted or before[:1]), stage_ms


def _answer(q: str, notes: list[str], history: list | None, pipe: Pipeline, t0: float) -> Answer:
    language = detect_language(q)
    pipe.ensure_corpus()
    asked = standard_arabic(q)  # "شو قال" is read as "ماذا قال"; the answer keeps the question as typed
    retrieved, stage_ms = candidates(asked, history, pipe)
    t1 = time.perf_counter()
    ev = evidence(asked, retrieved, pipe)
    result = None
    if pipe.kind != "extractive" and not ev.unnamed:  # no backend may answer about what the sources never name
        result = pipe.llm().answer(q, language, retrieved, pipe.store)
        if result is None:
            notes.append("the language model gave no verifiable quote; fell back to the extractive answer")
    if result is None:
        result = extractive_answer(asked, language, ev, pipe)
        result.question = q
    t2 = time.perf_counter()
    result.retrieved = retrieved
    result.notes = notes + result.notes
    result.timings_ms = {
        **stage_ms,
        "retrieval_ms": (t1 - t0) * 1e3,
        "answering_ms": (t2 - t1) * 1e3,
        "total_ms": (t2 - t0) * 1e3,
    }
    return result


def cite(retrieved: list[Retrieved], pipe: Pipeline) -> list[Citation]:
    """Verified citations for the given sentences, numbered from 1; unverifiable ones are dropped."""
    out: list[Citation] = []
    for r in retrieved:
        doc = pipe.store.document(r.chunk.source)
        span = locate(doc.text, r.chunk.text, hint=r.chunk.start) if doc else None
        if doc is None or span is None:
            log.warning("dropped a quote that is not verbatim in %s (stale chunk?)", r.chunk.source)
            continue
        out.append(
            Citation(
                n=len(out) + 1,
                quote=r.chunk.text,
                source=doc.id,
                start=span[0],
                end=span[1],
                paragraph=r.chunk.paragraph,
                title=doc.title,
                page=doc.page_at(span[0]),
            )
        )
    return out


def evidence(question: str, retrieved: list[Retrieved], pipe: Pipeline) -> Evidence:
    """The sentences to quote, or why not; something the question names but the retrieved sentences never
    mention (the byline of "who wrote it?" ranks low) is first looked for in the rest of their documents."""
    if retrieved and (asks_for_gist(question) or asks_for_opening(question)):
        lead = pipe.lead(retrieved[0].chunk.source)
        if lead is not None:
            return Evidence([lead])
    if retrieved and asks_for_ending(question):
        last = pipe.sentences(retrieved[0].chunk.source)[-1:]
        if last:
            return Evidence([Retrieved(chunk=last[0], score=0.0)])
    speaker = asked_speaker(question)
    unknown = unknown_names(question, pipe.store, pipe.second, speaker[0] if speaker else None)
    if unknown:
        return Evidence(
            [],
            abstain_reason="the sources never mention " + ", ".join(unknown),
            abstain_reason_ar="لا تذكر المصادر " + "، ".join(unknown),
            unnamed=True,
        )
    model = shipped_model()
    if pipe.settings.evidence == "ranked" and retrieved and retrieved[0].confidence is not None and model:
        return choose_ranked(
            question, retrieved, threshold=model.threshold, scorer=pipe.similarity, before=pipe.previous
        )
    helpers: dict[str, Any] = {
        "scorer": pipe.similarity,
        "translator": pipe.translations,
        "speller": partial(spelled_names, store=pipe.store),
        "before": pipe.previous,
        "after": pipe.next,
    }
    ev = choose_evidence(question, retrieved, **helpers)
    if ev.unnamed:
        more = retrieved + pipe.rest_of_documents(retrieved)
        ev = choose_evidence(question, more, naming_first=True, **helpers)
    return ev


def extractive_answer(question: str, language: Literal["ar", "en"], ev: Evidence, pipe: Pipeline) -> Answer:
    """Quote the chosen evidence verbatim, or abstain."""
    citations = cite(ev.picked, pipe)
    if not citations:
        reason = ev.abstain_reason or "nothing relevant was found in the sources"
        return Answer(
            question=question,
            text=abstain_text(language, reason, ev.abstain_reason_ar),
            language=language,
            abstained=True,
            reason=reason,
        )
    source_lang = (pipe.store.document(citations[0].source).language or "ar") if citations else "ar"
    quotes = [c.quote for c in citations]
    text = render(language, ev, quotes, source_lang, question=question, speller=source_speller(pipe.store, language))
    problems = check_answer(text, citations, {c.source: pipe.store.document(c.source).text for c in citations})
    if problems:  # a bug, never expected: refuse rather than show an unverified quote
        log.error("citation check failed: %s", problems)
        return Answer(
            question=question,
            text=abstain_text(language, "internal citation check failed"),
            language=language,
            abstained=True,
            reason="; ".join(problems),
        )
    return Answer(
        question=question,
        text=text,
        language=language,
        abstained=False,
        citations=citations,
        short_answer=ev.short,
        reason="extractive",
    )
