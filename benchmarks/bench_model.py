"""Training speed of the numpy TransformerLM, and of the same model in PyTorch CPU if present.

Prints (nothing is asserted; speed is not a test):
  - training throughput, tokens/s of forward + backward + Adam step, at the default config;
  - the projected time for 5 epochs over 9000 sentences, and the actual time of that run;
  - peak memory: tracemalloc's peak during a few steps, and the process's max RSS;
  - where torch is importable: the same architecture, config, batch and optimizer in PyTorch
    on the CPU, and the ratio of the best throughputs.
Each figure comes from a fresh subprocess, once with the BLAS library's default thread count
and once with ONE thread (OPENBLAS_NUM_THREADS=1; torch.set_num_threads(1)): at these tiny
matrix sizes, and on a machine shared with other work, threads can cost more than they give.
Both also run once more with one thread and glibc malloc told to keep freed memory
(MALLOC_*_ environment variables, see TUNED_MALLOC): informational, Linux only.
Times are wall-clock and CPU (process_time) per step; for a one-thread run the CPU time is
close to what the wall time would be on an idle machine, so it is the fairer comparison
when other work shares the cores.

Run: ``make benchmark`` or ``.venv/bin/python benchmarks/bench_model.py [--quick] [--no-torch]``.
"""
from __future__ import annotations

import argparse
import importlib.util
import math
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.optim import Adam, AdamConfig


@dataclass
class BenchConfig:
    vocab_size: int = 250        # about the course corpus' word vocabulary
    batch_size: int = 32         # sentences per step
    seq_len: int = 16            # tokens per padded sentence (~12 words + BOS/EOS + pad)
    n_sentences: int = 9000      # training set size for the epoch projection
    epochs: int = 5              # epochs for the projection and the actual run
    timed_steps: int = 60        # steps timed for the throughput figure
    warmup_steps: int = 5        # untimed steps first (allocator, BLAS threads)
    seed: int = 0                # data and weights


def synthetic_data(cfg: BenchConfig, rng: np.random.Generator):
    """(n_sentences, seq_len) ids and next-token targets; the last 0-4 positions are padding."""
    ids = rng.integers(1, cfg.vocab_size, (cfg.n_sentences, cfg.seq_len))
    lengths = rng.integers(cfg.seq_len - 4, cfg.seq_len + 1, cfg.n_sentences)
    pad = np.arange(cfg.seq_len)[None, :] >= lengths[:, None]
    ids[pad] = 0                                                   # padding id 0
    targets = np.concatenate([ids[:, 1:], np.zeros((cfg.n_sentences, 1), ids.dtype)], axis=1)
    return ids, targets


def numpy_step(model, opt, ids, targets):
    loss, grads = model.loss_and_grads(ids, targets, ignore_index=0)
    opt.step(grads)
    return loss


def time_steps(step, batches, warmup, steps):
    for i in range(warmup):
        step(*batches[i % len(batches)])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(steps):
        step(*batches[i % len(batches)])
    wall = (time.perf_counter() - start) / steps
    cpu = (time.process_time() - cpu_start) / steps
    after = resource.getrusage(resource.RUSAGE_SELF)
    faults = (after.ru_minflt - usage.ru_minflt) / steps        # pages touched for the 1st time
    sys_ms = (after.ru_stime - usage.ru_stime) / steps * 1e3    # kernel time (page faults)
    return wall, cpu, faults, sys_ms


def steps_per_epoch(cfg: BenchConfig) -> int:
    return math.ceil(cfg.n_sentences / cfg.batch_size)


def bench_numpy(cfg: BenchConfig, data, full_run: bool) -> float:
    ids, targets = data
    model = TransformerLM(GPTConfig(vocab_size=cfg.vocab_size), seed=cfg.seed)
    opt = Adam(model.params, AdamConfig())
    B = cfg.batch_size
    batches = [(ids[i:i + B], targets[i:i + B]) for i in range(0, B * 20, B)]
    sec, cpu, faults, sys_ms = time_steps(lambda x, y: numpy_step(model, opt, x, y), batches,
                                          cfg.warmup_steps, cfg.timed_steps)
    tokens = B * cfg.seq_len
    total_steps = cfg.epochs * steps_per_epoch(cfg)
    print(f"numpy   {model!r}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"numpy   step (fwd+bwd+Adam) {sec * 1e3:7.2f} ms wall, {cpu * 1e3:7.2f} ms CPU   "
          f"{tokens / sec:9,.0f} tokens/s (B={B}, T={cfg.seq_len})")
    print(f"numpy   per step {faults:,.0f} minor page faults, {sys_ms:.2f} ms kernel time")
    print(f"numpy   projected {cfg.epochs} epochs x {cfg.n_sentences} sentences "
          f"({total_steps} steps): {total_steps * sec:6.1f} s")

    tracemalloc.start()
    for x, y in batches[:3]:
        numpy_step(model, opt, x, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"numpy   tracemalloc peak during a step: {peak / 2**20:6.1f} MiB")

    if full_run:
        rng = np.random.default_rng(cfg.seed)
        start = time.perf_counter()
        for _ in range(cfg.epochs):
            order = rng.permutation(cfg.n_sentences)
            for i in range(0, cfg.n_sentences, B):
                rows = order[i:i + B]
                loss = numpy_step(model, opt, ids[rows], targets[rows])
        print(f"numpy   actual    {cfg.epochs} epochs: {time.perf_counter() - start:6.1f} s "
              f"(final batch loss {loss:.3f} on random tokens)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB
    print(f"numpy   process max RSS: {rss:6.1f} MiB")
    return tokens / sec, tokens / cpu


def bench_torch(cfg: BenchConfig, data, threads: int) -> float | None:
    try:
        import torch
    except ImportError:
        print("torch   not installed: PyTorch comparison skipped")
        return None
    from torch import nn
    from torch.nn import functional as F

    torch.manual_seed(cfg.seed)
    torch.set_num_threads(threads)
    gcfg = GPTConfig(vocab_size=cfg.vocab_size)
    C, H = gcfg.n_embd, gcfg.n_head

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
            self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
            self.fc = nn.Linear(C, gcfg.mlp_ratio * C)
            self.fc_proj = nn.Linear(gcfg.mlp_ratio * C, C)

        def forward(self, x):
            B, T, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(C, dim=-1)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
            return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(gcfg.vocab_size, C)
            self.wpe = nn.Embedding(gcfg.block_size, C)
            self.blocks = nn.ModuleList(Block() for _ in range(gcfg.n_layer))
            self.ln_f = nn.LayerNorm(C)
            self.lm_head = nn.Linear(C, gcfg.vocab_size, bias=False)

        def forward(self, ids):
            x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
            for blk in self.blocks:
                x = blk(x)
            return self.lm_head(self.ln_f(x))

    model = LM()
    a = AdamConfig()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(a.beta1, a.beta2), eps=a.eps,
                            weight_decay=a.weight_decay)

    def step(x, y):
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, gcfg.vocab_size), y.reshape(-1), ignore_index=0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.grad_clip)
        opt.step()

    ids, targets = data
    B = cfg.batch_size
    batches = [(torch.from_numpy(ids[i:i + B]), torch.from_numpy(targets[i:i + B]))
               for i in range(0, B * 20, B)]
    sec, cpu, faults, sys_ms = time_steps(step, batches, cfg.warmup_steps, cfg.timed_steps)
    tokens = B * cfg.seq_len
    total_steps = cfg.epochs * steps_per_epoch(cfg)
    print(f"torch   {torch.__version__}, {torch.get_num_threads()} threads, float32, "
          f"{sum(p.numel() for p in model.parameters()):,} params")
    print(f"torch   step (fwd+bwd+AdamW) {sec * 1e3:7.2f} ms wall, {cpu * 1e3:7.2f} ms CPU   "
          f"{tokens / sec:9,.0f} tokens/s")
    print(f"torch   per step {faults:,.0f} minor page faults, {sys_ms:.2f} ms kernel time")
    print(f"torch   projected {cfg.epochs} epochs: {total_steps * sec:6.1f} s")
    return tokens / sec, tokens / cpu


# glibc malloc settings that keep freed memory for reuse instead of returning it to the
# kernel: numpy allocates a fresh array for every intermediate, and re-faulting those pages
# in is a measurable share of a step at this size (informational; Linux/glibc only).
TUNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(64 * 2**20),
                "MALLOC_TRIM_THRESHOLD_": str(256 * 2**20),
                "MALLOC_TOP_PAD_": str(64 * 2**20)}


def run_worker(framework: str, threads: int | None, args,
               tuned_malloc: bool = False) -> tuple[float, float] | None:
    """Benchmark one framework in a fresh process, with the BLAS/torch thread count fixed
    BEFORE numpy starts (OPENBLAS_NUM_THREADS is read once, at import).
    Returns (tokens per wall second, tokens per CPU second), or None if it failed."""
    env = dict(os.environ)
    if framework == "numpy" and threads is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    if tuned_malloc:
        env.update(TUNED_MALLOC)
    cmd = [sys.executable, __file__, "--worker", framework, "--steps", str(args.steps)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    if args.quick or framework != "numpy" or threads != 1 or tuned_malloc:
        cmd.append("--quick")                 # the actual 5-epoch run: numpy, 1 thread only
    label = (f"[{framework}, {threads or 'default'} thread(s)"
             f"{', tuned malloc' if tuned_malloc else ''}]")
    print(f"\n{label}", flush=True)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    print("\n".join(line for line in proc.stdout.splitlines() if not line.startswith("RESULT")))
    if proc.returncode != 0:
        print(f"{label} failed:\n{proc.stderr}")
        return None
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return float(line.split()[1]), float(line.split()[2])
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip the actual 5-epoch run (throughput and projection only)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--steps", type=int, default=BenchConfig.timed_steps,
                        help="timed steps per framework")
    parser.add_argument("--worker", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cfg = BenchConfig(timed_steps=args.steps)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    data = synthetic_data(cfg, np.random.default_rng(cfg.seed))
    if args.worker == "numpy":
        tps, cpu_tps = bench_numpy(cfg, data, full_run=not args.quick)
        print(f"RESULT {tps:.1f} {cpu_tps:.1f}")
        return 0
    if args.worker == "torch":
        result = bench_torch(cfg, data, args.threads or cpus)
        if result is None:
            return 0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"torch   process max RSS: {rss:6.1f} MiB")
        print(f"RESULT {result[0]:.1f} {result[1]:.1f}")
        return 0

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {cpus} CPU(s), "
          f"load average {load:.1f} (other work on the machine slows every figure)")
    results = {}
    for threads, tuned in ((None, False), (1, False), (1, True)):
        results[("numpy", threads, tuned)] = run_worker("numpy", threads, args, tuned)
    if not args.no_torch:
        if importlib.util.find_spec("torch") is None:
            print("\ntorch   not installed: PyTorch comparison skipped")
        else:
            for threads, tuned in ((cpus, False), (1, False), (1, True)):
                results[("torch", threads, tuned)] = run_worker("torch", threads, args, tuned)
    print("\nsummary: tokens/s of forward + backward + optimizer step (B=32, T=16)")
    print("  framework  threads       malloc   per wall second   per CPU second")
    for (framework, threads, tuned), res in results.items():
        shown = f"{res[0]:12,.0f}   {res[1]:14,.0f}" if res else "      failed"
        print(f"  {framework:9s}  {str(threads or 'BLAS default'):12s}  "
              f"{'tuned' if tuned else 'default':7s}  {shown}")
    for i, kind in enumerate(("wall", "CPU")):
        for tuned in (False, True):
            best = {fw: max((r[i] for (f, _, t), r in results.items() if f == fw and t == tuned
                             and r), default=None) for fw in ("numpy", "torch")}
            if best["numpy"] and best["torch"]:
                print(f"ratio   best numpy / best torch ({kind} time, "
                      f"{'tuned' if tuned else 'default'} malloc): "
                      f"{best['numpy'] / best['torch']:.2f} (> 1 means numpy is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
