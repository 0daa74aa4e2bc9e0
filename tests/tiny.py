"""Tiny models and tokenizers for fast tests (imported by tests/conftest.py and test files).

pytest puts ``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml): ``from tiny import
make_tiny_model``.
"""
from __future__ import annotations

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
