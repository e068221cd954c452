"""Benchmarks: prints tables of numbers (never asserted in tests).

    .venv/bin/python -m bench.run            # everything below
    .venv/bin/python -m bench.run --only ingest,answer,cold,scale

- ingest: pipeline ingestion throughput vs raw SentenceTransformer.encode on the same sentences
- answer: warm answer() latency p50/p95 by language over the eval sets, split into stages
- cold:   `rag ask` wall time vs a process that only loads the model and embeds one query; peak RSS
- scale:  vector search latency in a Chroma store of N synthetic chunks (default 100,000)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def bench_ingest(settings) -> None:
    from rag.chunking import split_document
    from rag.embeddings import load_embeddings
    from rag.ingest import ingest
    from rag.loaders import default_document

    emb = load_embeddings(settings)
    texts = [c.text for c in split_document(default_document())] * 4
    emb.model.encode(texts[:8], prompt_name="passage")  # warm
    t = time.perf_counter()
    emb.model.encode(texts, prompt_name="passage", batch_size=settings.embedding_batch_size, show_progress_bar=False)
    raw = len(texts) / (time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as d:
        s = settings.model_copy(update={"store_dir": Path(d)})
        folder = Path(d) / "docs"
        folder.mkdir()
        for i in range(4):  # four distinct documents with the article's sentences
            (folder / f"copy{i}.txt").write_text(default_document().text + f"\nنسخة {i}.\n", encoding="utf-8")
        t = time.perf_counter()
        report = ingest([folder], s, embeddings=emb)
        pipe = report.added / (time.perf_counter() - t)
    print("## ingestion throughput (sentences/s)")
    print(
        f"raw SentenceTransformer.encode: {raw:.1f}/s; rag ingest: {pipe:.1f}/s; ratio {pipe / raw:.2f}x "
        f"(batch {settings.embedding_batch_size}, {settings.threads} threads; ingest also embeds USE and writes Chroma)"
    )


def bench_answer(settings) -> None:
    from rag.evaluate import load_set
    from rag.pipeline import answer, get_pipeline

    pipe = get_pipeline(settings)
    pipe.ensure_corpus()
    rows = load_set(ROOT / "eval/dev.jsonl") + load_set(ROOT / "eval/heldout.jsonl")
    answer("warm up", pipeline=pipe)
    stats: dict[str, dict[str, list[float]]] = {"ar": {}, "en": {}}
    for row in rows:
        res = answer(row.question, pipeline=pipe)
        for k, v in res.timings_ms.items():
            stats[row.language].setdefault(k, []).append(v)
    print("## warm answer() latency (ms)")
    print("| lang | n | total p50 | total p95 | e5 query+search | USE | BM25 | fusion | answering |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang, st in stats.items():
        tot = st["total_ms"]
        med = {k: statistics.median(v) for k, v in st.items()}
        print(
            f"| {lang} | {len(tot)} | {med['total_ms']:.1f} | {_pct(tot, 0.95):.1f} | {med['dense_ms']:.1f} | "
            f"{med['second_ms']:.1f} | {med['bm25_ms']:.1f} | {med['fusion_ms']:.2f} | {med['answering_ms']:.1f} |"
        )


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - t, max(after, before) / 1024


def bench_cold(settings) -> None:
    env = {**os.environ, "RAG_STORE_DIR": str(settings.store_dir), "RAG_MODEL_DIR": str(settings.model_dir)}
    py = sys.executable
    floor_code = (
        f"from sentence_transformers import SentenceTransformer; "
        f"m = SentenceTransformer({str(settings.model_dir)!r}, device='cpu'); "
        f"m.encode(['query: متى عقد الاجتماع؟'])"
    )
    subprocess.run([py, "-m", "rag.cli", "ingest", "-q"], env=env, check=True, capture_output=True)
    floor = [_timed([py, "-c", floor_code], env) for _ in range(3)]
    ask = [_timed([py, "-m", "rag.cli", "ask", "متى عقد اجتماع مجلس رؤساء الدول؟"], env) for _ in range(3)]
    f, a = min(t for t, _ in floor), min(t for t, _ in ask)
    print("## cold `rag ask` vs floor (best of 3)")
    print(f"floor (import sentence-transformers, load model, embed 1 query): {f:.2f} s")
    print(f"rag ask: {a:.2f} s; ratio {a / f:.2f}x; peak RSS of the runs: {max(m for _, m in ask):.0f} MB")


def bench_scale(settings, n: int) -> None:
    import numpy as np

    from rag.schema import Chunk
    from rag.store import Store

    with tempfile.TemporaryDirectory() as d:
        store = Store(settings.model_copy(update={"store_dir": Path(d), "use_second_encoder": False}))
        rng = np.random.default_rng(0)
        t = time.perf_counter()
        batch = 5000
        for i in range(0, n, batch):
            vecs = rng.standard_normal((batch, 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            chunks = [
                Chunk(
                    id=f"syn{i + j}",
                    source="synthetic",
                    text=f"synthetic {i + j}",
                    start=0,
                    end=1,
                    paragraph=1,
                    para_start=0,
                    para_end=1,
                )
                for j in range(batch)
            ]
            store.add_chunks(chunks, vecs)
        load = time.perf_counter() - t
        lat = []
        for _ in range(100):
            q = rng.standard_normal(384).astype(np.float32)
            t = time.perf_counter()
            store.search(q / np.linalg.norm(q), 30)
            lat.append((time.perf_counter() - t) * 1e3)
    print(f"## vector search at {n:,} chunks (Chroma HNSW, cosine, k=30)")
    print(f"insert {n / load:.0f} chunks/s; query p50 {statistics.median(lat):.1f} ms, p95 {_pct(lat, 0.95):.1f} ms")


def main() -> None:
    from rag.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="ingest,answer,cold,scale", help="comma-separated benchmarks")
    parser.add_argument("--scale-n", type=int, default=100_000, help="synthetic chunks for the scale benchmark")
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
    if "scale" in todo:
        bench_scale(settings, args.scale_n)


if __name__ == "__main__":
    main()
