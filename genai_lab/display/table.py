"""Tables: the course's "show your work" renderer.

A trace records what the code did while it did it, so it can never disagree with the
computation. Every trace renders three ways through a ``Table``: as an HTML table in Jupyter
(``_repr_html_``), as a text table in a terminal (``str``) and as JSON (``to_dict``).
``format_value`` formats one cell; ``to_jsonable`` turns numpy values into JSON-safe ones.
"""
from __future__ import annotations

import html
import json
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

    >>> t = Table("Demo", ("stage", "shape"), [(1, (10000,)), (2, (10000, 50))])
    >>> print(t)  # doctest: +NORMALIZE_WHITESPACE
    Demo
    stage | shape
    ------+-----------
    1     | 10000
    2     | 10000 x 50
    """

    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    caption: str = ""  # one sentence under the table saying what it shows

    def __post_init__(self) -> None:
        self.columns = tuple(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cells, expected {len(self.columns)} "
                                 f"(columns {self.columns})")

    def cells(self) -> list[list[str]]:
        """The rows as display strings."""
        return [[format_value(v) for v in row] for row in self.rows]

    def __str__(self) -> str:
        body = self.cells()
        widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(self.columns)]
        line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
        out = [self.title] if self.title else []
        out.append(line(self.columns))
        out.append("-+-".join("-" * w for w in widths))
        out.extend(line(r) for r in body)
        if self.caption:
            out.append(self.caption)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
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
