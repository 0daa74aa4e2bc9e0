"""Chapter source: Stage 5, generation (written to chapters/05_generation.ipynb).

Build with ``scripts/chapters/build_stages.py``. Every number the reader sees is computed by a
cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell. The only
example typed in the prose is the seed project's sentence, quoted as the seed's.
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook

STEM = "05_generation"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Stage 5: Generation

The trained model does one thing: given the words so far, it gives a probability to every
possible next token. *Generation* turns that into new text: predict, **choose** one token,
append it, and predict again, until the model chooses the end of the sentence. How the
token is chosen makes a surprising difference.

**In this chapter you will learn**

- how a seed text becomes a new sentence, one token at a time;
- four ways to choose the next token: greedy, temperature, top-k and top-p;
- why the same seed (for the random choices) always gives the same text;
- how to measure the quality of generated text with the grammar, and how it depends on
  the temperature.
"""),
        code("""
from genai_lab.plotting import figure_with_alt, stage_diagram

STAGES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
          "Generation"]
fig, alt = stage_diagram(STAGES, highlight=4, title="Stage 5 of 5: generation")
figure_with_alt(fig, alt)
""", "remove-input"),
        md("""
## Seed text in, new text out

The seed project described generation with this example:

> seed text "The sun" → "The sun rises in the morning and shines brightly." (the seed's
> example)

Here is what **our** model writes from "The sun", with the course's default way of choosing
words. Each row is one round of *predict, choose, append*; the last column shows the
model's three favourite tokens at that step, with their probabilities:
"""),
        code("""
from genai_lab.generate import generate, sentence_case
from genai_lab.train import default_model

trained = default_model()          # trained once per build, then loaded from disk
model, tokenizer, grammar = trained.model, trained.tokenizer, trained.grammar

result = generate(model, tokenizer, "The sun", seed=0, record=True)
result
"""),
        code("""
from IPython.display import Markdown

seed_example = "The sun rises in the morning and shines brightly."
Markdown(f\"\"\"
Our model wrote **"{sentence_case(result.text)}"** in {len(result.new_ids)} steps (the last one chose
`[SEP]`, the end of the sentence){'' if result.stopped_at_end else ' (it did not reach [SEP])'}.
Is it a sentence of our language? The grammar says
**{'yes' if grammar.accepts(result.text) else 'no'}**. (And the seed's example sentence?
{'Yes, it is one too' if grammar.accepts(seed_example) else 'No, it is not one'}.)
\"\"\")
""", "remove-input"),
        md("""
## Four ways to choose the next token

At every step the model gives a probability to each of the vocabulary's tokens. What do we
do with them?

- **Greedy**: always take the most likely token. Simple, but the text is always the same,
  and often dull or repetitive.
- **Sampling with a temperature**: draw a token at random, in proportion to its
  probability. Before drawing, the scores are divided by the *temperature*: below 1 the
  likely tokens become even more likely (safer text), above 1 the distribution flattens
  (more surprising text, and more mistakes).
- **Top-k**: draw only among the k most likely tokens.
- **Top-p** (*nucleus*): draw only among the most likely tokens that together have
  probability p; after a confident prediction that can be a single token, after an
  uncertain one many.

Here is what each does to the model's probabilities after *"The"*:
"""),
        code("""
import numpy as np
from genai_lab.plotting import PALETTE, FigureStyle, new_figure
from genai_lab.sampling import SamplingConfig, select_next

prefix = "The"
ids = np.array([tokenizer.encode(prefix)[:-1]])        # (1, T): [CLS] + words, no [SEP]
logits = model.forward(ids)[0, -1].astype(np.float64)   # (V,) scores for the next token
SETTINGS = {
    "temperature 1 (the model's own)": SamplingConfig(temperature=1.0),
    "temperature 0.5": SamplingConfig(temperature=0.5),
    "temperature 2": SamplingConfig(temperature=2.0),
    "top-k = 3": SamplingConfig(top_k=3),
    "top-p = 0.9": SamplingConfig(top_p=0.9),
}
rng = np.random.default_rng(0)
final = {name: select_next(logits, cfg, rng).probs for name, cfg in SETTINGS.items()}  # (V,) each
raw = final["temperature 1 (the model's own)"]
top = np.argsort(-raw, kind="stable")[:6]                 # the model's 6 favourite tokens
labels = [tokenizer.id_to_token(int(i)) for i in top]

fig, ax = new_figure(style=FigureStyle(width=9, height=4.2))
width = 0.16
hatches = ["", "//", "..", "xx", "++"]
for k, (name, probs) in enumerate(final.items()):
    ax.bar(np.arange(len(top)) + (k - 2) * width, probs[top], width=width,
           color=PALETTE[k + 1], edgecolor="black", hatch=hatches[k], label=name)
ax.set_xticks(np.arange(len(top)), labels)
ax.set_xlabel(f"next token after {prefix!r}")
ax.set_ylabel("probability used for the choice")
ax.set_title("The same prediction, five ways to choose")
ax.legend(fontsize="small")
summary = "; ".join(f"{name}: " + ", ".join(f"{labels[j]} {final[name][i]:.2f}"
                                            for j, i in enumerate(top[:3]))
                    for name in final)
alt = (f"Grouped bar chart of the probabilities of the model's {len(top)} most likely next "
       f"tokens after {prefix!r} under five settings, each with its own colour and hatching. "
       f"Top three tokens per setting: {summary}.")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
kept = {name: int((probs > 0).sum()) for name, probs in final.items()}
Markdown(f\"\"\"
At temperature 1 the model gives *{labels[0]}* {raw[top[0]]:.2f} and *{labels[1]}*
{raw[top[1]]:.2f}. Temperature 0.5 sharpens that to {final['temperature 0.5'][top[0]]:.2f}
for *{labels[0]}*, temperature 2 flattens it to
{final['temperature 2'][top[0]]:.2f}. Top-k = 3 keeps exactly {kept['top-k = 3']} tokens;
top-p = 0.9 keeps {kept['top-p = 0.9']} of the {tokenizer.vocab_size}: every other token
gets probability 0 and can never be chosen.
\"\"\")
""", "remove-input"),
        md("""
The same settings, now generating whole sentences from the seed text "The" (three random
seeds each; greedy needs no seed, so it writes one sentence):
"""),
        code("""
from genai_lab.trace import Table

CHOICES = {"greedy": SamplingConfig(method="greedy"),
           "temperature 0.5": SamplingConfig(temperature=0.5),
           "temperature 1": SamplingConfig(temperature=1.0),
           "temperature 2": SamplingConfig(temperature=2.0),
           "top-k = 3": SamplingConfig(top_k=3),
           "top-p = 0.9": SamplingConfig(top_p=0.9)}
rows = []
for name, cfg in CHOICES.items():
    for seed in ([0] if cfg.method == "greedy" else [0, 1, 2]):
        text = sentence_case(generate(model, tokenizer, "The", sampling=cfg, seed=seed).text)
        rows.append((name, seed if cfg.method != "greedy" else "-", text,
                     "yes" if grammar.accepts(text) else "no"))
Table("Sentences generated from 'The'", ("setting", "seed", "generated text",
                                         "grammar accepts"), rows)
"""),
        md("""
## Same seed, same text

"Random" choices in a computer come from a *random number generator*, which is started
from a number, the *seed*. The same seed always gives the same sequence of random numbers,
so the same text. That is what makes every sentence in this book reproducible:
"""),
        code("""
first = sentence_case(generate(model, tokenizer, "The little", seed=7).text)
again = sentence_case(generate(model, tokenizer, "The little", seed=7).text)
other = sentence_case(generate(model, tokenizer, "The little", seed=8).text)
print("seed 7:        ", first)
print("seed 7 again:  ", again, "(identical)" if again == first else "(DIFFERENT)")
print("seed 8:        ", other)
"""),
        md("""
## How good is the generated text?

For a real language model, judging its text needs people, or another model. For ours, the
grammar can judge: a generated sentence is *accepted* if the grammar could have produced
it. `generation_quality` generates 200 sentences from scratch (from `[CLS]` alone) at the
course's default setting and at several temperatures, and counts the accepted ones:
"""),
        code("""
from genai_lab.generate import generation_quality

quality = generation_quality(model, tokenizer, grammar, n=200,
                             temperatures=(0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0), seed=0)
quality
"""),
        code("""
from genai_lab.plotting import COLORS

temp_rows = quality.rows[1:]                              # one row per temperature
temps = [r.sampling.temperature for r in temp_rows]
acceptance = [100 * r.acceptance for r in temp_rows]
default = quality.default
fig, ax = new_figure()
ax.plot(temps, acceptance, marker="o", color=COLORS["train"],
        label="sampling at this temperature")
ax.plot([default.sampling.temperature], [100 * default.acceptance], marker="*",
        markersize=16, linestyle="none", color=COLORS["highlight"], markeredgecolor="black",
        label=f"course default (temperature {default.sampling.temperature:g}, "
              f"top-p {default.sampling.top_p})")
ax.set_xlabel("temperature")
ax.set_ylabel("sentences the grammar accepts (%)")
ax.set_ylim(0, 105)
ax.set_title(f"Quality of {default.n} generated sentences per setting")
ax.legend(loc="lower left")
points = "; ".join(f"temperature {t:g}: {a:.1f}%" for t, a in zip(temps, acceptance))
alt = (f"Line chart of the share of generated sentences the grammar accepts against the "
       f"sampling temperature. {points}. A star marks the course default at "
       f"{100 * default.acceptance:.1f}%.")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
best = max(temp_rows, key=lambda r: r.acceptance)
worst = min(temp_rows, key=lambda r: r.acceptance)
Markdown(f\"\"\"
At the course's default setting {100 * default.acceptance:.1f}% of the generated sentences
are correct sentences of the language. Across temperatures the share goes from
{100 * worst.acceptance:.1f}% (temperature {worst.sampling.temperature:g}) to
{100 * best.acceptance:.1f}% (temperature {best.sampling.temperature:g}). A low temperature
plays safe; a high one gives rare, often wrong continuations more chances, and a wrong
word early in a sentence usually spoils the rest. The price of playing safe is variety:
at a low temperature the model keeps writing its favourite sentences.
\"\"\")
""", "remove-input"),
        code("""
coolest, hottest = temp_rows[0], temp_rows[-1]
Markdown(f"Variety, measured (the *distinct* column): of {coolest.n} sentences, temperature "
         f"{coolest.sampling.temperature:g} writes {coolest.distinct} different ones, "
         f"temperature {hottest.sampling.temperature:g} writes {hottest.distinct}, and the "
         f"course default {default.distinct}.")
""", "remove-input"),
        md("""
## Try it: generate your own

Choose the seed text, the temperature, top-k (0 = off), top-p (1 = off) and the random
seed, and generate five sentences. The controls work when you run this notebook in
JupyterLab; on the web page, the table below shows the default settings.
"""),
        code("""
import ipywidgets as widgets

from genai_lab.interactive import live_controls
from IPython.display import display


def show_generation(seed_text="The cat", temperature=1.0, top_k=0, top_p=1.0, seed=0):
    \"\"\"Five sentences generated from ``seed_text``, each checked by the grammar.\"\"\"
    cfg = SamplingConfig(temperature=temperature, top_k=top_k or None,
                         top_p=None if top_p >= 1.0 else top_p)
    rng = np.random.default_rng(seed)           # one generator for the five sentences
    rows = []
    for i in range(5):
        text = sentence_case(generate(model, tokenizer, seed_text, sampling=cfg, rng=rng).text)
        rows.append((i + 1, text, "yes" if grammar.accepts(text) else "no"))
    display(Table(f"Generated from {seed_text!r} (temperature {temperature:g}, "
                  f"top-k {top_k or 'off'}, top-p {top_p if top_p < 1 else 'off'}, "
                  f"seed {seed})", ("#", "generated text", "grammar accepts"), rows))


show_generation()  # the default settings: this is what the web page shows
live_controls(
    show_generation,
    seed_text=widgets.Text(value="The cat", description="seed text", continuous_update=False),
    temperature=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1,
                                    description="temperature", continuous_update=False),
    top_k=widgets.IntSlider(value=0, min=0, max=20, description="top-k",
                            continuous_update=False),
    top_p=widgets.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05, description="top-p",
                              continuous_update=False),
    seed=widgets.IntSlider(value=0, min=0, max=100, description="seed",
                           continuous_update=False));
"""),
        md("""
Things to try: temperature 0.1 against 3.0; top-k = 1 (what is that the same as?); a seed
text with a word the model never saw (it warns you, and carries on with `[UNK]`).

## Check yourself
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("05_generation", title="Click an answer to see if it is right, and why")
"""),
        md("""
## Assignment

In the **sampling** assignment (`assignments/source/sampling/`) you write temperature,
top-k and top-p sampling yourself, with a seeded random number generator, and the grader
checks them. See [the page for students](for_students.md) for how to get and submit it.

This was the last stage. Next, [one sentence through the trained model](06_input_tokenization.ipynb)
looks inside a single prediction, layer by layer.
"""),
    ])
