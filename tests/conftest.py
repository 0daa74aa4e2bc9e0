"""Fixtures shared by the tests: a tiny tokenizer, a tiny model, the trained model, and the
browser fixtures of tests/browser.py (loaded as a plugin). The builders behind the tiny
fixtures are in tests/helpers.py, for tests that need other sizes.

Nothing a test runs writes under the real home folder: ``clean_home`` (autouse, once per
session) points HOME, the Jupyter folders (where nbgrader keeps a student's submissions
cache), IPython's, matplotlib's and the XDG folders at a temporary folder. The one folder
kept is the course model's cache (``GENAI_LAB_CACHE``, else ``~/.cache/genai-lab`` of the
real home): it is written only when the model's sources change, and retraining it for every
session would cost minutes. tests/test_clean_home.py checks this with a watched HOME.

pytest puts the repository root and ``tests/`` on ``sys.path`` (``pythonpath`` in
pyproject.toml), so test files import shared helpers without editing ``sys.path``.
"""
from __future__ import annotations

import os
from pathlib import Path

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


# Variables that name a folder under the home folder, set to a temporary one for the session.
HOME_VARIABLES = ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                  "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                  "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(scope="session", autouse=True)
def clean_home(tmp_path_factory):
    """A temporary HOME and Jupyter/IPython/matplotlib/XDG folders for the whole session
    (subprocesses inherit them); the model cache stays where it was. Yields the new HOME."""
    saved = {name: os.environ.get(name) for name in (*HOME_VARIABLES, "GENAI_LAB_CACHE")}
    cache = os.environ.get("GENAI_LAB_CACHE") or str(Path.home() / ".cache" / "genai-lab")
    base = tmp_path_factory.mktemp("home")
    for name in HOME_VARIABLES:
        folder = base / ("home" if name == "HOME" else name.lower())
        folder.mkdir()
        os.environ[name] = str(folder)
    os.environ["GENAI_LAB_CACHE"] = cache
    yield Path(os.environ["HOME"])
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
