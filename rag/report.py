"""Render an EvalReport as Markdown tables and PNG plots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rag.evaluate import METRICS

if TYPE_CHECKING:
    from rag.evaluate import EvalReport

_SHOWN = METRICS


def _cell(v: object) -> str:
    return "–" if v is None else str(v)


def render_markdown(report: EvalReport, worst: int = 15) -> str:
    """A report with one table per scope (all / ar / en / each set) and the worst failures."""
    s = report.summary
    scopes = {
        "all": s,
        **{f"lang {k}": v for k, v in s["by_language"].items()},
        **{f"set {k}": v for k, v in s.get("by_set", {}).items()},
    }
    lines = [
        "# Eval report",
        "",
        f"backend: `{s.get('backend')}`, k = {s.get('k')}",
        "",
        "| metric | " + " | ".join(scopes) + " |",
        "|---|" + "---|" * len(scopes),
    ]
    for m in ("questions", "answerable", "unanswerable", *_SHOWN):
        lines.append(f"| {m} | " + " | ".join(_cell(v.get(m)) for v in scopes.values()) + " |")
    headline = ("questions", "citation_recall", "citation_precision", "answer_correct", "abstain_recall")
    for title, key in (("question language - source language", "by_pair"), ("source document", "by_document")):
        scoped = s.get(key) or {}
        if len(scoped) < 2:
            continue
        lines += ["", f"## Per {title}", "", f"| {title} | " + " | ".join(headline) + " | false_abstain_rate |"]
        lines[-1] += " asker_language (answered across languages) |"
        lines.append("|---|" + "---|" * (len(headline) + 2))
        for name, v in scoped.items():
            vals = [*(v.get(m) for m in headline), v.get("false_abstain_rate")]
            asker = f"{_cell(v.get('asker_language'))} ({v.get('cross_answered', 0)})"
            lines.append(f"| {name} | " + " | ".join(_cell(x) for x in vals) + f" | {asker} |")
    if report.compare:
        lines += ["", "## Retrieval variants", "", "| mode | recall@k | MRR |", "|---|---|---|"]
        lines += [f"| {m} | {v['retrieval_recall_at_k']} | {v['mrr']} |" for m, v in report.compare.items()]
    failures = [
        r
        for r in report.results
        if (r["answerable"] and (not r["correct"] or not r["n_on_evidence"]))
        or (not r["answerable"] and not r["abstained"])
    ]
    lines += ["", f"## Failures ({len(failures)})", ""]
    for r in failures[:worst]:
        kind = (
            "answered an unanswerable question"
            if not r["answerable"]
            else ("abstained" if r["abstained"] else "wrong or off-evidence")
        )
        quote = r["citations"][0]["quote"][:140] if r["citations"] else ""
        lines.append(f"- **{r['set']}:{r['id']}** ({r['language']}, {kind}): {r['question']}  ")
        lines.append(f"  quoted: {quote or '—'}; reason: {r.get('reason') or '—'}")
    return "\n".join(lines) + "\n"


def render_plots(report: EvalReport, out: Path) -> None:
    """metrics.png (quality per language) and latency.png (histogram)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = report.summary
    names = [m for m in _SHOWN if not m.startswith("latency")]
    groups = s.get("by_pair") or s["by_language"]
    title = "question-source language pair" if s.get("by_pair") else "question language"
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / max(len(groups), 1)
    for i, (name, scope) in enumerate(groups.items()):
        vals = [scope.get(m) or 0 for m in names]
        ax.bar([x + i * width for x in range(len(names))], vals, width, label=name)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(names))], names, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Answer quality by {title}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "metrics.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([r["latency_ms"] for r in report.results], bins=30)
    ax.set_xlabel("answer() latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title(f"p50 {s.get('latency_p50_ms')} ms, p95 {s.get('latency_p95_ms')} ms")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)
