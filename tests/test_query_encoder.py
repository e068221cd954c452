"""The question path's torch-free e5 (rag.query_encoder) and USE snapshot (rag.use_snapshot): same tokens and
vectors as the libraries that build the store."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.e5convert import _tokenizer_json
from rag.query_encoder import UnigramTokenizer, write_vocabulary

TEXTS = [
    "متى عقد اجتماع مجلس رؤساء الدول؟",
    "وفي اجتماع لمجلس رؤساء الدول في يوليو 2023، حدد رئيس كازاخستان قاسم جومارت توكاييف أهداف رئاسة كازاخستان.",
    "الْعَرَبِيَّةُ مع التشكيل والتطويـــــل",
    "When did the Council of Heads of State meet?",
    "Astana International Financial Centre (AIFC) — a “platform” for investment, 12.5% in 2023.",
    "  tabs\tand\nnewlines  , zero\u200dwidth, ligature \ufb01 and café",
    "<s>special</s> tokens <mask> and <unk> in text",
    "emoji 😀, 中文, क्षत्रिय, \x07bell",
    "",
]


def _tiny_folder(tmp_path: Path) -> tuple[Path, list[tuple[str, float]]]:
    """A small Unigram vocabulary, written both as tokenizer.json and as the question path's files."""
    special = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    # exact binary scores make ties: "ab" = "a" + "b", "▁a" = "▁" + "a" (the earlier-ending path wins)
    pieces += [("▁", -0.5), ("a", -1.0), ("b", -2.0), ("ab", -3.0), ("▁a", -1.5)]
    rng = random.Random(0)
    words = ["c", "bc", "abc", "▁ab", "▁abc", "ca", "▁b", "cab", "ي", "▁ال", "ال", "ل", "▁c"]
    pieces += [(w, round(-rng.uniform(1, 12), 3)) for w in words] + [("<mask>", 0.0)]
    (tmp_path / "tokenizer.json").write_text(json.dumps(_tokenizer_json(pieces, special), ensure_ascii=False))
    write_vocabulary(tmp_path, pieces)
    return tmp_path, pieces


def test_tokenizer_matches_tokenizers_unigram_on_a_small_vocabulary(tmp_path):
    from tokenizers import Tokenizer

    folder, _ = _tiny_folder(tmp_path)
    ours = UnigramTokenizer(folder, max_length=40)
    theirs = Tokenizer.from_file(str(folder / "tokenizer.json"))
    rng = random.Random(1)
    alphabet = ["a", "b", "c", "x", " ", "  ", "\t", "ال", "ي", "ﻻ", "\u200d", "<s>", "<mask>", "é"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(500)]
    for text in texts:
        expected = theirs.encode(text).ids
        expected = [*expected[:39], 2] if len(expected) > 40 else expected
        assert ours.encode(text) == expected, text


def test_unknown_characters_fuse_into_one_token(tmp_path):
    folder, _ = _tiny_folder(tmp_path)
    ids = UnigramTokenizer(folder).encode("xyz")
    assert ids[0] == 0 and ids[-1] == 2 and ids.count(3) == 1  # "▁" then one <unk> for "xyz"


@pytest.mark.real
def test_real_model_tokens_and_vectors_match_sentence_transformers(model_dir):
    from tokenizers import Tokenizer

    from rag.embeddings import load_embeddings
    from rag.settings import Settings

    fast = load_embeddings(Settings(model_dir=model_dir))
    store = fast.for_store()
    assert type(fast.model).__module__ == "rag.query_encoder"
    assert type(store.model).__name__ == "SentenceTransformer"
    hf = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for text in [*TEXTS, "x " * 600]:
        expected = hf.encode("query: " + text).ids
        expected = [*expected[:511], 2] if len(expected) > 512 else expected
        assert fast.model.tokenizer.encode("query: " + text) == expected, text
    for query in (True, False):
        ours = fast.encode(TEXTS, query=query)
        theirs = store.encode(TEXTS, query=query)
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() > 0.9999, cosine
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.real
def test_the_question_path_never_imports_torch(model_dir, tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import rag.pipeline\n"
        "from rag.embeddings import load_embeddings, load_second_encoder\n"
        "from rag.settings import Settings\n"
        f"s = Settings(model_dir=Path({str(model_dir)!r}), store_dir=Path({str(tmp_path / 'store')!r}))\n"
        "load_embeddings(s).encode(['متى عقد الاجتماع؟'], query=True)\n"
        "load_second_encoder(s).encode(['when?'])\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.real
def test_use_snapshot_gives_the_same_tokens_and_vectors(tmp_path):
    from rag.embeddings import SecondEncoder
    from rag.use_snapshot import snapshot_dir

    plain = SecondEncoder()
    written = SecondEncoder(tmp_path)  # loads the package's way, writes the snapshot
    assert (snapshot_dir(tmp_path) / "tokenizer.marshal").is_file()
    loaded = SecondEncoder(tmp_path)  # reads the snapshot
    assert loaded._use._sp is not None and loaded._use._backend is not None
    assert loaded._use._tokenizer.encode(TEXTS) == plain._use._tokenizer.encode(TEXTS)
    assert np.array_equal(loaded.encode(TEXTS), plain.encode(TEXTS))
    assert np.array_equal(written.encode(TEXTS), plain.encode(TEXTS))
    assert loaded.common_words("ar", 5) == plain.common_words("ar", 5)

    (snapshot_dir(tmp_path) / "tokenizer.marshal").write_bytes(b"not marshal data")
    again = SecondEncoder(tmp_path)  # a damaged snapshot: loaded the package's way and written again
    assert np.array_equal(again.encode(TEXTS), plain.encode(TEXTS))
    assert np.array_equal(SecondEncoder(tmp_path).encode(TEXTS), plain.encode(TEXTS))


def test_the_retriever_is_still_a_langchain_retriever_on_demand(fake_pipeline):
    docs = fake_pipeline.retriever.as_langchain().invoke("مركز أستانا المالي الدولي")
    assert docs and docs[0].metadata["retrieved"].chunk.text == docs[0].page_content
    assert [d.id for d in docs] == [r.chunk.id for r in fake_pipeline.retriever.retrieve("مركز أستانا المالي الدولي")]


@pytest.mark.real
def test_use_ingestion_batches_match_question_sized_calls(tmp_path):
    # a batch of WIDE_BATCH texts or more runs the package's pass in slices, asking the BLAS arbiter for two threads
    from rag.batching import BLAS
    from rag.embeddings import WIDE_BATCH, SecondEncoder

    use = SecondEncoder(tmp_path)
    texts = [f"{t} {i}" for i in range(WIDE_BATCH // len(TEXTS) + 2) for t in TEXTS][: WIDE_BATCH + 7]
    sections = BLAS.sections
    together = use.encode(texts)
    assert BLAS.sections - sections == 2  # two slices, each its own section
    one_by_one = np.concatenate([use.encode([t]) for t in texts])
    assert together.shape == (len(texts), 512)
    assert np.allclose(together, one_by_one, atol=1e-5)
