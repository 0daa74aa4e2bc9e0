"""The pipeline trace records what the stages did, at the seed's configuration too."""
import json

import numpy as np
import pytest

from genai_lab.display.table import Table, format_value
from genai_lab.pipeline import LazyFeatures, pipeline_trace


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
def seed_trace():
    return pipeline_trace(n_samples=10000, seq_len=50, dim=768, seed=0)


def test_seed_configuration_shapes(seed_trace):
    assert seed_trace[1].output_shape == (10000,)
    assert seed_trace[2].input_shape == (10000,)
    assert seed_trace[2].output_shape == (10000, 50)
    assert seed_trace[3].output_shape == (10000, 50, 768)
    assert "[CLS]=101" in seed_trace[2].operation and "[SEP]=102" in seed_trace[2].operation
    assert "1.54 GB" in seed_trace[3].example


def test_trace_agrees_with_the_computation():
    """The example ids in stage 2 are what the tokenizer produces for the stage-1 text."""
    from genai_lab.corpus import default_corpus
    from genai_lab.wordpiece import WordPieceTokenizer
    trace = pipeline_trace(n_samples=50, seq_len=12, dim=16, seed=3)
    first = default_corpus(n_samples=50, seed=3)[0]
    assert trace[1].example == repr(first)
    ids = WordPieceTokenizer.course().encode(first, seq_len=12)
    assert str(ids[:12]).rstrip("]") in trace[2].example.replace(", ...]", "")
    assert trace[3].output_shape == (50, 12, 16)


def test_trace_renders_and_serialises():
    trace = pipeline_trace(n_samples=20, seq_len=8, dim=4, seed=1)
    assert [s.stage for s in trace.stages] == [1, 2, 3]
    assert "Feature engineering" in str(trace)
    assert "<table" in trace._repr_html_()
    data = json.loads(json.dumps(trace.to_dict()))
    assert data["stages"][2]["output_shape"] == [20, 8, 4]


def test_lazy_features_match_eager_computation():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 10, size=(6, 5))
    table = rng.standard_normal((10, 3))
    pos = rng.standard_normal((5, 3))
    feats = LazyFeatures(ids, table, pos)
    assert feats.shape == (6, 5, 3)
    np.testing.assert_array_equal(feats[2:4], table[ids[2:4]] + pos)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples must be >= 1"),
    ({"seq_len": 1}, "seq_len must be >= 2"),
    ({"dim": -3}, "dim must be >= 1"),
    ({"n_samples": 2.5}, "n_samples must be an integer"),
    ({"stages": (1, 3)}, "without gaps"),
    ({"stages": ()}, "without gaps"),
    ({"stages": (0,)}, "stage must be >= 1"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        pipeline_trace(**kwargs)
