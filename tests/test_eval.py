import json
from pathlib import Path

import pytest

from rag.errors import EvalSetError
from rag.evaluate import check_gates, corpus_paths, load_set, run, write_outputs
from rag.text import detect_language


def _write(tmp_path, lines):
    p = tmp_path / "set.jsonl"
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "set.jsonl:2: malformed JSON"),
        ('{"id": "a", "question": "q", "language": "ar"}', "set.jsonl:2: missing field"),
        ('{"id": "b", "question": "q", "language": "fr", "answerable": false}', "unknown language"),
        ('{"id": "c", "question": "q", "language": "ar", "answerable": true}', "evidence"),
        ('{"id": "ok", "question": "q", "language": "ar", "answerable": false}', "duplicate id"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, line, message):
    good = '{"id": "ok", "question": "q", "language": "ar", "answerable": false}'
    with pytest.raises(EvalSetError, match=message):
        load_set(_write(tmp_path, [good, line]))


def _corpus_texts(manifest: Path) -> dict[str, str]:
    from rag.loaders import default_document, load_file

    paths = corpus_paths(manifest)
    docs = [default_document() if str(p) == "default" else load_file(p, max_bytes=10**7) for p in paths]
    return {d.id: d.text for d in docs}


@pytest.mark.parametrize("manifest", sorted(Path("eval").glob("*/manifest.json")), ids=lambda p: p.parent.name)
def test_shipped_corpora_hold_their_evidence(manifest):
    # Every set beside a manifest names only its documents, and every evidence and expected answer is a verbatim
    # span of the document the question is about (or of some document of the corpus, for the older sets).
    texts = _corpus_texts(manifest)
    sets = sorted(manifest.parent.glob("*.jsonl"))
    assert sets
    for path in sets:
        for row in load_set(path):
            pool = [texts[row.source]] if row.source else list(texts.values())
            assert not row.source or row.source in texts, (path, row.id)
            for span in row.evidence:
                assert any(span in t for t in pool), (path, row.id, span)
            if row.source:
                for group in row.expected:
                    assert any(any(alt in t for t in pool) for alt in group), (path, row.id, group)


def test_the_dev_corpus_is_bilingual_and_large_enough():
    texts = _corpus_texts(Path("eval/dev/manifest.json"))
    langs = [detect_language(t[:3000]) for t in texts.values()]
    assert langs.count("ar") >= 6 and langs.count("en") >= 5  # the article and five of each
    rows = load_set(Path("eval/dev/questions.jsonl"))  # conversations.jsonl, the follow-up set, is all answerable
    assert len(rows) >= 300 and sum(not r.answerable for r in rows) >= 0.25 * len(rows)
    for doc in texts:
        mine = [r for r in rows if r.source == doc]
        if doc != "000_c19c94f8a9a8e670.txt":
            assert {r.language for r in mine} == {"ar", "en"}, doc
    article = load_set(Path("eval/article/dev.jsonl"))
    assert len(article) >= 80 and sum(not r.answerable for r in article) >= 15


def test_evidence_not_in_sources_is_an_error(fake_pipeline, tmp_path):
    p = _write(
        tmp_path,
        [
            '{"id": "x", "question": "q", "language": "ar", "answerable": true, '
            '"expected": [["a"]], "evidence": ["not in any source"]}'
        ],
    )
    with pytest.raises(EvalSetError, match="not a verbatim span"):
        run([p], pipeline=fake_pipeline)


def test_run_writes_all_outputs_atomically(fake_pipeline, tmp_path):
    rows = [
        {
            "id": "a1",
            "question": "ما المنصة التي اقترحتها كازاخستان؟",
            "language": "ar",
            "answerable": True,
            "expected": [["مركز أستانا المالي الدولي"]],
            "evidence": ["مركز أستانا المالي الدولي"],
        },
        {"id": "u1", "question": "كم عدد سكان كازاخستان؟", "language": "ar", "answerable": False},
        {
            "id": "e1",
            "question": "Who wrote the article?",
            "language": "en",
            "answerable": True,
            "expected": [["زمان باجوا"]],
            "evidence": ["بقلم: زمان باجوا"],
        },
    ]
    p = _write(tmp_path, [json.dumps(r, ensure_ascii=False) for r in rows])
    report = run([p], pipeline=fake_pipeline, k=5)
    s = report.summary
    for key in (
        "citation_verbatim",
        "citation_precision",
        "citation_recall",
        "answer_correct",
        "abstain_recall",
        "false_abstain_rate",
        "retrieval_recall_at_k",
        "mrr",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert key in s and key in s["by_language"]["ar"] and key in s["by_language"]["en"]
    assert s["citation_verbatim"] == 1.0
    assert s["abstain_recall"] == 1.0
    out = tmp_path / "out"
    write_outputs(report, out)
    assert {f.name for f in out.iterdir()} >= {
        "summary.json",
        "results.jsonl",
        "report.md",
        "metrics.png",
        "latency.png",
    }
    assert len((out / "results.jsonl").read_text().splitlines()) == 3
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".out")]


def test_gates():
    s = {"citation_verbatim": 1.0, "false_abstain_rate": 0.1, "by_language": {"ar": {"answer_correct": 0.5}}}
    assert check_gates(s, ["citation_verbatim=1.0"]) == []
    assert check_gates(s, ["false_abstain_rate=0.05"])
    assert check_gates(s, ["ar.answer_correct=0.9"])
    with pytest.raises(Exception, match="unknown metric"):
        check_gates(s, ["nope=1"])


def test_a_set_runs_against_its_manifests_documents_and_reports_per_pair(fake_pipeline, tmp_path):
    # The configured store holds only the article; the corpus adds an English note, ingested into a temporary store.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "# Harbour note\n\n## Opening\nThe harbour opened in 1911. It was rebuilt in 1998.\n", encoding="utf-8"
    )
    (corpus / "manifest.json").write_text('{"documents": ["default", "note.md"]}', encoding="utf-8")
    rows = [
        {"id": "n1", "question": "When was the harbour rebuilt?", "language": "en", "answerable": True,
         "source": "note.md", "evidence": ["It was rebuilt in 1998."], "expected": [["1998"]]},
        {"id": "n2", "question": "متى أعيد بناء الميناء؟", "language": "ar", "answerable": True,
         "source": "note.md", "evidence": ["It was rebuilt in 1998."]},
        {"id": "n3", "question": "Who designed the harbour?", "language": "en", "answerable": False,
         "source": "note.md"},
    ]  # fmt: skip
    (corpus / "q.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = run([corpus / "q.jsonl"], fake_pipeline.settings, pipeline=fake_pipeline)
    s = report.summary
    assert set(s["by_pair"]) == {"en-en", "ar-en"} and set(s["by_document"]) == {"note.md"}
    assert s["citation_verbatim"] == 1.0
    assert {d.id for d in fake_pipeline.store.documents()} == {"000_c19c94f8a9a8e670.txt"}  # configured store untouched
    write_outputs(report, tmp_path / "out")
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Per question language - source language" in md and "| ar-en |" in md


def test_a_manifest_naming_a_missing_document_stops_before_anything_runs(fake_pipeline, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.json").write_text('{"documents": ["default", "gone.md"]}', encoding="utf-8")
    (corpus / "q.jsonl").write_text(
        '{"id": "a", "question": "q?", "language": "en", "answerable": false}', encoding="utf-8"
    )
    with pytest.raises(EvalSetError, match=r"manifest.json: lists 'gone.md', but .* does not exist"):
        run([corpus / "q.jsonl"], fake_pipeline.settings, pipeline=fake_pipeline)
    (corpus / "manifest.json").write_text('{"docs": []}', encoding="utf-8")
    with pytest.raises(EvalSetError, match='needs "documents"'):
        run([corpus / "q.jsonl"], fake_pipeline.settings, pipeline=fake_pipeline)
