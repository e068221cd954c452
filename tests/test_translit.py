"""Names matched across scripts by consonant skeleton."""

import pytest

from rag.translit import SkeletonIndex, name_forms, name_phrases, name_words, same_name


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("Mukushev", "موكوشيف"),
        ("Tokayev", "توكاييف"),
        ("Almaty", "ألماتي"),
        ("Astana", "أستانا"),
        ("Turkestan", "تركستان"),
        ("Kazakhstan", "كازاخستان"),
        ("Zaman", "زمان"),
        ("Kassym", "قاسم"),
        ("Jomart", "جومارت"),
        ("Murat", "مراد"),
    ],
)
def test_names_and_their_arabic_spellings_match(latin, arabic):
    assert same_name(latin, arabic)


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("Tokayev", "الثقافي"),  # same consonants, but long vowels where the name has none
        ("Tokayev", "تقف"),  # far too short to spell it
        ("Almaty", "أستانا"),
        ("Bajwa", "باجوا"),  # two consonants are too few to tell
    ],
)
def test_other_words_do_not(latin, arabic):
    assert not same_name(latin, arabic)


def test_only_capitalised_words_after_the_first_are_names():
    assert name_words("Who is Murat Mukushev?") == ["Murat", "Mukushev"]
    assert name_words("What did the SCO decide in Almaty?") == ["Almaty"]  # acronyms left to the expansions
    assert name_words("what did the summit decide about the charter") == []


def test_index_finds_source_words_and_skips_names_already_translated():
    index = SkeletonIndex(["مراد", "موكوشيف", "المنسق", "ألماتي", "تقاطع"])
    assert index.lookup("Who is Murat Mukushev?") == ["مراد", "موكوشيف"]
    assert index.lookup("Who is Murat Mukushev?", skip={"murat"}) == ["موكوشيف"]
    assert index.lookup("Where is Almaty?") == ["ألماتي"]


def test_a_name_written_with_the_article_in_arabic_is_found_without_it():
    # "al-Jazari": the question's name word is "Jazari", the source writes "الجزري" (and "بالجزري" after a clitic)
    index = SkeletonIndex(["الجزري", "بالجزري", "ألماتي", "الجزيرة", "جزر"])
    assert index.spellings("Jazari") == ["الجزري", "بالجزري"]
    assert index.spellings("Almaty") == ["ألماتي"]  # an "al" that belongs to the name still matches
    assert name_forms("الجزري") == ["الجزري", "جزري"] and name_forms("جزر") == ["جزر"]


def test_name_phrases_are_runs_of_capitalised_words_holding_a_name():
    assert name_phrases("Did Tokayev meet Vladimir Putin at the summit?") == [["Tokayev"], ["Vladimir", "Putin"]]
    assert name_phrases("Who signs with the SCO Secretariat?") == [["SCO", "Secretariat"]]
    assert name_phrases("Which UN agency signs it?") == []  # an acronym alone is not a name
    # the first word belongs to a name that goes on, unless it is a function word
    assert name_phrases("Golden Horde symposium: where?") == [["Golden", "Horde"]]
    assert name_phrases("What did Vladimir Putin say?") == [["Vladimir", "Putin"]]
    assert name_phrases("What is the Secretary-General's salary?") == [["Secretary", "General"]]
    # the particles of Arabic names join their words; "and" does not
    assert name_phrases("Trouble at the Ras al-Safa plant?") == [["Ras", "Safa"]]
    assert name_phrases("Who was Ismail ibn al-Razzaz?") == [["Ismail", "Razzaz"]]
    assert name_phrases("Did Tokayev and Putin meet?") == [["Tokayev"], ["Putin"]]
