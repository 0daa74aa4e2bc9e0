"""Questions on chapter 7, layer 2: the embedding layer's two learned tables and their sum."""
from __future__ import annotations

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.embedding import cosine_similarity
from genai_lab.model import GPTConfig

CHAPTER = "07_embedding_layer"

_config = GPTConfig(vocab_size=2)
_C, _BLOCK = _config.n_embd, _config.block_size
_V = 247  # a vocabulary size for the table-size question
_A = np.array([0.5, -1.0, 2.0])
_opposite = cosine_similarity(_A, -2.0 * _A)

_SUM_CODE = """\
import numpy as np
from genai_lab.embedding import embedding_forward

wte = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]])   # (V, C) token table
wpe = np.array([[10.0, 0.0], [0.0, 10.0]])             # (block_size, C) position table
ids = np.array([1, 1])                                  # the same token twice
tokens, _ = embedding_forward(ids, wte)                 # (T, C)
x0 = tokens + wpe[: len(ids)]                           # (T, C)
print(x0)"""
_sum_out = run_snippet(_SUM_CODE)

_SHAPE_CODE = """\
import numpy as np
from genai_lab.embedding import embedding_forward

table = np.zeros((247, 64))                  # (V, C)
ids = np.array([[2, 4, 8, 10, 7, 4]])        # (B, T): one sentence of 6 tokens
vectors, _ = embedding_forward(ids, table)
print(vectors.shape)"""
_shape_out = run_snippet(_SHAPE_CODE)

QUESTIONS = (
    SingleChoice(
        qid="07-lookup", level="easy",
        prompt="What does the embedding layer do with a token id?",
        options=(
            right("It takes the row of the token table that the id names.",
                  "A lookup: nothing is multiplied or added yet."),
            wrong("It multiplies the id by a learned weight.",
                  "The id is used as an index, never as a number to compute with."),
            wrong("It looks the word up in a dictionary of meanings.",
                  "The table holds learned numbers, not definitions."),
            wrong("It turns the id into its binary digits.",
                  "The row's numbers are learned, not the id's digits.")),
    ),
    NumberQuestion(
        qid="07-table-size", level="easy",
        prompt=f"The token table has one row per token and C = {_C} numbers per row. How "
               f"many numbers does it hold for a vocabulary of V = {_V} tokens?",
        answer=_V * _C, tolerance=0.01,
        solution=f"V x C = {_V} x {_C} = {_V * _C:,}: one learned number per entry.",
        mistakes=(Mistake(_V + _C, "The table is V rows by C columns: multiply."),
                  Mistake(_V, "Each row holds C numbers, not one.")),
    ),
    NumberQuestion(
        qid="07-position-table", level="medium",
        prompt=f"The model can read at most {_BLOCK} tokens (positions 0 to {_BLOCK - 1}), "
               f"and every position has a learned vector of C = {_C} numbers. How many "
               "numbers does the position table hold?",
        answer=_BLOCK * _C, tolerance=0.01,
        solution=f"{_BLOCK} positions x {_C} = {_BLOCK * _C:,}.",
        mistakes=(Mistake((_BLOCK - 1) * _C, f"Positions 0 to {_BLOCK - 1} are {_BLOCK} "
                                             "positions."),
                  Mistake(_BLOCK, "Each position has a whole vector.")),
    ),
    ReadCode(
        qid="07-token-plus-position", level="medium",
        prompt="The same token appears at positions 0 and 1. What does this print?",
        code=_SUM_CODE,
        options=(
            wrong("[[1. 2.]\n [1. 2.]]", "The position vectors are added: the two rows differ."),
            right(_sum_out, "Row 1 of wte plus position 0's vector, then plus position 1's: "
                            "the same token gets a different input vector at each position."),
            wrong("[[10.  0.]\n [ 0. 10.]]", "The token vectors are added to the positions, "
                                             "not replaced by them."),
            wrong("[[11.  2.]\n [11.  2.]]", "Each position adds its own vector.")),
    ),
    ReadCode(
        qid="07-shape", level="easy",
        prompt="What shape does this print?",
        code=_SHAPE_CODE,
        options=(
            wrong("(6, 64)", "The batch axis stays: (B, T) ids give (B, T, C)."),
            wrong("(1, 6)", "Every id becomes a vector of C numbers."),
            right(_shape_out, "B = 1 sentence, T = 6 tokens, C = 64 numbers each."),
            wrong("(247, 64)", "That is the table; the lookup returns only the rows named.")),
    ),
    SingleChoice(
        qid="07-why-positions", level="medium",
        prompt="In 'The sun rises in the', the token 'the' occurs twice. Its two token "
               "vectors are identical. Why does the model still treat the two differently?",
        options=(
            right("Each gets its own position vector added, so the two inputs differ.",
                  "The next layer combines positions by weighted sums, which ignore order; "
                  "the position vector is how order gets in."),
            wrong("Because the second 'the' has a different id.",
                  "Same token, same id, same row of the token table."),
            wrong("Because the embedding table changes while the sentence is read.",
                  "The table is fixed while the model runs; it changes only in training."),
            wrong("It does not: both positions are the same to the model.",
                  "The position vectors make them different.")),
    ),
    SeveralChoice(
        qid="07-learned", level="medium",
        prompt="Choose everything that is learned during training.",
        options=(
            right("The token table (wte).",
                  "It starts random and is adjusted at every step with all other weights."),
            right("The position table (wpe).", "Its rows are learned the same way."),
            wrong("The token ids.", "Ids are fixed by the tokenizer's vocabulary before "
                                    "training."),
            wrong("The width C of the vectors.", "C is a setting of the model, chosen "
                                                 "before training.")),
    ),
    SingleChoice(
        qid="07-similar-vectors", level="hard",
        prompt="After training, 'cat' and 'dog' have similar token vectors. What explains it?",
        options=(
            wrong("Someone told the model that cats and dogs are animals.",
                  "Nobody labels words; the only signal is predicting the next token."),
            right("They are used in similar places and followed by similar words, so similar "
                  "vectors help predict what comes next.",
                  "Training moves vectors wherever that lowers the loss; words that behave "
                  "alike end up alike."),
            wrong("Their ids are close together.", "Ids carry no similarity at all."),
            wrong("Similar spelling.", "The model never sees letters, only ids.")),
    ),
    NumberQuestion(
        qid="07-cosine-opposite", level="hard",
        prompt=f"What is the cosine similarity of a = {_A.tolist()} and b = -2a?",
        answer=_opposite, tolerance=5e-4,
        solution="b points exactly the opposite way (the factor 2 changes only the length), "
                 f"so the cosine is {_opposite:g}.",
        mistakes=(Mistake(-2.0, "Cosine similarity is always between -1 and 1: length is "
                                "divided out."),
                  Mistake(1.0, "b points the opposite way: the minus sign matters.")),
    ),
    SingleChoice(
        qid="07-one-hot", level="hard",
        prompt="Looking up row i of the (V, C) token table gives the same result as which "
               "computation?",
        options=(
            right("Multiplying a one-hot vector (1 at place i, 0 elsewhere, length V) by the "
                  "table.", "The product picks out row i; a lookup just skips the zeros."),
            wrong("Multiplying the table by i.", "That scales every row, it selects none."),
            wrong("Taking the i-th column.", "Columns are the C numbers; rows are tokens."),
            wrong("Averaging the first i rows.", "A lookup selects one row exactly.")),
    ),
    SingleChoice(
        qid="07-fixed-while-running", level="easy",
        prompt="When the trained model reads a sentence, does the embedding table change?",
        options=(
            wrong("Yes, every sentence updates it.",
                  "Only training steps change weights; reading a sentence does not."),
            right("No: it was learned during training and is only read while the model runs.",
                  "The same id always gives the same row."),
            wrong("Yes, new words are added as rows.", "The vocabulary, and so the table's "
                                                        "rows, are fixed."),
            wrong("Only the rows of unknown words change.", "Unknown words all map to [UNK]'s "
                                                            "fixed row.")),
    ),
)
