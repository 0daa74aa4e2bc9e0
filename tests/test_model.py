"""TransformerLM: gradients, initial loss, learning, determinism, recorder, checks, checkpoints."""
from __future__ import annotations

import json
import math
import zipfile

import numpy as np
import pytest

from genai_lab import model as model_module
from genai_lab.model import (CHECKPOINT_FORMAT_VERSION, GPTConfig, TransformerLM,
                             load_checkpoint, save_checkpoint)
from genai_lab.gradcheck import grad_check_sparse, rel_error_norm
from genai_lab.optim import Adam, AdamConfig

TINY = dict(vocab_size=11, block_size=6, n_layer=2, n_head=2, n_embd=8, mlp_ratio=2)


def tiny_model(seed=0, **overrides):
    return TransformerLM(GPTConfig(**{**TINY, **overrides}), seed=seed)


def batch(rng, B, T, V, low=0):
    return rng.integers(low, V, (B, T)), rng.integers(low, V, (B, T))


# ---------------------------------------------------------------- gradients
def test_every_parameter_gradient_matches_central_differences():
    # float64 and a larger init so that every gradient is well above rounding noise.
    model = tiny_model(seed=3, dtype="float64", init_scale=0.3)
    rng = np.random.default_rng(0)
    ids, targets = batch(rng, 3, 5, TINY["vocab_size"])      # B=3 != T=5
    targets[0, :2] = 0                                         # some ignored positions (id 0)
    targets[1, 4] = 1
    loss, grads = model.loss_and_grads(ids, targets)
    assert set(grads) == set(model.params)
    for name, p in model.params.items():
        assert grads[name].shape == p.shape
        # Sample entries; for the embeddings use rows that the batch actually touches too.
        touched = (int(ids[0, 0]) * p.shape[1],) if name == "wte" else ()
        numeric, analytic = grad_check_sparse(lambda _: model.loss(ids, targets), p,
                                              grads[name], min(6, p.size), rng=rng, h=1e-6,
                                              indices=touched)
        assert rel_error_norm(numeric, analytic) < 1e-5, (name, numeric, analytic)
    assert model.loss(ids, targets) == pytest.approx(loss, rel=1e-12)


def test_unused_positions_get_zero_gradient():
    model = tiny_model(dtype="float64")
    rng = np.random.default_rng(1)
    ids, targets = batch(rng, 2, 4, TINY["vocab_size"], low=1)
    _, grads = model.loss_and_grads(ids, targets)
    assert np.all(grads["wpe"][4:] == 0)                       # positions 4, 5 never seen
    unused = sorted(set(range(TINY["vocab_size"])) - set(ids.ravel().tolist()))
    assert unused and np.all(grads["wte"][unused] == 0)


# ---------------------------------------------------------------- loss and learning
@pytest.mark.parametrize("vocab_size", [50, 250])
def test_initial_loss_is_about_log_vocab(vocab_size):
    model = TransformerLM(GPTConfig(vocab_size=vocab_size), seed=0)
    rng = np.random.default_rng(2)
    ids, targets = batch(rng, 8, 16, vocab_size, low=1)
    assert abs(model.loss(ids, targets) - math.log(vocab_size)) < 0.1


def test_loss_equals_mean_cross_entropy_over_kept_positions():
    model = tiny_model(dtype="float64", init_scale=0.5)
    rng = np.random.default_rng(3)
    ids, targets = batch(rng, 2, 5, TINY["vocab_size"])
    targets[0, 1] = 0
    targets[1, 3] = 0
    logits = model.forward(ids)                                 # (B, T, V)
    logp = logits - logits.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    keep = targets != 0
    expected = -np.mean([logp[b, t, targets[b, t]] for b, t in zip(*np.nonzero(keep))])
    assert model.loss(ids, targets) == pytest.approx(expected, rel=1e-10)
    # A different ignore_index keeps the zeros and gives a different loss.
    assert model.loss(ids, targets, ignore_index=-100) != pytest.approx(expected, rel=1e-6)


def test_model_overfits_a_tiny_batch():
    model = TransformerLM(GPTConfig(vocab_size=20, block_size=8, n_layer=1, n_head=2,
                                    n_embd=16), seed=0)
    rng = np.random.default_rng(4)
    ids = rng.integers(1, 20, (2, 8))
    targets = np.roll(ids, -1, axis=1)
    opt = Adam(model.params, AdamConfig(lr=1e-2))
    first = model.loss(ids, targets)
    for _ in range(300):
        _, grads = model.loss_and_grads(ids, targets)
        opt.step(grads)
    assert first > 2.0
    assert model.loss(ids, targets) < 0.05


# ---------------------------------------------------------------- determinism
def test_same_seed_same_weights_and_logits():
    a, b = tiny_model(seed=7), tiny_model(seed=7)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    ids = np.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(a.forward(ids), b.forward(ids))


def test_different_seed_different_weights():
    a, b = tiny_model(seed=1), tiny_model(seed=2)
    assert not np.array_equal(a.params["wte"], b.params["wte"])
    ids = np.array([[1, 2, 3]])
    assert not np.allclose(a.forward(ids), b.forward(ids))


def test_init_does_not_touch_global_rng():
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    tiny_model(seed=5)
    assert np.random.random() == before


def test_parameter_names_shapes_and_count():
    model = tiny_model()
    C, V, F = 8, 11, 16
    shapes = model.param_shapes()
    assert shapes["wte"] == (V, C) and shapes["wpe"] == (6, C)
    assert shapes["h1.attn.w_qkv"] == (C, 3 * C) and shapes["h0.mlp.w_fc"] == (C, F)
    assert shapes["lm_head.w"] == (C, V) and shapes["ln_f.g"] == (C,)
    per_block = 2 * C + C * 3 * C + 3 * C + C * C + C + 2 * C + C * F + F + F * C + C
    expected = V * C + 6 * C + 2 * per_block + 2 * C + C * V
    assert model.num_parameters() == expected
    assert all(a.dtype == np.float32 for a in model.params.values())


def test_causal_model_ignores_future_tokens():
    model = tiny_model(init_scale=0.3, dtype="float64")
    ids = np.array([[1, 2, 3, 4, 5]])
    later_changed = np.array([[1, 2, 3, 9, 10]])
    a, b = model.forward(ids), model.forward(later_changed)
    np.testing.assert_array_equal(a[:, :3], b[:, :3])
    assert not np.allclose(a[:, 3:], b[:, 3:])


# ---------------------------------------------------------------- recorder
def test_recorder_has_documented_shapes_and_matches_forward():
    model = tiny_model()
    ids = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 1, 2]])    # B=3, T=4
    rec = {}
    logits = model.forward(ids, recorder=rec)
    B, T, C, H, V, F = 3, 4, 8, 2, 11, 16
    assert rec["tok_emb"].shape == (B, T, C)
    assert rec["pos_emb"].shape == (T, C)
    np.testing.assert_array_equal(rec["x0"], rec["tok_emb"] + rec["pos_emb"])
    assert len(rec["blocks"]) == 2
    for blk in rec["blocks"]:
        assert blk["attn_weights"].shape == (B, H, T, T)
        np.testing.assert_allclose(blk["attn_weights"].sum(-1), 1.0, atol=1e-5)
        assert np.all(np.triu(blk["attn_weights"], k=1) == 0)
        assert blk["attn_out"].shape == (B, T, C)
        assert blk["mlp_hidden"].shape == (B, T, F)
        assert blk["out"].shape == (B, T, C)
    assert rec["ln_f"].shape == (B, T, C)
    np.testing.assert_array_equal(rec["logits"], logits)
    np.testing.assert_array_equal(model.forward(ids), logits)     # recording changes nothing


def test_full_context_is_accepted():
    model = tiny_model()
    assert model.forward(np.arange(6)[None, :] % 11).shape == (1, 6, 11)   # T == block_size


def test_one_dimensional_ids_are_a_batch_of_one():
    model = tiny_model()
    logits = model.forward(np.array([1, 2, 3]))
    assert logits.shape == (1, 3, 11)
    np.testing.assert_array_equal(logits, model.forward(np.array([[1, 2, 3]])))


# ---------------------------------------------------------------- input checks
@pytest.mark.parametrize("bad,error,fragment", [
    (np.array([[1.0, 2.0]]), TypeError, "integers"),
    (np.array([[1, 11]]), ValueError, "token id 11"),
    (np.array([[-1, 2]]), ValueError, "token id -1"),
    (np.zeros((1, 2, 3), dtype=int), ValueError, "dimension"),
    (np.zeros((1, 7), dtype=int), ValueError, "block_size is 6"),
    (np.zeros((1, 0), dtype=int), ValueError, "at least one token"),
    ("hello", TypeError, "array"),
])
def test_bad_ids_raise_clear_errors(bad, error, fragment):
    model = tiny_model()
    with pytest.raises(error, match=fragment):
        model.forward(bad)


def test_bad_targets_raise():
    model = tiny_model()
    ids = np.array([[1, 2, 3]])
    with pytest.raises(ValueError, match="shape"):
        model.loss(ids, np.array([[1, 2]]))
    with pytest.raises(ValueError, match="11"):
        model.loss_and_grads(ids, np.array([[1, 2, 11]]))
    with pytest.raises(TypeError):
        model.loss(ids, np.array([[1.0, 2.0, 3.0]]))
    with pytest.raises(TypeError, match="recorder"):
        model.forward(ids, recorder=[])


@pytest.mark.parametrize("overrides,error,fragment", [
    (dict(n_embd=10, n_head=4), ValueError, "divisible"),
    (dict(n_layer=0), ValueError, "n_layer"),
    (dict(block_size=-1), ValueError, "block_size"),
    (dict(vocab_size=2.5), TypeError, "vocab_size"),
    (dict(dtype="float16"), ValueError, "dtype"),
    (dict(init_scale=0.0), ValueError, "init_scale"),
])
def test_config_validation(overrides, error, fragment):
    with pytest.raises(error, match=fragment):
        GPTConfig(**{**TINY, **overrides})  # the config checks itself when made


def test_config_round_trip_and_unknown_keys():
    cfg = GPTConfig(**TINY)
    assert GPTConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    with pytest.raises(ValueError, match="n_embed"):
        GPTConfig.from_dict({**cfg.to_dict(), "n_embed": 3})
    with pytest.raises(ValueError, match="vocab_size"):
        GPTConfig.from_dict({"n_layer": 1})


def test_float32_model_gives_float32_logits_and_grads():
    model = tiny_model()
    ids = np.array([[1, 2, 3]])
    assert model.forward(ids).dtype == np.float32
    _, grads = model.loss_and_grads(ids, np.array([[2, 3, 4]]))
    assert all(g.dtype == np.float32 for g in grads.values())


# ---------------------------------------------------------------- checkpoints
class FakeTokenizer:
    def to_dict(self):
        return {"kind": "word", "vocab": ["<pad>", "a", "b"]}


def test_save_load_round_trip(tmp_path):
    model = tiny_model(seed=4)
    model.params["h0.ln1.b"] += 0.5                              # not just the initial weights
    file = save_checkpoint(tmp_path / "ckpt", model, FakeTokenizer(), extra={"epochs": 3})
    assert file == tmp_path / "ckpt.npz" and file.is_file()
    loaded, tok, extra = load_checkpoint(tmp_path / "ckpt")
    assert loaded.config == model.config
    assert tok == FakeTokenizer().to_dict()
    assert extra == {"epochs": 3}
    ids = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    np.testing.assert_array_equal(loaded.forward(ids), model.forward(ids))
    # The same file is found with or without the suffix; no tokenizer gives None.
    save_checkpoint(tmp_path / "plain.npz", model)
    again, tok2, extra2 = load_checkpoint(tmp_path / "plain.npz")
    assert tok2 is None and extra2 == {}
    np.testing.assert_array_equal(again.params["wte"], model.params["wte"])


def test_checkpoint_is_plain_npz_with_json(tmp_path):
    file = save_checkpoint(tmp_path / "c", tiny_model())
    with np.load(file, allow_pickle=False) as data:
        assert json.loads(str(data["config.json"]))["n_embd"] == 8
        assert json.loads(str(data["meta.json"]))["format_version"] == CHECKPOINT_FORMAT_VERSION
        assert "param/lm_head.w" in data.files


def test_missing_checkpoint(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_checkpoint(tmp_path / "nothing")
    (tmp_path / "folder.npz").mkdir()
    with pytest.raises(ValueError, match="directory"):
        load_checkpoint(tmp_path / "folder")


def test_truncated_and_garbage_checkpoints(tmp_path):
    file = save_checkpoint(tmp_path / "c", tiny_model())
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_checkpoint(file)
    file.write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_checkpoint(file)


def test_corrupted_bytes_inside_checkpoint(tmp_path):
    file = save_checkpoint(tmp_path / "c", tiny_model())
    data = bytearray(file.read_bytes())
    with zipfile.ZipFile(file) as zf:                            # flip a byte inside wte's data
        info = zf.getinfo("param/wte.npy")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[offset] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_checkpoint(file)


def rewrite(file, drop=(), replace=None):
    """Rewrite a checkpoint's entries, dropping some and replacing others."""
    with np.load(file, allow_pickle=False) as data:
        contents = {k: data[k] for k in data.files if k not in drop}
    contents.update(replace or {})
    with open(file, "wb") as fh:
        np.savez(fh, **contents)


def test_mismatched_weights(tmp_path):
    file = save_checkpoint(tmp_path / "c", tiny_model())
    rewrite(file, drop=("param/h1.ln2.g",))
    with pytest.raises(ValueError, match="h1.ln2.g"):
        load_checkpoint(file)
    file = save_checkpoint(tmp_path / "c", tiny_model())
    rewrite(file, replace={"param/wte": np.zeros((12, 8), np.float32)})
    with pytest.raises(ValueError, match=r"'wte' has shape \(12, 8\)"):
        load_checkpoint(file)


def test_wrong_format_version_and_missing_config(tmp_path):
    file = save_checkpoint(tmp_path / "c", tiny_model())
    rewrite(file, replace={"meta.json": np.array(json.dumps({"format_version": 99}))})
    with pytest.raises(ValueError, match="format version 99"):
        load_checkpoint(file)
    file = save_checkpoint(tmp_path / "c", tiny_model())
    rewrite(file, drop=("config.json",))
    with pytest.raises(ValueError, match="config.json"):
        load_checkpoint(file)
    file = save_checkpoint(tmp_path / "c", tiny_model())
    bad_cfg = {**tiny_model().config.to_dict(), "n_head": 3}
    rewrite(file, replace={"config.json": np.array(json.dumps(bad_cfg))})
    with pytest.raises(ValueError, match="invalid config"):
        load_checkpoint(file)


def test_interrupted_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    model = tiny_model(seed=1)
    file = save_checkpoint(tmp_path / "c", model)
    before = file.read_bytes()

    def exploding_savez(fh, **arrays):
        fh.write(b"partial")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(model_module.np, "savez", exploding_savez)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(tmp_path / "c", tiny_model(seed=2))
    monkeypatch.undo()
    assert file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz"]   # no temp file left
    loaded, _, _ = load_checkpoint(file)
    np.testing.assert_array_equal(loaded.params["wte"], model.params["wte"])


def test_save_rejects_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="TransformerLM"):
        save_checkpoint(tmp_path / "c", object())
    with pytest.raises(TypeError, match="JSON"):
        save_checkpoint(tmp_path / "c", tiny_model(), extra={"f": object()})
    with pytest.raises(TypeError, match="to_dict"):
        save_checkpoint(tmp_path / "c", tiny_model(), tokenizer=object())
    assert list(tmp_path.iterdir()) == []
