"""A quoted sentence that leans on the one before it: "why" answered by "therefore ...", "which X" answered by
"this X ..."."""

import pytest

from rag.answering.antecedent import (
    asked_noun_words,
    asks_description,
    asks_why,
    goes_on_about,
    needs_antecedent,
    pointing_phrase,
)
from rag.answering.extractive import choose_evidence
from tests.test_rerank import _retrieved

THEREFORE = "ولذلك قد يكون من الصعب التوصل إلى اتفاق عادل بشأن قضايا السلامة الملحة مثل الأمن المائي."
THIS_FRAMEWORK = "ويضمن هذا الإطار النظري الذي يقدمه خطاب العلاقات الدولية إمكانية التعاون والتطوير."
THESE_PROPOSALS = "وتشمل هذه المقترحات مبادرات مثل تنفيذ مشروع المزارات الروحية لمنظمة شنغهاي للتعاون."
PLAIN = "وكانت مؤتمرات القمة السابقة لمنظمة شنغهاي للتعاون تؤثر على الاستراتيجيات الجيوسياسية."


def _translator(words: list[str]) -> dict[str, list[str]]:
    table = {"theory": ["النظري"], "project": ["مشروع"], "framework": []}
    return {w: table[w] for w in words if w in table}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Why might a fair deal on water security be hard to reach?", True),
        ("What could make Central Asia stronger?", True),
        ("لماذا يصعب التوصل إلى اتفاق بشأن الأمن المائي؟", True),
        ("ما الذي يجعل التوصل إلى اتفاق صعبا؟", True),
        ("ما سبب صعوبة الاتفاق؟", True),
        ("What did the SCO charter abolish?", False),
        ("لمن تقدم المنظمة الرئاسة؟", False),
    ],
)
def test_asks_why(question, expected):
    assert asks_why(question) is expected


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Which theory of international relations does the SCO exemplify?", ["theory", "international", "relations"]),
        ("What kind of platform does Kazakhstan want?", ["platform"]),
        ("على أي نموذج نظري تقف المنظمة؟", ["نموذج", "نظري"]),
        ("ما الإطار النظري الذي يضمن التعاون؟", ["الاطار", "النظري"]),
        ("What did the charter abolish?", []),
        ("ما هي عاصمة كازاخستان؟", []),
        ("ماذا تشمل المقترحات؟", []),
    ],
)
def test_asked_noun_words(question, words):
    assert asked_noun_words(question) == words


def test_pointing_phrase():
    assert pointing_phrase(THIS_FRAMEWORK) == ["الاطار", "النظري"]
    assert pointing_phrase(THESE_PROPOSALS) == ["المقترحات", "مبادرات"]
    assert pointing_phrase("This approach helps.") == ["approach", "helps."]
    assert pointing_phrase(PLAIN) == []


def test_why_answered_by_a_consequence_needs_the_sentence_before():
    assert needs_antecedent("Why might a fair deal on water security be hard to reach?", THEREFORE)
    assert not needs_antecedent("What is hard to reach on water security?", THEREFORE)
    assert not needs_antecedent("Why is water security hard?", PLAIN)


def test_which_x_answered_by_this_x_needs_the_sentence_before():
    assert needs_antecedent("على أي نموذج نظري تقف المنظمة؟", THIS_FRAMEWORK)
    assert needs_antecedent("Which theory does the SCO rank high on?", THIS_FRAMEWORK, _translator)
    assert not needs_antecedent("Which theory does the SCO rank high on?", THIS_FRAMEWORK)  # no translator
    # the asked noun may follow an "of": "which school of international relations theory"
    school = "Which school of international relations theory does it lean on?"
    assert needs_antecedent(school, THIS_FRAMEWORK, _translator)
    # the sentence names the project itself: "these proposals" is not what was asked
    assert not needs_antecedent("Which project was proposed?", THESE_PROPOSALS, _translator)
    assert not needs_antecedent("ما المشروع المتعلق بالمزارات؟", THESE_PROPOSALS)


def test_choose_evidence_quotes_the_sentence_before_first():
    earlier, best = _retrieved([PLAIN, THEREFORE])
    question = "Why might a fair deal on water security be hard to reach?"
    ev = choose_evidence(question, [best], before=lambda r: earlier if r is best else None)
    assert [r.chunk.text for r in ev.picked] == [PLAIN, THEREFORE]
    assert [r.chunk.text for r in choose_evidence(question, [best]).picked] == [THEREFORE]
    assert [r.chunk.text for r in choose_evidence(question, [best], before=lambda r: None).picked] == [THEREFORE]


PROPOSAL = "وللتغلب على هذا العائق، اقترحت كازاخستان الاستفادة من مركز أستانا المالي الدولي كمنصة."
THIS_METHOD = "تتمتع هذه الطريقة الفريدة بالقدرة على فتح آفاق جديدة للتعاون الاقتصادي والتنمية."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How does the author describe the Astana proposal?", True),
        ("كيف توصف الطريقة التي اقترحتها كازاخستان؟", True),
        ("بماذا يصف الكاتب المنظمة؟", True),
        ("How is Kazakhstan's foreign policy characterised?", True),
        ("What did Kazakhstan propose?", False),
        ("ما الوصفة التقليدية لطبق البشبرماق؟", False),  # a recipe, not a description
    ],
)
def test_asks_description(question, expected):
    assert asks_description(question) is expected


def test_a_description_that_goes_on_in_the_next_sentence_is_quoted_after_it():
    question = "كيف توصف الطريقة التي اقترحتها كازاخستان؟"
    assert goes_on_about(question, PROPOSAL, THIS_METHOD)
    assert not goes_on_about(question, PROPOSAL, PLAIN)  # points back at nothing
    assert not goes_on_about("What did Kazakhstan propose?", PROPOSAL, THIS_METHOD)
    best, following = _retrieved([PROPOSAL, THIS_METHOD])
    ev = choose_evidence(question, [best], after=lambda r: following if r is best else None)
    assert [r.chunk.text for r in ev.picked] == [PROPOSAL, THIS_METHOD]
    assert [r.chunk.text for r in choose_evidence(question, [best]).picked] == [PROPOSAL]


def test_the_next_sentence_naming_what_is_asked_about_is_quoted_after_it():
    # "this unique method" is what the question asks about; the sentence before never says "method".
    translator = {"method": ["الطريقة", "النهج"], "open": ["فتح"], "astana": ["أستانا"]}

    def translate(words):
        return {w: translator.get(w, []) for w in words}

    asked = "What could the Astana financial centre method open up?"
    assert goes_on_about(asked, PROPOSAL, THIS_METHOD, translate)
    assert goes_on_about("ماذا يمكن أن تفتح الطريقة المقترحة؟", PROPOSAL, THIS_METHOD)
    assert not goes_on_about(asked, PROPOSAL, THIS_METHOD)  # no translations: nothing is named
    assert not goes_on_about(asked, "اقترحت كازاخستان هذه الطريقة.", THIS_METHOD, translate)  # best names it too
    assert not goes_on_about("What did Kazakhstan propose?", PROPOSAL, THIS_METHOD, translate)
