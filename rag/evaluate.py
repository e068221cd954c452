"""The eval runner: question sets in, metrics, report and plots out (`rag eval`, `rag.evaluate.run`)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rag.citations import is_verbatim
from rag.errors import EvalSetError, InputError, RagError
from rag.schema import Answer
from rag.settings import Settings
from rag.text import STOPWORDS, is_arabic_script, normalize

METRICS = (
    "citation_verbatim",
    "citation_precision",
    "citation_recall",
    "answer_correct",
    "short_correct",
    "asker_language",
    "abstain_recall",
    "false_abstain_rate",
    "page_correct",
    "retrieval_recall_at_k",
    "mrr",
    "latency_p50_ms",
    "latency_p95_ms",
)


class EvalRow(BaseModel):
    """One question of a set (format: eval/README.md)."""

    id: str
    question: str
    language: str
    answerable: bool
    expected: list[list[str]] = []
    evidence: list[str] = []
    history: list[str] = []
    source: str = ""
    page: int | None = None
    tags: list[str] = []
    set: str = ""


class EvalReport(BaseModel):
    """Summary metrics (overall and per language) plus one result per question."""

    summary: dict[str, Any]
    results: list[dict[str, Any]]
    compare: dict[str, dict[str, float]] = {}


def load_set(path: Path) -> list[EvalRow]:
    """Parse and validate a JSONL question set; errors name the file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalSetError(f"{path}: no such question set") from None
    except UnicodeDecodeError as exc:
        raise EvalSetError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8 JSONL") from None
    rows: list[EvalRow] = []
    seen: set[str] = set()
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{no}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(raw, dict):
            raise EvalSetError(f"{where}: each line must be a JSON object")
        missing = [k for k in ("id", "question", "language", "answerable") if k not in raw]
        if missing:
            raise EvalSetError(f"{where}: missing field(s) {', '.join(missing)}")
        if raw["language"] not in ("ar", "en"):
            raise EvalSetError(f'{where}: unknown language {raw["language"]!r}; use "ar" or "en"')
        if not isinstance(raw["answerable"], bool):
            raise EvalSetError(f'{where}: "answerable" must be true or false')
        if raw["answerable"] and not raw.get("evidence"):
            raise EvalSetError(f'{where}: an answerable question needs at least one "evidence" span')
        if not raw["answerable"] and raw.get("evidence"):
            raise EvalSetError(f"{where}: an unanswerable question must not have evidence")
        try:
            row = EvalRow(**raw, set=path.stem)
        except Exception as exc:
            raise EvalSetError(f"{where}: {exc}".splitlines()[0] + " (see eval/README.md)") from None
        if row.id in seen:
            raise EvalSetError(f"{where}: duplicate id {row.id!r}")
        seen.add(row.id)
        rows.append(row)
    if not rows:
        raise EvalSetError(f"{path}: the question set is empty")
    return rows


def _spans(evidence: list[str], sources: dict[str, str], where: str) -> list[tuple[str, int, int]]:
    out = []
    for ev in evidence:
        hits = [(doc, m.start(), m.end()) for doc, text in sources.items() for m in re.finditer(re.escape(ev), text)]
        if not hits:
            raise EvalSetError(f"{where}: evidence {ev[:40]!r}… is not a verbatim span of any stored source")
        out.extend(hits)
    return out


def _overlaps(source: str, start: int, end: int, spans: list[tuple[str, int, int]]) -> bool:
    return any(s == source and start < e and b < end for s, b, e in spans)


def _matches(expected: list[list[str]], res: Answer) -> bool:
    hay = normalize(res.text + " " + " ".join(c.quote for c in res.citations))
    return all(any(normalize(alt) in hay for alt in group) for group in expected)


def _short_ok(expected: list[list[str]], short: str | None) -> bool | None:
    """Whether the answer's lead value (a date, a number) is, or is part of, an expected answer (None without a lead
    value or an expected answer): the lead line is read first and alone, so it must not be a wrong figure."""
    if not short or not expected:
        return None
    value = normalize(short)
    return any(value in normalize(alt) or normalize(alt) in value for alt in expected[0])


_QUOTED = re.compile(r"«[^»]*»")
_TOKEN = re.compile(r"\S+")


def _outside_quotes(text: str, language: str) -> str:
    """The answer's own words in the asker's script: quotes and words in the other script (the originals in
    brackets after a reading) left out; figures and signs stay."""
    arabic = language == "ar"
    text = text.replace("\u2068", " ").replace("\u2069", " ")  # the lead's bidirectional isolates
    return " ".join(
        t
        for t in _TOKEN.findall(_QUOTED.sub(" ", text))
        if not re.search(r"[^\W\d_]", t) or is_arabic_script(t) == arabic
    )


def _stated(alt: str, own: str, language: str) -> bool:
    """Whether the asker-script text `own` states one expected alternative: as written (an alternative in the asker's
    script, or figures only); read out in the asker's language (rag.answering.values, "5 مليارات دولار" as "5
    billion dollars"); or, for a name, every word of it written in the asker's script with the same consonants
    (rag.translit.spells: "توكاييف" by "Tokayev" or by the labelled transliteration "Tukayif"); a country by its name
    in the asker's language (rag.answering.focus.COUNTRIES). The name rule is the
    fuzzy rule: a transliteration is judged by naming the right thing in the asker's letters, not by its vowels."""
    from rag.answering.focus import countries_in
    from rag.answering.values import in_language
    from rag.translit import spells

    hay = normalize(own)
    if normalize(alt) in hay and (is_arabic_script(alt) == (language == "ar") or not re.search(r"[^\W\d_]", alt)):
        return True
    read = in_language(alt, language)
    if read != alt and normalize(read[: -len(alt) - 3]) in hay:
        return True
    named = countries_in(alt)
    if (
        named and len(alt.split()) <= 2 and named <= countries_in(own)
    ):  # a country by its name in the asker's language ("أذربيجان": Azerbaijan)
        return True
    if re.search(r"\d", alt) or is_arabic_script(alt) == (language == "ar"):
        return False  # the name rule is for names written in the other script
    words = [w for w in re.findall(r"[^\W\d_]+", alt) if len(w) >= 2 and normalize(w) not in STOPWORDS]
    mine = re.findall(r"[^\W\d_][^\W\d_'’-]*", own)
    return bool(words) and all(any(spells(w, m) for m in mine) for w in words)


def asker_language_ok(expected: list[list[str]], text: str, language: str) -> bool:
    """Whether the answer's text outside its quotes states every expected answer in the asker's language (each
    inner list by one alternative, `_stated`)."""
    own = _outside_quotes(text, language)
    return bool(expected) and all(any(_stated(alt, own, language) for alt in group) for group in expected)


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics over a list of per-question results."""
    ans = [r for r in results if r["answerable"]]
    una = [r for r in results if not r["answerable"]]
    paged = [r for r in ans if r.get("page_ok") is not None]
    shorts = [r for r in ans if r.get("short_ok") is not None]
    crossed = [r for r in ans if r.get("asker_language") is not None]
    cites = sum(r["n_citations"] for r in results)
    lat = sorted(r["latency_ms"] for r in results)
    pct = (lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 1)) if lat else (lambda p: None)
    return {
        "questions": len(results),
        "answerable": len(ans),
        "unanswerable": len(una),
        "citation_verbatim": _rate(sum(r["n_verbatim"] for r in results), cites) if cites else 1.0,
        "citation_precision": _rate(sum(r["n_on_evidence"] for r in results), cites),
        "citation_recall": _rate(sum(r["n_on_evidence"] > 0 for r in ans), len(ans)),
        "answer_correct": _rate(sum(r["correct"] for r in ans), len(ans)),
        "short_correct": _rate(sum(bool(r.get("short_ok")) for r in shorts), len(shorts)),
        "asker_language": _rate(sum(bool(r.get("asker_language")) for r in crossed), len(crossed)),
        "cross_answered": len(crossed),
        "abstain_recall": _rate(sum(r["abstained"] for r in una), len(una)),
        "false_abstain_rate": _rate(sum(r["abstained"] for r in ans), len(ans)),
        "page_correct": _rate(sum(bool(r.get("page_ok")) for r in paged), len(paged)) if paged else None,
        "retrieval_recall_at_k": _rate(sum(r["rank"] is not None for r in ans), len(ans)),
        "mrr": _rate(sum(1 / r["rank"] for r in ans if r["rank"]), len(ans)),
        "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
        "latency_p95_ms": pct(0.95),
    }


MANIFEST = "manifest.json"
DEFAULT_ARTICLE = "default"  # a manifest's name for the bundled article


def manifest_of(set_path: Path) -> Path | None:
    """The corpus manifest beside a question set, if any (eval/README.md)."""
    m = Path(set_path).parent / MANIFEST
    return m if m.is_file() else None


def corpus_paths(manifest: Path) -> list[Path]:
    """The documents a manifest lists (Path("default") stands for the bundled article); errors name the manifest."""
    try:
        raw = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalSetError(f"{manifest}: not a readable JSON manifest ({exc}); see eval/README.md") from None
    docs = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(docs, list) or not docs or not all(isinstance(d, str) for d in docs):
        raise EvalSetError(f'{manifest}: needs "documents": a non-empty list of file names; see eval/README.md')
    out: list[Path] = []
    for d in docs:
        path = Path(DEFAULT_ARTICLE) if d == DEFAULT_ARTICLE else manifest.parent / d
        if d != DEFAULT_ARTICLE and not path.is_file():
            raise EvalSetError(f"{manifest}: lists {d!r}, but {path} does not exist")
        out.append(path)
    return out


def _corpus_pipeline(manifest: Path, base, settings: Settings, tmp: Path):
    """A pipeline over a temporary store holding exactly the manifest's documents (models shared with `base`)."""
    from rag.ingest import ingest
    from rag.pipeline import Pipeline

    paths = corpus_paths(manifest)
    local = settings.model_copy(update={"store_dir": tmp, "chroma_url": None})
    pipe = Pipeline(local, embeddings=base.embeddings, second=base.second, chat_model=base._chat_model)
    files = [p for p in paths if str(p) != DEFAULT_ARTICLE]
    if len(files) < len(paths):
        # a damaged bundled article raises DocumentError here, naming itself
        ingest(None, local, store=pipe.store, embeddings=pipe.embeddings, second=pipe.second)
    if files:
        report = ingest(files, local, store=pipe.store, embeddings=pipe.embeddings, second=pipe.second)
        if report.skipped:
            raise EvalSetError(f"{manifest}: a document failed to ingest: " + "; ".join(report.skipped))
    return pipe


def _models(settings: Settings):
    """A pipeline-shaped holder of the real models (no store opened)."""
    from types import SimpleNamespace

    from rag.embeddings import load_embeddings, load_second_encoder

    second = load_second_encoder(settings) if settings.use_second_encoder else None
    return SimpleNamespace(embeddings=load_embeddings(settings), second=second, _chat_model=None)


def run(
    sets: list[Path],
    settings: Settings | None = None,
    *,
    k: int = 5,
    pipeline=None,
    progress: bool = False,
    compare: bool = False,
    corpus: Path | None = None,
    manifests: bool = True,
) -> EvalReport:
    """Run `answer()` on every question of the given sets and compute the metrics.

    A set with a `manifest.json` beside it (or every set, when `corpus` names a manifest) runs against a
    temporary store holding exactly the manifest's documents, so its numbers follow from the repository alone;
    a set without one runs against the configured store.

    Args:
        sets: JSONL question sets.
        settings: configuration (read from the environment when omitted).
        k: retrieval depth for recall@k and MRR.
        pipeline: warm components to reuse (tests inject fakes); corpora share its models.
        progress: show a progress bar on stderr.
        compare: also measure retrieval with dense-only, BM25-only and hybrid ranking.
        corpus: a manifest to run every set against, instead of the one beside each set.
        manifests: False runs every set against the configured (or given) store, manifests or not.

    Raises:
        EvalSetError: a malformed set or manifest, a document that fails to ingest, or evidence missing from
            the sources (nothing is written).
    """
    from rag.pipeline import get_pipeline

    settings = settings or Settings()
    groups: dict[Path | None, list[EvalRow]] = {}
    for p in sets:
        where = Path(corpus) if corpus else manifest_of(Path(p)) if manifests else None
        if where is not None:
            corpus_paths(where)  # validate every manifest before any model loads
        groups.setdefault(where, []).extend(load_set(Path(p)))
    results: list[dict[str, Any]] = []
    all_rows: list[EvalRow] = []
    report = EvalReport(summary={}, results=[])
    base = pipeline
    for manifest, rows in groups.items():
        with tempfile.TemporaryDirectory(prefix="rag-eval-store-") as tmp:
            if manifest is None:
                pipe = pipeline or get_pipeline(settings)
                pipe.ensure_corpus()
            else:
                base = base or _models(settings)
                pipe = _corpus_pipeline(manifest, base, settings, Path(tmp))
            base = base or pipe
            part, spans = _run_rows(rows, pipe, k, progress)
            results += part
            all_rows += rows
            if compare:
                report.compare = compare_retrieval(rows, spans, pipe, k)
            backend = pipe.settings.llm
    summary = summarize(results)
    summary["by_language"] = {lang: summarize([r for r in results if r["language"] == lang]) for lang in ("ar", "en")}
    summary["by_pair"] = {
        pair: summarize([r for r in results if r["pair"] == pair]) for pair in sorted({r["pair"] for r in results})
    }
    summary["by_document"] = {
        doc: summarize([r for r in results if r["source"] == doc]) for doc in sorted({r["source"] for r in results})
    }
    summary["by_set"] = {
        s: summarize([r for r in results if r["set"] == s]) for s in dict.fromkeys(r.set for r in all_rows)
    }
    summary["k"] = k
    summary["backend"] = backend
    report.summary = summary
    report.results = results
    return report


def _run_rows(rows: list[EvalRow], pipe, k: int, progress: bool) -> tuple[list[dict[str, Any]], dict]:
    """Answer each row against one pipeline; per-question results and the evidence spans."""
    from rag.pipeline import answer

    docs = {d.id: d for d in pipe.store.documents()}
    sources = {i: d.text for i, d in docs.items()}
    spans = {row.id + row.set: _spans(row.evidence, sources, f"{row.set}:{row.id}") for row in rows}
    for row in rows:
        if row.source and row.source not in docs:
            raise EvalSetError(f"{row.set}:{row.id}: source {row.source!r} is not among the corpus's documents")
    iterator: Any = rows
    if progress:
        from tqdm import tqdm

        iterator = tqdm(rows, desc="eval", unit="q", file=sys.stderr)
    results = []
    for row in iterator:
        history = [{"role": "user", "content": h} for h in row.history]
        t0 = time.perf_counter()
        try:
            res = answer(row.question, history=history, pipeline=pipe)
        except InputError as exc:
            res = Answer(question=row.question, text=str(exc), language=row.language, abstained=True)
        latency = (time.perf_counter() - t0) * 1e3
        sp = spans[row.id + row.set]
        on_ev = [c.n for c in res.citations if _overlaps(c.source, c.start, c.end, sp)]
        retrieved = [r.chunk for r in res.retrieved[:k]]
        rank = next((i + 1 for i, c in enumerate(retrieved) if _overlaps(c.source, c.start, c.end, sp)), None)
        source = row.source or (sp[0][0] if sp else (next(iter(docs)) if len(docs) == 1 else ""))
        source_lang = docs[source].language if source in docs else ""
        cited = docs[res.citations[0].source].language if res.citations and res.citations[0].source in docs else ""
        crossed = row.answerable and bool(row.expected) and not res.abstained and cited not in ("", row.language)
        results.append(
            {
                "set": row.set,
                "id": row.id,
                "language": row.language,
                "source": source,
                "pair": f"{row.language}-{source_lang or '?'}",
                "tags": row.tags,
                "question": row.question,
                "answerable": row.answerable,
                "abstained": res.abstained,
                "answer": res.text,
                "short_answer": res.short_answer,
                "citations": [c.model_dump() for c in res.citations],
                "n_citations": len(res.citations),
                "n_verbatim": sum(is_verbatim(c, sources.get(c.source)) for c in res.citations),
                "n_on_evidence": len(on_ev),
                "page_ok": None if row.page is None else any(c.page == row.page for c in res.citations if c.n in on_ev),
                "correct": row.answerable and not res.abstained and _matches(row.expected, res),
                "short_ok": _short_ok(row.expected, res.short_answer) if row.answerable else None,
                # answered from a source in the other language: does the text outside the quotes state the answer
                # in the asker's language? (None for the others)
                "asker_language": asker_language_ok(row.expected, res.text, row.language) if crossed else None,
                "rank": rank,
                "retrieved": [c.id for c in retrieved],
                "latency_ms": round(latency, 1),
                "reason": res.reason,
            }
        )
    return results, spans


def compare_retrieval(rows: list[EvalRow], spans: dict, pipe, k: int) -> dict[str, dict[str, float]]:
    """Recall@k and MRR of dense-only, BM25-only and hybrid retrieval on the answerable questions."""
    out = {}
    saved = pipe.retriever.mode
    try:
        for mode in ("dense", "bm25", "hybrid"):
            pipe.retriever.mode = mode
            hits, rr, n = 0, 0.0, 0
            for row in rows:
                if not row.answerable:
                    continue
                n += 1
                got = pipe.retriever.retrieve(row.question)[:k]
                sp = spans[row.id + row.set]
                rank = next(
                    (i + 1 for i, r in enumerate(got) if _overlaps(r.chunk.source, r.chunk.start, r.chunk.end, sp)),
                    None,
                )
                hits += rank is not None
                rr += 1 / rank if rank else 0
            out[mode] = {"retrieval_recall_at_k": round(hits / max(n, 1), 4), "mrr": round(rr / max(n, 1), 4)}
    finally:
        pipe.retriever.mode = saved
    return out


def write_outputs(report: EvalReport, out: Path) -> None:
    """Write summary.json, results.jsonl, report.md and plots; the folder appears whole or not at all."""
    from rag.report import render_markdown, render_plots

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (tmp / "summary.json").write_text(
            json.dumps({**report.summary, "compare": report.compare}, indent=2, ensure_ascii=False)
        )
        with open(tmp / "results.jsonl", "w", encoding="utf-8") as fh:
            for r in report.results:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        (tmp / "report.md").write_text(render_markdown(report), encoding="utf-8")
        render_plots(report, tmp)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_gates(summary: dict[str, Any], gates: list[str]) -> list[str]:
    """Failed `METRIC=VALUE` gates ("ar.METRIC" reads by_language.ar; false_abstain_rate is a ceiling)."""
    failed = []
    for gate in gates:
        name, _, value = gate.partition("=")
        try:
            bar = float(value)
        except ValueError:
            raise InputError(f"--fail-under {gate!r}: use METRIC=NUMBER, e.g. citation_verbatim=1.0") from None
        scope = summary
        if "." in name:  # "ar.METRIC" reads by_language, "ar-en.METRIC" by_pair (question-source language)
            where, name = name.split(".", 1)
            scope = summary["by_pair" if "-" in where else "by_language"].get(where, {})
        if name not in METRICS:
            raise InputError(f"--fail-under: unknown metric {name!r}; choose from {', '.join(METRICS)}")
        got = scope.get(name)
        if got is None:
            continue
        ceiling = name in ("false_abstain_rate", "latency_p50_ms", "latency_p95_ms")
        if (got > bar) if ceiling else (got < bar):
            failed.append(f"{gate}: got {got}")
    return failed


def main(args: argparse.Namespace, settings: Settings) -> int:
    """`rag eval`: run, write outputs, print the headline numbers, apply the gates."""
    report = run(
        [Path(s) for s in args.sets],
        settings,
        k=args.k,
        progress=True,
        compare=args.compare,
        corpus=Path(args.corpus) if args.corpus else None,
    )
    failed = check_gates(report.summary, args.fail_under)  # validate gates before writing
    write_outputs(report, Path(args.out))
    s = report.summary
    print(f"{'':>22} {'all':>7} {'ar':>7} {'en':>7}")
    for m in METRICS:
        vals = [s.get(m), s["by_language"]["ar"].get(m), s["by_language"]["en"].get(m)]
        print(f"{m:>22} " + " ".join(f"{v if v is not None else '-':>7}" for v in vals))
    pairs = s["by_pair"]
    if len(pairs) > 1:
        print(f"{'question-source':>22} " + " ".join(f"{p:>7}" for p in pairs))
        for m in (
            "citation_recall",
            "citation_precision",
            "answer_correct",
            "asker_language",
            "abstain_recall",
            "false_abstain_rate",
        ):
            print(
                f"{m:>22} " + " ".join(f"{pairs[p].get(m) if pairs[p].get(m) is not None else '-':>7}" for p in pairs)
            )
    for mode, scores in report.compare.items():
        print(f"compare {mode:>7}: recall@{args.k} {scores['retrieval_recall_at_k']}, mrr {scores['mrr']}")
    print(f"wrote {args.out}/ (summary.json, results.jsonl, report.md, plots)")
    if failed:
        print("below the bar: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


__all__ = ["EvalReport", "EvalRow", "RagError", "load_set", "run", "write_outputs"]
