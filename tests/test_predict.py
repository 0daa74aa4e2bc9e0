"""Tests of genai_lab.predict: the five-layer prediction trace equals the real forward pass."""
import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from genai_lab.predict import PredictionTrace, prediction_trace
from genai_lab.sampling import SamplingConfig, select_next
from genai_lab.softmax import softmax
from genai_lab.tokenizer import WordTokenizer
from helpers import make_tiny_model

TEXTS = ["The sun rises in the east.", "The moon rises in the evening.", "A bird sings."]


@pytest.fixture(scope="module")
def tok():
    return WordTokenizer().train(TEXTS)


@pytest.fixture(scope="module")
def model(tok):
    return make_tiny_model(tok.vocab_size, seed=1, n_layer=2, init_scale=0.5)


@pytest.fixture(scope="module")
def trace(model, tok):
    return prediction_trace(model, tok, "The sun rises", seed=0, top=5)


def _ids(tok, text):
    return np.array(tok.encode(text)[:-1])[None, :]  # (1, T): [CLS] + words


def test_five_layers_in_order(trace):
    assert [layer.number for layer in trace.layers] == [1, 2, 3, 4, 5]
    assert [layer.name for layer in trace.layers] == [
        "Input tokenization", "Embedding layer", "Neural network layers",
        "Softmax activation", "Word selection"]


def test_layer1_tokens_and_ids(trace, tok):
    assert trace.tokens == ["[CLS]", "the", "sun", "rises"]
    assert trace.ids == tok.encode("The sun rises")[:-1]
    assert trace.layers[0].values["ids"] == trace.ids


def test_layer2_embeddings_are_the_models_rows(trace, model):
    values = trace.layers[1].values
    T, C = len(trace.ids), model.config.n_embd
    assert values["shape"] == [T, C]
    d = values["shown_dims"]
    wte, wpe = model.params["wte"], model.params["wpe"]
    np.testing.assert_array_equal(values["token_vectors"], wte[trace.ids][:, :d])
    np.testing.assert_array_equal(values["position_vectors"], wpe[:T, :d])
    np.testing.assert_array_equal(values["sum"], (wte[trace.ids] + wpe[:T])[:, :d])


def test_layer3_attention_is_the_recorded_pass(trace, model, tok):
    rec = {}
    model.forward(_ids(tok, "The sun rises"), recorder=rec)
    blocks = trace.layers[2].values["blocks"]
    assert len(blocks) == model.config.n_layer
    for b, blk in enumerate(blocks):
        att = rec["blocks"][b]["attn_weights"][0]  # (H, T, T)
        np.testing.assert_array_equal(blk["attention"], att)
        np.testing.assert_array_equal(blk["attention_last"], att[:, -1, :])
        np.testing.assert_allclose(blk["attention_last"].sum(axis=-1), 1.0, rtol=1e-5)
        hidden = next(s for s in blk["stats"] if s["name"].startswith("MLP"))
        h = rec["blocks"][b]["mlp_hidden"][0].astype(np.float64)
        assert hidden["shape"] == (len(trace.ids), model.config.mlp_ratio * model.config.n_embd)
        assert hidden["mean"] == pytest.approx(h.mean()) and hidden["max"] == h.max()


def test_layer4_probabilities_equal_the_models_output_exactly(trace, model, tok):
    logits = model.forward(_ids(tok, "The sun rises"))  # (1, T, V)
    expected = softmax(logits[0, -1])
    assert trace.probs.dtype == expected.dtype
    assert np.array_equal(trace.probs, expected)
    top = trace.layers[3].values["top"]
    order = np.argsort(-expected, kind="stable")[:5]
    assert [row["id"] for row in top] == order.tolist()
    assert [row["prob"] for row in top] == [float(expected[i]) for i in order]
    assert [row["token"] for row in top] == [tok.id_to_token(int(i)) for i in order]


def test_layer5_is_select_next_on_the_same_logits(model, tok):
    cfg = SamplingConfig("sample", temperature=1.3, top_k=4, top_p=0.9)
    tr = prediction_trace(model, tok, "The moon", sampling=cfg, seed=11)
    logits = model.forward(_ids(tok, "The moon"))[0, -1]
    sel = select_next(logits, cfg, np.random.default_rng(11))
    values = tr.layers[4].values
    assert values["token_id"] == sel.token_id and values["draw"] == sel.draw
    assert (values["method"], values["temperature"], values["top_k"], values["top_p"]) == \
        ("sample", 1.3, 4, 0.9)
    assert tr.chosen == tok.id_to_token(sel.token_id) == values["token"]


def test_greedy_selection_chooses_the_top_probability(model, tok):
    tr = prediction_trace(model, tok, "A bird", sampling=SamplingConfig("greedy"))
    assert tr.chosen == tr.top(1)[0][0]
    assert tr.layers[4].values["draw"] is None


def test_renders_as_text_html_and_json(trace):
    text = str(trace)
    for n, layer in enumerate(trace.layers, start=1):
        assert f"Layer {n}: {layer.name}" in text
    html = trace._repr_html_()
    assert html.count("<table") >= 5 and "Softmax activation" in html
    data = json.loads(json.dumps(trace.to_dict()))
    assert data["tokens"] == trace.tokens and len(data["layers"]) == 5
    assert data["layers"][3]["values"]["top"][0]["prob"] == trace.top(1)[0][1]


def test_plots_are_figures_with_token_labels(trace, model):
    fig = trace.plot_attention(block=1)
    assert isinstance(fig, Figure)
    heads = [ax for ax in fig.axes if ax.get_title().startswith("head")]
    assert len(heads) == model.config.n_head
    assert [t.get_text() for t in heads[0].get_xticklabels()] == trace.tokens
    bars = trace.plot_softmax(top=4)
    ax = bars.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [w for w, _ in trace.top(4)]
    assert [round(p.get_height(), 12) for p in ax.patches] == \
        [round(p, 12) for _, p in trace.top(4)]


def test_empty_text_predicts_the_first_word(model, tok):
    tr = prediction_trace(model, tok, "")
    assert tr.tokens == ["[CLS]"]
    assert isinstance(tr, PredictionTrace)


@pytest.mark.parametrize("kwargs, error", [
    ({"text": 3}, TypeError), ({"top": 0}, ValueError), ({"seed": -2}, ValueError),
    ({"sampling": {"method": "greedy"}}, TypeError)])
def test_bad_arguments_raise(model, tok, kwargs, error):
    args = {"text": "The sun", **kwargs}
    with pytest.raises(error):
        prediction_trace(model, tok, **args)


def test_plot_attention_rejects_a_missing_block(trace):
    with pytest.raises(ValueError, match="block"):
        trace.plot_attention(block=5)


def test_model_must_be_a_transformer(tok):
    with pytest.raises(TypeError, match="TransformerLM"):
        prediction_trace(None, tok, "The sun")
