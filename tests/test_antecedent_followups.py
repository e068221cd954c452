"""Follow-up questions in a conversation (issue 22): a question that stands alone is searched alone, one that points
back follows what the last answer was about, in both languages and across them."""

import pytest

from rag.answering.antecedent import conversation_context, follow_up_kind, refers_back
from rag.pipeline import answer, on_topic, retrieval_query
from rag.schema import Chunk, Retrieved


@pytest.mark.parametrize(
    "question",
    [
        "When was it?",
        "Where is that institute based?",
        "Who commanded them?",
        "What was his time?",
        "When did its first test container train run?",
        "ومن ترأسها؟",
        "وكم يبلغ قطر حوضها الأكبر؟",
        "وبماذا تتزين واجهته؟",  # "ه" after a consonant: a pronoun
        "وإلى متى يفضل تأخيره؟",
        "وما اسم هذه المحطة؟",
    ],
)
def test_a_question_pointing_back(question):
    assert follow_up_kind(question) == "points"


@pytest.mark.parametrize("question", ["Since when?", "In what year?", "Why?", "ومنذ متى؟", "وبكم؟", "ومتى بنيت؟"])
def test_a_question_naming_nothing(question):
    assert follow_up_kind(question) == "names_nothing"


@pytest.mark.parametrize(
    "question",
    [
        "And who is the national coordinator?",  # the case: a leading "and" alone is no follow-up
        "And where is the CSTO Parliamentary Assembly based?",
        "ومن هو المنسق الوطني؟",  # the copula names the subject
        "وكم يدفع المواطن الأوزبكي للكيلوواط ساعة ضمن الحد الاجتماعي؟",
        "متى بنيت فسقية الأغالبة؟",
        "ما هي الفترة التي تغطيها استراتيجية منظمة شنغهاي؟",  # a relative clause's pronoun points inside
        "ما المشاريع التي أعلن عنها الوزير؟",
        "كم عدد الأسهم المعروضة؟",  # a word with the article takes no pronoun
        "ما حجم المياه المتاحة؟",  # "...اه" is no pronoun
        "Are there other Arab investors in Uzbekistan?",  # existential "there"
        "Which organisation issued the guidelines that the answers rely on?",  # relative "that"
    ],
)
def test_a_question_that_stands_alone(question):
    assert not refers_back(question)


def test_asking_again_and_going_on():
    assert follow_up_kind("What about Uzbekistan?") == "asks_again"
    assert follow_up_kind("وماذا عن الهند؟") == "asks_again"
    assert follow_up_kind("ومن أي مادة صنعت؟") == "continues"  # the verb carries its subject
    assert follow_up_kind("And when can I sign up?") == "continues"  # for what?


def test_the_context_reaches_back_to_the_turn_that_stands_alone():
    turns = ["Who won the women's race?", "What is the Muruntau pit?", "How deep is it?"]
    assert conversation_context("And how long?", turns) == turns[1:]
    assert conversation_context("Who won the men's race in Almaty?", turns) == []
    assert conversation_context("Who chaired it?", ["من أسس القيروان؟", "When was the sixth CICA summit?"]) == [
        "When was the sixth CICA summit?"
    ]
    assert conversation_context("When was it?", []) == []


def test_retrieval_query_joins_only_follow_ups():
    hist = [{"role": "user", "content": "Which period does the anti-drug strategy cover?"}]
    assert retrieval_query("And who is the national coordinator?", hist) == "And who is the national coordinator?"
    assert retrieval_query("When was it?", hist) == "Which period does the anti-drug strategy cover? When was it?"


def _r(source: str, n: int) -> Retrieved:
    chunk = Chunk(
        id=f"{source}:{n}", source=source, text=f"s{n}", start=n, end=n + 1, paragraph=1, para_start=0, para_end=9
    )
    return Retrieved(chunk=chunk, score=1.0)


def test_a_pointing_follow_up_keeps_to_the_document_of_the_last_answer():
    ranked = [_r("b.md", 1), _r("a.md", 2), _r("b.md", 3), _r("a.md", 4)]
    quoted = [_r("a.md", 9)]
    assert [r.chunk.id for r in on_topic("When was it?", ranked, quoted)] == ["a.md:2", "a.md:4"]
    assert on_topic("What about Uzbekistan?", ranked, quoted) == ranked  # names its own subject
    assert on_topic("When was it?", ranked, []) == ranked
    assert on_topic("When was it?", ranked, [_r("c.md", 1)]) == ranked  # nothing there: keep all


def test_a_standalone_question_after_another_is_searched_alone(fake_pipeline, searched):
    asked = searched
    before = "Which period does the anti-drug strategy cover?"
    history = [{"role": "user", "content": before}, {"role": "assistant", "content": "..."}]
    answer("And who is the national coordinator?", history=history, pipeline=fake_pipeline)
    assert asked == ["And who is the national coordinator?"]
    asked.clear()
    res = answer("When was it?", history=history, pipeline=fake_pipeline)
    # joined with the turn it refers to, then that turn alone (to find what its answer quoted)
    assert asked == [f"{before} When was it?", before]
    for c in res.citations:
        assert fake_pipeline.store.document(c.source).text[c.start : c.end] == c.quote
