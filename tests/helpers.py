"""Helpers shared by the tests: tiny models and tokenizers, and a no-warnings block.

pytest puts ``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test file
writes ``from helpers import make_tiny_model``; tests/conftest.py builds its fixtures here.
"""
from __future__ import annotations

import contextlib
import warnings

from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.tokenizer import WordTokenizer

#: The sentences of the tiny tokenizer: two full sentences and a short one.
TINY_TEXTS = ("The sun rises in the east.", "The moon sets in the west!", "the sun sets.")


def make_tiny_tokenizer(texts=TINY_TEXTS) -> WordTokenizer:
    """A word tokenizer trained on ``texts`` (default ``TINY_TEXTS``)."""
    return WordTokenizer().train(list(texts))


def make_tiny_model(vocab_size: int, seed: int = 0, **overrides) -> TransformerLM:
    """A 1-layer, 2-head, 16-wide transformer reading up to 8 tokens (``overrides`` win)."""
    settings = dict(vocab_size=vocab_size, block_size=8, n_layer=1, n_head=2, n_embd=16)
    settings.update(overrides)
    return TransformerLM(GPTConfig(**settings), seed=seed)


@contextlib.contextmanager
def no_warnings():
    """Any warning inside the block (numpy overflow, divide by zero...) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
