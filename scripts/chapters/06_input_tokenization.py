"""Chapter source: Layer 1, input tokenization (written to chapters/06_input_tokenization.ipynb).

Build with ``scripts/chapters/build_layers.py``. Every number the reader sees is computed by
a cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell
(``say``).
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook
from build_layers import quiz_cells, say, setup_cell, where_cells, widget_cell

STEM = "06_input_tokenization"

TOKEN_BOXES = '''
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from genai_lab.plotting import PALETTE


def token_boxes(tokens, ids, title=""):
    """Tokens as boxes in a row, the position above and the id below each box: (fig, alt).

    Special tokens ([CLS], [UNK], ...) get a dashed grey box, so they stand out without colour.
    """
    n = len(tokens)
    fig = Figure(figsize=(max(6.0, 1.3 * n), 2.4), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1)
    ax.axis("off")
    for i, (token, token_id) in enumerate(zip(tokens, ids)):
        special = token.startswith("[") and token.endswith("]")
        ax.add_patch(FancyBboxPatch((i + 0.08, 0.36), 0.84, 0.34, boxstyle="round,pad=0.02",
                                    facecolor="#e6e6e6" if special else "#ffffff",
                                    edgecolor=PALETTE[6] if special else PALETTE[5],
                                    linestyle="--" if special else "-", linewidth=2))
        ax.text(i + 0.5, 0.53, token, ha="center", va="center", fontsize=11,
                fontweight="bold")
        ax.text(i + 0.5, 0.16, f"id {token_id}", ha="center", va="center", fontsize=10,
                family="monospace")
        ax.text(i + 0.5, 0.86, f"position {i}", ha="center", va="center", fontsize=8,
                color="#444444")
    if title:
        ax.set_title(title, fontsize=11)
    pairs = ", ".join(f"{t} (id {i})" for t, i in zip(tokens, ids))
    alt = (f"{n} boxes in a row, one per token, each with its position above and its id "
           f"below: {pairs}. Special tokens have dashed grey boxes.")
    return fig, alt
'''


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Layer 1: Input tokenization

The next five chapters open up the trained model of this course and follow **one
sentence** through it, layer by layer, until the model has chosen the next word. Every
table and figure comes from the model's real computation, recorded while it ran.

The first layer is not a neural network at all: it turns the text into the only thing a
network can read, a short list of whole numbers.

**In this chapter you will learn**

- how the model's tokenizer cleans a sentence and cuts it into *tokens*;
- how every token becomes an integer *id* from a fixed vocabulary, and why `[CLS]` comes
  first;
- what happens to a word the model never saw, and how a WordPiece tokenizer avoids losing it;
- what exactly the model receives: an array of ids of shape `(1, T)`.
"""),
        *where_cells(0),
        md("""
## The sentence we follow

The cell below loads the model trained for this book (it is trained once, the first time
the book is built, and then read from disk) and runs the sentence through it once. The
object `trace` keeps what every layer did during that one pass; each of the five chapters
looks at one part of it.
"""),
        setup_cell(),
        say("""
The sentence is **"{SENTENCE}"**. It is unfinished on purpose: the model's job is to
predict how it goes on. The model knows {tokenizer.vocab_size} different tokens and has
{model.num_parameters():,} learned numbers (weights).
"""),
        md("""
## From text to ids, step by step

The tokenizer works in three small steps, and the *show your work* table below records
each one as it happened:

1. **Clean**: put the text in a standard form (lower case, single spaces), so that *The*
   and *the* become the same token.
2. **Split** into tokens: here a token is a whole word or a single punctuation mark.
3. **Look up** each token in the vocabulary, a fixed list of every token the model knows;
   its place in that list is its **id**. Two special tokens are added: `[CLS]` at the
   start and `[SEP]` at the end.
"""),
        code("""
ids, steps = tokenizer.encode_and_show_work(SENTENCE)
steps
"""),
        md("""
To *predict* the next word, the model must not be told that the sentence has ended, so
the `[SEP]` at the end is left out. What the model reads is `[CLS]` followed by the
words. This is exactly the input of the recorded pass:
"""),
        code("""
trace.layers[0].tables[0]
"""),
        code("""
print(f"ids the model read:         {trace.ids}")
print(f"encode() without the [SEP]: {ids[:-1]}")
print(f"the same? {trace.ids == ids[:-1]}")
"""),
        say("""
**"{SENTENCE}"** has {len(trace.ids) - 1} words, so the model reads T = {len(trace.ids)}
ids: `[CLS]` plus one id per word. Notice that *the* appears twice and gets the same id
({tokenizer.token_to_id("the")}) both times: an id names a token, not a place in the
sentence. (Where a token stands is added in the next layer.)
"""),
        md("""
The figure shows the same thing as boxes: each token with its position in the input
above it and its id below it.
"""),
        code(TOKEN_BOXES, "hide-input"),
        code("""
fig, alt = token_boxes(trace.tokens, trace.ids, title=f"What the model reads for {SENTENCE!r}")
figure_with_alt(fig, alt)
"""),
        md("""
## The vocabulary

Where do the ids come from? Before training, the tokenizer read every training sentence
and made a list of all the tokens it saw: first the four special tokens, then the words,
the most frequent first (ties in alphabetical order). A token's id is simply its place in
that list.
"""),
        code("""
from genai_lab.tokenizer import SPECIAL_TOKENS
from genai_lab.trace import Table

vocabulary = [tokenizer.id_to_token(i) for i in range(tokenizer.vocab_size)]
first = list(enumerate(vocabulary[:16]))                 # (id, token) pairs
rows = [sum(first[r::4], ()) for r in range(4)]           # 4 rows of 4 (id, token) pairs
Table("The first 16 entries of the vocabulary", ("id", "token") * 4, rows,
      caption=f"{tokenizer.vocab_size} tokens in total; the first "
              f"{len(SPECIAL_TOKENS)} are the special tokens.")
"""),
        say("""
The four special tokens have jobs of their own:

- `[PAD]` (id {tokenizer.pad_id}) fills up short sentences during training, so that a batch
  of sentences forms a rectangle of ids; the model learns to ignore it.
- `[UNK]` (id {tokenizer.unk_id}) replaces any word that is not in the vocabulary.
- `[CLS]` (id {tokenizer.cls_id}) marks the start of a text. It gives the model something to
  read even before the first word, so it can predict the first word of a sentence too.
- `[SEP]` (id {tokenizer.sep_id}) marks the end. Predicting `[SEP]` is how the model says
  "the sentence is finished".
"""),
        md("""
## Words the model never saw

A word-level vocabulary is small and easy to read, but it has a weakness: a word that was
not in the training text has no id. Watch what happens to a sentence with two new words:
"""),
        code("""
from genai_lab.wordpiece import WordPieceTokenizer

NEW_SENTENCE = "The moonlight shines on the snowy mountains."
new_steps = tokenizer.encode_and_show_work(NEW_SENTENCE)[1]
new_words = [w for w, t in zip(new_steps.words, tokenizer.tokens(NEW_SENTENCE)) if t == "[UNK]"]
print(f"word tokenizer: {tokenizer.tokens(NEW_SENTENCE)}")
print(f"unknown words:  {new_words}")
"""),
        code("""
def and_list(words):
    \"\"\"'a', 'a and b', 'a, b and c': words in italics, joined for a sentence.\"\"\"
    words = [f"*{w}*" for w in words]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
""", "remove-cell"),
        say("""
The words {and_list(new_words)} are not in the vocabulary, so each of them becomes
`[UNK]`: the model cannot tell them apart, and whatever they meant is lost before the
network even starts.
"""),
        md("""
Large models avoid this with **subword** tokenizers. BERT's *WordPiece*, for example,
keeps a vocabulary of whole words *and* word pieces, and cuts an unknown word into the
longest pieces it knows. A piece that continues a word is written with `##`. Here is the
course's WordPiece vocabulary on the same sentence:
"""),
        code("""
wordpiece = WordPieceTokenizer.course()
pieces = wordpiece.tokenize(NEW_SENTENCE)
print(f"WordPiece: {pieces}")
print(f"ids:       {wordpiece.encode(NEW_SENTENCE)}")
"""),
        say("""
WordPiece writes the same sentence as {len(pieces)} pieces, {pieces.count("[UNK]")} of them
`[UNK]`: the pieces {", ".join(f"`{p}`" for p in pieces if p.startswith("##"))} continue the
word before them, so {and_list(new_words)} keep a trace of their meaning. The price is a
much larger vocabulary ({wordpiece.vocab_size:,} entries against our {tokenizer.vocab_size})
and more tokens per sentence ({len(pieces)} here instead of {len(tokenizer.tokens(NEW_SENTENCE))}). Our model stays with whole words because its little world has few of them,
and every word of its training sentences is in its vocabulary.
"""),
        md("""
## What the model receives

The model processes sentences in *batches*, so its input is a table of ids with one row
per sentence. For our one sentence that is a table with a single row: shape `(1, T)`,
B = 1 sentence of T tokens.
"""),
        code("""
model_input = np.array([trace.ids])   # (B, T) = (1, T)
print(f"shape {model_input.shape}, dtype {model_input.dtype}: {model_input.tolist()}")
"""),
        say("""
These {model_input.shape[1]} whole numbers are all the model ever sees of
**"{SENTENCE}"**. Everything it "understands" about the sentence has to be computed from
them. The longest input it can read is {model.config.block_size} tokens (its *block size*).
"""),
        md("""
## Try it: tokenize your own sentence

Type a sentence and see the tokens and ids the model would read, and which words it does
not know. The output below shows the default setting. Run this notebook in JupyterLab to
use the controls: they appear under the default output, and every change draws the
result again under them.
"""),
        widget_cell('''
def show_input(sentence="The little birds sing in the garden"):
    \"\"\"The tokens and ids the model reads for ``sentence`` (no [SEP]), as boxes.\"\"\"
    context = tokenizer.encode(sentence)[:-1]              # [CLS] + the words
    tokens = [tokenizer.id_to_token(i) for i in context]
    fig, alt = token_boxes(tokens, context, title=f"What the model reads for {sentence!r}")
    display(figure_with_alt(fig, alt))
    unknown = [w for w, t in zip(tokenizer.encode_and_show_work(sentence)[1].words,
                                 tokenizer.tokens(sentence)) if t == "[UNK]"]
    print(f"unknown words: {unknown if unknown else 'none'}")
''', 'show_input', '''
    sentence=widgets.Text(value="The little birds sing in the garden",
                          description="sentence", continuous_update=False,
                          layout=widgets.Layout(width="90%")),
'''),
        md("""
Things to try: capital letters and extra spaces (does anything change?), a comma, a word
the corpus never uses, a very long sentence.
"""),
        *quiz_cells(STEM),
        md("""
## Assignment

In the **tokenization** assignment (`assignments/source/tokenization/`) you write a
tokenizer yourself: clean the text, split it into tokens, build the vocabulary with its
special tokens, and encode sentences into padded rows of ids. See
[the page for students](for_students.md) for how to get and submit it.

Next: [Layer 2, the embedding layer](07_embedding_layer.ipynb), where each id becomes a
vector of numbers.
"""),
    ])
