"""Tests of the five pipeline chapters (stages 1-5) and their runner.

The chapters are written by ``scripts/chapters/build_stages.py`` from one source per
chapter. These tests check that the committed notebooks are exactly what the sources build,
and that every chapter has the parts the book promises: a title and a "you will learn"
list, the real package imported, a figure with alt text, a widget with a static rendering of
its default state, a quiz and a pointer to an existing assignment. They also check that no
number in the prose is typed by hand, except the few listed below with their reason.
(Executing the notebooks is tested by tests/test_book.py, which builds the whole book.)
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from genai_lab.display.quiz import QUIZZES

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "scripts" / "chapters" / "build_stages.py"
STEMS = ("01_data_collection", "02_preprocessing", "03_feature_engineering",
         "04_model_training", "05_generation")
ASSIGNMENT = {"01_data_collection": "tokenization", "02_preprocessing": "tokenization",
              "03_feature_engineering": "embeddings", "04_model_training": "softmax",
              "05_generation": "sampling"}

# Numbers that may appear in a chapter's prose (markdown cells), and why. Anything else in
# the prose must be computed by a cell and shown as output.
ALLOWED_NUMBERS = {
    "*": {"1", "2", "3", "4", "5",  # stage and chapter numbers ("Stage 2 of 5")
          "10000", "10,000", "50", "768"},  # the pipeline's configured shape (inputs)
    "01_data_collection": {"0", "1,000", "100"},  # the widget's default seed and sample
    #                                               size, and its smallest sample size
    "02_preprocessing": {"101", "102", "40", "6"},  # BERT's [CLS]/[SEP] layout; plot rows;
    #                                                 the truncation example's row length
    "03_feature_engineering": {"208", "209", "1169", "0", "-1"},  # example ids; cosine range
    "04_model_training": {"0", "0.5", "0.69", "32", "2.5", "0.8", "0.30", "0.78"},
    #  the loss of probability 1 / 0.5 (definition), the demo batch size, and the SEED's
    #  epoch table, quoted as the seed's
    "05_generation": {"0", "0.5", "0.9", "0.1", "3.0", "200"},  # slider ranges and
    #  settings named in the text (inputs), the number of sentences asked for
}


def _runner():
    spec = importlib.util.spec_from_file_location("build_stages", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runner():
    return _runner()


@pytest.fixture(scope="module")
def built(runner) -> dict[str, nbformat.NotebookNode]:
    return {stem: runner.build(stem) for stem in STEMS}


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _code(nb) -> list[str]:
    return [_source(c) for c in nb.cells if c.cell_type == "code"]


def _markdown(nb) -> list[str]:
    return [_source(c) for c in nb.cells if c.cell_type == "markdown"]


# ----------------------------------------------------------------- runner and files
def test_runner_knows_the_five_chapters(runner) -> None:
    assert tuple(runner.STEMS) == STEMS


def test_committed_notebooks_equal_a_fresh_build(runner, capsys) -> None:
    status = runner.main(["--check"])
    out = capsys.readouterr().out
    assert status == 0, f"run scripts/chapters/build_stages.py; out of date:\n{out}"


def test_check_reports_a_stale_notebook(runner, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(runner, "CHAPTERS", tmp_path)
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    assert runner.main(["--check", "02_preprocessing"]) == 1  # missing file
    assert "02_preprocessing.ipynb" in capsys.readouterr().out
    assert runner.main(["02_preprocessing"]) == 0            # write it
    assert runner.main(["--check", "02_preprocessing"]) == 0
    path = tmp_path / "02_preprocessing.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("Preprocessing", "Pre"),
                    encoding="utf-8")
    assert runner.main(["--check", "02_preprocessing"]) == 1


def test_unknown_chapter_is_rejected(runner) -> None:
    with pytest.raises(ValueError, match="unknown chapter '99_nothing'"):
        runner.build("99_nothing")
    with pytest.raises(SystemExit):
        runner.main(["99_nothing"])


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_format(stem: str, built) -> None:
    nb = built[stem]
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb.cells]
    assert len(set(ids)) == len(ids), "cell ids must be unique"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "notebooks are saved without outputs"
    assert built[stem] == _runner().build(stem), "the same source must give the same notebook"


# ------------------------------------------------------------------- chapter content
@pytest.mark.parametrize("stem", STEMS)
def test_title_and_learning_goals(stem: str, built) -> None:
    first = _source(built[stem].cells[0])
    assert first.startswith(f"# Stage {STEMS.index(stem) + 1}: ")
    assert "**In this chapter you will learn**" in first
    assert re.search(r"^- ", first, re.M), "the learning goals are a list"


@pytest.mark.parametrize("stem", STEMS)
def test_headings_in_order(stem: str, built) -> None:
    levels = []
    for text in _markdown(built[stem]):
        in_fence = False
        for line in text.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            elif not in_fence and (m := re.match(r"(#+) ", line)):
                levels.append(len(m.group(1)))
    assert levels[0] == 1 and levels.count(1) == 1
    for previous, level in zip(levels, levels[1:]):
        assert level <= previous + 1, f"h{level} after h{previous}"


@pytest.mark.parametrize("stem", STEMS)
def test_code_cells_parse_and_import_genai_lab(stem: str, built) -> None:
    sources = _code(built[stem])
    for src in sources:
        ast.parse(src)  # a syntax error would only show when the book is built
    assert any(re.search(r"^(from genai_lab[\w.]* import|import genai_lab)", s, re.M)
               for s in sources)
    assert not any("np.random.seed" in s for s in sources), "use explicit generators"


@pytest.mark.parametrize("stem", STEMS)
def test_has_a_figure_with_alt_text(stem: str, built) -> None:
    figures = [s for s in _code(built[stem]) if "figure_with_alt(" in s]
    # the stage diagram does not count: each chapter draws a figure of its own
    assert any("stage_diagram" not in s for s in figures)


@pytest.mark.parametrize("stem", STEMS)
def test_widget_cell_leaves_a_static_rendering(stem: str, built) -> None:
    cells = [s for s in _code(built[stem]) if "live_controls(" in s]
    assert cells, "a chapter offers something to change and re-run"
    # ipywidgets.interact draws into a widget while the book builds (a measured stall)
    assert not any("widgets.interact(" in s for s in _code(built[stem]))
    for src in cells:
        for name in re.findall(r"^live_controls\(\s*(\w+)", src, re.M):
            # the same function is called with its defaults before the widget is shown
            assert re.search(rf"^{name}\(\)", src, re.M), \
                f"{name}() must be called once for the static page"


@pytest.mark.parametrize("stem", STEMS)
def test_ends_with_quiz_and_assignment(stem: str, built) -> None:
    code = _code(built[stem])
    assert any(re.search(rf'^render_quiz\("{stem}"[,)]', s, re.M) for s in code)
    assert stem in QUIZZES
    prose = "\n".join(_markdown(built[stem]))
    folder = f"assignments/source/{ASSIGNMENT[stem]}/"
    assert folder in prose
    assert (ROOT / folder).is_dir(), f"{folder} does not exist"
    last = _source(built[stem].cells[-1])
    assert "## Assignment" in last


@pytest.mark.parametrize("stem", STEMS)
def test_plumbing_cells_use_known_tags(stem: str, built) -> None:
    for cell in built[stem].cells:
        tags = set(cell.metadata.get("tags", []))
        assert tags <= {"remove-input", "hide-input", "remove-cell"}
        if "Markdown(" in _source(cell) and cell.cell_type == "code" \
                and _source(cell).lstrip().startswith(("Markdown(", "from IPython")):
            assert "remove-input" in tags, "prose with live numbers hides its code"


@pytest.mark.parametrize("stem", STEMS)
def test_no_hand_typed_numbers_in_the_prose(stem: str, built) -> None:
    allowed = ALLOWED_NUMBERS["*"] | ALLOWED_NUMBERS[stem]
    for text in _markdown(built[stem]):
        text = re.sub(r"\]\([^)]*\)", "]", text)          # link targets (file names)
        text = re.sub(r"`[^`]*`", "", text)              # code spans: names, not results
        text = re.sub(r"\b\d+ x \d+( x \d+)?\b",         # shapes are checked piecewise
                      lambda m: " ".join(m.group(0).split(" x ")), text)
        found = set(re.findall(r"(?<![\w.-])-?\d[\d,]*(?:\.\d+)?", text))
        found = {n.rstrip(",") for n in found}
        typed = found - allowed
        assert not typed, (f"{stem}: numbers typed in the prose {sorted(typed)}; compute "
                           f"them in a cell (or list them in ALLOWED_NUMBERS with a reason)")
