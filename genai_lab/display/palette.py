"""The course's one palette: colour-blind-safe colours, markers and line styles.

No matplotlib here, so code that only names a colour (a training record, a prediction
chart) can import it cheaply; ``display.figures`` builds the matplotlib style from it.
"""
from __future__ import annotations

from types import MappingProxyType

# Okabe & Ito (2008), "Color Universal Design": black first, then orange, sky blue, bluish
# green, yellow, blue, vermillion, reddish purple.
PALETTE: tuple[str, ...] = ("#000000", "#E69F00", "#56B4E9", "#009E73",
                            "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
# One marker and one line style per palette entry: series differ in shape as well as colour.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":", "-", "--", "-.", ":")
# Named colours for the book's recurring meanings (train vs validation, right vs wrong),
# all taken from PALETTE.
COLORS = MappingProxyType({"train": "#0072B2", "validation": "#D55E00", "baseline": "#000000",
                           "floor": "#009E73", "right": "#009E73", "wrong": "#D55E00",
                           "highlight": "#E69F00"})
# Palette entries with enough contrast on white for a box border (no yellow, no sky blue).
BORDER_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00",
                                  "#000000")
