"""Write the five pipeline chapters (stages 1-5 of the book) from their readable sources.

    .venv/bin/python scripts/chapters/build_stages.py          # write them
    .venv/bin/python scripts/chapters/build_stages.py --check  # exit 1 if one is out of date

Each chapter has one source file next to this script, ``scripts/chapters/<stem>.py``, that
defines ``build() -> nbformat.NotebookNode`` with the helpers of ``scripts/build_chapters.py``
(stable cell ids, kernelspec python3). Notebooks are written to ``chapters/<stem>.ipynb``
without outputs: the book executes them at build time.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHAPTERS = ROOT / "chapters"
STEMS = ("01_data_collection", "02_preprocessing", "03_feature_engineering",
         "04_model_training", "05_generation")

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))
from build_chapters import load_chapter_source, run_chapter_builder  # noqa: E402


def load_source(stem: str):
    """Import ``scripts/chapters/<stem>.py`` (a file name that is not a module name)."""
    return load_chapter_source(HERE, stem, STEMS, "chapter_")


def build(stem: str) -> nbformat.NotebookNode:
    """The notebook of chapter ``stem``, freshly built from its source."""
    return load_source(stem).build()


def render(stem: str) -> str:
    """The exact text written to ``chapters/<stem>.ipynb``."""
    return nbformat.writes(build(stem)) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run_chapter_builder(render, STEMS, __doc__.splitlines()[0], argv,
                               chapters=CHAPTERS, root=ROOT)


if __name__ == "__main__":
    sys.exit(main())
