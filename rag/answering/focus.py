"""What a question is about, beyond its answer type: an attribute, an office, a country or a year that
the evidence must name before it can answer.

"What is the capital of Kazakhstan?" cannot be answered by a sentence about Kazakhstan that never
says "capital"; "Who is the Secretary-General?" needs a sentence naming that office; "What did the
Indian delegation say?" needs a source that mentions India. A similarity score cannot tell these
from answerable questions (the closest sentence is on topic either way), so the extractive answerer
checks the words: each entry lists how a question asks (English, Arabic) and how a source says it
(Arabic or English, matched on normalised text). The lists are general vocabulary of factoid
questions (country facts, offices, foundation), not the article's words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.text import ACRONYM, STOPWORDS, normalize, tokens
from rag.translit import MIN_CONSONANTS, latin_skeleton, name_words, same_name

# An Arabic word may carry a conjunction or preposition and the article: و ب ل ف ك + ال.
_AR_PRE = r"(?<![^\W\d_])(?:[وفبلك]?(?:ال|لل)?)"
_AR_END = r"(?![^\W\d_])"


@dataclass(frozen=True)
class Focus:
    """One thing a question can ask about, and the words a source uses for it."""

    name: str  # English, for the abstention message
    name_ar: str
    asked: re.Pattern[str]  # on the normalised question
    said: re.Pattern[str]  # on the normalised evidence


_EVENTS_EN = r"(?:summit|meeting|conference|symposium|forum|games|festival|exhibition)"
_EVENTS_AR = r"(?:ندو|موتمر|اجتماع|قمه|قمم|منتدي|معرض|مهرجان)"


def _focus(name: str, name_ar: str, asked: str, said: str) -> Focus:
    return Focus(name, name_ar, re.compile(asked), re.compile(said))


# Offices and attributes: the asked pattern covers both languages, the said pattern both scripts. Arabic
# stems that hide inside other words ("لغة" in "بالغة", "كاتب" in "مكاتب") are bounded by _AR_PRE/_AR_END.
ATTRIBUTES = [
    _focus(
        "Secretary-General",
        "الأمين العام",
        r"secretary[- ]general|امين عام|الامين العام",
        r"امين عام|الامين العام|secretary[- ]general",
    ),
    _focus(
        "prime minister",
        "رئيس الوزراء",
        r"prime minister|\bpremier\b|رييس (?:ال)?وزراء|رييس الحكومه",
        r"رييس (?:ال)?وزراء|رييس الحكومه|prime minister|\bpremier\b",
    ),
    _focus("minister", "وزير", rf"\bministers?\b|{_AR_PRE}وزير(?:ه|ا)?{_AR_END}", r"وزير|minister"),
    _focus("ambassador", "سفير", rf"\bambassadors?\b|{_AR_PRE}سفير", r"سفير|ambassador"),
    _focus(
        "mayor or governor", "العمدة أو المحافظ", r"\b(?:mayor|governor)s?\b|عمده|محافظ", r"عمده|محافظ|mayor|governor"
    ),
    # Asking for a capital, not placing something in it ("the financial centre in the capital").
    _focus(
        "capital city",
        "العاصمة",
        r"\bcapital (?:city|of)\b|'s capital\b|(?<!in )\bthe capital\b|(?<!في )(?<![^\W\d_])[وف]?(?:ال)?عاصم",
        r"عاصم|\bcapital\b",
    ),
    _focus(
        "political party",
        "الحزب",
        rf"\bpolitical part(?:y|ies)\b|\bwhich party\b|\bparty (?:does|did|is)\b|{_AR_PRE}حزب",
        rf"{_AR_PRE}حزب|\b(?:political )?part(?:y|ies)\b",
    ),
    _focus(
        "currency",
        "العملة",
        rf"\bcurrenc(?:y|ies)\b|{_AR_PRE}عمل(?:ه|ات){_AR_END}|\bexchange rates?\b|\btenge\b|سعر (?:ال)?صرف"
        rf"|{_AR_PRE}(?:تنغي|تينغ[يه]?){_AR_END}",
        rf"{_AR_PRE}عمل(?:ه|ات|تها){_AR_END}|currenc|exchange rate|\btenge\b|سعر (?:ال)?صرف|تنغي|تينغ",
    ),
    _focus(
        "language",
        "اللغة",
        rf"\blanguages?\b|{_AR_PRE}لغ(?:ه|ات){_AR_END}",
        rf"{_AR_PRE}لغ(?:ه|ات|تها){_AR_END}|\blanguage",
    ),
    _focus(
        "population",
        "السكان",
        rf"\bpopulation\b|\binhabitants\b|{_AR_PRE}سكان|نسمه",
        r"سكان|نسمه|population|inhabitants",
    ),
    _focus(
        "nationality",
        "الجنسية",
        rf"\bnationality\b|\bcitizenship\b|\bcitizen of\b|{_AR_PRE}جنسي(?:ه|ته){_AR_END}",
        rf"{_AR_PRE}جنسي(?:ه|ته|تها){_AR_END}|nationality|citizen",
    ),
    _focus("GDP", "الناتج المحلي", r"\bgdp\b|gross domestic|الناتج المحلي", r"الناتج المحلي|\bgdp\b|gross domestic"),
    _focus(
        "trading partners",
        "الشركاء التجاريين",
        r"\btrad(?:e|ing) partners?\b|(?:شريك|شركاء)\S* (?:ال)?تجاري",
        r"شريك|شركاء|partner",
    ),
    _focus(
        "exports or imports",
        "الصادرات أو الواردات",
        rf"\b(?:exports?|imports?|exported|imported)\b|{_AR_PRE}(?:صادرات|واردات|تصدير|استيراد)",
        r"صادرات|واردات|تصدير|استيراد|\bexport|\bimport",
    ),
    _focus("budget", "الميزانية", rf"\bbudgets?\b|{_AR_PRE}ميزاني", r"ميزاني|budget"),
    _focus(
        "armed forces",
        "الجيش",
        rf"\b(?:army|armies|armed forces|troops|soldiers)\b|{_AR_PRE}جيش|القوات المسلحه|جنود",
        r"جيش|القوات المسلحه|جنود|\barmy|armed forces|troops|soldiers",
    ),
    # Not a bare "area": "what other area of connectivity" asks about a field, not a size.
    _focus(
        "land area",
        "المساحة",
        rf"\b(?:land|total|surface) area\b|\bsquare (?:kilomet|mile)|{_AR_PRE}مساح",
        r"مساح|square|كيلومتر مربع",
    ),
    _focus(
        "headquarters",
        "المقر",
        # not the venue of an event ("مقر الندوة": where the symposium is held)
        rf"\bheadquarter|{_AR_PRE}مقر{_AR_END}(?! (?:ال)?{_EVENTS_AR})|{_AR_PRE}مقرها"
        # "which city hosts the Secretariat": the seat of a body, not of an event ("where is X based" is not
        # asked here: "مركز أبحاث إسلام أباد" answers it by its name)
        rf"|\b(?:which|what) (?:city|town|capital) (?:hosts|houses)\b(?!.*\b{_EVENTS_EN})"
        rf"|(?:اي|ما) (?:مدينه|عاصمه) (?:تستضيف|تحتضن)(?!.*{_EVENTS_AR})",
        rf"{_AR_PRE}مقر(?:ها|ه)?{_AR_END}|headquarter",
    ),
    _focus(
        "founding",
        "التأسيس",
        # "the founding document/charter" names a text, not the act ("what did the founding document abolish")
        r"\b(?:founded|founder|founders|established)\b|\bwho (?:set|sets) up\b|\bwhen (?:was|were) .* set up\b"
        r"|\bfounding\b(?!\s+(?:document|charter|treaty|declaration|text|principles?|ideals?|spirit)\b)"
        rf"|تاسس|تاسيس|{_AR_PRE}موسس(?:و|ي|ين|ا)?{_AR_END}|انشي|انشا"  # "عضواً مؤسساً": a founding member
        r"|(?:من|متي) (?:اسس|اسسه|اسسها)(?![^\W\d_])",  # "who founded": the verb, not "أسس" (foundations)
        # whole words: "موسس" hides in "المؤسساتية" (institutionalism), "اسس" in "أسس" (foundations)
        rf"تاسس|تاسيس|{_AR_PRE}(?:اسس(?:ت|ها|ه)?|موسس(?:و|ي|ين|ون|ها|ه)?){_AR_END}|انشي|انشا|founded|founder|establish",
    ),
    # "When did X join": a sentence dated otherwise (a meeting in August 2023) does not say when X joined. Only
    # asking when ("which projects did it join" asks what it takes part in).
    _focus(
        "accession",
        "الانضمام",
        r"\b(?:when|what year|which year|what date)\b.*\b(?:join|joined|accede|become (?:a )?(?:full )?member)\b"
        r"|\baccession\b|(?:متي|عام|سنه|تاريخ).*انضم|انضمام",
        r"انضم|عضويه|\b(?:joins?|joined|joining|accession|acceded|membership)\b|\bbec[oa]me (?:a )?(?:full )?member",
    ),
    # "When was X appointed / elected", "متى تولى": the date of a meeting X spoke at is neither (birth dates are
    # the "date of birth" attribute).
    _focus(
        "appointment",
        "التعيين",
        r"\bwhen (?:was|were|is|will|did)\b.*\b(?:appointed|elected|nominated|sworn in|take office|took office)\b"
        r"|\b(?:appointment|election)\b.*\bwhen\b"
        r"|(?:متي|عام|سنه|تاريخ) (?:تم )?(?:[تي]?عيين|عين|عينت|انتخب|انتخاب|تولي|تولت)",
        rf"{_AR_PRE}(?:[تي]?عيين|عين|عينت|[يت]?عين|انتخب|انتخاب|انتخابه|[يت]?تولي|تولت){_AR_END}"
        r"|\b(?:appointed|elected|nominated|sworn in|appointment|election|took office)\b",
    ),
    # "When did X begin": likewise, the date of something else is not its start.
    _focus(
        "start",
        "البداية",
        r"\bwhen (?:will|does|did|is)\b.*\b(?:begin|began|start|started|break out|broke out)\b"
        r"|متي (?:س?[تي]?بدا|بدات|اندلع|اندلعت|انطلق)|موعد (?:بدء|بدايه)",
        # not "since": "refilling since the dam was completed in 2005" does not say when building began
        rf"{_AR_PRE}(?:بدا|بدات|بدايه|بدء|اندلع|اندلعت|انطلق|انطلقت){_AR_END}|\b(?:began|begun|started|broke out)\b",
    ),
    # "When will X end": the date of something else (a meeting in July 2023) is not its end.
    _focus(
        "end",
        "الانتهاء",
        r"\bwhen (?:will|does|did|is)\b.*\b(?:end|ends|finish|finishes|expire|expires|conclude|be over)\b"
        r"|متي (?:س?[تي]نتهي|انتهت|انتهي)|موعد (?:انتهاء|نهايه)",
        r"[تي]نتهي|انتهاء|انتهت|نهايه|\b(?:ends?|ended|until|expires?|expired)\b|حتي (?:عام|نهايه|\d)",
    ),
    # Who wrote the document: the byline ("بقلم", "by"). Not "according to the author", which asks for content.
    _focus(
        "author",
        "الكاتب",
        r"\bwho (?:wrote|is the (?:author|writer))\b|\b(?:author|writer) of (?:the|this)\b"
        r"|\b(?:author|writer)(?:'s)? (?:position|post|role|job|title|think tank|organi[sz]ation|institute|employer"
        r"|occupation|profession)\b"
        r"|\b(?:does|did) the (?:author|writer) (?:lead|head|direct|run|work|do)\b"
        r"|\bwho(?:'s| is| was)? (?:the |this )?(?:piece|article|text|op-?ed|column|story|report) (?:written )?by\b"
        r"|\bby whom\b|\bwho (?:penned|authored)\b|بقلم من"
        r"|\bwhose (?:piece|article|text|op-?ed|column|story|report|byline|commentary|essay|analysis) is\b"
        r"|من (?:الذي )?كتب|من (?:هو )?(?:كاتب|مولف|صاحب)|لمن (?:هذا )?(?:ال)?(?:مقال|نص|تقرير)"
        r"|اسم (?:ال)?(?:كاتب|مولف)"
        r"|(?:كاتب|مولف) (?:هذا )?(?:ال)?(?:مقال|نص|تقرير)\W*$|\b(?:author|writer)(?:'s)? name\b"
        r"|\bname of the (?:author|writer)\b"
        r"|(?:منصب|وظيف|يشغل|يعمل|يدير|يراس)\S*(?: \S+){0,3} (?:ال)?(?:كاتب|مولف)",
        # "By Zaman Bajwa" opens a byline; "used by herders" is no author
        rf"بقلم|^\W*by\b|written by|\bauthor|\bwriter|{_AR_PRE}(?:كاتب|مولف){_AR_END}|كتبه",
    ),
    # Who published the document: the outlet line ("شبكة طريق الحرير الإخبارية/", "Reuters News").
    _focus(
        "publisher",
        "الجهة الناشرة",
        r"\b(?:which|what) (?:news )?(?:outlet|publisher)\b"
        r"|\b(?:which|what) (?:news )?(?:publication|newspaper|magazine|(?:web)?site|network|agency)\b.*\bpublish"
        r"|\bwho published (?:this|it|the (?:article|piece|text|story|op-?ed|column))\b"
        r"|\b(?:article|piece|text|story|op-?ed|column)(?:'s)? publisher\b"
        r"|\bpublisher of (?:this|the|that) (?:article|piece|text|story|op-?ed|column)\b"
        r"|\bwhere (?:was|is) (?:this|it|the)(?: (?:article|piece|text|story|op-?ed|column))? published\b"
        r"|(?:جهه|شبكه|صحيفه|جريده|موقع|وكاله|مجله)\S*(?: \S+){0,2} (?:التي|الذي) نشر\S*"
        r" (?:هذا )?(?:ال)?(?:مقال|نص|تقرير)"
        r"|(?:من|اين) نشر (?:هذا )?(?:ال)?(?:مقال|نص|تقرير)|(?:ال)?ناشر",
        r"اخباري|صحيفه|جريده|وكاله|مجله|\b(?:news|network|agency|press|times|post|journal|magazine|gazette|herald)\b",
    ),
    # Who held an office before or takes it after someone: a source must say who hands over to whom.
    _focus(
        "predecessor or successor",
        "من سبق أو من يخلف",
        r"\b(?:successors?|predecessors?|succeeded by)\b|\bwho (?:will |would |is to |is going to )?succeed\b"
        r"|\bnext (?:chair|president|presiden|host|leader)"
        r"|\b(?:chair\w*|presid\w*|led|lead\w*|head\w*|host\w*) (?:\S+ ){0,4}(?:before|after) "
        r"|(?<![^\W\d_])(?:يخلف|سيخلف|خليفه|سلف)(?![^\W\d_])"
        r"|(?:رياس|يتولي|سيتولي|تولي|تولت|تراس|يتراس|سيتراس|ستتولي|ستتراس|يراس|سيراس|ستراس)\S*"
        r" (?:\S+ ){0,3}(?:قبل|بعد) "
        # "تسلمت الرئاسة من كازاخستان", "takes over the chair from / once Kazakhstan's year ends"
        r"|(?<![^\W\d_])[وف]?(?:[تيس]|ست|سي)?(?:تسلم|استلم)\S* (?:\S+ ){0,2}(?:ال)?(?:رياس|قياد|كرسي)\S*"
        r" (?:\S+ ){0,3}من "
        r"|\b(?:take|takes|took|taking) (?:over )?(?:\S+ ){0,2}(?:chair|presidency|helm|leadership)\S* "
        r"(?:\S+ ){0,2}(?:from|once|when|after)\b",
        rf"{_AR_PRE}(?:خلف|سلف|خليفه)(?:ه|ها)?{_AR_END}|تسلم|سلمت|تنتقل|انتقلت|predecessor|successor|succeed"
        r"|took over|hand(?:ed|s)? over",
    ),
    # Weather, not climate change ("مكافحة تغير المناخ") nor a figurative climate ("مناخ جيوسياسي").
    _focus(
        "weather or climate",
        "الطقس أو المناخ",
        r"\bweather\b|\btemperatures?\b|\bthe climate (?:of|in|like)\b|طقس|درجه الحراره|درجات الحراره"
        r"|(?<!تغير )المناخ (?:السايد|في)|مناخ (?:البلاد|كازاخستان)",
        r"طقس|حرار|weather|temperat|(?<!تغير )المناخ|climate(?! change)",
    ),
    # Membership short of full membership: observers, dialogue partners.
    _focus(
        "observer states",
        "الدول المراقبة",
        r"\bobservers?\b|\bdialogue partners?\b|(?:ال)?دول(?:ه)? (?:ال)?مراقب|صفه (?:ال)?مراقب|شركاء (?:ال)?حوار",
        r"مراقب|شريك حوار|شركاء (?:ال)?حوار|observer|dialogue partner",
    ),
    # Who runs the publication, as distinct from who wrote the piece.
    _focus(
        "editor",
        "رئيس التحرير",
        rf"\beditors?\b|\bpublisher\b|رييس (?:ال)?تحرير|{_AR_PRE}محرر",
        r"تحرير|محرر|editor|publisher",
    ),
    _focus(
        "flights or transport links",
        "الرحلات أو وسائل النقل",
        r"\b(?:airlines?|flights?|fly|flies|airports?|trains?|railway)\b|طيران|رحلات|رحله جويه|مطار|قطار",
        r"طيران|رحلات|رحله|مطار|قطار|\b(?:airlines?|flights?|airports?|trains?|railways?)\b",
    ),
    _focus(
        "date of birth",
        "تاريخ الميلاد",
        rf"\bborn\b|\bbirth|{_AR_PRE}(?:ولد|مولد|ميلاد)",
        r"ولد|مولد|(?<!لل)ميلاد(?!ي)|\bborn\b|birth",  # not the era: "836 للميلاد", "القرن الثالث الميلادي"
    ),
    _focus(
        "family",
        "العائلة",
        rf"\b(?:wife|husband|married|children|sons?|daughters?)\b|{_AR_PRE}(?:زوج|زوجه|متزوج|ابناء|اطفال)",
        r"زوج|متزوج|ابناء|اطفال|\b(?:wife|husband|married|children|sons?|daughters?)\b",
    ),
    _focus(
        "salary",
        "الراتب",
        rf"\b(?:salary|salaries|wages?)\b|{_AR_PRE}(?:راتب|رواتب|اجور)",
        r"راتب|رواتب|اجور|salar|wage",
    ),
    _focus(
        "unemployment or inflation",
        "البطالة أو التضخم",
        rf"\b(?:unemploy\w*|inflation)\b|{_AR_PRE}(?:بطاله|تضخم)",
        r"بطاله|تضخم|unemploy|inflation",
    ),
    _focus(
        "election",
        "الانتخابات",
        r"\b(?:elections?|elected|votes?|voting)\b|انتخاب|اقتراع",
        r"انتخاب|اقتراع|\b(?:elect(?:ions?|ed|oral)|vot(?:es?|ed|ing))\b",
    ),
    _focus("national anthem", "النشيد الوطني", rf"\banthem\b|{_AR_PRE}نشيد", r"نشيد|anthem"),
    _focus("flag", "العلم", r"\bflag\b|علم (?:ال)?وطني|رايه", r"علم (?:ال)?وطني|رايه|\bflag\b"),
    _focus(
        "religion",
        "الدين",
        rf"\breligio\w*|{_AR_PRE}(?:دين|ديانه|ديانات){_AR_END}",
        rf"{_AR_PRE}(?:دين|ديانه|ديانات){_AR_END}|religio",
    ),
    _focus(
        "rivers, lakes or mountains",
        "الأنهار أو البحيرات أو الجبال",
        # asking for one ("which river", "أطول نهر"), not about one ("the salinity of the lake")
        r"\b(?:which|what|name (?:a|the)|longest|largest|biggest|highest|tallest|deepest)\s+(?:\w+\s+)?"
        r"(?:rivers?|lakes?|mountains?|peaks?|seas?|deserts?)\b"
        r"|(?:اي|ما|ما هو|ما هي|ما اسم|اطول|اكبر|اعلي|اعمق)\s+"
        r"(?:ال)?(?:نهر|انهار|بحيره|بحيرات|جبل|جبال|صحراء)(?![^\W\d_])",
        r"نهر|انهار|بحير|جبل|جبال|صحراء|river|lake|mountain|peak|\bsea|desert",
    ),
    _focus("sport", "الرياضة", rf"\bsports?\b|{_AR_PRE}رياض(?:ه|ات|ي|يه){_AR_END}", r"رياض(?:ه|ات|ي|يه)|\bsport"),
    _focus(
        "food",
        "الطعام",
        rf"\b(?:recipes?|dish|dishes|cuisine|food)\b|{_AR_PRE}(?:طبق|اطباق|مطبخ|طعام|اكله)",
        rf"{_AR_PRE}(?:طبق|اطباق){_AR_END}|مطبخ|طعام|اكله|recipe|dish|cuisine|food",
    ),
]

# Countries: names (English, Arabic), how English writes them, the normalised Arabic stem (adjectives
# add ي/يه/يون).
_COUNTRIES = [
    ("India", "الهند", "india|indian", "هند"),
    ("Pakistan", "باكستان", "pakistan|pakistani", "باكستان"),
    ("Kazakhstan", "كازاخستان", "kazakhstan|kazakh", "كازاخستان|كازاخ"),
    ("Iran", "إيران", "iran|iranian", "ايران"),
    # a government named by its seat ("the Kremlin", "Beijing") speaks for its country
    ("China", "الصين", "china|chinese|beijing", "صين|بكين"),
    ("Russia", "روسيا", "russia|russian|kremlin|moscow", "روسيا|روس|كرملين|موسكو"),
    ("Kyrgyzstan", "قيرغيزستان", "kyrgyzstan|kyrgyz", "قيرغيزستان|قرغيزستان|قيرغيز|قرغيز"),
    ("Tajikistan", "طاجيكستان", "tajikistan|tajik", "طاجيكستان|طاجيك"),
    ("Uzbekistan", "أوزبكستان", "uzbekistan|uzbek", "اوزبكستان|اوزبك"),
    ("Turkmenistan", "تركمانستان", "turkmenistan|turkmen", "تركمانستان|تركمان"),
    ("Afghanistan", "أفغانستان", "afghanistan|afghan", "افغانستان|افغان"),
    ("Mongolia", "منغوليا", "mongolia|mongolian", "منغوليا|منغول"),
    ("Belarus", "بيلاروسيا", "belarus|belarusian", "بيلاروسيا|روسيا البيضاء"),
    ("Turkey", "تركيا", "turkey|turkish|türkiye", "تركيا"),
    ("the United States", "الولايات المتحدة", "united states|america|american|usa", "الولايات المتحده|امريكا|امريك"),
    ("Japan", "اليابان", "japan|japanese", "يابان"),
    ("Korea", "كوريا", "korea|korean", "كوريا|كوري"),
    ("Germany", "ألمانيا", "germany|german", "المانيا|الماني"),
    ("France", "فرنسا", "france|french", "فرنسا|فرنسي"),
    ("the United Kingdom", "المملكة المتحدة", "united kingdom|britain|british", "بريطانيا|بريطاني|المملكه المتحده"),
    ("Ukraine", "أوكرانيا", "ukraine|ukrainian", "اوكرانيا|اوكراني"),
    ("Azerbaijan", "أذربيجان", "azerbaijan|azerbaijani", "اذربيجان"),
    ("Armenia", "أرمينيا", "armenia|armenian", "ارمينيا|ارمني"),
    ("Saudi Arabia", "السعودية", "saudi", "سعودي"),
    ("Egypt", "مصر", "egypt|egyptian", "مصر"),
    ("Israel", "إسرائيل", "israel|israeli", "اسراييل"),
    ("Syria", "سوريا", "syria|syrian", "سوريا|سوري"),
    ("Iraq", "العراق", "iraq|iraqi", "عراق"),
    ("Brazil", "البرازيل", "brazil|brazilian", "برازيل"),
    ("Canada", "كندا", "canada|canadian", "كندا|كندي"),
    ("Australia", "أستراليا", "australia|australian", "استراليا|استرالي"),
    ("Italy", "إيطاليا", "italy|italian", "ايطاليا|ايطالي"),
    ("Spain", "إسبانيا", "spain|spanish", "اسبانيا|اسباني"),
    ("Kuwait", "الكويت", "kuwait|kuwaiti", "كويت"),
    ("Qatar", "قطر", "qatar|qatari", "قطر"),
    ("Bahrain", "البحرين", "bahrain|bahraini", "بحرين"),
    ("Oman", "عُمان", "oman|omani", "عمان"),
    (
        "the United Arab Emirates",
        "الإمارات",
        "united arab emirates|uae|emirati",
        "الامارات العربيه المتحده|امارات|اماراتي",
    ),
    ("Yemen", "اليمن", "yemen|yemeni", "يمن"),
    ("Jordan", "الأردن", "jordan|jordanian", "اردن"),
    ("Lebanon", "لبنان", "lebanon|lebanese", "لبنان"),
    ("Palestine", "فلسطين", "palestine|palestinian", "فلسطين"),
    ("Libya", "ليبيا", "libya|libyan", "ليبيا|ليبي"),
    ("Tunisia", "تونس", "tunisia|tunisian", "تونس"),
    ("Algeria", "الجزائر", "algeria|algerian", "جزاير|جزايري"),
    ("Morocco", "المغرب", "morocco|moroccan", "مغرب"),
    ("Sudan", "السودان", "sudan|sudanese", "سودان"),
    ("Mauritania", "موريتانيا", "mauritania|mauritanian", "موريتانيا|موريتاني"),
    ("Somalia", "الصومال", "somalia|somali", "صومال"),
    ("Georgia", "جورجيا", "georgia|georgian", "جورجيا|جورجي"),
    ("Poland", "بولندا", "poland|polish", "بولندا|بولندي"),
    ("Romania", "رومانيا", "romania|romanian", "رومانيا|روماني"),
    ("Hungary", "المجر", "hungary|hungarian", "مجر"),
    ("Greece", "اليونان", "greece|greek", "يونان"),
    ("the Netherlands", "هولندا", "netherlands|dutch|holland", "هولندا|هولندي"),
    ("Belgium", "بلجيكا", "belgium|belgian", "بلجيكا|بلجيكي"),
    ("Switzerland", "سويسرا", "switzerland|swiss", "سويسرا|سويسري"),
    ("Austria", "النمسا", "austria|austrian", "نمسا|نمساوي"),
    ("Sweden", "السويد", "sweden|swedish", "سويد"),
    ("Norway", "النرويج", "norway|norwegian", "نرويج"),
    ("Denmark", "الدنمارك", "denmark|danish", "دنمارك"),
    ("Finland", "فنلندا", "finland|finnish", "فنلندا|فنلندي"),
    ("Iceland", "آيسلندا", "iceland|icelandic", "ايسلندا|ايسلندي"),
    ("Ireland", "أيرلندا", "ireland|irish", "ايرلندا|ايرلندي"),
    ("Portugal", "البرتغال", "portugal|portuguese", "برتغال"),
    ("Serbia", "صربيا", "serbia|serbian", "صربيا|صربي"),
    ("Bulgaria", "بلغاريا", "bulgaria|bulgarian", "بلغاريا|بلغاري"),
    ("the Czech Republic", "التشيك", "czech|czechia", "تشيك"),
    ("Moldova", "مولدوفا", "moldova|moldovan", "مولدوفا|مولدافيا"),
    ("Indonesia", "إندونيسيا", "indonesia|indonesian", "اندونيسيا|اندونيسي"),
    ("Malaysia", "ماليزيا", "malaysia|malaysian", "ماليزيا|ماليزي"),
    ("Thailand", "تايلاند", "thailand|thai", "تايلاند|تايلندي"),
    ("Vietnam", "فيتنام", "vietnam|vietnamese", "فيتنام|فيتنامي"),
    ("the Philippines", "الفلبين", "philippines|filipino", "فلبين"),
    ("Singapore", "سنغافورة", "singapore|singaporean", "سنغافوره|سنغافوري"),
    ("Bangladesh", "بنغلاديش", "bangladesh|bangladeshi", "بنغلاديش|بنغلادش"),
    ("Sri Lanka", "سريلانكا", "sri lanka|sri lankan", "سريلانكا|سري لانكا"),
    ("Nepal", "نيبال", "nepal|nepalese|nepali", "نيبال"),
    ("Myanmar", "ميانمار", "myanmar|burma|burmese", "ميانمار"),
    ("North Korea", "كوريا الشمالية", "north korea|north korean", "كوريا الشماليه"),
    ("New Zealand", "نيوزيلندا", "new zealand", "نيوزيلندا"),
    ("Nigeria", "نيجيريا", "nigeria|nigerian", "نيجيريا|نيجيري"),
    ("Ethiopia", "إثيوبيا", "ethiopia|ethiopian", "اثيوبيا|اثيوبي"),
    ("Kenya", "كينيا", "kenya|kenyan", "كينيا|كيني"),
    ("Uganda", "أوغندا", "uganda|ugandan", "اوغندا|اوغندي"),
    ("Tanzania", "تنزانيا", "tanzania|tanzanian", "تنزانيا|تنزاني"),
    ("South Africa", "جنوب أفريقيا", "south africa|south african", "جنوب افريقيا"),
    ("Ghana", "غانا", "ghana|ghanaian", "غانا"),
    ("Senegal", "السنغال", "senegal|senegalese", "سنغال"),
    ("Chad", "تشاد", "chad|chadian", "تشاد"),
    ("Niger", "النيجر", "niger", "النيجر"),
    ("Eritrea", "إريتريا", "eritrea|eritrean", "اريتريا|اريتري"),
    ("Mexico", "المكسيك", "mexico|mexican", "مكسيك"),
    ("Argentina", "الأرجنتين", "argentina|argentine|argentinian", "ارجنتين"),
    ("Chile", "تشيلي", "chile|chilean", "تشيلي"),
    ("Colombia", "كولومبيا", "colombia|colombian", "كولومبيا|كولومبي"),
    ("Peru", "بيرو", "peru|peruvian", "بيرو"),
    ("Venezuela", "فنزويلا", "venezuela|venezuelan", "فنزويلا|فنزويلي"),
    ("Cuba", "كوبا", "cuba|cuban", "كوبا|كوبي"),
    ("Panama", "بنما", "panama|panamanian", "بنما|بنمي"),
]
_AR_ADJ = r"(?:ي|يه|يين|يون|ين)?"
COUNTRIES = [
    (name, name_ar, re.compile(rf"\b(?:{en})\b|{_AR_PRE}(?:{ar}){_AR_ADJ}{_AR_END}"))
    for name, name_ar, en, ar in _COUNTRIES
]


def asked_attribute(question: str) -> Focus | None:
    """The office or attribute the question asks about, if it is one of ATTRIBUTES."""
    q = normalize(question)
    return next((f for f in ATTRIBUTES if f.asked.search(q)), None)


def mentions(focus: Focus, text: str) -> bool:
    """Whether a source text names the attribute."""
    return bool(focus.said.search(normalize(text)))


YEAR = r"(?:1[89]\d{2}|20\d{2})"  # a year as questions and sources write it (also used by rag.answering.extractive)
_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
_RANGE = re.compile(rf"(?<!\d)({YEAR})\s*(?:-|–|الي|to|until)\s*({YEAR})(?!\d)")


# A decade: "the 1980s", "the eighties", "الثمانينيات" (a decade named by its tens is the 20th century's: "عشرينيات
# القرن العشرين"; the 2020s are written in digits).
_TENS = [
    ("twenties", "عشرين"), ("thirties", "ثلاثين"), ("forties", "اربعين"), ("fifties", "خمسين"), ("sixties", "ستين"),
    ("seventies", "سبعين"), ("eighties", "ثمانين"), ("nineties", "تسعين"),
]  # fmt: skip
DECADE = (
    r"(?<!\d)(?:1[89]|20)\d0s\b|\bthe (?:" + "|".join(en for en, _ in _TENS) + r")\b"
    r"|(?<![^\W\d_])(?:ال)?(?:"
    + "|".join(ar.replace("ا", "[اأ]", 1) if ar[0] == "ا" else ar for _, ar in _TENS)
    + r")(?:يات|ات)(?![^\W\d_])"
)
_DECADE = re.compile(DECADE)


def _decade_years(word: str) -> set[int]:
    """The years of one decade as a normalised text writes it ("1980s", "the eighties", "الثمانينيات")."""
    if word[0].isdigit():
        return set(range(int(word[:4]), int(word[:4]) + 10))
    tens = next(i for i, (en, ar) in enumerate(_TENS, start=2) if en in word or ar in word)
    return set(range(1900 + 10 * tens, 1910 + 10 * tens))


def decade_in(value: str, language: str) -> str | None:
    """A value that is one decade ("السبعينيات", "the 1970s"), named in `language` ("the 1970s", "السبعينيات");
    None for anything else (and for decades Arabic has no word for)."""
    m = _DECADE.fullmatch(re.sub(r"^(?:في|in)\s+(?=\S)|^the (?=\d)", "", normalize(value)).strip())
    if not m:
        return None
    start = min(_decade_years(m.group()))
    if language == "en":
        return f"the {start}s"
    tens = (start % 100) // 10
    return f"ال{_TENS[tens - 2][1]}يات" if 2 <= tens <= 9 and start < 2000 else None


def _year_groups(text: str) -> list[set[int]]:
    """What a normalised text says of time, each a set of years: a year, a range ("2025-2027"), a decade."""
    decades: list[set[int]] = []
    ranges: list[set[int]] = []

    def decade(m: re.Match[str]) -> str:
        decades.append(_decade_years(m[0]))
        return " "  # "1980s" is no year 1980

    def span(m: re.Match[str]) -> str:
        first, last = int(m[1]), int(m[2])
        if not 0 <= last - first <= 50:
            return m[0]
        ranges.append(set(range(first, last + 1)))
        return " "

    text = _RANGE.sub(span, _DECADE.sub(decade, text))
    return [{int(y)} for y in _YEAR.findall(text)] + ranges + decades


def _years(text: str) -> set[int]:
    """Years a normalised text mentions, counting every year inside a range ("2025-2027" holds 2026) or a decade."""
    return set().union(*_year_groups(text))


_MONTHS = [
    ("january", "يناير|كانون الثاني"),
    ("february", "فبراير|شباط"),
    ("march", "مارس|اذار"),
    ("april", "ابريل|نيسان"),
    ("may", "مايو|ايار"),
    ("june", "يونيو|حزيران"),
    ("july", "يوليو|تموز"),
    ("august", "اغسطس"),  # not "آب": "أب" (father) normalises to it
    ("september", "سبتمبر|ايلول"),
    ("october", "اكتوبر|تشرين الاول"),
    ("november", "نوفمبر|تشرين الثاني"),
    ("december", "ديسمبر|كانون الاول"),
]
# A month by name ("in August", "في أغسطس"); English "may" and "march" only next to a year or "in".
_MONTH_PATTERNS = [
    re.compile(
        (rf"\b(?:in\s+)?{en}\b(?=\s+(?:of\s+)?\d{{4}})|\bin\s+{en}\b" if en in ("may", "march") else rf"\b{en}\b")
        + rf"|{_AR_PRE}(?:{ar}){_AR_END}"
    )
    for en, ar in _MONTHS
]


def months_in(text: str) -> set[int]:
    """The months (1-12) a text names."""
    t = normalize(text).lower()
    return {i + 1 for i, pat in enumerate(_MONTH_PATTERNS) if pat.search(t)}


_QUALIFIER = r"(?:two|three|four|great|major|other|member|neighbou?ring|big)"
_NATIONS = r"(?:countries|country|powers|states|nations)\b"
_ASKS_COUNTRY = re.compile(
    rf"\b(?:which|what)\s+(?:{_QUALIFIER}\s+){{0,2}}{_NATIONS}"
    rf"|\b(?:which|what) (?:are|were) the\s+(?:{_QUALIFIER}\s+){{1,2}}{_NATIONS}"  # "what are the two big powers"
    rf"|\b(?:name|list|identify)\s+(?:the\s+)?(?:{_QUALIFIER}\s+){{0,2}}{_NATIONS}"  # "name the two great powers"
    r"|(?:^|\s)(?:ما|اي|اذكر|سم|عدد)\s+(?:هي\s+)?(?:ال)?(?:دول|دوله|دولتان|دولتين|قوي|قوتان|قوتين)(?![^\W\d_])"
)


def asks_for_country(question: str) -> bool:
    """Whether the question asks which country or countries ("which two great powers", "ما الدولتان")."""
    return bool(_ASKS_COUNTRY.search(normalize(question)))


def named_by_most(named: list[set[str]]) -> set[str]:
    """What at least half of the sentences name (countries, organisations): what the passages are about."""
    return {c for c in set().union(*named) if sum(c in n for n in named) * 2 >= len(named)} if named else set()


def countries_in(text: str) -> set[str]:
    """The countries a text names (by COUNTRIES)."""
    return set(_countries_in(text))


@functools.lru_cache(maxsize=8192)
def _countries_in(text: str) -> frozenset[str]:  # the same sentences are asked about again and again
    t = normalize(text)
    return frozenset(name for name, _, pat in COUNTRIES if pat.search(t))


_AR_FORMS = {name: ar.split("|") for name, _, _, ar in _COUNTRIES}


def country_forms(text: str) -> list[str]:
    """The Arabic stems of the countries a text names, the adjective's with the name's ("أفغانستان" ->
    "افغانستان", "افغان"): "ماذا قال عن أفغانستان" should find "الأزمة الأفغانية"."""
    return [form for name in sorted(countries_in(text)) for form in _AR_FORMS[name]]


def years_in(text: str) -> set[int]:
    """Years a text mentions (ranges count every year they span)."""
    return _years(normalize(text))


def missing_names(question: str, texts: list[str]) -> list[tuple[str, str]]:
    """Countries and years (English, Arabic) the question names that none of the texts mention."""
    q = normalize(question)
    hay = normalize(" ".join(texts))
    missing = [(name, name_ar) for name, name_ar, pat in COUNTRIES if pat.search(q) and not pat.search(hay)]
    said = _years(hay)
    unsaid = [g for g in _year_groups(q) if not g & said]  # a range or a decade: any of its years will do
    return missing + [_period(g) for g in unsaid]


def _period(years: set[int]) -> tuple[str, str]:
    """A year, range or decade, as an abstention names it (English, Arabic)."""
    span = str(min(years)) if len(years) == 1 else f"{min(years)}-{max(years)}"
    return span, span


# Whose words or views a question asks about: "what did Putin say", "the Chinese president's position",
# "ماذا قال الرئيس الصيني", "ما رأي الرئيس الروسي". The speaker must be someone the sources name.
_SPEAKER = re.compile(
    r"\bwhat (?:did|does|do|will|would|has|have) (?P<en>.+?) (?:say|said|propose|suggest|announce|think|argue|"
    r"state|declare|promise|want|offer|demand|call for|emphasi[sz]e|stress)\b"
    r"|\bhow (?:did|does|do|will|would|has|have) (?P<how>.+?) (?:react|respond|reply|view|see|regard)\b"
    r"|\b(?P<pos>[\w .-]+?)['’]s (?:opinion|view|views|position|stance|proposal|speech|statement|reaction)\b"
    r"|(?:(?:ماذا|ما الذي|ما(?: هو| هي)?) (?:قال|قاله|اقترح|اقترحه|اعلن|اعلنه|يري|طلب|طلبه|صرح|راي|موقف|اقتراح|تصريح"
    r"|كلمه|وعد|وعده|تعهد|تعهده)|كيف (?:رد|ردت|تفاعل|تفاعلت|ينظر|تنظر|نظر|نظرت|استقبل|استقبلت))"
    r" (?P<ar>.+?)(?= في | عن | من | خلال | بشان | حول | تجاه | علي | الي |[؟?]|$)"
)
_ROLE = re.compile(
    r"\b(?:president|leader|premier|prime minister|minister|king|ambassador|delegation|government)\b"
    rf"|{_AR_PRE}(?:رييس|زعيم|وزير|ملك|سفير|وفد|حكومه){_AR_END}"
)
# Words of saying, proposing or taking a stance: a country the passages name only in passing ("the two powers,
# China and Russia") has said nothing in them.
_SPEECH = re.compile(
    rf"{_AR_PRE}(?:[يت]?(?:قول|قال|صرح|اكد|اعلن|اقترح|مقترح|دعا|دعو|طالب|يري|تري|راي|موقف|رفض|ايد|عارض|اعتبر|"
    rf"وصف|انتقد|رحب|حذر|شدد|اشار|تطلع|تتطلع|يتطلع|حدد|سلط)[^\W\d_]*)"
    r"|\b(?:said|says|say|stated|propos\w*|called|urged|argued|announced|opposed|supported|welcomed|warned|"
    r"stressed|position|stance|view|emphasi[sz]ed|highlighted|seeks|wants)\b"
)
_LEAD = re.compile(r"(?:(?:what|which|who|how|is|was|are|were|does|did|do|about|and)\s+)*")
# The document itself speaks through its author: "what does the author argue" asks for its content.
_SELF = re.compile(r"\b(?:author|writer|article|text|document|source)\b|كاتب|مولف|مقال|النص|المصدر")


def _as_asked(question: str, asked: str, start: int, end: int) -> str:
    """asked[start:end] as the question spells it (normalising keeps the length unless it drops diacritics)."""
    return (question if len(asked) == len(question) else asked)[start:end].strip()


# A particular gathering: "the 2024 summit", "the next summit", "قمة المنظمة القادمة". The passages must name
# one with what singles it out (its year, or that it is still to come), in the same sentence: "previous summits"
# and a "2024-2029" strategy elsewhere do not make "the 2024 summit".
_EVENT = re.compile(
    r"\b(?:summits?|meetings?|conferences?|symposi(?:um|a|ums))\b"
    r"|(?<![^\W\d_])(?:ال)?(?:قمه|قمم|اجتماع|اجتماعات|موتمر|موتمرات|ندوه|ندوات)(?![^\W\d_])"
)
# (English, how a question's word for it starts, normalised; Arabic "a ...", "the next ...")
_EVENT_NAMES = [
    ("summit", ("summit", "قمه", "قمم"), "قمة", "القمة القادمة"),
    ("meeting", ("meeting", "اجتماع"), "اجتماع", "الاجتماع القادم"),
    ("conference", ("conference", "موتمر"), "مؤتمر", "المؤتمر القادم"),
    ("symposium", ("symposi", "ندو"), "ندوة", "الندوة القادمة"),
]
_NEXT = re.compile(r"\b(?:next|upcoming|forthcoming)\b|(?<![^\W\d_])(?:ال)?(?:قادمه|مقبله|القادم|المقبل)(?![^\W\d_])")


def _event_row(word: str) -> tuple[str, tuple[str, ...], str, str]:
    """The _EVENT_NAMES row of a gathering word _EVENT matched ("الندوه" -> the symposium's)."""
    word = word.removeprefix("ال")
    return next(row for row in _EVENT_NAMES if word.startswith(row[1]))


def asked_event(question: str) -> tuple[str, str] | None:
    """The kind of gathering a question names (English, Arabic: "symposium", "ندوة"), or None."""
    m = _EVENT.search(normalize(question))
    if not m:
        return None
    en, _, a, _ = _event_row(m.group())
    return en, a


def names_event(event: tuple[str, str], text: str) -> bool:
    """Whether a text names a gathering of that kind ("the symposium" -> "الندوة الدولية")."""
    return any(_event_row(m.group())[0] == event[0] for m in _EVENT.finditer(normalize(text)))


_EVENT_OF_AR = re.compile(r"(?<![^\W\d_])(?:قمه|اجتماع|موتمر|ندوه)\s+(?!ال)([^\W\d_]{3,})")
_EVENT_OF_EN = re.compile(r"\b([A-Z][a-z]{2,})\s+(?:summit|meeting|conference|symposium)\b")


def missing_event_place(
    question: str, texts: list[str], speller: Callable[[str], list[str]] | None = None
) -> tuple[str, str] | None:
    """A gathering named by a place or body ("قمة أستانا", "the Astana summit") that the texts name, but never
    with such a gathering: what the question asks about (English, Arabic); None otherwise, and when the name
    is in no text at all (not judged here)."""
    event = asked_event(question)
    if event is None:
        return None
    m = _EVENT_OF_AR.search(normalize(question))
    if m and m.group(1) not in STOPWORDS:
        names = [m.group(1)]
        shown = next((w for w in re.findall(r"[^\W\d_]+", question) if normalize(w) == m.group(1)), m.group(1))
    else:
        e = _EVENT_OF_EN.search(question)
        if not e or speller is None:
            return None
        names, shown = speller(e.group(1)), e.group(1)
    stems = set(tokens(" ".join(names)))
    if not stems:
        return None
    holding = [t for t in texts if stems & set(tokens(t))]
    if not holding or any(names_event(event, t) for t in holding):
        return None
    return f"the {shown} {event[0]}", f"{event[1]} {shown}"


def missing_event(question: str, texts: list[str]) -> tuple[str, str] | None:
    """For a question about a gathering singled out by a year or as the next one, what it asks about (English,
    Arabic) when no text names such a gathering with that year or as still to come; None otherwise, and when no
    text names a gathering at all (not judged here)."""
    q = normalize(question)
    m = _EVENT.search(q)
    if not m:
        return None
    years, coming = years_in(question), bool(_NEXT.search(q))
    if not years and not coming:
        return None
    hays = [normalize(t) for t in texts]
    events = [t for t in hays if _EVENT.search(t)]
    if not events:
        return None
    if any((not years or years_in(t) & years) and (not coming or _NEXT.search(t)) for t in events):
        return None
    en, _, a, next_ar = _event_row(m.group())
    when = " ".join(str(y) for y in sorted(years))
    return (f"the next {en}", next_ar) if coming else (f"the {when} {en}", f"{a} عام {when}")


def asked_speaker(question: str) -> tuple[str, str, str] | None:
    """Whose words a "what did X say / X's view" question asks for: X normalised, X as the question writes it,
    and the question's script ("ar" or another); None for other questions and for the document's own author."""
    asked = question.casefold() if question.isascii() else normalize(question)
    m = _SPEAKER.search(asked)
    if not m:
        return None
    group = next(g for g, v in m.groupdict().items() if v)
    lead = _LEAD.match(asked, m.start(group))
    start = lead.end() if lead else m.start(group)
    end = m.end(group)
    words = list(re.finditer(r"\S+", asked[start:end]))
    if group == "ar" and len(words) > 2 and _ROLE.fullmatch(words[0].group()):  # "الرئيس الروسي [كازاخستان]"
        end = start + words[1].end()  # a role and its country; what follows is the object of the verb
    who = asked[start:end].strip()
    if _SELF.search(who):
        return None
    return who, _as_asked(question, asked, start, end), group


def missing_speaker(question: str, texts: list[str]) -> str | None:
    """The speaker (as the question names them) of a "what did X say / X's view" question whom none of the
    texts name: a country's president, leader or minister (role and country in one text), a person by name
    (English names across scripts, rag.translit; Arabic ones by their words). None when the speaker is
    named, or cannot be judged ("what did the coordinator say")."""
    speaker = asked_speaker(question)
    if speaker is None:
        return None
    who, shown, group = speaker
    hays = [normalize(t) for t in texts]
    countries = countries_in(who)
    if countries and _ROLE.search(normalize(who)):
        return None if _named_with(_ROLE, countries, hays) else shown
    if countries:  # a country itself: missing_names judges whether it is named, this whether it speaks
        named = _naming_all(countries, hays)
        if len(named) * 2 >= len(hays):  # the passages' own subject ("what did Kazakhstan propose")
            return None
        return None if any(_SPEECH.search(t) for t in named) else shown
    hay = " ".join(hays)
    if group == "ar":
        named = [w for w in re.findall(r"[^\W\d_]{3,}", who) if not _ROLE.fullmatch(w)]
        return shown if named and not any(w.removeprefix("ال") in hay for w in named) else None
    # names too short to compare across scripts ("Wang", "Yi": under three consonants) cannot be judged
    names = [w for w in name_words(question) if w.casefold() in who and len(latin_skeleton(w)[0]) >= MIN_CONSONANTS]
    if not names:
        return None
    arabic = set(re.findall(r"[^\W\d_]+", hay))
    found = any(n.casefold() in hay or any(same_name(n, w) for w in arabic) for n in names)
    return None if found else shown


# "Which Chinese official ...", "أي مسؤول روسي ...": a person the question singles out by a country. Some text
# must name an office holder and that country together ("المنسق القطري ... في كازاخستان" for a Kazakh official).
_OFFICE_EN = (
    r"officials?|ministers?|presidents?|leaders?|diplomats?|envoys?|ambassadors?|representatives?|delegates?|"
    r"delegations?|coordinators?|spokes(?:person|man|woman)|heads? of state|premier|prime minister"
)
_OFFICE_AR = r"مسوول|وزير|رييس|زعيم|دبلوماسي|مبعوث|سفير|ممثل|مندوب|وفد|منسق|متحدث|مدير"
_NATIONAL = re.compile(
    rf"\b(?:which|what|who|whom|name)\b.*?\b(?P<en>[a-z]+)(?: [a-z]+)? (?:{_OFFICE_EN})\b"
    rf"|(?:اي|من|ما اسم|من هو|من هي)\s+(?:.*?\s)?{_AR_PRE}(?:{_OFFICE_AR})\S*\s+(?P<ar>\S+(?:\s+\S+)?)"
)
_OFFICE = re.compile(rf"\b(?:{_OFFICE_EN})\b|{_AR_PRE}(?:{_OFFICE_AR})")


def missing_national(question: str, texts: list[str]) -> tuple[str, str] | None:
    """The country (English, Arabic) of a "which Chinese official" question when no text names an office holder
    and that country together (China: the passages name it only as one of two powers); None otherwise."""
    asked = question.casefold() if question.isascii() else normalize(question)
    m = _NATIONAL.search(asked)
    if not m:
        return None
    countries = countries_in(m.group("en") or m.group("ar"))
    if not countries:
        return None
    if _named_with(_OFFICE, countries, [normalize(t) for t in texts]):
        return None
    return next((name, name_ar) for name, name_ar, _ in COUNTRIES if name in countries)


def _naming_all(countries: set[str], hays: list[str]) -> list[str]:
    """The normalised texts naming every one of the countries."""
    pats = [pat for name, _, pat in COUNTRIES if name in countries]
    return [t for t in hays if all(p.search(t) for p in pats)]


def _named_with(office: re.Pattern[str], countries: set[str], hays: list[str]) -> bool:
    """Whether one normalised text names an office (`office`) and every one of the countries."""
    return any(office.search(t) for t in _naming_all(countries, hays))


# "What is the article about?": the gist, which no single matching sentence holds; a news or opinion piece
# states it in its opening sentence (the lead), so that is quoted.
_GIST = re.compile(
    r"\b(?:main|central|key|overall|core)\s+(?:idea|point|argument|message|thesis|topic|theme|claim)s?\b"
    r"(?!\s+(?:of|about|on|in)\s+(?!(?:the|this)\s+(?:article|text|document|piece|essay|author)\b))"
    r"|\bmainly (?:argu\w*|say\w*|about)\b|\bwhat is (?:the|this) (?:article|text|document|piece|essay)"
    r"(?: mainly)? about\b|\bsummar(?:y|ise|ize)\b|\bgist\b"
    r"|الفكره (?:ال)?(?:رييسيه|اساسيه|العامه)|(?:ال)?موضوع (?:ال)?(?:رييسي|اساسي)|ملخص|لخص|تلخيص"
    r"|ما موضوع (?:ال)?(?:مقال|نص)|عن ماذا (?:يتحدث|يتكلم)|ما الذي يتناوله|(?:ال)?رساله (?:ال)?رييسيه"
    r"|(?:ال)?حجه (?:ال)?رييسيه|اطروحه"
)
_MIN_LEAD_WORDS = 8  # shorter opening lines are an outlet or a title


# "How does the article begin / end?": its opening sentence (as for the gist) or its last one.
_OPENING = re.compile(
    r"\bhow (?:does|did) (?:the|this) (?:article|text|piece|op-?ed|essay|column|author) (?:begin|start|open)\W*$"
    r"|(?:كيف|بماذا|بم) (?:يبدا|يبتدي|يستهل|بدا|بدات|استهل|يفتتح|افتتح) (?:ال)?(?:مقال|مقاله|كاتب|نص)"
)
_ENDING = re.compile(
    r"\bhow (?:does|did) (?:the|this) (?:article|text|piece|op-?ed|essay|column|author)"
    r" (?:end|conclude|close|finish)\W*$"
    r"|\bwhat (?:does|did) (?:the|this) (?:article|text|piece|author) conclude\W*$"
    r"|(?:كيف|بماذا|بم) (?:ينتهي|انتهي|انتهت|يختتم|اختتم|يختم|ختم) (?:ال)?(?:مقال|مقاله|كاتب|نص)"
    r"|ما (?:هي )?(?:خاتمه|خلاصه) (?:ال)?(?:مقال|نص)"
)


def asks_for_opening(question: str) -> bool:
    """ "How does the article begin?", "بماذا يبدأ المقال؟": answered by its opening sentence."""
    return bool(_OPENING.search(normalize(question)))


def asks_for_ending(question: str) -> bool:
    """ "How does the article end?", "كيف يختتم الكاتب المقال؟": answered by its last sentence."""
    return bool(_ENDING.search(normalize(question)))


def asks_for_gist(question: str) -> bool:
    """Whether the question asks what the document is about as a whole ("the main idea", "الفكرة الرئيسية")."""
    return bool(_GIST.search(normalize(question)))


_AUTHOR = next(f for f in ATTRIBUTES if f.name == "author")


# Where in the document the question points: "the opening of the article", "الفقرة الأولى", "the last
# sentence", "في ختام المقال". A bare position word needs the text named ("كيف تصف المقالة ... في بدايتها"):
# "at the start of its chairmanship" points at no place in the text.
_PLACE_IN_TEXT = re.compile(
    r"\b(?:first|last|final|opening|closing|concluding) (?:sentence|paragraph|line|lines|section)\b"
    r"|(?:ال)?(?:فقره|جمله|سطر|سطور)\s+(?:ال)?(?:اولي|الاولي|اخيره|الاخيره)|(?:اول|اخر) (?:فقره|جمله|سطر)"
)
_START = re.compile(
    r"\b(?:opening|beginning|start|outset|introduction|intro)\b|بدايه|بدايت|مستهل|مطلع|مقدمه"
    r"|\bfirst (?:describ|present|introduc|mention|call|defin|portray|characteri)\w*"  # "the article first describes"
)
_END = re.compile(r"\b(?:end|ending|conclusion|closing|concluding)\b|نهايه|نهايت|ختام|خاتمه")


def asked_position(question: str) -> str | None:
    """ "start" or "end" when the question points at the beginning or the end of the document, else None.
    ("the first meeting" is no place in the text; "the first paragraph" is.)"""
    q = normalize(question)
    place = _PLACE_IN_TEXT.search(q)
    if place:
        return "start" if re.search(r"first|opening|اول", place.group()) else "end"
    if not _SELF.search(q):
        return None
    start, end = _START.search(q), _END.search(q)
    if bool(start) == bool(end):
        return None
    return "start" if start else "end"


def is_lead_candidate(sentence: str) -> bool:
    """Whether an opening sentence can be the lead: long enough, and not the byline."""
    return len(sentence.split()) >= _MIN_LEAD_WORDS and not mentions(_AUTHOR, sentence)


# Who heads something: "من يرأس مجلس الأعمال", "who chairs the business council". A source must name the thing
# and a head of it in one sentence; a sentence that only names the council says nothing of who leads it.
_HEAD_ASKED = re.compile(
    r"\bwho (?:heads|leads|chairs|runs|directs|manages"
    r"|is (?:the )?(?:current )?(?:head|leader|chair\w*|director|president) of)"
    r" (?P<en>.+?)[?.]*$"
    r"|من (?:يراس|يقود|يدير|يتراس|تراس|قاد|(?:(?:هو|هي) )?(?:رييس|رييسه|مدير|مديره|قايد)) (?P<ar>.+?)[؟?.]*$"
)
Translator = Callable[[list[str]], dict[str, list[str]]]  # English words -> their Arabic source words


def shown_word(question: str, word: str) -> str:
    """A normalised (lower-case) word as the question writes it ("sco" -> "SCO")."""
    m = re.search(rf"\b{re.escape(word)}\b", question, re.IGNORECASE)
    return m.group(0) if m else word


_HEAD_SAID = re.compile(r"رييس|رياس|يراس|تراس|قايد|يقود|مدير|يدير|زعيم|\b(?:head|lead|chair|director|president)")


# Who pays for something: "who funds the YFK think tank", "من يمول مركز أبحاث إسلام أباد".
_FUND_ASKED = re.compile(
    r"\b(?:who|(?:which|what) \w+(?: \w+)?) (?:funds|finances|financed|funded|sponsors|sponsored|bankrolls|pays for)"
    r" (?P<en>.+?)[?.]*$"
    r"|(?:من|ما الذي|اي جهه|ما الجهه التي|ما \S+ الذي) (?:يمول|تمول|مول|مولت|يدعم ماليا) (?P<ar>.+?)[؟?.]*$"
)
_FUND_SAID = re.compile(r"ممول|يمول|تمول|مولت|تمويل|دعم مالي|الدعم المالي|\b(?:fund|financ|sponsor)")
_OWN_ASKED = re.compile(
    r"\b(?:who|(?:which|what) \w+(?: \w+)?) (?:owns|owned|controls) (?P<en>.+?)[?.]*$"
    r"|\bwho is the owner of (?P<of>.+?)[?.]*$"
    r"|(?:من|ما الذي|اي جهه|ما الجهه التي) (?:يملك|تملك|ملك|ملكت|يمتلك|تمتلك) (?P<ar>.+?)[؟?.]*$"
    r"|من (?:هو )?مالك (?P<ar2>.+?)[؟?.]*$"
)
_OWN_SAID = re.compile(r"يملك|تملك|يمتلك|تمتلك|مالك|ملكيه|مملوك|\b(?:own|owner|owned|ownership)\b")


def missing_head(question: str, texts: list[str], translator: Translator | None = None) -> str | None:
    """For "who heads X", X (as the question names it) when no text names X's first words with a head of
    something; None when one does, or when X cannot be matched in the texts. An English X is matched in Arabic
    texts through `translator` (each word's Arabic source words): "Business Council" -> "الأعمال", "مجلس"."""
    return _unrelated(question, texts, translator, _HEAD_ASKED, _HEAD_SAID)


def missing_owner(question: str, texts: list[str], translator: Translator | None = None) -> str | None:
    """The same for "who owns X": X when no text names it with a word of owning ("يملك", "مملوكة")."""
    return _unrelated(question, texts, translator, _OWN_ASKED, _OWN_SAID)


def missing_funder(question: str, texts: list[str], translator: Translator | None = None) -> str | None:
    """The same for "who funds X": X when no text names it with a word of funding ("الممولة", "الدعم المالي")."""
    return _unrelated(question, texts, translator, _FUND_ASKED, _FUND_SAID)


def _unrelated(
    question: str,
    texts: list[str],
    translator: Translator | None,
    asks: re.Pattern[str],
    said: re.Pattern[str],
) -> str | None:
    """X of a "who <relation> X" question when the texts name X but never with the relation's words."""
    asked = normalize(question)
    m = asks.search(asked)
    if not m:
        return None
    group = next(g for g, v in m.groupdict().items() if v)  # "ar..." groups hold Arabic, the others English
    thing = m.group(group).strip()
    shown = _as_asked(question, asked, m.start(group), m.end(group))
    words = [w for w in re.findall(r"[^\W\d_]{3,}", thing) if w not in STOPWORDS]
    hays = [normalize(t) for t in texts]

    def naming(keys: list[list[str]]) -> list[str]:  # the texts holding every key (any of its spellings)
        return [t for t in hays if all(any(k in t for k in ks) for ks in keys)] if keys and all(keys) else []

    keys = [[w.removeprefix("ال")] for w in words][:2]
    named = naming(keys)
    if not named and translator is not None and not group.startswith("ar"):
        names = translator([w for w in words if not ACRONYM.fullmatch(shown_word(question, w))])
        keys = [[normalize(a).removeprefix("ال") for a in names.get(w, [])] for w in words if names.get(w)][:2]
        named = naming(keys)
    if not named:
        return None  # the thing itself is not found: not judged here
    return None if any(_near(t, keys[0], said) for t in named) else shown


RELATION_WINDOW = 4  # words between the thing and its head or funder ("رئيس مجلس الأعمال", "المبادرات الممولة")


def _near(text: str, spellings: list[str], said: re.Pattern[str]) -> bool:
    """Whether a word of `said` stands within RELATION_WINDOW words of a word holding one of `spellings`: the
    chairmanship a sentence gives Kazakhstan ("وخلال رئاستها ...") says nothing of who heads the Secretariat
    it names twenty words on."""
    things = [i for i, w in enumerate(text.split(" ")) if any(k in w for k in spellings)]
    heads = [text.count(" ", 0, m.start()) for m in said.finditer(text)]  # word indices (one space between words)
    return any(abs(i - j) <= RELATION_WINDOW for i in things for j in heads)


# "Which think tank", "which UN agency", "what organisation does X run", "ما المركز المالي": the answer names an
# organisation. Its head nouns, and how a question asks for one.
_ORG_EN = (
    r"organi[sz]ations?|institutions?|bod(?:y|ies)|think[- ]?tanks?|agenc(?:y|ies)|cent(?:re|er)s?|banks?"
    r"|councils?|programmes?|programs?|funds?|committees?|secretariats?|institutes?|hubs?"
)
_ORG_AR = (
    r"منظم(?:ه|ات)|موسس(?:ه|ات)|هيي(?:ه|ات)|جه(?:ه|ات)|مركز|مراكز|بنك|بنوك|مجلس|مجالس|برنامج|برامج"
    r"|وكال(?:ه|ات)|معهد|صندوق|لجن(?:ه|ات)|امان(?:ه|ات)"
)
_ASKS_ORG = re.compile(
    rf"\b(?:which|what|name the)\s+(?:\S+\s+){{0,2}}(?:{_ORG_EN})\b"
    rf"|(?:^|\s)(?:ما|اي|ما هي|ما هو|ما اسم)\s+(?:ال)?(?:{_ORG_AR})(?![^\W\d_])"
)
# An organisation a sentence names: an Arabic head noun and the word after it ("مركز أبحاث", "بنك التنمية"),
# or an English capitalised name around one ("Aral Sea Restoration Fund", "Council of Elders").
_ORG_IN_AR = re.compile(
    r"(?<!هذه )(?<!هذا )(?<!تلك )(?<!ذلك )(?<![^\W\d_])[وبل]?(?:ال|لل)?"
    r"(مركز|مجلس|بنك|برنامج|امانه|منظمه|هييه|وكاله|موسسه|معهد|صندوق|لجنه)"
    r"\s+(?!(?:في|من|علي|الي|مع|عن|التي|الذي|التابع|التابعه|مثل)(?![^\W\d_]))([^\W\d_]+)"
)
_ORG_IN_EN = re.compile(
    r"(?:[A-Z][\w'-]*\s+){1,4}(?:Centre|Center|Council|Bank|Programme|Program|Agency|Organi[sz]ation|Institute"
    r"|Fund|Committee|Secretariat|Commission|Authority|Foundation|Trust)\b"
    r"|\b(?:Centre|Center|Council|Bank|Programme|Program|Agency|Organi[sz]ation|Institute|Fund|Committee"
    r"|Secretariat|Commission|Authority|Foundation|Trust) (?:of|for|on) (?:the )?[A-Z][\w'-]*"
)


_ABOUT_TEXT = re.compile(
    r"\b(?:article|text|document|piece|essay)\b.*\b(?:about|discuss\w*|cover\w*|deals? with)\b"
    r"|(?:مقال|النص).*(?:يتحدث|يتناول|يدور|تتحدث)|(?:يتحدث|يتناول|يدور|تتحدث).*(?:مقال|النص)"
)


def asks_about_the_text(question: str) -> bool:
    """Whether the question asks what the text is about ("What organisation is the article about?")."""
    return bool(_ABOUT_TEXT.search(normalize(question).lower()))


# The kind of organisation a question names, as the Arabic head nouns that can answer it ("which bank" wants a
# "بنك", not the "مركز" a sentence names); "organisation", "body", "institution" take any.
_ORG_KINDS = [
    (r"banks?", {"بنك"}),
    (r"cent(?:re|er)s?|hubs?|think[- ]?tanks?", {"مركز"}),
    (r"councils?", {"مجلس"}),
    (r"programmes?|programs?", {"برنامج"}),
    (r"secretariats?", {"امانه"}),
    (r"funds?", {"صندوق"}),
    (r"committees?", {"لجنه"}),
    (r"institutes?", {"معهد"}),
    (r"agenc(?:y|ies)", {"وكاله", "برنامج", "منظمه", "هييه"}),
    ("بنك|بنوك", {"بنك"}),
    ("مركز|مراكز", {"مركز"}),
    ("مجلس|مجالس", {"مجلس"}),
    ("برنامج|برامج", {"برنامج"}),
    ("صندوق", {"صندوق"}),
    ("لجنه|لجان", {"لجنه"}),
    ("معهد", {"معهد"}),
]


def organisation_kinds(question: str) -> Callable[[str], bool]:
    """Whether an organisation (a key of `organisations_in`) is of the kind the question asks for: "which
    bank" wants a "بنك" or an English "... Bank"; "which organisation / body / institution" takes any."""
    m = _ASKS_ORG.search(normalize(question).lower())
    asked = m.group(0) if m else ""
    for pattern, heads in _ORG_KINDS if asked else []:
        if re.search(rf"(?<![^\W\d_])(?:ال)?(?:{pattern})(?![^\W\d_])", asked):
            english = next((p for p, h in _ORG_KINDS if h == heads and p.isascii()), pattern)
            return lambda key: key.split(" ")[0] in heads or bool(re.search(rf"\b(?:{english})\b", key))
    return lambda key: True


def names_topic_organisation(question: str, topic: set[str]) -> bool:
    """Whether the question itself names the organisation the passages are about, besides the kind it asks for
    ("Which two SCO institutions", "ما البنك ... ضمن المنظمة"): then the answer is another one. An acronym
    counts as naming it; "Which organisation does Kazakhstan chair?" does not, and may be answered by it."""
    if ACRONYM.search(question):
        return True
    q = normalize(question)
    m = _ASKS_ORG.search(q.lower())
    rest = q[: m.start()] + q[m.end() :] if m else q
    return bool(organisations_in(rest) & topic) or bool(re.search(rf"{_AR_PRE}منظمه{_AR_END}", rest))


def asks_for_organisation(question: str) -> bool:
    """Whether the question asks which organisation, body, centre, bank... ("which think tank", "ما المركز")."""
    return bool(_ASKS_ORG.search(normalize(question).lower()))


def _org_key(m: re.Match[str] | None) -> str | None:
    """An Arabic organisation's key: its head noun and the consonants of the word after it (so "منظمة شنغهاي"
    and "منظمة شانغهاي" are one); None for a kind with no name ("منظمة إقليمية")."""
    if m is None or not (m.group(2).startswith("ال") or not m.group(2).endswith("يه")):
        return None
    return f"{m.group(1)} {re.sub('[اويء]', '', m.group(2))}"


def organisations_in(text: str) -> set[str]:
    """The organisations a sentence names, as keys: Arabic ones by `_org_key`, English ones by name."""
    found = {key for m in _ORG_IN_AR.finditer(normalize(text)) if (key := _org_key(m))}
    return found | {m.group(0).strip().lower() for m in _ORG_IN_EN.finditer(text)}


# The same organisations as they are written, for the short answer: the head noun (its clitic "ل"/"و"/"ب"
# left out) and up to five words after it, stopping at a preposition, a relative, "و" (and), a word like
# "كمنصة" (as a platform) or "لمنظمة" (of an organisation: another one begins); `organisation_names` then ends the
# name at the word of its purpose ("للتعاون": `_ends_at_purpose`), which the pattern cannot tell from a later word.
_ORG_WRITTEN = re.compile(
    r"(?<![^\W\d_])[وبل]?((?:ال)?(?:مركز|مجلس|بنك|برنامج|[أا]مان[ةه]|منظم[ةه]|هيئ[ةه]|وكال[ةه]|مؤسس[ةه]|معهد|صندوق"
    r"|لجن[ةه])(?:\s+(?!(?:في|من|على|إلى|الى|مع|عن|التي|الذي|التابع|التابعة|مثل|هي|هو)(?![^\W\d_])|[كو]|ل(?:منظم|مركز|مجلس))"
    r"[^\s،,.؛;:()«»\"]+){1,5})"
)


def _ends_at_purpose(name: str) -> str:
    """An Arabic name ends with the word of its purpose ("منظمة شنغهاي للتعاون", "برنامج الأمم المتحدة للبيئة"):
    what follows is the sentence's verb ("... للتعاون تعمل على")."""
    words = name.split()
    end = next((i for i, w in enumerate(words[1:], 2) if w.startswith("لل")), len(words))
    return " ".join(words[:end])


def organisation_names(text: str) -> list[tuple[int, str, str]]:
    """(offset, key, name as written) for each organisation a sentence names, in order; the keys are those
    of `organisations_in`, so the topic can be told apart."""
    out = []
    for m in _ORG_WRITTEN.finditer(text):
        key = _org_key(_ORG_IN_AR.match(normalize(m.group(1))))  # the key of the head noun, not of a later one
        if key:
            out.append((m.start(1), key, _ends_at_purpose(m.group(1))))
    for m in _ORG_IN_EN.finditer(text):
        out.append((m.start(), m.group(0).strip().lower(), m.group(0).strip()))
    return sorted(out)


# "Where is Kazakhstan (located)?", "أين تقع كازاخستان؟": a country's place in the world, answered by the sentence
# naming continents and regions ("at the crossroads of Europe and Asia", "في قلب القارة الأوراسية").
_WHERE_COUNTRY = re.compile(
    r"\bwhere\s+(?:is|are|does|do)\b(?!.*\b(?:held|hosted|meet|met|born|live|happen|take place|stand)\b)"
    r"|\bgeographically\b|(?:^|\s)(?:اين\s+(?:تقع|يقع)|ما\s+(?:هو\s+)?موقع)(?![^\W\d_])|جغرافيا"
    # "which continents does it sit between", "كازاخستان واقعة أين"
    r"|\b(?:which|what) (?:continents|regions)\b|(?:^|\s)(?:واقعه|تقع|يقع)\s+اين(?![^\W\d_])"
)
_REGIONS = re.compile(
    r"\b(?:europe|asia|eurasia|africa|america|middle east|caucasus|caspian|siberia|arctic|pacific|atlantic"
    r"|mediterranean|balkans)|"
    rf"{_AR_PRE}(اوروب|اسيا|اسيوي|اوراسي|افريقي|امريك|الشرق الاوسط|قوقاز|قزوين|سيبيري|بلقان)"
)


def asks_where_country(question: str) -> bool:
    """Whether the question asks where a country lies ("Where is Kazakhstan located?", "أين تقع كازاخستان؟")."""
    q = normalize(question).lower()
    return bool(countries_in(q)) and bool(_WHERE_COUNTRY.search(q))


def regions_in(text: str) -> set[str]:
    """The continents and world regions a sentence names ("Europe", "أوراسيا"; not the bare word "القارة")."""
    return {(m.group(1) or m.group(0)).lower()[:5] for m in _REGIONS.finditer(normalize(text).lower())}
