from rag.answering.extractive import Evidence, render
from rag.answering.values import in_language


def test_a_figure_is_read_out_in_the_askers_language_with_the_original_after_it():
    assert in_language("$16.9 billion", "ar") == "16.9 مليار دولار ($16.9 billion)"
    assert in_language("3.4 مليون دولار", "en") == "3.4 million dollars (3.4 مليون دولار)"
    assert in_language("15 إلى 30 في المئة", "en") == "15 to 30 percent (15 إلى 30 في المئة)"
    assert in_language("21 September 2025", "ar") == "21 سبتمبر 2025 (21 September 2025)"
    assert in_language("ثلاث", "en") == "3 (ثلاث)"


def test_a_value_in_the_askers_language_or_with_an_unknown_word_stays_as_written():
    assert in_language("$16.9 billion", "en") == "$16.9 billion"
    assert in_language("2025", "ar") == "2025"
    assert in_language("Sher-Dor madrasa", "ar") == "Sher-Dor madrasa"  # no reading of a name is invented


def test_the_lead_line_of_an_english_answer_from_an_arabic_quote_reads_in_english():
    text = render("en", Evidence([], short="3.4 مليون دولار", expected_type="quantity"), ["…"], "ar")
    assert (
        text.splitlines()[0] == "Answer: 3.4 million dollars (\u20683.4 مليون دولار\u2069) [1]"
    )  # isolated: test_lead


def test_a_decade_is_read_out_in_the_askers_language():
    assert in_language("السبعينيات", "en") == "the 1970s (السبعينيات)"
    assert in_language("the 1980s", "ar") == "الثمانينيات (the 1980s)"
    assert in_language("2010s", "ar") == "2010s"  # no Arabic word for it: shown as written
