"""Tables: the course's "show your work" renderer.

A trace records what the code did while it did it, so it can never disagree with the
computation. Every trace renders three ways through a ``Table``: as an HTML table in Jupyter
(``_repr_html_``), as a text table in a terminal (``str``) and as JSON (``to_dict``).
``format_value`` formats one cell; ``column_formatter`` formats a whole column of numbers
the same way (one number of decimals per column, chosen to give every value ``digits``
significant digits); ``to_jsonable`` turns numpy values into JSON-safe ones.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def format_value(value: Any, digits: int = 4) -> str:
    """Format one cell for display: shapes as ``10000 x 50``, floats with ``digits``."""
    if isinstance(value, tuple) and all(isinstance(v, (int, np.integer)) for v in value):
        return " x ".join(str(int(v)) for v in value) if value else "-"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    if isinstance(value, (list, np.ndarray)):
        arr = np.asarray(value)
        if arr.ndim == 1 and arr.size > 12:
            head = ", ".join(format_value(v, digits) for v in arr[:10].tolist())
            return f"[{head}, ... ({arr.size} values)]"
        return "[" + ", ".join(format_value(v, digits) for v in arr.tolist()) + "]"
    return str(value)


def _is_float(value: Any) -> bool:
    return isinstance(value, (float, np.floating)) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def column_formatter(values: list, digits: int = 4, none: str = "-",
                     decimals: int | None = None):
    """One formatter for a whole column: every float gets the same number of decimals.

    The decimals are ``decimals`` if given, else the fewest that give the smallest non-zero
    value ``digits`` significant digits (at most 6); a column of very large or mixed values
    falls back to ``format_value``. ``None`` shows as ``none`` (for a setting that is
    switched off, pass ``none="off"``).
    """
    if decimals is not None and (not isinstance(decimals, int) or not 0 <= decimals <= 12):
        raise ValueError(f"decimals must be an int in 0..12, got {decimals!r}")
    floats = [abs(float(v)) for v in values if _is_float(v) and math.isfinite(float(v))]
    nonzero = [v for v in floats if v > 0]
    if decimals is None and nonzero and max(nonzero) < 1e7:
        decimals = digits - 1 - math.floor(math.log10(min(nonzero)))
        decimals = min(max(decimals, 0), 6)

    def fmt(value: Any) -> str:
        if value is None:
            return none
        if decimals is not None and _is_float(value) and math.isfinite(float(value)):
            return f"{float(value):.{decimals}f}"
        return format_value(value, digits)
    return fmt


def to_jsonable(value: Any) -> Any:
    """``value`` with numpy arrays and scalars turned into lists and Python numbers, tuples
    into lists and dict keys into strings, so that ``json.dumps`` accepts it."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@dataclass
class Table:
    """A titled table of rows; renders as HTML, text and JSON.

    Numbers are formatted per column (the same decimals down a column) and right-aligned;
    ``None`` shows as ``none`` ("-" unless the caller says, e.g. "off").

    >>> t = Table("Demo", ("stage", "shape", "loss"), [(1, (10000,), 2.5), (2, (10000, 50), 0.85)])
    >>> print(t)  # doctest: +NORMALIZE_WHITESPACE
    Demo
    stage | shape      |   loss
    ------+------------+-------
        1 | 10000      | 2.5000
        2 | 10000 x 50 | 0.8500
    """

    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    caption: str = ""  # one sentence under the table saying what it shows
    none: str = "-"  # how a None cell shows ("off" for a setting that is switched off)
    decimals: dict[str, int] = field(default_factory=dict)  # column -> fixed decimals

    def __post_init__(self) -> None:
        self.columns = tuple(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cells, expected {len(self.columns)} "
                                 f"(columns {self.columns})")
        unknown = sorted(set(self.decimals) - set(self.columns))
        if unknown:
            raise ValueError(f"decimals names columns {unknown} that the table does not have "
                             f"(columns {self.columns})")

    def _numeric(self) -> list[bool]:
        """Which columns hold only numbers (and None): those are right-aligned."""
        return [any(_is_number(r[i]) for r in self.rows)
                and all(_is_number(r[i]) or r[i] is None for r in self.rows)
                for i in range(len(self.columns))]

    def cells(self) -> list[list[str]]:
        """The rows as display strings, each column formatted the same way."""
        formatters = [column_formatter([r[i] for r in self.rows], none=self.none,
                                       decimals=self.decimals.get(c))
                      for i, c in enumerate(self.columns)]
        return [[f(v) for f, v in zip(formatters, row)] for row in self.rows]

    def __str__(self) -> str:
        body = self.cells()
        numeric = self._numeric()
        widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(self.columns)]

        def line(cells):
            return " | ".join(c.rjust(w) if num else c.ljust(w)
                              for c, w, num in zip(cells, widths, numeric)).rstrip()
        out = [self.title] if self.title else []
        out.append(line(self.columns))
        out.append("-+-".join("-" * w for w in widths))
        out.extend(line(r) for r in body)
        if self.caption:
            out.append(self.caption)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        numeric = self._numeric()
        cls = lambda num: ' class="num"' if num else ""
        head = "".join(f'<th scope="col"{cls(num)}>{esc(c)}</th>'
                       for c, num in zip(self.columns, numeric))
        body = "".join("<tr>" + "".join(f"<td{cls(num)}>{esc(c)}</td>"
                                        for c, num in zip(row, numeric)) + "</tr>"
                       for row in self.cells())
        cap = esc(self.title) + (f"<br><small>{esc(self.caption)}</small>" if self.caption else "")
        return ('<table class="genai-lab-trace">'
                f'<caption style="caption-side: top; text-align: left"><b>{cap}</b></caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def to_dict(self) -> dict:
        """JSON-safe form: title, caption and one dict per row keyed by column."""
        return {"title": self.title, "caption": self.caption,
                "rows": [{c: to_jsonable(v) for c, v in zip(self.columns, row)}
                         for row in self.rows]}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)
