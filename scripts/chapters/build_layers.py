"""Write the five prediction-layer chapters (layers 1-5 of the book) from their readable sources.

    .venv/bin/python scripts/chapters/build_layers.py          # write them
    .venv/bin/python scripts/chapters/build_layers.py --check  # exit 1 if one is out of date
    .venv/bin/python scripts/chapters/build_layers.py 09_softmax_activation   # only one

Each chapter has one source file next to this script, ``scripts/chapters/<stem>.py``, that
defines ``build() -> nbformat.NotebookNode`` with the helpers of ``scripts/build_chapters.py``
(stable cell ids, kernelspec python3). The five chapters follow ONE sentence through the
trained model. Notebooks are written to ``chapters/<stem>.ipynb`` without outputs: the book
executes them at build time.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHAPTERS = ROOT / "chapters"
STEMS = ("06_input_tokenization", "07_embedding_layer", "08_neural_network_layers",
         "09_softmax_activation", "10_word_selection")
# The names of the five layers, as the diagram at the top of every chapter shows them.
LAYER_NAMES = ("Input tokenization", "Embedding layer", "Neural network layers",
               "Softmax activation", "Word selection")
# The sentence the five chapters follow through the trained model (an unfinished sentence
# of the course corpus: the model has to predict how it goes on).
SENTENCE = "The sun rises in the"

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))
from build_chapters import code, load_chapter_source, md, run_chapter_builder  # noqa: E402


# ----------------------------------------------------- cells the five chapters share
def say(template: str):
    """A ``remove-input`` code cell whose output is Markdown prose with live numbers.

    ``template`` is the body of a Python f-string evaluated in the notebook, so every
    number it quotes comes from an executed cell, never typed by hand.
    """
    body = template.strip("\n").replace('"""', '\\"\\"\\"')
    return code(f'Markdown(f"""\n{body}\n""")', "remove-input")


def setup_cell(extra: str = ""):
    """The first code cell of every layer chapter: the trained model and the sentence."""
    return code(f"""
import numpy as np
from IPython.display import Markdown, display

from genai_lab.predict import prediction_trace
from genai_lab.train import default_model

trained = default_model()       # trained once per build, then read from disk
model, tokenizer = trained.model, trained.tokenizer
SENTENCE = {SENTENCE!r}    # the sentence of chapters 6-10
trace = prediction_trace(model, tokenizer, SENTENCE)   # one recorded pass
{extra}""")


def where_cells(index: int):
    """A heading and the diagram of the five layers with this chapter's layer highlighted."""
    return [
        md("## Where this layer sits"),
        code(f"""
from genai_lab.plotting import figure_with_alt, stage_diagram

LAYERS = {list(LAYER_NAMES)!r}
fig, alt = stage_diagram(LAYERS, title="The five layers of one prediction", highlight={index})
figure_with_alt(fig, alt)
""", "remove-input"),
    ]


def widget_cell(function: str, name: str, controls: str):
    """A ``hide-input`` cell: a drawing function, its static rendering, and live controls.

    ``function`` is the source that defines ``name``, a function whose keyword defaults are
    the default setting; ``controls`` is the body of a ``dict(...)`` of ipywidgets, one per
    keyword. The cell calls ``name()`` once, so the static book shows the default setting
    (widget callbacks cannot run there), then shows the controls and an Output area that
    each change redraws in JupyterLab. Nothing is drawn into the Output while the book is
    built: nbclient intermittently waits its whole cell timeout (600 s) after ``interact``
    drew a figure into a widget's Output (measured on this project), and this avoids it.
    """
    return code(f"""
import ipywidgets as widgets

{function.strip()}


{name}()  # the default setting: this is what the web page shows

# In JupyterLab: change a control and the result is drawn again below the controls.
controls = dict(
{controls.strip(chr(10))}
)
output = widgets.Output()


def redraw(change):
    with output:
        output.clear_output(wait=True)
        {name}(**{{key: control.value for key, control in controls.items()}})


for control in controls.values():
    control.observe(redraw, names="value")
display(widgets.VBox([*controls.values(), output]))
""", "hide-input")


def quiz_cells(stem: str):
    return [md("## Check yourself"), code(f"""
from genai_lab.quiz import render_quiz

render_quiz({stem!r})
""")]


def load_source(stem: str):
    """Import ``scripts/chapters/<stem>.py`` (a file name that is not a module name)."""
    return load_chapter_source(HERE, stem, STEMS, "layer_chapter_")


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
