import pytest

from rag.errors import InputError
from rag.pipeline import answer, clean_question, retrieval_query
from rag.schema import Retrieved


def _verbatim(pipe, res):
    for c in res.citations:
        assert pipe.store.document(c.source).text[c.start : c.end] == c.quote


def test_arabic_question_gets_a_verified_quote(fake_pipeline):
    res = answer("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", pipeline=fake_pipeline)
    assert not res.abstained and res.language == "ar"
    assert res.citations and "[1]" in res.text
    _verbatim(fake_pipeline, res)


def test_typed_question_leads_with_the_span(fake_pipeline):
    res = answer("متى عقد اجتماع مجلس رؤساء الدول؟", pipeline=fake_pipeline)
    assert res.short_answer == "يوليو 2023"
    assert res.text.startswith("الجواب: يوليو 2023 [1]")
    _verbatim(fake_pipeline, res)


def test_gist_question_quotes_the_lead_past_outlet_and_byline(fake_pipeline):
    res = answer("What is this article about?", pipeline=fake_pipeline)
    assert not res.abstained and len(res.citations) == 1
    assert res.citations[0].quote.startswith("إن استقرار السياسة الخارجية لكازاخستان")
    assert res.citations[0].paragraph == 3
    _verbatim(fake_pipeline, res)


def test_quantity_question_without_a_number_abstains(fake_pipeline):
    res = answer("كم عدد سكان كازاخستان؟", pipeline=fake_pipeline)
    assert res.abstained and not res.citations
    assert "لا تذكر المصادر" in res.text


def test_english_answers_say_the_quote_is_arabic(fake_pipeline):
    res = answer("When did the Council of Heads of State meet in 2023?", pipeline=fake_pipeline)
    assert res.language == "en"
    if not res.abstained:
        assert "original Arabic" in res.text
        _verbatim(fake_pipeline, res)


@pytest.mark.parametrize("q", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_questions_are_rejected(q):
    with pytest.raises(InputError, match="empty"):
        clean_question(q, 100)


def test_huge_question_is_truncated_with_a_note(fake_pipeline):
    res = answer("ما هو مركز أستانا المالي الدولي؟ " * 4000, pipeline=fake_pipeline)
    assert any("only the first" in n for n in res.notes)


@pytest.mark.parametrize("q", ["???!!!", "Что такое ШОС?", "上海合作组织是什么", "😀😀"])
def test_other_scripts_never_crash(fake_pipeline, q):
    res = answer(q, pipeline=fake_pipeline)
    _verbatim(fake_pipeline, res)
    assert res.abstained or res.citations


def test_follow_up_joins_the_previous_question():
    hist = [{"role": "user", "content": "When was the first meeting?"}, {"role": "assistant", "content": "x"}]
    assert retrieval_query("And where?", hist) == "When was the first meeting? And where?"
    assert retrieval_query("ومتى عُقد؟", [("ما اجتماع مجلس رؤساء الدول؟", "...")]).startswith("ما اجتماع")
    assert retrieval_query("Who wrote the article about Kazakhstan's chairmanship?", hist).startswith("Who")


def test_stale_chunk_that_no_longer_matches_is_dropped(fake_pipeline):
    from rag.pipeline import cite

    real = fake_pipeline.retriever.retrieve("مركز أستانا المالي الدولي")[0]
    fake = real.model_copy(update={"chunk": real.chunk.model_copy(update={"text": real.chunk.text + " مزيف"})})
    assert cite([fake], fake_pipeline) == []
    assert len(cite([real], fake_pipeline)) == 1
    assert isinstance(real, Retrieved)


def test_empty_store_ingests_the_default_article_first(isolated):
    from rag.pipeline import Pipeline
    from tests.conftest import FakeEmbeddings

    pipe = Pipeline(isolated, embeddings=FakeEmbeddings(), second=None)
    assert pipe.store.count() == 0
    answer("ما هي منظمة شنغهاي للتعاون؟", pipeline=pipe)
    assert pipe.store.count() > 30


def test_the_sentences_before_and_after_one_in_the_text(fake_pipeline):
    pipe = fake_pipeline
    pipe.ensure_corpus()
    source = "000_c19c94f8a9a8e670.txt"
    chunks = pipe.sentences(source)
    i = next(i for i, c in enumerate(chunks) if c.text.startswith("تتمتع هذه الطريقة الفريدة"))
    middle = Retrieved(chunk=chunks[i], score=1.0)
    assert pipe.previous(middle).chunk.text.startswith("وللتغلب على هذا العائق")
    assert pipe.next(middle).chunk == chunks[i + 1]  # across the paragraph break
    assert chunks[i + 1].paragraph == chunks[i].paragraph + 1
    assert pipe.previous(Retrieved(chunk=chunks[0], score=1.0)) is None
    assert pipe.next(Retrieved(chunk=chunks[-1], score=1.0)) is None


def test_how_the_article_ends_quotes_its_last_sentence(fake_pipeline):
    res = answer("How does the article end?", pipeline=fake_pipeline)
    assert [c.quote for c in res.citations] == [fake_pipeline.sentences("000_c19c94f8a9a8e670.txt")[-1].text]
    assert res.citations[0].quote.startswith("ولذلك فإن قيادة كازاخستان")
    _verbatim(fake_pipeline, res)


def test_a_sentence_the_text_repeats_is_retrieved_once(fake_pipeline):
    # lines 3 and 10 of the article open with the same sentence: one copy would push the rest down a rank
    lead = "إن استقرار السياسة الخارجية لكازاخستان دليل على نجاح النهج الاستراتيجي في التعامل مع العلاقات الدولية."
    assert fake_pipeline.store.document("000_c19c94f8a9a8e670.txt").text.count(lead) == 2
    got = [r.chunk.text for r in fake_pipeline.retriever.retrieve(lead)]
    assert got[0] == lead and got.count(lead) == 1


def test_rankings_fuse_by_reciprocal_rank_keeping_each_sentence_once():
    from rag.pipeline import fuse_rankings
    from tests.test_rerank import _retrieved

    a, b, c = _retrieved(["الأولى", "الثانية", "الثالثة"])
    assert [r.chunk.text for r in fuse_rankings([[a, b, c], [b, c, a]])] == ["الثانية", "الأولى", "الثالثة"]
    assert fuse_rankings([[a], [a]]) == [a]


def test_a_short_follow_up_puts_first_the_best_sentence_holding_its_own_word():
    from rag.pipeline import own_words_first
    from tests.test_rerank import _retrieved

    ranked = _retrieved(
        [
            "وقد قدمت كازاخستان مقترحات لتعزيز التعاون الثقافي والإنساني.",
            "وتشمل هذه المقترحات مبادرات مثل تنفيذ مشروع المزارات الروحية.",
            "وكان هدفهم مكافحة تغير المناخ.",
        ]
    )
    assert own_words_first("وما هدفها؟", ranked, None)[0] is ranked[2]
    english = own_words_first("And what was its aim?", ranked, lambda ws: {w: ["هدف"] for w in ws})
    assert english[0] is ranked[2] and len(english) == 3
    assert own_words_first("ومتى؟", ranked, None) == ranked  # no word of its own: the order stays


def test_a_follow_up_with_words_of_its_own_is_also_searched_alone(fake_pipeline, searched):
    asked = searched
    before = "What goals did Tokayev set for the chairmanship?"
    history = [{"role": "user", "content": before}, {"role": "assistant", "content": "..."}]
    answer("What about its anti-drug strategy?", history=history, pipeline=fake_pipeline)
    assert asked == [f"{before} What about its anti-drug strategy?", "What about its anti-drug strategy?"]
    asked.clear()
    answer("And in which year?", history=history, pipeline=fake_pipeline)  # one word of its own: joined only
    # ...and the turn it refers to, alone: the document its answer quoted is the one "which year" asks about
    assert asked == [f"{before} And in which year?", before]
