"""The question path's e5: the converted multilingual-e5-small folder run by numpy, without torch.

Importing sentence-transformers (torch, transformers) takes most of a one-off `rag ask`; the model itself is
small. This module runs the same folder rag.e5convert writes: the weights are memory-mapped from
`model.safetensors` (only the embedding rows of the text's tokens are read), the BERT encoder runs in float32
numpy, then mean pooling and L2 normalisation, with the folder's `query: ` / `passage: ` prompts, as
sentence-transformers does. The tokenizer is the folder's `tokenizer.json` Unigram model re-implemented over a
plain piece list (`query-vocab.txt`, `query-scores.npy`), because building the `tokenizers` Unigram of 250,002
pieces takes over a second. Vectors match sentence-transformers' at cosine > 0.99999 and token ids are
identical (tests/test_embeddings_onnx.py). The store is still built by sentence-transformers (rag.embeddings).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

VOCAB_FILE = "query-vocab.txt"  # one piece per line, in id order
SCORES_FILE = "query-scores.npy"  # float64 scores, as `tokenizers` reads them from tokenizer.json
UNK_PENALTY = 10.0  # `tokenizers` Unigram: an unknown character scores the lowest piece's score minus this
SPECIAL = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_SPECIAL = re.compile(r"(<s>|<pad>|</s>|<unk>|\s*<mask>)")  # `<mask>` strips the spaces before it (lstrip)
_CONTROLS = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")
_SPACES = re.compile("[\t\n\r\u200b-\u200d\u2581\ufeff]")
_RUNS = re.compile(" {2,}")
META = "\u2581"
BATCH = 16
ProgressFn = Callable[[int], None]


def write_vocabulary(folder: Path, pieces: list[tuple[str, float]]) -> None:
    """Write the piece list and scores the question-path tokenizer loads (beside tokenizer.json)."""
    if any("\n" in p for p, _ in pieces):
        raise ValueError("a tokenizer piece holds a newline; the one-piece-per-line vocabulary cannot hold it")
    # scores first, the vocabulary last: `can_run` looks for both, so a crash in between leaves neither usable
    with open(folder / (SCORES_FILE + ".tmp"), "wb") as fh:
        np.save(fh, np.array([s for _, s in pieces], dtype=np.float64))
    os.replace(folder / (SCORES_FILE + ".tmp"), folder / SCORES_FILE)
    (folder / (VOCAB_FILE + ".tmp")).write_text("\n".join(p for p, _ in pieces), encoding="utf-8")
    os.replace(folder / (VOCAB_FILE + ".tmp"), folder / VOCAB_FILE)


def vocabulary_from_tokenizer_json(folder: Path) -> None:
    """Derive the vocabulary files from a folder converted before they existed."""
    model = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]
    write_vocabulary(folder, [(str(p), float(s)) for p, s in model["vocab"]])


class UnigramTokenizer:
    """The converted folder's tokenizer.json, token for token: special tokens split out; control characters
    dropped, tabs/newlines/zero-width spaces to spaces, NFKC, space runs collapsed; every space a "▁" that
    starts a word ("▁" prepended); each word segmented by the Unigram model's best path (ties keep the
    earlier piece; runs of unknown characters fuse into one `<unk>`); `<s> ... </s>`, at most `max_length`."""

    def __init__(self, folder: Path, max_length: int = 512) -> None:
        pieces = (folder / VOCAB_FILE).read_text(encoding="utf-8").split("\n")
        scores = np.load(folder / SCORES_FILE).tolist()
        if len(pieces) != len(scores):
            raise ValueError(f"{folder}: {VOCAB_FILE} and {SCORES_FILE} disagree in length")
        self.ids = {p: i for i, p in enumerate(pieces)}
        self.scores = scores
        self.unk = self.ids["<unk>"]
        self.bos, self.eos = self.ids["<s>"], self.ids["</s>"]
        self.unk_score = min(scores) - UNK_PENALTY
        self.longest = max(map(len, pieces))
        self.max_length = max_length
        self._word = lru_cache(maxsize=65536)(self._segment)

    def encode(self, text: str) -> list[int]:
        """Token ids of one text, with `<s>` and `</s>`."""
        ids: list[int] = []
        for part in _SPECIAL.split(text):
            if not part:
                continue
            special = part.lstrip() if part.lstrip() in SPECIAL else None
            if special is not None and (special == "<mask>" or special == part):
                ids.append(self.ids[special])
                continue
            for word in self._words(part):
                ids.extend(self._word(word))
        return [self.bos, *ids[: self.max_length - 2], self.eos]

    @staticmethod
    def _words(text: str) -> list[str]:
        text = _SPACES.sub(" ", _CONTROLS.sub("", text))
        text = _RUNS.sub(" ", unicodedata.normalize("NFKC", text))
        if not text:
            return []
        text = text.replace(" ", META)
        if not text.startswith(META):
            text = META + text
        starts = [i for i, ch in enumerate(text) if ch == META]
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]

    def _segment(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best: list[float] = [0.0] * (n + 1)
        start: list[int] = [-1] * (n + 1)
        piece: list[int] = [0] * (n + 1)
        ids, scores = self.ids, self.scores
        for i in range(n):
            here = best[i]
            single = False
            for j in range(i + 1, min(n, i + self.longest) + 1):
                pid = ids.get(word[i:j])
                if pid is None:
                    continue
                score = scores[pid] + here
                if start[j] < 0 or score > best[j]:
                    best[j], start[j], piece[j] = score, i, pid
                single = single or j == i + 1
            if not single:
                score = self.unk_score + here
                if start[i + 1] < 0 or score > best[i + 1]:
                    best[i + 1], start[i + 1], piece[i + 1] = score, i, self.unk
        out: list[int] = []
        unknown_end = None  # a run of unknown characters, read backwards, becomes one token
        end = n
        while end > 0:
            begin = start[end]
            if piece[end] == self.unk:
                unknown_end = end if unknown_end is None else unknown_end
            else:
                if unknown_end is not None:
                    out.append(ids.get(word[end:unknown_end], self.unk))
                    unknown_end = None
                out.append(piece[end])
            end = begin
        if unknown_end is not None:
            out.append(ids.get(word[0:unknown_end], self.unk))
        return tuple(reversed(out))


def _tensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file, memory-mapped (nothing is read until used)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    size = int(raw[:8].view("<u8")[0])
    header = json.loads(bytes(raw[8 : 8 + size]))
    data = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}; the question path reads float32 only")
        begin, end = info["data_offsets"]
        out[name] = raw[data + begin : data + end].view("<f4").reshape(info["shape"])
    return out


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


_ERFC = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)  # Numerical Recipes' Chebyshev fit of erfc: relative error < 1.2e-7


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's "gelu" (numpy has no erf; the fit's error is below float32's)."""
    z = np.abs(x) * np.float32(1 / np.sqrt(2.0))
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.5) * z)
    poly = np.full_like(t, _ERFC[-1])
    for c in reversed(_ERFC[:-1]):
        poly *= t
        poly += np.float32(c)
    z *= z
    np.subtract(poly, z, out=poly)
    erfc = np.exp(poly, out=poly)
    erfc *= t
    # gelu = x/2 * (1 + erf(x/sqrt2)) = x/2 * (2 - erfc) for x >= 0, x/2 * erfc(|x|/sqrt2) below
    return np.float32(0.5) * x * np.where(x >= 0, np.float32(2.0) - erfc, erfc)


class NumpyBert:
    """A BERT encoder (the converted e5's config.json and model.safetensors) in float32 numpy."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        if (
            config.get("hidden_act", "gelu") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
        ):
            raise ValueError(f"{folder}: only BERT with gelu and absolute positions runs on the question path")
        self.w = _tensors(folder / "model.safetensors")
        self.dimension = int(config["hidden_size"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray, between: Callable[[], None] | None = None) -> np.ndarray:
        """Last hidden states (batch, tokens, hidden) of right-padded ids with their attention mask; `between`
        runs before each layer."""
        w = self.w
        b, n = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        h, d = self.heads, self.dimension // self.heads
        blocked = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        for i in range(self.layers):
            if between is not None:
                between()
            p = f"encoder.layer.{i}."

            def dense(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
                flat = v.reshape(b * n, v.shape[-1]) @ w[p + name + ".weight"].T  # one 2-D product: BLAS gemm
                flat += w[p + name + ".bias"]
                return flat.reshape(b, n, -1)

            def split(v: np.ndarray) -> np.ndarray:
                return np.ascontiguousarray(v.reshape(b, n, h, d).transpose(0, 2, 1, 3))  # BLAS needs it

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            att = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(d)) + blocked
            att = np.exp(att - att.max(axis=-1, keepdims=True))
            att /= att.sum(axis=-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, h * d)
            ln = p + "attention.output.LayerNorm"
            x = _layer_norm(dense(ctx, "attention.output.dense") + x, w[ln + ".weight"], w[ln + ".bias"], self.eps)
            up = _gelu(dense(x, "intermediate.dense"))
            ln = p + "output.LayerNorm"
            x = _layer_norm(dense(up, "output.dense") + x, w[ln + ".weight"], w[ln + ".bias"], self.eps)
        return x


class NumpyE5:
    """Sentence vectors of the converted e5 folder (mean pooling, L2-normalised), with its prompts."""

    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text()).get("prompts") or {}
        self.prompts = {k: str(v) for k, v in prompts.items()}
        max_length = int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = UnigramTokenizer(folder, max_length)
        self.bert = NumpyBert(folder)
        self.pad = self.tokenizer.ids["<pad>"]

    def get_embedding_dimension(self) -> int:
        """Length of every vector."""
        return self.bert.dimension

    def encode(
        self, texts: list[str], *, prompt_name: str | None = None, batch_size: int = BATCH, **options: Any
    ) -> np.ndarray:
        """L2-normalised float32 vectors, texts of similar length batched together (sentence-transformers'
        `encode`; its other `options` ask for what this always returns: normalised numpy vectors)."""
        if options.get("normalize_embeddings") is False:
            raise ValueError("the question path returns normalised vectors only")
        # two BLAS threads only for an encode alone in the process on an otherwise idle machine (rag.batching)
        from rag.batching import BLAS

        with BLAS.section(wide=True) as blas:
            return self._encode(texts, self.prompts.get(prompt_name or "", ""), batch_size, blas.check)

    def _encode(
        self, texts: list[str], prefix: str, batch_size: int, between: Callable[[], None] | None = None
    ) -> np.ndarray:
        ids = [self.tokenizer.encode(prefix + t) for t in texts]
        out = np.zeros((len(texts), self.bert.dimension), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        for at in range(0, len(order), batch_size):
            rows = order[at : at + batch_size]
            n = max(len(ids[i]) for i in rows)
            batch = np.full((len(rows), n), self.pad, dtype=np.int64)
            mask = np.zeros((len(rows), n), dtype=np.float32)
            for r, i in enumerate(rows):
                batch[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1.0
            hidden = self.bert(batch, mask, between)
            mean = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            out[rows] = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
        return out


def can_run(folder: Path) -> bool:
    """Whether a model folder is one this runtime reads (a converted e5 with its vocabulary files)."""
    folder = Path(folder)
    return all((folder / f).is_file() for f in (VOCAB_FILE, SCORES_FILE, "model.safetensors", "config.json"))


def load(folder: Path) -> Any:
    """The folder's model for the question path."""
    return NumpyE5(folder)
