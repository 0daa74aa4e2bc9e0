"""Layer forward/backward pairs: backward vs central differences, forward vs the definitions."""
from __future__ import annotations

import math

import numpy as np
import pytest

from genai_lab import layers as L
from genai_lab.gradcheck import eval_numerical_gradient_array, rel_error_norm

H_STEP = 1e-6  # central-difference step (float64)


def numeric_grad(f, arr: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Central-difference gradient of sum(f() * dout) with respect to arr (changed in place)."""
    return eval_numerical_gradient_array(lambda _: f(), arr, dout, h=H_STEP)


def check_pair(forward, backward, inputs: list[np.ndarray], rng, extra=()):
    """Compare every gradient returned by ``backward`` with central differences."""
    out, cache = forward(*inputs, *extra)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert len(grads) == len(inputs)
    for arr, analytic in zip(inputs, grads):
        assert analytic.shape == arr.shape
        numeric = numeric_grad(lambda: forward(*inputs, *extra)[0], arr, dout)
        assert rel_error_norm(analytic, numeric) < 1e-5


# Small random shapes with B != T and C_in != C_out, so a transposed axis cannot hide.
SHAPES = [(2, 3, 4, 5), (3, 5, 6, 2), (1, 4, 3, 7)]


@pytest.mark.parametrize("B,T,C_in,C_out", SHAPES)
def test_linear_backward_matches_numeric(B, T, C_in, C_out):
    rng = np.random.default_rng(B * 100 + T)
    x = rng.standard_normal((B, T, C_in))
    w = rng.standard_normal((C_in, C_out))
    b = rng.standard_normal(C_out)
    check_pair(L.linear_forward, L.linear_backward, [x, w, b], rng)


def test_linear_forward_is_affine_map():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    out, _ = L.linear_forward(x, w, b)
    expected = np.einsum("btc,cd->btd", x, w) + b
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("B,T,C", [(2, 3, 5), (3, 2, 4), (1, 5, 8)])
def test_layer_norm_backward_matches_numeric(B, T, C):
    rng = np.random.default_rng(B + 10 * T + 100 * C)
    x = rng.standard_normal((B, T, C)) * 3 + 1
    gamma = rng.standard_normal(C)
    beta = rng.standard_normal(C)
    check_pair(L.layer_norm_forward, L.layer_norm_backward, [x, gamma, beta], rng)


def test_layer_norm_normalises_each_position():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 16)) * 5 + 7
    out, _ = L.layer_norm_forward(x, np.ones(16), np.zeros(16))
    np.testing.assert_allclose(out.mean(axis=-1), 0.0, atol=1e-10)
    np.testing.assert_allclose(out.var(axis=-1), 1.0, rtol=1e-3)   # eps = 1e-5 shrinks it a bit
    scaled, _ = L.layer_norm_forward(x, np.full(16, 2.0), np.full(16, 3.0))
    np.testing.assert_allclose(scaled, 2.0 * out + 3.0, atol=1e-12)


def test_gelu_backward_matches_numeric():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5)) * 2
    check_pair(L.gelu_forward, L.gelu_backward, [x], rng)


def test_gelu_is_close_to_exact_gelu():
    xs = np.linspace(-5, 5, 41)
    out, _ = L.gelu_forward(xs)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in xs])
    np.testing.assert_allclose(out, exact, atol=1e-3)   # the tanh form is an approximation
    assert out[20] == 0.0                               # gelu(0) = 0


def naive_attention(x, w_qkv, b_qkv, w_proj, b_proj, n_head):
    """Loop-per-batch-and-head attention written straight from the definition."""
    B, T, C = x.shape
    D = C // n_head
    out = np.zeros((B, T, C))
    weights = np.zeros((B, n_head, T, T))
    for bi in range(B):
        qkv = x[bi] @ w_qkv + b_qkv                              # (T, 3C)
        q, k, v = qkv[:, :C], qkv[:, C:2 * C], qkv[:, 2 * C:]
        heads = []
        for h in range(n_head):
            cols = slice(h * D, (h + 1) * D)
            for t in range(T):
                s = np.array([q[t, cols] @ k[j, cols] / math.sqrt(D) for j in range(t + 1)])
                e = np.exp(s - s.max())
                weights[bi, h, t, :t + 1] = e / e.sum()
            heads.append(weights[bi, h] @ v[:, cols])           # (T, D)
        out[bi] = np.concatenate(heads, axis=1) @ w_proj + b_proj
    return out, weights


def attention_inputs(rng, B, T, C):
    return [rng.standard_normal((B, T, C)), rng.standard_normal((C, 3 * C)) * 0.5,
            rng.standard_normal(3 * C) * 0.1, rng.standard_normal((C, C)) * 0.5,
            rng.standard_normal(C) * 0.1]


@pytest.mark.parametrize("B,T,C,H", [(2, 3, 4, 2), (3, 5, 6, 3), (1, 4, 4, 1)])
def test_attention_backward_matches_numeric(B, T, C, H):
    rng = np.random.default_rng(B + 7 * T + 31 * C)
    check_pair(L.attention_forward, L.attention_backward, attention_inputs(rng, B, T, C),
               rng, extra=(H,))


@pytest.mark.parametrize("B,T,C,H", [(2, 5, 6, 3), (3, 4, 8, 2)])
def test_attention_forward_matches_definition(B, T, C, H):
    rng = np.random.default_rng(5)
    inputs = attention_inputs(rng, B, T, C)
    out, cache = L.attention_forward(*inputs, H)
    ref_out, ref_weights = naive_attention(*inputs, H)
    np.testing.assert_allclose(out, ref_out, atol=1e-10)
    np.testing.assert_allclose(cache["att"], ref_weights, atol=1e-12)


def test_attention_is_causal():
    rng = np.random.default_rng(6)
    inputs = attention_inputs(rng, 2, 6, 8)
    out, cache = L.attention_forward(*inputs, 2)
    att = cache["att"]                                              # (B, H, T, T)
    assert att.shape == (2, 2, 6, 6)
    np.testing.assert_allclose(att.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(att[..., L.causal_mask(6)] == 0.0)              # no weight on the future
    changed = [a.copy() for a in inputs]
    changed[0][:, 4:] += rng.standard_normal((2, 2, 8))           # edit positions 4 and 5
    out2, _ = L.attention_forward(*changed, 2)
    np.testing.assert_array_equal(out2[:, :4], out[:, :4])         # earlier outputs unchanged
    assert not np.allclose(out2[:, 4:], out[:, 4:])


def test_mlp_backward_matches_numeric():
    rng = np.random.default_rng(7)
    B, T, C, F = 2, 3, 4, 6
    inputs = [rng.standard_normal((B, T, C)), rng.standard_normal((C, F)), rng.standard_normal(F),
              rng.standard_normal((F, C)), rng.standard_normal(C)]
    check_pair(L.mlp_forward, L.mlp_backward, inputs, rng)


def block_params(rng, C, F):
    return {"ln1.g": 1 + 0.1 * rng.standard_normal(C), "ln1.b": 0.1 * rng.standard_normal(C),
            "attn.w_qkv": 0.5 * rng.standard_normal((C, 3 * C)),
            "attn.b_qkv": 0.1 * rng.standard_normal(3 * C),
            "attn.w_proj": 0.5 * rng.standard_normal((C, C)),
            "attn.b_proj": 0.1 * rng.standard_normal(C),
            "ln2.g": 1 + 0.1 * rng.standard_normal(C), "ln2.b": 0.1 * rng.standard_normal(C),
            "mlp.w_fc": 0.5 * rng.standard_normal((C, F)), "mlp.b_fc": 0.1 * rng.standard_normal(F),
            "mlp.w_proj": 0.5 * rng.standard_normal((F, C)),
            "mlp.b_proj": 0.1 * rng.standard_normal(C)}


@pytest.mark.parametrize("B,T,C,H", [(2, 3, 4, 2), (3, 4, 6, 3)])
def test_block_backward_matches_numeric(B, T, C, H):
    rng = np.random.default_rng(B * T * C)
    x = rng.standard_normal((B, T, C))
    p = block_params(rng, C, 2 * C)
    assert set(p) == set(L.BLOCK_PARAMS)
    out, cache = L.block_forward(x, p, H)
    dout = rng.standard_normal(out.shape)
    dx, grads = L.block_backward(dout, cache)
    assert set(grads) == set(L.BLOCK_PARAMS)
    f = lambda: L.block_forward(x, p, H)[0]  # noqa: E731
    assert rel_error_norm(dx, numeric_grad(f, x, dout)) < 1e-5
    for name in L.BLOCK_PARAMS:
        assert grads[name].shape == p[name].shape
        assert rel_error_norm(grads[name], numeric_grad(f, p[name], dout)) < 1e-5, name


def test_block_is_pre_ln_residual():
    rng = np.random.default_rng(8)
    C, H = 4, 2
    x = rng.standard_normal((2, 3, C))
    p = block_params(rng, C, 3 * C)
    out, cache = L.block_forward(x, p, H)
    a, _ = L.attention_forward(L.layer_norm_forward(x, p["ln1.g"], p["ln1.b"])[0],
                               p["attn.w_qkv"], p["attn.b_qkv"], p["attn.w_proj"],
                               p["attn.b_proj"], H)
    x1 = x + a
    m, _ = L.mlp_forward(L.layer_norm_forward(x1, p["ln2.g"], p["ln2.b"])[0],
                         p["mlp.w_fc"], p["mlp.b_fc"], p["mlp.w_proj"], p["mlp.b_proj"])
    np.testing.assert_allclose(out, x1 + m, atol=1e-12)
    np.testing.assert_allclose(cache["attn_out"], a, atol=1e-12)


def test_layers_keep_float32():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    p = {k: v.astype(np.float32) for k, v in block_params(rng, 4, 8).items()}
    out, cache = L.block_forward(x, p, 2)
    assert out.dtype == np.float32
    dx, grads = L.block_backward(np.ones_like(out), cache)
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
