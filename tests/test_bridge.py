"""The cross-lingual lexical bridge: question words mapped onto the words the sources use."""

import hashlib
import re

import numpy as np
import pytest

from rag import bridge
from rag.ingest import ingest
from rag.pipeline import Pipeline, answer
from rag.store import Store
from rag.text import normalize
from tests.conftest import FakeEmbeddings

# normalised forms, as the vocabulary stores them
PAIRS = {"charter": "ميثاق", "abolish": "الغي", "sco": "منظمه", "united": "المتحده", "nations": "الامم"}


def _word_vector(word: str) -> np.ndarray:
    key = PAIRS.get(word, word)
    return np.random.default_rng(int(hashlib.md5(key.encode()).hexdigest()[:8], 16)).standard_normal(32)


class FakeSecond:
    """Word vectors where a word and its listed translation coincide; everything else is random, and a text's
    vector is the mean of its words'. Spelling variants coincide too ("ألغى", "الغي"): the real model only
    comes close (tests/test_real.py)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def common_words(self, script, n):
        words = ["the", "make", "take", "well", "come", "get", "good", "new", "time", "people", "year", "way"]
        return words[:n] if script == "latin" else ["على", "في", "من", "هذا", "التي", "كان", "بين", "عام", "كل", "لها"]

    def encode(self, texts):
        self.seen.extend(texts)
        out = []
        for t in texts:
            words = re.findall(r"[^\W\d_]+", normalize(t)) or [normalize(t)]
            out.append(np.mean([_word_vector(w) for w in words], axis=0))
        v = np.asarray(out, dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_words_are_normalised_content_words():
    assert bridge.words("ألغى ميثاق منظمة في 2024 the SCO charter") == {"الغي", "ميثاق", "منظمه", "sco", "charter"}


def test_spellings_keep_the_letters_as_written_for_the_word_vectors():
    got = bridge.spellings("ألغى الميثاقُ منظمةً، وألغى The Charter")
    assert got == {"الغي": "ألغى", "الميثاق": "الميثاق", "منظمه": "منظمة", "والغي": "وألغى", "charter": "charter"}


def test_ingest_builds_the_vocabulary_once_and_translation_finds_source_words(isolated):
    second = FakeSecond()
    first = ingest(None, isolated, embeddings=FakeEmbeddings(), second=second)
    store = Store(isolated)
    size = store.vocab.count()
    assert size > 400 and first.added > 30
    assert store.document_meta_of("000_c19c94f8a9a8e670.txt")["vocab"] == bridge.VOCAB_VERSION
    # each word embedded as written, and (where it differs) as normalised; found once either way
    assert "ألغى" in second.seen and "الغي" in second.seen and "ألغي" not in second.seen
    near = store.nearest_words(second.encode(["الغي"]), 2, "ar")[0]
    assert [w for w, _, _ in near].count("الغي") == 1 and near[0][:2] == ("الغي", pytest.approx(1.0, abs=1e-5))
    assert all(0.0 < hub < 1.0 for _, _, hub in near)  # measured against the fake's common English words
    assert len(store.vocabulary("ar")) == len(set(store.vocabulary("ar"))) < size
    again = ingest(None, isolated, embeddings=FakeEmbeddings(), second=second)
    assert again.added == 0 and store.vocab.count() == size
    assert bridge.translate("What did the SCO charter abolish?", store, second) == ["الغي", "ميثاق"]
    # an acronym is not looked up by its word vector (the real "sco" lands on unrelated words)
    assert bridge.translate("what is the sco", store, second) == []
    assert bridge.translate("What is the population?", store, second) == []  # no translation above threshold


def test_the_shipped_lexicon_gives_source_words_of_its_translations_stems(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    store = pipe.store
    assert bridge.lexicon_words("division", store) == ["الانقسام"]  # the word vectors never find this one
    assert bridge.lexicon_words("obstacles", store) == ["العايق", "عايقا"]  # the plural by its bare form
    assert bridge.lexicon_words("abolish", store) == ["الغي"]  # not "بالغه", of the same light stem "الغ"
    assert bridge.lexicon_words("population", store) == []  # not in the lexicon
    # a word of a listed word's family: "dedicated" -> "dedication" -> "التفاني"
    assert bridge.lexicon_words("dedicated", store) == bridge.lexicon_words("dedication", store) != []
    assert bridge.lexicon_words("national", store) == []  # "nation" is no listed stem
    grouped = bridge.translate_grouped("Which division does Kazakhstan avoid?", store, pipe.second)
    assert ["الانقسام"] in grouped


def test_an_arabic_word_of_a_synonym_set_also_searches_the_source_words_of_its_set(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    groups = bridge.synonym_groups("ما الذي ينقص منظمة شنغهاي؟", pipe.store)
    assert groups == [["ينقص", "الافتقار"]]  # the article says "الافتقار إلى المشاريع"
    assert ["تفاديه", "لتجنب", "منع"] in bridge.synonym_groups("ما الذي تحاول كازاخستان تفاديه؟", pipe.store)
    assert bridge.synonym_groups("ما عاصمة كازاخستان؟", pipe.store) == []  # no set holds these words
    assert ["تقع", "الموقع", "بموقع"] in bridge.synonym_groups("أين تقع كازاخستان؟", pipe.store)  # "تتمتع بموقع"
    pool: list = []  # the candidates the ranker scores (with fake encoders, its order means little)
    pipe.retriever.retrieve_timed("ما الذي ينقص منظمة شنغهاي؟", capture=pool)
    assert any("الافتقار" in r.chunk.text for r in pool[0][0])


def test_an_acronym_the_sources_never_write_is_looked_up_by_its_words(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    # "UN" is not in the article; "United Nations" is, in Arabic ("الأمم المتحدة")
    assert {"الامم", "المتحده"} <= set(bridge.translate("Which UN plan?", pipe.store, pipe.second))
    # "SCO" is written in the article ("(SCO)"): the sentences naming it are found by e5, not by its words
    assert bridge.translate("what is the sco", pipe.store, pipe.second) == []


def test_english_question_reaches_the_arabic_sentence_through_bm25(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    pool: list = []  # with fake encoders the learned ranker's order means little: BM25 must bring it to the pool
    pipe.retriever.retrieve_timed("What did the charter abolish?", capture=pool)
    found = [r for r in pool[0][0] if "ألغى ميثاق منظمة شنغهاي للتعاون" in r.chunk.text]
    assert found and found[0].lexical > 0


def test_an_english_name_reaches_its_arabic_spelling(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    assert "موكوشيف" in bridge.translate("Who is Murat Mukushev?", pipe.store, pipe.second)
    got = pipe.retriever.retrieve("Who is Murat Mukushev?")
    assert "مراد موكوشيف" in got[0].chunk.text and got[0].lexical > 0


def test_stores_made_before_the_bridge_get_their_vocabulary(isolated):
    ingest(None, isolated, embeddings=FakeEmbeddings(), second=None)  # no bridge at ingestion
    store = Store(isolated)
    assert store.vocab.count() == 0
    pipe = Pipeline(isolated, store=store, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    assert store.vocab.count() > 400
    assert all(m.get("vocab") == bridge.VOCAB_VERSION for m in store.document_meta().values())


def _collection(store, name):
    res = getattr(store, name).get(include=["documents", "metadatas", "embeddings"])
    embeddings = [e.tolist() for e in res["embeddings"]]
    return list(zip(res["ids"], res["documents"], res["metadatas"], embeddings, strict=True))


def test_documents_ingested_together_store_what_one_at_a_time_would(isolated, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()  # a word two documents share, spelled differently: the first document's spelling is embedded
    (docs / "a.txt").write_text("الهدنة دائمة بين البلدين منذ عام 2001.\nThe truce is permanent.\n", encoding="utf-8")
    (docs / "b.txt").write_text("قالت الوزارة إن الهدنة دايمة.\nA permanent truce, the ministry said.\n", "utf-8")
    together, apart = (isolated.model_copy(update={"store_dir": tmp_path / n}) for n in ("together", "apart"))
    second = FakeSecond()
    ingest([docs], together, embeddings=FakeEmbeddings(), second=second)
    assert "دائمة" in second.seen and "دايمة" not in second.seen
    for name in ("a.txt", "b.txt"):
        ingest([docs / name], apart, embeddings=FakeEmbeddings(), second=FakeSecond())
    one, other = Store(together), Store(apart)
    for name in ("vocab", "chunks", "second"):
        assert _collection(one, name) == _collection(other, name), name
    assert one.vocab.count() > 10
    assert one.document_meta() == other.document_meta()
    assert all(m["vocab"] == bridge.VOCAB_VERSION and m["complete"] for m in one.document_meta().values())


def test_the_hubness_reference_is_kept_beside_the_use_snapshot_and_checked(tmp_path):
    from rag.use_snapshot import snapshot_dir

    class OtherSecond(FakeSecond):
        def encode(self, texts):
            return -super().encode(texts)

    assert bridge._reference(FakeSecond(), "latin", tmp_path) is not None
    assert not snapshot_dir(tmp_path).exists()  # no USE snapshot there: nothing is written
    snapshot_dir(tmp_path).mkdir()
    (snapshot_dir(tmp_path) / "tokenizer.marshal").write_bytes(b"")
    second = FakeSecond()
    first = bridge._reference(second, "latin", tmp_path)
    assert len(list(snapshot_dir(tmp_path).glob("hub-reference-latin-*.npy"))) == 1
    second.seen.clear()
    again = bridge._reference(second, "latin", tmp_path)
    assert np.array_equal(first, again) and len(second.seen) == bridge._FINGERPRINT  # read, not encoded again
    other = bridge._reference(OtherSecond(), "latin", tmp_path)  # same words, another encoder's vectors
    assert np.allclose(other, -first)


def test_arabic_question_reaches_an_english_document(isolated, tmp_path):
    doc = tmp_path / "charter.md"
    filler = " ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(80))
    doc.write_text(f"# Notes\nThe charter was signed in Shanghai. {filler}.\n", encoding="utf-8")
    second = FakeSecond()
    ingest([doc], isolated, embeddings=FakeEmbeddings(), second=second)
    store = Store(isolated)
    assert bridge.translate("ما الذي ينص عليه ميثاق المنظمة؟", store, second) == ["charter"]
    assert bridge.translate("What does the charter say?", store, second) == []  # no Arabic text stored


def test_english_question_matches_an_english_document_by_its_own_words(isolated, tmp_path):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    doc = tmp_path / "harbour.txt"
    doc.write_text("Harbour notes.\nThe harbour board of Zanzibar approved the crane contract in March 2031.\n")
    ingest([doc], isolated, store=pipe.store, embeddings=pipe.embeddings, second=pipe.second)
    top = pipe.retriever.retrieve("When did the Zanzibar harbour board approve the crane contract?")[0]
    assert top.chunk.source == "harbour.txt" and top.lexical > 0


def test_a_lower_case_name_reaches_its_arabic_spelling(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    assert "موكوشيف" in bridge.translate("who is murat mukushev", pipe.store, pipe.second)
    assert bridge.translate("what did the summit decide", pipe.store, pipe.second) == []


def test_names_no_source_spells_are_unknown_and_answers_about_them_abstain(isolated):
    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=FakeSecond())
    pipe.ensure_corpus()
    assert bridge.unknown_names("Did Tokayev meet Vladimir Putin?", pipe.store, pipe.second) == ["Vladimir Putin"]
    assert bridge.unknown_names("Who is Murat Mukushev?", pipe.store, pipe.second) == []
    assert bridge.unknown_names("What did the SCO Secretariat sign?", pipe.store, pipe.second) == []  # SCO is known
    # all in lower case: the speaker's words are judged ("xi jinping"), not every word of the question
    asked = "what did xi jinping say about almaty"
    assert bridge.unknown_names(asked, pipe.store, pipe.second) == []
    assert bridge.unknown_names(asked, pipe.store, pipe.second, "xi jinping") == ["xi jinping"]
    assert bridge.unknown_names("what did murat mukushev say", pipe.store, pipe.second, "murat mukushev") == []
    res = answer("What did Vladimir Putin say about Almaty?", pipeline=pipe)
    assert res.abstained and not res.citations and "Vladimir Putin" in res.text
    assert not answer("Who is Murat Mukushev?", pipeline=pipe).abstained


def test_translations_must_be_closer_than_either_words_usual_neighbours():
    # (source word, cosine to the question word, its hubness): "منصة" is close to "make" but close to everything
    neighbours = [("منصه", 0.71, 0.80), ("ذات", 0.70, 0.78), ("نحو", 0.69, 0.79), ("صنع", 0.62, 0.40)]
    assert bridge.pick_translations(neighbours) == ["صنع"]  # 2*0.62 - 0.68 - 0.40 = 0.16
    charter = [("ميثاق", 0.78, 0.45), ("بالقدره", 0.63, 0.65), ("الطاقه", 0.60, 0.55), ("عام", 0.40, 0.50)]
    assert bridge.pick_translations(charter) == ["ميثاق"]
    assert bridge.pick_translations([("قريب", 0.55, 0.1)]) == []  # below THRESHOLD however rare
    assert bridge.pick_translations([]) == []


class FailingSecond(FakeSecond):
    """A second encoder that breaks: ingestion's background pass must not swallow it."""

    def encode(self, texts):
        raise RuntimeError("USE broke")


def test_a_failure_beside_e5_reaches_the_caller_and_the_next_run_finishes(isolated):
    # the second encoder and the vocabulary run in a thread beside e5 (rag.ingest._when_idle): its error is raised
    # by ingest, the document stays marked incomplete, and the next run completes it
    with pytest.raises(RuntimeError, match="USE broke"):
        ingest(None, isolated, embeddings=FakeEmbeddings(), second=FailingSecond())
    store = Store(isolated)
    assert [m.get("complete") for m in store.document_meta().values()] == [False]
    report = ingest(None, isolated, store=store, embeddings=FakeEmbeddings(), second=FakeSecond())
    assert report.documents == 1 and store.vocab.count() > 0
    assert [m.get("complete") for m in store.document_meta().values()] == [True]
