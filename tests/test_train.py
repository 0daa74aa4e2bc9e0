"""Tests of genai_lab.train: the training loop, its config, the schedule, the bigram baseline."""
import math

import numpy as np
import pytest

from genai_lab.milestones import SampleRecord, observe
from genai_lab.optim import AdamConfig
from genai_lab.tokenizer import WordTokenizer
from genai_lab.train import TrainConfig, bigram_baseline, evaluate, learning_rate, train
from helpers import make_tiny_model

# ---------------------------------------------------------------- toy data and model
# Number agreement spans the adjective: a bigram model cannot tell "sings" from "sing"
# after "little", the transformer can.
TOY = [f"{det} little {noun} {verb} ." for det, noun, verb in
       [("a", "bird", "sings"), ("many", "birds", "sing"), ("a", "cat", "sleeps"),
        ("many", "cats", "sleep")]]


@pytest.fixture(scope="module")
def toy():
    tok = WordTokenizer().train(TOY)
    rng = np.random.default_rng(0)
    texts = [TOY[i] for i in rng.integers(0, len(TOY), size=120)]
    ids = tok.encode_batch(texts, seq_len=8)  # (120, 8) with trailing [PAD]
    return tok, ids[:100], ids[100:]


def _toy_model(tok, seed=0):
    return make_tiny_model(tok.vocab_size, seed=seed)  # block 8, 1 layer, 2 heads, width 16


def _quick(**kw):
    args = dict(epochs=3, batch_size=10, progress=False, adam=AdamConfig(lr=1e-2))
    args.update(kw)
    return TrainConfig(**args)


# ---------------------------------------------------------------------- bigram baseline
def test_bigram_baseline_by_hand():
    # train pairs: (2,5) (5,6) (6,3); the [PAD] targets (0) are not counted.
    train_ids = [[2, 5, 6, 3, 0]]
    val_ids = [[2, 5, 3, 0]]
    # alpha = 1, V = 7: P(5|2) = (1+1)/(1+7) = 1/4, P(3|5) = (0+1)/(1+7) = 1/8.
    expected = -(math.log(1 / 4) + math.log(1 / 8)) / 2
    assert bigram_baseline(train_ids, val_ids, vocab_size=7, alpha=1.0) == \
        pytest.approx(expected, rel=1e-12)


def test_bigram_baseline_small_alpha_approaches_counts():
    train_ids = [[2, 4, 3], [2, 5, 3]]  # after 2: 4 or 5 half the time; after 4/5: always 3
    val_ids = [[2, 4, 3]]
    # -(ln 1/2 + ln 1) / 2 = ln(2) / 2
    assert bigram_baseline(train_ids, val_ids, 6, alpha=1e-9) == \
        pytest.approx(math.log(2) / 2, rel=1e-6)


@pytest.mark.parametrize("kwargs, error", [
    ({"train_ids": [1, 2, 3]}, ValueError), ({"val_ids": [[2, 9, 3]]}, ValueError),
    ({"vocab_size": 0}, ValueError), ({"alpha": 0.0}, ValueError),
    ({"val_ids": [[0, 0, 0]]}, ValueError), ({"train_ids": [[2.0, 3.0]]}, TypeError)])
def test_bigram_baseline_bad_input(kwargs, error):
    args = {"train_ids": [[2, 4, 3]], "val_ids": [[2, 4, 3]], "vocab_size": 6, **kwargs}
    with pytest.raises(error):
        bigram_baseline(**args)


# ----------------------------------------------------------------- learning rate
def test_cosine_schedule_falls_from_lr_to_the_minimum():
    lrs = [learning_rate(s, 50, 3e-3, "cosine", 0.1) for s in range(50)]
    assert lrs[0] == pytest.approx(3e-3) and lrs[-1] == pytest.approx(3e-4)
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))
    assert learning_rate(25, 50, 3e-3, "constant") == 3e-3


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"batch_size": 0}, {"val_fraction": 1.0},
                                    {"lr_schedule": "linear"}, {"min_lr_fraction": 2.0}])
def test_train_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)


def test_train_config_rejects_bad_types():
    with pytest.raises(TypeError):
        TrainConfig(adam={"lr": 1e-3})
    with pytest.raises(TypeError):
        TrainConfig(progress="no")


# ----------------------------------------------------------------------- the loop
def test_evaluate_matches_the_models_own_loss(toy):
    tok, _, val = toy
    model = _toy_model(tok)
    loss, acc = evaluate(model, val, batch_size=3)  # uneven chunks: token-weighted mean
    x, y = val[:, :-1], val[:, 1:]
    assert loss == pytest.approx(model.loss(x, y, ignore_index=0), rel=1e-5)
    logits = model.forward(x)
    keep = y != 0
    assert acc == pytest.approx(float((logits.argmax(-1)[keep] == y[keep]).mean()))
    with pytest.raises(ValueError, match="ids"):
        evaluate(model, val[0])  # one sentence must still be a (1, L) batch
    with pytest.raises(ValueError, match="batch_size"):
        evaluate(model, val, batch_size=0)


def test_training_learns_the_toy_language(toy):
    tok, tr, va = toy
    model = _toy_model(tok)
    seen = []
    config = _quick(epochs=8, adam=AdamConfig(lr=3e-2))
    trace = train(model, tr, va, config, tokenizer=tok, on_epoch=seen.append)
    assert [e.epoch for e in trace.epochs] == list(range(1, 9)) and seen == trace.epochs
    assert trace.initial_val_loss == pytest.approx(math.log(tok.vocab_size), rel=0.1)
    assert trace.final_val_loss < 0.5 * trace.initial_val_loss
    # Agreement across "little" is learned: clearly below what word pairs allow.
    assert trace.final_val_loss < 0.8 * trace.bigram
    assert trace.epochs[-1].accuracy > trace.initial_val_accuracy
    assert all(e.steps == 10 and e.tokens > 0 and e.seconds >= 0 for e in trace.epochs)
    assert trace.epochs[-1].lr == pytest.approx(learning_rate(79, 80, 3e-2))
    assert trace.bigram == pytest.approx(bigram_baseline(tr, va, tok.vocab_size))
    final, _ = evaluate(model, va)
    assert trace.final_val_loss == final  # the trace records the model's real loss


def test_on_step_sees_every_step_and_its_records_go_into_the_trace(toy):
    tok, tr, va = toy
    model = _toy_model(tok)
    calls = []

    def on_step(step, epoch, m):
        assert m is model
        calls.append((step, epoch))
        if step % 10 == 0:  # the end of every epoch here (10 steps per epoch), and step 0
            return SampleRecord(step=step, epoch=epoch, n=4, finished=4, grammatical=step // 10,
                                novel=0, distinct=4, valid_pairs=1.0, example="x")
        return "not a record"  # ignored

    trace = train(model, tr, va, _quick(epochs=2), tokenizer=tok, on_step=on_step)
    assert calls == [(k, k / 10) for k in range(21)]
    assert [s.step for s in trace.samples] == [0, 10, 20]
    assert [e.observation for e in trace.epochs] == [observe(s) for s in trace.samples[1:]]
    assert len(trace.step_losses) == 20 and all(v > 0 for v in trace.step_losses)
    # The epoch's train loss is the token-weighted mean of its steps' losses.
    assert min(trace.step_losses[:10]) <= trace.epochs[0].train_loss <= max(trace.step_losses[:10])
    after, _ = evaluate(model, tr[:va.shape[0]])
    assert trace.epochs[-1].train_loss_after == pytest.approx(after, rel=1e-6)
    with pytest.raises(TypeError, match="on_step"):
        train(model, tr, va, _quick(), on_step=3)


def test_same_seed_same_weights_and_trace(toy):
    tok, tr, va = toy
    a, b = _toy_model(tok), _toy_model(tok)
    ta = train(a, tr, va, _quick(epochs=1, seed=5))
    tb = train(b, tr, va, _quick(epochs=1, seed=5))
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert ta.epochs[0].val_loss == tb.epochs[0].val_loss
    c = _toy_model(tok)
    train(c, tr, va, _quick(epochs=1, seed=6))  # another shuffle, other weights
    assert not np.array_equal(a.params["wte"], c.params["wte"])


def test_train_rejects_bad_data(toy):
    tok, tr, va = toy
    model = _toy_model(tok)
    long_rows = np.full((4, 12), 4)  # 12 tokens > block_size + 1 = 9
    with pytest.raises(ValueError, match="block_size"):
        train(model, long_rows, va, _quick())
    with pytest.raises(ValueError, match="outside"):
        train(model, tr + 100, va, _quick())
    with pytest.raises(TypeError):
        train(model, tr, va, {"epochs": 1})
    with pytest.raises(TypeError, match="TransformerLM"):
        train("model", tr, va, _quick())
    with pytest.raises(TypeError, match="on_epoch"):
        train(model, tr, va, _quick(), on_epoch="print")


def test_progress_bar_shows_only_when_asked(toy, capsys):
    tok, tr, va = toy
    train(_toy_model(tok), tr, va, _quick(epochs=1, progress=False))
    assert capsys.readouterr().err == ""
    train(_toy_model(tok), tr, va, _quick(epochs=1, progress=True))
    assert "training" in capsys.readouterr().err  # tqdm writes its text bar to stderr


def test_the_course_models_trace_records_what_it_wrote(trained):
    """default_model passes generate.milestone_sampler: samples at MILESTONE_STEPS and at
    every epoch's end, and each epoch's observation is the sample at its last step."""
    from genai_lab.milestones import MILESTONE_STEPS
    trace = trained.trace
    per_epoch = trace.epochs[0].steps
    ends = [e.epoch * per_epoch for e in trace.epochs]
    assert [s.step for s in trace.samples] == sorted(set(MILESTONE_STEPS) | set(ends))
    by_step = {s.step: s for s in trace.samples}
    assert [e.observation for e in trace.epochs] == [observe(by_step[k]) for k in ends]
    assert by_step[0].grammatical == 0  # the untrained model writes no sentence
    assert by_step[ends[-1]].grammatical_share > by_step[0].grammatical_share
    assert len(trace.step_losses) == ends[-1]
    assert trace.epochs[0].train_loss > trace.epochs[0].train_loss_after
