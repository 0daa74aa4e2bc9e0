"""The five prediction-layer chapters (06-10), read from their MyST Markdown sources, each
with what issue 4 asks of a chapter.

These tests read ``chapters/<stem>.md`` with jupytext, without executing it (the book build
executes the chapters, see test_book.py): each source is a well-formed notebook; each
chapter imports genai_lab, follows the same sentence through the trained model, states what
the reader will learn, shows a figure through ``figure_with_alt``, has a widget cell that
also leaves a static rendering, ends with its quiz and a pointer to an assignment that
exists; prose that quotes results is computed (``Markdown`` outputs of ``remove-input``
cells), and no chapter redefines a function of the package.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from genai_lab.display.quiz import QUIZZES

ROOT = Path(__file__).resolve().parents[1]
STEMS = ("06_input_tokenization", "07_embedding_layer", "08_neural_network_layers",
         "09_softmax_activation", "10_word_selection")
ASSIGNMENT = {"06_input_tokenization": "tokenization", "07_embedding_layer": "embeddings",
              "08_neural_network_layers": "attention", "09_softmax_activation": "softmax",
              "10_word_selection": "sampling"}
SENTENCE_LINE = re.compile(r"^SENTENCE = ('[^']*'|\"[^\"]*\")", re.M)


def committed(stem: str) -> nbformat.NotebookNode:
    """The chapter's only source, ``chapters/<stem>.md``, read as jupytext reads it."""
    return jupytext.read(ROOT / "chapters" / f"{stem}.md")


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def markdown_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown"]


def test_the_five_chapters_exist_and_only_as_text() -> None:
    for stem in STEMS:
        assert (ROOT / "chapters" / f"{stem}.md").is_file()
        assert not (ROOT / "chapters" / f"{stem}.ipynb").exists(), "the .md is the only source"


@pytest.mark.parametrize("stem", STEMS)
def test_source_is_a_valid_notebook_without_outputs(stem: str) -> None:
    nb = committed(stem)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    for cell in code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("stem", STEMS)
def test_title_learning_goals_and_headings_in_order(stem: str) -> None:
    nb = committed(stem)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# Layer ")
    assert "In this chapter you will learn" in first.source
    levels = [len(m.group(1)) for c in markdown_cells(nb)
              for m in re.finditer(r"^(#+) ", c.source, flags=re.M)]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for previous, level in zip(levels, levels[1:]):
        assert level <= previous + 1, f"{stem}: heading level jumps {previous} -> {level}"


@pytest.mark.parametrize("stem", STEMS)
def test_imports_genai_lab_and_follows_the_sentence(stem: str) -> None:
    sources = "\n".join(c.source for c in code_cells(committed(stem)))
    assert re.search(r"^from genai_lab(\.\w+)* import|^import genai_lab", sources, flags=re.M)
    assert "default_model()" in sources, "the trained model comes from the build's cache"
    sentences = SENTENCE_LINE.findall(sources)
    assert len(sentences) == 1, f"{stem}: SENTENCE must be set once, found {sentences}"
    first = SENTENCE_LINE.findall("\n".join(c.source for c in code_cells(committed(STEMS[0]))))
    assert sentences == first, f"{stem} follows {sentences}, chapter 6 follows {first}"
    assert "prediction_trace(model, tokenizer, SENTENCE)" in sources


@pytest.mark.parametrize("stem", STEMS)
def test_has_a_figure_with_alt_text(stem: str) -> None:
    calls = [c for c in code_cells(committed(stem)) if "figure_with_alt(" in c.source]
    # The layer diagram at the top is one; every chapter has at least one figure of its own.
    own = [c for c in calls if "stage_diagram" not in c.source]
    assert own, f"{stem}: no figure of its own shown with figure_with_alt"


def widget_plan(source: str) -> dict:
    """What a widget cell does, read from its code without running it.

    Returns {"function": name of the drawing function called bare (its static rendering),
    "defaults": that function's keyword defaults, "controls": {keyword: the control's
    ``value=``}, "observed": whether the controls redraw through ``live_controls`` (which
    observes them), "interact": whether ``widgets.interact`` is used}.
    """
    tree = ast.parse(source)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    bare = [n.value.func.id for n in tree.body
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
            and isinstance(n.value.func, ast.Name) and n.value.func.id in functions
            and not n.value.args and not n.value.keywords]
    plan = {"function": bare[0] if bare else None, "defaults": {}, "controls": {},
            "observed": "live_controls(" in source, "interact": "interact(" in source}
    if bare:
        args = functions[bare[0]].args
        names = [a.arg for a in args.args][len(args.args) - len(args.defaults):]
        plan["defaults"] = {n: ast.literal_eval(d) for n, d in zip(names, args.defaults)}
    for node in tree.body:  # the keywords of live_controls(function, **controls)
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "live_controls"):
            for kw in node.value.keywords:
                values = [k.value for k in kw.value.keywords if k.arg == "value"]
                plan["controls"][kw.arg] = ast.literal_eval(values[0]) if values else None
    return plan


@pytest.mark.parametrize("stem", STEMS)
def test_widget_cell_leaves_a_static_rendering(stem: str) -> None:
    cells = [c for c in code_cells(committed(stem)) if "import ipywidgets" in c.source]
    assert cells, f"{stem}: no ipywidgets control"
    for cell in cells:
        plan = widget_plan(cell.source)
        assert plan["function"], (f"{stem}: the widget's function must also be called once "
                                  "with its defaults, so the static book shows its output")
        assert "figure_with_alt(" in cell.source, f"{stem}: the static rendering is a figure"
        assert plan["observed"] and not plan["interact"], (
            f"{stem}: controls must redraw through live_controls (interact draws into an Output "
            "widget while the book is built, which can stall nbclient for its timeout)")
        assert plan["controls"] and plan["controls"] == plan["defaults"], (
            f"{stem}: the controls' values {plan['controls']} must be the function's "
            f"defaults {plan['defaults']}, i.e. the setting the static page shows")


def test_widget_plan_can_fail() -> None:
    no_static = widget_plan("import ipywidgets as widgets\ndef f(x=1):\n    print(x)\n"
                            "live_controls(f, x=widgets.IntSlider(value=2))")
    assert no_static["function"] is None
    mismatch = widget_plan("import ipywidgets as widgets\ndef f(x=1):\n    print(x)\nf()\n"
                           "live_controls(f, x=widgets.IntSlider(value=2))")
    assert mismatch["function"] == "f" and mismatch["defaults"] != mismatch["controls"]


@pytest.mark.parametrize("stem", STEMS)
def test_ends_with_quiz_and_assignment_pointer(stem: str) -> None:
    nb = committed(stem)
    assert any(f"render_quiz({stem!r})" in c.source for c in code_cells(nb))
    assert QUIZZES[stem], f"no quiz questions for {stem}"
    pointer = [c for c in markdown_cells(nb) if c.source.startswith("## Assignment")]
    assert pointer, f"{stem}: no '## Assignment' section"
    name = ASSIGNMENT[stem]
    assert (ROOT / "assignments" / "source" / name).is_dir(), f"no assignment {name!r}"
    # Students fetch the released assignment; the teacher's source/ (solutions) is no place
    # to send them.
    assert f"**{name}** assignment" in pointer[-1].source
    assert "Assignments" in pointer[-1].source and f"fetch_assignment {name}" in pointer[-1].source
    for cell in markdown_cells(nb):
        assert "assignments/source" not in cell.source, f"{stem} points at the teacher's source/"
    # The assignment pointer and the next-page link close the chapter.
    assert nb.cells[-1] is pointer[-1]


@pytest.mark.parametrize("stem", STEMS)
def test_prose_with_results_is_computed(stem: str) -> None:
    """Markdown cells quote no decimal results; live prose is remove-input Markdown output."""
    nb = committed(stem)
    live = [c for c in code_cells(nb) if c.source.startswith('Markdown(f"""')]
    assert live, f"{stem}: no computed prose"
    for cell in live:
        assert cell.metadata.get("tags") == ["remove-input"]
    number = r"(?<![\w.$])\d+\.\d+|\d{1,3},\d{3}|\d+ ?%"
    # An exercise states its own inputs (numbers a reader is given, not results); its
    # solution may use those inputs, and nothing else typed.
    source = "\n".join(c.source for c in markdown_cells(nb))
    statements = re.findall(r"^````\{exercise\}\n(.*?)^````$", source, re.M | re.S)
    given = {n for text in statements for n in re.findall(number, text)}
    for cell in markdown_cells(nb):
        # Code in an exercise's solution is input the reader runs, not a typed result.
        prose = re.sub(r"^```python\n.*?^```$", "", cell.source, flags=re.M | re.S)
        prose = re.sub(r"^````\{exercise\}\n.*?^````$", "", prose, flags=re.M | re.S)
        for paragraph in prose.split("\n\n"):
            if paragraph.startswith("Things to try"):  # suggested inputs, not results
                continue
            found = [n for n in re.findall(number, paragraph) if n not in given]
            assert not found, f"{stem}: typed result(s) {found} in markdown: {paragraph[:80]!r}"


def _package_functions() -> set[str]:
    import genai_lab

    names = set()
    for path in Path(genai_lab.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in tree.body
                  if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    return names


@pytest.mark.parametrize("stem", STEMS)
def test_no_package_function_is_redefined(stem: str) -> None:
    package = _package_functions()
    assert {"softmax", "select_next", "prediction_trace"} <= package
    for cell in code_cells(committed(stem)):
        defined = {n.name for n in ast.walk(ast.parse(cell.source))
                   if isinstance(n, ast.FunctionDef)}
        assert not defined & package, f"{stem} redefines {defined & package}: import them instead"
