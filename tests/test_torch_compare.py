"""The numpy TransformerLM against the same architecture built from PyTorch's own layers.

PyTorch is not a course dependency: this file is skipped where torch is not installed.
In float64 the logits, the loss and every parameter's gradient must agree to 1e-5.
"""
from __future__ import annotations

import numpy as np
import pytest

from genai_lab.model import GPTConfig, TransformerLM

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


class TorchBlock(nn.Module):
    def __init__(self, C, H, F_):
        super().__init__()
        self.H = H
        self.ln1, self.ln2 = nn.LayerNorm(C, eps=1e-5), nn.LayerNorm(C, eps=1e-5)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.fc_proj = nn.Linear(C, F_), nn.Linear(F_, C)

    def forward(self, x):                                        # (B, T, C)
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=-1)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)   # (B, H, T, D)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class TorchLM(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        C = cfg.n_embd
        self.wte = nn.Embedding(cfg.vocab_size, C)
        self.wpe = nn.Embedding(cfg.block_size, C)
        self.blocks = nn.ModuleList(TorchBlock(C, cfg.n_head, cfg.mlp_ratio * C)
                                    for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)
        self.lm_head = nn.Linear(C, cfg.vocab_size, bias=False)

    def forward(self, ids):                                      # (B, T) -> (B, T, V)
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.lm_head(self.ln_f(x))


def torch_names(cfg):
    """numpy parameter name -> (torch parameter name, transpose?)."""
    names = {"wte": ("wte.weight", False), "wpe": ("wpe.weight", False),
             "ln_f.g": ("ln_f.weight", False), "ln_f.b": ("ln_f.bias", False),
             "lm_head.w": ("lm_head.weight", True)}
    for i in range(cfg.n_layer):
        t = f"blocks.{i}."
        pairs = [("ln1.g", "ln1.weight", False), ("ln1.b", "ln1.bias", False),
                 ("attn.w_qkv", "qkv.weight", True), ("attn.b_qkv", "qkv.bias", False),
                 ("attn.w_proj", "proj.weight", True), ("attn.b_proj", "proj.bias", False),
                 ("ln2.g", "ln2.weight", False), ("ln2.b", "ln2.bias", False),
                 ("mlp.w_fc", "fc.weight", True), ("mlp.b_fc", "fc.bias", False),
                 ("mlp.w_proj", "fc_proj.weight", True), ("mlp.b_proj", "fc_proj.bias", False)]
        for ours, theirs, tr in pairs:
            names[f"h{i}.{ours}"] = (t + theirs, tr)
    return names


def copy_into_torch(model: TransformerLM) -> TorchLM:
    tmodel = TorchLM(model.config).double()
    tparams = dict(tmodel.named_parameters())
    names = torch_names(model.config)
    assert set(names) == set(model.params) and {n for n, _ in names.values()} == set(tparams)
    with torch.no_grad():
        for ours, (theirs, transpose) in names.items():
            arr = model.params[ours].T if transpose else model.params[ours]
            tparams[theirs].copy_(torch.from_numpy(np.ascontiguousarray(arr)))
    return tmodel


@pytest.mark.parametrize("B,T", [(3, 5), (2, 8)])
def test_logits_loss_and_gradients_match_pytorch(B, T):
    cfg = GPTConfig(vocab_size=13, block_size=8, n_layer=2, n_head=2, n_embd=8,
                    init_scale=0.2, dtype="float64")
    model = TransformerLM(cfg, seed=B)
    for name, arr in model.params.items():                      # non-trivial LN and biases
        if name.endswith((".g", ".b")) or name.split(".")[-1].startswith("b_"):
            arr += 0.1 * np.random.default_rng(len(name)).standard_normal(arr.shape)
    rng = np.random.default_rng(T)
    ids = rng.integers(0, 13, (B, T))
    targets = rng.integers(0, 13, (B, T))
    targets[0, 0] = 0                                          # an ignored position

    tmodel = copy_into_torch(model)
    tlogits = tmodel(torch.from_numpy(ids))
    tloss = F.cross_entropy(tlogits.reshape(-1, 13), torch.from_numpy(targets).reshape(-1),
                            ignore_index=0)
    tloss.backward()

    np.testing.assert_allclose(model.forward(ids), tlogits.detach().numpy(), atol=1e-5, rtol=0)
    loss, grads = model.loss_and_grads(ids, targets, ignore_index=0)
    assert abs(loss - tloss.item()) < 1e-5
    tparams = dict(tmodel.named_parameters())
    for ours, (theirs, transpose) in torch_names(cfg).items():
        tgrad = tparams[theirs].grad.numpy()
        np.testing.assert_allclose(grads[ours], tgrad.T if transpose else tgrad,
                                   atol=1e-5, rtol=0, err_msg=ours)
