"""The asker_language metric: does the text outside the quotes state the expected answer in the asker's language?"""

from rag.evaluate import asker_language_ok


def test_a_value_read_out_in_the_askers_language_counts_and_the_bracketed_original_alone_does_not():
    text = "Answer: 5 billion dollars (5 مليارات دولار) [1]\n\nThe source says:\n[1] «بتكلفة 5 مليارات دولار»"
    assert asker_language_ok([["5 مليارات دولار"]], text, "en")
    only_original = "Answer: مليارات دولار [1]\n\n[1] «بتكلفة 5 مليارات دولار»"
    assert not asker_language_ok([["5 مليارات دولار"]], only_original, "en")


def test_the_quote_never_counts():
    text = "يقول المصدر:\n[1] «Nikolai Bordyuzha of Russia held the post from 2003 to 2016.»"
    assert not asker_language_ok([["Nikolai Bordyuzha", "Bordyuzha"]], text, "ar")
    assert not asker_language_ok([["2003"]], "الجواب: [1]\n[1] «from 2003»", "ar")


def test_a_name_counts_in_the_askers_letters_with_the_same_consonants_wrong_names_do_not():
    lead = "Answer: Tukayif (transliterated from توكاييف) [1]\n\n[1] «... توكاييف.»"
    assert asker_language_ok([["قاسم جومارت توكاييف", "توكاييف"]], lead, "en")
    assert not asker_language_ok([["أذربيجان"]], lead, "en")
    arabic = "الجواب: بورديوجا (كتابة صوتية لـ Bordyuzha) [1]\n\n[1] «Nikolai Bordyuzha held the post.»"
    assert asker_language_ok([["Nikolai Bordyuzha", "Bordyuzha"]], arabic, "ar")
    # a figure is no name: "20 سبتمبر 2026" does not state "21 September 2025"
    assert not asker_language_ok([["21 September 2025"]], "الجواب: 20 سبتمبر 2026 (20 September 2026) [1]", "ar")


def test_every_expected_group_must_be_stated():
    text = "Answer: عقبة بن نافع; 670 [1]"
    assert not asker_language_ok([["عقبة بن نافع"], ["670"]], text, "en")
    assert asker_language_ok([["عقبة بن نافع"], ["670"]], "Answer: Uqba bin Nafi (transliterated), 670 [1]", "en")


def test_a_country_counts_by_its_name_in_the_askers_language():
    assert asker_language_ok([["أذربيجان"]], "Answer: Azerbaijan (أذربيجان) [1]", "en")
    assert not asker_language_ok([["أذربيجان"]], "Answer: Turkey (تركيا) [1]", "en")
    assert not asker_language_ok([["روسيا ودول آسيا الوسطى"]], "Answer: Russia (روسيا) [1]", "en")  # only a part
