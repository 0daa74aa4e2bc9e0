"""Chapter source: Layer 5, word selection (written to chapters/10_word_selection.ipynb).

Build with ``scripts/chapters/build_layers.py``. Every number the reader sees is computed by
a cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell
(``say``).
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook
from build_layers import quiz_cells, say, setup_cell, where_cells, widget_cell

STEM = "10_word_selection"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Layer 5: Word selection

Softmax gave every word of the vocabulary a probability of coming next. The model itself
stops there: it does not say *which* word comes next. The last layer, **word
selection**, picks one word from the probabilities. Then the word is appended to the
sentence and everything starts again from layer 1. That loop is how a language model
writes.

**In this chapter you will learn**

- four ways to choose the next word: *greedy*, *sampling* (with a temperature), *top-k*
  and *top-p*, and what their settings do;
- why the same random seed always gives the same choice;
- that sampling many times reproduces the model's probabilities;
- how *predict, choose, append, repeat* turns our unfinished sentence into a whole one.
"""),
        *where_cells(4),
        md("""
## The sentence we follow

We load the trained model and run our sentence through it once; the last layer of the
recorded pass already chose a word with the course's default settings.
"""),
        setup_cell("logits = trace.recorder[\"logits\"][0, -1]   # (V,) scores for the next token"),
        code("""
trace.layers[4].tables[0]
"""),
        say("""
{trace.layers[4].summary}
"""),
        md("""
## Four ways to choose

- **Greedy**: always take the most likely word. Simple and predictable, but the same
  beginning always gives the same text, and texts tend to repeat themselves.
- **Sampling**: draw a word at random, each with its probability, like rolling a loaded
  die. A **temperature** (previous chapter) first makes the die more or less loaded.
- **Top-k**: keep only the k most likely words, scale their probabilities up so they add
  up to 1 again, then draw. Unlikely words can never be chosen.
- **Top-p** (also called *nucleus* sampling): keep the smallest set of most likely words
  whose probabilities add up to at least p, then draw. When the model is sure, few words
  are kept; when it hesitates, many are.

The function `select_next` of the package does all four, controlled by a small
`SamplingConfig`. Here is each method on our sentence, every one with a random generator
seeded with 0:
"""),
        code("""
from genai_lab.generate import DEFAULT_SAMPLING
from genai_lab.sampling import SamplingConfig, select_next
from genai_lab.trace import Table

METHODS = {
    "greedy": SamplingConfig(method="greedy"),
    "sampling, T = 1": SamplingConfig(method="sample"),
    "sampling, T = 2": SamplingConfig(method="sample", temperature=2.0),
    "top-k, k = 3": SamplingConfig(method="sample", top_k=3),
    "top-p, p = 0.9": SamplingConfig(method="sample", top_p=0.9),
    "course default": DEFAULT_SAMPLING,
}
selections = {name: select_next(logits, config, np.random.default_rng(0))
              for name, config in METHODS.items()}
raw = selections["greedy"].raw_probs              # (V,) the model's own distribution
favourites = np.argsort(-raw)[:6]                 # ids of its six favourite tokens
Table(f"Choosing the word after {SENTENCE!r}",
      ("method", "temperature", "top-k", "top-p", "words that can be chosen", "random u",
       "chosen", "its probability"),
      [(name, s.temperature, s.top_k, s.top_p, int((s.probs > 0).sum()),
        "-" if s.draw is None else round(s.draw, 4), tokenizer.id_to_token(s.token_id),
        round(float(s.probs[s.token_id]), 3)) for name, s in selections.items()],
      caption="'its probability' is after temperature and filtering: the die the word was "
              "drawn from.")
"""),
        say("""
Sampling draws one uniform random number u between 0 and 1 (here
{selections["sampling, T = 1"].draw:.4f}) and walks along the words, adding up their
probabilities, until the sum passes u. Plain sampling can choose any of the
{int((selections["sampling, T = 1"].probs > 0).sum())} tokens (almost all of them with a tiny
probability); top-k 3 keeps {int((selections["top-k, k = 3"].probs > 0).sum())} and top-p 0.9
keeps {int((selections["top-p, p = 0.9"].probs > 0).sum())}. The course's default (used to
write text in this book) is sampling at temperature {DEFAULT_SAMPLING.temperature:g} with
top-p {DEFAULT_SAMPLING.top_p:g}.
"""),
        md("""
The figure shows what each method does to the probabilities of the model's six favourite
words: the die each method rolls.
"""),
        code("""
from genai_lab.plotting import PALETTE, new_figure

names = [tokenizer.id_to_token(int(i)) for i in favourites]
shown = ["sampling, T = 1", "sampling, T = 2", "top-k, k = 3", "top-p, p = 0.9"]
fig, axes = new_figure(2, 2, sharey=True)
fig.set_size_inches(8, 6)
for k, (ax, name) in enumerate(zip(axes.ravel(), shown)):
    final = selections[name].probs[favourites]
    ax.bar(range(6), final, color=PALETTE[[5, 1, 3, 6][k]], edgecolor="#000000",
           hatch=["//", "..", "xx", "\\\\\\\\"][k])
    ax.set_xticks(range(6), names, rotation=45, ha="right", fontsize=9)
    ax.set_title(name, fontsize=10)
    ax.set_ylim(0, 1)
for ax in axes[:, 0]:
    ax.set_ylabel("probability used to draw")
alt = (f"Four bar charts, one per method, of the probabilities used to draw for the tokens "
       f"{', '.join(names)}. " + " ".join(
           f"{name}: " + ", ".join(f"{w} {selections[name].probs[i]:.2f}"
                                  for w, i in zip(names, favourites)) + "." for name in shown))
figure_with_alt(fig, alt)
""", "hide-input"),
        md("""
## Same seed, same choice

A computer's "random" numbers come from a generator that starts from a number, the
**seed**. The same seed gives the same sequence of numbers, and therefore the same
choice. That is what makes every text in this book reproducible: rebuild the book and you
get the same words.
"""),
        code("""
config = DEFAULT_SAMPLING
first = select_next(logits, config, np.random.default_rng(7))
again = select_next(logits, config, np.random.default_rng(7))
print(f"seed 7: {tokenizer.id_to_token(first.token_id)!r} (u = {first.draw:.4f}); "
      f"seed 7 again: {tokenizer.id_to_token(again.token_id)!r} (u = {again.draw:.4f})")

by_seed = [select_next(logits, config, np.random.default_rng(seed)) for seed in range(10)]
Table("Ten seeds", ("seed", "random u", "chosen"),
      [(seed, round(s.draw, 4), tokenizer.id_to_token(s.token_id))
       for seed, s in enumerate(by_seed)])
"""),
        code("""
from collections import Counter

seed_counts = Counter(tokenizer.id_to_token(s.token_id) for s in by_seed)
""", "remove-cell"),
        say("""
Different seeds give different draws: over these ten seeds the choices were
{", ".join(f"*{w}* {n} times" for w, n in seed_counts.most_common())}.
"""),
        md("""
## Many draws follow the probabilities

One draw is a surprise; many draws are not. If we sample again and again with one
generator, each word should come up about as often as its probability says. Here we draw
many times with plain sampling (temperature 1) and compare how often each word came up
with the model's probabilities:
"""),
        code("""
N_DRAWS = 2000                                                # how many times we draw
rng = np.random.default_rng(0)
plain = SamplingConfig(method="sample")
draws = np.array([select_next(logits, plain, rng, n_candidates=0).token_id
                  for _ in range(N_DRAWS)])                   # (N_DRAWS,) chosen ids
shares = np.bincount(draws, minlength=raw.size) / N_DRAWS     # (V,) how often each was chosen
top = favourites[:4]
for i in top:
    print(f"{tokenizer.id_to_token(int(i))!r:12} probability {raw[i]:.3f}, "
          f"share of the draws {shares[i]:.3f}")
"""),
        code("""
labels = [tokenizer.id_to_token(int(i)) for i in top]
fig, ax = new_figure()
x = np.arange(len(top))
ax.bar(x - 0.2, raw[top], 0.4, color=PALETTE[5], edgecolor="#000000", hatch="//",
       label="model's probability")
ax.bar(x + 0.2, shares[top], 0.4, color=PALETTE[1], edgecolor="#000000", hatch="..",
       label=f"share of {N_DRAWS:,} draws")
ax.set_xticks(x, labels)
ax.set_ylim(0, 1)
ax.set_ylabel("probability / share")
ax.set_title(f"Sampling {N_DRAWS:,} times after {SENTENCE!r}")
ax.legend()
alt = (f"Paired bars for the tokens {', '.join(labels)}: the model's probability and the "
       f"share of {N_DRAWS} draws. " + "; ".join(
           f"{w}: probability {raw[i]:.3f}, drawn {shares[i]:.3f}" for w, i in zip(labels, top))
       + ".")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
worst = int(np.argmax(np.abs(shares - raw)))
expected_spread = float(np.sqrt(raw[worst] * (1 - raw[worst]) / N_DRAWS))
""", "remove-cell"),
        say("""
The largest gap between a share and its probability is
{abs(shares[worst] - raw[worst]):.3f} (for *{tokenizer.id_to_token(worst)}*). With
{N_DRAWS:,} draws, chance alone makes a share wander about {expected_spread:.3f} from its
probability, so this gap is {"well within" if abs(shares[worst] - raw[worst]) < 3 * expected_spread else "more than"}
what chance explains. Sampling gives varied text *and* respects what the model learned.
"""),
        md("""
## Predict, choose, append, repeat

Now the whole loop. `generate` does exactly what the five chapters showed, again and
again: tokenize the text so far, run the model, take the probabilities of the last
position, choose a word, append it. It stops when the model chooses `[SEP]`, "the
sentence is finished". Each row of the table is one round:
"""),
        code("""
from genai_lab.generate import generate, sentence_case

generation = generate(model, tokenizer, SENTENCE, seed=0, record=True)
generation
"""),
        code("""
print(f"first word chosen by generate: {tokenizer.id_to_token(generation.new_ids[0])!r}, "
      f"in the recorded pass: {trace.chosen!r}")
print(f"the grammar of the corpus accepts the sentence: "
      f"{trained.grammar.accepts(generation.text)}")
"""),
        say("""
Starting from **"{SENTENCE}"**, the model wrote **"{sentence_case(generation.text)}"** in
{len(generation.new_ids)} rounds{" (the last one chose `[SEP]`: done)" if generation.stopped_at_end else ""}.
The first round {"is exactly" if generation.new_ids[0] == trace.selection.token_id else "differs from"}
the recorded pass of these five chapters (same seed, same settings: *{trace.chosen}*).
{"The grammar that generated the training data accepts the sentence: the model learned the patterns of its language well enough to continue it." if trained.grammar.accepts(generation.text) else "The grammar that generated the training data does not accept the sentence: the model still makes mistakes."}
"""),
        md("""
Different seeds and methods write different sentences from the same beginning:
"""),
        code("""
rows = []
for name, config in [("greedy", SamplingConfig(method="greedy")),
                     ("course default", DEFAULT_SAMPLING),
                     ("sampling, T = 2", SamplingConfig(method="sample", temperature=2.0))]:
    for seed in range(3):
        text = generate(model, tokenizer, "The", sampling=config, seed=seed).text
        rows.append((name, seed, sentence_case(text), trained.grammar.accepts(text)))
Table("Sentences generated from 'The'", ("method", "seed", "text", "grammar accepts it"), rows)
"""),
        code("""
greedy_texts = {text for name, _, text, _ in rows if name == "greedy"}
hot = [ok for name, _, _, ok in rows if name == "sampling, T = 2"]
""", "remove-cell"),
        say("""
Greedy wrote {len(greedy_texts)} different sentence{"s" if len(greedy_texts) > 1 else ""} for 3
seeds: it never uses the random numbers. At temperature 2 the die is flatter, and
{hot.count(False)} of the 3 sentences break the grammar{": more variety, more mistakes" if hot.count(False) else ""}. The course's default (temperature
{DEFAULT_SAMPLING.temperature:g}, top-p {DEFAULT_SAMPLING.top_p:g}) is a compromise between
the two.
"""),
        md("""
## Try it: choose a method

Type the beginning of a sentence and choose how the next word is picked. The figure
shows the model's probabilities and the probabilities actually used to draw (after
temperature, top-k and top-p) for its ten favourite words, with the chosen word marked.
Top-k 0 and top-p 1 mean "no filter". The output below shows the default setting. Run
this notebook in JupyterLab to use the controls: they appear under the default output,
and every change draws the result again under them.
"""),
        widget_cell('''
def choose(sentence="The sun", method="sample", temperature=1.0, top_k=0, top_p=0.9, seed=0):
    \"\"\"Choose the next word after ``sentence`` and draw the distributions it came from.\"\"\"
    run = prediction_trace(model, tokenizer, sentence)
    config = SamplingConfig(method=method, temperature=temperature,
                            top_k=top_k or None, top_p=top_p if top_p < 1 else None)
    sel = select_next(run.recorder["logits"][0, -1], config, np.random.default_rng(seed))
    order = np.argsort(-sel.raw_probs)[:10]
    words = [tokenizer.id_to_token(int(i)) for i in order]
    word = tokenizer.id_to_token(sel.token_id)
    fig, ax = new_figure()
    fig.set_size_inches(8, 3.6)
    x = np.arange(len(order))
    ax.bar(x - 0.2, sel.raw_probs[order], 0.4, color=PALETTE[5], edgecolor="#000000",
           hatch="//", label="model's probability")
    ax.bar(x + 0.2, sel.probs[order], 0.4, color=PALETTE[1], edgecolor="#000000",
           hatch="..", label="used to draw")
    if sel.token_id in order:
        k = int(np.flatnonzero(order == sel.token_id)[0])
        ax.annotate("chosen", (k + 0.2, sel.probs[sel.token_id]), ha="center", va="bottom")
    ax.set_xticks(x, words, rotation=45, ha="right")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"{sentence!r} -> {word!r}")
    ax.legend()
    kept = int((sel.probs > 0).sum())
    display(figure_with_alt(fig, (
        f"Paired bars for the ten most likely tokens after {sentence!r}: the model's "
        f"probability and the probability used to draw with {method}, temperature "
        f"{temperature:g}, top-k {top_k or 'off'}, top-p {top_p if top_p < 1 else 'off'}. "
        + "; ".join(f"{w} {sel.raw_probs[i]:.2f} -> {sel.probs[i]:.2f}"
                    for w, i in zip(words, order))
        + f". {kept} tokens can be chosen; the chosen word is {word!r}.")))
    print(f"chosen: {word!r} ({kept} tokens could be chosen)")
''', 'choose', '''
    sentence=widgets.Text(value="The sun", description="sentence", continuous_update=False),
    method=widgets.Dropdown(options=["greedy", "sample"], value="sample",
                            description="method"),
    temperature=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1,
                                    description="temperature", continuous_update=False),
    top_k=widgets.IntSlider(value=0, min=0, max=20, description="top-k",
                            continuous_update=False),
    top_p=widgets.FloatSlider(value=0.9, min=0.05, max=1.0, step=0.05,
                              description="top-p", continuous_update=False),
    seed=widgets.IntSlider(value=0, min=0, max=50, description="seed",
                           continuous_update=False),
'''),
        md("""
Things to try: greedy with different seeds (does anything change?); top-p 0.5 after
"The sun" and after "The sun rises in the" (how many words are kept each time?); a high
temperature with and without top-k 3.
"""),
        *quiz_cells(STEM),
        md("""
## Assignment

In the **sampling** assignment (`assignments/source/sampling/`) you write greedy choice,
top-k and top-p filters and a seeded sampler yourself, and use them to generate text. See
[the page for students](for_students.md) for how to get and submit it.

This is the end of our sentence's journey through the model. Next:
[the key insight](11_key_insight.ipynb), which puts the stages and the layers back
together, and the course quiz.
"""),
    ])
