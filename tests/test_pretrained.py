"""Tests of genai_lab.pretrained: the default data, the on-disk cache, loading without the
trainer, and (slow) the required learning result of the course's default model.

The slow tests share ONE training run through the session-scoped ``trained`` fixture
(tests/conftest.py), which trains into a fresh temporary cache (so the result is always
produced by this code).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from genai_lab.generate import DEFAULT_SAMPLING, generation_quality
from genai_lab.pretrained import (MODEL_SOURCES, TrainedModel, cache_key, default_model,
                                  load_trained, prepare_default_data, resolve_cache_dir)
from genai_lab.softmax import softmax
from genai_lab.train import TrainConfig, evaluate

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
# ``trained`` (tests/conftest.py): ONE real training run at the default configuration.
@pytest.mark.slow
def test_default_training_learns_the_language(trained):
    trace = trained.trace
    assert len(trace.epochs) == 5 and trained.config == TrainConfig().to_dict()
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


# ----------------------------------------------------------- using without the trainer
def test_prepare_default_data_is_deterministic_and_split():
    a = prepare_default_data(n_samples=300, seed=2)
    b = prepare_default_data(n_samples=300, seed=2)
    assert a.texts == b.texts and np.array_equal(a.train_ids, b.train_ids)
    assert a.train_ids.shape[0] + a.val_ids.shape[0] == 300 and a.val_ids.shape[0] == 30
    assert a.train_ids.shape[1] == a.val_ids.shape[1] == max(
        len(a.tokenizer.encode(t)) for t in a.texts)  # padded to the longest, none truncated
    assert prepare_default_data(n_samples=300, seed=3).texts != a.texts


def test_loading_a_trained_model_does_not_import_the_trainer(tmp_path):
    saved = default_model(cache_dir=tmp_path, config=TrainConfig(**SMALL)).path
    code = ("import sys\n"
            "from genai_lab.pretrained import load_trained\n"
            f"trained = load_trained({str(saved)!r})\n"
            "assert trained.trace.epochs, 'the record was loaded'\n"
            "print(sorted(m for m in sys.modules if m.startswith('genai_lab.train')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("name", MODEL_SOURCES)
def test_every_model_source_is_part_of_the_cache_key(name, monkeypatch):
    before = cache_key(None)
    original = Path.read_bytes

    def edited(path):
        data = original(path)
        return data + b"\n# edited\n" if path.name == name else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert cache_key(None) != before, f"editing {name} must retrain the default model"


def test_cache_key_follows_the_settings():
    small = TrainConfig(**SMALL).to_dict()
    assert cache_key(small) != cache_key(None)
    assert cache_key(small) != cache_key({**small, "seed": 1})
    assert cache_key(small) == cache_key(dict(small))
