"""Tests of the five pipeline chapters (stages 1-5), read from their MyST Markdown sources.

Each chapter's only source is a MyST Markdown notebook, ``chapters/<stem>.md``, read here
with jupytext (as JupyterLab and the book read it). These tests check that the source is a
well-formed notebook that JupyterLab saves back unchanged, and that every chapter has the
parts the book promises: a title and a "you will learn" list, the real package imported, a figure with alt text, a widget with a static rendering of
its default state, a quiz and a pointer to an existing assignment. They also check that no
number in the prose is typed by hand, except the few listed below with their reason.
(Executing the notebooks is tested by tests/test_book.py, which builds the whole book.)
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from genai_lab.display.quiz import QUIZZES

ROOT = Path(__file__).resolve().parents[1]
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
    "02_preprocessing": {"101", "102", "40", "6", "8", "256", "300", "400"},  # BERT's
    #  [CLS]/[SEP] layout; plot rows; the truncation example's row length; chapter 8 (named);
    #  the 256 byte values (a definition); the BPE vocabulary sizes chosen (inputs)
    "03_feature_engineering": {"208", "209", "1169", "0", "-1"},  # example ids; cosine range
    "04_model_training": {"0", "0.5", "0.69", "32", "200"},
    #  the loss of probability 1 / 0.5 (definition), the demo batch size, the steps of
    #  the learning-rate experiment (an input)
    "05_generation": {"0", "0.5", "0.9", "0.1", "3.0", "200", "1.5"},  # slider ranges and
    #  settings named in the text (inputs), the number of sentences asked for
}


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def read_chapter(stem: str) -> nbformat.NotebookNode:
    """The chapter's only source, ``chapters/<stem>.md``, read as jupytext reads it."""
    return jupytext.read(ROOT / "chapters" / f"{stem}.md")


@pytest.fixture(scope="module")
def built() -> dict[str, nbformat.NotebookNode]:
    return {stem: read_chapter(stem) for stem in STEMS}


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _code(nb) -> list[str]:
    return [_source(c) for c in nb.cells if c.cell_type == "code"]


def _markdown(nb) -> list[str]:
    return [_source(c) for c in nb.cells if c.cell_type == "markdown"]


# ------------------------------------------------------------------ the source file
@pytest.mark.parametrize("stem", STEMS)
def test_source_is_a_myst_notebook(stem: str, built) -> None:
    text = (ROOT / "chapters" / f"{stem}.md").read_text(encoding="utf-8")
    header = yaml.safe_load(FRONT_MATTER.match(text).group(1))
    assert header["jupytext"]["text_representation"]["format_name"] == "myst"
    assert header["kernelspec"]["name"] == "python3"
    fences = re.findall(r"^```\{code-cell\}(.*)$", text, re.M)
    assert fences and all(f == " ipython3" for f in fences), "cells are {code-cell} ipython3"
    assert len(fences) == len(_code(built[stem]))
    nbformat.validate(built[stem])


NOTEBOOK_SOURCES = sorted(path.name for path in (ROOT / "chapters").glob("*.md")
                          if "\njupytext:" in path.read_text(encoding="utf-8").split("\n---\n")[0])


def test_every_chapter_is_a_notebook_source() -> None:
    assert {f"{stem}.md" for stem in STEMS} <= set(NOTEBOOK_SOURCES)
    assert not list((ROOT / "chapters").glob("*.ipynb")), "chapters/*.md are the only sources"


@pytest.mark.parametrize("name", NOTEBOOK_SOURCES)
def test_saving_in_jupyterlab_changes_nothing(name: str) -> None:
    """jupytext writes back exactly the file it read, so opening, running and saving any
    notebook page of chapters/ in JupyterLab leaves no diff (MyST Markdown has no place
    for outputs)."""
    path = ROOT / "chapters" / name
    text = path.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="md:myst")
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    first_code.outputs = [nbformat.v4.new_output("stream", text="an output\n")]
    assert jupytext.writes(nb, fmt="md:myst") == text


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
    # students fetch the assignment; assignments/source/ is the teacher's copy (solutions)
    assert "assignments/source" not in prose
    name = ASSIGNMENT[stem]
    assert f"**{name}**" in prose and "Assignments tab" in prose
    folder = f"assignments/source/{name}/"
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
        # code in an exercise's solution (```python ... ```) is code, not prose
        text = re.sub(r"^```[a-z]+\n.*?^```\s*$", "", text, flags=re.S | re.M)
        text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)  # equations: definitions,
        text = re.sub(r"\$[^$\n]+\$", "", text)              # not results
        text = re.sub(r"\]\([^)]*\)", "]", text)          # link targets (file names)
        text = re.sub(r"`[^`]*`", "", text)              # code spans: names, not results
        text = re.sub(r"\b\d+ x \d+( x \d+)?\b",         # shapes are checked piecewise
                      lambda m: " ".join(m.group(0).split(" x ")), text)
        found = set(re.findall(r"(?<![\w.-])-?\d[\d,]*(?:\.\d+)?", text))
        found = {n.rstrip(",") for n in found}
        typed = found - allowed
        assert not typed, (f"{stem}: numbers typed in the prose {sorted(typed)}; compute "
                           f"them in a cell (or list them in ALLOWED_NUMBERS with a reason)")


# What chapters 1-3 teach (issues 10 and 17): the equations, the diagrams and the real chain.
TEACHES = {
    # (prose with computed numbers is rendered by a code cell, so it is checked as code)
    "01_data_collection": {"code": ["grammar.entropy_per_token()",
                                    "grammar.ngram_entropy_per_token(2)",
                                    "train_on_text(", "**bigram baseline (fitted)**"],
                           "prose": ["bigram floor (exact)",
                                     r"H(S) = -\sum_{s}", "books, articles and websites"]},
    "02_preprocessing": {"code": ["diagrams.input_target_shift(", "compare_tokenizers(",
                                  "np.array_equal(table, trained.train_ids)"],
                         "prose": ["## Tokenizers as GPT uses them", r"\mathrm{tok}",
                                   "causal mask", "end-of-text token"]},
    "03_feature_engineering": {"code": ["diagrams.embedding_lookup(", "scale_comparison(",
                                        "one_hot @ wte"],
                               "prose": [r"E^\top \, \mathrm{onehot}(i_t)",
                                         "**learned during training**",
                                         r"\lVert a \rVert"]},
}


@pytest.mark.parametrize("stem", sorted(TEACHES))
def test_equations_diagrams_and_the_real_chain(stem: str, built) -> None:
    code = "\n".join(_code(built[stem]))
    prose = "\n".join(_markdown(built[stem]))
    for fragment in TEACHES[stem]["code"]:
        assert fragment in code, f"{stem}: no code cell has {fragment!r}"
    for fragment in TEACHES[stem]["prose"]:
        assert fragment in prose, f"{stem}: the prose lacks {fragment!r}"
    assert prose.count("$$") >= 2, f"{stem}: at least one displayed equation"
    # the BERT-base-sized configuration is only ever a comparison, never a stage we run
    assert "seq_len=50, dim=768, stages" not in code


# What chapters 4 and 5 must compute and show (issues 10 and 17): the training story measured
# from what the model writes, how learning works, and new content against the language.
MUST_CALL = {
    "04_model_training": ("transformer_block(", "input_target_shift(", "training_loop(",
                          "block_backward(", "grad_check_sparse(", "learning_rate(",
                          "samples_table()", "plot_samples(", "ngram_entropy_per_token(2)"),
    "05_generation": ("generation_loop(", "generation_quality(", "train_ids=trained.train_ids",
                      "grammar.probability("),
}


@pytest.mark.parametrize("stem", sorted(MUST_CALL))
def test_training_and_generation_chapters_compute_what_they_teach(stem: str, built) -> None:
    code = "\n".join(_code(built[stem]))
    missing = [call for call in MUST_CALL[stem] if call not in code]
    assert not missing, f"{stem}: no cell calls {missing}"
    prose = "\n".join(_markdown(built[stem]))
    assert "$$" in prose, f"{stem}: no displayed equation"
    assert "seed project" not in prose and "the seed's" not in prose
