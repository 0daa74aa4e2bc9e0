"""Write the nbgrader source notebooks from their text specs (one source of truth each).

Each assignment is written as a reviewable text file ``scripts/assignments/specs/<name>.py``
made of cells separated by marker lines::

    # %% markdown                      prose (every line starts with "# " or is "#")
    # %% code id=setup                 read-only code cell
    # %% solution id=softmax           answer cell: code with ### BEGIN/END SOLUTION
    # %% tests id=test_rows points=2   autograded test cell: the visible tests
    # %% hidden                        hidden tests of the test cell just above

This script turns a spec into ``assignments/source/<name>/<name>.ipynb`` with nbgrader cell
metadata (schema version 3), the ``python3`` kernel and deterministic cell ids, so a fresh
build is byte-identical to the committed notebook (``--check`` verifies it). Every notebook
says it is generated: notebook metadata ``genai_lab.generated_from`` names the spec, and a
first (locked) markdown cell tells the reader to edit the spec, not the notebook. That cell
reaches the student's release too (nbgrader copies every cell), so it is worded for both.

What the script adds to every test cell (so the specs stay short and the rules are in one
place, here):

* a first line that silences Python warnings: nbgrader gives 0 points to a test cell that
  prints anything to stderr, and a harmless warning from correct code must not cost points;
* after the visible tests, a line that records the cell in ``_visible_passed`` (for the
  self-check at the end of the notebook) and prints which visible checks passed;
* the hidden tests, wrapped in ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. They run
  after :data:`GUARD` has switched ``genai_lab`` off, inside a ``try`` that turns a failure
  into one line on stderr (the cell scores 0, and the feedback shows the message but not the
  hidden code, which a traceback would print).

Usage::

    python scripts/assignments/build.py            # write all notebooks
    python scripts/assignments/build.py --check    # exit 1 if a committed notebook is stale
    python scripts/assignments/build.py --list     # the assignments' names, one a line

The list of assignments is the specs folder: adding an assignment is adding
``specs/<name>.py`` (``assignments/course.sh`` and the tests read the list from here).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"                          # one spec per assignment: specs/<name>.py
COURSE = HERE.parents[1] / "assignments"        # the nbgrader course directory
ASSIGNMENTS = tuple(sorted(p.stem for p in SPECS.glob("*.py")))

# Hidden code that runs at grading, before the hidden tests of every test cell. It makes every
# function and class method of an already imported ``genai_lab`` module raise, and blocks new
# imports of ``genai_lab``. A submission that delegates to the course package therefore fails
# the hidden tests of that cell, however it imported the function (``import genai_lab``,
# ``from genai_lab.softmax import softmax as f``, inside the function, ...): replacing the
# function's ``__code__`` also catches references bound before the guard ran.
GUARD = '''\
def _genai_lab_guard():
    import importlib.abc
    import sys
    import types

    def _ours(name):
        return name == "genai_lab" or str(name).startswith("genai_lab.")

    stubs = {}

    def _stub_code(n_free):
        # A raising function with n_free closure variables (a replacement __code__ must
        # have as many free variables as the code it replaces); one per count.
        if n_free in stubs:
            return stubs[n_free]
        names = [f"_v{i}" for i in range(n_free)]
        src = "def _outer():\\n"
        src += "".join(f"    {v} = None\\n" for v in names)
        src += "    def _stub(*args, **kwargs):\\n"
        src += "".join(f"        {v}\\n" for v in names)
        src += ("        raise RuntimeError('genai_lab is switched off during grading: "
                "write this function yourself with numpy')\\n")
        src += "    return _stub\\n"
        scope = {}
        exec(src, scope)
        stubs[n_free] = scope["_outer"]().__code__
        return stubs[n_free]

    def _poison_function(fn):
        if isinstance(fn, types.FunctionType) and _ours(getattr(fn, "__module__", "")) \
                and fn.__code__.co_name != "_stub":  # not switched off already
            fn.__code__ = _stub_code(len(fn.__code__.co_freevars))

    class _BlockGenaiLab(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if _ours(name):
                raise ImportError("genai_lab is switched off during grading")
            return None

    if not any(type(f).__name__ == "_BlockGenaiLab" for f in sys.meta_path):
        sys.meta_path.insert(0, _BlockGenaiLab())
    for modname, module in list(sys.modules.items()):
        if not _ours(modname) or module is None:
            continue
        for obj in list(vars(module).values()):
            _poison_function(obj)
            _poison_function(getattr(obj, "__wrapped__", None))  # under a decorator
            if isinstance(obj, type) and _ours(obj.__module__):
                for attr in list(vars(obj).values()):
                    for fn in (attr, getattr(attr, "__func__", None),
                               getattr(attr, "fget", None)):
                        _poison_function(fn)


def _run_hidden_checks(checks):
    import sys
    import warnings
    _genai_lab_guard()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            checks()
    except Exception as err:  # report the message, not the hidden code
        print(f"A hidden test failed: {type(err).__name__}: {err}", file=sys.stderr)
'''

QUIET = ("import warnings; warnings.simplefilter(\"ignore\")  "
         "# a warning (stderr) would cost the cell its points")

REBUILD = "assignments/course.sh build"  # the command that rewrites every source notebook
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
MARKER = re.compile(r"^# %% (markdown|code|solution|tests|hidden)\b(.*)$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Cell:
    """One cell of a spec: its kind, nbgrader id, points and source lines."""
    kind: str  # markdown | code | solution | tests | hidden
    grade_id: str | None  # None for markdown and hidden cells
    points: float | None  # only for tests cells
    lines: list[str]
    hidden: list[str] | None = None  # hidden test lines attached to a tests cell

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


def parse_spec(text: str, origin: str = "<spec>") -> list[Cell]:
    """Split a spec into cells; attach each ``hidden`` block to the ``tests`` cell above."""
    cells: list[Cell] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if not match:
            if not cells:
                if line.strip():  # text before the first marker is a file comment
                    continue
                continue
            cells[-1].lines.append(line)
            continue
        kind, rest = match.group(1), match.group(2)
        options = dict(opt.split("=", 1) for opt in rest.split())
        grade_id = options.get("id")
        if kind in ("code", "solution", "tests") and (not grade_id
                                                      or not ID_PATTERN.match(grade_id)):
            raise ValueError(f"{origin}:{lineno}: a {kind} cell needs id=<letters, digits, _ ->,"
                             f" got {grade_id!r}")
        points = float(options["points"]) if "points" in options else None
        if kind == "tests" and (points is None or points <= 0):
            raise ValueError(f"{origin}:{lineno}: a tests cell needs points=<positive number>")
        cells.append(Cell(kind, grade_id, points, []))
    merged: list[Cell] = []
    for cell in cells:
        if cell.kind == "hidden":
            if not merged or merged[-1].kind != "tests" or merged[-1].hidden is not None:
                raise ValueError(f"{origin}: a hidden block must follow a tests cell")
            merged[-1].hidden = cell.lines
        else:
            merged.append(cell)
    ids = [c.grade_id for c in merged if c.grade_id]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"{origin}: duplicate cell ids {sorted(duplicates)}")
    return merged


def _markdown_source(lines: list[str]) -> str:
    out = []
    for line in lines:
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        elif not line.strip():
            out.append("")
        else:
            raise ValueError(f"markdown line must start with '# ': {line!r}")
    return "\n".join(out).strip("\n")


def _nbgrader_meta(cell: Cell) -> dict:
    meta = {"grade": cell.kind == "tests", "grade_id": cell.grade_id,
            "locked": cell.kind != "solution", "schema_version": 3,
            "solution": cell.kind == "solution", "task": False}
    if cell.kind == "tests":
        meta["points"] = cell.points if cell.points % 1 else int(cell.points)
    return meta


def test_cell_source(cell: Cell) -> str:
    """The full source of a graded test cell: quiet line, visible tests, record, hidden."""
    parts = [QUIET, cell.text, f'globals().setdefault("_visible_passed", set()).add('
                               f'"{cell.grade_id}")',
             f'print("Visible tests passed: {cell.grade_id} '
             f'(hidden tests run when your notebook is graded)")',
             # A traceback shows the 3 lines after the failing line: this comment keeps
             # the hidden-test marker out of the feedback of a failing visible test.
             "# More tests of this cell are hidden: they run when the notebook is graded."]
    if cell.hidden is not None:
        body = textwrap.indent(textwrap.dedent("\n".join(cell.hidden)).strip("\n"), "    ")
        parts += ["### BEGIN HIDDEN TESTS", GUARD.rstrip("\n"), "",
                  "def _hidden_checks():", body, "",
                  "_run_hidden_checks(_hidden_checks)", "### END HIDDEN TESTS"]
    return "\n".join(parts)


def self_check_source(test_ids: list[str]) -> str:
    """The last (read-only) cell: which visible tests passed; never claims a final score."""
    return textwrap.dedent(f'''\
        # Self-check: run every cell above first (Kernel > Restart Kernel and Run All Cells).
        _all_test_cells = {test_ids!r}
        _missing = [t for t in _all_test_cells
                    if t not in globals().get("_visible_passed", set())]
        if _missing:
            print("Visible tests not passed yet (or not run):", ", ".join(_missing))
        else:
            print("Every visible test passed. More tests are hidden: they run when your "
                  "notebook is graded, so this is not your final score.")''')


def spec_name(name: str) -> str:
    """The spec of assignment ``name`` as a path from the repository root."""
    return f"scripts/assignments/specs/{name}.py"


def generated_note(name: str) -> str:
    """The first cell of every notebook: where it comes from, for the teacher and student.

    nbgrader copies it into the student's release, so it is worded to be true there too.
    """
    return (f"*Generated from `{spec_name(name)}` — edit that file, then `{REBUILD}` "
            "(for teachers changing this assignment). Students: this notebook is your copy, "
            "write your answers in it.*")


def build_notebook(cells: list[Cell], name: str) -> nbformat.NotebookNode:
    """Turn parsed cells into an nbgrader source notebook."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC),
                   "language_info": {"name": "python"},
                   "genai_lab": {"generated_from": spec_name(name), "rebuild": REBUILD}}
    test_ids = [c.grade_id for c in cells if c.kind == "tests"]
    note = nbformat.v4.new_markdown_cell(generated_note(name))
    note.metadata = {"nbgrader": _nbgrader_meta(Cell("markdown", f"{name}-generated", None, []))}
    note.id = f"{name}-generated"
    nb.cells.append(note)
    n_markdown = 0
    for cell in cells:
        if cell.kind == "markdown":
            n_markdown += 1
            grade_id = f"{name}-md-{n_markdown}"
            nb_cell = nbformat.v4.new_markdown_cell(_markdown_source(cell.lines))
            meta_cell = Cell("markdown", grade_id, None, [])
            nb_cell.metadata = {"nbgrader": _nbgrader_meta(meta_cell)}
            nb_cell.metadata["nbgrader"]["grade_id"] = grade_id
        else:
            source = test_cell_source(cell) if cell.kind == "tests" else cell.text
            nb_cell = nbformat.v4.new_code_cell(source)
            nb_cell.metadata = {"nbgrader": _nbgrader_meta(cell)}
        nb_cell.id = nb_cell.metadata["nbgrader"]["grade_id"]
        nb.cells.append(nb_cell)
    final = nbformat.v4.new_code_cell(self_check_source(test_ids))
    final.metadata = {"nbgrader": _nbgrader_meta(Cell("code", "self_check", None, []))}
    final.id = "self_check"
    nb.cells.append(final)
    return nb


def spec_path(name: str) -> Path:
    return SPECS / f"{name}.py"


def notebook_path(name: str) -> Path:
    return COURSE / "source" / name / f"{name}.ipynb"


def render(name: str) -> str:
    """The exact text of the source notebook built from the spec of ``name``."""
    spec = spec_path(name)
    nb = build_notebook(parse_spec(spec.read_text(encoding="utf-8"), str(spec)), name)
    from nbgrader.nbgraderformat import MetadataValidator
    MetadataValidator().validate_nb(nb)
    nbformat.validate(nb)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(ASSIGNMENTS),
                        help="assignments to build (default: every spec in specs/)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a notebook differs from a fresh build")
    parser.add_argument("--list", action="store_true",
                        help="print the assignments' names, one a line, and exit")
    args = parser.parse_args(argv)
    if args.list:
        print(*ASSIGNMENTS, sep="\n")
        return 0
    stale = []
    for name in args.names:
        if name not in ASSIGNMENTS:
            parser.error(f"unknown assignment {name!r}; expected one of {ASSIGNMENTS}")
        text, target = render(name), notebook_path(name)
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(COURSE.parent)}")
    if stale:
        print("stale (run python scripts/assignments/build.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
