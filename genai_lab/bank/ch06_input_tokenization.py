"""Questions on chapter 6, layer 1: what the model reads, as ids of shape (1, T)."""
from __future__ import annotations

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.corpus import default_corpus
from genai_lab.text import split_words
from genai_lab.tokenizer import WordTokenizer

CHAPTER = "06_input_tokenization"

N_TRAIN = 2000  # sentences of the course corpus the questions' tokenizer is trained on
_tok = WordTokenizer().train(default_corpus(n_samples=N_TRAIN, seed=0))
_SENTENCE = "The sun rises in the"
_context = _tok.encode(_SENTENCE)[:-1]  # [CLS] + words: what the model reads
_NEW = "The moonlight shines on the snowy mountains."
_n_unknown = _tok.tokens(_NEW).count("[UNK]")
_unknown_words = [w for w in split_words(_NEW) if _tok.token_to_id(w) == _tok.unk_id]

_SHAPE_CODE = f"""\
import numpy as np
from genai_lab.corpus import default_corpus
from genai_lab.tokenizer import WordTokenizer

tokenizer = WordTokenizer().train(default_corpus(n_samples={N_TRAIN}, seed=0))
context = tokenizer.encode("{_SENTENCE}")[:-1]      # leave out [SEP]
model_input = np.array([context])
print(model_input.shape)"""
_shape_out = run_snippet(_SHAPE_CODE)

_DECODE_CODE = f"""\
from genai_lab.corpus import default_corpus
from genai_lab.tokenizer import WordTokenizer

tokenizer = WordTokenizer().train(default_corpus(n_samples={N_TRAIN}, seed=0))
print(tokenizer.decode(tokenizer.encode("The dragon rises.")))"""
_decode_out = run_snippet(_DECODE_CODE)

QUESTIONS = (
    SingleChoice(
        qid="06-input", level="easy",
        prompt="What does the model actually receive as its input?",
        options=(
            right("An array of integer token ids.",
                  "The sentence is tokenized and every token replaced by its id."),
            wrong("The characters of the sentence.",
                  "Characters are first grouped into tokens, and tokens turned into ids."),
            wrong("The meaning of the sentence.",
                  "Meaning is what the model has to compute; it is not given."),
            wrong("The vectors of the embedding table.",
                  "The ids go in; the first thing the model does is look up their vectors.")),
    ),
    SingleChoice(
        qid="06-steps", level="easy",
        prompt="In which order does the tokenizer work?",
        options=(
            wrong("Look up ids, then clean, then split.",
                  "Ids are looked up for tokens, so the text must be split first."),
            right("Clean the text, split it into tokens, look each token up in the "
                  "vocabulary.", "Then [CLS] and [SEP] are added around the ids."),
            wrong("Split into letters, then group letters into words by meaning.",
                  "The word tokenizer splits at spaces and punctuation; meaning plays no "
                  "part."),
            wrong("Translate into ids with a dictionary of meanings.",
                  "An id is a position in the vocabulary list, not a meaning.")),
    ),
    NumberQuestion(
        qid="06-context-length", level="easy",
        prompt=f"To predict the word after '{_SENTENCE}', the model reads [CLS] followed by "
               "the words, without [SEP]. How many ids is that (T)?",
        answer=len(_context), tolerance=0.01,
        solution=f"{len(_context) - 1} words plus [CLS]: T = {len(_context)}, ids {_context}.",
        mistakes=(Mistake(len(_context) - 1, "[CLS] comes first and counts."),
                  Mistake(len(_context) + 1, "[SEP] is left out: the sentence has not "
                                             "ended.")),
    ),
    SingleChoice(
        qid="06-no-sep", level="medium",
        prompt="Why is [SEP] left out of the input when the model predicts the next word?",
        options=(
            wrong("Because [SEP] is not in the vocabulary.",
                  "[SEP] is one of the four special tokens, with its own id."),
            right("Because [SEP] says the sentence has ended, and the model is asked what "
                  "comes next.", "Generation stops when the model itself chooses [SEP]."),
            wrong("To save memory.", "One id is no memory at all; the reason is its meaning."),
            wrong("Because the model cannot read special tokens.",
                  "It reads [CLS] at the start of every input.")),
    ),
    ReadCode(
        qid="06-shape", level="medium",
        prompt="What does this print?",
        code=_SHAPE_CODE,
        options=(
            wrong(f"({len(_context)},)", "The outer brackets make a table with one row: "
                                         "(B, T)."),
            right(_shape_out, "B = 1 sentence of T tokens: the model reads batches, and "
                              "this batch has one row."),
            wrong(f"({len(_context)}, 1)", "One row of T ids, not T rows of one id."),
            wrong(f"(1, {len(_context) + 1})", "`[:-1]` left out [SEP].")),
    ),
    ReadCode(
        qid="06-decode-unknown", level="medium",
        prompt="The corpus never uses the word 'dragon'. What does this print?",
        code=_DECODE_CODE,
        options=(
            wrong("the dragon rises.", "'dragon' became [UNK] when encoding; decoding cannot "
                                      "bring it back."),
            right(_decode_out, "Unknown words become [UNK] and what they meant is lost; "
                               "decode skips [CLS] and [SEP] by default."),
            wrong("the rises.", "[UNK] is kept when decoding: only [CLS], [SEP] and [PAD] "
                                "are skipped."),
            wrong("[CLS] the dragon rises. [SEP]", "The word is lost at encoding, and [CLS] "
                                                   "and [SEP] are skipped by default.")),
    ),
    NumberQuestion(
        qid="06-count-unknown", level="hard",
        prompt=f"A word tokenizer trained on {N_TRAIN:,} sentences of the course corpus "
               f"tokenizes '{_NEW}'. A word gets its own id only if it occurs in those "
               "sentences exactly as written. How many tokens become [UNK]?",
        answer=_n_unknown, tolerance=0.01,
        solution=f"The tokens are {_tok.tokens(_NEW)}: {_n_unknown} unknown words "
                 f"({', '.join(_unknown_words)} are not in the vocabulary).",
        mistakes=(Mistake(0, "'moonlight' is not 'moon': a word tokenizer needs the exact "
                             "word."),
                  Mistake(len(_tok.tokens(_NEW)), "Most of these words are in the "
                                                  "vocabulary.")),
    ),
    SingleChoice(
        qid="06-subword", level="hard",
        prompt="How does a subword tokenizer such as BERT's WordPiece avoid losing unknown "
               "words?",
        options=(
            right("It cuts an unknown word into the longest pieces its vocabulary knows, "
                  "left to right; continuation pieces are written with '##'.",
                  "'moonlight' becomes 'moon' + '##light' with the course's WordPiece "
                  "vocabulary."),
            wrong("It adds every new word to its vocabulary as it reads.",
                  "The vocabulary is fixed after training, as with the word tokenizer."),
            wrong("It replaces the word by the most similar known word.",
                  "It never guesses a replacement; it cuts the word into pieces."),
            wrong("It spells the word letter by letter, always.",
                  "Letters are only used when no longer piece fits.")),
    ),
    SeveralChoice(
        qid="06-word-vs-subword", level="hard",
        prompt="Choose every true statement comparing the course's word tokenizer with a "
               "subword tokenizer.",
        options=(
            right("The word tokenizer has a small, readable vocabulary for a small world.",
                  "One id per word works because the course world has few words."),
            right("A subword tokenizer can encode words it never saw, as pieces.",
                  "That is why real models use subwords."),
            wrong("A subword tokenizer never needs more ids than the word tokenizer for the "
                  "same sentence.", "Cutting words into pieces usually gives more ids."),
            wrong("GPT-style models use [CLS] and [SEP] like BERT.",
                  "GPT-style models use byte-level BPE and one end-of-text token; [CLS] "
                  "and [SEP] are BERT's, borrowed here as start and end markers.")),
    ),
    SingleChoice(
        qid="06-cls-first", level="medium",
        prompt="Every input starts with [CLS]. What does that let the model do?",
        options=(
            wrong("Classify the sentence's topic.",
                  "In BERT, [CLS] serves classification; here it only marks the start."),
            right("Predict the first word of a sentence, from the start marker alone.",
                  "With [CLS] as position 0, 'what comes first?' is a next-token question "
                  "like any other."),
            wrong("Ignore padding.", "Padding is harmless because of where it stands and "
                                     "the loss, not because of [CLS]."),
            wrong("Know the sentence's length.", "[CLS] carries no length.")),
    ),
    SingleChoice(
        qid="06-id-is-position", level="easy",
        prompt="What is a token's id?",
        options=(
            right("Its place in the vocabulary list.",
                  "The vocabulary lists the special tokens first, then the words by "
                  "frequency; the id is the index in that list."),
            wrong("The number of letters in the token.", "Length has nothing to do with it."),
            wrong("A code for its meaning.", "Ids carry no meaning; the embedding learns it."),
            wrong("The number of times the token occurred.",
                  "Frequency decides the order of the list, but the id is the position, not "
                  "the count.")),
    ),
)
