"""Adam/AdamW: hand-computed steps, clipping, weight decay, state round trip, input checks."""
from __future__ import annotations

import math

import numpy as np
import pytest

from genai_lab.optim import Adam, AdamConfig, decays, global_norm


def test_two_steps_match_hand_computation():
    cfg = AdamConfig(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, grad_clip=None)
    p = {"w": np.array([1.0, -2.0, 0.5])}
    opt = Adam(p, cfg)
    g1, g2 = np.array([0.5, -1.0, 0.0]), np.array([0.1, 0.2, -0.3])
    opt.step({"w": g1.copy()})
    # Step 1: m = 0.1 g1, v = 0.01 g1^2; bias-corrected m_hat = g1, v_hat = g1^2.
    expected = np.array([1.0, -2.0, 0.5]) - 0.1 * g1 / (np.abs(g1) + 1e-8)
    np.testing.assert_allclose(p["w"], expected, rtol=1e-12)
    opt.step({"w": g2.copy()})
    m = 0.9 * (0.1 * g1) + 0.1 * g2
    v = 0.99 * (0.01 * g1 ** 2) + 0.01 * g2 ** 2
    m_hat, v_hat = m / (1 - 0.9 ** 2), v / (1 - 0.99 ** 2)
    expected = expected - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(p["w"], expected, rtol=1e-12)
    assert opt.t == 2


def test_updates_happen_in_place():
    w = np.ones(3)
    params = {"w": w}
    Adam(params, AdamConfig(grad_clip=None)).step({"w": np.ones(3)})
    assert params["w"] is w and np.all(w < 1)


def test_global_norm_clipping():
    cfg = AdamConfig(lr=0.1, grad_clip=1.0)
    p = {"a": np.zeros(2), "b": np.zeros(1)}
    opt = Adam(p, cfg)
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([4.0])}   # global norm 5
    norm = opt.step(grads)
    assert norm == pytest.approx(5.0)                                # reported BEFORE clipping
    np.testing.assert_allclose(opt.m["a"], 0.1 * np.array([3.0, 0.0]) / 5.0)
    np.testing.assert_allclose(opt.m["b"], 0.1 * np.array([4.0]) / 5.0)
    np.testing.assert_array_equal(grads["a"], [3.0, 0.0])            # caller's grads untouched


def test_small_gradients_are_not_clipped():
    opt = Adam({"a": np.zeros(2)}, AdamConfig(grad_clip=1.0))
    norm = opt.step({"a": np.array([0.3, 0.4])})
    assert norm == pytest.approx(0.5)
    np.testing.assert_allclose(opt.m["a"], 0.1 * np.array([0.3, 0.4]))


def test_no_clipping_when_disabled():
    opt = Adam({"a": np.zeros(1)}, AdamConfig(grad_clip=None))
    assert opt.step({"a": np.array([100.0])}) == pytest.approx(100.0)
    np.testing.assert_allclose(opt.m["a"], [10.0])


def test_weight_decay_only_on_weight_matrices():
    assert decays("lm_head.w") and decays("h0.attn.w_qkv") and decays("h1.mlp.w_proj")
    assert not any(decays(n) for n in ("wte", "wpe", "h0.ln1.g", "h0.ln1.b", "h0.mlp.b_fc"))
    params = {"h0.mlp.w_fc": np.full(2, 2.0), "h0.mlp.b_fc": np.full(2, 2.0),
              "wte": np.full(2, 2.0)}
    opt = Adam(params, AdamConfig(lr=0.1, weight_decay=0.5, grad_clip=None))
    opt.step({k: np.zeros(2) for k in params})                       # zero gradient
    np.testing.assert_allclose(params["h0.mlp.w_fc"], 2.0 - 0.1 * 0.5 * 2.0)
    np.testing.assert_array_equal(params["h0.mlp.b_fc"], [2.0, 2.0])
    np.testing.assert_array_equal(params["wte"], [2.0, 2.0])


def test_minimises_a_quadratic():
    target = np.array([3.0, -1.0, 0.5])
    p = {"x": np.zeros(3)}
    opt = Adam(p, AdamConfig(lr=0.05, grad_clip=None))
    for _ in range(800):
        opt.step({"x": 2 * (p["x"] - target)})
    np.testing.assert_allclose(p["x"], target, atol=1e-2)


def test_state_dict_resume_matches_uninterrupted_run():
    rng = np.random.default_rng(0)
    grads = [{"w": rng.standard_normal(4)} for _ in range(6)]
    full = {"w": np.ones(4)}
    opt = Adam(full, AdamConfig(lr=0.01))
    for g in grads:
        opt.step(g)
    first = {"w": np.ones(4)}
    opt1 = Adam(first, AdamConfig(lr=0.01))
    for g in grads[:3]:
        opt1.step(g)
    state = opt1.state_dict()
    resumed = {"w": first["w"].copy()}
    opt2 = Adam(resumed, AdamConfig(lr=0.5))      # config comes back from the state
    opt2.load_state_dict(state)
    assert opt2.config.lr == 0.01 and opt2.t == 3
    for g in grads[3:]:
        opt2.step(g)
    np.testing.assert_allclose(resumed["w"], full["w"], rtol=1e-12)
    opt1.step(grads[3])                              # the saved state is a copy
    assert state["t"] == 3 and not np.array_equal(state["m"]["w"], opt1.m["w"])


def test_float32_parameters_stay_float32():
    p = {"w": np.ones(3, dtype=np.float32)}
    opt = Adam(p, AdamConfig())
    opt.step({"w": np.ones(3, dtype=np.float32)})
    assert p["w"].dtype == np.float32 and opt.m["w"].dtype == np.float32


def test_global_norm():
    assert global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])}) == pytest.approx(5.0)


@pytest.mark.parametrize("field,value,fragment", [
    ("lr", 0.0, "lr"), ("beta1", 1.0, "beta1"), ("beta2", -0.1, "beta2"),
    ("eps", 0.0, "eps"), ("weight_decay", -1.0, "weight_decay"), ("grad_clip", 0.0, "grad_clip"),
    ("lr", math.nan, "lr"),
])
def test_bad_config(field, value, fragment):
    with pytest.raises(ValueError, match=fragment):
        AdamConfig(**{field: value})  # the config checks itself when made


def test_a_steps_lr_overrides_the_config_without_changing_it():
    rng = np.random.default_rng(0)
    w0, grads = rng.standard_normal(4), [{"w": rng.standard_normal(4)} for _ in range(3)]
    a, b = {"w": w0.copy()}, {"w": w0.copy()}
    scheduled = Adam(a, AdamConfig(lr=1e-2, weight_decay=0.1))
    fixed = Adam(b, AdamConfig(lr=5e-3, weight_decay=0.1))
    for g in grads:
        scheduled.step(g, lr=5e-3)
        fixed.step(g)
    np.testing.assert_array_equal(a["w"], b["w"])  # the same arithmetic, bit for bit
    assert scheduled.config.lr == 1e-2  # the schedule never writes into the config
    with pytest.raises(ValueError, match="lr"):
        scheduled.step(grads[0], lr=0.0)
    with pytest.raises(AttributeError):
        scheduled.config.lr = 1.0  # frozen: nothing can change it behind the optimizer


def test_bad_params_and_grads():
    with pytest.raises(TypeError, match="params"):
        Adam([np.zeros(1)])
    with pytest.raises(TypeError, match="'w'"):
        Adam({"w": np.zeros(2, dtype=int)})
    opt = Adam({"w": np.zeros(2), "b": np.zeros(1)})
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        opt.step({"w": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        opt.step({"w": np.zeros(3), "b": np.zeros(1)})
    with pytest.raises(ValueError, match="NaN"):
        opt.step({"w": np.array([np.nan, 0.0]), "b": np.zeros(1)})
    assert opt.t == 0                                          # failed steps change nothing
    with pytest.raises(ValueError, match="state"):
        opt.load_state_dict({"t": 1})
