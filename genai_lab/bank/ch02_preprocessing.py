"""Questions on chapter 2, preprocessing: cleaning, tokens, ids, special tokens and padding."""
from __future__ import annotations

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.tokenizer import WordTokenizer

CHAPTER = "02_preprocessing"

TRAIN_TEXTS = ("The cat sleeps.", "The dog sleeps.", "A cat runs.")  # a tiny training set
_tok = WordTokenizer().train(list(TRAIN_TEXTS))
_texts = ", ".join(repr(t) for t in TRAIN_TEXTS)
_encoded = _tok.encode("The cat runs.")
_row = _tok.encode_batch(["The cat runs."], seq_len=8)[0]  # (8,)
_n_pad = int((_row == _tok.pad_id).sum())
_cut = _tok.encode_batch(["A dog runs in the cat."], seq_len=6)[0]  # (6,)
_kept_words = int(((_cut != _tok.pad_id) & (_cut != _tok.cls_id) & (_cut != _tok.sep_id)).sum())
_cat_id = _tok.token_to_id("cat")
_dog_id = _tok.token_to_id("dog")

_SPLIT_CODE = """\
from genai_lab.text import split_words

print(split_words("Don't stop, the SUN rises!"))"""
_split_out = run_snippet(_SPLIT_CODE)

_WP_CODE = """\
from genai_lab.wordpiece import WordPieceTokenizer

wordpiece = WordPieceTokenizer.course()
print(wordpiece.tokenize("moonlight"))"""
_wp_out = run_snippet(_WP_CODE)

QUESTIONS = (
    SingleChoice(
        qid="02-tokenizer", level="easy",
        prompt="What does a tokenizer do?",
        options=(
            right("It cuts text into tokens and replaces each token by an integer id from a "
                  "fixed vocabulary.",
                  "A network computes with numbers, so text becomes a list of ids."),
            wrong("It translates the text into another language.",
                  "Tokenizing keeps the language; it only cuts the text into known pieces."),
            wrong("It chooses the next word the model writes.",
                  "That is word selection, at the very end of a prediction."),
            wrong("It corrects spelling mistakes.",
                  "It cleans (lower case, single spaces) and splits; an unknown word becomes "
                  "[UNK] or smaller pieces, never a corrected word.")),
    ),
    SingleChoice(
        qid="02-clean", level="easy",
        prompt="Why does the tokenizer lower-case the text before splitting it?",
        options=(
            wrong("Lower-case text takes less memory.",
                  "Both cases take the same space; memory is not the reason."),
            right("So that 'The' and 'the' become the same token with one id.",
                  "Without cleaning, the model would have to learn two ids for one word."),
            wrong("Because the model cannot read capital letters.",
                  "The model reads ids, never letters; the tokenizer decides what gets an id."),
            wrong("To mark where sentences start.",
                  "The start is marked by the [CLS] token the tokenizer adds, not by case.")),
    ),
    ReadCode(
        qid="02-split-words", level="medium",
        prompt="What does this print?",
        code=_SPLIT_CODE,
        options=(
            right(_split_out, "The text is cleaned (lower case), an apostrophe stays inside "
                              "its word, and every punctuation mark is a token of its own."),
            wrong("['Don', \"'\", 't', 'stop', ',', 'the', 'SUN', 'rises', '!']",
                  "Cleaning lower-cases everything, and an apostrophe belongs to its word."),
            wrong("[\"don't\", 'stop,', 'the', 'sun', 'rises!']",
                  "Punctuation is split off: ',' and '!' are tokens of their own."),
            wrong("[\"don't\", 'stop', 'the', 'sun', 'rises']",
                  "Punctuation is kept as tokens; only spaces disappear.")),
    ),
    NumberQuestion(
        qid="02-count-ids", level="easy",
        prompt=f"A word tokenizer is trained on {_texts}. How many ids does "
               "`tokenizer.encode('The cat runs.')` return (it adds [CLS] and [SEP])?",
        answer=len(_encoded), tolerance=0.01,
        solution=f"Tokens: the, cat, runs, '.', plus [CLS] in front and [SEP] at the end: "
                 f"{len(_encoded)} ids, {_encoded}.",
        mistakes=(Mistake(3, "'.' is a token too, and [CLS] and [SEP] are added."),
                  Mistake(4, "Four tokens are right, but encode adds [CLS] and [SEP]."),
                  Mistake(5, "Both [CLS] at the start and [SEP] at the end are added.")),
    ),
    NumberQuestion(
        qid="02-vocabulary-order", level="hard",
        prompt=f"A word tokenizer is trained on {_texts}. The vocabulary starts with the four "
               "special tokens (ids 0-3), then every token seen, most frequent first, ties in "
               "alphabetical order. What id does 'cat' get?",
        answer=_cat_id, tolerance=0.01,
        solution="Counts: '.' 3, then cat, sleeps and the 2 each (alphabetical: cat first), "
                 f"then a, dog, runs 1 each. So '.' is 4 and 'cat' is {_cat_id}.",
        mistakes=(Mistake(_cat_id - 1, "'.' is a token and occurs 3 times: it comes first."),
                  Mistake(_cat_id - 4, "The four special tokens take ids 0 to 3 first."),
                  Mistake(_tok.token_to_id("the"), "'cat', 'sleeps' and 'the' tie at 2; ties "
                                                   "are broken alphabetically.")),
    ),
    SingleChoice(
        qid="02-unknown", level="easy",
        prompt=f"The same tokenizer (trained on {_texts}) encodes 'The sun sleeps.'. What "
               "happens to 'sun'?",
        options=(
            wrong("It gets a new id, added to the vocabulary.",
                  "The vocabulary is fixed when the tokenizer is trained."),
            right("It becomes [UNK], the unknown token, and what it meant is lost.",
                  f"'sun' is not in the vocabulary, so it gets id {_tok.unk_id} ([UNK])."),
            wrong("It is cut into letters.",
                  "The word tokenizer never cuts words; WordPiece cuts unknown words into "
                  "known pieces."),
            wrong("The tokenizer raises an error.",
                  "Unknown words are expected; [UNK] exists for them.")),
    ),
    NumberQuestion(
        qid="02-padding", level="medium",
        prompt=f"With the same tokenizer, `encode_batch(['The cat runs.'], seq_len=8)` makes "
               "one row of 8 ids. How many of them are [PAD]?",
        answer=_n_pad, tolerance=0.01,
        solution=f"The sentence needs {len(_encoded)} ids with [CLS] and [SEP]; the row is "
                 f"filled up to 8 with [PAD]: {8 - len(_encoded)} pads, row {_row.tolist()}.",
        mistakes=(Mistake(8 - 4, "Count [CLS] and [SEP]: they are in the row too."),
                  Mistake(8 - 3, "'.', [CLS] and [SEP] all take a place in the row.")),
    ),
    NumberQuestion(
        qid="02-truncation", level="hard",
        prompt="The same tokenizer truncates 'A dog runs in the cat.' to a row of 6 ids "
               "(`seq_len=6`). A truncated row keeps its start and still ends with [SEP]. "
               "How many of the sentence's own tokens (words and punctuation) are kept?",
        answer=_kept_words, tolerance=0.01,
        solution=f"6 places minus [CLS] and [SEP] leave {_kept_words} tokens: a, dog, runs, "
                 f"in (which is [UNK] here). The row is {_cut.tolist()}.",
        mistakes=(Mistake(6, "[CLS] and [SEP] take two of the six places."),
                  Mistake(5, "A truncated row still ends with [SEP], and starts with [CLS].")),
    ),
    SeveralChoice(
        qid="02-special-tokens", level="medium",
        prompt="Choose every true statement about the course tokenizer's special tokens.",
        options=(
            right("[PAD] fills the empty places after a short sentence.",
                  "Rows are made the same length by padding at the end."),
            right("[CLS] marks the start of every encoded sentence.",
                  "The course borrows BERT's [CLS] as a start marker."),
            right("[SEP] marks the end of a sentence; generation stops when the model "
                  "chooses it.", "It is the course's end-of-sentence marker."),
            wrong("An attention mask tells the model to ignore the [PAD] places.",
                  "Our model has no padding mask, only a causal mask. Padding is harmless "
                  "because it comes after the sentence (no real position reads a later one) "
                  "and the loss skips positions whose target is [PAD]."),
            wrong("[UNK] is the id of the most common word.",
                  "[UNK] replaces any word that is not in the vocabulary.")),
    ),
    SingleChoice(
        qid="02-padding-harmless", level="hard",
        prompt="The course model has only a causal mask: no mask for padding. Why do the "
               "[PAD] tokens at the end of short rows not disturb training?",
        options=(
            wrong("The model learns to ignore [PAD] on its own.",
                  "Nothing needs to be learned: the two reasons are built in (causal mask and "
                  "the loss)."),
            right("[PAD] comes after the sentence, and causal attention only reads earlier "
                  "positions; the loss skips every position whose target is [PAD].",
                  "Real positions never read the pads, and no prediction of a pad counts "
                  "(`ignore_index=pad_id` in the loss)."),
            wrong("[PAD] has the vector zero, which adds nothing.",
                  "Its embedding row is learned like any other; its harmlessness comes from "
                  "where it stands and from the loss."),
            wrong("Padding is removed before the model sees the rows.",
                  "The padded rows go into the model as they are; that is what makes a "
                  "rectangular batch.")),
    ),
    SingleChoice(
        qid="02-cls-sep", level="hard",
        prompt="Where do the names [CLS] and [SEP] come from, and what do they mean here?",
        options=(
            right("They are BERT's special tokens; this course borrows them as start and end "
                  "markers. GPT-style models use a single end-of-text token and byte-level "
                  "BPE instead.",
                  "In BERT, [CLS] starts the input for classification and [SEP] separates "
                  "segments; here they only mark where a sentence starts and ends."),
            wrong("Every language model uses [CLS] and [SEP] with the same meaning.",
                  "GPT-style models have no [CLS]; they mark the end of a text with one "
                  "end-of-text token."),
            wrong("[CLS] is the class of the sentence the model must predict.",
                  "Our model predicts the next token; [CLS] carries no class here."),
            wrong("[SEP] separates words inside a sentence.",
                  "Words are separate tokens already; [SEP] ends the sentence.")),
    ),
    ReadCode(
        qid="02-wordpiece", level="medium",
        prompt="The course's WordPiece vocabulary has no entry 'moonlight'. What does this "
               "print?",
        code=_WP_CODE,
        options=(
            wrong("['[UNK]']", "WordPiece avoids [UNK] by cutting a word into known pieces."),
            right(_wp_out, "The longest known piece from the left is 'moon'; the rest, "
                           "'light', is a continuation piece, written with '##'."),
            wrong("['m', 'o', 'o', 'n', 'l', 'i', 'g', 'h', 't']",
                  "Longest match first: letters are only used when no longer piece fits."),
            wrong("['moonlight']", "The word is not in the vocabulary, so it has to be cut.")),
    ),
)
