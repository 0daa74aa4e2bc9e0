"""Fixtures shared by the tests: a tiny tokenizer, a tiny model, the trained model, and the
browser fixtures of tests/browser.py (loaded as a plugin). The builders behind the tiny
fixtures are in tests/helpers.py, for tests that need other sizes.

pytest puts the repository root and ``tests/`` on ``sys.path`` (``pythonpath`` in
pyproject.toml), so test files import shared helpers without editing ``sys.path``.
"""
from __future__ import annotations

import pytest

from genai_lab.model import TransformerLM
from genai_lab.pretrained import default_model
from genai_lab.tokenizer import WordTokenizer
from helpers import make_tiny_model, make_tiny_tokenizer

pytest_plugins = ["browser"]  # the Chromium fixtures of the book's browser tests


@pytest.fixture
def tiny_tokenizer() -> WordTokenizer:
    """A word tokenizer trained on ``helpers.TINY_TEXTS`` (a fresh one per test)."""
    return make_tiny_tokenizer()


@pytest.fixture
def tiny_model(tiny_tokenizer) -> TransformerLM:
    """An untrained tiny transformer over ``tiny_tokenizer``'s vocabulary, seed 0."""
    return make_tiny_model(tiny_tokenizer.vocab_size)


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """ONE real training run of the course's default model, in a fresh temporary cache,
    shared by every test of the session that needs the trained model."""
    return default_model(cache_dir=tmp_path_factory.mktemp("genai-lab-cache"))
