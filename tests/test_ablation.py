"""Switching one attention head off: the copy, the measurement, bad input."""
import numpy as np
import pytest

from genai_lab.ablation import head_ablation, next_token_probs, value_columns, without_head
from genai_lab.layers import attention_forward


def test_value_columns_are_the_heads_slice_of_the_values():
    # C = 8, H = 2, D = 4: values start at 2C = 16; head 1 holds columns 20..23.
    assert value_columns(8, 2, 0) == slice(16, 20)
    assert value_columns(8, 2, 1) == slice(20, 24)


def test_a_switched_off_head_writes_nothing(tiny_model):
    """With head h's values zeroed, attention's output is what the other heads alone give:
    the same as zeroing head h's D columns of y before the output projection."""
    cfg = tiny_model.config
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, cfg.n_embd)).astype(cfg.dtype)          # (B, T, C)
    ablated = without_head(tiny_model, 0, 1)
    p, q = tiny_model.params, ablated.params
    out, cache = attention_forward(x, q["h0.attn.w_qkv"], q["h0.attn.b_qkv"],
                                   p["h0.attn.w_proj"], p["h0.attn.b_proj"], cfg.n_head)
    _, full = attention_forward(x, p["h0.attn.w_qkv"], p["h0.attn.b_qkv"],
                                p["h0.attn.w_proj"], p["h0.attn.b_proj"], cfg.n_head)
    D = cfg.n_embd // cfg.n_head
    y = (full["att"] @ full["v"]).transpose(0, 2, 1, 3).reshape(2, 5, cfg.n_embd)  # (B, T, C)
    y[..., D:2 * D] = 0                                    # head 1's columns of y
    expected = y @ p["h0.attn.w_proj"] + p["h0.attn.b_proj"]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    full_out, _ = attention_forward(x, p["h0.attn.w_qkv"], p["h0.attn.b_qkv"],
                                    p["h0.attn.w_proj"], p["h0.attn.b_proj"], cfg.n_head)
    assert not np.allclose(out, full_out)                  # the head did contribute


def test_the_original_model_is_left_alone(tiny_model):
    before = {k: v.copy() for k, v in tiny_model.params.items()}
    block, head = tiny_model.config.n_layer - 1, tiny_model.config.n_head - 1
    ablated = without_head(tiny_model, block, head)
    for name, arr in tiny_model.params.items():
        np.testing.assert_array_equal(arr, before[name])
    changed = [n for n in ablated.params if not np.array_equal(ablated.params[n], before[n])]
    # the biases start at 0, so zeroing them changes nothing: only w_qkv differs
    assert changed == [f"h{block}.attn.w_qkv"]
    assert ablated.params[f"h{block}.attn.b_qkv"] is not tiny_model.params[f"h{block}.attn.b_qkv"]


def test_head_ablation_measures_every_head(tiny_model, tiny_tokenizer):
    report = head_ablation(tiny_model, tiny_tokenizer, "the cat sat on")
    cfg = tiny_model.config
    assert [(e.block, e.head) for e in report.effects] == [
        (b, h) for b in range(cfg.n_layer) for h in range(cfg.n_head)]
    ids = tiny_tokenizer.encode("the cat sat on")[:-1]
    full = next_token_probs(tiny_model, ids)
    assert report.prob == pytest.approx(float(full.max()))
    for e in report.effects:
        probs = next_token_probs(without_head(tiny_model, e.block, e.head), ids)
        assert e.distance == pytest.approx(0.5 * np.abs(probs - full).sum())
        assert 0.0 <= e.distance <= 1.0
    assert report.strongest().distance == max(e.distance for e in report.effects)
    text = str(report)
    assert "block" in text and "change (TV)" in text and "<table" in report._repr_html_()


@pytest.mark.parametrize("block, head, error", [(-1, 0, ValueError), (0, 99, ValueError),
                                                 (0.5, 0, TypeError), (0, "1", TypeError)])
def test_bad_block_or_head_is_refused(tiny_model, block, head, error):
    with pytest.raises(error, match="block|head"):
        without_head(tiny_model, block, head)
