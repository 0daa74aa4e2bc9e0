"""The pipeline trace is the course model's own chain; the BERT-base-sized cost is computed."""
import json

import numpy as np
import pytest

from genai_lab.corpus import default_corpus
from genai_lab.data import train_val_split
from genai_lab.display.table import Table, format_value
from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.pipeline import (BERT_BASE, LazyFeatures, measured_flop_rate, parameter_count,
                                pipeline_trace, scale_comparison, scale_cost,
                                training_flops_per_token)


def test_table_renders_text_html_and_json():
    t = Table("Demo", ("stage", "shape"), [(1, (10000,)), (2, (10000, 50))], caption="why")
    text = str(t)
    assert "10000 x 50" in text and text.splitlines()[0] == "Demo"
    html = t._repr_html_()
    assert html.count("<tr>") == 3 and "<th scope=\"col\">shape</th>" in html
    assert json.loads(t.to_json())["rows"][1] == {"stage": 2, "shape": [10000, 50]}


def test_table_escapes_html_and_rejects_ragged_rows():
    t = Table("x", ("a",), [("<script>",)])
    assert "<script>" not in t._repr_html_()
    with pytest.raises(ValueError, match="row 0 has 2 cells, expected 1"):
        Table("x", ("a",), [(1, 2)])


def test_format_value_shapes_and_floats():
    assert format_value((10000, 50, 768)) == "10000 x 50 x 768"
    assert format_value(0.123456) == "0.1235"
    assert format_value(np.arange(20)).endswith("(20 values)]")


@pytest.fixture(scope="module")
def full_trace(trained):
    return pipeline_trace(stages=(1, 2, 3, 4, 5), trained=trained)


def test_every_output_is_the_next_input(full_trace):
    stages = full_trace.stages
    assert [s.stage for s in stages] == [1, 2, 3, 4, 5]
    for before, after in zip(stages, stages[1:]):
        assert after.input_shape == before.output_shape, (before.name, after.name)


def test_shapes_are_the_models_own(full_trace, trained):
    n_train, length = trained.train_ids.shape
    cfg = trained.model.config
    assert full_trace[1].output_shape == (n_train + len(trained.val_ids),)
    assert full_trace[2].output_shape == (n_train, length)
    assert full_trace[3].output_shape == (n_train, length - 1, cfg.n_embd)
    assert full_trace[4].output_shape == (trained.model.num_parameters(),)
    tok = trained.tokenizer
    assert f"[CLS]={tok.cls_id}" in full_trace[2].operation
    assert f"V = {tok.vocab_size}" in full_trace[2].operation


def test_examples_come_from_the_model_objects(full_trace, trained):
    """Stage 2's example is the first training row; stage 3's vector is wte + wpe of the
    trained model, as the model's own forward pass computes it."""
    settings = trained.config
    texts = default_corpus(n_samples=settings["n_samples"], seed=settings["seed"])
    train_texts, _ = train_val_split(texts, settings["val_fraction"], settings["seed"])
    assert full_trace[1].example == repr(texts[0])
    first = [int(i) for i in trained.train_ids[0][:10]]
    assert full_trace[2].example.startswith(repr(train_texts[0]))
    assert str(first)[:-1] in full_trace[2].example
    recorder = {}
    trained.model.forward(trained.train_ids[:1, :-1], recorder=recorder)
    x0 = recorder["x0"][0, 1]                                  # (C,) wte[id] + wpe[1]
    shown = "[" + ", ".join(f"{v:+.2f}" for v in x0[:3]) + ", ...]"
    assert shown in full_trace[3].example
    assert f"{trained.trace.epochs[-1].val_loss:.3f}" in full_trace[4].example
    assert full_trace[5].example.startswith("'The sun' -> 'The sun")


def test_a_disagreeing_cache_is_refused(trained):
    """The trace re-encodes the training split; a model whose table differs is refused."""
    from dataclasses import replace
    broken = replace(trained, train_ids=trained.train_ids[::-1].copy())
    with pytest.raises(RuntimeError, match="did not give the model's training table"):
        pipeline_trace(stages=(1, 2), trained=broken)


def test_trace_renders_and_serialises(trained):
    trace = pipeline_trace(stages=(1, 2, 3), trained=trained)
    assert "Feature engineering" in str(trace)
    assert "<table" in trace._repr_html_()
    data = json.loads(json.dumps(trace.to_dict()))
    assert data["stages"][2]["output_shape"] == list(trace[3].output_shape)


def test_lazy_features_match_eager_computation():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 10, size=(6, 5))
    table = rng.standard_normal((10, 3))
    pos = rng.standard_normal((5, 3))
    feats = LazyFeatures(ids, table, pos)
    assert feats.shape == (6, 5, 3) and feats.nbytes == 6 * 5 * 3 * 8
    np.testing.assert_array_equal(feats[2:4], table[ids[2:4]] + pos)


@pytest.mark.parametrize("config", [
    GPTConfig(vocab_size=50),
    GPTConfig(vocab_size=7, block_size=5, n_layer=3, n_head=3, n_embd=12, mlp_ratio=2),
])
def test_parameter_count_equals_the_model(config):
    assert parameter_count(config) == TransformerLM(config).num_parameters()


def test_flops_grow_with_every_size():
    base = GPTConfig(vocab_size=10, n_embd=8, n_head=2, n_layer=1)
    f = training_flops_per_token(base, 4)
    # 3 x (2 x matrix weights + 4 T C per block): 1 block of 3C^2 + C^2 + 8C^2, C V head
    assert f == 3 * (2 * (12 * 64 + 8 * 10) + 4 * 4 * 8)
    assert training_flops_per_token(base, 5) > f
    assert training_flops_per_token(GPTConfig(vocab_size=10, n_embd=8, n_head=2,
                                              n_layer=2), 4) > f


def test_bert_base_sized_cost():
    cost = scale_cost(BERT_BASE, 10000, 50)
    assert cost.feature_shape == (10000, 50, 768)
    assert cost.feature_bytes == 10000 * 50 * 768 * 4
    assert cost.training_bytes == 16 * cost.parameters
    # BERT-base has about 110 million weights; our decoder at its sizes adds an output
    # layer of V x C: between 110 and 140 million
    assert 110e6 < cost.parameters < 140e6


def test_comparison_uses_the_measured_rate(trained):
    table = scale_comparison(trained)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["feature block (N, T, C)"][1] == "10000 x 50 x 768"
    assert rows["start / end ids"][1] == "[CLS]=101, [SEP]=102"
    rate = measured_flop_rate(trained)
    assert f"{rate / 1e9:.2f} GFLOP/s" in table.caption
    n, length = trained.train_ids.shape
    per_epoch = np.mean([e.seconds for e in trained.trace.epochs])
    ours = scale_cost(trained.model.config, n, length - 1)
    assert rate == pytest.approx(ours.tokens_per_epoch * ours.flops_per_token / per_epoch)


@pytest.mark.parametrize("kwargs, match", [
    ({"stages": (1, 3)}, "without gaps"),
    ({"stages": ()}, "without gaps"),
    ({"stages": (0,)}, "stage must be >= 1"),
    ({"seed": -1}, "seed must be >= 0"),
    ({"prompt": 3}, "prompt"),
    ({"trained": "model"}, "trained must be a TrainedModel"),
])
def test_bad_arguments(kwargs, match, trained):
    kwargs = {"trained": trained, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        pipeline_trace(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples must be >= 1"),
    ({"seq_len": 1}, "seq_len must be >= 2"),
    ({"dim": -3}, "dim must be >= 1"),
    ({"n_samples": 2.5}, "n_samples must be an integer"),
])
def test_bad_comparison_arguments(kwargs, match, trained):
    with pytest.raises((ValueError, TypeError), match=match):
        scale_comparison(trained, **kwargs)
