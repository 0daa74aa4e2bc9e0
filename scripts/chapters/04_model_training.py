"""Chapter source: Stage 4, model training (written to chapters/04_model_training.ipynb).

Build with ``scripts/chapters/build_stages.py``. Every number the reader sees is computed by a
cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell. The only
numbers typed in the prose are the seed's own epoch table, quoted as the seed's.
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook

STEM = "04_model_training"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Stage 4: Model training

Training is where the model *learns the patterns in the data*. It reads the training
sentences, tries to predict every next word, measures how wrong it was, and adjusts its
weights a little. Repeated many thousands of times, this turns random weights into a model
that knows that *sun* often follows *The*.

**In this chapter you will learn**

- what the parts of a small transformer model do, and how many weights each part has;
- what the *loss* measures, and why an untrained model starts near ln V;
- what one training step does;
- how to read a training trace: the epoch table, a text chart and the loss/accuracy figure;
- why our numbers differ from the seed project's, and what the *best possible* loss and
  accuracy are on our data;
- what the trained model predicts after *"The"*, compared with the truth.
"""),
        code("""
from genai_lab.plotting import figure_with_alt, stage_diagram

STAGES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
          "Generation"]
fig, alt = stage_diagram(STAGES, highlight=3, title="Stage 4 of 5: model training")
figure_with_alt(fig, alt)
""", "remove-input"),
        md("""
## The model: a small transformer

Our model is a *decoder-only transformer*, the same design as GPT models, only much
smaller. It is trained once when the book is built and then kept on disk;
`default_model()` returns it together with its tokenizer and the record of its training.
"""),
        code("""
from genai_lab.train import default_model

trained = default_model()          # trained once per build, then loaded from disk
model, tokenizer, trace = trained.model, trained.tokenizer, trained.trace
model.config
"""),
        md("""
Every weight of the model belongs to one of a few parts. Counting them:
"""),
        code("""
from genai_lab.trace import Table

PARTS = [  # (part, what it does in plain words, test on the parameter name)
    ("token embeddings (wte)", "one vector per vocabulary entry (chapter 3)",
     lambda name: name == "wte"),
    ("position embeddings (wpe)", "one vector per position in the sentence",
     lambda name: name == "wpe"),
    ("attention", "lets every position gather information from the words before it",
     lambda name: ".attn." in name),
    ("MLP (feed-forward)", "transforms each position's vector on its own",
     lambda name: ".mlp." in name),
    ("layer norms", "keep the numbers in a stable range",
     lambda name: ".ln" in name or name.startswith("ln_f")),
    ("output layer (lm_head)", "turns the final vector into one score per vocabulary entry",
     lambda name: name == "lm_head.w"),
]
total = model.num_parameters()
rows, counted = [], 0
for part, role, belongs in PARTS:
    n = sum(arr.size for name, arr in model.params.items() if belongs(name))
    counted += n
    rows.append((part, role, f"{n:,}", f"{100 * n / total:.1f}%"))
if counted != total:
    raise ValueError(f"the parts count {counted} weights, the model has {total}")
Table("Where the weights are", ("part", "what it does", "weights", "share"), rows,
      caption=f"{total:,} weights in total, in {model.config.n_layer} transformer blocks "
              f"of attention + MLP.")
"""),
        code("""
from IPython.display import Markdown

Markdown(f\"\"\"
In total the model has **{total:,}** weights. That sounds like a lot, but the GPT-style
models that write real text have vastly more. Ours can be small because its world is small: {tokenizer.vocab_size} tokens, sentences of at most
{trained.train_ids.shape[1]} tokens.
\"\"\")
""", "remove-input"),
        md("""
## The loss: how surprised is the model?

At every position the model gives a probability to every token of the vocabulary. The
*loss* at that position is **minus the logarithm of the probability it gave to the word that
actually came next** (the *cross-entropy*). Probability 1 gives loss 0; probability 0.5
gives 0.69; a tiny probability gives a large loss. Training minimises the average loss.

A model that knows nothing spreads its probability evenly over all V tokens, so each word
gets 1/V and the loss is ln V:
"""),
        code("""
import math

import numpy as np
from genai_lab.softmax import softmax_cross_entropy

V = tokenizer.vocab_size
equal_scores = np.zeros((1, V))               # (1, V) the same score for every token
loss, _ = softmax_cross_entropy(equal_scores, np.array([tokenizer.token_to_id("sun")]))
print(f"V = {V}; loss of uniform guessing = {loss:.3f}; ln V = {math.log(V):.3f}")
print(f"the untrained model's validation loss: {trace.initial_val_loss:.3f}")
"""),
        md("""
The untrained model's weights are small random numbers, so its scores are nearly equal and
its loss starts close to ln V.

### One training step

A training step takes a *batch* of sentences, predicts every next word, computes the loss
and its *gradient* (for every weight, which direction lowers the loss), and moves every
weight a small step in that direction (with the *Adam* optimizer). Here are a few steps
on a fresh, untrained copy of the model, always on the same batch of 32 sentences:
"""),
        code("""
from genai_lab.model import TransformerLM
from genai_lab.optim import Adam
from genai_lab.train import split_inputs_targets

fresh = TransformerLM(model.config, seed=0)               # random weights
inputs, targets = split_inputs_targets(trained.train_ids[:32])  # (32, L-1) each
optimizer = Adam(fresh.params)
losses = []
for step in range(1, 31):
    loss, grads = fresh.loss_and_grads(inputs, targets, ignore_index=tokenizer.pad_id)
    optimizer.step(grads)                                 # move every weight a little
    losses.append(loss)
print("loss at steps 1, 10, 20, 30:", [round(losses[i], 3) for i in (0, 9, 19, 29)])
"""),
        code("""
n_steps = sum(e.steps for e in trace.epochs)
Markdown(f\"\"\"
Thirty steps on one batch lower its loss from {losses[0]:.2f} to {losses[-1]:.2f}. The real
training does the same with a new batch every step: {trace.epochs[0].steps:,} steps per
*epoch* (one pass over the {trained.train_ids.shape[0]:,} training sentences), for
{len(trace.epochs)} epochs, {n_steps:,} steps in all. After every epoch it measures the
loss and the accuracy on the validation sentences, which it never trains on.
\"\"\")
""", "remove-input"),
        md("""
## The training trace

Everything training measured was recorded while it ran. Epoch 0 is the untrained model.
*Accuracy* is the share of validation positions where the model's most likely next word is
the word that actually came next. The *observation* column is chosen by the numbers alone,
by comparing the loss with the reference levels explained below.
"""),
        code("""
trace
"""),
        md("""
The same losses as a text chart, in the style of the seed project (`o` validation,
`*` training):
"""),
        code("""
print(trace.ascii_chart())
"""),
        md("""
And as a figure, with the loss on the left and the accuracy on the right:
"""),
        code("""
first, last = trace.epochs[0], trace.epochs[-1]
alt = (f"Two line charts over {len(trace.epochs)} epochs. Left: validation loss falls from "
       f"{trace.initial_val_loss:.2f} (untrained) to {last.val_loss:.3f}, training loss "
       f"from {first.train_loss:.2f} to {last.train_loss:.3f}; the final validation loss "
       f"is {trace.final_over_floor:.2f} times the entropy floor {trace.floor:.3f} (dashed "
       f"line) and {'below' if last.val_loss < trace.bigram else 'above'} the bigram "
       f"baseline {trace.bigram:.3f} (dotted line). Right: validation accuracy goes from "
       f"{trace.initial_val_accuracy:.2f} to {last.accuracy:.2f}.")
figure_with_alt(trace.plot(), alt)
""", "hide-input"),
        md("""
## Our numbers and the seed's

The project this course grew from showed an epoch table too. Its numbers were:

> loss 2.5 → 0.8, accuracy 0.30 → 0.78 (the seed's epoch table)

Ours are different:
"""),
        code("""
Markdown(f\"\"\"
> loss {trace.initial_val_loss:.2f} → {last.val_loss:.2f}, accuracy
> {trace.initial_val_accuracy:.2f} → {last.accuracy:.2f} (this book's model, validation set,
> epoch 0 → epoch {last.epoch})
\"\"\")
""", "remove-input"),
        md("""
Neither set is "right": a loss only means something next to the data it was measured on.
Three things explain ours.

**1. The starting point is ln V.** An untrained model starts at the loss of uniform
guessing, which depends only on the size of the vocabulary.

**2. There is a floor.** Our corpus comes from a known grammar (chapter 1), so we can
compute the best loss *any* model can reach: the *entropy floor*. It is not zero, because
the next word is often genuinely uncertain: after "The sun rises in the" both *east* and
*morning* are correct. A model that only looks at the previous word, the *bigram baseline*,
cannot get below a higher level.
"""),
        code("""
Table("Reference levels for the loss (nats per token)", ("level", "loss"),
      [("uniform guessing, ln V", round(trace.ln_vocab, 3)),
       ("untrained model (epoch 0)", round(trace.initial_val_loss, 3)),
       ("bigram baseline (previous word only)", round(trace.bigram, 3)),
       ("trained model (last epoch)", round(last.val_loss, 3)),
       ("entropy floor (best possible)", round(trace.floor, 3))],
      caption=f"final validation loss / entropy floor = {trace.final_over_floor:.3f}")
"""),
        code("""
gap_closed = (trace.bigram - last.val_loss) / (trace.bigram - trace.floor)
Markdown(f\"\"\"
Our final validation loss is **{trace.final_over_floor:.3f} times the floor**. It is
{'below' if last.val_loss < trace.bigram else 'above'} the bigram baseline: of the gap
between the bigram baseline and the floor, the model closed {100 * gap_closed:.0f}%, which it
can only do by reading the whole sentence so far, not just the last word. (The floor is an
average over the whole language; measured on only {trained.val_ids.shape[0]:,} validation
sentences, a loss can land a little above or below it by chance.)
\"\"\")
""", "remove-input"),
        md("""
**3. Accuracy has a ceiling too.** When two next words are equally right, even a perfect
model can pick only one of them as its top guess, and it is "wrong" whenever the sentence
took the other. We can compute that ceiling from the grammar: at every position of every
validation sentence, the best possible guess is the next word the grammar makes most likely.
"""),
        code("""
from collections import defaultdict

from genai_lab.corpus import END

grammar = trained.grammar
# For every prefix of every sentence of the language: probability mass of each next token.
next_mass = defaultdict(lambda: defaultdict(float))
for tokens, p in grammar.sentence_distribution().items():
    for i in range(len(tokens) + 1):
        next_mass[tokens[:i]][tokens[i] if i < len(tokens) else END] += p
best_guess = {prefix: max(nxt, key=nxt.get) for prefix, nxt in next_mass.items()}

right = total_predictions = 0
for row in trained.val_ids:
    words = [tokenizer.id_to_token(int(i)) for i in row
             if i not in (tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id)]
    for i in range(len(words) + 1):               # every word, then the end of sentence
        actual = words[i] if i < len(words) else END
        right += best_guess.get(tuple(words[:i])) == actual  # None if [UNK] is in the prefix
        total_predictions += 1
best_accuracy = right / total_predictions
print(f"best possible accuracy on the validation set: {best_accuracy:.3f} "
      f"({right:,} of {total_predictions:,} next tokens)")
print(f"the trained model's accuracy:                 {last.accuracy:.3f}")
"""),
        code("""
Markdown(f\"\"\"
So even a perfect model would score {best_accuracy:.3f} on our validation sentences; ours
reaches {last.accuracy:.3f}. An accuracy "close to 1" is impossible here, and a higher
number in another project says nothing about a better model: it says the other data
was more predictable.
\"\"\")
""", "remove-input"),
        md("""
## The model learns *sun* after *The*

What did the model actually learn? Give it the start of a sentence, `[CLS] the`, and look
at the probabilities it gives to the next token. Because we know the grammar, we can put
the *true* probabilities next to them:
"""),
        code("""
from genai_lab.softmax import softmax


def model_next(prefix):
    \"\"\"The model's probabilities (V,) for the token after ``prefix``.\"\"\"
    ids = np.array([tokenizer.encode(prefix)[:-1]])        # (1, T): [CLS] + words, no [SEP]
    return softmax(model.forward(ids)[0, -1].astype(np.float64))  # (V,)


def true_next(prefix):
    \"\"\"The grammar's probabilities for the token after ``prefix`` ({} if impossible).\"\"\"
    try:
        dist = grammar.next_word_distribution(prefix)
    except ValueError:                                       # no sentence starts like this
        return {}
    return {("[SEP]" if token == END else token): p for token, p in dist.items()}


def compare(prefix, k=8):
    \"\"\"Rows (token, model probability, true probability) of the model's top ``k``.\"\"\"
    probs, truth = model_next(prefix), true_next(prefix)
    top = np.argsort(-probs, kind="stable")[:k]
    return [(tokenizer.id_to_token(int(i)), float(probs[i]),
             truth.get(tokenizer.id_to_token(int(i)), 0.0)) for i in top]
"""),
        code("""
from genai_lab.plotting import COLORS, FigureStyle, new_figure

rows = compare("The")
labels = [t for t, _, _ in rows]
x = np.arange(len(rows))
fig, ax = new_figure(style=FigureStyle(width=8, height=4))
ax.bar(x - 0.2, [m for _, m, _ in rows], width=0.4, color=COLORS["train"], hatch="//",
       edgecolor="black", label="trained model")
ax.bar(x + 0.2, [t for _, _, t in rows], width=0.4, color=COLORS["highlight"], hatch="..",
       edgecolor="black", label="true (grammar)")
ax.set_xticks(x, labels)
ax.set_xlabel("next token after 'The'")
ax.set_ylabel("probability")
ax.set_title("What comes after 'The'? The model vs the grammar")
ax.legend()
pairs = "; ".join(f"{t}: model {m:.2f}, true {g:.2f}" for t, m, g in rows)
alt = (f"Grouped bar chart of the {len(rows)} tokens the trained model finds most likely "
       f"after 'The', each with the model's probability (hatched with slashes) and the "
       f"grammar's true probability (dotted). {pairs}.")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
top_token, top_model, top_true = rows[0]
largest_error = max(abs(m - t) for _, m, t in rows)
Markdown(f\"\"\"
The model's favourite next token after *The* is **{top_token}**, with probability
{top_model:.2f}; the grammar says {top_true:.2f}. Over these {len(rows)} tokens, model and
truth differ by at most {largest_error:.2f}. The model was never shown the grammar or its
probabilities: it learned them by counting, in effect, what followed *The* in
{trained.train_ids.shape[0]:,} training sentences.
\"\"\")
""", "remove-input"),
        md("""
## Try it: what comes next?

Type the start of a sentence and compare the model's top predictions with the grammar's
true probabilities. The text box works when you run this notebook in JupyterLab; on the
web page, the output below shows the default prefix. A prefix the grammar cannot produce
gets true probability 0 everywhere: see what the model does then.
"""),
        code("""
import ipywidgets as widgets

from genai_lab.interactive import live_controls
from IPython.display import display


def show_predictions(prefix="The moon rises in the", k=8):
    \"\"\"The model's top ``k`` next tokens after ``prefix``, next to the true probabilities.\"\"\"
    display(Table(f"Next token after {prefix!r}", ("token", "model", "true (grammar)"),
                  [(t, round(m, 3), round(g, 3)) for t, m, g in compare(prefix, k)],
                  caption="" if true_next(prefix) else
                  "No sentence of the language starts like this."))


show_predictions()  # the default prefix: this is what the web page shows
live_controls(show_predictions,
                 prefix=widgets.Text(value="The moon rises in the", description="prefix",
                                     continuous_update=False),
                 k=widgets.IntSlider(value=8, min=1, max=20, description="top k",
                                     continuous_update=False));
"""),
        md("""
Things to try: *"The sun rises in the"* against *"The moon rises in the"* (the subject
decides the ending, several words later); *"Many little birds"* (the verb must be plural);
an unknown word.

## Check yourself
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("04_model_training", title="Click an answer to see if it is right, and why")
"""),
        md("""
## Assignment

The closest graded assignment is **softmax** (`assignments/source/softmax/`): you write the
function that turns the model's scores into the probabilities of this chapter, and the
cross-entropy loss that training minimises. See [the page for students](for_students.md)
for how to get and submit it.

Next: [Stage 5, generation](05_generation.ipynb), where the trained model writes new text.
"""),
    ])
