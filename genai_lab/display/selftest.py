"""The "test yourself" page: a question bank rendered into one self-contained HTML block.

:func:`render_selftest` takes the bank as JSON-ready records (``genai_lab.bank.records()``:
dicts with ``id``, ``kind``, ``level``, ``chapter``, ``chapter_title`` and the kind's answer
key) and embeds them, with ``assets/selftest.js`` and ``assets/selftest.css`` inline, in the
output. In the page the script draws a test (by default 4 easy, 3 medium and 3 hard
questions, spread over as many chapters as it can), deterministically from a seed shown on
the page, and scores it there: no kernel, no network. "New test" moves to the next seed;
``?seed=N`` (or ``#seed=N``) in the address opens test N.

This module is part of the display leaf: it knows the records' shape, not the bank module.
"""
from __future__ import annotations

import html
import json
from importlib import resources
from typing import Mapping, Sequence

from genai_lab.checks import check_int, check_str

LEVELS = ("easy", "medium", "hard")
DEFAULT_COUNTS: Mapping[str, int] = {"easy": 4, "medium": 3, "hard": 3}  # a 10-question test
_REQUIRED = ("id", "kind", "level", "prompt", "chapter", "chapter_title")


def _asset(name: str) -> str:
    """The text of ``assets/<name>``, package data installed with genai_lab."""
    return (resources.files("genai_lab.display") / "assets" / name).read_text(encoding="utf-8")


SELFTEST_JS = _asset("selftest.js")
SELFTEST_CSS = _asset("selftest.css")


def _check_records(records: object) -> list[dict]:
    if isinstance(records, (str, bytes)) or not isinstance(records, Sequence):
        raise TypeError(f"records must be a list of question dicts, got {type(records).__name__}")
    if not records:
        raise ValueError("records is empty: there is nothing to draw a test from")
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(f"records[{i}] must be a dict, got {type(record).__name__}")
        missing = [key for key in _REQUIRED if key not in record]
        if missing:
            raise ValueError(f"records[{i}] lacks {missing} (has {sorted(record)})")
        if record["level"] not in LEVELS:
            raise ValueError(f"records[{i}] has level {record['level']!r}, expected one of "
                             f"{LEVELS}")
    return [dict(record) for record in records]


def _check_counts(counts: object, records: list[dict]) -> dict[str, int]:
    if not isinstance(counts, Mapping) or set(counts) - set(LEVELS):
        raise ValueError(f"counts must map levels {LEVELS} to numbers of questions, "
                         f"got {counts!r}")
    out = {level: check_int(f"counts[{level!r}]", counts.get(level, 0), minimum=0)
           for level in LEVELS}
    if sum(out.values()) == 0:
        raise ValueError("counts asks for no question at all")
    for level, n in out.items():
        have = sum(r["level"] == level for r in records)
        if have < n:
            raise ValueError(f"counts asks for {n} {level} questions but the records hold "
                             f"only {have}")
    return out


def _script_json(data: object) -> str:
    """JSON safe inside <script>: no '</' or '<!--' can end or confuse the element."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("<!--", "<\\!--"))


class RenderedSelfTest:
    """A test-yourself block: HTML in Jupyter and in the book, a summary with ``print``."""

    def __init__(self, records: list[dict], counts: dict[str, int], seed: int,
                 link_suffix: str) -> None:
        self.records = records
        self.counts = counts
        self.seed = seed
        self.link_suffix = link_suffix

    def _repr_html_(self) -> str:
        n = sum(self.counts.values())
        attrs = (f'class="genai-selftest" data-seed="{self.seed}" '
                 f'data-counts="{html.escape(json.dumps(self.counts))}" '
                 f'data-link-suffix="{html.escape(self.link_suffix)}" '
                 f'data-bank-size="{len(self.records)}"')
        return "\n".join([
            f"<div {attrs}>",
            f"<style>{SELFTEST_CSS}</style>",
            '<script type="application/json" class="genai-selftest-bank">'
            f"{_script_json(self.records)}</script>",
            f"<noscript><p>This {n}-question test is drawn and scored by a small script in "
            "the page. With scripts turned off, each chapter's own quiz works without "
            "one.</p></noscript>",
            f"<script>{SELFTEST_JS}</script>",
            "</div>"])

    def __str__(self) -> str:
        by_level = ", ".join(f"{sum(r['level'] == lv for r in self.records)} {lv}"
                             for lv in LEVELS)
        draw = ", ".join(f"{n} {lv}" for lv, n in self.counts.items())
        return (f"Test yourself: {draw} questions drawn from {len(self.records)} "
                f"({by_level}), seed {self.seed}; open the page in a browser to take it.")

    def __repr__(self) -> str:
        return f"RenderedSelfTest({len(self.records)} questions, seed={self.seed})"


def render_selftest(records: Sequence[Mapping], *, counts: Mapping[str, int] | None = None,
                    seed: int = 1, link_suffix: str = ".html") -> RenderedSelfTest:
    """Render a test-yourself block drawing ``counts`` questions per level from ``records``.

    seed: the first test's seed (>= 0); the reader can move on to the next seeds.
    link_suffix: appended to a record's ``chapter`` to link the question to its chapter
        (".html" for the built book; "" for no link).
    """
    recs = _check_records(records)
    chosen = _check_counts(DEFAULT_COUNTS if counts is None else counts, recs)
    seed = check_int("seed", seed, minimum=0)
    link_suffix = check_str("link_suffix", link_suffix)
    return RenderedSelfTest(recs, chosen, seed, link_suffix)
