"""Benchmarks: prints tables of numbers (never asserted in tests).

    .venv/bin/python -m bench.run            # everything below
    .venv/bin/python -m bench.run --only ingest,answer,cold,chat,extract,scale

- ingest: pipeline ingestion throughput vs raw SentenceTransformer.encode on the same sentences
- answer: warm answer() latency p50/p95 by language over the eval sets, split into stages
- cold:   `rag ask` wall time vs a process that only loads the model and embeds one query; peak RSS; stages
- chat:   `rag chat` start-up, /ask latency, 40 simultaneous /chat requests, resident and peak memory
- extract: pages/s reading a 50-page PDF printed by headless Chromium (Arabic and English pages), per page
          and the whole load_file (text layer, line order, paragraphs)
- scale:  the article among N synthetic chunks (default 100,000): vector search, BM25 sync, and the
          eval sets' retrieval recall, citation recall and latency against the 49-chunk store
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def bench_ingest(settings, copies: int = 10, rounds: int = 3) -> None:
    """Ingestion against raw `SentenceTransformer.encode` of the same texts (what ingestion embeds: each sentence
    with its section), on two corpora: the article ten times (one vocabulary) and the eighteen dev and blind
    documents (Arabic and English, 640 sentences, each with its own words). On a shared machine wall times swing
    2-4x within minutes, so the raw encode runs right before each ingestion, `rounds` times; the best of each and
    CPU time (this process, all its threads) are compared."""
    from rag.chunking import context_text, split_document
    from rag.embeddings import load_embeddings, load_second_encoder
    from rag.ingest import ingest
    from rag.loaders import default_document, expand_paths, load_file
    from rag.store import Store

    emb = load_embeddings(settings, for_store=True)  # the store is built by sentence-transformers
    # as `rag ingest` loads it: with its snapshot and the hubness reference kept beside the model cache (the first
    # ingestion on a machine computes the reference once, printed apart)
    second = load_second_encoder(settings) if settings.use_second_encoder else None
    emb.model.encode(["warm"] * 8, prompt_name="passage")
    if second is not None:
        from rag.bridge import hubness

        t = time.perf_counter()
        hubness(second.encode(["word", "كلمة"]), ["latin", "ar"], second, Path(settings.model_dir).expanduser().parent)
        print(f"hubness reference ready in {time.perf_counter() - t:.2f} s (computed once per machine, then read)")

    def write_article(folder: Path) -> None:
        for i in range(copies):  # distinct documents with the article's sentences
            (folder / f"copy{i}.txt").write_text(default_document().text + f"\nنسخة {i}.\n", encoding="utf-8")

    def write_dev(folder: Path) -> None:
        for sub in ("dev", "blind", "blind2"):
            for f in expand_paths([EVAL / sub / "docs"]):
                shutil.copy(f, folder / f.name)

    print(f"## ingestion throughput (sentences/s, warm models, store already open; best of {rounds} rounds)")
    for corpus, write in ((f"the article x{copies}", write_article), ("18 dev+blind documents", write_dev)):
        for label, use in (("e5 + USE + vocabulary (default)", second), ("e5 only", None)):
            raws: list[tuple[float, float]] = []
            runs: list[tuple[float, float]] = []
            for _ in range(rounds):
                with tempfile.TemporaryDirectory() as d:
                    s = settings.model_copy(update={"store_dir": Path(d), "use_second_encoder": use is not None})
                    folder = Path(d) / "docs"
                    folder.mkdir()
                    write(folder)
                    texts = [
                        context_text(c)
                        for f in expand_paths([folder])
                        for c in split_document(load_file(f, max_bytes=settings.max_document_bytes))
                    ]
                    store = Store(s)
                    t, c = time.perf_counter(), time.process_time()
                    emb.model.encode(
                        texts, prompt_name="passage", batch_size=settings.embedding_batch_size, show_progress_bar=False
                    )
                    raws.append((len(texts) / (time.perf_counter() - t), len(texts) / (time.process_time() - c)))
                    t, c = time.perf_counter(), time.process_time()
                    report = ingest([folder], s, store=store, embeddings=emb, second=use)
                    runs.append((report.added / (time.perf_counter() - t), report.added / (time.process_time() - c)))
            wall_raw, cpu_raw = max(r[0] for r in raws), max(r[1] for r in raws)
            wall, cpu = max(r[0] for r in runs), max(r[1] for r in runs)
            each = ", ".join(f"{r[0] / w[0]:.2f}x" for r, w in zip(runs, raws, strict=True))
            print(
                f"{corpus}, {label}: {wall:.1f}/s vs raw encode {wall_raw:.1f}/s: {wall / wall_raw:.2f}x "
                f"(rounds {each}; CPU time {cpu / cpu_raw:.2f}x; {report.added} sentences, "
                f"batch {settings.embedding_batch_size}, {settings.threads} threads)"
            )


def bench_answer(settings) -> None:
    """Warm answer() latency on the article alone and on the dev corpus (eleven documents), per stage."""
    import tempfile

    from rag.batching import BLAS
    from rag.evaluate import _corpus_pipeline, _models, load_set
    from rag.pipeline import answer

    base = _models(settings)
    print("## warm answer() latency (ms)")
    print("| corpus | lang | n | total p50 | total p95 | e5 query+search | USE | BM25 | fusion | rank | answering |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    corpora = [
        ("article", "eval/article/manifest.json", ["eval/article/dev.jsonl", "eval/article/heldout.jsonl"]),
        ("dev (11 documents)", "eval/dev/manifest.json", ["eval/dev/questions.jsonl"]),
    ]
    for name, manifest, sets in corpora:
        with tempfile.TemporaryDirectory() as tmp:
            pipe = _corpus_pipeline(ROOT / manifest, base, settings, Path(tmp))
            rows = [r for s in sets for r in load_set(ROOT / s)]
            answer("warm up", pipeline=pipe)
            sections, widened, load = BLAS.sections, BLAS.widened, os.getloadavg()[0]
            stats: dict[str, dict[str, list[float]]] = {"ar": {}, "en": {}}
            for row in rows:
                res = answer(row.question, pipeline=pipe)
                for k, v in res.timings_ms.items():
                    stats[row.language].setdefault(k, []).append(v)
            for lang, st in stats.items():
                tot = st["total_ms"]
                med = {k: statistics.median(v) for k, v in st.items()}
                print(
                    f"| {name} | {lang} | {len(tot)} | {med['total_ms']:.1f} | {_pct(tot, 0.95):.1f} | "
                    f"{med['dense_ms']:.1f} | {med['second_ms']:.1f} | {med['bm25_ms']:.1f} | {med['fusion_ms']:.2f} | "
                    f"{med.get('rerank_ms', 0):.1f} | {med['answering_ms']:.1f} |"
                )
            print(
                f"(load average {load:.1f} -> {os.getloadavg()[0]:.1f}; e5 encodes on two BLAS threads: "
                f"{BLAS.widened - widened} of {BLAS.sections - sections} BLAS sections, rag.batching.BlasThreads)"
            )


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time of a command and the peak RSS (MB) of that command alone."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - t, int(out.stdout.split()[-1]) / 1024


_COLD_STAGES = """
import sys, time
t0 = time.perf_counter()
stages = []
def stage(name, fn):
    t = time.perf_counter()
    out = fn()
    stages.append((name, time.perf_counter() - t))
    return out
stage("import numpy", lambda: __import__("numpy"))
settings = stage("import rag, read Settings", lambda: __import__("rag.settings").settings.Settings())
stage("import rag.pipeline (answering)", lambda: __import__("rag.pipeline"))
stage("import rag.retrieval (ranker, bridge, BM25)", lambda: __import__("rag.retrieval"))
stage("import chromadb", lambda: __import__("chromadb"))
from rag.store import Store
store = stage("open the store", lambda: Store(settings))
from rag.embeddings import load_embeddings, load_second_encoder
emb = stage("load e5 (numpy runtime)", lambda: load_embeddings(settings))
stage("embed the question (e5)", lambda: emb.encode(["query"], query=True))
second = stage("load USE (snapshot)", lambda: load_second_encoder(settings))
stage("embed the question (USE)", lambda: second.encode(["query"]))
from rag.pipeline import Pipeline, answer
pipe = stage("Pipeline()", lambda: Pipeline(settings, store=store, embeddings=emb, second=second))
stage("ensure_corpus() (vocabulary check)", pipe.ensure_corpus)
stage("BM25 index open and sync", pipe.retriever.lexical_index)
stage("first answer() (vocabulary, ranker, caches)", lambda: answer(sys.argv[1], pipeline=pipe))
stage("second answer() (warm)", lambda: answer(sys.argv[1], pipeline=pipe))
for name, s in stages:
    print(f"| {name} | {s:.2f} |")
print(f"| total | {time.perf_counter() - t0:.2f} |")
print("torch imported:", "torch" in sys.modules)
"""


def bench_cold(settings) -> None:
    """A one-off `rag ask` against floors: only loading e5 and embedding one query, on the question path's numpy
    runtime and on sentence-transformers (torch); then where a cold process spends its time, stage by stage."""
    env = {**os.environ, "RAG_STORE_DIR": str(settings.store_dir), "RAG_MODEL_DIR": str(settings.model_dir)}
    py = sys.executable
    question = "متى عقد اجتماع مجلس رؤساء الدول؟"
    floor_code = (
        "from pathlib import Path; from rag.query_encoder import load; "
        f"load(Path({str(settings.model_dir)!r})).encode(['{question}'], prompt_name='query')"
    )
    torch_floor_code = (
        f"from sentence_transformers import SentenceTransformer; "
        f"m = SentenceTransformer({str(settings.model_dir)!r}, device='cpu'); "
        f"m.encode(['query: {question}'])"
    )
    subprocess.run([py, "-m", "rag.cli", "ingest", "-q"], env=env, check=True, capture_output=True)
    subprocess.run([py, "-m", "rag.cli", "ask", question], env=env, check=True, capture_output=True)  # snapshots
    floor = [_timed([py, "-c", floor_code], env) for _ in range(3)]
    torch_floor = [_timed([py, "-c", torch_floor_code], env) for _ in range(3)]
    ask = [_timed([py, "-m", "rag.cli", "ask", question], env) for _ in range(5)]
    f, tf, a = min(t for t, _ in floor), min(t for t, _ in torch_floor), min(t for t, _ in ask)
    print("## cold `rag ask` vs floor (best of 5; floors best of 3)")
    print(f"floor (load e5 on numpy, embed 1 query): {f:.2f} s, peak RSS {max(m for _, m in floor):.0f} MB")
    print(f"floor on sentence-transformers (import torch, load, embed 1 query): {tf:.2f} s")
    print(
        f"rag ask: best {a:.2f} s, median {statistics.median(t for t, _ in ask):.2f} s; ratio to the floor "
        f"{a / f:.2f}x; peak RSS of the runs: {max(m for _, m in ask):.0f} MB"
    )
    out = subprocess.run([py, "-c", _COLD_STAGES, question], env=env, check=True, capture_output=True, text=True)
    print("### one cold process, stage by stage (s)")
    print("| stage | s |\n|---|---|")
    print(out.stdout.strip())


def bench_chat(settings) -> None:
    import socket

    from gradio_client import Client

    env = {**os.environ, "RAG_STORE_DIR": str(settings.store_dir), "RAG_MODEL_DIR": str(settings.model_dir)}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "rag.cli", "chat", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t = time.perf_counter()
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - t > 300:
                    raise RuntimeError("rag chat did not start") from None
                time.sleep(0.5)
        ready = time.perf_counter() - t
        client = Client(f"http://127.0.0.1:{port}", verbose=False)
        questions = ["متى عقد اجتماع مجلس رؤساء الدول؟", "Which period does the SCO anti-drug strategy cover?"] * 20
        lat = []
        for q in questions[:10]:
            t = time.perf_counter()
            client.predict(q, api_name="/ask")
            lat.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        jobs = [client.submit(q, [], api_name="/chat") for q in questions]
        for job in jobs:
            job.result(timeout=300)
        burst = time.perf_counter() - t
        status = Path(f"/proc/{proc.pid}/status").read_text()
        mem = {
            k: int(v.split()[0]) / 1024
            for k, v in (line.split(":", 1) for line in status.splitlines())
            if k in ("VmHWM", "VmRSS")
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print("## chat server (`rag chat`, one process)")
    print(
        f"ready in {ready:.1f} s; /ask p50 {statistics.median(lat):.0f} ms (client side, sequential); "
        f"{len(questions)} simultaneous /chat requests done in {burst:.1f} s; "
        f"RSS {mem['VmRSS']:.0f} MB, peak {mem['VmHWM']:.0f} MB"
    )


def _synthetic_docs(pipe, n: int, per_doc: int, kind: str, seed: int = 0):
    """Distractor documents. "on-topic": sentences of words drawn from the article, with e5 vectors
    scattered around the article's own, so they compete in every ranker (adversarial: far harder than
    other news would be). "random": made-up Arabic words and random vectors (bounds the machinery)."""
    import numpy as np

    from rag.schema import Chunk, Document

    rng = np.random.default_rng(seed)
    article = pipe.store.chunks_of("000_c19c94f8a9a8e670.txt")
    if kind == "on-topic":
        words = " ".join(c.text for c in article).split()
        vecs = pipe.store.vectors([c.id for c in article])
        centre = np.mean(list(vecs.values()), axis=0)
        centre /= np.linalg.norm(centre)
        spread = 0.03
    else:
        letters = list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
        words = ["".join(rng.choice(letters, rng.integers(3, 8))) for _ in range(50_000)]
        centre = np.zeros(384)
        spread = 1.0
    use_dim = 512
    for d in range(0, n, per_doc):
        texts = [" ".join(rng.choice(words, 18)) + "." for _ in range(per_doc)]
        text = "\n".join(texts) + "\n"
        doc = Document(id=f"synthetic-{d // per_doc:05d}.txt", text=text, title="synthetic", sha256=f"syn{d}")
        chunks, pos = [], 0
        for j, t in enumerate(texts):
            chunks.append(
                Chunk(
                    id=f"syn-{d + j}",
                    source=doc.id,
                    text=t,
                    start=pos,
                    end=pos + len(t),
                    paragraph=j + 1,
                    para_start=pos,
                    para_end=pos + len(t),
                )
            )
            pos += len(t) + 1
        e5 = centre + spread * rng.standard_normal((per_doc, centre.size))
        use = rng.standard_normal((per_doc, use_dim))
        yield (
            doc,
            chunks,
            (e5 / np.linalg.norm(e5, axis=1, keepdims=True)).astype(np.float32),
            (use / np.linalg.norm(use, axis=1, keepdims=True)).astype(np.float32),
        )


def bench_scale(settings, n: int, kind: str) -> None:
    from tqdm import tqdm

    from rag.evaluate import run
    from rag.pipeline import Pipeline, answer

    sets = [ROOT / "eval/article/dev.jsonl", ROOT / "eval/article/heldout.jsonl"]
    keys = ("retrieval_recall_at_k", "citation_recall", "abstain_recall", "latency_p50_ms", "latency_p95_ms")
    with tempfile.TemporaryDirectory() as d:
        s = settings.model_copy(update={"store_dir": Path(d)})
        pipe = Pipeline(s)
        pipe.ensure_corpus()
        small = run(sets, pipeline=pipe, manifests=False).summary
        t = time.perf_counter()
        per_doc = 1000
        for doc, chunks, e5, use in tqdm(_synthetic_docs(pipe, n, per_doc, kind), total=n // per_doc, desc="synthetic"):
            pipe.store.put_document(doc, n_chunks=len(chunks), complete=False)
            pipe.store.add_chunks(chunks, e5, use)
            pipe.store.put_document(doc, n_chunks=len(chunks), complete=True)
        load = time.perf_counter() - t
        t = time.perf_counter()
        pipe.retriever.lexical_index()  # first sync: reads every new document once
        first_sync = time.perf_counter() - t
        t = time.perf_counter()
        pipe.retriever.lexical_index()  # nothing changed
        noop_sync = (time.perf_counter() - t) * 1e3
        extra = Path(d) / "late.txt"
        extra.write_text("وصل وفد جديد إلى أستانا لحضور القمة.\n", encoding="utf-8")
        from rag.ingest import ingest

        ingest([extra], s, embeddings=pipe.embeddings, second=pipe.second, progress=False)
        t = time.perf_counter()
        pipe.retriever.lexical_index()
        one_doc_sync = (time.perf_counter() - t) * 1e3
        total = pipe.store.count()
        vec_lat = []
        for q in ["متى عقد اجتماع مجلس رؤساء الدول؟", "Which period does the anti-drug strategy cover?"] * 25:
            qv = pipe.embeddings.encode([q], query=True)[0]
            t = time.perf_counter()
            pipe.store.search(qv, 30)
            vec_lat.append((time.perf_counter() - t) * 1e3)
        answer("warm up", pipeline=pipe)
        big = run(sets, pipeline=pipe, manifests=False).summary
    print(f"## scale: the article among {total:,} chunks ({n:,} synthetic {kind} distractors)")
    print(f"insert {n / load:.0f} chunks/s (e5 + USE vectors, 3 collections)")
    print(
        f"vector search (Chroma HNSW, k=30): p50 {statistics.median(vec_lat):.1f} ms, p95 {_pct(vec_lat, 0.95):.1f} ms"
    )
    print(
        f"BM25 index: first sync of {n:,} chunks {first_sync:.1f} s; per-query check {noop_sync:.1f} ms; "
        f"after ingesting one more document {one_doc_sync:.1f} ms"
    )
    print("| metric | lang | 49 chunks | " + f"{total:,} chunks |")
    print("|---|---|---|---|")
    for key in keys:
        for lang in ("ar", "en"):
            a, b = small["by_language"][lang].get(key), big["by_language"][lang].get(key)
            print(f"| {key} | {lang} | {a} | {b} |")


def bench_extract(pages: int = 50, runs: int = 3) -> None:
    """Pages per second turning a 50-page PDF into stored text (half Arabic pages, half English)."""
    import importlib.util

    from rag.loaders import load_file

    spec = importlib.util.spec_from_file_location("formats_make", ROOT / "eval" / "formats" / "make.py")
    assert spec and spec.loader
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    ar = make.AR_PDF.split("<body>")[1].split("<section")[0]  # each document's first page
    en = make.EN_PDF.split("<body>")[1].split("<section")[0]
    head = make.AR_PDF.split("<body>")[0]
    body = "".join(
        f'<section style="break-before:page" dir="{"rtl" if i % 2 else "ltr"}">{ar if i % 2 else en}</section>'
        for i in range(pages)
    )
    with tempfile.TemporaryDirectory() as d:
        pdf = make.print_pdf(f"{head}<body>{body}</body></html>", Path(d) / "fifty.pdf")
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            doc = load_file(pdf, max_bytes=10**9)
            times.append(time.perf_counter() - t)
    best, median = min(times), statistics.median(times)
    print(f"## PDF extraction ({len(doc.pages)} pages, {len(doc.text):,} characters, {pdf.name})")
    print(
        f"load_file: {len(doc.pages) / median:.1f} pages/s median of {runs} ({len(doc.pages) / best:.1f} best), "
        f"{len(doc.text) / median:,.0f} characters/s"
    )


def main() -> None:
    from rag.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="ingest,answer,cold,chat,extract,scale", help="comma-separated benchmarks")
    parser.add_argument("--scale-n", type=int, default=100_000, help="synthetic chunks for the scale benchmark")
    parser.add_argument(
        "--distractors", default="random,on-topic", help="scale benchmark distractors: random and/or on-topic"
    )
    args = parser.parse_args()
    settings = Settings()
    if not os.environ.get("RAG_STORE_DIR"):
        settings = settings.model_copy(update={"store_dir": Path(tempfile.mkdtemp(prefix="bench-store-"))})
    todo = args.only.split(",")
    print(json.dumps({"cpu_count": os.cpu_count(), "store": str(settings.store_dir)}))
    if "ingest" in todo:
        bench_ingest(settings)
    if "answer" in todo:
        bench_answer(settings)
    if "cold" in todo:
        bench_cold(settings)
    if "chat" in todo:
        bench_chat(settings)
    if "extract" in todo:
        bench_extract()
    if "scale" in todo:
        for kind in args.distractors.split(","):
            bench_scale(settings, args.scale_n, kind)


if __name__ == "__main__":
    main()
