"""The layers of a small transformer, each as a forward/backward pair written by hand.

Every ``*_forward`` function returns ``(out, cache)``; the matching ``*_backward`` takes
``(dout, cache)`` and returns the gradient with respect to the input followed by the
gradients of the layer's parameters, in the same order as the forward's arguments.
``dout`` always has the shape of ``out``. The cache holds exactly what the backward pass
needs, nothing more, so you can read each pair as "what was computed" and "how a change
of the output flows back to every input".

Shapes use the usual letters:
    B  batch size (number of sequences)
    T  sequence length (tokens per sequence)
    C  model width (``n_embd``)
    H  number of attention heads, D = C // H the width of one head
    F  hidden width of the MLP (``mlp_ratio * C``)

These functions trust their inputs (the model checks them at its public boundary) and
keep the dtype of their inputs: float32 to train fast, float64 for gradient checks. They
never change their inputs; a few steps work in place on arrays they made themselves, to
spare passes over memory (most of a training step is such passes, not multiplications).
"""
from __future__ import annotations

import math

import numpy as np

# sqrt(2 / pi), the constant of the tanh approximation of GELU.
_GELU_C = math.sqrt(2.0 / math.pi)
# Score added to future positions in attention: exp(-1e9 - max) is exactly 0.
_MASKED = -1e9


# ------------------------------------------------------------ reductions over rows
# numpy reduces over a short last axis (C = 64 numbers of a position, T = 16 scores of an
# attention row) one short row at a time: 5-25x slower than the same work done over all
# rows at once. These give x.mean / x.sum / x.max(axis=-1, keepdims=True), equal up to
# rounding, through a matrix product (BLAS) or through a copy with the last axis first.
def row_mean(x):
    """Mean over the last axis: (..., C) -> (..., 1)."""
    c = x.shape[-1]
    return x @ np.full((c, 1), 1.0 / c, dtype=x.dtype)          # (..., C) @ (C, 1)


def row_sum(x):
    """Sum over the last axis: (..., T) -> (..., 1)."""
    return x @ np.ones((x.shape[-1], 1), dtype=x.dtype)         # (..., T) @ (T, 1)


def row_max(x):
    """Maximum over the last axis: (..., T) -> (..., 1)."""
    first = np.moveaxis(x, -1, 0).copy()                        # (T, ...) contiguous
    return first.max(axis=0)[..., None]                         # T - 1 element-wise maxima


# ----------------------------------------------------------------------------- linear
def linear_forward(x, w, b):
    """y = x @ w + b.

    x: (..., C_in), w: (C_in, C_out), b: (C_out,)  ->  out: (..., C_out)
    """
    c_in, c_out = w.shape
    # One 2-D matrix product over all leading positions at once (N = product of the
    # leading sizes) is much faster than numpy looping over a batch of small ones.
    x2 = x.reshape(-1, c_in)                          # (N, C_in)
    out = x2 @ w                                      # (N, C_out)
    out += b
    return out.reshape(x.shape[:-1] + (c_out,)), (x2, w)


def linear_backward(dout, cache):
    """Gradients of ``linear_forward``.

    dout: (..., C_out)  ->  dx: (..., C_in), dw: (C_in, C_out), db: (C_out,)
    """
    x2, w = cache                                     # x2: the input flattened, (N, C_in)
    c_in, c_out = w.shape
    d2 = dout.reshape(-1, c_out)                      # (N, C_out)
    dx = (d2 @ w.T).reshape(dout.shape[:-1] + (c_in,))  # (..., C_in)
    dw = x2.T @ d2                                    # (C_in, C_out): sum over all N positions
    db = d2.sum(axis=0)                               # (C_out,)
    return dx, dw, db


# ------------------------------------------------------------------------- layer norm
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each position's vector to mean 0, variance 1, then scale and shift.

    x: (..., C), gamma: (C,), beta: (C,)  ->  out: (..., C)
    """
    mean = row_mean(x)                                # (..., 1)
    centred = x - mean                                # (..., C)
    var = row_mean(centred * centred)                 # (..., 1)
    rstd = 1.0 / np.sqrt(var + eps)                   # (..., 1) reciprocal std
    xhat = centred                                    # (..., C) normalised, in place:
    xhat *= rstd                                      #   xhat = centred * rstd
    out = xhat * gamma                                # (..., C)
    out += beta
    return out, (xhat, rstd, gamma)


def layer_norm_backward(dout, cache):
    """Gradients of ``layer_norm_forward``.

    dout: (..., C)  ->  dx: (..., C), dgamma: (C,), dbeta: (C,)
    """
    xhat, rstd, gamma = cache
    c = xhat.shape[-1]
    dgamma = (dout * xhat).reshape(-1, c).sum(axis=0)  # (C,)
    dbeta = dout.reshape(-1, c).sum(axis=0)            # (C,)
    dxhat = dout * gamma                               # (..., C)
    # xhat depends on x directly, through the mean and through the variance; the two
    # mean terms below remove the parts of dxhat that normalisation takes out again.
    dx = dxhat - row_mean(dxhat)                       # (..., C)
    dx -= xhat * row_mean(dxhat * xhat)
    dx *= rstd
    return dx, dgamma, dbeta


# ------------------------------------------------------------------------------- GELU
def gelu_forward(x):
    """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    x: any shape  ->  out: same shape
    The cache keeps x and s = 0.5 (1 + tanh(...)), the share of x that passes (0 to 1).
    """
    # In-place steps on one temporary: the same formula with fewer passes over memory.
    s = x * x
    s *= 0.044715 * _GELU_C
    s += _GELU_C
    s *= x                                             # sqrt(2/pi) (x + 0.044715 x^3)
    np.tanh(s, out=s)
    s += 1.0
    s *= 0.5                                           # s = 0.5 (1 + tanh(...))
    out = x * s                                        # same shape as x
    return out, (x, s)


def gelu_backward(dout, cache):
    """Gradient of ``gelu_forward``: dout * d gelu(x) / dx (same shape as x)."""
    x, s = cache
    # With z = sqrt(2/pi) (x + 0.044715 x^3), s = 0.5 (1 + tanh z) and 1 - tanh(z)^2 =
    # 4 s (1 - s), so d/dx [x s] = s + x * 2 s (1 - s) * dz/dx, where
    # dz/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2). Built in place in two temporaries.
    d = x * x
    d *= 2 * 3 * 0.044715 * _GELU_C
    d += 2 * _GELU_C
    d *= x                               # 2 x dz/dx
    u = 1.0 - s
    u *= s                               # s (1 - s)
    d *= u
    d += s                               # d is now d gelu(x) / dx
    d *= dout
    return d


# ---------------------------------------------------------- causal self-attention
def causal_mask(T):
    """(T, T) boolean matrix, True where a query would look at a later key (forbidden)."""
    return np.triu(np.ones((T, T), dtype=bool), k=1)


def softmax_rows(scores):
    """Softmax over the last axis, IN PLACE on ``scores`` (..., T), which it returns.

    The numbers of ``genai_lab.softmax.softmax`` up to rounding, without its input checks.
    """
    scores -= row_max(scores)                          # every entry <= 0: exp cannot overflow
    np.exp(scores, out=scores)
    scores /= row_sum(scores)                          # each row sums to 1
    return scores


def attention_forward(x, w_qkv, b_qkv, w_proj, b_proj, n_head):
    """Causal multi-head self-attention.

    x: (B, T, C), w_qkv: (C, 3C), b_qkv: (3C,), w_proj: (C, C), b_proj: (C,)
    ->  out: (B, T, C); the cache's ``"att"`` entry holds the attention weights
    (B, H, T, T): row t of head h says how much position t reads from each position.
    """
    B, T, C = x.shape
    H = n_head
    D = C // H
    qkv, qkv_cache = linear_forward(x, w_qkv, b_qkv)           # (B, T, 3C)
    # Split into queries, keys, values and give every head its own D columns. The copy
    # makes each head's (T, D) matrix contiguous: numpy multiplies those much faster.
    qkv = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4).copy()  # (3, B, H, T, D)
    q, k, v = qkv                                              # each (B, H, T, D)
    scale = 1.0 / math.sqrt(D)
    k_t = k.transpose(0, 1, 3, 2).copy()                       # (B, H, D, T)
    scores = q @ k_t                                           # (B, H, T, T)
    scores *= scale
    # A position may only read itself and earlier positions: the future gets a hugely
    # negative score, whose softmax weight exp(-1e9 - max) is exactly 0.
    scores += np.where(causal_mask(T), _MASKED, 0.0).astype(scores.dtype)  # (T, T)
    att = softmax_rows(scores)                                 # (B, H, T, T)
    y = att @ v                                                # (B, H, T, D)
    y = y.transpose(0, 2, 1, 3).reshape(B, T, C)               # (B, T, C) heads side by side
    out, proj_cache = linear_forward(y, w_proj, b_proj)        # (B, T, C)
    cache = {"qkv": qkv_cache, "q": q, "k": k, "v": v, "att": att, "scale": scale,
             "proj": proj_cache}
    return out, cache


def attention_backward(dout, cache):
    """Gradients of ``attention_forward``.

    dout: (B, T, C)  ->  dx: (B, T, C), dw_qkv: (C, 3C), db_qkv: (3C,),
    dw_proj: (C, C), db_proj: (C,)
    """
    q, k, v, att, scale = cache["q"], cache["k"], cache["v"], cache["att"], cache["scale"]
    B, H, T, D = q.shape
    dy, dw_proj, db_proj = linear_backward(dout, cache["proj"])  # (B, T, C)
    dy = dy.reshape(B, T, H, D).transpose(0, 2, 1, 3)             # (B, H, T, D)
    datt = dy @ v.transpose(0, 1, 3, 2).copy()                    # (B, H, T, T)
    # dq, dk, dv go straight into one array, in the order q, k, v came out of qkv.
    dqkv = np.empty((3, B, H, T, D), dtype=dy.dtype)              # (3, B, H, T, D)
    np.matmul(att.transpose(0, 1, 3, 2), dy, out=dqkv[2])        # dv = att^T dy
    # Softmax backward, row by row: dscores = att * (datt - sum_j att_j datt_j).
    # Masked entries have att = 0, so they receive no gradient.
    dscores = att * (datt - row_sum(att * datt))                  # (B, H, T, T)
    dscores *= scale
    np.matmul(dscores, k, out=dqkv[0])                            # dq = dscores k
    np.matmul(dscores.transpose(0, 1, 3, 2), q, out=dqkv[1])      # dk = dscores^T q
    dqkv = dqkv.transpose(1, 3, 0, 2, 4).reshape(B, T, 3 * H * D)  # (B, T, 3C)
    dx, dw_qkv, db_qkv = linear_backward(dqkv, cache["qkv"])      # (B, T, C)
    return dx, dw_qkv, db_qkv, dw_proj, db_proj


# -------------------------------------------------------------------------------- MLP
def mlp_forward(x, w_fc, b_fc, w_proj, b_proj):
    """Position-wise feed-forward network: linear -> GELU -> linear.

    x: (B, T, C), w_fc: (C, F), b_fc: (F,), w_proj: (F, C), b_proj: (C,)  ->  out: (B, T, C)
    The cache's ``"hidden"`` entry is the GELU output (B, T, F).
    """
    h, fc_cache = linear_forward(x, w_fc, b_fc)          # (B, T, F)
    a, gelu_cache = gelu_forward(h)                      # (B, T, F)
    out, proj_cache = linear_forward(a, w_proj, b_proj)  # (B, T, C)
    return out, {"fc": fc_cache, "gelu": gelu_cache, "proj": proj_cache, "hidden": a}


def mlp_backward(dout, cache):
    """Gradients of ``mlp_forward``.

    dout: (B, T, C)  ->  dx: (B, T, C), dw_fc: (C, F), db_fc: (F,), dw_proj: (F, C),
    db_proj: (C,)
    """
    da, dw_proj, db_proj = linear_backward(dout, cache["proj"])  # (B, T, F)
    dh = gelu_backward(da, cache["gelu"])                        # (B, T, F)
    dx, dw_fc, db_fc = linear_backward(dh, cache["fc"])          # (B, T, C)
    return dx, dw_fc, db_fc, dw_proj, db_proj


# ----------------------------------------------------------------- transformer block
#: Names of one block's parameters (prefixed with "h<i>." in the model).
BLOCK_PARAMS = ("ln1.g", "ln1.b", "attn.w_qkv", "attn.b_qkv", "attn.w_proj", "attn.b_proj",
                "ln2.g", "ln2.b", "mlp.w_fc", "mlp.b_fc", "mlp.w_proj", "mlp.b_proj")


def block_forward(x, p, n_head):
    """One pre-LayerNorm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)).

    x: (B, T, C); p: dict with the keys of ``BLOCK_PARAMS``  ->  out: (B, T, C).
    The cache also keeps, for display, ``"attn_out"`` (B, T, C), the attention's
    contribution to the residual stream.
    """
    a_in, ln1_cache = layer_norm_forward(x, p["ln1.g"], p["ln1.b"])           # (B, T, C)
    a_out, attn_cache = attention_forward(a_in, p["attn.w_qkv"], p["attn.b_qkv"],
                                          p["attn.w_proj"], p["attn.b_proj"], n_head)
    x1 = x + a_out                                                            # (B, T, C)
    m_in, ln2_cache = layer_norm_forward(x1, p["ln2.g"], p["ln2.b"])          # (B, T, C)
    m_out, mlp_cache = mlp_forward(m_in, p["mlp.w_fc"], p["mlp.b_fc"],
                                   p["mlp.w_proj"], p["mlp.b_proj"])          # (B, T, C)
    out = x1 + m_out                                                          # (B, T, C)
    cache = {"ln1": ln1_cache, "attn": attn_cache, "ln2": ln2_cache, "mlp": mlp_cache,
             "attn_out": a_out}
    return out, cache


def block_backward(dout, cache):
    """Gradients of ``block_forward``.

    dout: (B, T, C)  ->  dx: (B, T, C), grads: dict with the keys of ``BLOCK_PARAMS``
    """
    g = {}
    # out = x1 + mlp(ln2(x1)): the residual passes dout straight through to x1.
    dm_in, g["mlp.w_fc"], g["mlp.b_fc"], g["mlp.w_proj"], g["mlp.b_proj"] = \
        mlp_backward(dout, cache["mlp"])
    dx1_ln, g["ln2.g"], g["ln2.b"] = layer_norm_backward(dm_in, cache["ln2"])
    dx1 = dout + dx1_ln                                                       # (B, T, C)
    # x1 = x + attn(ln1(x))
    da_in, g["attn.w_qkv"], g["attn.b_qkv"], g["attn.w_proj"], g["attn.b_proj"] = \
        attention_backward(dx1, cache["attn"])
    dx_ln, g["ln1.g"], g["ln1.b"] = layer_norm_backward(da_in, cache["ln1"])
    dx = dx1 + dx_ln                                                          # (B, T, C)
    return dx, g
