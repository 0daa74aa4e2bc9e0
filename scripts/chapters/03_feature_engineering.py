"""Chapter source: Stage 3, feature engineering (written to chapters/03_feature_engineering.ipynb).

Build with ``scripts/chapters/build_stages.py``. Every number the reader sees is computed by a
cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell.
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook

STEM = "03_feature_engineering"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Stage 3: Feature engineering

After preprocessing, a sentence is a row of ids such as 208 or 1169. Those numbers are
just positions in a list: id 208 is not "bigger" or "closer" to anything than id 209.
Feature engineering gives each token something a network can compute with: a **vector**,
a list of numbers in which similar words can get similar values. This is the *embedding*.

**In this chapter you will learn**

- what an embedding is: one learned vector per vocabulary entry, looked up by id;
- how the model adds a *position* vector, so it knows where each token stands;
- the shape of the features: 10000 sentences x 50 positions x 768 numbers, and why we
  never build that whole block in memory;
- how to measure how similar two words are (cosine similarity) and find a word's nearest
  neighbours;
- how training moves words that play the same part close together, seen in a 2-D picture.
"""),
        code("""
from genai_lab.plotting import figure_with_alt, stage_diagram

STAGES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
          "Generation"]
fig, alt = stage_diagram(STAGES, highlight=2, title="Stage 3 of 5: feature engineering")
figure_with_alt(fig, alt)
""", "remove-input"),
        md("""
## An embedding is a table

An embedding table has one row per vocabulary entry. Looking a token up means taking the
row with its id. We use the table of the course's trained model, called `wte` (word token
embeddings), and an untrained copy of the same model for comparison: before training, the
table is filled with small random numbers.
"""),
        code("""
import numpy as np
from genai_lab.embedding import embedding_forward
from genai_lab.model import TransformerLM
from genai_lab.train import default_model

trained = default_model()                  # trained once, then loaded from disk
model, tokenizer = trained.model, trained.tokenizer
untrained = TransformerLM(model.config, seed=model.seed)  # the same model before training
wte = model.params["wte"]                  # (V, C) one row per token, after training
wte_before = untrained.params["wte"]       # (V, C) the same table before training
print("embedding table:", wte.shape, "=", wte.shape[0], "tokens x", wte.shape[1], "numbers")

ids = tokenizer.encode("The sun rises")    # [CLS] the sun rises [SEP]
vectors, _ = embedding_forward(ids, wte)   # (T, C): one row of wte per id
print("ids:", ids, "-> vectors of shape", vectors.shape)
print("first numbers of the vector of 'sun':", np.round(vectors[2, :6], 3))
"""),
        code("""
from IPython.display import Markdown

Markdown(f\"\"\"
Every one of the {wte.shape[0]} tokens has a vector of {wte.shape[1]} numbers. The sentence
*The sun rises* became {len(ids)} ids and therefore {vectors.shape[0]} vectors: a
{vectors.shape[0]} x {vectors.shape[1]} block of numbers. Nobody chose these numbers: they
started random and were adjusted during training, like every other weight of the model.
\"\"\")
""", "remove-input"),
        md("""
### Position vectors

A table lookup gives *sun* the same vector wherever it stands. But word order matters:
"the dog follows the farmer" is not "the farmer follows the dog". So the model has a second
table, `wpe` (word position embeddings), with one learned vector per *position*, and adds
the position's vector to the token's vector:
"""),
        code("""
wpe = model.params["wpe"]                          # (block_size, C) one row per position
features = vectors + wpe[: len(ids)]               # (T, C) token + position
print("position table:", wpe.shape, "-> features of the sentence:", features.shape)
"""),
        md("""
## 10000 x 50 x 768: the features of the whole corpus

In the seed's version of this pipeline, every token became a vector of **768** numbers (the
width of BERT-base), for 10,000 sentences of 50 ids each. The pipeline trace computes that
shape from the real data of stage 2:
"""),
        code("""
from genai_lab.trace import pipeline_trace

pipeline = pipeline_trace(n_samples=10000, seq_len=50, dim=768, stages=(1, 2, 3))
shape = pipeline[3].output_shape
n_bytes = int(np.prod(shape)) * np.dtype(np.float32).itemsize   # 4 bytes per float32
print("features shape:", shape)
print(f"as float32 numbers that would be {n_bytes / 1e9:.2f} GB")
pipeline
"""),
        code("""
Markdown(f\"\"\"
That is {int(np.prod(shape)):,} numbers, {n_bytes / 1e9:.2f} GB of memory, for a corpus
of short sentences. The package never builds the whole block: a
`LazyFeatures` object knows the shape and computes the vectors only for the rows you ask
for, batch by batch, which is also what training does. Our own model is much smaller than
BERT: its vectors have {model.config.n_embd} numbers, not 768, which is plenty for
{tokenizer.vocab_size} tokens.
\"\"\")
""", "remove-input"),
        md("""
## How similar are two words? Cosine similarity

Two vectors point in some direction. *Cosine similarity* measures the angle between them:
1 means the same direction, 0 means unrelated (at right angles), -1 means opposite. It
ignores the length of the vectors, only the direction counts.

Our model actually has **two** tables of word vectors. The input table `wte` is what we
have used so far: it describes a word as the model *reads* it. The output layer `lm_head`
holds a second vector per word, used to score how well each word fits as the *next* word
(large models such as GPT-2 use one table for both jobs; ours learns them separately, so
we can look at both). Here are a few pairs of words in each:
"""),
        code("""
from genai_lab.embedding import cosine_similarity
from genai_lab.trace import Table

out_table = model.params["lm_head.w"].T    # (V, C) the output vector of every token
TABLES = {"before training": wte_before, "input table (wte)": wte,
          "output table (lm_head)": out_table}


def similarity(a, b, table):
    \"\"\"Cosine similarity of the vectors of words ``a`` and ``b`` in ``table`` (V, C).\"\"\"
    return cosine_similarity(table[tokenizer.token_to_id(a)], table[tokenizer.token_to_id(b)])


pairs = [("cat", "dog"), ("cat", "cats"), ("sun", "moon"), ("rises", "sets"),
         ("little", "big"), ("cat", "rises")]
Table("Cosine similarity of word pairs", ("word", "word", *TABLES),
      [(a, b, *(round(similarity(a, b, t), 2) for t in TABLES.values())) for a, b in pairs])
"""),
        md("""
### Nearest neighbours

The *nearest neighbours* of a word are the tokens whose vectors are most similar to its
own. Before training they are a random draw. After training they show what the model has
learned about each word:
"""),
        code("""
from genai_lab.embedding import nearest_neighbours


def neighbours(word, table, k=5):
    \"\"\"The ``k`` tokens most cosine-similar to ``word`` in ``table``, as "token (0.87)".\"\"\"
    own = tokenizer.token_to_id(word)
    return ", ".join(f"{tokenizer.id_to_token(i)} ({s:.2f})"
                     for i, s in nearest_neighbours(table[own], table, k=k, exclude=own))


WORDS = ["cat", "little", "rises", "river", "sun"]
Table("Nearest neighbours (cosine similarity)", ("word", *TABLES),
      [(w, *(neighbours(w, t) for t in TABLES.values())) for w in WORDS])
"""),
        code("""
def top_neighbour(word, table):
    own = tokenizer.token_to_id(word)
    return tokenizer.id_to_token(nearest_neighbours(table[own], table, k=1, exclude=own)[0][0])


Markdown(f\"\"\"
In the output table the neighbours make immediate sense: the closest word to *cat* is
*{top_neighbour('cat', out_table)}*, to *little* it is *{top_neighbour('little', out_table)}*,
to *rises* it is *{top_neighbour('rises', out_table)}*. These are words that can take each
other's place as the next word. The input table is organised differently: it describes what
a word *tells the model about what comes next*. There, *sun* and *moon* are further apart
(similarity {similarity('sun', 'moon', wte):.2f}, against
{similarity('sun', 'moon', out_table):.2f} in the output table), because after "The sun rises in the" comes
*east* or *morning*, after "The moon rises in the" only *evening*.
\"\"\")
""", "remove-input"),
        md("""
## A picture of the vectors

A vector of many numbers cannot be drawn directly. *PCA* (principal component analysis)
finds the two directions along which the chosen vectors differ most and projects every
vector onto them, giving one point per word on a flat page. We pick words from five groups
that play different parts in a sentence, and mark each group with its own symbol and
colour. Top: the vectors before training; bottom: the output table after training.
"""),
        code("""
from genai_lab.embedding import pca_2d
from genai_lab.plotting import MARKERS, PALETTE, FigureStyle, new_figure

GROUPS = {
    "describing words": ["little", "big", "old", "young", "happy", "black"],
    "animals": ["bird", "cat", "dog", "cow", "birds", "dogs"],
    "verbs": ["sings", "sleeps", "runs", "eats", "barks", "flies"],
    "places": ["barn", "fence", "wall", "roof", "garden", "fields"],
    "times": ["morning", "evening", "night", "day", "winter", "spring"],
}
words = [w for group in GROUPS.values() for w in group]
unknown = [w for w in words if tokenizer.token_to_id(w) == tokenizer.unk_id]
if unknown:
    raise ValueError(f"these words are not in the vocabulary: {unknown}")
word_ids = [tokenizer.token_to_id(w) for w in words]
labels = np.array([g for g, ws in GROUPS.items() for _ in ws])    # (n,) group of each word


def group_separation(table):
    \"\"\"Mean cosine similarity of words in the same group minus that of different groups.\"\"\"
    vecs = table[word_ids]                                             # (n, C)
    sims = cosine_similarity(vecs[:, None, :], vecs[None, :, :])       # (n, n)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(words), dtype=bool)
    return float(sims[same & off_diagonal].mean() - sims[~same].mean())


separation = {title: group_separation(table) for title, table in TABLES.items()}
DRAWN = ["before training", "output table (lm_head)"]   # the input table is in the text
fig, axes = new_figure(2, 1, style=FigureStyle(width=7.5, height=10))
for ax, title in zip(axes, DRAWN):
    table = TABLES[title]
    points = pca_2d(table[word_ids])                                  # (n, 2)
    for k, group in enumerate(GROUPS):
        xy = points[labels == group]
        ax.scatter(xy[:, 0], xy[:, 1], marker=MARKERS[k + 1], color=PALETTE[k + 1],
                   edgecolor="black", s=60, label=group)
        for (x, y), word in zip(xy, GROUPS[group]):
            ax.annotate(word, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.set_title(f"{title}: group separation {separation[title]:.2f}")
    ax.set_xlabel("first PCA direction")
    ax.set_ylabel("second PCA direction")
axes[0].legend(loc="best", fontsize="small")
alt = (f"Two scatter plots, one above the other, of the same {len(words)} words projected "
       f"to 2-D with PCA, each word labelled, five groups ({', '.join(GROUPS)}) with "
       f"different markers. "
       + " ".join(f"{title}: group separation {separation[title]:.2f}." for title in DRAWN)
       + " The higher the separation, the more the words of each group sit together.")
figure_with_alt(fig, alt)
""", "hide-input"),
        code("""
most = max(separation, key=separation.get)
Markdown(f\"\"\"
The *group separation* in the titles is the average cosine similarity of two words of the
same group minus that of two words of different groups: near 0 means the groups are
mixed, larger means each group sits together. Before training it is
{separation['before training']:.2f}. After training it is
{separation['input table (wte)']:.2f} in the input table and
{separation['output table (lm_head)']:.2f} in the output table: the groups are clearest in
the **{most}**. Nobody told the model that *cat* and *dog* are both animals, or that
*morning* and *evening* are both times: it found out because they fill the same places in
sentences ("the ... sleeps by the fire", "in the ...").
\"\"\")
""", "remove-input"),
        md("""
## Try it: a word's neighbours

Pick a word and see its nearest neighbours before training and in both tables after
training. The menu works when you run this notebook in JupyterLab; on the web page, the
output below shows the default word, *moon*.
"""),
        code("""
import ipywidgets as widgets

from genai_lab.interactive import live_controls
from IPython.display import display

vocabulary = sorted(tokenizer.id_to_token(i) for i in range(tokenizer.vocab_size)
                    if tokenizer.id_to_token(i).isalpha())


def show_neighbours(word="moon", k=8):
    \"\"\"The ``k`` nearest neighbours of ``word`` in each table.\"\"\"
    display(Table(f"Nearest neighbours of {word!r}", ("table", "neighbours (cosine similarity)"),
                  [(name, neighbours(word, t, k)) for name, t in TABLES.items()]))


show_neighbours()  # the default word: this is what the web page shows
live_controls(show_neighbours,
                 word=widgets.Dropdown(options=vocabulary, value="moon", description="word"),
                 k=widgets.IntSlider(value=8, min=1, max=20, description="neighbours",
                                     continuous_update=False));
"""),
        md("""
Things to try: a verb (*sings*) and its plural form (*sing*), a place (*barn*), a time
(*winter*). Do singular and plural forms end up close? In which table?

## Check yourself
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("03_feature_engineering", title="Click an answer to see if it is right, and why")
"""),
        md("""
## Assignment

In the **embeddings** assignment (`assignments/source/embeddings/`) you write the lookup,
cosine similarity and nearest-neighbour search of this chapter yourself. See
[the page for students](for_students.md) for how to get and submit it.

Next: [Stage 4, model training](04_model_training.ipynb), where the model learns its
weights, these embeddings included.
"""),
    ])
