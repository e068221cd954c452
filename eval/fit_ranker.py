"""Fit the learned ranker (rag/data/ranker.json) on the development corpora; print leave-one-document-out numbers.

Run: `.venv/bin/python eval/fit_ranker.py [--write]`. Each corpus runs in a temporary store holding exactly its
manifest's documents (as `rag eval` does); every question's candidate pool is described by rag.ranker's features
and labelled by whether it overlaps the question's evidence. The model is a logistic regression; the abstention
threshold is the probability of the best candidate below which the fewest answerable questions are lost for the
most unanswerable ones refused (on the out-of-document predictions).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.evaluate import _corpus_pipeline, _models, _overlaps, _spans, load_set  # noqa: E402
from rag.pipeline import retrieval_query  # noqa: E402
from rag.ranker import FEATURES, Model  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.text import standard_arabic  # noqa: E402

# Every development set: the dev corpus's (ten documents, both languages) and all the article's (tuned on for
# many sessions: dev material too). The blind corpus is never here.
TRAINING = [
    ("eval/dev/manifest.json", ["eval/dev/questions.jsonl"]),
    (
        "eval/article/manifest.json",
        ["eval/article/dev.jsonl", *(f"eval/article/heldout{n}.jsonl" for n in ("", *range(2, 41)))],
    ),
]


def collect(settings: Settings):
    """Rows of (question key, group, answerable, features, labels, candidate ids) over every training question."""
    base = _models(settings)
    out = []
    for manifest, sets in TRAINING:
        rows = [r for s in sets for r in load_set(ROOT / s)]
        with tempfile.TemporaryDirectory() as tmp:
            pipe = _corpus_pipeline(ROOT / manifest, base, settings, Path(tmp))
            sources = {d.id: d.text for d in pipe.store.documents()}
            for row in rows:
                spans = _spans(row.evidence, sources, row.id)
                asked = standard_arabic(row.question)
                history = [{"role": "user", "content": h} for h in row.history]
                query = standard_arabic(retrieval_query(asked, history))
                captured: list = []
                pipe.retriever.retrieve_timed(query, capture=captured)
                if not captured:
                    continue
                head, x = captured[0]
                y = np.array([_overlaps(r.chunk.source, r.chunk.start, r.chunk.end, spans) for r in head], dtype=int)
                group = row.source or manifest
                out.append((f"{row.set}:{row.id}", group, row.answerable, x, y))
            print(f"{manifest}: {len(rows)} questions", file=sys.stderr)
    return out


def fit(data, c: float = 1.0) -> Model:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([d[3] for d in data if d[2]])
    y = np.concatenate([d[4] for d in data if d[2]])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit((x - mean) / scale, y)
    return Model(mean=mean, scale=scale, coef=lr.coef_[0], intercept=float(lr.intercept_[0]), threshold=0.0)


FALSE_ABSTENTIONS = 0.03  # the share of answerable questions the threshold may refuse (issue 21's ceiling)


def threshold(scored) -> float:
    """The highest best-candidate probability below which at most FALSE_ABSTENTIONS of the answerable questions
    fall (out-of-document predictions): it refuses what it can of the unanswerable ones at that cost."""
    ans = sorted(p for p, a, _ in scored if a)
    return float(ans[int(FALSE_ABSTENTIONS * len(ans))]) if ans else 0.0


def report(name: str, scored) -> None:
    ans = [s for s in scored if s[1]]
    una = [s for s in scored if not s[1]]
    top1 = sum(ok for _, _, ok in ans) / max(len(ans), 1)
    print(f"{name}: answerable {len(ans)} top-1 on evidence {top1:.3f}; unanswerable {len(una)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write rag/data/ranker.json")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--cache", help="a pickle of the collected features: read if it exists, else written")
    args = ap.parse_args()
    if args.cache and Path(args.cache).is_file():
        data = pickle.loads(Path(args.cache).read_bytes())
    else:
        data = collect(Settings())
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(data))
    base = [(d[2], bool(d[4][0]) if len(d[4]) else False) for d in data]
    print(f"fused order, top-1 on evidence: {sum(ok for a, ok in base if a) / sum(a for a, _ in base):.3f}")
    groups = sorted({d[1] for d in data})
    scored = []  # (best probability, answerable, best candidate on evidence), each group predicted by a model without it
    for g in groups:
        model = fit([d for d in data if d[1] != g], args.C)
        for d in data:
            if d[1] == g:
                p = model.probability(d[3])
                i = int(np.argmax(p))
                scored.append((float(p[i]), d[2], bool(d[4][i]) if d[2] else False, g))
    for g in groups:
        report(f"  {g}", [s[:3] for s in scored if s[3] == g])
    report("all, out of document", [s[:3] for s in scored])
    tau = threshold([s[:3] for s in scored])
    ans = [s for s in scored if s[1]]
    una = [s for s in scored if not s[1]]
    print(
        f"threshold {tau:.4f}: unanswerable refused {sum(s[0] < tau for s in una) / len(una):.3f}, "
        f"answerable refused {sum(s[0] < tau for s in ans) / len(ans):.3f}, "
        f"answered on evidence {sum(s[0] >= tau and s[2] for s in ans) / len(ans):.3f}"
    )
    model = fit(data, args.C)
    model.threshold = tau
    print("weights:", ", ".join(f"{f} {w:+.2f}" for f, w in zip(FEATURES, model.coef, strict=True)))
    if args.write:
        path = ROOT / "rag" / "data" / "ranker.json"
        path.write_text(model.to_json(fit_on=[s for _, sets in TRAINING for s in sets]) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
