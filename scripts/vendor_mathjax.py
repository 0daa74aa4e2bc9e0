"""Copy MathJax 3 into the book's static files, so that formulas render offline.

Jupyter Book loads MathJax from a CDN by default; a reader without a network would see raw
LaTeX. The PyPI package ``django-static-mathjax`` (no dependencies; installed by the
Makefile) ships MathJax 3.2.2. This script copies the part the book uses — the
``tex-mml-chtml`` component, its fonts and the modules it loads on demand — into
``book/_vendor/mathjax/`` (not committed), which ``_config.yml`` serves as static files.

    .venv/bin/python scripts/vendor_mathjax.py
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "book" / "_vendor" / "mathjax"
KEEP = ("tex-mml-chtml.js", "output", "input", "ui", "a11y", "adaptors")


def mathjax_source() -> Path:
    """The es5 folder of the installed MathJax distribution."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("MathJax is not installed: run `make` (it installs "
                         "django-static-mathjax from pyproject.toml)")
    es5 = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise SystemExit(f"no tex-mml-chtml.js in {es5}: unexpected MathJax package layout")
    return es5


def main() -> int:
    src = mathjax_source()
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    for name in KEEP:
        path = src / name
        if path.is_dir():
            shutil.copytree(path, TARGET / name)
        else:
            shutil.copy2(path, TARGET / name)
    print(f"MathJax copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
