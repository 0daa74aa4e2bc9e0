"""The course's question bank: at least ten questions per chapter, easy to hard, with feedback.

The question types live in :mod:`genai_lab.bank.questions` and are re-exported here:
:class:`SingleChoice`, :class:`SeveralChoice`, :class:`NumberQuestion` (a number to compute,
with typical mistakes) and :class:`ReadCode` (read a piece of code or a trace). Each chapter
has one module, ``chNN_<name>.py``, whose ``QUESTIONS`` compute their numbers with the package
itself (``genai_lab.softmax``, ``genai_lab.corpus``, ...), so no answer key is typed by hand.

``BANK`` maps each chapter's file name (``"09_softmax_activation"``) to its questions;
:func:`records` gives the JSON-ready form the "test yourself" page draws its tests from;
:func:`chapter_quiz` picks a chapter's in-page quiz (single-answer questions, easiest first)
and :func:`as_quiz` turns single-answer questions into ``genai_lab.display.quiz`` questions,
so a quiz rendered with ``render_quiz(as_quiz(...))`` comes from the same bank.

    >>> from genai_lab.bank import BANK, questions
    >>> len(BANK)
    11
    >>> all(len(questions(chapter=c)) >= 10 for c in BANK)
    True
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from genai_lab.bank import (ch01_data_collection, ch02_preprocessing, ch03_feature_engineering,
                            ch04_model_training, ch05_generation, ch06_input_tokenization,
                            ch07_embedding_layer, ch08_neural_network_layers,
                            ch09_softmax_activation, ch10_word_selection, ch11_key_insight)
from genai_lab.bank.questions import (KINDS, LEVELS, Mistake, NumberQuestion, Option, Question,
                                      ReadCode, SeveralChoice, SingleChoice, run_snippet)
from genai_lab.checks import check_str
from genai_lab.display import quiz

__all__ = ["BANK", "CHAPTER_TITLES", "KINDS", "LEVELS", "Mistake", "NumberQuestion", "Option",
           "Question", "ReadCode", "SeveralChoice", "SingleChoice", "as_quiz", "by_id", "chapter_quiz",
           "questions", "records", "run_snippet"]

_MODULES = (ch01_data_collection, ch02_preprocessing, ch03_feature_engineering,
            ch04_model_training, ch05_generation, ch06_input_tokenization, ch07_embedding_layer,
            ch08_neural_network_layers, ch09_softmax_activation, ch10_word_selection,
            ch11_key_insight)

# The chapter titles as the book's table of contents shows them.
CHAPTER_TITLES: Mapping[str, str] = MappingProxyType({
    "01_data_collection": "Stage 1: Data collection",
    "02_preprocessing": "Stage 2: Preprocessing",
    "03_feature_engineering": "Stage 3: Feature engineering",
    "04_model_training": "Stage 4: Model training",
    "05_generation": "Stage 5: Generation",
    "06_input_tokenization": "Layer 1: Input tokenization",
    "07_embedding_layer": "Layer 2: The embedding layer",
    "08_neural_network_layers": "Layer 3: Neural network layers",
    "09_softmax_activation": "Layer 4: Softmax activation",
    "10_word_selection": "Layer 5: Word selection",
    "11_key_insight": "The key insight",
})

BANK: Mapping[str, tuple[Question, ...]] = MappingProxyType(
    {module.CHAPTER: tuple(module.QUESTIONS) for module in _MODULES})


def _check_unique() -> None:
    seen: dict[str, str] = {}
    for chapter, items in BANK.items():
        if chapter not in CHAPTER_TITLES:
            raise ValueError(f"chapter {chapter!r} has no title in CHAPTER_TITLES")
        for q in items:
            if q.qid in seen:
                raise ValueError(f"question id {q.qid!r} is used twice")
            if q.qid[:2] != chapter[:2]:
                raise ValueError(f"question {q.qid!r} is filed under chapter {chapter!r}")
            seen[q.qid] = chapter


_check_unique()


def questions(chapter: str | None = None, level: str | None = None,
              kind: str | None = None) -> tuple[Question, ...]:
    """The bank's questions, optionally only one chapter's, one level's and/or one kind's."""
    if chapter is not None and chapter not in BANK:
        raise ValueError(f"chapter must be one of {list(BANK)}, got {chapter!r}")
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    chapters = [chapter] if chapter is not None else list(BANK)
    return tuple(q for c in chapters for q in BANK[c]
                 if (level is None or q.level == level) and (kind is None or q.kind == kind))


def by_id(qid: str) -> Question:
    """The question with id ``qid``; ValueError if there is none."""
    check_str("qid", qid)
    for items in BANK.values():
        for q in items:
            if q.qid == qid:
                return q
    raise ValueError(f"no question has id {qid!r}")


def records() -> list[dict]:
    """Every question as a JSON-ready dict, with its chapter key and chapter title."""
    out = []
    for chapter, items in BANK.items():
        for q in items:
            record = q.to_dict()
            record["chapter"] = chapter
            record["chapter_title"] = CHAPTER_TITLES[chapter]
            out.append(record)
    return out


def chapter_quiz(chapter: str, n: int = 3) -> tuple[SingleChoice, ...]:
    """Up to ``n`` of a chapter's single-answer questions for its in-page quiz, easiest first."""
    if chapter not in BANK:
        raise ValueError(f"chapter must be one of {list(BANK)}, got {chapter!r}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    one_answer = [q for q in BANK[chapter] if isinstance(q, SingleChoice)]
    one_answer.sort(key=lambda q: LEVELS.index(q.level))  # stable: bank order within a level
    return tuple(one_answer[:n])


def as_quiz(items) -> tuple[quiz.Question, ...]:
    """Single-answer bank questions (or their ids) as questions of ``display.quiz``.

    Labels are A, B, C, ... in the bank's order; the feedback is the bank's, option by option.
    """
    if isinstance(items, (str, SingleChoice)):
        items = [items]
    out = []
    for item in items:
        q = by_id(item) if isinstance(item, str) else item
        if not isinstance(q, SingleChoice):
            raise TypeError(f"as_quiz takes single-answer questions, got {q.qid!r} "
                            f"({type(q).__name__})")
        labels = [chr(ord("A") + i) for i in range(len(q.options))]
        out.append(quiz.Question(
            prompt=q.prompt.replace("`", ""),
            options=tuple((label, o.text, o.feedback) for label, o in zip(labels, q.options)),
            correct=labels[next(i for i, o in enumerate(q.options) if o.correct)]))
    if not out:
        raise ValueError("as_quiz needs at least one question")
    return tuple(out)
