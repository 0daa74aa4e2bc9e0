"""Fixtures shared by the tests: a tiny tokenizer, a tiny model, the trained model, and the
browser fixtures of tests/browser.py (loaded as a plugin).

pytest puts the repository root and ``tests/`` on ``sys.path`` (``pythonpath`` in
pyproject.toml), so test files import shared helpers without editing ``sys.path``.
"""
from __future__ import annotations

import pytest

from genai_lab.model import GPTConfig, TransformerLM
from genai_lab.pretrained import default_model
from genai_lab.tokenizer import WordTokenizer

pytest_plugins = ["browser"]  # the Chromium fixtures of the book's browser tests

#: The sentences of the tiny tokenizer: two full sentences and a short one.
TINY_TEXTS = ("The sun rises in the east.", "The moon sets in the west!", "the sun sets.")


def make_tiny_model(vocab_size: int, seed: int = 0, **overrides) -> TransformerLM:
    """A 1-layer, 2-head, 16-wide transformer reading up to 8 tokens (``overrides`` win)."""
    settings = dict(vocab_size=vocab_size, block_size=8, n_layer=1, n_head=2, n_embd=16)
    settings.update(overrides)
    return TransformerLM(GPTConfig(**settings), seed=seed)


@pytest.fixture
def tiny_tokenizer() -> WordTokenizer:
    """A word tokenizer trained on ``TINY_TEXTS`` (a fresh one per test)."""
    return WordTokenizer().train(TINY_TEXTS)


@pytest.fixture
def tiny_model(tiny_tokenizer) -> TransformerLM:
    """An untrained tiny transformer over ``tiny_tokenizer``'s vocabulary, seed 0."""
    return make_tiny_model(tiny_tokenizer.vocab_size)


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """ONE real training run of the course's default model, in a fresh temporary cache,
    shared by every test of the session that needs the trained model."""
    return default_model(cache_dir=tmp_path_factory.mktemp("genai-lab-cache"))
