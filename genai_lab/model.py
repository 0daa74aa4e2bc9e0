"""A small decoder-only transformer language model (GPT-style) in numpy, with its checkpoints.

The model reads token ids and returns, at every position, one score (logit) per vocabulary
entry for the NEXT token:

    ids (B, T) -> token embedding wte[ids] + position embedding wpe[:T]   (B, T, C)
               -> n_layer transformer blocks (genai_lab.layers.block_forward)  (B, T, C)
               -> final layer norm ln_f                                    (B, T, C)
               -> lm_head: @ lm_head.w                                    (B, T, V)

Every parameter lives in ``model.params``, a flat dict of named arrays:

    "wte" (V, C)  "wpe" (block_size, C)
    "h<i>.ln1.g" (C,)  "h<i>.ln1.b" (C,)
    "h<i>.attn.w_qkv" (C, 3C)  "h<i>.attn.b_qkv" (3C,)
    "h<i>.attn.w_proj" (C, C)  "h<i>.attn.b_proj" (C,)
    "h<i>.ln2.g" (C,)  "h<i>.ln2.b" (C,)
    "h<i>.mlp.w_fc" (C, F)  "h<i>.mlp.b_fc" (F,)  "h<i>.mlp.w_proj" (F, C)  "h<i>.mlp.b_proj" (C,)
    "ln_f.g" (C,)  "ln_f.b" (C,)  "lm_head.w" (C, V)

Checkpoint format (version 1): ONE file ``<name>.npz`` (written atomically) holding
    "param/<name>"  every parameter array
    "config.json"   GPTConfig.to_dict() as a JSON string
    "meta.json"     {"format_version": 1, "extra": {...}} as a JSON string
    "tokenizer.json" tokenizer.to_dict() as a JSON string (only if a tokenizer was given)
Read it with ``np.load(path)["config.json"]`` etc. (no pickle needed).
"""
from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from genai_lab.checks import check_array, check_float, check_int, check_str
from genai_lab.embedding import embedding_backward, embedding_forward
from genai_lab.layers import (BLOCK_PARAMS, block_backward, block_forward, layer_norm_backward,
                              layer_norm_forward)
from genai_lab.softmax import softmax_cross_entropy

#: Version of the checkpoint layout written by ``save_checkpoint``.
CHECKPOINT_FORMAT_VERSION = 1

_DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of a TransformerLM."""

    vocab_size: int                # V: number of token ids (required; from the tokenizer)
    block_size: int = 24           # longest context the model can read (positions 0..23)
    n_layer: int = 2               # number of transformer blocks stacked
    n_head: int = 4                # attention heads per block; each has n_embd // n_head dims
    n_embd: int = 64               # C: width of every token's vector in the residual stream
    mlp_ratio: int = 4             # MLP hidden width F = mlp_ratio * n_embd (GPT uses 4)
    init_scale: float = 0.02       # std of the normal initial weights (GPT-2's 0.02)
    dtype: str = "float32"         # float32 trains fast; float64 for gradient checks

    def __post_init__(self) -> None:
        """Raise TypeError/ValueError naming the first bad field."""
        check_int("vocab_size", self.vocab_size, minimum=2)
        check_int("block_size", self.block_size, minimum=1)
        check_int("n_layer", self.n_layer, minimum=1)
        check_int("n_head", self.n_head, minimum=1)
        check_int("n_embd", self.n_embd, minimum=1)
        check_int("mlp_ratio", self.mlp_ratio, minimum=1)
        check_float("init_scale", self.init_scale, minimum=0.0, min_inclusive=False)
        check_str("dtype", self.dtype)
        if self.n_embd % self.n_head != 0:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head "
                             f"({self.n_head}) so that every head gets n_embd // n_head dims")
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {_DTYPES}, got {self.dtype!r}")

    def to_dict(self) -> dict:
        """Plain JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "GPTConfig":
        """Inverse of ``to_dict``; unknown or missing required keys raise ValueError."""
        if not isinstance(data, dict):
            raise TypeError(f"config must be a dict, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown GPTConfig field(s) {unknown}; expected some of "
                             f"{sorted(names)}")
        if "vocab_size" not in data:
            raise ValueError("config is missing the required field 'vocab_size'")
        return cls(**data)


class TransformerLM:
    """Decoder-only transformer language model with hand-written backprop.

    ``TransformerLM(config, seed=0)``: the same config and seed always give the same weights.
    """

    def __init__(self, config: GPTConfig, seed: int = 0):
        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
        self.config = config
        self.seed = check_int("seed", seed, minimum=0)
        self.params = self._init_params(np.random.default_rng(self.seed))

    # ------------------------------------------------------------------ parameters
    def _init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Weights ~ N(0, init_scale^2), biases 0, layer-norm gains 1.

        As in GPT-2, the two projections that write into the residual stream in every
        block (attn.w_proj, mlp.w_proj) get std init_scale / sqrt(2 n_layer), so the
        stream's variance does not grow with depth.
        """
        cfg = self.config
        V, C, F = cfg.vocab_size, cfg.n_embd, cfg.mlp_ratio * cfg.n_embd
        std = cfg.init_scale
        proj_std = std / math.sqrt(2 * cfg.n_layer)
        dt = np.dtype(cfg.dtype)

        def normal(shape, s):
            return (rng.standard_normal(shape) * s).astype(dt)

        p = {"wte": normal((V, C), std), "wpe": normal((cfg.block_size, C), std)}
        for i in range(cfg.n_layer):
            h = f"h{i}."
            p[h + "ln1.g"] = np.ones(C, dt)
            p[h + "ln1.b"] = np.zeros(C, dt)
            p[h + "attn.w_qkv"] = normal((C, 3 * C), std)
            p[h + "attn.b_qkv"] = np.zeros(3 * C, dt)
            p[h + "attn.w_proj"] = normal((C, C), proj_std)
            p[h + "attn.b_proj"] = np.zeros(C, dt)
            p[h + "ln2.g"] = np.ones(C, dt)
            p[h + "ln2.b"] = np.zeros(C, dt)
            p[h + "mlp.w_fc"] = normal((C, F), std)
            p[h + "mlp.b_fc"] = np.zeros(F, dt)
            p[h + "mlp.w_proj"] = normal((F, C), proj_std)
            p[h + "mlp.b_proj"] = np.zeros(C, dt)
        p["ln_f.g"] = np.ones(C, dt)
        p["ln_f.b"] = np.zeros(C, dt)
        p["lm_head.w"] = normal((C, V), std)
        return p

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Expected shape of every parameter, from the config alone."""
        return {name: arr.shape for name, arr in self.params.items()}

    def num_parameters(self) -> int:
        """Total number of trainable numbers."""
        return int(sum(arr.size for arr in self.params.values()))

    def _block_params(self, i: int) -> dict[str, np.ndarray]:
        return {name: self.params[f"h{i}.{name}"] for name in BLOCK_PARAMS}

    # ------------------------------------------------------------------ checks
    def _check_ids(self, ids: object, name: str = "ids") -> np.ndarray:
        """Return ids as a (B, T) integer array, or raise naming what is wrong."""
        arr = check_array(name, ids, ndim=(1, 2), kind="i")
        if arr.ndim == 1:
            arr = arr[None, :]                                     # (T,) -> (1, T)
        B, T = arr.shape
        if B == 0 or T == 0:
            raise ValueError(f"{name} must hold at least one token, got shape {arr.shape}")
        if T > self.config.block_size:
            raise ValueError(f"{name} has {T} positions but the model's block_size is "
                             f"{self.config.block_size}; crop the context to the last "
                             f"{self.config.block_size} tokens")
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi >= self.config.vocab_size:
            bad = lo if lo < 0 else hi
            raise ValueError(f"{name} contains token id {bad}; valid ids are 0.."
                             f"{self.config.vocab_size - 1}")
        return arr

    # ------------------------------------------------------------------ forward
    def _forward(self, ids: np.ndarray, recorder: dict | None):
        """Forward pass on checked (B, T) ids -> (logits (B, T, V), caches)."""
        cfg, p = self.config, self.params
        B, T = ids.shape
        tok, tok_cache = embedding_forward(ids, p["wte"])          # (B, T, C)
        pos = p["wpe"][:T]                                         # (T, C)
        x = tok + pos                                              # (B, T, C)
        if recorder is not None:
            recorder["tok_emb"] = tok
            recorder["pos_emb"] = pos
            recorder["x0"] = x
            recorder["blocks"] = []
        block_caches = []
        for i in range(cfg.n_layer):
            x, cache = block_forward(x, self._block_params(i), cfg.n_head)  # (B, T, C)
            block_caches.append(cache)
            if recorder is not None:
                recorder["blocks"].append({
                    "attn_weights": cache["attn"]["att"],          # (B, H, T, T)
                    "attn_out": cache["attn_out"],                 # (B, T, C)
                    "mlp_hidden": cache["mlp"]["hidden"],          # (B, T, F)
                    "out": x,                                      # (B, T, C)
                })
        xf, lnf_cache = layer_norm_forward(x, p["ln_f.g"], p["ln_f.b"])  # (B, T, C)
        logits = xf @ p["lm_head.w"]                               # (B, T, V)
        if recorder is not None:
            recorder["ln_f"] = xf
            recorder["logits"] = logits
        caches = {"tok": tok_cache, "T": T, "blocks": block_caches, "ln_f": lnf_cache,
                  "xf": xf}
        return logits, caches

    def forward(self, ids: object, recorder: dict | None = None) -> np.ndarray:
        """Next-token logits for every position.

        ids: (B, T) or (T,) integer token ids, 1 <= T <= block_size, 0 <= id < vocab_size.
        A (T,) input is treated as a batch of one and gives logits (1, T, V).
        recorder: optional dict, filled IN PLACE by this same pass with
            "tok_emb" (B, T, C), "pos_emb" (T, C), "x0" (B, T, C),
            "blocks": list of n_layer dicts {"attn_weights" (B, H, T, T),
                      "attn_out" (B, T, C), "mlp_hidden" (B, T, F), "out" (B, T, C)},
            "ln_f" (B, T, C), "logits" (B, T, V).
        Returns logits (B, T, V) in the config's dtype.
        """
        if recorder is not None and not isinstance(recorder, dict):
            raise TypeError(f"recorder must be a dict or None, got {type(recorder).__name__}")
        logits, _ = self._forward(self._check_ids(ids), recorder)
        return logits

    __call__ = forward

    # ------------------------------------------------------------------ loss + backward
    def _check_targets(self, ids: np.ndarray, targets: object) -> np.ndarray:
        tg = check_array("targets", targets, ndim=(1, 2), kind="i")
        if tg.ndim == 1:
            tg = tg[None, :]                                       # (T,) -> (1, T)
        if tg.shape != ids.shape:
            raise ValueError(f"targets must have the shape of ids {ids.shape}, got {tg.shape}")
        return tg

    def loss(self, ids: object, targets: object, ignore_index: int = 0) -> float:
        """Mean cross-entropy of predicting ``targets`` (B, T) from ``ids`` (B, T).

        Positions whose target equals ``ignore_index`` (padding, id 0 by default) are left out.
        """
        ids = self._check_ids(ids)
        targets = self._check_targets(ids, targets)
        logits, _ = self._forward(ids, None)
        loss, _ = softmax_cross_entropy(logits, targets, ignore_index)
        return loss

    def loss_and_grads(self, ids: object, targets: object,
                       ignore_index: int = 0) -> tuple[float, dict[str, np.ndarray]]:
        """Loss (as ``loss``) and its gradient for every parameter (same keys and shapes)."""
        ids = self._check_ids(ids)
        targets = self._check_targets(ids, targets)
        cfg, p = self.config, self.params
        logits, caches = self._forward(ids, None)
        loss, dlogits = softmax_cross_entropy(logits, targets, ignore_index)  # (B, T, V)
        grads: dict[str, np.ndarray] = {}
        # logits = xf @ lm_head.w
        xf = caches["xf"]                                          # (B, T, C)
        C, V = p["lm_head.w"].shape
        grads["lm_head.w"] = xf.reshape(-1, C).T @ dlogits.reshape(-1, V)  # (C, V)
        dx = dlogits @ p["lm_head.w"].T                            # (B, T, C)
        dx, grads["ln_f.g"], grads["ln_f.b"] = layer_norm_backward(dx, caches["ln_f"])
        for i in reversed(range(cfg.n_layer)):
            dx, g = block_backward(dx, caches["blocks"][i])       # (B, T, C)
            for name, arr in g.items():
                grads[f"h{i}.{name}"] = arr
        # x0 = wte[ids] + wpe[:T]: each position's gradient goes to its row of wpe
        # (summed over the batch) and to the row of wte of its token.
        T = caches["T"]
        dwpe = np.zeros_like(p["wpe"])                             # (block_size, C)
        dwpe[:T] = dx.sum(axis=0)
        grads["wpe"] = dwpe
        grads["wte"] = embedding_backward(dx, caches["tok"])       # (V, C)
        return loss, {name: grads[name] for name in p}

    def __repr__(self) -> str:
        c = self.config
        return (f"TransformerLM(vocab_size={c.vocab_size}, block_size={c.block_size}, "
                f"n_layer={c.n_layer}, n_head={c.n_head}, n_embd={c.n_embd}, "
                f"params={self.num_parameters():,}, dtype={c.dtype})")


# ====================================================================== checkpoints
def _checkpoint_file(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    return p if p.suffix == ".npz" else p.with_name(p.name + ".npz")


def save_checkpoint(path, model: TransformerLM, tokenizer=None,
                    extra: dict | None = None) -> Path:
    """Write ``model`` (and optionally a tokenizer and JSON-ready ``extra`` metadata).

    ``path`` gets ".npz" appended unless it already ends so; the file is written to a
    temporary name in the same folder and renamed into place (os.replace), so an
    interrupted save leaves any previous checkpoint intact. Returns the file's Path.
    """
    file = _checkpoint_file(path)
    if not isinstance(model, TransformerLM):
        raise TypeError(f"model must be a TransformerLM, got {type(model).__name__}")
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"extra must be a dict or None, got {type(extra).__name__}")
    if tokenizer is not None and not hasattr(tokenizer, "to_dict"):
        raise TypeError(f"tokenizer must have a to_dict() method, got {type(tokenizer).__name__}")
    try:
        meta = json.dumps({"format_version": CHECKPOINT_FORMAT_VERSION, "extra": extra or {}})
    except TypeError as err:
        raise TypeError(f"extra must be JSON-serialisable: {err}") from None
    arrays = {f"param/{name}": arr for name, arr in model.params.items()}
    arrays["config.json"] = np.array(json.dumps(model.config.to_dict()))
    arrays["meta.json"] = np.array(meta)
    if tokenizer is not None:
        arrays["tokenizer.json"] = np.array(json.dumps(tokenizer.to_dict()))
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=file.name + ".", suffix=".tmp", dir=file.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, file)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return file


def load_checkpoint(path) -> tuple[TransformerLM, dict | None, dict]:
    """Read a checkpoint written by ``save_checkpoint``.

    Returns ``(model, tokenizer_dict_or_None, extra)``. Raises ValueError for a missing
    file, a file that is not a complete checkpoint (truncated or corrupt), a wrong format
    version, or weights that do not match the stored config (missing key, wrong shape).
    """
    file = _checkpoint_file(path)
    if not file.is_file():
        what = "is a directory, not a file" if file.is_dir() else "does not exist"
        raise ValueError(f"no checkpoint at {file} (it {what})")
    try:
        with np.load(file, allow_pickle=False) as data:
            contents = {key: data[key] for key in data.files}   # reads (and CRC-checks) all
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as err:
        raise ValueError(f"{file} is not a readable checkpoint (truncated or corrupt?): "
                         f"{type(err).__name__}: {err}") from None
    for key in ("meta.json", "config.json"):
        if key not in contents:
            raise ValueError(f"{file} is not a genai_lab checkpoint: it has no '{key}' entry")
    try:
        meta = json.loads(str(contents["meta.json"]))
        config_dict = json.loads(str(contents["config.json"]))
        tok = (json.loads(str(contents["tokenizer.json"]))
               if "tokenizer.json" in contents else None)
    except json.JSONDecodeError as err:
        raise ValueError(f"{file} has corrupt JSON metadata: {err}") from None
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if version != CHECKPOINT_FORMAT_VERSION:
        raise ValueError(f"{file} has checkpoint format version {version!r}; this code reads "
                         f"version {CHECKPOINT_FORMAT_VERSION}")
    try:
        config = GPTConfig.from_dict(config_dict)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{file} has an invalid config: {err}") from None
    model = TransformerLM(config)
    stored = {k[len("param/"):]: v for k, v in contents.items() if k.startswith("param/")}
    missing = sorted(set(model.params) - set(stored))
    unexpected = sorted(set(stored) - set(model.params))
    if missing or unexpected:
        raise ValueError(f"{file}: weights do not match the config: missing {missing}, "
                         f"unexpected {unexpected}")
    for name, arr in stored.items():
        want = model.params[name].shape
        if arr.shape != want:
            raise ValueError(f"{file}: weight {name!r} has shape {arr.shape}, the config "
                             f"expects {want}")
        model.params[name] = arr.astype(config.dtype, copy=False)
    return model, tok, meta.get("extra", {})
