"""Build the formats corpus: two PDFs printed by headless Chromium, two Word files, two saved web pages.

    .venv/bin/python eval/formats/make.py [OUT_FOLDER]      # default: eval/formats/docs

Every document was written for this evaluation; the places, names and figures are invented. The PDFs are
printed from the HTML below (Arabic: right-to-left, presentation forms in the text layer, numbers, a
percentage, brackets and a Latin name inside Arabic lines; English: words hyphenated across line breaks and a
running footer on every page), each three pages long with headings. The bytes differ between runs (dates
inside the files); the extracted text does not (tests/test_formats.py checks it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

AR_PDF = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><style>
body{font-family:'Noto Sans Arabic',sans-serif;font-size:14pt;margin:0 1.5cm} .page{break-before:page}
</style></head><body>
<h1>محطة نور الواحة للطاقة الشمسية</h1>
<p>افتُتحت المحطة رسميًا في مارس 2019 بحضور وزير الطاقة وعدد من سفراء الدول المانحة. وكان العمل في المشروع قد بدأ
في خريف عام 2016 بعد دراسة استمرت عامين.</p>
<h2>الموقع</h2>
<p>تقع المحطة على بعد 40 كيلومترًا جنوب مدينة الواحة، وتمتد على مساحة 650 هكتارًا من الأراضي الصحراوية المستوية.</p>
<p>واختير الموقع لأن متوسط ساعات السطوع الشمسي فيه يبلغ 3400 ساعة في السنة.</p>
<section class="page">
<h2>القدرة والإنتاج</h2>
<p>تبلغ قدرة المحطة 120 ميغاواط (أي نحو 15% من حاجة المدينة من الكهرباء)، وتنتج سنويًا قرابة 310 غيغاواط ساعة.</p>
<p>يعمل في المحطة ٣٥٠ موظفًا، أغلبهم من سكان القرى المجاورة.</p>
<p>وتضم المحطة نحو 400 ألف لوح شمسي مثبتة على هياكل تتبع حركة الشمس.</p>
</section>
<section class="page">
<h2>التمويل</h2>
<p>بلغت تكلفة المشروع 2.5 مليار دولار، وموّل البنك الآسيوي للتنمية 60% منها بقرض ميسر.</p>
<p>وتولت شركة SunGrid الألمانية أعمال التركيب والصيانة لمدة عشر سنوات.</p>
<h2>الخطط المستقبلية</h2>
<p>تعتزم إدارة المحطة إضافة وحدة لتخزين الطاقة بالبطاريات بسعة 200 ميغاواط ساعة بحلول عام 2027.</p>
</section>
</body></html>
"""

EN_PDF = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body{font-family:'Liberation Serif',serif;font-size:13pt;margin:0 1.5cm} .page{break-before:page}
.footer{position:fixed;bottom:0;font-size:9pt}
</style></head><body>
<div class="footer">Kessel River Bridge: technical summary</div>
<h1>The Kessel River Bridge</h1>
<p>The Kessel River Bridge is a cable-stayed road bridge that links the old town of Marrow with the
industrial port on the eastern bank. Con-<br>struction began in April 2016 and the bridge opened to traffic on
12 September 2020.</p>
<h2>Design</h2>
<p>The bridge was designed by the engineering firm Halvorsen &amp; Ruiz. Its main span is 480 metres long and
its two towers rise 96 metres above the water, which made it the longest span in the region when it opened.</p>
<section class="page">
<h2>Traffic</h2>
<p>The bridge carries about 42,000 vehicles a day, twice the number counted on the old ferry route. A toll of
two euros was charged until January 2023, when the regional council abolished it after a public peti-<br>tion.</p>
<p>A separate deck for cyclists and pedestrians was added in 2021.</p>
</section>
<section class="page">
<h2>Cost and maintenance</h2>
<p>The total cost was 310 million euros, of which the European investment fund paid 140 million. Main-<br>tenance
is carried out every spring, when one lane is closed for three weeks.</p>
<p>Engineers inspect the 168 stay cables with climbing robots every five years.</p>
</section>
</body></html>
"""

EN_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Brackley Gazette</title>
<style>.cookie-banner{position:fixed}</style>
<script>window.dataLayer = []; function track(){ return "tracking code"; }</script></head><body>
<header><a href="/">Brackley Gazette</a><nav><a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<div class="cookie-banner" id="consent">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article>
<h1>Community garden opens on Tanner&#8217;s Lane</h1>
<p>A new community garden opened on Tanner&#8217;s Lane on Saturday, 3 May 2025, on the site of a former car
park. Volunteers spent eighteen months clearing the ground.</p>
<h2>Who runs it</h2>
<p>The garden is run by the Tanner&#8217;s Lane Growers &amp; Friends association, which has 85 members.
Each member tends one of the 40&nbsp;raised beds.</p>
<div class="share-bar">Share this article on social media</div>
<h2>Open days</h2>
<p>The garden is open to the public every Wednesday and Sunday from 9 am to 5 pm. Entry is free.</p>
<table><tr><th>Crop</th><th>Beds</th></tr><tr><td>Tomatoes</td><td>12</td></tr><tr><td>Beans</td><td>9</td></tr></table>
</article></main>
<aside>Most read: council tax rises again</aside>
<footer>&copy; 2025 Brackley Gazette. All rights reserved.</footer>
</body></html>
"""

AR_HTML = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>جريدة الواحة</title>
<script>var ads = "إعلان";</script><style>body{direction:rtl}</style></head><body>
<nav><a href="/">الرئيسية</a> <a href="/sport">رياضة</a></nav>
<div id="cookie-notice">يستخدم هذا الموقع ملفات تعريف الارتباط. <button>موافق</button></div>
<article>
<h1>انطلاق مهرجان التمور السنوي في واحة سيوة</h1>
<p>انطلقت يوم الخميس فعاليات الدورة الحادية عشرة من مهرجان التمور في واحة سيوة، بمشاركة 120 مزارعًا من
الواحات المجاورة.</p>
<h2>المعروضات</h2>
<p>يعرض المزارعون أكثر من 30 صنفًا من التمور، أشهرها صنف &quot;الصعيدي&quot; الذي يمثل 60% من إنتاج الواحة.</p>
<p>ويستمر المهرجان خمسة أيام، وتنظمه جمعية مزارعي سيوة بالتعاون مع المحافظة.</p>
<h2>الجوائز</h2>
<p>تُمنح جائزة أفضل تمر في اليوم الأخير، وقيمتها 50 ألف جنيه.</p>
</article>
<footer>جميع الحقوق محفوظة &copy; 2025</footer>
</body></html>
"""


def print_pdf(html: str, out: Path) -> Path:
    """Print an HTML page to PDF with the Debian headless Chromium (no header or footer of its own)."""
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is not installed (apt-get install -y chromium fonts-noto-core)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return out


def _rtl(paragraph) -> None:
    from docx.oxml import OxmlElement

    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))


def make_docx(out: Path, title: str, blocks: list[tuple[str, object]], *, rtl: bool = False) -> Path:
    """A Word file from ("h1"/"h2", text), ("p", text) and ("table", rows) blocks."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            para = document.add_heading(str(value), level=int(kind[1]))
        elif kind == "p":
            para = document.add_paragraph(str(value))
        else:
            rows = list(value)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            continue
        if rtl:
            _rtl(para)
    document.save(str(out))
    return out


EN_DOCX = [
    ("h1", "Marlow Public Library: annual report 2024"),
    ("p", "The library lent 212,000 books in 2024, eight per cent more than in the year before."),
    ("p", "Its reading rooms were open for 2,900 hours, including Sunday afternoons for the first time."),
    ("h2", "Branches"),
    ("p", "Visitors per branch in 2024:"),
    ("table", [["Branch", "Visitors", "Opened"], ["Central", "96,500", "1911"], ["Eastside", "48,200", "1998"]]),
    ("h2", "Staff"),
    ("p", "The library employs 23 librarians and 11 volunteers. Its director, Ruth Okafor, retired in December."),
]

AR_DOCX = [
    ("h1", "دليل متحف الخزف في مدينة نابل"),
    ("p", "أُسس متحف الخزف عام 1987 في مبنى كان مخزنًا للحبوب، ويضم اليوم أكثر من 2300 قطعة."),
    ("p", "يفتح المتحف أبوابه من الثلاثاء إلى الأحد، ويغلق يوم الاثنين."),
    ("h2", "القاعات"),
    ("table", [["القاعة", "عدد القطع"], ["قاعة الفخار الروماني", "420"], ["قاعة الخزف الأندلسي", "610"]]),
    ("h2", "الرسوم"),
    ("p", "تبلغ رسوم الدخول خمسة دنانير، والدخول مجاني للطلاب وكبار السن."),
]


def build(out: Path) -> list[Path]:
    """Write the six documents into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "en_tanners_lane_garden.html").write_text(EN_HTML, encoding="utf-8")
    (out / "ar_siwa_dates_festival.html").write_text(AR_HTML, encoding="utf-8")
    return [
        print_pdf(AR_PDF, out / "ar_noor_solar_station.pdf"),
        print_pdf(EN_PDF, out / "en_kessel_bridge.pdf"),
        make_docx(out / "en_marlow_library.docx", "Marlow Public Library", EN_DOCX),
        make_docx(out / "ar_nabeul_ceramics_museum.docx", "متحف الخزف", AR_DOCX, rtl=True),
        out / "en_tanners_lane_garden.html",
        out / "ar_siwa_dates_festival.html",
    ]


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "docs"):
        print(path)
