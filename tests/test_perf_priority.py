"""`rag ingest` can run at a lower CPU priority (rag.ingest.lower_priority, RAG_INGEST_NICE)."""

import subprocess
import sys

CODE = (
    "import os; from rag.ingest import lower_priority; before = os.nice(0); lower_priority({n}); "
    "print(os.nice(0) - before, min(19, before + {n}) - before)"
)


def test_lower_priority_raises_the_niceness_and_zero_leaves_it():
    for n in (0, 5):
        out = subprocess.run([sys.executable, "-c", CODE.format(n=n)], capture_output=True, text=True, check=True)
        got, expected = out.stdout.split()
        assert got == expected
