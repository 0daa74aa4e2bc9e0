"""Write the book's infrastructure notebooks from readable Python source.

    .venv/bin/python scripts/build_chapters.py          # write them
    .venv/bin/python scripts/build_chapters.py --check  # exit 1 if a notebook is out of date

Writes ``chapters/00_introduction.ipynb`` and ``chapters/11_key_insight.ipynb`` (always), a
placeholder for each stage/layer chapter that does not exist yet (never overwriting a
chapter an author has written: a placeholder is recognised by its first cell), and the
book's copies of the quiz assets (``book/_static/quiz.js``, ``quiz.css``). Notebooks are
saved without outputs: the book executes them at build time.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
PLACEHOLDER_MARK = "**Placeholder.**"

# The stage and layer chapters another author writes; a placeholder stands in until then.
PLANNED = {
    "01_data_collection": ("Stage 1: Data collection", "genai_lab.corpus, genai_lab.data"),
    "02_preprocessing": ("Stage 2: Preprocessing", "genai_lab.tokenizer, genai_lab.wordpiece"),
    "03_feature_engineering": ("Stage 3: Feature engineering", "genai_lab.embedding"),
    "04_model_training": ("Stage 4: Model training", "genai_lab.model, genai_lab.train"),
    "05_generation": ("Stage 5: Generation", "genai_lab.generate, genai_lab.sampling"),
    "06_input_tokenization": ("Layer 1: Input tokenization", "genai_lab.predict"),
    "07_embedding_layer": ("Layer 2: The embedding layer", "genai_lab.predict"),
    "08_neural_network_layers": ("Layer 3: Neural network layers", "genai_lab.predict"),
    "09_softmax_activation": ("Layer 4: Softmax activation", "genai_lab.softmax"),
    "10_word_selection": ("Layer 5: Word selection", "genai_lab.sampling"),
}

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    for i, cell in enumerate(nb.cells):  # stable ids: the same source gives the same file
        cell["id"] = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


# ----------------------------------------------------------------- 00 introduction
def introduction() -> nbformat.NotebookNode:
    return notebook([
        md("""
# What generative AI actually is

A chatbot that writes a poem, an assistant that finishes your sentence: both are
*generative language models*. This book takes one apart. We build a small one from scratch
in plain Python and numpy, train it on a computer like yours in a few minutes, and follow a
sentence through every step it takes.

**In this chapter you will learn**

- what a generative language model does, in one sentence;
- the five stages that turn raw text into generated text, and what each one produces;
- how this book works: read, run, explore, check yourself, do the assignments;
- how to set up the course on your own computer.
"""),
        md("""
## The idea in one sentence

A generative language model **learns patterns from text, predicts the next word, and
repeats**. Given the start of a sentence, it computes a probability for every word it
knows, picks one, appends it, and asks again with the longer text, until it decides the
sentence is finished. (The last row of the trace below shows a sentence our model wrote
this way.) Everything else in this book is detail about how those probabilities are
learned and computed.
"""),
        md("""
## The pipeline at a glance

Building and using such a model takes five stages. Each has a chapter of its own, with the
real code of the `genai_lab` package that this book imports (the notebooks never copy it).
"""),
        code("""
from genai_lab.plotting import figure_with_alt, stage_diagram

STAGES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
          "Generation"]
fig, alt = stage_diagram(STAGES, title="The five stages of a generative language model")
figure_with_alt(fig, alt)
"""),
        md("""
The table below is not typed in: it is a **trace** recorded while the code ran, when this
page was built. Each row says what went into a stage, what the code did, what came out
(its shape) and a real example of the output.
"""),
        code("""
from genai_lab.trace import pipeline_trace

trace = pipeline_trace(stages=(1, 2, 3, 4, 5))
trace
"""),
        code('''
from IPython.display import Markdown

n_sentences = trace[1].output_shape[0]
_, seq_len = trace[2].output_shape
shape3 = " x ".join(str(n) for n in trace[3].output_shape)
Markdown(f"""
Reading the table from top to bottom:

1. **Data collection** gathers example text: here {n_sentences:,} sentences about a small
   countryside world, sampled from a grammar so that we know exactly which patterns there
   are to learn.
2. **Preprocessing** cleans the text and cuts it into *tokens*, each replaced by a number
   (its id), every sentence padded or cut to {seq_len} ids.
3. **Feature engineering** turns every id into a vector of {trace[3].output_shape[-1]}
   numbers, giving a {shape3} block of numbers: that is what a neural network can compute
   with.
4. **Model training** adjusts the model's weights until it predicts the next word well.
   The trace records: *{trace[4].example}*
5. **Generation** uses the trained model to write, one word at a time:
   {trace[5].example}
""")
''', "remove-input"),
        md("""
## How to use this book

Every chapter has the same rhythm:

- **Read.** Each chapter starts with what you will learn and explains it in plain words.
- **Run.** Every number, table and figure was produced by the code above it when the book
  was built. Open the chapter as a notebook (the rocket icon at the top of a page, or
  `make lab` on your computer) and run it yourself: you get the same results.
- **Explore.** Change something and run it again: a sentence, a temperature, the number of
  training steps. In JupyterLab, sliders and text boxes do it for you.
- **Check yourself.** Each chapter ends with a short quiz. Click an answer to see why it is
  right or wrong. Quizzes work on the web page too, without running anything.
- **Do the assignments.** Graded assignments let you write the code of the key steps
  yourself; see [the page for students](for_students.md).
"""),
        md("""
## How to set up

You need Python 3.10 or newer and `make`. From the course folder:

```bash
make book   # create the environment, install everything, build this book
make lab    # open JupyterLab on the course
make test   # run every test of the code, the assignments and the book
```

`make book` writes the web pages to `_build/html`; open `_build/html/index.html` in a
browser. The first build trains the course's model once (a few minutes on a laptop) and
keeps it on disk; later builds reuse it. Nothing is downloaded while the book is built or
read: it works offline.
"""),
        md("""
## Map of the book

- **The pipeline, stage by stage**: [data collection](01_data_collection.ipynb),
  [preprocessing](02_preprocessing.ipynb), [feature engineering](03_feature_engineering.ipynb),
  [model training](04_model_training.ipynb), [generation](05_generation.ipynb).
- **One sentence through the trained model**: [input tokenization](06_input_tokenization.ipynb),
  [the embedding layer](07_embedding_layer.ipynb),
  [neural network layers](08_neural_network_layers.ipynb),
  [softmax activation](09_softmax_activation.ipynb), [word selection](10_word_selection.ipynb).
- **Wrapping up**: [the key insight and the course quiz](11_key_insight.ipynb),
  [for students](for_students.md), [for teachers](for_teachers.md).
"""),
        md("""
## Check yourself
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("00_introduction")
"""),
        md("""
Next: [Stage 1, data collection](01_data_collection.ipynb), where the text comes from.
"""),
    ])


# ------------------------------------------------------------------- 11 key insight
def key_insight() -> nbformat.NotebookNode:
    return notebook([
        md("""
# The key insight: learn patterns, predict the next word, repeat

You have now seen every stage of a generative language model and followed one sentence
through every layer. This chapter puts it back together in three words, with numbers from
the model trained for this book, and ends with the course quiz.

**In this chapter you will learn**

- how the three steps *learn patterns*, *predict the next word* and *repeat* map onto the
  five stages and the five layers;
- how to read the model's prediction for one next word;
- how well you now know the course (the course quiz).
"""),
        code("""
from genai_lab.train import default_model

trained = default_model()  # trained once, then loaded from the cache on disk
model, tokenizer, history = trained.model, trained.tokenizer, trained.trace
print(f"{model.num_parameters():,} parameters, vocabulary of {tokenizer.vocab_size} tokens, "
      f"{len(history.epochs)} epochs of training")
"""),
        md("""
## 1. Learn patterns
"""),
        code('''
from IPython.display import Markdown

last = history.epochs[-1]
Markdown(f"""
Training showed the model {trained.train_ids.shape[0]:,} sentences, again and again for
{len(history.epochs)} epochs, and nudged its {model.num_parameters():,} weights after every
batch so that it predicts each next word a little better. Its validation loss (how
surprised it is by sentences it never trained on) fell from {history.initial_val_loss:.2f}
to {last.val_loss:.2f} (guessing uniformly among its {tokenizer.vocab_size} tokens would
score {history.ln_vocab:.2f}), and the share of next words it gets exactly right rose from
{history.initial_val_accuracy:.2f} to {last.accuracy:.2f}.
""")
''', "remove-input"),
        md("""
Nobody wrote a rule like "a sentence starts with *the* or *a*". The patterns are in the
weights because they were in the data.
"""),
        md("""
## 2. Predict the next word

Give the trained model the start of a sentence and it returns one score per token of its
vocabulary; softmax turns the scores into probabilities. Here is its prediction after
*"The"*:
"""),
        code("""
import numpy as np
from genai_lab.plotting import bar_chart, figure_with_alt
from genai_lab.softmax import softmax

prompt = "The"
ids = np.array([tokenizer.encode(prompt)[:-1]])        # (1, T): [CLS] and the prompt, no [SEP]
logits = model.forward(ids)[0, -1]                       # (V,) scores for the next token
probs = softmax(logits)                                  # (V,) probabilities, sum to 1
top = np.argsort(probs)[::-1][:8]                        # the 8 most likely next tokens
words = [tokenizer.id_to_token(int(i)) for i in top]
fig, alt = bar_chart(words, probs[top], title=f"Next-token probabilities after {prompt!r}",
                     xlabel="next token", ylabel="probability", highlight=0)
figure_with_alt(fig, alt)
"""),
        code('''
Markdown(f"""
The most likely next token is *{words[0]}* (probability {probs[top[0]]:.2f}), then
*{words[1]}* ({probs[top[1]]:.2f}); only {int((probs > 0.01).sum())} of the
{tokenizer.vocab_size} tokens get more than 1%. The model has learned which words can
follow *"{prompt}"* in its little world, and how often.
""")
''', "remove-input"),
        md("""
## 3. Repeat

Generation picks one token from those probabilities, appends it and predicts again. Each
row of the table is one round of *predict, pick, append*:
"""),
        code("""
from genai_lab.generate import generate, sentence_case

generation = generate(model, tokenizer, "The", seed=0, record=True)
generation
"""),
        code('''
Markdown(f"""
In {len(generation.new_ids)} rounds of *predict, pick, append*, the model wrote:

> {sentence_case(generation.text)}

That is all a generative language model does, whether it has {model.num_parameters():,} weights like ours
or hundreds of billions: **learn patterns from text, predict the next word, repeat.**
Bigger models learn more patterns from more text, and so their predictions are better; the
loop is the same.
""")
''', "remove-input"),
        md("""
## How the pieces fit

| step | pipeline stages | layers of one prediction |
|---|---|---|
| learn patterns | 1 data collection, 2 preprocessing, 3 feature engineering, 4 model training | (all weights are learned) |
| predict the next word | — | 1 input tokenization, 2 embedding, 3 neural network layers, 4 softmax |
| repeat | 5 generation | 5 word selection, then back to 1 |
"""),
        md("""
## Course quiz

Click an answer to see whether it is right and why.
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("11_key_insight", title="Course quiz")
"""),
        md("""
## Where to go next

- Do the assignments: [the page for students](for_students.md) explains how to get, do and
  submit them.
- Run the book yourself with `make lab`, change the prompt above and generate again.
- Teaching this course? See [the page for teachers](for_teachers.md).
"""),
    ])


# ------------------------------------------------------------------- placeholders
STAGE_NAMES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
               "Generation"]
LAYER_NAMES = ["Input tokenization", "Embedding layer", "Neural network layers",
               "Softmax activation", "Word selection"]


def placeholder(stem: str) -> nbformat.NotebookNode:
    title, modules = PLANNED[stem]
    index = list(PLANNED).index(stem)
    names, kind = (STAGE_NAMES, "pipeline") if index < 5 else (LAYER_NAMES, "prediction")
    return notebook([
        md(f"""
# {title}

{PLACEHOLDER_MARK} This chapter is being written. It will use `{modules}` to show this
step with real, executed code, a figure, something to change and re-run, and a short quiz.
"""),
        md(f"""
## Where this step sits in the {kind}
"""),
        code(f"""
from genai_lab.plotting import figure_with_alt, stage_diagram

fig, alt = stage_diagram({names!r}, highlight={index % 5})
figure_with_alt(fig, alt)
"""),
        md("""
## Check yourself
"""),
        code(f"""
from genai_lab.quiz import render_quiz

render_quiz("{stem}")
"""),
    ])


def is_placeholder(path: Path) -> bool:
    """True if ``path`` is a placeholder written by this script (safe to rewrite)."""
    nb = nbformat.read(path, as_version=4)
    return bool(nb.cells) and PLACEHOLDER_MARK in nb.cells[0].source


def wanted() -> dict[Path, nbformat.NotebookNode]:
    out = {CHAPTERS / "00_introduction.ipynb": introduction(),
           CHAPTERS / "11_key_insight.ipynb": key_insight()}
    for stem in PLANNED:
        path = CHAPTERS / f"{stem}.ipynb"
        if not path.exists() or is_placeholder(path):
            out[path] = placeholder(stem)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="report notebooks that differ from this script, write nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from genai_lab.quiz import QUIZ_CSS, QUIZ_JS

    files = {path: nbformat.writes(nb) + "\n" for path, nb in wanted().items()}
    files[ROOT / "book" / "_static" / "quiz.js"] = QUIZ_JS
    files[ROOT / "book" / "_static" / "quiz.css"] = QUIZ_CSS
    stale = [p for p, text in files.items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------- the runner shared by the chapter builders
def load_chapter_source(folder: Path, stem: str, stems: tuple[str, ...], prefix: str):
    """Import ``<folder>/<stem>.py`` (a chapter source; its file name is not a module name).

    Chapter sources import their helpers from ``build_chapters`` and from their runner
    (``build_stages``, ``build_layers``): both folders are put on ``sys.path`` here, once,
    instead of in every source.
    """
    import importlib.util
    for path in (str(folder.parent), str(folder)):
        if path not in sys.path:
            sys.path.insert(0, path)
    if stem not in stems:
        raise ValueError(f"unknown chapter {stem!r}; these chapters are {stems}")
    spec = importlib.util.spec_from_file_location(f"{prefix}{stem}", folder / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_chapter_builder(render, stems: tuple[str, ...], description: str,
                        argv: list[str] | None = None, chapters: Path = CHAPTERS,
                        root: Path = ROOT) -> int:
    """Write (or with ``--check`` only compare) ``<chapters>/<stem>.ipynb`` for ``stems``.

    ``render(stem)`` returns the exact text of the notebook. Returns the exit code: 1 with
    ``--check`` when a committed notebook differs from a fresh build, else 0.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true",
                        help="report chapters that differ from their source, write nothing")
    parser.add_argument("stems", nargs="*", default=list(stems),
                        help=f"chapters to write or check (default: all of {', '.join(stems)})")
    args = parser.parse_args(argv)
    for stem in args.stems:
        if stem not in stems:
            parser.error(f"unknown chapter {stem!r}; choose from {', '.join(stems)}")
    stale = []
    for stem in args.stems:
        path = chapters / f"{stem}.ipynb"
        text = render(stem)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(root)}")
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(root)}")
        return 1 if stale else 0
    return 0
