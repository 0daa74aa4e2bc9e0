"""Data-parallel gradients: cut each batch into shards and compute them on several cores.

The loss of a batch is the mean over its n kept (not padding) targets. Cut the batch's rows
into shards holding n_1, n_2, ... kept targets; the model gives each shard's mean loss l_s
and its gradient g_s. Then, exactly as for one big batch,

    loss = sum_s (n_s / n) l_s        grads = sum_s (n_s / n) g_s

so the shards can be computed at the same time, in separate processes, and added up.

Why processes and not threads: numpy lets go of Python's global interpreter lock inside
its kernels, but a training step of this small model is hundreds of short kernels with
Python in between, and two threads spent their time handing the lock to each other
(measured: two threads on half a batch each were no faster than one thread on the whole
batch). Each worker process has its own interpreter; the weights and the gradients are
shared through one block of shared memory, so a step sends only the token ids.

The arithmetic does not depend on the number of workers: a batch is always cut into the
same ``shards`` pieces, each is computed by the same code, and they are added in the same
order. One process and two give identical numbers, to the last bit.

Worker processes are started with ``fork`` (Linux only); elsewhere everything runs in the
calling process, with the same numbers.
"""
from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import signal
import sys
import time

import numpy as np

from genai_lab.checks import check_int


def can_fork() -> bool:
    """True where worker processes can be forked (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def usable_cpus() -> int:
    """The number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def idle_cpus(seconds: float = 0.05) -> float:
    """How many CPUs the other processes left idle during the next ``seconds``.

    Read from the kernel's CPU counters (/proc/stat, Linux) before and after a short sleep;
    elsewhere estimated from the 1-minute load average (0 when neither is available).
    """
    def counters() -> tuple[int, int]:
        with open("/proc/stat") as fh:               # "cpu user nice system idle iowait ..."
            ticks = [int(v) for v in fh.readline().split()[1:]]
        return ticks[3] + ticks[4], sum(ticks)       # idle + iowait, all (clock ticks)

    try:
        idle0, total0 = counters()
        time.sleep(seconds)
        idle1, total1 = counters()
    except (OSError, ValueError, IndexError):
        if not hasattr(os, "getloadavg"):
            return 0.0
        return max(0.0, usable_cpus() - os.getloadavg()[0])
    if total1 <= total0:
        return 0.0
    return (idle1 - idle0) / (total1 - total0) * (os.cpu_count() or 1)


def auto_workers(shards: int) -> int:
    """How many processes to use for ``shards`` shards on this machine, now.

    One per shard and per CPU the other processes leave idle (measured over 50 ms), at
    least one; one where worker processes cannot be forked. A second process only helps
    when a CPU is free: on a busy machine the two would wait for each other.
    """
    cpus = usable_cpus()
    if not can_fork() or cpus < 2 or shards < 2:
        return 1
    return max(1, min(shards, cpus, int(idle_cpus() + 0.5)))


#: Size of the calling process's shard (the first), as a share of each other shard's. That
#: process also adds the shards up and takes the optimizer step, about as long as one
#: sentence in 16 takes forward and backward (measured), so a smaller shard lets both
#: processes finish together: 15 and 17 sentences of a batch of 32.
CALLER_SHARE = 15 / 16


def shard_rows(batch: int, shards: int) -> list[slice]:
    """Row ranges of ``shards`` pieces of ``batch`` rows, in order: near-equal, except that
    the first is ``CALLER_SHARE`` as large as the others. Depends on nothing else, so the
    same batch is always cut the same way."""
    weights = np.array([CALLER_SHARE] + [1.0] * (shards - 1))
    bounds = (np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum() * batch).round()
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]


#: How long a process waiting for the other one polls before it sleeps, in seconds. The
#: answer usually comes within a fraction of a millisecond, and waking a sleeping CPU
#: costs more than that: polling made a step 8 % faster with two idle CPUs (medians of
#: nine runs, 4.37 vs 4.74 ms). It is bounded: a busy machine loses at most this per wait.
POLL_SECONDS = 0.002


def _receive(conn):
    """``conn.recv()``, polling for up to ``POLL_SECONDS`` before blocking."""
    deadline = time.perf_counter() + POLL_SECONDS
    while not conn.poll(0) and time.perf_counter() < deadline:
        pass
    return conn.recv()


class _SharedArrays:
    """Named arrays of the shapes of ``like``, living in one block of shared memory."""

    def __init__(self, like: dict[str, np.ndarray], copies: int):
        dtype = np.result_type(*like.values())
        size = sum(a.size for a in like.values())
        self._block = mmap.mmap(-1, max(1, size * dtype.itemsize * copies))  # MAP_SHARED
        flat = np.frombuffer(self._block, dtype=dtype, count=size * copies)
        self.copies = []
        for c in range(copies):
            views, offset = {}, c * size
            for name, a in like.items():
                views[name] = flat[offset:offset + a.size].reshape(a.shape)
                offset += a.size
            self.copies.append(views)


def _serve(conn, model, params: dict[str, np.ndarray], slots: list[dict[str, np.ndarray]]):
    """A worker process: compute the shards it is sent until it receives None."""
    with contextlib.suppress(ValueError):   # (only possible from the main thread)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops us
    model.params = dict(params)          # read the weights the parent publishes each step
    while True:
        try:
            job = _receive(conn)
        except (EOFError, OSError):      # the parent is gone: nothing left to do
            return
        if job is None:
            return
        kind, work = job
        try:
            if kind == "shards":             # [(shard, ids, targets, ignore_index), ...]
                done = []
                for s, ids, targets, ignore_index in work:
                    loss, grads = model.loss_and_grads(ids, targets, ignore_index)
                    for name, g in grads.items():
                        slots[s][name][...] = g
                    done.append((s, (loss, None)))   # the gradients: in the slot
            else:                            # "calls": [(index, fn, args), ...]
                done = [(i, fn(model, *args)) for i, fn, args in work]
            conn.send(("ok", done))
        except Exception as err:  # the parent raises it, as if it had done the work itself
            conn.send(("error", err))


class ShardedGradients:
    """``model.loss_and_grads`` over a batch cut into ``shards`` pieces, on ``workers`` cores.

    Use as a context manager (it starts and stops the worker processes)::

        with ShardedGradients(model, shards=2, workers=2) as sharded:
            loss, grads = sharded.loss_and_grads(ids, targets, ignore_index=0)

    The calling process computes shards too, so ``workers=2`` starts ONE extra process.
    The model's weights may change between calls (the optimizer updates them in place):
    every call hands the current weights to the workers.
    """

    def __init__(self, model, shards: int = 2, workers: int | None = None):
        self.model = model
        self.shards = check_int("shards", shards, minimum=1)
        if workers is not None:
            workers = check_int("workers", workers, minimum=1)
        workers = auto_workers(self.shards) if workers is None else workers
        self.workers = min(workers, self.shards) if can_fork() else 1
        self._children = []                          # (process, connection) per extra worker

    # -------------------------------------------------------------- start and stop
    def __enter__(self) -> "ShardedGradients":
        if self.workers > 1:
            params = self.model.params
            self._params = _SharedArrays(params, 1).copies[0]
            self._slots = _SharedArrays(params, self.shards).copies
            ctx = multiprocessing.get_context("fork")
            for _ in range(self.workers - 1):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_serve, daemon=True,
                                   args=(theirs, self.model, self._params, self._slots))
                proc.start()
                theirs.close()
                self._children.append((proc, mine))
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (idempotent)."""
        for proc, conn in self._children:
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
            conn.close()
        self._children = []

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the extra worker processes (empty when all runs in the caller)."""
        return [proc.pid for proc, _ in self._children]

    def _publish(self) -> None:
        """Copy the model's current weights to where the workers read them."""
        for name, p in self.model.params.items():
            self._params[name][...] = p

    def _collect(self, results: dict) -> None:
        """Every worker's answer, (key, value) pairs, into ``results``; then raise the first
        worker error, if any (after all have answered: none is left for the next call)."""
        failure = None
        for _, conn in self._children:
            try:
                status, done = _receive(conn)
            except EOFError:
                raise RuntimeError("a gradient worker process ended unexpectedly") from None
            if status != "ok":
                failure = failure or done
                continue
            results.update(done)
        if failure is not None:
            raise failure

    # ------------------------------------------------------------------ one batch
    def loss_and_grads(self, ids: np.ndarray, targets: np.ndarray,
                       ignore_index: int = 0) -> tuple[float, dict[str, np.ndarray]]:
        """The batch's loss and gradients, as ``model.loss_and_grads`` would give them.

        ids, targets: (B, T) integer arrays. Returns (loss, grads); with one shard these are
        the model's own numbers, otherwise the shards' sum weighted by kept targets.
        """
        if self.shards == 1:
            return self.model.loss_and_grads(ids, targets, ignore_index)
        ids, targets = np.asarray(ids), np.asarray(targets)
        rows = shard_rows(len(ids), self.shards)
        kept = [int((targets[r] != ignore_index).sum()) for r in rows]   # n_s per shard
        n = sum(kept)
        if n == 0:  # nothing to learn from: let the model raise its own error
            return self.model.loss_and_grads(ids, targets, ignore_index)
        work = [s for s in range(self.shards) if kept[s] > 0]
        mine = work[::self.workers]                      # round robin: the caller first
        if self._children:
            self._publish()
            for w, (_, conn) in enumerate(self._children, start=1):
                conn.send(("shards", [(s, ids[rows[s]], targets[rows[s]], ignore_index)
                                      for s in work[w::self.workers]]))
        results = {}
        try:
            for s in mine:
                results[s] = self.model.loss_and_grads(ids[rows[s]], targets[rows[s]],
                                                       ignore_index)
        except BaseException:
            self._collect(results)           # no answer left behind for the next batch
            raise
        # Add the shards up in shard order, whoever computed them: the same numbers always.
        # The caller's first shard is added while the workers are still computing theirs.
        loss, grads = 0.0, None
        for s in work:
            if s not in results:
                self._collect(results)           # wait for the workers' shards
            weight = kept[s] / n
            shard_loss, shard_grads = results[s]
            if shard_grads is None:                      # a worker's: in its shared slot
                shard_grads = self._slots[s]
            loss += weight * shard_loss
            if grads is None:
                grads = {name: g * weight for name, g in shard_grads.items()}
            else:
                for name, g in shard_grads.items():
                    g *= weight                  # this shard's own array: ours to scale
                    grads[name] += g
        return loss, grads

    # --------------------------------------------------------- other work beside it
    def map(self, fn, arguments: list[tuple]) -> list:
        """``[fn(model, *args) for args in arguments]``, shared out round robin between this
        process and the workers and computed at the same time (for work that only reads the
        model, such as measuring it on two sets of sentences). ``fn`` must be a function at
        the top of a module: it is sent to the workers by name."""
        if not self._children:
            return [fn(self.model, *args) for args in arguments]
        self._publish()
        for w, (_, conn) in enumerate(self._children, start=1):
            conn.send(("calls", [(i, fn, arguments[i])
                                 for i in range(w, len(arguments), self.workers)]))
        results = {}
        try:
            for i in range(0, len(arguments), self.workers):
                results[i] = fn(self.model, *arguments[i])
        finally:
            self._collect(results)
        return [results[i] for i in range(len(arguments))]
