"""A process that writes or reads a shared BM25 index file (tests/test_lexical.py runs several at once).

`writer PATH ROUNDS`: every round the fake store holds a new version of its documents (ids and words change),
every third round under a new tokenizer version (every document re-read: a rebuild), and every other round
the index is opened afresh, as a new process would. `reader PATH STOP`: searches until the STOP file exists,
opening the index afresh every ten searches, and checks each result: every document whole, in one version
(documents are replaced one transaction each), and once all were seen, all of them, always.
Both print one JSON line: what they did and every exception they met.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import rag.lexical
from rag.lexical import BM25Index
from rag.schema import Chunk

DOCS, CHUNKS = 4, 40


class VersionedStore:
    """The three store methods `BM25Index.sync` reads, for a store at one version of its documents."""

    def __init__(self, version: int) -> None:
        self.version = version

    def generation(self) -> str:
        return f"g{self.version}"

    def document_meta(self) -> dict[str, dict]:
        return {f"d{j}": {"sha256": f"v{self.version}", "chunks": CHUNKS, "complete": True} for j in range(DOCS)}

    def chunks_of(self, doc: str) -> list[Chunk]:
        v = self.version
        return [
            Chunk(
                id=f"{doc}:v{v}:{i}",
                source=doc,
                text=f"harbour crane{i} word{v}",
                start=0,
                end=1,
                paragraph=1,
                para_start=0,
                para_end=1,
            )
            for i in range(CHUNKS)
        ]


def writer(path: Path, rounds: int) -> dict:
    errors, index = [], None
    for v in range(rounds):
        try:
            if v % 3 == 2:
                rag.lexical.TOKENIZER_VERSION = f"test-{v}"
            if index is None or v % 2 == 0:
                index = BM25Index(path)
            index.sync(VersionedStore(v))
        except Exception as exc:  # counted: the test asserts there are none
            errors.append(f"{type(exc).__name__}: {exc}")
    return {"rounds": rounds, "errors": errors, "in_memory": index is None or index.path is None}


def reader(path: Path, stop: Path) -> dict:
    errors, searches, full, index = [], 0, 0, None
    while not stop.exists():
        try:
            if searches % 10 == 0:
                index = BM25Index(path)
            hits = index.search("harbour", 1000)
            searches += 1
            versions: dict[str, set[str]] = {}
            for cid, _ in hits:
                doc, version, _ = cid.split(":")
                versions.setdefault(doc, set()).add(version)
            per_doc = Counter(cid.split(":")[0] for cid, _ in hits)
            if set(per_doc.values()) - {CHUNKS} or any(len(s) > 1 for s in versions.values()):
                errors.append(f"half a document: {dict(per_doc)} {versions}")
            if len(per_doc) == DOCS:
                full += 1
            elif full:  # the first fill adds one document at a time; after it, none ever goes missing
                errors.append(f"a document went missing: {dict(per_doc)}")
        except Exception as exc:  # counted: the test asserts there are none
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.002)
    return {"searches": searches, "full": full, "errors": errors[:5], "n_errors": len(errors)}


if __name__ == "__main__":
    role, where = sys.argv[1], Path(sys.argv[2])
    out = writer(where, int(sys.argv[3])) if role == "writer" else reader(where, Path(sys.argv[3]))
    print(json.dumps(out))
