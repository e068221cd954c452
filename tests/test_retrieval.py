"""Retrieval helpers: an English question about the country the sources are about, searched without its name too."""

from rag.retrieval import about, unnamed, without_countries
from rag.schema import Chunk


def _chunks(texts: list[str], source: str = "d") -> list[tuple[Chunk, float]]:
    return [
        (Chunk(id=str(i), source=source, text=t, start=0, end=len(t), paragraph=1, para_start=0, para_end=len(t)), 0.5)
        for i, t in enumerate(texts)
    ]


def test_the_question_without_the_countries_it_names():
    assert without_countries("What is Kazakhstan trying to turn the SCO into?") == (
        "What is trying to turn the SCO into?",
        {"Kazakhstan"},
    )
    assert without_countries("What is Kazakhstan's balancing strategy consistent with?")[0] == (
        "What is balancing strategy consistent with?"
    )
    assert without_countries("What is the SCO?") is None  # names no country
    assert without_countries("Kazakhstan?") is None  # nothing else


def test_only_the_country_most_candidates_name_is_what_the_sources_are_about():
    dense = _chunks(["إن استقرار السياسة الخارجية لكازاخستان", "وقد لعبت كازاخستان دوراً رئيسياً", "الصين وروسيا"])
    assert about({"Kazakhstan"}, dense)
    assert not about({"China"}, dense)
    assert not about({"Kazakhstan", "China"}, dense)


def test_the_search_without_the_country_adds_sentences_not_naming_it_in_the_other_script():
    found = _chunks(
        [
            "ويتجلى هذا بوضوح في جهودها الرامية إلى تحويل منظمة شنغهاي للتعاون إلى منصة",
            "وقد لعبت كازاخستان دوراً رئيسياً",  # names it: the first ranking's
            "Tourism has begun to return as well.",  # the question's own script
        ]
    )
    assert [c.text[:8] for c, _ in unnamed({"Kazakhstan"}, found, own_arabic=False)] == ["ويتجلى ه"]
