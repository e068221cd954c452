import pytest

from rag.citations import check_answer, is_verbatim, locate, markers
from rag.schema import Citation

SOURCE = "He said \u201cit\u2019s fine\u201d.  Two  spaces. كَازَاخِسْتَان و كـــازاخستان. It's ok."


@pytest.mark.parametrize(
    "quote",
    ["\u201cit\u2019s fine\u201d", "Two  spaces", "كَازَاخِسْتَان", "كـــازاخستان", "It's ok."],
)
def test_exact_spans_are_found(quote):
    span = locate(SOURCE, quote)
    assert span is not None and SOURCE[span[0] : span[1]] == quote


@pytest.mark.parametrize(
    "quote",
    ['"it\'s fine"', "it's fine", "Two spaces", "كازاخستان", "It\u2019s ok.", "", "   "],
)
def test_near_misses_are_not_verbatim(quote):
    # straight vs curly quotes, collapsed whitespace, stripped diacritics/tatweel: all rejected
    assert locate(SOURCE, quote) is None


def test_locate_prefers_the_occurrence_near_the_hint():
    text = "abc xyz abc"
    assert locate(text, "abc", hint=8) == (8, 11)
    assert locate(text, "abc") == (0, 3)


def test_is_verbatim_checks_offsets_not_just_presence():
    good = Citation(n=1, quote="Two  spaces", source="s", start=SOURCE.index("Two"), end=SOURCE.index("Two") + 11)
    assert is_verbatim(good, SOURCE)
    shifted = good.model_copy(update={"start": good.start + 1, "end": good.end + 1})
    assert not is_verbatim(shifted, SOURCE)
    assert not is_verbatim(good.model_copy(update={"end": 10_000}), SOURCE)
    assert not is_verbatim(good, None)


def test_check_answer_pairs_markers_and_citations():
    c = Citation(n=1, quote="It's ok.", source="s", start=SOURCE.index("It's"), end=SOURCE.index("It's") + 8)
    assert check_answer("fine [1]", [c], {"s": SOURCE}) == []
    assert check_answer("fine [1] [2]", [c], {"s": SOURCE})
    assert check_answer("no markers", [c], {"s": SOURCE})
    assert markers("a [1] b [12]") == {1, 12}
