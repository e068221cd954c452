"""Word-alignment reranking of the fused candidates (Arabic-script questions only)."""

import hashlib

import numpy as np

from rag.ingest import ingest
from rag.rerank import SYNONYM_SIM, Reranker, rerank, with_antecedent
from rag.schema import Chunk, Document, Retrieved
from rag.store import Store
from rag.text import normalize
from tests.conftest import FakeEmbeddings
from tests.test_bridge import FakeSecond


class VocabStore:
    """Just the vocabulary of a store (its Arabic words, for the synonym sets), counting the word vectors it was
    asked for."""

    def __init__(self, second, arabic: tuple[str, ...] = ()) -> None:
        self.second = second
        self.asked: list[str] = []
        self.arabic = list(arabic)

    def vocabulary(self, script):
        return self.arabic if script == "ar" else []

    def per_generation(self, key, compute):
        return compute()

    def word_vectors(self, words):
        self.asked.extend(words)
        return dict(zip(words, self.second.encode(list(words)), strict=True))


def _aligner() -> Reranker:
    """A reranker over fake word and clause vectors."""
    second = FakeSecond()
    return Reranker(VocabStore(second), second)


def _retrieved(texts: list[str]) -> list[Retrieved]:
    out = []
    for i, t in enumerate(texts):
        chunk = Chunk(id=str(i), source="d", text=t, start=0, end=len(t), paragraph=1, para_start=0, para_end=len(t))
        out.append(Retrieved(chunk=chunk, score=1.0 - 0.01 * i))
    return out


def test_alignment_scores_whole_word_matches_highest():
    aligner = _aligner()
    scores = aligner.word_scores("ميثاق المنظمة", ["ألغى ميثاق المنظمة الترتيب", "تعاون اقتصادي واسع النطاق"])
    assert abs(scores[0] - 1.0) < 1e-5
    assert scores[1] < 0.5


def test_rare_question_words_weigh_more_in_the_alignment():
    aligner = _aligner()
    texts = ["استقرار السياسة الخارجية لكازاخستان", "السياسة التي تتسم بالتوازن"]
    plain = aligner.word_scores("بم تتسم السياسة الخارجية لكازاخستان", texts)
    assert plain[0] > plain[1]  # three of four words against two of four
    idf = {"تتسم": 5.0, "السياسه": 1.0, "الخارجيه": 1.0, "لكازاخستان": 0.1}
    weighted = aligner.word_scores("بم تتسم السياسة الخارجية لكازاخستان", texts, lambda ws: {w: idf[w] for w in ws})
    assert weighted[1] > weighted[0]


def test_the_country_a_sentence_calls_the_country_is_the_one_asked_about():
    aligner = _aligner()
    # the passages are about Kazakhstan: most of them name it
    texts = ["السياسة التي تنتهجها البلاد", "السياسة التي تنتهجها المنظمة", "رئاسة كازاخستان", "كازاخستان دولة"]
    with_country, without, *_ = aligner.word_scores("ما السياسة التي تنتهجها كازاخستان", texts)
    assert with_country > without
    assert abs(with_country - (2 + 0.8) / 3) < 1e-5  # "البلاد" counts 0.8 for "كازاخستان"
    same, other, *_ = aligner.word_scores("ما السياسة التي تنتهجها المنظمة", texts)  # no country asked: no help
    assert other > same
    # "البلاد" is not Afghanistan, which the passages only mention
    afghan, plain, *_ = aligner.word_scores("ما السياسة التي تنتهجها أفغانستان", [*texts, "الأزمة في أفغانستان"])
    assert abs(afghan - plain) < 1e-5


class WrittenStore(VocabStore):
    """Word vectors of the words as the text writes them ("أظهرت"), as the real vocabulary keeps them."""

    def word_vectors(self, words):
        written = {"اظهرت": "أظهرت"}
        return dict(zip(words, self.second.encode([written.get(w, w) for w in words]), strict=True))


class RawSecond(FakeSecond):
    """Vectors of the letters as given: "اظهرت" and "أظهرت" differ, as they do (a little) for USE."""

    def encode(self, texts):
        out = [_raw_vector(t) for t in texts]
        v = np.asarray(out, dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _raw_vector(text: str) -> np.ndarray:
    seed = int(hashlib.md5(text.encode()).hexdigest()[:8], 16)
    return np.random.default_rng(seed).standard_normal(32)


def test_the_same_word_spelled_otherwise_matches_fully():
    second = RawSecond()
    aligner = Reranker(WrittenStore(second), second)
    (score,) = aligner.word_scores("ماذا اظهرت كازاخستان", ["وقد أظهرت كازاخستان التزاما"])
    assert abs(score - 1.0) < 1e-5  # "اظهرت" (no hamza) is "أظهرت"


class SourceWords(VocabStore):
    """A vocabulary of just the sources' words, as they write them (unknown words are left out)."""

    def word_vectors(self, words):
        written = {"البييه": "البيئة", "حمايه": "حماية"}
        known = [w for w in words if w in written]
        return dict(zip(known, self.second.encode([written[w] for w in known]), strict=True)) if known else {}


def test_a_question_word_the_sources_write_is_read_as_they_write_it():
    second = RawSecond()
    aligner = Reranker(SourceWords(second), second)
    # "البيئه" (a ha for the ta marbuta) with a conjunction: the sources' "البيئة"; the raw letters would be a
    # word the vectors do not know
    (score,) = aligner.word_scores("والبيئه", ["حماية البيئة"])
    assert abs(score - 1.0) < 1e-5


def test_a_listed_near_synonym_matches_at_least_at_synonym_sim():
    second = FakeSecond()
    texts = ["استقرار السياسة دليل على نجاح النهج", "استقرار السياسة يعزز المصداقية"]
    words = sorted({w for t in texts for w in normalize(t).split()})
    aligner = Reranker(VocabStore(second, tuple(words)), second)
    with_synonym, without = aligner.word_scores("علام يبرهن استقرار السياسة", texts)
    assert abs(with_synonym - (2 + SYNONYM_SIM) / 3) < 1e-5  # "يبرهن" ~ "دليل" (rag/data/synonyms_ar.tsv)
    assert with_synonym > without


def test_rerank_moves_the_aligned_sentence_up_for_arabic_questions_only():
    second = FakeSecond()
    store = VocabStore(second)
    aligner = Reranker(store, second)
    texts = ["تعاون اقتصادي واسع النطاق", "مشاريع البنية التحتية", "ألغى ميثاق المنظمة الترتيب الهرمي"]
    ranked = rerank("ماذا ألغى ميثاق المنظمة؟", _retrieved(texts), aligner)
    assert ranked[0].chunk.text == texts[2] and ranked[0].align > 0.9
    assert [r.chunk.text for r in rerank("ماذا ألغى ميثاق المنظمة؟", _retrieved(texts), None)] == texts
    asked = len(store.asked)
    rerank("ماذا ألغى ميثاق المنظمة؟", _retrieved(texts), aligner)
    assert len(store.asked) == asked  # word vectors are fetched once, then kept


def test_other_questions_rerank_by_their_closest_clause():
    aligner = _aligner()
    texts = [
        "Long talk about many things, and some more of them",
        "First part here, what did the charter abolish",
        *[f"Another sentence number {i}, on another subject again" for i in range(3)],
    ]
    assert aligner.clause_scores("what did the charter abolish", texts)[1] > 0.99
    ranked = rerank("what did the charter abolish", _retrieved(texts), aligner)
    assert ranked[0].chunk.text == texts[1] and ranked[0].align > 0.99
    assert rerank("what did the charter abolish", _retrieved(texts), None)[0].chunk.text == texts[0]


def test_english_questions_also_rerank_by_the_bm25_score_of_their_translated_words():
    aligner = _aligner()
    texts = [f"جملة رقم {i} عن موضوع آخر" for i in range(5)]
    head = _retrieved(texts)
    for r in head:
        r.score = 0.5  # fused alike
    head[1].lexical = 9.3  # the one sentence holding a rare translated word ("step" -> "خطوة")
    assert rerank("What is the chairmanship a step towards?", head, aligner)[0].chunk.text == texts[1]
    arabic = _retrieved(texts)
    for r in arabic:
        r.score = 0.5
    arabic[1].lexical = 9.3  # an Arabic question's BM25 already counts through the word alignment
    assert rerank("ما الخطوة؟", arabic, aligner)[0].chunk.text != texts[1]


def test_store_returns_vocabulary_vectors_and_skips_unknown_words(isolated):
    second = FakeSecond()
    ingest(None, isolated, embeddings=FakeEmbeddings(), second=second)
    got = Store(isolated).word_vectors(["ميثاق", "not-a-source-word"])
    assert list(got) == ["ميثاق"]
    assert np.allclose(got["ميثاق"], second.encode(["ميثاق"])[0], atol=1e-5)


class DocStore:
    def __init__(self, text: str) -> None:
        self.doc = Document(id="d", text=text)

    def document(self, doc_id):
        return self.doc if doc_id == "d" else None


def _chunk_of(text: str, sentence: str) -> Chunk:
    start = text.index(sentence)
    return Chunk(id="c", source="d", text=sentence, start=start, end=start + len(sentence), paragraph=2,
                 para_start=start, para_end=len(text))  # fmt: skip


def test_a_sentence_pointing_back_is_read_with_the_one_before_even_across_a_paragraph():
    text = "مقدمة قصيرة. وقد قدمت كازاخستان مقترحات ثقافية.\nوتشمل هذه المقترحات مشروع المزارات. ثم جملة مستقلة."
    store = DocStore(text)
    pointing = _chunk_of(text, "وتشمل هذه المقترحات مشروع المزارات.")
    assert with_antecedent(pointing, store) == "وقد قدمت كازاخستان مقترحات ثقافية. وتشمل هذه المقترحات مشروع المزارات."
    alone = _chunk_of(text, "ثم جملة مستقلة.")
    assert with_antecedent(alone, store) == "ثم جملة مستقلة."
    first = _chunk_of("These proposals come first.", "These proposals come first.")
    assert with_antecedent(first, DocStore("These proposals come first.")) == "These proposals come first."


def test_arabic_question_over_mixed_scripts_gets_clauses_for_all_and_alignment_for_arabic_sentences():
    aligner = _aligner()
    texts = [
        "تعاون اقتصادي واسع النطاق",
        "The dam, 13 kilometres long, holds back the river",
        "Tourism has begun to return as well",
        "ألغى ميثاق المنظمة الترتيب الهرمي",
    ]
    candidates = _retrieved(texts)
    for r in candidates:
        r.score = 0.5  # fused scores tie: the finer signals decide
    ranked = [r.chunk.text for r in rerank("ماذا ألغى ميثاق المنظمة؟", candidates, aligner)]
    assert ranked.index(texts[3]) < ranked.index(texts[0])  # the aligned Arabic sentence above the other one
    # the signal kept on each candidate is its clause score, comparable across scripts
    clause = aligner.clause_scores("ماذا ألغى ميثاق المنظمة؟", texts)
    assert sorted(r.align for r in candidates) == sorted(clause)


def test_candidates_of_the_document_holding_most_of_the_head_gain():
    aligner = _aligner()
    texts = ["Tourism has begun to return as well", "first point", "second point", "third point"]
    candidates = _retrieved(texts)
    for i, r in enumerate(candidates):
        r.score = 0.5
        r.chunk.source = "other.md" if i == 0 else "article.txt"
    ranked = rerank("What kind of tourism does the programme cover?", candidates, aligner)
    assert ranked[-1].chunk.source == "other.md"
    alone = _retrieved(texts)  # one document: the term is the same for every candidate and changes nothing
    for r in alone:
        r.score = 0.5
    order = [r.chunk.text for r in rerank("What kind of tourism does the programme cover?", alone, aligner)]
    clause = aligner.clause_scores("What kind of tourism does the programme cover?", texts)
    assert order == [t for _, t in sorted(zip(clause, texts, strict=True), key=lambda p: -p[0])]
