"""Chapter source: Layer 2, the embedding layer (written to chapters/07_embedding_layer.ipynb).

Build with ``scripts/chapters/build_layers.py``. Every number the reader sees is computed by
a cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell
(``say``).
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook
from build_layers import quiz_cells, say, setup_cell, where_cells, widget_cell

STEM = "07_embedding_layer"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Layer 2: The embedding layer

The first layer turned our sentence into a handful of ids. An id is just a name: a larger
id is not "more" than a smaller one, and nothing about the numbers says that *sun* and
*moon* have something in common. The **embedding layer turns words into numbers representing their
meaning**: it replaces every id by a long list of numbers, a *vector*, that the network
can compute with.

**In this chapter you will learn**

- that the embedding layer is a table lookup: each id selects one row of a learned table;
- why a second table adds a *position* vector, and what the sum looks like;
- the shapes involved, from `(1, T)` ids to a `(1, T, C)` block of numbers;
- how to measure whether two word vectors are similar (cosine similarity), and that
  training gave words that are used alike similar vectors.
"""),
        *where_cells(1),
        md("""
## The sentence we follow

As in every chapter of this part, we load the trained model and run our sentence through
it once, recording what each layer did.
"""),
        setup_cell(),
        md("""
## Two tables of learned numbers

The embedding layer owns two tables. The **token table** has one row per token of the
vocabulary; the **position table** has one row per position the model can read. Every
row has the same width C: that is how many numbers describe one token inside the model.
"""),
        code("""
wte = model.params["wte"]   # (V, C): row i is the vector of token id i
wpe = model.params["wpe"]   # (block_size, C): row t is the vector of position t
print(f"token table    wte: {wte.shape}")
print(f"position table wpe: {wpe.shape}")
"""),
        say("""
So every one of the {wte.shape[0]} tokens is described by C = {wte.shape[1]} numbers, and
there is one more row of {wpe.shape[1]} numbers for each of the {wpe.shape[0]} positions.
Together that is {wte.size + wpe.size:,} of the model's {model.num_parameters():,} weights.
Nobody typed these numbers in: they started as small random numbers and training adjusted
them, together with every other weight, so that the model predicts the next word well.
"""),
        md("""
## Looking up the sentence

"Embedding" the sentence means: for each id, take that row of the token table. Nothing is
multiplied or added yet; the layer only looks rows up. The recorded pass kept the rows it
looked up, and we can check that they are exactly the table's rows:
"""),
        code("""
token_vectors = trace.recorder["tok_emb"][0]      # (T, C) one row per token of the sentence
print(f"token vectors: {token_vectors.shape}")
print(f"equal to wte[ids]: {np.array_equal(token_vectors, wte[trace.ids])}")
"""),
        md("""
## Position vectors

Why a second table? In the next layer, every word gathers information from the words
before it by taking a weighted *sum* of their vectors, and a sum does not care about
order: *the sun rises* and *rises the sun* would look the same. So the layer adds to
each token's vector the vector of its **position**, and the model can learn that a word
near the start plays a different role from the same word further on.
"""),
        code("""
position_vectors = trace.recorder["pos_emb"]      # (T, C) rows 0..T-1 of the position table
x0 = trace.recorder["x0"][0]                      # (T, C) what the next layer receives
print(f"position vectors: {position_vectors.shape}, input x0: {x0.shape}")
print(f"x0 == token vectors + position vectors: "
      f"{np.array_equal(x0, token_vectors + position_vectors)}")
"""),
        code("""
from genai_lab.embedding import cosine_similarity

first, second = [i for i, t in enumerate(trace.tokens) if t == "the"][:2]
same_token = np.array_equal(token_vectors[first], token_vectors[second])
after_positions = cosine_similarity(x0[first], x0[second])
""", "remove-cell"),
        say("""
Our sentence shows why this matters. The word *the* appears at positions {first} and
{second}. Its token vectors are the same row of the table (identical: {same_token}), but
after adding the position vectors the two inputs differ: their cosine similarity (1.0
would mean "pointing the same way", explained below) is {after_positions:.2f}. The network
can tell the first *the* from the second.
"""),
        md("""
The table below shows the first few of the C numbers of every vector: token vector plus
position vector gives the input of the next layer.
"""),
        code("""
trace.layers[1].tables[0]
"""),
        md("""
## A picture of the numbers

A table of numbers is easier to take in as a picture. In the heat maps below, each row
is one token of the sentence and each column one of the C numbers; the colour shows the
value (orange positive, purple negative, white near zero; the colour bar gives the scale).
"""),
        code("""
from genai_lab.plotting import new_figure

panels = [("token vectors", token_vectors), ("+ position vectors", position_vectors),
          ("= input x0", x0)]
limit = float(max(np.abs(a).max() for _, a in panels))     # one colour scale for all three
fig, axes = new_figure(3, 1)
fig.set_size_inches(8, 6.5)
for ax, (name, values) in zip(axes, panels):
    image = ax.imshow(values, cmap="PuOr_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_yticks(range(len(trace.tokens)), trace.tokens)
    ax.set_title(f"{name}  {values.shape}")
    ax.grid(False)
axes[-1].set_xlabel(f"dimension (0 .. {x0.shape[1] - 1})")
fig.colorbar(image, ax=list(axes), label="value", shrink=0.8)
alt = (f"Three heat maps of {x0.shape[0]} rows (the tokens {', '.join(trace.tokens)}) by "
       f"{x0.shape[1]} columns: the token vectors (values from {token_vectors.min():.2f} to "
       f"{token_vectors.max():.2f}), the position vectors (from {position_vectors.min():.2f} "
       f"to {position_vectors.max():.2f}) and their sum, the input x0 (from {x0.min():.2f} "
       f"to {x0.max():.2f}). The rows of the two 'the' tokens are identical in the first "
       f"map and differ in the third.")
figure_with_alt(fig, alt)
""", "hide-input"),
        say("""
In the first map the rows of the two *the* tokens (positions {first} and {second}) are
identical stripes; in the last map they are not. For one sentence the embedding layer
turns a `(1, {x0.shape[0]})` array of ids into a `(1, {x0.shape[0]}, {x0.shape[1]})` array of
numbers: B = 1 sentence, T = {x0.shape[0]} tokens, C = {x0.shape[1]} numbers each.
"""),
        md("""
## Similar words, similar vectors

If the vectors represent meaning, words that are used in similar ways should have
similar vectors. We measure that with the **cosine similarity**: it compares the
*directions* of two vectors and ignores their lengths. It is 1 for vectors pointing the
same way, 0 for unrelated (perpendicular) ones and -1 for opposite ones.

Here are the similarities between the token vectors of a few words of the course's
little world, in the trained model:
"""),
        code("""
WORDS = ["sun", "moon", "bird", "birds", "sing", "sings", "cat", "cats",
         "morning", "evening", "east", "west"]
word_ids = [tokenizer.token_to_id(w) for w in WORDS]
vectors = wte[word_ids]                                                  # (n, C)
similarity = cosine_similarity(vectors[:, None, :], vectors[None, :, :])  # (n, n) every pair
off_diagonal = similarity - 2 * np.eye(len(WORDS))     # hide each word's 1.0 with itself
i, j = np.unravel_index(np.argmax(off_diagonal), similarity.shape)   # the most similar pair
print(f"most similar pair: {WORDS[i]!r} and {WORDS[j]!r}, {similarity[i, j]:.2f}")
"""),
        code("""
fig, ax = new_figure()
fig.set_size_inches(7, 6)
ax.imshow(similarity, cmap="PuOr_r", vmin=-1, vmax=1)
ax.set_xticks(range(len(WORDS)), WORDS, rotation=60, ha="right")
ax.set_yticks(range(len(WORDS)), WORDS)
ax.grid(False)
for row in range(len(WORDS)):
    for col in range(len(WORDS)):
        ax.text(col, row, f"{similarity[row, col]:.2f}", ha="center", va="center", fontsize=7)
ax.set_title("Cosine similarity of learned token vectors")
alt = (f"A {len(WORDS)} by {len(WORDS)} grid of cosine similarities between the words "
       f"{', '.join(WORDS)}, each cell labelled with its value. The most similar pair of "
       f"different words is {WORDS[i]} and {WORDS[j]} ({similarity[i, j]:.2f}).")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
from genai_lab.model import TransformerLM

untrained = TransformerLM(model.config, seed=1).params["wte"]   # the same shape, random
before = cosine_similarity(untrained[word_ids][:, None, :], untrained[word_ids][None, :, :])
pairs = np.triu_indices(len(WORDS), k=1)                         # every pair once
mean_before = float(np.abs(before[pairs]).mean())
mean_after = float(np.abs(similarity[pairs]).mean())

from collections import Counter

inputs, targets = trained.train_ids[:, :-1], trained.train_ids[:, 1:]   # (N, L-1) each


def followers(word):
    \"\"\"How often each token follows ``word`` in the training sentences.\"\"\"
    following = targets[inputs == tokenizer.token_to_id(word)]
    return Counter(tokenizer.id_to_token(int(t)) for t in following)


after_i, after_j = followers(WORDS[i]), followers(WORDS[j])
shared = [w for w, _ in (after_i + after_j).most_common() if w in after_i and w in after_j][:3]
""", "remove-cell"),
        say("""
The most similar pair of different words is *{WORDS[i]}* and *{WORDS[j]}*
({similarity[i, j]:.2f}). These vectors were learned for one purpose only, predicting the
next word, so two words end up close when they are used in the same places, followed by
the same words. In the training sentences, *{WORDS[i]}* and *{WORDS[j]}* are both often
followed by {", ".join(f"*{w}*" for w in shared)}. For comparison, in a freshly initialised model with random vectors, the
same pairs have an average similarity (ignoring the sign) of {mean_before:.2f}; after
training it is {mean_after:.2f}{", and the strongest pairs stand out: that structure was learned from the data" if mean_after > mean_before else ""}.

Do not expect too much from a model this small: with {wte.shape[1]} numbers per word and
a vocabulary of {wte.shape[0]} tokens, some neighbours look arbitrary. Large models,
with thousands of numbers per token trained on billions of sentences, learn far richer
vectors, but by the same mechanism.
"""),
        md("""
The nearest neighbours of a word are the words with the most similar vectors:
"""),
        code("""
from genai_lab.embedding import nearest_neighbours
from genai_lab.trace import Table

rows = []
for word in ["sings", "morning", "birds", "cats"]:
    wid = tokenizer.token_to_id(word)
    found = nearest_neighbours(wte[wid], wte, k=4, exclude=wid)
    rows.append((word, ", ".join(f"{tokenizer.id_to_token(n)} ({s:.2f})" for n, s in found)))
Table("Nearest neighbours in the trained token table", ("word", "4 most similar tokens"), rows)
"""),
        md("""
## Try it: compare two words

Pick two words of the vocabulary. In the figure every dot is one of the C dimensions:
its value in the first word's vector across, in the second word's vector up. When the
dots line up along the rising diagonal, the two vectors point the same way and the
cosine similarity is high. The output below shows the default setting. Run this notebook
in JupyterLab to use the controls: they appear under the default output, and every
change draws the result again under them.
"""),
        widget_cell('''
vocabulary = sorted(tokenizer.id_to_token(i) for i in range(4, tokenizer.vocab_size))


def compare_words(first="morning", second="evening"):
    \"\"\"Draw the token vectors of two words and print their cosine similarity.\"\"\"
    a, b = wte[tokenizer.token_to_id(first)], wte[tokenizer.token_to_id(second)]   # (C,) each
    sim = cosine_similarity(a, b)
    fig, ax = new_figure()
    fig.set_size_inches(5, 5)
    limit = 1.1 * float(max(np.abs(a).max(), np.abs(b).max()))
    ax.plot([-limit, limit], [-limit, limit], color="#999999", linestyle="--",
            marker="", label="same value")
    ax.scatter(a, b, color="#0072B2", edgecolor="#000000", label="one dimension")
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_xlabel(f"value in the vector of {first!r}")
    ax.set_ylabel(f"value in the vector of {second!r}")
    ax.set_title(f"cosine similarity {sim:.2f}")
    ax.legend(loc="upper left")
    agree = int((np.sign(a) == np.sign(b)).sum())
    display(figure_with_alt(fig, (
        f"Scatter plot of {a.size} dots, one per dimension: the value in the vector of "
        f"{first} across and in the vector of {second} up, with a dashed diagonal. In "
        f"{agree} of {a.size} dimensions both values have the same sign; the cosine "
        f"similarity is {sim:.2f}.")))
''', 'compare_words', '''
    first=widgets.Dropdown(options=vocabulary, value="morning", description="word 1"),
    second=widgets.Dropdown(options=vocabulary, value="evening", description="word 2"),
'''),
        md("""
Things to try: a singular and its plural (*cat*, *cats*), two verbs (*rises*, *sets*),
a word and a punctuation mark. Which pairs are close, and can you guess why from the
sentences of the corpus?
"""),
        *quiz_cells(STEM),
        md("""
## Assignment

In the **embeddings** assignment (`assignments/source/embeddings/`) you write the lookup,
add position vectors to a batch, and implement cosine similarity and nearest neighbours
yourself. See [the page for students](for_students.md) for how to get and submit it.

Next: [Layer 3, the neural network layers](08_neural_network_layers.ipynb), where the
vectors of the sentence start to exchange information.
"""),
    ])
