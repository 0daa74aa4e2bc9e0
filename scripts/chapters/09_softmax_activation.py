"""Chapter source: Layer 4, softmax activation (written to chapters/09_softmax_activation.ipynb).

Build with ``scripts/chapters/build_layers.py``. Every number the reader sees is computed by
a cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell
(``say``).
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook
from build_layers import quiz_cells, say, setup_cell, where_cells, widget_cell

STEM = "09_softmax_activation"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Layer 4: Softmax activation

After the neural network layers, the vector at the last position holds what the model
has worked out about the sentence so far. The model's **output layer** turns that vector
into one score per word of the vocabulary, and **softmax** turns the scores into
probabilities: how likely the model thinks each word is to come next.

**In this chapter you will learn**

- what *logits* (scores) are, and how softmax turns them into probabilities;
- how to read the model's top candidates for the next word, and how to check that they
  are exactly the model's own output;
- what *temperature* does to the probabilities;
- why softmax subtracts the largest score first (numerical stability).
"""),
        *where_cells(3),
        md("""
## The sentence we follow

We load the trained model and run our sentence through it once, recording every layer.
"""),
        setup_cell(),
        md("""
## One score per word

The output layer multiplies the last position's vector by a table of weights with one
column per token, which gives one number per token of the vocabulary: the **logits**.
A higher logit means "more likely next", but logits are not probabilities: they can be
negative, and they do not add up to 1.
"""),
        code("""
logits = trace.recorder["logits"][0, -1]     # (V,) one score per token, last position
print(f"logits: {logits.shape} {logits.dtype}")
print(f"smallest {logits.min():.2f}, largest {logits.max():.2f}, sum {logits.sum():.2f}")
"""),
        md("""
## Softmax, step by step

Softmax turns any list of V scores z into V probabilities p:

```text
p[i] = exp(z[i]) / (exp(z[1]) + exp(z[2]) + ... + exp(z[V]))
```

In words: **exponentiate** every score (this makes every number positive, and makes a
larger score *much* larger), then **divide by the total**, so that the results add up
to 1. The order never changes: the largest logit gets the largest probability.

Here it is by hand with numpy, for the ten most likely tokens. The first step subtracts
the largest logit from every logit; the last section of this chapter explains why.
"""),
        code("""
from genai_lab.trace import Table

z = logits.astype(np.float64)            # (V,)
shifted = z - z.max()                    # (V,) the largest becomes 0, the rest negative
exps = np.exp(shifted)                   # (V,) every entry in (0, 1]
by_hand = exps / exps.sum()              # (V,) probabilities, sum to 1

top10 = np.argsort(-by_hand)[:10]
Table("Softmax by hand: the ten most likely next tokens",
      ("rank", "token", "logit z", "z - max", "exp(z - max)", "probability"),
      [(r + 1, tokenizer.id_to_token(int(i)), round(float(z[i]), 3), round(float(shifted[i]), 3),
        float(exps[i]), round(float(by_hand[i]), 4)) for r, i in enumerate(top10)],
      caption=f"sum of exp(z - max) over all {z.size} tokens: {exps.sum():.4f}")
"""),
        say("""
The probabilities of all {z.size} tokens add up to {by_hand.sum():.6f}. The model is
{by_hand[top10[0]]:.0%} sure the next word is *{tokenizer.id_to_token(int(top10[0]))}* and
{by_hand[top10[1]]:.0%} sure it is *{tokenizer.id_to_token(int(top10[1]))}*; the ten most
likely tokens together hold {by_hand[top10].sum():.1%} of the probability, and the other
{z.size - 10} share the rest.
"""),
        md("""
## The model's own output

Is our hand computation really what the model outputs? The prediction trace keeps the
probabilities of the recorded pass, the package's `softmax` computes them from a fresh
forward pass, and the word selection of the next chapter (`select_next`) keeps the
distribution it chose from. All of them must agree:
"""),
        code("""
from genai_lab.generate import DEFAULT_SAMPLING
from genai_lab.sampling import select_next
from genai_lab.softmax import softmax

fresh = softmax(model.forward(np.array([trace.ids]))[0, -1])        # (V,) a new forward pass
chosen_from = select_next(logits, DEFAULT_SAMPLING, np.random.default_rng(0)).raw_probs
for name, other in [("prediction trace", trace.probs), ("softmax of a fresh pass", fresh),
                    ("select_next's distribution", chosen_from)]:
    print(f"by hand vs {name:27s} largest difference {np.abs(by_hand - other).max():.1e}")
same_top = [w for w, _ in trace.top(10)] == [tokenizer.id_to_token(int(i)) for i in top10]
print(f"same top 10 tokens: {same_top}")
"""),
        say("""
The differences are {"rounding only" if max(np.abs(by_hand - trace.probs).max(), np.abs(by_hand - fresh).max()) < 1e-5 else "larger than rounding"}
(the model computes in {np.finfo(logits.dtype).bits}-bit floats, which keep about
{np.finfo(logits.dtype).precision} significant digits). The chart shows the same top ten; the bar of the word that the next layer will
choose, *{trace.chosen}*, is hatched and marked.
"""),
        code("""
pairs = trace.top(10)
figure_with_alt(trace.plot_softmax(top=10), (
    f"Bar chart of the ten most likely next tokens after {SENTENCE!r}: "
    + "; ".join(f"{w} {p:.3f}" for w, p in pairs)
    + f". The bar of {trace.chosen!r}, the chosen word, is hatched and labelled chosen."))
"""),
        md("""
How good are these probabilities? For real text nobody knows the true answer, but our
corpus was generated from a known grammar, so we can compute exactly how often each word
follows this beginning in the language the model learned from:
"""),
        code("""
from genai_lab.corpus import END

truth = trained.grammar.next_word_distribution(SENTENCE)    # token -> true probability
words = list(truth)[:5]


def model_prob(word):
    \"\"\"The model's probability for a token of the grammar (its [END] is our [SEP]).\"\"\"
    return float(trace.probs[tokenizer.sep_id if word == END else tokenizer.token_to_id(word)])


on_truth = sum(model_prob(w) for w in truth)
Table("Model vs grammar", ("next token", "model", "grammar"),
      [(w, round(model_prob(w), 3), round(truth[w], 3)) for w in words])
"""),
        say("""
Only {len(truth)} words can follow in the grammar. The model was never shown these
probabilities, only {trained.train_ids.shape[0]:,} example sentences, yet it puts
{on_truth:.1%} of its
probability on exactly those words.
"""),
        md("""
## Temperature

Softmax has one knob, the **temperature** T: the logits are divided by T before the
exponentials, `softmax(z / T)`.

- T = 1 leaves the model's distribution as it is.
- T < 1 makes the differences between scores larger: the distribution gets *sharper*,
  the favourite gets even more likely.
- T > 1 makes the differences smaller: the distribution gets *flatter*, and unlikely
  words get more of a chance.
"""),
        code("""
TEMPERATURES = (0.5, 1.0, 2.0)
by_temperature = {t: softmax(z, temperature=t) for t in TEMPERATURES}   # T -> (V,)
shown = top10[:8]                                     # the model's 8 favourites
names = [tokenizer.id_to_token(int(i)) for i in shown]
for t in TEMPERATURES:
    print(f"T = {t:g}: " + ", ".join(f"{n} {by_temperature[t][i]:.3f}"
                                    for n, i in zip(names[:4], shown)))
"""),
        code("""
from genai_lab.plotting import PALETTE, new_figure

fig, ax = new_figure()
fig.set_size_inches(8, 4)
width = 0.27
hatches = ("..", "//", "xx")
for k, t in enumerate(TEMPERATURES):
    probs_t = by_temperature[t]                      # (V,)
    ax.bar(np.arange(len(shown)) + (k - 1) * width, probs_t[shown], width,
           color=PALETTE[[5, 1, 6][k]], edgecolor="#000000", hatch=hatches[k],
           label=f"T = {t:g}")
ax.set_xticks(range(len(shown)), names, rotation=30, ha="right")
ax.set_ylabel("probability")
ax.set_ylim(0, 1)
ax.set_title(f"The same logits at three temperatures ({SENTENCE!r})")
ax.legend()
alt = ("Grouped bar chart of the probabilities of the tokens " + ", ".join(names)
       + " at three temperatures, bars told apart by hatching. "
       + " ".join(f"At T = {t:g}: " + ", ".join(f"{n} {by_temperature[t][i]:.2f}"
                                              for n, i in zip(names, shown)) + "."
                  for t in TEMPERATURES))
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
def tokens_for(probs, mass=0.9):
    \"\"\"How many of the most likely tokens it takes to cover ``mass`` of the probability.\"\"\"
    return int(np.searchsorted(np.cumsum(np.sort(probs)[::-1]), mass) + 1)


Table("Temperature and the shape of the distribution",
      ("temperature", f"probability of {names[0]!r}", "tokens needed for 90%",
       "tokens above 1%"),
      [(t, round(float(by_temperature[t][shown[0]]), 3), tokens_for(by_temperature[t]),
        int((by_temperature[t] > 0.01).sum())) for t in TEMPERATURES])
"""),
        say("""
At T = 0.5 the favourite *{names[0]}* gets {by_temperature[0.5][shown[0]]:.0%}; at T = 2 only
{by_temperature[2.0][shown[0]]:.0%}, and {tokens_for(by_temperature[2.0])} tokens are needed to
cover 90% of the probability instead of {tokens_for(by_temperature[1.0])}. Temperature never
changes the *order* of the words, only how much the favourites stand out. The next chapter
uses it to choose words more boldly or more carefully.
"""),
        md("""
## Why subtract the maximum?

The exponential grows very fast, and computers store numbers with a limited range: beyond
it, the result becomes *infinity*. Let us try the textbook
formula on three large logits:
"""),
        code("""
big = np.array([1000.0, 999.0, 998.0])
with np.errstate(over="ignore", invalid="ignore"):   # silence numpy's warnings for the demo
    exp_big = np.exp(big)                            # overflows: inf
    naive = exp_big / exp_big.sum()                  # inf / inf = nan
print(f"exp(big):           {exp_big}")
print(f"textbook formula:   {naive}")
print(f"genai_lab softmax:  {softmax(big)}")
print(f"softmax([2, 1, 0]): {softmax(np.array([2.0, 1.0, 0.0]))}")
"""),
        md("""
The textbook formula computes infinity divided by infinity, which is *not a number*
(`nan`). Yet the answer is perfectly ordinary: adding or subtracting the same amount from
every logit multiplies every exponential by the same factor, which cancels in the
division, so softmax of `[1000, 999, 998]` equals softmax of `[2, 1, 0]`. Subtracting the
**largest** logit is the safe choice: the largest exponential becomes `exp(0) = 1`, nothing
can overflow, and the total is at least 1, so there is no division by zero either.
"""),
        code("""
float32_limit = float(np.log(np.finfo(np.float32).max))   # above this, exp overflows in float32
""", "remove-cell"),
        say("""
This is not only a problem for made-up numbers. Our model computes in
{np.finfo(logits.dtype).bits}-bit floats, in which the exponential overflows for any number above {float32_limit:.1f}: a logit of 100 would
already break the textbook formula. Every softmax in this book, including the attention
weights of the previous chapter, subtracts the maximum first.
"""),
        md("""
## Try it: temperature and top-k

Move the sliders to change the temperature and the number k of most likely words that
are kept (the others are removed and the kept probabilities are scaled up to add up to 1
again; this *top-k* filter is one of the word-selection methods of the next chapter).
The output below shows the default setting. Run this notebook in JupyterLab to use the
controls: they appear under the default output, and every change draws the result again
under them.
"""),
        widget_cell('''
from genai_lab.sampling import top_k_filter


def show_distribution(temperature=1.0, top_k=10):
    \"\"\"Bar chart of the next-token distribution after temperature and a top-k filter.\"\"\"
    probs = top_k_filter(softmax(z, temperature=temperature), top_k)   # (V,) renormalised
    kept = np.argsort(-probs)[:top_k]
    labels = [tokenizer.id_to_token(int(i)) for i in kept]
    fig, ax = new_figure()
    fig.set_size_inches(max(5, 0.55 * top_k + 2), 3.6)
    ax.bar(labels, probs[kept], color="#0072B2", edgecolor="#000000", hatch="//")
    for x, value in enumerate(probs[kept]):
        ax.annotate(f"{value:.2f}", (x, value), ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.tick_params(axis="x", rotation=45)
    ax.set_title(f"After {SENTENCE!r}: temperature {temperature:g}, top-k {top_k}")
    display(figure_with_alt(fig, (
        f"Bar chart of the {top_k} tokens kept at temperature {temperature:g}, with their "
        f"probabilities after renormalising: "
        + ", ".join(f"{w} {probs[i]:.2f}" for w, i in zip(labels, kept)) + ".")))
''', 'show_distribution', '''
    temperature=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1,
                                    description="temperature", continuous_update=False),
    top_k=widgets.IntSlider(value=10, min=1, max=20, description="top-k",
                            continuous_update=False),
'''),
        md("""
Things to try: a very low temperature (0.1): what is left? A high one (3): how flat does
it get? Top-k 1: which method of choosing a word is that?
"""),
        *quiz_cells(STEM),
        md("""
## Assignment

In the **softmax** assignment (`assignments/source/softmax/`) you write softmax with
temperature, a numerically stable log-softmax and the cross-entropy loss that training
minimises. See [the page for students](for_students.md) for how to get and submit it.

Next: [Layer 5, word selection](10_word_selection.ipynb), where one word is chosen from
these probabilities, and the loop starts again.
"""),
    ])
