"""Write the five pipeline chapters (stages 1-5 of the book) from their readable sources.

    .venv/bin/python scripts/chapters/build_stages.py          # write them
    .venv/bin/python scripts/chapters/build_stages.py --check  # exit 1 if one is out of date

Each chapter has one source file next to this script, ``scripts/chapters/<stem>.py``, that
defines ``build() -> nbformat.NotebookNode`` with the helpers of ``scripts/build_chapters.py``
(stable cell ids, kernelspec python3). Notebooks are written to ``chapters/<stem>.ipynb``
without outputs: the book executes them at build time.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHAPTERS = ROOT / "chapters"
STEMS = ("01_data_collection", "02_preprocessing", "03_feature_engineering",
         "04_model_training", "05_generation")


def load_source(stem: str):
    """Import ``scripts/chapters/<stem>.py`` (a file name that is not a module name)."""
    if stem not in STEMS:
        raise ValueError(f"unknown chapter {stem!r}; the pipeline chapters are {STEMS}")
    spec = importlib.util.spec_from_file_location(f"chapter_{stem}", HERE / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(stem: str) -> nbformat.NotebookNode:
    """The notebook of chapter ``stem``, freshly built from its source."""
    return load_source(stem).build()


def render(stem: str) -> str:
    """The exact text written to ``chapters/<stem>.ipynb``."""
    return nbformat.writes(build(stem)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="report chapters that differ from their source, write nothing")
    parser.add_argument("stems", nargs="*", default=list(STEMS),
                        help=f"chapters to write or check (default: all of {', '.join(STEMS)})")
    args = parser.parse_args(argv)
    for stem in args.stems:
        if stem not in STEMS:
            parser.error(f"unknown chapter {stem!r}; choose from {', '.join(STEMS)}")
    stale = []
    for stem in args.stems:
        path = CHAPTERS / f"{stem}.ipynb"
        text = render(stem)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
