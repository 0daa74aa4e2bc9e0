"""Tests of genai_lab.parallel: sharded gradients equal the whole batch's, for any worker count."""
import os

import numpy as np
import pytest

from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.parallel import ShardedGradients, auto_workers, can_fork, idle_cpus, shard_rows


def _model(dtype="float64", seed=0):
    cfg = GPTConfig(vocab_size=11, block_size=8, n_layer=1, n_head=2, n_embd=8, dtype=dtype)
    return TransformerLM(cfg, seed=seed)


def _batch(rng, B=5, T=6, vocab=11):
    ids = rng.integers(1, vocab, (B, T))
    targets = rng.integers(1, vocab, (B, T))
    targets[0, 3:] = 0                  # padding (ignored) in some rows, a different count each
    targets[3, 1:] = 0
    return ids, targets


def test_shard_rows_cover_the_batch_in_order():
    rows = shard_rows(7, 3)
    assert [(r.start, r.stop) for r in rows] == [(0, 2), (2, 5), (5, 7)]
    assert [(r.start, r.stop) for r in shard_rows(1, 2)] == [(0, 0), (0, 1)]
    assert [(r.start, r.stop) for r in shard_rows(32, 2)] == [(0, 15), (15, 32)]  # caller: fewer
    assert [(r.start, r.stop) for r in shard_rows(8, 2)] == [(0, 4), (4, 8)]


@pytest.mark.parametrize("shards", [2, 3])
def test_sharded_gradients_equal_the_whole_batch(shards):
    rng = np.random.default_rng(1)
    model = _model()
    ids, targets = _batch(rng)
    loss, grads = model.loss_and_grads(ids, targets, ignore_index=0)
    with ShardedGradients(model, shards=shards, workers=1) as sharded:
        s_loss, s_grads = sharded.loss_and_grads(ids, targets, ignore_index=0)
    assert s_loss == pytest.approx(loss, rel=1e-12)
    assert set(s_grads) == set(grads)
    for name in grads:
        np.testing.assert_allclose(s_grads[name], grads[name], rtol=1e-10, atol=1e-14)


def test_one_shard_gives_the_models_own_numbers():
    rng = np.random.default_rng(2)
    model = _model("float32")
    ids, targets = _batch(rng)
    loss, grads = model.loss_and_grads(ids, targets)
    with ShardedGradients(model, shards=1, workers=2) as sharded:
        assert sharded.workers == 1
        s_loss, s_grads = sharded.loss_and_grads(ids, targets)
    assert s_loss == loss
    assert all(np.array_equal(s_grads[k], grads[k]) for k in grads)


@pytest.mark.skipif(not can_fork(), reason="worker processes need fork (Linux)")
def test_two_workers_give_the_same_bits_as_one_while_weights_change():
    rng = np.random.default_rng(3)
    batches = [_batch(rng) for _ in range(3)]
    runs = []
    for workers in (1, 2):
        model = _model("float32", seed=4)
        losses = []
        with ShardedGradients(model, shards=2, workers=workers) as sharded:
            assert sharded.workers == workers
            for ids, targets in batches:
                loss, grads = sharded.loss_and_grads(ids, targets)
                for name, g in grads.items():          # a plain SGD step: the workers
                    model.params[name] -= 0.5 * g       # must see the updated weights
                losses.append(loss)
        runs.append((losses, model.params))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(runs[0][1][k], runs[1][1][k]) for k in runs[0][1])
    assert runs[0][0][0] != runs[0][0][-1]              # the weights did change


@pytest.mark.skipif(not can_fork(), reason="worker processes need fork (Linux)")
def test_a_shard_with_nothing_to_learn_is_skipped():
    rng = np.random.default_rng(5)
    model = _model()
    ids, targets = _batch(rng, B=4)
    targets[2:] = 0                                       # the second shard is all padding
    loss, grads = model.loss_and_grads(ids, targets)
    with ShardedGradients(model, shards=2, workers=2) as sharded:
        s_loss, s_grads = sharded.loss_and_grads(ids, targets)
    assert s_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(s_grads["wte"], grads["wte"], rtol=1e-10, atol=1e-14)
    targets[:] = 0
    with ShardedGradients(model, shards=2, workers=2) as sharded, \
            pytest.raises(ValueError, match="ignore_index"):
        sharded.loss_and_grads(ids, targets)


@pytest.mark.skipif(not can_fork(), reason="worker processes need fork (Linux)")
def test_a_worker_error_is_raised_in_the_caller_and_the_workers_go_on():
    model = _model()
    with ShardedGradients(model, shards=2, workers=2) as sharded:
        ids = np.ones((2, 3), dtype=np.int64)
        targets = np.ones((2, 3), dtype=np.int64)
        targets[1, 0] = 99                                # out of range, in the worker's shard
        with pytest.raises(ValueError, match="99"):
            sharded.loss_and_grads(ids, targets)
        targets[1, 0] = 1
        loss, _ = sharded.loss_and_grads(ids, targets)
        assert loss == pytest.approx(model.loss(ids, targets), rel=1e-12)


def _loss_of(model, ids, targets):
    """A module-level function (workers receive it by name): the model's loss."""
    if ids.shape[0] == 0:
        raise ValueError("no rows")
    return model.loss(ids, targets)


@pytest.mark.parametrize("workers", [1, 2])
def test_map_shares_read_only_work_out(workers):
    rng = np.random.default_rng(6)
    model = _model("float32")
    batches = [_batch(rng) for _ in range(3)]
    expected = [model.loss(ids, targets) for ids, targets in batches]
    with ShardedGradients(model, shards=2, workers=workers) as sharded:
        assert sharded.map(_loss_of, batches) == expected      # in order, same numbers
        model.params["lm_head.w"] *= 2.0                        # the workers see new weights
        changed = [model.loss(ids, targets) for ids, targets in batches]
        assert sharded.map(_loss_of, batches) == changed != expected
        with pytest.raises(ValueError, match="no rows"):
            sharded.map(_loss_of, [batches[0], (batches[0][0][:0], batches[0][1][:0])])
        assert sharded.map(_loss_of, batches[:2]) == changed[:2]   # and they go on


def test_bad_arguments():
    model = _model()
    with pytest.raises(ValueError, match="shards"):
        ShardedGradients(model, shards=0)
    with pytest.raises(TypeError, match="workers"):
        ShardedGradients(model, workers=1.5)
    assert 1 <= auto_workers(2) <= 2
    assert auto_workers(1) == 1
    assert 0.0 <= idle_cpus(0.02) <= os.cpu_count()
