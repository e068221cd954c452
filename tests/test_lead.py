"""The lead line for who/which/where answers quoted from a source in the other language (rag.answering.lead)."""

from types import SimpleNamespace

from rag.answering.extractive import Evidence, render
from rag.answering.lead import answer_name, asked_kind, entity_lead, isolate, source_speller
from rag.translit import spells, to_arabic, to_latin

# Sentences of the dev corpus (eval/dev/docs), as the answer quotes them.
TOKAYEV = (
    "وقد عقدت جلسات القمة في قصر الاستقلال على الضفة اليسرى لنهر إيشيم، برئاسة الرئيس الكازاخستاني قاسم جومارت توكاييف."
)
AZERBAIJAN = "وعلى صعيد الرئاسة، سلمت كازاخستان رئاسة المؤتمر إلى أذربيجان للفترة من 2022 إلى 2024."
ASTANA = "أستانا – اختتمت في العاصمة الكازاخستانية أستانا، يوم الخميس 13 أكتوبر 2022، أعمال القمة السادسة لمؤتمر سيكا."
KUWAIT = "وأعلنت القمة قبول الكويت عضوا جديدا، ليرتفع عدد الدول الأعضاء إلى 28 دولة."
NO_NAME = "وأعلنت القمة قبول عضو جديد، ليرتفع عدد الدول الأعضاء إلى 28 دولة."
HAYDARAN = "وقد هزمت هذه القبائل جيش المعز في معركة حيدران سنة 1052، ثم دخلت القيروان ونهبتها سنة 1057."
MINISTER = "في مكتبه بمبنى وزارة الطاقة في طشقند، استقبلنا جمشيد عبد الرحمانوف، نائب وزير الطاقة في جمهورية أوزبكستان."
BORDYUZHA = "Nikolai Bordyuzha of Russia held the post from 2003 to 2016."
SECRETARIES = (
    "Stanislav Zas of Belarus served from 2020 to 2022, and the former Kazakh defence minister Imangali Tasmagambetov "
    "took office on 1 January 2023."
)
NAVOI = (
    "Navoi Mining and Metallurgical Combinat (NMMC), founded in 1958, is one of the world's five largest gold "
    "producers."
)
WINNER = (
    "The women's race went to Kazakhstan's Zhanna Mamazhanova, who pulled clear of two Kenyan rivals in the final five "
    "kilometres and won in 2:29:05."
)


def test_what_kind_of_name_a_question_asks_for_in_both_languages():
    assert asked_kind("Who chaired the CICA summit in Astana?") == "person"
    assert asked_kind("مين كان أمين عام المنظمة من 2003 لـ 2016؟") == "person"
    assert asked_kind("Which country took over the CICA chairmanship from Kazakhstan?") == "country"
    assert asked_kind("From which Chinese city did the first trial container train set off?") == "place"
    assert asked_kind("في أي مدينة سيسجل المشروع المشترك؟") == "place"
    assert asked_kind("من أي معدن صنعت قطع المرآة؟") is None  # "from which metal", not "who"
    assert asked_kind("What gathering took place in the Kazakh capital?") is None


def test_an_arabic_name_after_a_title_leads_an_english_answer_transliterated_and_labelled():
    lead = entity_lead("Who chaired the CICA summit in Astana?", TOKAYEV, "en")
    assert lead == "Qasm Jumart Tukayif (transliterated from قاسم جومارت توكاييف)"
    assert entity_lead("In which battle did the Banu Hilal defeat al-Muizz's army in 1052?", HAYDARAN, "en") == (
        "Hidran (transliterated from حيدران)"  # "سنة 1052" is a year, not part of the name
    )
    # a name before its title, after a comma ("X، نائب وزير")
    minister = entity_lead("Who is the Uzbek deputy energy minister interviewed in the article?", MINISTER, "en")
    assert minister == "Jamshid Abd al-Rahmanuf (transliterated from جمشيد عبد الرحمانوف)"


def test_a_source_in_the_askers_language_gives_its_own_spelling_instead():
    def speller(name: str) -> str | None:
        return {"قاسم جومارت توكاييف": "Kassym-Jomart Tokayev"}.get(name)

    lead = entity_lead("Who chaired the CICA summit in Astana?", TOKAYEV, "en", speller)
    assert lead == "Kassym-Jomart Tokayev (قاسم جومارت توكاييف)"


def test_the_store_speller_finds_the_askers_sources_spelling_word_by_word():
    docs = [
        SimpleNamespace(language="en", text="President Kassym-Jomart Tokayev asked the CSTO for help in January 2022."),
        SimpleNamespace(language="ar", text="برئاسة الرئيس قاسم جومارت توكاييف."),
    ]
    store = SimpleNamespace(documents=lambda: docs, per_generation=lambda key, build: build())
    assert source_speller(store, "en")("توكاييف") == "Tokayev"
    assert source_speller(store, "en")("قاسم جومارت توكاييف") == "Kassym-Jomart Tokayev"  # the hyphen kept
    assert source_speller(store, "en")("حيدران") is None  # no English source names it
    assert source_speller(store, "ar")("Tokayev") == "توكاييف"


def test_a_country_is_named_by_its_name_and_never_by_an_adjective_or_one_the_question_names():
    question = "Which country took over the CICA chairmanship from Kazakhstan?"
    assert entity_lead(question, AZERBAIJAN, "en") == "Azerbaijan (أذربيجان)"
    # "العاصمة الكازاخستانية" is no answer to "which country was admitted"
    assert entity_lead("Which country was admitted as a new member at the Astana summit?", ASTANA, "en") is None
    assert entity_lead("Which country was admitted as a new member?", KUWAIT, "en") == "Kuwait (الكويت)"
    assert entity_lead("Which country was admitted as a new member?", NO_NAME, "en") is None


def test_an_english_name_leads_an_arabic_answer_written_in_arabic_letters_and_labelled():
    lead = entity_lead("مين كان أمين عام المنظمة من 2003 لـ 2016؟", BORDYUZHA, "ar")
    assert lead == "نيكولاي بورديوجا (كتابة صوتية لـ Nikolai Bordyuzha)"
    assert entity_lead("من فازت بسباق السيدات في ماراثون ألماتي؟", WINNER, "ar") == (
        "جانا ماماجانوفا (كتابة صوتية لـ Zhanna Mamazhanova)"  # not "Kazakhstan's", not the "Kenyan" rivals
    )


def test_of_two_people_the_one_beside_the_year_the_question_names_else_none():
    asked = "من يشغل منصب الأمين العام لمنظمة معاهدة الأمن الجماعي منذ بداية 2023؟"
    assert answer_name(asked, SECRETARIES).text == "Imangali Tasmagambetov"
    assert answer_name("من يشغل منصب الأمين العام لمنظمة معاهدة الأمن الجماعي؟", SECRETARIES) is None


def test_an_organisations_name_is_no_persons():
    assert entity_lead("من يدير مجمع نوائي للتعدين والمعادن؟", NAVOI, "ar") is None


def first_line(text: str) -> str:
    """The answer's first line without its bidirectional isolates (tested on their own below)."""
    return text.splitlines()[0].replace("\u2068", "").replace("\u2069", "")


def test_render_leads_with_the_name_and_the_number_of_the_quote_that_holds_it():
    question = "Who is the Uzbek deputy energy minister interviewed in the article?"
    text = render("en", Evidence([]), ["ما حجمها اليوم في أوزبكستان؟", MINISTER], "ar", question=question)
    assert first_line(text) == "Answer: Jamshid Abd al-Rahmanuf (transliterated from جمشيد عبد الرحمانوف) [2]"
    # the two closest passages: only the first may lead
    two = render("en", Evidence([], alternatives=True), ["ما حجمها اليوم؟", MINISTER], "ar", question=question)
    assert not two.startswith("Answer:")


def test_without_a_name_one_sentence_says_the_answer_is_only_in_the_quoted_language():
    text = render("en", Evidence([]), [NO_NAME], "ar", question="Which country was admitted as a new member?")
    only = "I cannot give this answer in English: it is only in the Arabic source, quoted below."
    assert text.splitlines()[0] == only
    arabic = render("ar", Evidence([]), [NAVOI], "en", question="من يدير مجمع نوائي للتعدين والمعادن؟")
    assert arabic.splitlines()[0].startswith("لا أستطيع إعطاء هذا الجواب بالعربية")
    assert "لا أستطيع" not in render("ar", Evidence([]), [KUWAIT], "ar", question="ما الدولة؟")  # same language


def test_a_name_left_as_written_is_said_to_be_the_sources_words_and_a_year_word_is_read_out():
    org = render("ar", Evidence([], short="Canadian Space Agency"), ["… supplied by the Canadian Space Agency."], "en")
    assert first_line(org) == "الجواب (كما يكتبه المصدر بالإنجليزية): Canadian Space Agency [1]"
    year = render("en", Evidence([], short="عام 670", expected_type="date"), ["… في عام 670 للميلاد"], "ar")
    assert first_line(year) == "Answer: year 670 (عام 670) [1]"
    assert render("ar", Evidence([], short="2029", expected_type="date"), ["… in 2029"], "en").startswith(
        "الجواب: 2029 [1]"
    )


def test_transliteration_keeps_the_consonants_both_ways():
    assert to_latin("شيهيزي") == "Shihizi"
    assert to_latin("عقبة بن نافع").split()[1] == "bin"
    assert to_arabic("Al-Farabi") == "الفارابي"
    assert all(spells(a, b) for a, b in [("Tokayev", "توكاييف"), ("Uqba", "عقبة"), ("Aktau", "أكتاو"), ("Joe", "جو")])
    assert not spells("Astana", "القمة")


def test_the_other_scripts_run_is_isolated_so_brackets_and_markers_stay_in_place_right_to_left():
    assert isolate("115 مليار دولار ($115 billion)", "ar") == "115 مليار دولار (\u2068$115 billion\u2069)"
    assert isolate("Hidran (transliterated from حيدران)", "en") == "Hidran (transliterated from \u2068حيدران\u2069)"
    assert isolate("2029", "ar") == "2029"  # figures alone read the same both ways
    lead = render("ar", Evidence([], short="$115 billion", expected_type="quantity"), ["GDP: $115 billion."], "en")
    assert lead.splitlines()[0] == "الجواب: 115 مليار دولار (\u2068$115 billion\u2069) [1]"


TRAIN = "وكان أول قطار حاويات تجريبي قد انطلق من مدينة شيهيزي الصينية إلى ميناء باكو في أغسطس 2015."
PARTNERS = "China and Russia are the two main trading partners; together they took almost a third of Uzbek exports."
CABLE = (
    "Mammadli described a planned high-voltage link from Azerbaijan through Georgia and under the Black Sea to Romania."
)


def test_of_two_places_the_one_after_the_preposition_the_question_asks_with():
    question = "From which Chinese city did the first trial container train set off?"
    assert entity_lead(question, TRAIN, "en") == "Shihizi (transliterated from شيهيزي)"
    assert entity_lead("To which port did the first trial train go?", TRAIN, "en") == "Baku (transliterated from باكو)"
    assert entity_lead("في أي مدينة سيسجل المشروع؟", "It would be registered in Bucharest.", "ar") == (
        "بوشاريست (كتابة صوتية لـ Bucharest)"
    )


def test_countries_lead_together_when_they_are_all_the_quote_names_and_not_when_an_unknown_one_may_be_there():
    assert entity_lead("من هما الشريكان التجاريان الرئيسيان لأوزبكستان؟", PARTNERS, "ar") == (
        "الصين وروسيا (China and Russia)"
    )
    # Georgia and Romania are not in the country table: Azerbaijan alone would be a wrong answer
    assert entity_lead("إلى أي دولة سيصل الكابل؟", CABLE, "ar") is None


COORDINATOR = (
    "وفي الاجتماع الأول لمجلس التنسيق الوطني لمنظمة شنغهاي للتعاون في ألماتي في أغسطس 2023، أكد مراد موكوشيف، المنسق "
    "القطري لمنظمة شنغهاي للتعاون في كازاخستان، أن القيادة الكازاخستانية ستركز على معالجة القضايا الإقليمية والعالمية."
)


def test_the_pages_own_example_names_the_coordinator_and_no_verb_or_leadership_passes_for_a_name():
    question = "Who is the SCO national coordinator in Kazakhstan?"  # the chat page's example (the bundled article)
    assert entity_lead(question, COORDINATOR, "en") == "Marad Mukushif (transliterated from مراد موكوشيف)"
    # "Who is Murat Mukushev?" asks for a description; "القيادة الكازاخستانية ستركز" holds no name
    assert asked_kind("Who is Murat Mukushev?") is None
    assert asked_kind("Who does the author work for?") is None  # an employer, not the author's name
    leadership = "أن القيادة الكازاخستانية ستركز على معالجة القضايا الإقليمية والعالمية."
    assert entity_lead("Who will focus on regional issues?", leadership, "en") is None


def test_a_country_after_a_title_is_not_part_of_the_name():
    sentence = "وشارك في الاجتماع رئيس كازاخستان قاسم جومارت توكاييف."
    assert entity_lead("And who was the president at that meeting?", sentence, "en") == (
        "Qasm Jumart Tukayif (transliterated from قاسم جومارت توكاييف)"
    )


def test_a_place_named_with_the_article_is_not_read_out_and_a_date_is_no_name():
    # "محافظة البحر الأحمر" (the Red Sea governorate) needs translating, and "منذ مطلع سبتمبر" (since early
    # September) is no name (found on eval/blind: the lead said "Mandh Matl' Sabtmbr")
    sentence = "تسجيل 412 حالة في مدينة القصير بمحافظة البحر الأحمر منذ مطلع سبتمبر الماضي."
    assert entity_lead("Where were the cases recorded?", sentence, "en") is None
    assert entity_lead("Which city is the port in?", "من مدينة شيهيزي منذ أغسطس", "en") == (
        "Shihizi (transliterated from شيهيزي)"
    )
