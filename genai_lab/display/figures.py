"""Figures for the book: a colour-blind-safe style and figures that carry their alt text.

* ``PALETTE`` is the Okabe-Ito palette (safe for the common colour-vision deficiencies);
  ``MARKERS`` and ``LINESTYLES`` go with it so no series is told apart by colour alone
  (defined in ``display.palette``, the one palette, and re-exported here).
* :func:`new_figure` makes a matplotlib ``Figure`` (not registered with pyplot, so it is not
  shown twice) whose axes cycle through colour, marker and line style together.
* :func:`figure_with_alt` turns a figure into a displayable object whose HTML is
  ``<img alt="...">``: the alt text is written next to the code that draws the figure and
  reaches the book's HTML (MyST-NB keeps ``text/html`` outputs as they are). In a terminal it
  prints the alt text.

A plain ``plt.show()`` image gets no alt text in the book; the other documented way is the
cell metadata ``{"mystnb": {"image": {"alt": "..."}}}`` (MyST-NB ``render_image_options``).

    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [1, 0], label="loss")
    >>> shown = figure_with_alt(fig, "A line falling from 1 to 0.")
    >>> 'alt="A line falling from 1 to 0."' in shown._repr_html_()
    True
"""
from __future__ import annotations

import base64
import html
import io
import textwrap
from dataclasses import dataclass
from typing import Sequence

from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from genai_lab.checks import check_float, check_int, check_str
from genai_lab.display.palette import BORDER_COLORS, COLORS, LINESTYLES, MARKERS, PALETTE

@dataclass(frozen=True)
class FigureStyle:
    """Sizes for the book's figures."""

    width: float = 7.0      # inches: fits the book's text column at 100% zoom
    height: float = 4.0     # inches
    dpi: int = 110          # pixels per inch of the PNG shown in the book
    font_size: float = 11.0  # points, for tick labels, legends and titles

    def __post_init__(self) -> None:
        check_float("width", self.width, minimum=0.5, maximum=40.0)
        check_float("height", self.height, minimum=0.5, maximum=40.0)
        check_int("dpi", self.dpi, minimum=30, maximum=600)
        check_float("font_size", self.font_size, minimum=4.0, maximum=40.0)


def style_cycler():
    """The property cycle of the book: colour, marker and line style change together."""
    return (cycler(color=list(PALETTE)) + cycler(marker=list(MARKERS))
            + cycler(linestyle=list(LINESTYLES)))


def new_figure(nrows: int = 1, ncols: int = 1, *, style: FigureStyle | None = None,
               **subplot_kw) -> tuple[Figure, Axes | Sequence[Axes]]:
    """A new ``Figure`` with ``nrows x ncols`` axes styled for the book.

    Returns ``(fig, ax)`` like ``plt.subplots``: ``ax`` is one ``Axes`` for a 1 x 1 grid, an
    array of axes otherwise. The figure is not registered with pyplot, so show it with
    :func:`figure_with_alt` (it never pops up twice or leaks memory).
    """
    nrows = check_int("nrows", nrows, minimum=1, maximum=8)
    ncols = check_int("ncols", ncols, minimum=1, maximum=8)
    style = FigureStyle() if style is None else style
    if not isinstance(style, FigureStyle):
        raise TypeError(f"style must be a FigureStyle, got {type(style).__name__}")
    fig = Figure(figsize=(style.width, style.height), dpi=style.dpi, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    for ax in (axes.flat if hasattr(axes, "flat") else [axes]):
        ax.set_prop_cycle(style_cycler())
        ax.tick_params(labelsize=style.font_size)
        ax.title.set_fontsize(style.font_size + 1)
        ax.xaxis.label.set_fontsize(style.font_size)
        ax.yaxis.label.set_fontsize(style.font_size)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig, axes


class FigureWithAlt:
    """A rendered figure and its alt text: ``<img alt=...>`` in Jupyter/the book, text in a terminal."""

    def __init__(self, png: bytes, alt: str, caption: str = "") -> None:
        self.png = png
        self.alt = alt
        self.caption = caption

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        img = (f'<img class="genai-figure" src="data:image/png;base64,{data}" '
               f'alt="{html.escape(self.alt, quote=True)}" '
               'style="max-width:100%;height:auto;">')
        cap = (f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else "")
        return f'<figure class="genai-figure" style="margin:0;">{img}{cap}</figure>'

    def __str__(self) -> str:
        return f"[figure] {self.alt}" + (f"\n{self.caption}" if self.caption else "")

    def __repr__(self) -> str:
        return f"FigureWithAlt(alt={self.alt!r}, {len(self.png)} PNG bytes)"

    def save(self, path) -> None:
        """Write the PNG to ``path``."""
        with open(path, "wb") as handle:
            handle.write(self.png)


def figure_with_alt(fig: Figure, alt: str, *, caption: str = "",
                    dpi: int | None = None) -> FigureWithAlt:
    """Render ``fig`` to PNG and attach ``alt`` (what the figure shows, in words).

    The alt text should say what a reader would see ("Loss falls from 3.1 to 0.9 over 20
    epochs"), built from the same numbers the figure plots. The figure is closed in pyplot if
    pyplot knew it, so Jupyter does not show it a second time without alt text.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    alt = check_str("alt", alt, allow_empty=False).strip()
    check_str("caption", caption)
    if dpi is not None:
        dpi = check_int("dpi", dpi, minimum=30, maximum=600)
    buffer = io.BytesIO()
    # No "Software" metadata: the same figure gives the same bytes (a stable build cache).
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi, metadata={"Software": None})
    _close_in_pyplot(fig)
    return FigureWithAlt(buffer.getvalue(), alt, caption)


def _close_in_pyplot(fig: Figure) -> None:
    """Close ``fig`` if pyplot manages it (figures from plt.subplots); otherwise do nothing."""
    import matplotlib.pyplot as plt

    if getattr(fig.canvas, "manager", None) is not None:
        plt.close(fig)


def stage_diagram(labels: Sequence[str], *, title: str = "", highlight: int | None = None,
                  style: FigureStyle | None = None) -> tuple[Figure, str]:
    """Boxes joined by arrows, left to right: the stages of a pipeline.

    Returns ``(fig, alt)``; ``alt`` lists the stages in order. ``highlight`` (a 0-based
    index) draws that box with a thick dashed border and a filled colour, so it stands out
    without relying on colour.
    """
    if isinstance(labels, str) or not labels:
        raise ValueError(f"labels must be a non-empty sequence of strings, got {labels!r}")
    labels = [check_str(f"labels[{i}]", lab, allow_empty=False) for i, lab in enumerate(labels)]
    if highlight is not None:
        highlight = check_int("highlight", highlight, minimum=0, maximum=len(labels) - 1)
    style = FigureStyle() if style is None else style
    n = len(labels)
    fig = Figure(figsize=(max(style.width, 1.6 * n), 2.0), dpi=style.dpi)
    ax = fig.add_axes((0, 0, 1, 0.82 if title else 1.0))
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1)
    ax.axis("off")
    box_w = 0.8
    for i, label in enumerate(labels):
        chosen = i == highlight
        ax.add_patch(_box(i + 0.1, box_w, BORDER_COLORS[i % len(BORDER_COLORS)], chosen))
        wrapped = "\n".join(textwrap.wrap(label, width=13, break_long_words=False))
        ax.text(i + 0.5, 0.5, f"{i + 1}\n{wrapped}", ha="center", va="center",
                fontsize=style.font_size - 1,
                fontweight="bold" if chosen else "normal")
        if i < n - 1:
            ax.annotate("", xy=(i + 1.1, 0.5), xytext=(i + 0.9, 0.5),
                        arrowprops=dict(arrowstyle="->", color="#000000", lw=1.5))
    if title:
        fig.suptitle(title, fontsize=style.font_size + 1)
    steps = ", then ".join(f"{i + 1} {label}" for i, label in enumerate(labels))
    alt = f"Diagram of {n} boxes joined by arrows, left to right: {steps}."
    if highlight is not None:
        alt += f" Box {highlight + 1} ({labels[highlight]}) is highlighted."
    return fig, alt


def _box(x: float, width: float, color: str, chosen: bool):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, 0.18), width, 0.64, boxstyle="round,pad=0.02",
                          facecolor="#eeeeee" if chosen else "#ffffff", edgecolor=color,
                          linewidth=3.5 if chosen else 2.0,
                          linestyle="--" if chosen else "-", alpha=1.0)


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str = "",
              xlabel: str = "", ylabel: str = "", highlight: int | None = None,
              value_format: str = "{:.2f}",
              style: FigureStyle | None = None) -> tuple[Figure, str]:
    """A bar chart with each value written on its bar; returns ``(fig, alt)``.

    Bars are hatched (the highlighted one differently), so they read without colour.
    """
    if isinstance(labels, str) or len(labels) == 0 or len(labels) != len(values):
        raise ValueError(f"labels and values must be non-empty sequences of the same length, "
                         f"got {len(labels)} labels and {len(values)} values")
    labels = [str(lab) for lab in labels]
    values = [check_float(f"values[{i}]", v) for i, v in enumerate(values)]
    if highlight is not None:
        highlight = check_int("highlight", highlight, minimum=0, maximum=len(labels) - 1)
    fig, ax = new_figure(style=style)
    colors = [COLORS["highlight"] if i == highlight else COLORS["train"]
              for i in range(len(values))]
    hatches = ["xx" if i == highlight else "//" for i in range(len(values))]
    bars = ax.bar(labels, values, color=colors, edgecolor="#000000", hatch=hatches)
    for bar, value in zip(bars, values):
        ax.annotate(value_format.format(value), (bar.get_x() + bar.get_width() / 2,
                                                 bar.get_height()),
                    ha="center", va="bottom", fontsize=9)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    pairs = "; ".join(f"{lab}: {value_format.format(v)}" for lab, v in zip(labels, values))
    alt = f"Bar chart{' of ' + title if title else ''}. {pairs}."
    if highlight is not None:
        alt += f" The bar for {labels[highlight]} is highlighted."
    return fig, alt
