import subprocess
import sys

import pytest


def _rag(*args):
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cmd", [[], ["ingest"], ["status"], ["ask"], ["chat"], ["eval"]])
def test_help_everywhere(cmd):
    res = _rag(*cmd, "--help")
    assert res.returncode == 0 and "usage: rag" in res.stdout


def test_errors_are_one_line_with_exit_codes(tmp_path):
    res = _rag("ask", "   ")
    assert res.returncode == 2 and res.stderr.startswith("error: the question is empty")
    res = _rag("ingest", str(tmp_path / "missing.txt"))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    res = _rag("eval", str(bad), "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "bad.jsonl:1: malformed JSON" in res.stderr
    assert not (tmp_path / "o").exists()


def test_import_is_light():
    heavy = "('torch', 'gradio', 'chromadb', 'sentence_transformers')"
    code = f"import sys, rag; print(any(m in sys.modules for m in {heavy}))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.strip() == "False"
