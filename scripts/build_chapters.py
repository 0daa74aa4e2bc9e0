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
from myst_nb import glue
from genai_lab.trace import pipeline_trace

trace = pipeline_trace(stages=(1, 2, 3, 4, 5))
trace
"""),
        code("""
# Numbers quoted in the text below, taken from the trace (never typed by hand).
n_sentences = trace[1].output_shape[0]
n_rows, seq_len = trace[2].output_shape
_, _, dim = trace[3].output_shape
glue("n_sentences", f"{n_sentences:,}", display=False)
glue("seq_len", seq_len, display=False)
glue("dim", dim, display=False)
glue("shape3", " x ".join(str(n) for n in trace[3].output_shape), display=False)
glue("train_example", trace[4].example, display=False)
glue("generated", trace[5].example, display=False)
""", "remove-cell"),
        md("""
Reading the table from top to bottom:

1. **Data collection** gathers example text: here {glue:text}`n_sentences` sentences about
   a small countryside world, sampled from a grammar so that we know exactly which patterns
   there are to learn.
2. **Preprocessing** cleans the text and cuts it into *tokens*, each replaced by a number
   (its id), every sentence padded or cut to {glue:text}`seq_len` ids.
3. **Feature engineering** turns every id into a vector of {glue:text}`dim` numbers, giving
   a {glue:text}`shape3` block of numbers: that is what a neural network can compute with.
4. **Model training** adjusts the model's weights until it predicts the next word well:
   {glue:text}`train_example`.
5. **Generation** uses the trained model to write, one word at a time:
   {glue:text}`generated`.
"""),
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
from myst_nb import glue
from genai_lab.train import default_model

trained = default_model()  # trained once, then loaded from the cache on disk
model, tokenizer, history = trained.model, trained.tokenizer, trained.trace
first, last = history.epochs[0], history.epochs[-1]
print(f"{model.num_parameters():,} parameters, vocabulary of {tokenizer.vocab_size} tokens, "
      f"{len(history.epochs)} epochs of training")
"""),
        code("""
glue("n_params", f"{model.num_parameters():,}", display=False)
glue("vocab", tokenizer.vocab_size, display=False)
glue("n_epochs", len(history.epochs), display=False)
glue("n_train", f"{trained.train_ids.shape[0]:,}", display=False)
glue("loss_start", f"{history.initial_val_loss:.2f}", display=False)
glue("loss_end", f"{last.val_loss:.2f}", display=False)
glue("acc_start", f"{history.initial_val_accuracy:.2f}", display=False)
glue("acc_end", f"{last.accuracy:.2f}", display=False)
glue("ln_vocab", f"{history.ln_vocab:.2f}", display=False)
""", "remove-cell"),
        md("""
## 1. Learn patterns

Training showed the model {glue:text}`n_train` sentences, again and again for
{glue:text}`n_epochs` epochs, and nudged its {glue:text}`n_params` weights after every
batch so that it predicts each next word a little better. Its validation loss (how
surprised it is by sentences it never trained on) fell from {glue:text}`loss_start` to
{glue:text}`loss_end` — guessing uniformly among its {glue:text}`vocab` tokens would score
{glue:text}`ln_vocab` — and the share of next words it gets exactly right rose from
{glue:text}`acc_start` to {glue:text}`acc_end`.

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
        code("""
glue("top_word", words[0], display=False)
glue("top_prob", f"{probs[top[0]]:.2f}", display=False)
glue("second_word", words[1], display=False)
glue("second_prob", f"{probs[top[1]]:.2f}", display=False)
glue("n_likely", int((probs > 0.01).sum()), display=False)
""", "remove-cell"),
        md("""
The most likely next token is *{glue:text}`top_word`* (probability
{glue:text}`top_prob`), then *{glue:text}`second_word`* ({glue:text}`second_prob`); only
{glue:text}`n_likely` of the {glue:text}`vocab` tokens get more than 1%. The model has
learned which words can follow *"The"* in its little world, and how often.
"""),
        md("""
## 3. Repeat

Generation picks one token from those probabilities, appends it and predicts again. Each
row of the table is one round of *predict, pick, append*:
"""),
        code("""
from genai_lab.generate import generate

generation = generate(model, tokenizer, "The", seed=0, record=True)
generation
"""),
        code("""
glue("generated_text", generation.text, display=False)
glue("n_steps", len(generation.new_ids), display=False)
""", "remove-cell"),
        md("""
In {glue:text}`n_steps` rounds the model wrote *"{glue:text}`generated_text`"*. That is
all a generative language model does, whether it has {glue:text}`n_params` weights like
ours or hundreds of billions: **learn patterns from text, predict the next word, repeat.**
Bigger models learn more patterns from more text, and so their predictions are better; the
loop is the same.
"""),
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
