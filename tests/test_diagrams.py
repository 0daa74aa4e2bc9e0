"""Tests of genai_lab.display.diagrams: each diagram draws from real values, carries alt text
built from them, and uses only the palette's colours."""
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from genai_lab.display import diagrams
from genai_lab.display.drawing import BLUE, NEUTRALS
from genai_lab.display.figures import FigureWithAlt
from genai_lab.display.palette import PALETTE

ALLOWED = {tuple(round(c, 3) for c in to_rgb(h)) for h in PALETTE + NEUTRALS}


def _on_weight_scale(rgb) -> bool:
    """True if ``rgb`` lies on the white-to-blue line of WEIGHT_CMAP."""
    white, blue = np.ones(3), np.array(to_rgb(BLUE))
    t = np.clip(np.dot(np.array(rgb) - white, blue - white) / np.dot(blue - white, blue - white),
                0, 1)
    return bool(np.allclose(white + t * (blue - white), rgb, atol=0.01))


def colours_used(fig: Figure) -> set[tuple]:
    """Every face, edge, line and text colour drawn on the figure's axes, as rounded RGB."""
    found = set()
    for ax in fig.axes:
        for patch in ax.patches:
            for rgba in (patch.get_facecolor(), patch.get_edgecolor()):
                if rgba[3] > 0:
                    found.add(tuple(round(c, 3) for c in rgba[:3]))
        for artist in list(ax.lines) + [t for t in ax.texts if t.get_text()]:
            found.add(tuple(round(c, 3) for c in to_rgb(artist.get_color())))
    return found


@pytest.fixture
def sentence(tiny_tokenizer):
    ids = tiny_tokenizer.encode("The sun rises in the east.")
    return [tiny_tokenizer.id_to_token(i) for i in ids], ids


@pytest.fixture
def drawn(sentence, tiny_tokenizer, tiny_model):
    """Every diagram, drawn from the tiny tokenizer and model: name -> (Figure, alt)."""
    tokens, ids = sentence
    wte = tiny_model.params["wte"]
    rows = list(range(6))
    recorder = {}
    tiny_model.forward(np.array(ids[:6]), recorder=recorder)
    weights = recorder["blocks"][0]["attn_weights"][0, 0]  # (T, T) head 0
    cfg = tiny_model.config
    return {
        "shift": diagrams.input_target_shift(tokens + ["[PAD]"], ids + [tiny_tokenizer.pad_id],
                                             as_figure=True),
        "embedding": diagrams.embedding_lookup(
            wte[rows, :5], 2, [tiny_tokenizer.id_to_token(i) for i in rows],
            full_shape=wte.shape, as_figure=True),
        "block": diagrams.transformer_block(cfg.n_embd, cfg.n_head, cfg.mlp_ratio,
                                            as_figure=True),
        "qkv": diagrams.qkv_heads(cfg.n_embd, cfg.n_head, len(ids), as_figure=True),
        "mask": diagrams.causal_mask(tokens[:6], as_figure=True),
        "mask weights": diagrams.causal_mask(tokens[:6], weights, as_figure=True),
        "training": diagrams.training_loop(batch_shape=(32, 7), vocab_size=cfg.vocab_size,
                                           loss=1.234, lr=3e-3, grad_clip=1.0, as_figure=True),
        "generation": diagrams.generation_loop(tokens[:3], tokens[3:6], [0.5, 0.25, 0.125],
                                               block_size=cfg.block_size,
                                               vocab_size=cfg.vocab_size,
                                               sampling="greedy", as_figure=True),
    }


def test_every_diagram_draws_with_alt_text_and_palette_colours(drawn):
    assert len(drawn) == 8
    for name, (fig, alt) in drawn.items():
        assert isinstance(fig, Figure), name
        assert len(alt) > 80, name
        odd = {c for c in colours_used(fig) if c not in ALLOWED and not _on_weight_scale(c)}
        assert not odd, f"{name} uses colours outside the palette: {odd}"


def test_default_return_is_a_figure_with_alt_png(sentence):
    tokens, ids = sentence
    shown = diagrams.input_target_shift(tokens, ids)
    assert isinstance(shown, FigureWithAlt)
    assert shown.png.startswith(b"\x89PNG") and 'alt="' in shown._repr_html_()


def test_alt_texts_come_from_the_values(drawn, sentence, tiny_model):
    tokens, ids = sentence
    alt = drawn["shift"][1]
    assert f"{tokens[0]} -> {tokens[1]}" in alt and "1 target(s) are [PAD]" in alt
    row = tiny_model.params["wte"][2, :5]
    shown = [f"{x:+.2f}".replace("-0.00", "+0.00") for x in row]  # no "-0.00" in a diagram
    assert ", ".join(shown) in drawn["embedding"][1]
    assert "15 cells above the diagonal" in drawn["mask"][1]
    cfg = tiny_model.config
    assert f"{cfg.n_head} heads of {cfg.n_embd // cfg.n_head}" in drawn["block"][1]
    assert "here: 1.234" in drawn["training"][1] and "learning rate 0.003" in drawn["training"][1]
    assert "(p=0.25)" in drawn["generation"][1]


def test_block_parameter_count_matches_the_model(tiny_model):
    per_block = sum(a.size for n, a in tiny_model.params.items() if n.startswith("h0."))
    cfg = tiny_model.config
    _, alt = diagrams.transformer_block(cfg.n_embd, cfg.n_head, cfg.mlp_ratio, as_figure=True)
    assert f"The block has {per_block} parameters" in alt


def test_masked_cells_are_drawn_differently_from_zero_weights():
    tokens = ["a", "b", "c"]
    weights = np.array([[1.0, 0, 0], [1.0, 0.0, 0], [0.5, 0.5, 0.0]])  # allowed zeros too
    fig, _ = diagrams.causal_mask(tokens, weights, as_figure=True)
    cells = [p for p in fig.axes[0].patches if p.get_width() == 1]
    hatched = [p for p in cells if p.get_hatch()]
    assert len(hatched) == 3  # exactly the 3 masked cells
    assert all(p.get_facecolor()[:3] != (1.0, 1.0, 1.0) for p in hatched)
    zero = [p for p in cells if not p.get_hatch() and p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(zero) == 2  # the allowed weights of 0 are white, unhatched


@pytest.mark.parametrize("call, error, message", [
    (lambda: diagrams.input_target_shift(["a", "b"], [1, 2]), ValueError, "3 to 14 tokens"),
    (lambda: diagrams.input_target_shift(["a", "b", "c"], [1, 2]), ValueError, "same length"),
    (lambda: diagrams.input_target_shift("abc", [1, 2, 3]), TypeError, "list of token"),
    (lambda: diagrams.embedding_lookup(np.zeros((3, 2)), 3, ["a", "b", "c"]), ValueError,
     "row must be <= 2"),
    (lambda: diagrams.embedding_lookup(np.zeros((3, 2)), 0, ["a", "b"]), ValueError,
     "3 to 3 tokens"),
    (lambda: diagrams.transformer_block(10, 3), ValueError, "divisible"),
    (lambda: diagrams.qkv_heads(64, 4, 0), ValueError, "seq_len must be >= 1"),
    (lambda: diagrams.causal_mask(["a", "b"], np.ones((2, 2)) / 2), ValueError, "causal"),
    (lambda: diagrams.causal_mask(["a", "b"], np.eye(3)), ValueError, "shape"),
    (lambda: diagrams.training_loop(loss=-1.0), ValueError, "loss must be >= 0"),
    (lambda: diagrams.generation_loop(["a"], ["b"], [0.5, 0.5]), ValueError, "one value per"),
    (lambda: diagrams.generation_loop(["a"], as_figure="yes"), TypeError, "as_figure"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
