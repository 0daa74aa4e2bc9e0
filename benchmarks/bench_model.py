"""Training speed of the numpy TransformerLM, against the same model in PyTorch CPU, in one run.

Prints (nothing is asserted; speed is not a test), for forward + backward + optimizer step
at the default config, B = 32 sentences of T = 16 tokens:
  - tokens per wall second (the whole run, and its fastest 10 steps in a row), tokens per
    CPU second, ms per step split into phases, and minor page faults per step, for every
    configuration below;
  - the ratio of the best numpy to the best PyTorch wall time (> 1: numpy is faster);
  - the time of an actual 5-epoch run (1410 steps) of numpy with the automatic worker count,
    and of the course's own default training (real corpus, evaluation and samples included);
  - the machine's load average at the start and at the end: other work on the machine slows
    every figure, so compare figures of the same run, not of different runs.

Configurations, each in a fresh subprocess with ONE BLAS thread (OPENBLAS_NUM_THREADS=1 is
read once, when numpy is imported):
  numpy, whole batch      model.loss_and_grads on all 32 rows, one process
  numpy, 2 shards x 1     what training does on a busy machine: two shards of 16 rows, one
                          after the other, in one process (genai_lab.parallel)
  numpy, 2 shards x 2     what training does with two free CPUs: the two shards at the same
                          time, in the calling process and one forked worker process
  torch, 1 and 2 threads  the same architecture, config, batch and AdamW settings in PyTorch
                          (only when asked: --torch-path DIR or $GENAI_LAB_TORCH_PATH adds
                          DIR to sys.path in the torch subprocess; the course never needs it)
Every configuration runs once per round and the rounds repeat (--rounds), so the
configurations are interleaved in time and a burst of other work hits all of them; each
figure is the best round. CPU time counts the worker process too (from /proc).

Run: ``make benchmark`` or ``.venv/bin/python benchmarks/bench_model.py [--quick]
[--rounds N] [--torch-path DIR]``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

import numpy as np

from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.optim import Adam, AdamConfig
from genai_lab.parallel import ShardedGradients, auto_workers, usable_cpus

TORCH_PATH_ENV = "GENAI_LAB_TORCH_PATH"


@dataclass(frozen=True)
class BenchConfig:
    vocab_size: int = 250        # about the course corpus' word vocabulary
    batch_size: int = 32         # sentences per step
    seq_len: int = 16            # tokens per padded sentence (~12 words + BOS/EOS + pad)
    n_sentences: int = 9000      # training set size for the epoch projection
    epochs: int = 5              # epochs for the projection and the actual run
    timed_steps: int = 60        # steps timed per configuration and round
    warmup_steps: int = 5        # untimed steps first (allocator, caches)
    seed: int = 0                # data and weights


def synthetic_data(cfg: BenchConfig, rng: np.random.Generator):
    """(n_sentences, seq_len) ids and next-token targets; the last 0-4 positions are padding."""
    ids = rng.integers(1, cfg.vocab_size, (cfg.n_sentences, cfg.seq_len))
    lengths = rng.integers(cfg.seq_len - 4, cfg.seq_len + 1, cfg.n_sentences)
    pad = np.arange(cfg.seq_len)[None, :] >= lengths[:, None]
    ids[pad] = 0                                                   # padding id 0
    targets = np.concatenate([ids[:, 1:], np.zeros((cfg.n_sentences, 1), ids.dtype)], axis=1)
    return ids, targets


def steps_per_epoch(cfg: BenchConfig) -> int:
    return math.ceil(cfg.n_sentences / cfg.batch_size)


def cpu_seconds_of(pids) -> float:
    """User + system CPU seconds of other (child) processes so far, from /proc (Linux)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def time_steps(phases, batches, warmup: int, steps: int, child_pids=()) -> dict:
    """Run ``steps`` steps, each a list of (phase name, function of (x, y)) called in order.

    Returns ms per step (wall, CPU incl. child processes, and per phase) and page faults.
    """
    for i in range(warmup):
        for _, fn in phases:
            fn(*batches[i % len(batches)])
    spent = {name: 0.0 for name, _ in phases}
    block, block_start, best_block = 10, time.perf_counter(), math.inf
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start, cpu_start = time.perf_counter(), time.process_time() + cpu_seconds_of(child_pids)
    for i in range(steps):
        x, y = batches[i % len(batches)]
        for name, fn in phases:
            t = time.perf_counter()
            fn(x, y)
            spent[name] += time.perf_counter() - t
        if (i + 1) % block == 0:                 # the fastest 10 steps in a row: the speed
            now = time.perf_counter()            # when other work left the CPUs alone
            best_block, block_start = min(best_block, (now - block_start) / block), now
    wall = (time.perf_counter() - start) / steps
    cpu = (time.process_time() + cpu_seconds_of(child_pids) - cpu_start) / steps
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall_ms": wall * 1e3, "cpu_ms": cpu * 1e3, "best_block_ms": best_block * 1e3,
            "phases_ms": {k: v / steps * 1e3 for k, v in spent.items()},
            "faults": (after.ru_minflt - usage.ru_minflt) / steps}


def bench_numpy(cfg: BenchConfig, data, shards: int, workers: int) -> dict:
    ids, targets = data
    model = TransformerLM(GPTConfig(vocab_size=cfg.vocab_size), seed=cfg.seed)
    opt = Adam(model.params, AdamConfig())
    B = cfg.batch_size
    batches = [(ids[i:i + B], targets[i:i + B]) for i in range(0, B * 20, B)]
    grads = {}
    with ShardedGradients(model, shards=shards, workers=workers) as sharded:

        def fwd_bwd(x, y):
            grads["loss"], grads["g"] = sharded.loss_and_grads(x, y, ignore_index=0)

        phases = [("forward+backward", fwd_bwd), ("optimizer", lambda x, y: opt.step(grads["g"]))]
        result = time_steps(phases, batches, cfg.warmup_steps, cfg.timed_steps,
                            sharded.worker_pids)
        result["workers"] = sharded.workers
    if shards == 1:  # forward alone, timed separately: backward = (forward + backward) - forward
        alone = time_steps([("forward", lambda x, y: model.loss(x, y))], batches,
                           cfg.warmup_steps, cfg.timed_steps)
        p = result["phases_ms"]
        p["forward"] = alone["phases_ms"]["forward"]
        p["backward"] = p.pop("forward+backward") - p["forward"]
        result["phases_ms"] = {k: p[k] for k in ("forward", "backward", "optimizer")}
    result["label"] = f"numpy, {shards} shard{'s' * (shards > 1)} x {result['workers']}"
    return result


def numpy_full_run(cfg: BenchConfig, data, workers: int | None) -> dict:
    """The actual 5-epoch run: shuffled batches, cosine-free Adam, the training loop's shards."""
    ids, targets = data
    model = TransformerLM(GPTConfig(vocab_size=cfg.vocab_size), seed=cfg.seed)
    opt = Adam(model.params, AdamConfig())
    rng = np.random.default_rng(cfg.seed)
    B = cfg.batch_size
    start = time.perf_counter()
    with ShardedGradients(model, shards=2, workers=workers) as sharded:
        for _ in range(cfg.epochs):
            order = rng.permutation(cfg.n_sentences)
            for i in range(0, cfg.n_sentences, B):
                rows = order[i:i + B]
                loss, grads = sharded.loss_and_grads(ids[rows], targets[rows], ignore_index=0)
                opt.step(grads)
        used = sharded.workers
    return {"seconds": time.perf_counter() - start, "loss": loss, "workers": used}


def course_training() -> dict:
    """The course's own default training (genai_lab.pretrained.train_default, no cache):
    the real corpus, 5 epochs, evaluation and milestone samples included."""
    from genai_lab.pretrained import train_default
    from genai_lab.train import TrainConfig

    start = time.perf_counter()
    trained = train_default(TrainConfig(progress=False))
    return {"seconds": time.perf_counter() - start, "epochs": trained.trace.total_seconds,
            "per_epoch": [e.seconds for e in trained.trace.epochs],
            "val_loss": trained.trace.final_val_loss}


def bench_torch(cfg: BenchConfig, data, threads: int) -> dict:
    import torch
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
    state = {}

    def forward(x, y):
        logits = model(x)
        state["loss"] = F.cross_entropy(logits.reshape(-1, gcfg.vocab_size), y.reshape(-1),
                                        ignore_index=0)

    def backward(x, y):
        opt.zero_grad(set_to_none=True)
        state["loss"].backward()

    def optimizer(x, y):
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.grad_clip)
        opt.step()

    ids, targets = data
    B = cfg.batch_size
    batches = [(torch.from_numpy(ids[i:i + B]), torch.from_numpy(targets[i:i + B]))
               for i in range(0, B * 20, B)]
    result = time_steps([("forward", forward), ("backward", backward), ("optimizer", optimizer)],
                        batches, cfg.warmup_steps, cfg.timed_steps)
    result["label"] = f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    return result


# ------------------------------------------------------------------ the parent process
def run_worker(kind: str, args, **options) -> dict | None:
    """One measurement in a fresh process; returns its JSON result, or None if it failed."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind,
           "--steps", str(args.steps), "--options", json.dumps(options)]
    if kind == "torch":
        env["OMP_NUM_THREADS"] = str(options["threads"])
        env[TORCH_PATH_ENV] = args.torch_path
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        print(f"  {kind} {options} failed:\n{proc.stderr.strip()}", flush=True)
        return None
    return json.loads(lines[-1][len("RESULT "):])


def torch_available(path: str | None) -> str:
    """'' if torch imports from ``path`` in a subprocess, else the reason it does not."""
    if not path:
        return (f"not requested (give --torch-path DIR or ${TORCH_PATH_ENV}=DIR, a folder "
                "holding the torch package, e.g. from pip install --target DIR torch)")
    code = "import sys; sys.path.insert(0, sys.argv[1]); import torch; print(torch.__version__)"
    proc = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"not importable from {path}: {last}"
    return ""


def load() -> str:
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())


def show(res: dict, tokens: int) -> str:
    phases = ", ".join(f"{k} {v:.2f}" for k, v in res["phases_ms"].items())
    return (f"{res['label']:30s} {tokens / res['wall_ms'] * 1e3:9,.0f} "
            f"{tokens / res['best_block_ms'] * 1e3:9,.0f} {tokens / res['cpu_ms'] * 1e3:9,.0f}"
            f" {res['wall_ms']:7.2f}  {res['faults']:6.0f}   {phases}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the actual 5-epoch run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all configurations")
    parser.add_argument("--steps", type=int, default=BenchConfig.timed_steps,
                        help="timed steps per configuration and round")
    parser.add_argument("--torch-path", default=os.environ.get(TORCH_PATH_ENV, ""),
                        help=f"folder holding torch (default ${TORCH_PATH_ENV}); "
                             "omitted: no PyTorch comparison")
    parser.add_argument("--worker", choices=("numpy", "torch", "full", "course"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--options", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cfg = BenchConfig(timed_steps=args.steps)
    data = synthetic_data(cfg, np.random.default_rng(cfg.seed))
    options = json.loads(args.options)
    if args.worker:
        if args.worker == "torch":
            sys.path.insert(0, os.environ[TORCH_PATH_ENV])
            result = bench_torch(cfg, data, options["threads"])
        elif args.worker == "numpy":
            result = bench_numpy(cfg, data, options["shards"], options["workers"])
        elif args.worker == "full":
            result = numpy_full_run(cfg, data, options.get("workers"))
        else:
            result = course_training()
        result["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("RESULT " + json.dumps(result))
        return 0

    cpus = usable_cpus()
    tokens = cfg.batch_size * cfg.seq_len
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {cpus} CPU(s); "
          f"load average (1/5/15 min) at the start: {load()}")
    print(f"malloc: MALLOC_MMAP_THRESHOLD_={os.environ.get('MALLOC_MMAP_THRESHOLD_', 'unset')}, "
          f"MALLOC_TRIM_THRESHOLD_={os.environ.get('MALLOC_TRIM_THRESHOLD_', 'unset')}")
    configs = [("numpy", {"shards": 1, "workers": 1}), ("numpy", {"shards": 2, "workers": 1}),
               ("numpy", {"shards": 2, "workers": min(2, cpus)})]
    missing = torch_available(args.torch_path)
    if missing:
        print(f"torch: {missing}; PyTorch comparison skipped")
    else:
        configs += [("torch", {"threads": 1}), ("torch", {"threads": min(2, cpus)})]
    best: dict[str, dict] = {}
    for r in range(1, args.rounds + 1):
        print(f"\nround {r}/{args.rounds} (load {load()})\n"
              f"  {'configuration':30s} {'tok/wall s':>9s} {'best 10':>9s} {'tok/CPU s':>9s}"
              f" {'ms/step':>7s}  {'faults':>6s}   phases (ms per step)", flush=True)
        for kind, opts in configs:
            res = run_worker(kind, args, **opts)
            if res is None:
                continue
            print("  " + show(res, tokens), flush=True)
            if res["label"] not in best or res["wall_ms"] < best[res["label"]]["wall_ms"]:
                best[res["label"]] = res

    print(f"\nbest of {args.rounds} rounds, B={cfg.batch_size}, T={cfg.seq_len}, "
          f"forward + backward + optimizer step:")
    for res in best.values():
        print("  " + show(res, tokens) + f"   (max RSS {res['max_rss_mib']:.0f} MiB)")
    numpy_best = min((r for k, r in best.items() if k.startswith("numpy")),
                     key=lambda r: r["wall_ms"], default=None)
    torch_best = min((r for k, r in best.items() if k.startswith("torch")),
                     key=lambda r: r["wall_ms"], default=None)
    if numpy_best and torch_best:
        print(f"ratio   best numpy / best torch, wall time: "
              f"{torch_best['wall_ms'] / numpy_best['wall_ms']:.2f} "
              f"({numpy_best['label']} vs {torch_best['label']}; > 1 means numpy is faster)")
        for key, what in (("best_block_ms", "fastest 10 steps"), ("cpu_ms", "CPU time")):
            nb = min(r[key] for k, r in best.items() if k.startswith("numpy"))
            tb = min(r[key] for k, r in best.items() if k.startswith("torch"))
            print(f"ratio   best numpy / best torch, {what}: {tb / nb:.2f}")
    if numpy_best:
        total = cfg.epochs * steps_per_epoch(cfg)
        print(f"numpy   projected {cfg.epochs} epochs x {cfg.n_sentences} sentences "
              f"({total} steps) at the best step time: {total * numpy_best['wall_ms'] / 1e3:.1f} s")
    if not args.quick:
        workers = auto_workers(2)
        run = run_worker("full", args, workers=workers)
        if run:
            print(f"numpy   actual    {cfg.epochs} epochs, 2 shards x {run['workers']} "
                  f"worker(s) (automatic): {run['seconds']:.1f} s "
                  f"(final batch loss {run['loss']:.3f} on random tokens)")
        course = run_worker("course", args)
        if course:
            epochs = ", ".join(f"{t:.2f}" for t in course["per_epoch"])
            print(f"numpy   the course's default training (pretrained.train_default, 5 epochs, "
                  f"automatic workers): {course['epochs']:.1f} s in its epochs ({epochs}), "
                  f"{course['seconds']:.1f} s with data preparation; final validation loss "
                  f"{course['val_loss']:.4f}")
    print(f"load average (1/5/15 min) at the end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
