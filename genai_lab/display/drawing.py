"""Drawing primitives for the course's diagrams: a unit canvas, boxes, arrows, a cycle.

Shared by ``diagrams``; only Okabe-Ito colours (``palette.PALETTE``) and the light
``NEUTRALS`` are used, and no meaning is carried by colour alone (a diagram adds hatching,
labels or line widths). Every function draws on a matplotlib ``Axes`` in data units.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from genai_lab.checks import check_str
from genai_lab.display.figures import figure_with_alt
from genai_lab.display.palette import PALETTE

BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = PALETTE
#: The non-palette colours a diagram may use: backgrounds, fills and masked cells.
NEUTRALS = ("#ffffff", "#f2f2f2", "#dddddd", "#999999")
#: White to blue, for attention weights from 0 to 1.
WEIGHT_CMAP = LinearSegmentedColormap.from_list("genai_weights", ["#ffffff", BLUE])
DPI = 110  # pixels per inch of the PNG, as figures.FigureStyle


def canvas(width: float, height: float, inches_per_unit: float = 0.55):
    """A figure whose single axes spans [0, width] x [0, height] in data units, no frame."""
    fig = Figure(figsize=(width * inches_per_unit, height * inches_per_unit), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, text="", *, edge=BLACK, face="#ffffff", size=9, hatch=None,
        bold=False, round_=True, lw=1.5, color=BLACK):
    """A box with its lower-left corner at (x, y) and ``text`` in its centre."""
    style = "round,pad=0.02,rounding_size=0.12" if round_ else "square,pad=0"
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=face, edgecolor=edge,
                                linewidth=lw, hatch=hatch))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size,
                color=color, fontweight="bold" if bold else "normal")


def arrow(ax, start, end, *, color=BLACK, lw=1.4, style="-|>", rad=0.0, ls="-"):
    """An arrow from ``start`` to ``end`` (data units); ``rad`` bends it (0 = straight)."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color,
                                 linewidth=lw, linestyle=ls,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0))


def check_tokens(name: str, tokens: Sequence[str], *, minimum: int = 1, maximum: int = 16):
    """``tokens`` as a list of str holding ``minimum`` to ``maximum`` entries, or raise."""
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} must be a list of token strings, got {type(tokens).__name__}")
    tokens = [check_str(f"{name}[{i}]", t) for i, t in enumerate(tokens)]
    if not minimum <= len(tokens) <= maximum:
        raise ValueError(f"{name} must hold {minimum} to {maximum} tokens, got {len(tokens)}")
    return tokens


def finish(fig: Figure, alt: str, as_figure: bool):
    """``(fig, alt)`` if ``as_figure``, else the FigureWithAlt the book displays."""
    if not isinstance(as_figure, bool):
        raise TypeError(f"as_figure must be True or False, got {as_figure!r}")
    return (fig, alt) if as_figure else figure_with_alt(fig, alt)


def cycle(ax, boxes, centre, radius, stretch=1.45, w=4.6, h=1.55):
    """Boxes (label, colour) on an ellipse, clockwise from the top, joined by curved arrows."""
    n = len(boxes)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    points = [(centre[0] + radius * stretch * np.cos(a), centre[1] + radius * np.sin(a))
              for a in angles]
    for (label, color), (x, y) in zip(boxes, points):
        box(ax, x - w / 2, y - h / 2, w, h, label, edge=color, size=9, lw=2.2)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        d = np.array([x1 - x0, y1 - y0])
        d /= np.linalg.norm(d)
        pad = np.array([w / 2 + 0.1, h / 2 + 0.1])
        t0 = min(pad / np.maximum(np.abs(d), 1e-9))  # leave the box along the line
        arrow(ax, (x0 + d[0] * t0, y0 + d[1] * t0), (x1 - d[0] * t0, y1 - d[1] * t0),
              rad=-0.25, lw=1.8)
    return points


def signed(x: float) -> str:
    """A number with its sign and 2 decimals, as in a matrix of weights; never "-0.00"."""
    text = f"{float(x):+.2f}"
    return "+0.00" if text == "-0.00" else text
