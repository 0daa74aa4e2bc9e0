"""Adam (with decoupled weight decay, i.e. AdamW) and global-norm gradient clipping.

One step, for every parameter p with gradient g (t counts steps from 1):

    g      <- g * min(1, grad_clip / ||all gradients||)     (global-norm clipping)
    m      <- beta1 m + (1 - beta1) g                       running mean of g
    v      <- beta2 v + (1 - beta2) g^2                     running mean of g^2
    m_hat  =  m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)  (bias correction)
    p      <- p - lr * m_hat / (sqrt(v_hat) + eps)   (lr: the step's, or config.lr)
    p      <- p - lr * weight_decay * p      (only matrices that multiply activations)

Weight decay pulls weights towards 0. It is applied only to 2-D weight matrices that
multiply activations (parameter names ending in ".w", "w_qkv", "w_proj", "w_fc"), never to
biases, layer-norm gains/shifts or the embedding tables (wte, wpe): shrinking a gain or a
token's vector towards 0 has no regularising meaning. ``decays(name)`` says which.
Parameters are updated IN PLACE, so the model's arrays change under the optimizer.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from genai_lab.checks import check_float, check_int


@dataclass(frozen=True)
class AdamConfig:
    """Hyper-parameters of Adam / AdamW."""

    lr: float = 3e-3              # step size; 3e-3 suits a tiny transformer
    beta1: float = 0.9            # decay of the running mean of gradients (momentum)
    beta2: float = 0.99           # decay of the running mean of squared gradients
    eps: float = 1e-8             # keeps the division finite when v_hat is ~0
    weight_decay: float = 0.0     # decoupled (AdamW) decay per unit lr; 0 = plain Adam
    grad_clip: float | None = 1.0  # max global L2 norm of all gradients; None = no clipping

    def __post_init__(self) -> None:
        """Raise TypeError/ValueError naming the first bad field."""
        check_float("lr", self.lr, minimum=0.0, min_inclusive=False)
        check_float("beta1", self.beta1, minimum=0.0, maximum=1.0, max_inclusive=False)
        check_float("beta2", self.beta2, minimum=0.0, maximum=1.0, max_inclusive=False)
        check_float("eps", self.eps, minimum=0.0, min_inclusive=False)
        check_float("weight_decay", self.weight_decay, minimum=0.0)
        if self.grad_clip is not None:
            check_float("grad_clip", self.grad_clip, minimum=0.0, min_inclusive=False)

    def to_dict(self) -> dict:
        return asdict(self)


_DECAYED_SUFFIXES = (".w", "w_qkv", "w_proj", "w_fc")


def decays(name: str) -> bool:
    """True if weight decay applies to the parameter called ``name`` (see module doc)."""
    return name.endswith(_DECAYED_SUFFIXES)


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """L2 norm of all gradients together, as if concatenated into one long vector."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


class Adam:
    """Adam over a dict of named parameter arrays, updated in place by ``step``.

    The gradients, the two moments and the step of ALL parameters are kept in one flat
    vector each (``self.m[name]`` and ``self.v[name]`` are views into them), so every line
    of the update is one numpy operation over every number at once instead of one per
    parameter (24 for the course's model): the same arithmetic, number by number.
    """

    def __init__(self, params: dict[str, np.ndarray], config: AdamConfig | None = None):
        if not isinstance(params, dict) or not params:
            raise TypeError("params must be a non-empty dict of name -> numpy array, got "
                            f"{type(params).__name__}")
        for name, arr in params.items():
            if not isinstance(arr, np.ndarray) or not np.issubdtype(arr.dtype, np.floating):
                raise TypeError(f"parameter {name!r} must be a float numpy array, got "
                                f"{type(arr).__name__}")
        dtypes = sorted({str(arr.dtype) for arr in params.values()})
        if len(dtypes) > 1:
            raise TypeError(f"parameters must share one float dtype, got {dtypes}")
        if config is None:
            config = AdamConfig()
        if not isinstance(config, AdamConfig):
            raise TypeError(f"config must be an AdamConfig, got {type(config).__name__}")
        self.params = params
        self.config = config
        self.t = 0                                                    # steps taken
        size = sum(arr.size for arr in params.values())
        self._flat = {key: np.zeros(size, dtypes[0]) for key in ("g", "m", "v", "step")}
        self._views = {key: self._by_name(flat) for key, flat in self._flat.items()}
        self.m = self._views["m"]                                     # first moments
        self.v = self._views["v"]                                     # second moments

    def _by_name(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Views of ``flat`` with the names and shapes of the parameters, in their order."""
        views, start = {}, 0
        for name, arr in self.params.items():
            views[name] = flat[start:start + arr.size].reshape(arr.shape)
            start += arr.size
        return views

    def step(self, grads: dict[str, np.ndarray], lr: float | None = None) -> float:
        """Update every parameter from ``grads`` (same keys and shapes).

        ``lr`` is this step's learning rate (a schedule passes it step by step); None uses
        ``config.lr``. The config is never changed. Returns the global gradient norm
        measured BEFORE clipping (useful to plot).
        """
        if not isinstance(grads, dict):
            raise TypeError(f"grads must be a dict, got {type(grads).__name__}")
        if set(grads) != set(self.params):
            missing = sorted(set(self.params) - set(grads))
            extra = sorted(set(grads) - set(self.params))
            raise ValueError(f"grads must have the parameters' keys: missing {missing}, "
                             f"unexpected {extra}")
        for name, g in grads.items():
            if np.shape(g) != self.params[name].shape:
                raise ValueError(f"gradient {name!r} has shape {np.shape(g)}, expected "
                                 f"{self.params[name].shape}")
        norm = global_norm(grads)
        if not np.isfinite(norm):
            raise ValueError(f"gradient norm is {norm}: a gradient contains NaN or infinity")
        cfg = self.config
        lr = cfg.lr if lr is None else check_float("lr", lr, minimum=0.0, min_inclusive=False)
        self.t += 1
        bc1 = 1.0 - cfg.beta1 ** self.t                               # bias corrections
        bc2 = 1.0 - cfg.beta2 ** self.t
        g, m, v, step = (self._flat[key] for key in ("g", "m", "v", "step"))
        for name, grad in grads.items():
            self._views["g"][name][...] = grad          # every gradient into one vector
        if cfg.grad_clip is not None and norm > cfg.grad_clip:
            g *= cfg.grad_clip / norm                   # clip: the global norm becomes grad_clip
        m *= cfg.beta1
        np.multiply(g, 1.0 - cfg.beta1, out=step)
        m += step                                       # m = beta1 m + (1 - beta1) g
        v *= cfg.beta2
        np.multiply(g, g, out=step)
        step *= 1.0 - cfg.beta2
        v += step                                       # v = beta2 v + (1 - beta2) g^2
        # step = lr * m_hat / (sqrt(v_hat) + eps), with the bias corrections folded in.
        np.sqrt(v, out=step)
        step *= 1.0 / math.sqrt(bc2)                    # sqrt(v_hat)
        step += cfg.eps
        np.divide(m, step, out=step)
        step *= lr / bc1
        for name, p in self.params.items():
            p_step = self._views["step"][name]
            if cfg.weight_decay and decays(name):
                p_step += (lr * cfg.weight_decay) * p   # decoupled weight decay
            p -= p_step
        return norm

    def state_dict(self) -> dict:
        """Everything needed to resume: step count, config and both moment dicts (copies)."""
        return {"t": self.t, "config": self.config.to_dict(),
                "m": {k: v.copy() for k, v in self.m.items()},
                "v": {k: v.copy() for k, v in self.v.items()}}

    def load_state_dict(self, state: dict) -> None:
        """Restore a ``state_dict``; keys and shapes must match these parameters."""
        if not isinstance(state, dict) or not {"t", "m", "v"} <= set(state):
            raise ValueError("state must be a dict with keys 't', 'm' and 'v' "
                             "(as returned by Adam.state_dict())")
        t = check_int("state['t']", state["t"], minimum=0)
        for key in ("m", "v"):
            moments = state[key]
            if not isinstance(moments, dict) or set(moments) != set(self.params):
                raise ValueError(f"state[{key!r}] must have one entry per parameter")
            for name, arr in moments.items():
                if np.shape(arr) != self.params[name].shape:
                    raise ValueError(f"state[{key!r}][{name!r}] has shape {np.shape(arr)}, "
                                     f"expected {self.params[name].shape}")
        if "config" in state:
            self.config = AdamConfig(**state["config"])
        self.t = t
        for name in self.params:                        # into the flat vectors' views
            self.m[name][...] = state["m"][name]
            self.v[name][...] = state["v"][name]
