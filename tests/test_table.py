"""The display table: per-column number formatting, alignment, None, the three renderings."""
import json

import numpy as np
import pytest

from genai_lab.display.table import Table, column_formatter


def test_a_float_column_gets_one_number_of_decimals():
    t = Table("", ("loss",), [(5.508,), (0.8483,), (1.2,)])
    assert [row[0] for row in t.cells()] == ["5.5080", "0.8483", "1.2000"]


def test_decimals_follow_the_smallest_value():
    fmt = column_formatter([0.0123, 0.5, 0.0], digits=3)
    assert [fmt(v) for v in (0.0123, 0.5, 0.0)] == ["0.0123", "0.5000", "0.0000"]


def test_none_shows_as_the_word_the_caller_chooses():
    rows = [("top-k", 10), ("top-p", None)]
    assert Table("", ("filter", "value"), rows).cells()[1][1] == "-"
    assert Table("", ("filter", "value"), rows, none="off").cells()[1][1] == "off"


def test_numbers_are_right_aligned_in_text_and_html():
    t = Table("T", ("word", "p"), [("sun", 0.5), ("moon", 0.25)])
    lines = str(t).splitlines()
    assert lines[3].endswith("0.5000") and lines[4].endswith("0.2500")
    assert lines[1].index("p") > lines[1].index("word")
    html = t._repr_html_()
    assert html.count('<td class="num">') == 2 and html.count("<td>") == 2


def test_mixed_columns_are_not_treated_as_numbers():
    t = Table("", ("value",), [("high",), (3,)])
    assert '<td class="num">' not in t._repr_html_()


def test_json_keeps_the_raw_values():
    t = Table("T", ("k", "p"), [("a", np.float32(0.5)), ("b", None)], caption="c")
    assert json.loads(t.to_json()) == {"title": "T", "caption": "c",
                                       "rows": [{"k": "a", "p": 0.5}, {"k": "b", "p": None}]}


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="row 1 has 1 cells, expected 2"):
        Table("", ("a", "b"), [(1, 2), (3,)])


def test_a_column_can_fix_its_decimals_and_a_wrong_column_name_is_refused():
    rows = [(0, 0.004), (1, 0.6738)]          # alone, 0.004 would ask for 6 decimals
    assert [r[1] for r in Table("", ("epoch", "acc"), rows).cells()] == ["0.004000", "0.673800"]
    fixed = Table("", ("epoch", "acc"), rows, decimals={"acc": 3})
    assert [r[1] for r in fixed.cells()] == ["0.004", "0.674"]
    with pytest.raises(ValueError, match="does not have"):
        Table("", ("epoch", "acc"), rows, decimals={"accuracy": 3})
    with pytest.raises(ValueError, match="decimals must be an int"):
        Table("", ("epoch", "acc"), rows, decimals={"acc": -1}).cells()
