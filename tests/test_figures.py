"""Tests of genai_lab.display.figures: alt text reaches the HTML, the palette is distinct, bad input fails."""
from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from genai_lab.display.figures import (MARKERS, PALETTE, LINESTYLES, FigureStyle, bar_chart,  # noqa: E402
                                       figure_with_alt, new_figure, stage_diagram)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_alt_text_is_on_the_img_and_escaped() -> None:
    fig, ax = new_figure()
    ax.plot([0, 1, 2], [3.0, 2.0, 1.0])
    shown = figure_with_alt(fig, 'Loss falls from 3 to 1 "quickly" <fast>')
    page = shown._repr_html_()
    img = re.search(r"<img [^>]*>", page).group(0)
    assert 'alt="Loss falls from 3 to 1 &quot;quickly&quot; &lt;fast&gt;"' in img
    data = re.search(r'src="data:image/png;base64,([^"]+)"', img).group(1)
    assert base64.b64decode(data) == shown.png
    assert shown.png.startswith(PNG_MAGIC)
    assert "Loss falls" in str(shown)


def test_same_figure_same_bytes() -> None:
    def draw():
        fig, ax = new_figure()
        ax.plot([1, 2, 3], [1, 4, 9])
        return figure_with_alt(fig, "squares").png
    assert draw() == draw()


def test_pyplot_figure_is_closed_after_rendering() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    number = fig.number
    figure_with_alt(fig, "a diagonal line")
    assert not plt.fignum_exists(number)


def test_series_differ_in_more_than_colour() -> None:
    assert len(set(PALETTE)) == len(PALETTE) == len(MARKERS) == len(LINESTYLES)
    assert len(set(zip(MARKERS, LINESTYLES))) == len(MARKERS)
    fig, ax = new_figure()
    lines = [ax.plot([0, 1], [i, i + 1])[0] for i in range(3)]
    assert len({line.get_marker() for line in lines}) == 3
    assert len({line.get_color() for line in lines}) == 3


def test_stage_diagram_alt_lists_stages_in_order() -> None:
    fig, alt = stage_diagram(["data", "tokens", "vectors"], highlight=1)
    positions = [alt.index(word) for word in ("1 data", "2 tokens", "3 vectors")]
    assert positions == sorted(positions)
    assert "Box 2 (tokens) is highlighted" in alt
    assert figure_with_alt(fig, alt).png.startswith(PNG_MAGIC)


def test_bar_chart_alt_has_every_value() -> None:
    fig, alt = bar_chart(["sun", "moon"], [0.75, 0.25], title="next word", highlight=0)
    assert "sun: 0.75" in alt and "moon: 0.25" in alt and "sun is highlighted" in alt


@pytest.mark.parametrize("call,error", [
    (lambda: figure_with_alt(new_figure()[0], ""), ValueError),
    (lambda: figure_with_alt(new_figure()[0], "   "), ValueError),
    (lambda: figure_with_alt("not a figure", "alt"), TypeError),
    (lambda: new_figure(0), ValueError),
    (lambda: stage_diagram([]), ValueError),
    (lambda: stage_diagram(["a", "b"], highlight=2), ValueError),
    (lambda: bar_chart(["a"], [1.0, 2.0]), ValueError),
    (lambda: bar_chart(["a"], [float("nan")]), ValueError),
])
def test_bad_input(call, error) -> None:
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("field,value,error", [("width", 0.0, ValueError),
                                               ("dpi", 12, ValueError),
                                               ("font_size", "big", TypeError)])
def test_figure_style_checks_itself(field, value, error):
    with pytest.raises(error, match=field):
        FigureStyle(**{field: value})
