"""Tests of genai_lab.train: the training loop, its trace, the bigram baseline, the cache.

The fast tests use tiny data and tiny models. The tests marked ``slow`` check the required
learning result on the real default configuration (5 epochs on the 10,000-sentence default
corpus): they share ONE training run through the session-scoped ``trained`` fixture, which
trains into a fresh temporary cache (so the result is always produced by this code).
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from genai_lab.generate import DEFAULT_SAMPLING, generation_quality
from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.optim import AdamConfig
from genai_lab.softmax import softmax
from genai_lab.tokenizer import WordTokenizer
from genai_lab.train import (EpochRecord, TrainConfig, TrainedModel, TrainingTrace,
                             bigram_baseline, default_model, evaluate, learning_rate,
                             load_trained, observe, resolve_cache_dir, train)

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
    cfg = GPTConfig(vocab_size=tok.vocab_size, block_size=8, n_layer=1, n_head=2, n_embd=16)
    return TransformerLM(cfg, seed=seed)


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


# --------------------------------------------------------------------------- observe
def test_observation_follows_the_numbers():
    ln_v, bigram, floor = 5.5, 1.6, 0.8
    sentences = {v: observe(v, ln_v, bigram, floor) for v in (5.6, 3.0, 1.62, 1.2, 0.82)}
    assert sentences[5.6].startswith("Model is still guessing")
    assert sentences[3.0].startswith("Model starts learning basic word patterns")
    assert sentences[1.62].startswith("Model has learned which words follow which")
    assert sentences[1.2].startswith("Model uses the whole sentence")
    assert sentences[0.82].startswith("Model produces fluent and relevant text")
    assert "2.5%" in sentences[0.82]  # 0.82 / 0.8 - 1
    assert len(set(sentences.values())) == 5


def test_observation_notes_a_rising_loss_and_works_without_references():
    assert "rose from 1.000" in observe(1.1, 5.5, 1.6, 0.8, previous=1.0)
    assert "rose" not in observe(0.9, 5.5, 1.6, 0.8, previous=1.0)
    assert observe(2.0, 5.5).startswith("Model starts learning")
    with pytest.raises(ValueError):
        observe(-1.0, 5.5)


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


# ------------------------------------------------------------------- trace renderings
def _synthetic_trace():
    vals = [3.0, 1.5, 1.0]
    recs = [EpochRecord(epoch=i + 1, train_loss=v + 0.1, val_loss=v, accuracy=0.3 + 0.1 * i,
                        seconds=1.0, observation=observe(v, 5.0, 1.6, 0.9)) for i, v in
            enumerate(vals)]
    return TrainingTrace(epochs=recs, ln_vocab=5.0, initial_val_loss=5.1,
                         initial_val_accuracy=0.0, bigram=1.6, floor=0.9, config={"epochs": 3})


def test_trace_renders_as_text_html_and_json():
    trace = _synthetic_trace()
    text = str(trace)
    assert trace.epochs[1].observation in text and "entropy floor = 0.900" in text
    assert trace.final_over_floor == pytest.approx(1.0 / 0.9)
    assert "<table" in trace._repr_html_() and "bigram baseline" in trace._repr_html_()
    data = json.loads(json.dumps(trace.to_dict()))
    assert data["final_over_floor"] == pytest.approx(1.0 / 0.9)
    again = TrainingTrace.from_dict(data)
    assert again.epochs == trace.epochs and again.floor == trace.floor
    assert "from 5.10 (untrained) to 1.00 after 3 epochs" in trace.alt_text()


def test_ascii_chart_plots_every_epoch():
    trace = _synthetic_trace()
    lines = trace.ascii_chart(width=40, height=10).splitlines()
    assert len(lines) == 2 + 10 + 2  # title, epoch-0 note, plot rows, axis, labels
    assert "5.100" in lines[1]  # the untrained loss is above the range: printed instead
    rows = [line.split("|", 1)[1] for line in lines[2:12]]
    assert rows[0].startswith("^")
    plot = "\n".join(rows)
    assert plot.count("o") + plot.count("@") == 3  # one validation point per epoch
    assert "-" in plot and "." in plot  # floor and bigram reference lines
    assert lines[11].startswith(" 0.900")  # the lowest row is the floor
    assert rows[-1].rstrip().endswith("o")  # the last epoch (1.0) rounds onto the floor row
    with pytest.raises(ValueError):
        trace.ascii_chart(width=3)


def test_ascii_chart_keeps_epoch_zero_in_range_when_it_fits():
    trace = _synthetic_trace()
    trace.initial_val_loss = 2.0  # below the first epoch's 3.0: inside the range
    lines = trace.ascii_chart().splitlines()
    assert "above the chart" not in "\n".join(lines)
    assert "^" not in "\n".join(lines)


def test_plot_has_loss_and_accuracy_panels_with_references():
    fig = _synthetic_trace().plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax, acc_ax = fig.axes
    labels = [line.get_label() for line in loss_ax.get_lines()]
    assert any("floor" in lab for lab in labels) and any("bigram" in lab for lab in labels)
    val_line = loss_ax.get_lines()[0]
    assert list(val_line.get_ydata()) == [5.1, 3.0, 1.5, 1.0]
    assert val_line.get_marker() not in (None, "None", "")
    assert list(acc_ax.get_lines()[0].get_ydata()) == pytest.approx([0.0, 0.3, 0.4, 0.5])


# ------------------------------------------------------------------------- caching
SMALL = dict(n_samples=200, epochs=1, progress=False)


def test_default_model_is_cached_and_reloaded(tmp_path):
    first = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL))
    assert isinstance(first, TrainedModel) and first.path.parent == tmp_path
    assert sorted(p.name for p in first.path.iterdir()) == ["data.npz", "model.npz",
                                                           "trace.json"]
    second = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL))
    assert second.path == first.path
    assert all(np.array_equal(first.model.params[k], second.model.params[k])
               for k in first.model.params)
    assert second.trace.to_dict() == first.trace.to_dict()
    assert np.array_equal(second.val_ids, first.val_ids)
    assert second.tokenizer.to_dict() == first.tokenizer.to_dict()
    other = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL, seed=1))
    assert other.path != first.path  # another configuration, another entry


def test_corrupt_cache_entry_is_retrained(tmp_path):
    first = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL))
    weights = first.path / "model.npz"
    weights.write_bytes(weights.read_bytes()[:100])  # truncated
    with pytest.warns(RuntimeWarning, match="retraining"):
        again = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL))
    assert all(np.array_equal(first.model.params[k], again.model.params[k])
               for k in first.model.params)
    reloaded = load_trained(again.path).trace  # the retrained entry replaced the broken one
    assert [e.val_loss for e in reloaded.epochs] == [e.val_loss for e in first.trace.epochs]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".old"))]


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAI_LAB_CACHE", str(tmp_path / "env"))
    assert resolve_cache_dir() == tmp_path / "env"
    assert resolve_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("GENAI_LAB_CACHE")
    assert resolve_cache_dir() == Path.home() / ".cache" / "genai-lab"
    with pytest.raises(TypeError):
        resolve_cache_dir(3)


def test_default_model_bad_arguments(tmp_path):
    with pytest.raises(TypeError):
        default_model(cache_dir=tmp_path, progress="yes")
    with pytest.raises(TypeError):
        default_model(cache_dir=tmp_path, config={"epochs": 1})


def test_load_trained_errors(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        load_trained(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError):
        load_trained(tmp_path / "empty")


# ------------------------------------------------ the required learning result (slow)
@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """ONE real training run at the default configuration, shared by the slow tests."""
    return default_model(cache_dir=tmp_path_factory.mktemp("genai-lab-cache"))


@pytest.mark.slow
def test_default_training_learns_the_language(trained):
    trace = trained.trace
    assert len(trace.epochs) == 5 and trained.config == TrainConfig()
    losses = [trace.initial_val_loss] + [e.val_loss for e in trace.epochs]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses  # falls every epoch
    assert trace.final_val_loss < 0.7 * trace.bigram  # well below the bigram baseline
    # Close to the floor; not clearly below it, which no model can be (counting [PAD]
    # targets as predictions would be such a bug). 0.97 leaves room for the sampling
    # noise of a 1,000-sentence validation split.
    assert 0.97 < trace.final_over_floor < 1.06, trace.final_over_floor
    final, _ = evaluate(trained.model, trained.val_ids)
    assert final == pytest.approx(trace.final_val_loss, rel=1e-6)  # the trace is the model's
    print(f"\n{trace}\n{trace.ascii_chart()}")


@pytest.mark.slow
def test_bigram_baseline_agrees_with_the_grammar(trained):
    exact = trained.grammar.ngram_entropy_per_token(2)  # best possible bigram loss
    assert trained.trace.bigram == pytest.approx(exact, rel=0.1)
    assert trained.trace.floor == pytest.approx(trained.grammar.entropy_per_token())


@pytest.mark.slow
def test_after_the_sun_ranks_in_the_top_three(trained):
    truth = trained.grammar.next_word_distribution("the")
    assert "sun" in list(truth)[:3]  # the grammar supports it
    tok = trained.tokenizer
    logits = trained.model.forward(np.array([[tok.cls_id, tok.token_to_id("the")]]))
    probs = softmax(logits[0, -1].astype(np.float64))
    top3 = [tok.id_to_token(int(i)) for i in np.argsort(-probs)[:3]]
    assert "sun" in top3, top3


@pytest.mark.slow
def test_default_sampling_writes_grammatical_sentences(trained):
    report = generation_quality(trained.model, trained.tokenizer, trained.grammar, n=200,
                                temperatures=())  # the default setting only
    print(f"\n{report}")
    assert report.default.sampling == DEFAULT_SAMPLING
    assert report.default.acceptance >= 0.95
    assert report.default.distinct >= 50  # not one memorised sentence repeated
