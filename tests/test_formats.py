"""PDF, Word and web pages: extracted text, page numbers, and refusals of what cannot be read.

The documents are the formats corpus (eval/formats/docs, built by eval/formats/make.py: PDFs printed by the
headless Chromium the browser tests use, Word files written by python-docx). Bad inputs are made here.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.chunking import split_document
from rag.errors import DocumentError
from rag.formats.bidi import to_logical
from rag.loaders import expand_paths, load_file

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "eval" / "formats" / "docs"
MB = 10_000_000


def _make_module():
    spec = importlib.util.spec_from_file_location("formats_make", ROOT / "eval" / "formats" / "make.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(name: str):
    return load_file(DOCS / name, max_bytes=MB)


needs_chromium = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")


# --- PDF --------------------------------------------------------------------------------------------------


def test_arabic_pdf_reads_in_logical_order_with_numbers_in_place():
    doc = load("ar_noor_solar_station.pdf")
    assert doc.language == "ar" and doc.title == "محطة نور الواحة للطاقة الشمسية"
    text = doc.text
    assert "افتُتحت المحطة رسميًا في مارس 2019 بحضور وزير الطاقة" in text  # the damma and tanween where typed
    assert "(أي نحو 15% من حاجة المدينة من الكهرباء)" in text  # brackets the right way round, 15% not %15
    assert "بلغت تكلفة المشروع 2.5 مليار دولار" in text  # a decimal number inside a right-to-left line
    assert "وتولت شركة SunGrid الألمانية" in text  # a Latin name inside an Arabic line
    assert "يعمل في المحطة ٣٥٠ موظفًا" in text  # Arabic-Indic digits
    assert "وتنتج سنويًا قرابة 310 غيغاواط ساعة" in text  # the tanween on the yaa, where it was typed
    assert not any("\ufb50" <= ch <= "\ufeff" for ch in text)  # presentation forms folded to letters
    # a paragraph wrapped over two lines is one line of text (the chunker's paragraph), not two
    assert "وكان العمل في المشروع قد بدأ في خريف عام 2016 بعد دراسة استمرت عامين." in text


def test_pdf_pages_headings_and_sentences_stay_on_their_page():
    doc = load("ar_noor_solar_station.pdf")
    assert len(doc.pages) == 3 and doc.pages[0] == 0
    assert doc.page_at(text_at(doc, "افتُتحت المحطة")) == 1
    assert doc.page_at(text_at(doc, "يعمل في المحطة ٣٥٠")) == 2
    assert doc.page_at(text_at(doc, "بلغت تكلفة المشروع")) == 3
    for start in doc.pages[1:]:
        assert doc.text[start - 2 : start] == "\n\n"  # a page break is a paragraph break
    chunks = split_document(doc)
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert doc.page_at(c.start) == doc.page_at(c.end - 1), c.text  # no sentence spans two pages
    funding = next(c for c in chunks if c.text.startswith("بلغت تكلفة"))
    assert funding.section == "محطة نور الواحة للطاقة الشمسية — التمويل"  # headings are structure, not chunks
    assert not any(c.text.startswith("#") for c in chunks)


def text_at(doc, needle: str) -> int:
    at = doc.text.find(needle)
    assert at >= 0, needle
    return at


def test_english_pdf_rejoins_hyphenated_words_and_drops_the_running_footer():
    doc = load("en_kessel_bridge.pdf")
    assert "Construction began in April 2016" in doc.text
    assert "after a public petition." in doc.text and "Maintenance is carried out every spring" in doc.text
    assert "cable-stayed road bridge" in doc.text  # a hyphen inside a line stays
    assert "technical summary" not in doc.text  # the footer printed on every page
    assert "Halvorsen & Ruiz" in doc.text
    assert doc.text.startswith("# The Kessel River Bridge\n\n") and "\n\n## Design\n\n" in doc.text
    assert [doc.page_at(text_at(doc, s)) for s in ("opened to traffic", "42,000 vehicles", "310 million")] == [1, 2, 3]


def test_visual_order_inversion():
    # A right-to-left line as drawn, left to right (a text layer names the bracket shapes it draws).
    drawn = list(".") + list("2019") + [" "] + list("سرام") + [" "] + ["("] + list("SCO") + [")"] + [" "] + list("يف")
    assert "".join(to_logical(drawn, rtl=True)) == "في (SCO) مارس 2019."
    # An Arabic phrase inside an English line keeps its number reading left to right.
    drawn = list("in ") + list("سرام") + [" "] + list("2019") + [" "] + list("يف") + list(" ok")
    assert "".join(to_logical(drawn, rtl=False)) == "in في 2019 مارس ok"
    assert to_logical(["ﻻ", "ﺍ"], rtl=True) == ["ﺍ", "ﻻ"]  # a ligature is one unit, never split


HARD_ARABIC_LINES = [
    "عقدت منظمة Shanghai Cooperation Organisation اجتماعها في أستانا.",  # a Latin run of several words
    "صدر القرار بتاريخ 12/3/2019 وينفذ خلال الفترة 2019-2020.",  # drawn "2020-2019": two Arabic numbers
    "ارتفعت الصادرات بنسبة ٪١٥ مقارنة بالعام السابق.",  # Arabic-Indic digits, Arabic percent sign
    "بلغت الميزانية $5 مليون (وفق تقرير [2023]) في «العاصمة».",  # mirrored brackets and guillemets
    'قال الوزير: "سنبدأ فورًا"، ثم غادر القاعة.',
    "الرقم السالب -5 درجات مئوية سُجّل ليلًا.",  # shadda and damma on one word, tanween on a lam-alef
    "يتضمن البريد info@example.com والموقع www.example.org للتواصل.",
    "كتب ISO 9001:2015 على الشهادة.",  # a number after a Latin word belongs to its run
    "عاد اللاعبون إلى الملعب لإكمال المباراة.",  # lam-alef ligatures
    "وصلت نسبة النجاح إلى 87.5% هذا العام.",
]


@needs_chromium
def test_hard_arabic_lines_come_back_as_typed(tmp_path):
    make = _make_module()
    head = make.AR_PDF.split("<body>")[0]
    html = head + "<body>" + "".join(f"<p>{line}</p>" for line in HARD_ARABIC_LINES) + "</body></html>"
    text = load_file(make.print_pdf(html, tmp_path / "hard.pdf"), max_bytes=MB).text
    assert text.split("\n\n") == HARD_ARABIC_LINES


@needs_chromium
def test_the_corpus_builder_reproduces_the_committed_text(tmp_path):
    make = _make_module()
    pdf = make.print_pdf(make.AR_PDF, tmp_path / "again.pdf")
    assert load_file(pdf, max_bytes=MB).text == load("ar_noor_solar_station.pdf").text


@needs_chromium
def test_a_scanned_pdf_is_refused_and_nothing_is_stored(tmp_path):
    make = _make_module()
    scan = make.print_pdf(
        "<canvas id=c width=600 height=300></canvas><script>const x=document.getElementById('c').getContext('2d');"
        "x.font='40px serif';x.fillText('Scanned page, text as pixels',20,100);</script>",
        tmp_path / "scan.pdf",
    )
    with pytest.raises(DocumentError, match="no extractable text; OCR is not supported"):
        load_file(scan, max_bytes=MB)
    store = tmp_path / "store-cli"
    env = {"PATH": "/usr/bin:/bin", "RAG_STORE_DIR": str(store), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    res = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ingest", "-q", str(scan)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 2 and "no extractable text; OCR is not supported" in res.stderr
    assert "\n" not in res.stderr.split("nothing to ingest:")[1].strip()  # the reason is one line
    assert not (store / "chroma.sqlite3").exists()  # nothing stored: the store was never opened


# --- bad input ---------------------------------------------------------------------------------------------


ENCRYPTED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"3 0 obj<</Filter/Standard/V 1/R 2/O<" + b"41" * 32 + b">/U<" + b"42" * 32 + b">/P -4>>endobj\n"
    b"trailer<</Root 1 0 R/Encrypt 3 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n"
    b"%%EOF\n"
)


def _bad_inputs(folder: Path) -> dict[str, str]:
    """file name -> what its one-line refusal says."""
    pdf = (DOCS / "en_kessel_bridge.pdf").read_bytes()
    docx = (DOCS / "en_marlow_library.docx").read_bytes()
    files = {
        "locked.pdf": (ENCRYPTED_PDF, "encrypted"),
        "truncated.pdf": (pdf[: len(pdf) // 3], "damaged or truncated"),
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 20, "damaged or truncated"),
        "renamed.pdf": (b"hello, I am text", "not a PDF"),
        "truncated.docx": (docx[: len(docx) // 2], "damaged or truncated"),
        "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password-protected"),
        "binary.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        "unreadable.html": (("<p>" + "\ufffd" * 50 + " ok</p>").encode(), "unreadable"),
        "private.htm": (("<p>" + "\ue000\ue001" * 30 + " ok</p>").encode(), "unreadable"),
        "empty.html": (b"<html><body><script>x()</script></body></html>", "no text"),
    }
    out = {}
    for name, (data, why) in files.items():
        (folder / name).write_bytes(data)
        out[name] = why
    return out


def test_bad_files_each_get_one_line_and_the_batch_goes_on(tmp_path, isolated):
    from rag.ingest import ingest

    from .conftest import FakeEmbeddings

    folder = tmp_path / "batch"
    folder.mkdir()
    reasons = _bad_inputs(folder)
    shutil.copy(DOCS / "en_tanners_lane_garden.html", folder)
    report = ingest([folder], isolated, embeddings=FakeEmbeddings())
    assert report.documents == 1 and report.added > 0
    assert len(report.skipped) == len(reasons)
    for line in report.skipped:
        assert "\n" not in line
        name = Path(line.split(":")[0]).name
        assert reasons[name] in line, line
    from rag.store import Store

    assert set(Store(isolated).document_meta()) == {"en_tanners_lane_garden.html"}


# --- Word and HTML ----------------------------------------------------------------------------------------


def test_docx_headings_tables_and_paragraphs_in_order():
    doc = load("en_marlow_library.docx")
    assert doc.text.split("\n\n")[:2] == [
        "# Marlow Public Library: annual report 2024",
        "The library lent 212,000 books in 2024, eight per cent more than in the year before.",
    ]
    assert (
        "## Branches\n\nVisitors per branch in 2024:\n\nBranch | Visitors | Opened\n\nCentral | 96,500 | 1911"
        in doc.text
    )
    assert doc.pages == [] and doc.page_at(10) is None
    chunks = split_document(doc)
    eastside = next(c for c in chunks if c.text.startswith("Eastside"))
    assert eastside.text == "Eastside | 48,200 | 1998" and eastside.section.endswith("— Branches")
    ar = load("ar_nabeul_ceramics_museum.docx")
    assert "## القاعات\n\nالقاعة | عدد القطع\n\nقاعة الفخار الروماني | 420" in ar.text and ar.language == "ar"


def test_html_keeps_the_article_only_with_entities_decoded():
    doc = load("en_tanners_lane_garden.html")
    assert doc.title == "Community garden opens on Tanner’s Lane"
    for gone in ("cookies", "Accept all", "tracking code", "News", "Share this article", "Most read", "rights"):
        assert gone not in doc.text, gone
    assert "Tanner’s Lane Growers & Friends association" in doc.text and "one of the 40 raised beds" in doc.text
    assert "\n\n## Open days\n\n" in doc.text and "Tomatoes | 12" in doc.text
    ar = load("ar_siwa_dates_festival.html")
    assert ar.text.startswith("# انطلاق مهرجان التمور السنوي في واحة سيوة") and "ملفات تعريف الارتباط" not in ar.text
    assert 'أشهرها صنف "الصعيدي"' in ar.text


def test_html_in_a_declared_legacy_encoding(tmp_path):
    page = tmp_path / "old.htm"
    page.write_bytes('<meta charset="windows-1256"><body><p>تقرير قديم عن الواحة.</p></body>'.encode("cp1256"))
    assert load_file(page, max_bytes=MB).text == "تقرير قديم عن الواحة."


def test_folders_pick_up_the_new_formats(tmp_path):
    for name in ("a.pdf", "b.DOCX", "c.html", "d.htm", "e.md", "f.exe"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.pdf", "b.DOCX", "c.html", "d.htm", "e.md"]


# --- the real pipeline: a PDF's page in answer() -------------------------------------------------------------


@pytest.mark.real
def test_answers_from_a_pdf_cite_the_right_page(isolated):
    from rag.ingest import ingest
    from rag.pipeline import Pipeline, answer

    ingest([DOCS / "ar_noor_solar_station.pdf", DOCS / "en_kessel_bridge.pdf"], isolated)
    pipe = Pipeline(isolated)
    cases = {
        "كم موظفًا يعمل في المحطة؟": ("٣٥٠", 2),
        "كم بلغت تكلفة مشروع المحطة الشمسية؟": ("2.5 مليار", 3),
        "How many vehicles cross the Kessel bridge each day?": ("42,000", 2),
        "When did construction of the Kessel bridge begin?": ("April 2016", 1),
    }
    for question, (needle, page) in cases.items():
        res = answer(question, pipeline=pipe)
        assert not res.abstained and needle in res.citations[0].quote, (question, res.text)
        assert res.citations[0].page == page, (question, res.citations[0])
        doc = pipe.store.document(res.citations[0].source)
        assert doc.text[res.citations[0].start : res.citations[0].end] == res.citations[0].quote


def test_the_chat_shows_a_pdf_quotes_page_and_nothing_for_other_formats():
    from rag.chat_render import render_answer
    from rag.schema import Answer, Citation, Document

    doc = Document(id="r.pdf", text="One.\n\nTwo is here.", title="R", pages=[0, 6], language="en")
    quote = "Two is here."
    cite = Citation(n=1, quote=quote, source="r.pdf", start=6, end=18, paragraph=3, page=doc.page_at(6))
    ans = Answer(question="q", text=f"[1] «{quote}»", language="en", abstained=False, citations=[cite])
    html = render_answer(ans, lambda _: doc)
    assert cite.page == 2 and html.count("<bdi>p.\u00a02</bdi>") == 2  # beside the quote and in the citation
    plain = ans.model_copy(update={"citations": [cite.model_copy(update={"page": None})]})
    assert "p.\u00a0" not in render_answer(plain, lambda _: doc)


def test_html_without_main_or_article_drops_menus_by_link_density(tmp_path):
    page = tmp_path / "blog.html"
    page.write_text(
        "<html><body><div class='top'><a href='/'>Home</a> | <a href='/a'>About us</a> | <a href='/c'>Contact</a></div>"
        "<div id='content'><h2>Spring fair</h2><p>The fair opens on <a href='/d'>Friday</a> at the old market hall."
        "</p><ul><li><a href='/x'>Older posts</a></li><li><a href='/y'>Newer posts</a></li></ul>"
        "<section id='comments'><p>Great fair, see you there!</p></section></div></body></html>",
        encoding="utf-8",
    )
    assert load_file(page, max_bytes=MB).text == "## Spring fair\n\nThe fair opens on Friday at the old market hall."


@needs_chromium
@pytest.mark.parametrize("rtl", [False, True])
def test_two_column_pages_are_read_column_by_column(tmp_path, rtl):
    # the second paragraph starts in the first column and goes on in the second (balanced columns)
    make = _make_module()
    if rtl:
        first = [f"تصف الجملة رقم {n} من الفقرة الأولى تاريخ الميناء القديم." for n in range(1, 9)]
        second = [f"وتذكر الجملة {n} من الفقرة الثانية أسواق المدينة." for n in range(1, 13)]
        head, title = make.AR_PDF.split("<body>")[0], "تقرير الميناء"
    else:
        first = [f"Sentence {n} of the first paragraph describes the old harbour." for n in range(1, 9)]
        second = [f"Line {n} of the second paragraph lists the town's markets." for n in range(1, 13)]
        head, title = make.EN_PDF.split("<body>")[0].replace(".footer", ".x"), "Harbour report"
    html = (
        f"{head}<body><h1>{title}</h1><div style='column-count:2;column-gap:2em'>"
        f"<p>{' '.join(first)}</p><p>{' '.join(second)}</p></div></body></html>"
    )
    text = load_file(make.print_pdf(html, tmp_path / "columns.pdf"), max_bytes=MB).text
    assert text == f"# {title}\n\n{' '.join(first)}\n\n{' '.join(second)}"


def test_docx_custom_heading_styles_by_outline_level(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles.add_style("عنوان القسم", WD_STYLE_TYPE.PARAGRAPH)  # a custom, localised style name
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    style.element.get_or_add_pPr().append(level)
    document.add_paragraph("الرسوم", style=style)
    document.add_paragraph("تبلغ رسوم الدخول خمسة دنانير.")
    document.add_paragraph("Plain body text.", style="Normal")
    path = tmp_path / "custom.docx"
    document.save(str(path))
    assert load_file(path, max_bytes=MB).text == "## الرسوم\n\nتبلغ رسوم الدخول خمسة دنانير.\n\nPlain body text."


@needs_chromium
def test_a_page_turned_a_quarter_turn_reads_like_an_upright_one(tmp_path):
    make = _make_module()
    head = make.EN_PDF.split("<body>")[0].replace(".footer", ".x")
    paragraph = (
        "The northern plant produced 300 megawatts in 2010 and its output grew every year after that, reaching "
        "363 megawatts in 2019 when the second turbine hall opened."
    )
    html = (
        f"{head}<body><div style='position:absolute;top:0;left:20cm;width:22cm;transform:rotate(90deg);"
        f"transform-origin:top left'><h1>Annual table</h1><p>{paragraph}</p><p>Costs fell by a third.</p></div>"
        "</body></html>"
    )
    text = load_file(make.print_pdf(html, tmp_path / "turned.pdf"), max_bytes=MB).text
    assert text == f"# Annual table\n\n{paragraph}\n\nCosts fell by a third."


@needs_chromium
def test_footnote_marks_and_a_paragraph_in_the_other_direction(tmp_path):
    make = _make_module()
    arabic = "بلغ عدد سكان المدينة خمسة ملايين نسمة في آخر تعداد رسمي. " * 2
    english = "The plant employs 350 people<sup>3</sup> from nearby villages, and H<sub>2</sub>O is pumped daily."
    html = (
        f"{make.AR_PDF.split('<body>')[0]}<body><p>{arabic}ويعمل أغلبهم في الزراعة<sup>2</sup> والتجارة.</p>"
        f"<p>{english} It cools the turbines.</p><p>ثم عربي مرة أخرى (2020).</p></body></html>"
    )
    text = load_file(make.print_pdf(html, tmp_path / "marks.pdf"), max_bytes=MB).text
    assert text.split("\n\n") == [  # superscripts stay in their line; the English "." stays at its end
        f"{arabic}ويعمل أغلبهم في الزراعة2 والتجارة.",
        "The plant employs 350 people3 from nearby villages, and H2O is pumped daily. It cools the turbines.",
        "ثم عربي مرة أخرى (2020).",
    ]


@needs_chromium
def test_a_mostly_scanned_pdf_is_refused_too(tmp_path):
    make = _make_module()
    canvas = "<canvas width=600 height=300 style='display:block;break-before:page'></canvas>"
    html = f"<p>Scanned by a phone app.</p>{canvas * 3}"
    pdf = make.print_pdf(html, tmp_path / "mostly.pdf")
    with pytest.raises(DocumentError, match="no extractable text on 3 of 4 pages; OCR is not supported"):
        load_file(pdf, max_bytes=MB)
