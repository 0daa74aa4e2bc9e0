"""Chapter source: Layer 3, neural network layers (written to chapters/08_neural_network_layers.ipynb).

Build with ``scripts/chapters/build_layers.py``. Every number the reader sees is computed by
a cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell
(``say``).
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook
from build_layers import quiz_cells, say, setup_cell, where_cells, widget_cell

STEM = "08_neural_network_layers"

ATTENTION_HELPERS = '''
def attention_alt(trace, block):
    """Alt text for ``trace.plot_attention(block)``: what the last position reads most, per head."""
    att = trace.recorder["blocks"][block]["attn_weights"][0]      # (H, T, T)
    last = trace.tokens[-1]
    parts = []
    for h in range(att.shape[0]):
        j = int(np.argmax(att[h, -1]))
        parts.append(f"head {h}: {trace.tokens[j]} at position {j} ({att[h, -1, j]:.2f})")
    return (f"{att.shape[0]} heat maps, one per attention head of block {block}, each "
            f"{att.shape[1]} by {att.shape[2]} with the tokens {', '.join(trace.tokens)} as row "
            f"and column labels and the weight written in each cell. The upper right triangle "
            f"is empty: no position reads a later one. The last position ({last}) reads "
            f"most from: " + "; ".join(parts) + ".")

def head_figure(trace, block, head):
    """One attention head as a large heat map, each weight written in its cell: (fig, alt)."""
    from genai_lab.plotting import new_figure

    att = trace.recorder["blocks"][block]["attn_weights"][0, head]    # (T, T)
    n = len(trace.tokens)
    fig, ax = new_figure()
    fig.set_size_inches(max(4.5, 0.6 * n + 2), max(4.0, 0.5 * n + 1.5))
    image = ax.imshow(att, cmap="cividis", vmin=0, vmax=1)
    ax.set_xticks(range(n), trace.tokens, rotation=60, ha="right")
    ax.set_yticks(range(n), trace.tokens)
    ax.set_xlabel("reads from")
    ax.set_ylabel("position reading")
    ax.grid(False)
    for i in range(n):
        for j in range(i + 1):
            ax.text(j, i, f"{att[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if att[i, j] > 0.5 else "white")
    ax.set_title(f"block {block}, head {head}")
    fig.colorbar(image, ax=ax, label="attention weight")
    strongest = "; ".join(f"{trace.tokens[i]} reads {trace.tokens[int(np.argmax(att[i]))]} "
                          f"({att[i].max():.2f})" for i in range(n))
    alt = (f"Heat map of the attention weights of block {block}, head {head} for the tokens "
           f"{', '.join(trace.tokens)}, with each weight written in its cell. Strongest "
           f"weight per row: {strongest}.")
    return fig, alt
'''


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Layer 3: Neural network layers

After the embedding layer, every token of the sentence has its own vector, but each
vector knows only its own word and its position. The vector at the last position belongs
to the word *the*; it has no idea yet that the sentence is about the sun. The **neural
network layers** change that: they let the vectors exchange information and transform
it, step by step, until the last vector holds what the model needs to predict the next
word.

**In this chapter you will learn**

- what a *transformer block* does: attention, then a small feed-forward network, each
  adding its result to a running vector (the *residual stream*);
- what *causal* attention means, in plain words, and how to read attention heat maps;
- the shapes and sizes of the hidden activations inside a block;
- how the vector of the last position changes through the blocks until it "knows" what
  comes next.
"""),
        *where_cells(2),
        md("""
## The sentence we follow

We load the trained model and run our sentence through it once; everything below was
recorded during that one forward pass.
"""),
        setup_cell(),
        md("""
## The blocks at a glance

The network is a stack of identical **transformer blocks**; each has its own weights.
"""),
        code("""
from genai_lab.trace import Table

cfg = model.config
per_block = sum(a.size for name, a in model.params.items() if name.startswith("h0."))
Table("The neural network layers of the trained model", ("what", "value"), [
    ("transformer blocks", cfg.n_layer),
    ("attention heads per block", cfg.n_head),
    ("width C of every token's vector", cfg.n_embd),
    ("width of one head (C / heads)", cfg.n_embd // cfg.n_head),
    ("hidden width F of the MLP", cfg.mlp_ratio * cfg.n_embd),
    ("weights per block", per_block),
])
"""),
        say("""
Each of the {cfg.n_layer} blocks does two things, one after the other:

1. **Attention** ({cfg.n_head} heads): every position gathers information from itself and
   the positions before it.
2. **MLP** (*multi-layer perceptron*, a small two-layer network): every position
   transforms what it has gathered, on its own, through {cfg.mlp_ratio * cfg.n_embd}
   hidden numbers and back to {cfg.n_embd}.

Neither step replaces the vector it receives: each *adds* its result to it. The vector
that flows through the blocks and collects these additions is called the **residual
stream**. (Before each step the vector is also *normalised*, rescaled to average 0 and
spread 1, which keeps the numbers in a comfortable range; this is called layer norm.)
"""),
        md("""
## Attention: what each word looks at

Attention is how a word collects information from other words. In plain words, for every
position the block computes three vectors from its current vector:

- a **query**: "what am I looking for?";
- a **key**: "what do I contain?";
- a **value**: "what do I pass on if someone looks at me?".

Each position compares its query with the keys of the positions it may look at; a better
match gives a higher score. Softmax (the same function as in layer 4) turns the scores
into **attention weights** that are positive and add up to 1, and the position takes the
weighted average of the values. Each block has several **heads** that do this side by
side with their own queries and keys, so they can look for different things.

The attention here is **causal**: a position may look at itself and at earlier positions,
never at later ones. When the model writes text, the later words do not exist yet, so it
must learn to predict without them.

The heat maps show the weights of every head of the first block. Row = the position that
reads, column = the position it reads from; each row adds up to 1. The empty upper right
triangle is causality: no position reads the future.
"""),
        code(ATTENTION_HELPERS, "hide-input"),
        code("""
figure_with_alt(trace.plot_attention(block=0), attention_alt(trace, 0))
"""),
        md("""
And the second block:
"""),
        code("""
figure_with_alt(trace.plot_attention(block=1), attention_alt(trace, 1))
"""),
        code("""
attention = np.stack([blk["attn_weights"][0] for blk in trace.recorder["blocks"]])  # (L, H, T, T)
subject = trace.tokens.index("sun")
block, head = np.unravel_index(np.argmax(attention[:, :, -1, subject]), attention.shape[:2])
weight = float(attention[block, head, -1, subject])
""", "remove-cell"),
        say("""
Look at the bottom row of each map: it is the last position, the word *the*, deciding
what to read. In block {block}, head {head} puts {weight:.0%} of the last position's
attention on *sun* (position {subject}). That is how the information "this sentence is
about the sun" reaches the position that has to predict the next word. Let us zoom in on
that head: every position of the sentence, and what it reads.
"""),
        code("""
figure_with_alt(*head_figure(trace, block, head))
"""),
        md("""
The tables give the bottom rows of every head, the last position's attention, as numbers:
"""),
        code("""
display(trace.layers[2].tables[0])
display(trace.layers[2].tables[2])
"""),
        md("""
Two checks that the maps mean what we said: every row of weights adds up to 1, and the
weight on later positions is exactly 0.
"""),
        code("""
T = len(trace.tokens)
later = np.triu(np.ones((T, T), dtype=bool), k=1)       # (T, T) True above the diagonal
for b, blk in enumerate(trace.recorder["blocks"]):
    att = blk["attn_weights"][0]                          # (H, T, T)
    print(f"block {b}: rows sum to 1: {np.allclose(att.sum(axis=-1), 1.0)}, "
          f"largest weight on a later position: {att[:, later].max()}")
"""),
        md("""
Causality has a consequence we can test: changing a later word must not change anything
at earlier positions. We run a second sentence that differs from ours in one later word,
and compare the outputs of the last block:
"""),
        code("""
other = prediction_trace(model, tokenizer, "The sun sets in the")
print(f"tokens: {trace.tokens} vs {other.tokens}")
ours, theirs = trace.recorder["blocks"][-1]["out"][0], other.recorder["blocks"][-1]["out"][0]
changed = next(t for t in range(T) if trace.tokens[t] != other.tokens[t])   # first new token
for t in range(T):
    print(f"position {t} ({trace.tokens[t]!r} / {other.tokens[t]!r}): "
          f"largest difference {np.abs(ours[t] - theirs[t]).max():.2e}")
"""),
        say("""
Positions 0 to {changed - 1} come out the same in both sentences (largest difference
{np.abs(ours[:changed] - theirs[:changed]).max():.1e}), while every position from the changed
word (position {changed}) on differs: information flows only forwards.
"""),
        md("""
## Hidden activations

What happens inside a block, in numbers: the attention output and the block output have
one C-wide vector per position, and the MLP's hidden layer is F wide. After its first
layer the MLP applies **GELU**, a function that lets positive values through and squashes
negative values to almost zero; this bend is what lets a network compute more than sums
of its inputs.
"""),
        code("""
display(trace.layers[2].tables[1])
display(trace.layers[2].tables[3])
"""),
        code("""
hidden = [blk["mlp_hidden"][0] for blk in trace.recorder["blocks"]]   # (T, F) per block
positive = [float((h > 0).mean()) for h in hidden]
""", "remove-cell"),
        say("""
For our {T} tokens the MLP's hidden layer holds a ({T}, {hidden[0].shape[1]}) array per
block. {" and ".join(f"{p:.0%} in block {b}" for b, p in enumerate(positive))} of those values
are positive; the others are small negative numbers: GELU has (almost) switched those
hidden units off. Which units are on differs from position to position, and is part of
how the block represents the sentence.
"""),
        md("""
## The residual stream: how the last vector changes

Only the vector at the last position is used to predict the next word. Let us watch it
on its way through the network. At each stage, the input, after block 0, after block 1,
we can apply the model's final step (layer norm and the output layer, then softmax)
to ask: *if the network stopped here, what would it predict?*
"""),
        code("""
from genai_lab.layers import layer_norm_forward
from genai_lab.softmax import softmax

p = model.params
stages = [("input x0", trace.recorder["x0"][0, -1])] + [
    (f"after block {b}", blk["out"][0, -1]) for b, blk in enumerate(trace.recorder["blocks"])]


def predict_from(vector):
    \"\"\"The model's final step on one (C,) vector: layer norm, output layer, softmax -> (V,).\"\"\"
    normalised, _ = layer_norm_forward(vector, p["ln_f.g"], p["ln_f.b"])   # (C,)
    return softmax((normalised @ p["lm_head.w"]).astype(np.float64))      # (V,)


rows, curves = [], []
final_word = trace.top(1)[0][0]
for name, vector in stages:
    probs = predict_from(vector)
    top = np.argsort(-probs)[:3]
    rows.append((name, round(float(np.linalg.norm(vector)), 2),
                 ", ".join(f"{tokenizer.id_to_token(int(i))} {probs[i]:.2f}" for i in top)))
    curves.append(float(probs[tokenizer.token_to_id(final_word)]))
same = np.allclose(predict_from(stages[-1][1]), trace.probs, atol=1e-6)
print(f"the last stage is the model's own output: {same}")
Table(f"The last position ({trace.tokens[-1]!r}) on its way through the network",
      ("stage", "vector length", "top 3 predictions if it stopped here"), rows)
"""),
        code("""
from genai_lab.plotting import new_figure

fig, (left, right) = new_figure(1, 2)
names = [name for name, _ in stages]
lengths = [row[1] for row in rows]
left.bar(names, lengths, color="#0072B2", edgecolor="#000000", hatch="//")
left.set_ylabel("length of the vector")
left.set_title("The residual stream grows")
right.plot(names, curves, marker="o", linestyle="-", color="#D55E00")
right.set_ylim(0, 1)
right.set_ylabel(f"probability of {final_word!r}")
right.set_title(f"Prediction of {final_word!r} if it stopped here")
for ax in (left, right):
    ax.tick_params(axis="x", rotation=20)
alt = ("Two charts over the stages " + ", ".join(names) + ". Left, bars: the length of the "
       "last position's vector, " + ", ".join(f"{v:g}" for v in lengths) + ". Right, a line "
       f"with circles: the probability of {final_word!r} predicted from that stage, "
       + ", ".join(f"{c:.2f}" for c in curves) + ".")
figure_with_alt(fig, alt)
""", "hide-input"),
        say("""
At the input the last vector is just "*the* at position {T - 1}", and a prediction from it
is a guess: {rows[0][2]}. Each block adds to it: its length grows from {rows[0][1]} to
{rows[-1][1]}, and after the last block the prediction is the model's answer,
{rows[-1][2]}.
"""),
        md("""
To see that this is the work of attention, compare our sentence with one that differs in
a single word, *moon* instead of *sun*. At the input, the last position holds exactly the
same vector in both sentences (same token, same position). Only the blocks can carry the
difference forward:
"""),
        code("""
from genai_lab.embedding import cosine_similarity

moon = prediction_trace(model, tokenizer, "The moon rises in the")
moon_stages = [moon.recorder["x0"][0, -1]] + [blk["out"][0, -1] for blk in moon.recorder["blocks"]]
Table("Last position: 'The sun rises in the' vs 'The moon rises in the'",
      ("stage", "cosine similarity of the two vectors", "top prediction (sun)",
       "top prediction (moon)"),
      [(name, round(cosine_similarity(a, b), 3),
        tokenizer.id_to_token(int(np.argmax(predict_from(a)))),
        tokenizer.id_to_token(int(np.argmax(predict_from(b)))))
       for (name, a), b in zip(stages, moon_stages)])
"""),
        say("""
The two vectors start identical (similarity {cosine_similarity(stages[0][1], moon_stages[0]):.2f})
and end different ({cosine_similarity(stages[-1][1], moon_stages[-1]):.2f}), and so do the
predictions: *{trace.top(1)[0][0]}* ({trace.top(1)[0][1]:.2f}) after the sun,
*{moon.top(1)[0][0]}* ({moon.top(1)[0][1]:.2f}) after the moon. The word that decides is
{T - 1 - subject} positions back; a model that only looked at the previous word could not tell the
two sentences apart.
"""),
        md("""
## Try it: choose a block and a head

Type a sentence and choose a block and a head to see that head's attention weights. The
output below shows the default setting. Run this notebook in JupyterLab to use the
controls: they appear under the default output, and every change draws the result again
under them.
"""),
        widget_cell('''
def show_head(sentence="The moon rises in the", block=1, head=0):
    \"\"\"Heat map of one attention head for ``sentence``, weights written in the cells.\"\"\"
    run = prediction_trace(model, tokenizer, sentence)
    display(figure_with_alt(*head_figure(run, block, head)))
''', 'show_head', '''
    sentence=widgets.Text(value="The moon rises in the", description="sentence",
                          continuous_update=False),
    block=widgets.Dropdown(options=list(range(cfg.n_layer)), value=1, description="block"),
    head=widgets.Dropdown(options=list(range(cfg.n_head)), value=0, description="head"),
'''),
        md("""
Things to try: find the head that looks at the subject (*sun*, *moon*, *birds*); a
sentence where the verb must agree with a subject several words back ("The little birds
sing in the garden and"); a head that mostly looks at the previous word.
"""),
        *quiz_cells(STEM),
        md("""
## Assignment

This layer has no assignment of its own; the closest is the **softmax** assignment
(`assignments/source/softmax/`): every attention weight you saw above is a softmax of
scores, and the next chapter uses the same function to turn the last vector into
probabilities. See [the page for students](for_students.md) for how to get and submit it.

Next: [Layer 4, softmax activation](09_softmax_activation.ipynb), where the last vector
becomes one probability per word.
"""),
    ])
