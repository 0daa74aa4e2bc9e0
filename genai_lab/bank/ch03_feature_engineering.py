"""Questions on chapter 3, feature engineering: embeddings, positions and cosine similarity."""
from __future__ import annotations

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.embedding import cosine_similarity
from genai_lab.model import GPTConfig

CHAPTER = "03_feature_engineering"

_A, _B = (1.0, 2.0, 2.0), (2.0, 1.0, 2.0)
_cos = cosine_similarity(np.array(_A), np.array(_B))
_dot = float(np.dot(_A, _B))
_C = GPTConfig(vocab_size=2).n_embd  # the width of the course model's vectors
_n_tokens = 5
_BERT = (10000, 50, 768)  # sentences x positions x numbers, a BERT-base-sized block
_bert_mb = int(np.prod(_BERT)) * np.dtype(np.float32).itemsize / 1e6

_LOOKUP_CODE = """\
import numpy as np
from genai_lab.embedding import embedding_forward

table = np.arange(12.0).reshape(4, 3)   # (V, C) = (4, 3): row i is token i's vector
vectors, _ = embedding_forward(np.array([2, 0]), table)
print(vectors)"""
_lookup_out = run_snippet(_LOOKUP_CODE)

_NEIGHBOUR_CODE = """\
import numpy as np
from genai_lab.embedding import nearest_neighbours

table = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.1], [-1.0, 0.0]])  # (V, C) = (4, 2)
print(nearest_neighbours(table[0], table, k=1, exclude=0)[0][0])"""
_neighbour_out = run_snippet(_NEIGHBOUR_CODE)

QUESTIONS = (
    SingleChoice(
        qid="03-embedding", level="easy",
        prompt="What is an embedding, in the course model?",
        options=(
            wrong("A compressed copy of the sentence.",
                  "Each token gets a whole vector: the data gets larger, not smaller."),
            right("One vector of numbers per vocabulary entry, kept in a table and looked up "
                  "by the token's id.",
                  "Looking up id i means taking row i of the table."),
            wrong("The id of a token written in binary.",
                  "An id only selects a row; the row's numbers are something else."),
            wrong("A list of the words that follow a token.",
                  "An embedding is a vector of numbers, not a list of words.")),
    ),
    SingleChoice(
        qid="03-learned", level="easy",
        prompt="Where do the numbers in the embedding table come from?",
        options=(
            wrong("They are computed from the text in a separate step before training "
                  "starts.",
                  "There is no separate feature step: the table is part of the model and is "
                  "learned during training, with every other weight."),
            right("They start as small random numbers and are learned during training.",
                  "Training adjusts the table along with every other weight, so words used "
                  "alike can end up with similar vectors."),
            wrong("They are typed in from a dictionary of word meanings.",
                  "No one writes them; they are learned from the training sentences."),
            wrong("They count how often each word occurs.",
                  "They are learned parameters, not counts.")),
    ),
    ReadCode(
        qid="03-lookup", level="medium",
        prompt="What does this code print?",
        code=_LOOKUP_CODE,
        options=(
            right(_lookup_out, "Id 2 selects row 2 ([6, 7, 8]) and id 0 row 0 ([0, 1, 2]): "
                               "one row per id, in the order of the ids."),
            wrong("[[2. 2. 2.]\n [0. 0. 0.]]",
                  "The lookup returns the table's rows, not the ids repeated."),
            wrong("[[0. 1. 2.]\n [6. 7. 8.]]",
                  "The rows come in the order of the ids: 2 first, then 0."),
            wrong("[[ 2.  5.  8. 11.]\n [ 0.  3.  6.  9.]]",
                  "An id selects a row (a token's vector), not a column.")),
    ),
    NumberQuestion(
        qid="03-cosine", level="medium",
        prompt=f"What is the cosine similarity of a = {_A} and b = {_B}? (3 decimals)",
        answer=_cos, tolerance=5e-4,
        solution=f"a.b = 2 + 2 + 4 = {_dot:g}; |a| = |b| = 3; cosine = {_dot:g} / 9 = "
                 f"{_cos:.3f}.",
        mistakes=(Mistake(_dot, "That is the dot product; divide by both lengths."),
                  Mistake(_dot / 3, "Divide by the product of both lengths, 3 x 3.")),
    ),
    SeveralChoice(
        qid="03-cosine-facts", level="medium",
        prompt="Choose every true statement about the cosine similarity of two vectors.",
        options=(
            right("It is 1 when they point the same way.",
                  "The angle is 0 and cos 0 = 1."),
            right("It is 0 when they are at right angles.", "cos 90 degrees = 0."),
            right("Doubling one vector does not change it.",
                  "Only the direction counts: the lengths are divided out."),
            wrong("It is always between 0 and 1.",
                  "Opposite vectors give -1: the range is -1 to 1."),
            wrong("A larger value means the vectors are longer.",
                  "Length is ignored; the dot product would grow with length.")),
    ),
    SingleChoice(
        qid="03-positions", level="medium",
        prompt="The model adds a position vector (table `wpe`) to every token vector. Why?",
        options=(
            wrong("To make the vectors longer.",
                  "The width stays C; the sum has the same shape."),
            right("Because the next layers combine positions by weighted sums, which ignore "
                  "order; the position vector lets the model tell where a token stands.",
                  "'the dog follows the farmer' is not 'the farmer follows the dog'."),
            wrong("To mark which places are padding.",
                  "Padding is handled by where it stands and by the loss, not by positions."),
            wrong("Because the token vectors are not learned.",
                  "Both tables are learned during training.")),
    ),
    NumberQuestion(
        qid="03-how-many-numbers", level="easy",
        prompt=f"In the course model every token vector has C = {_C} numbers. How many "
               f"numbers describe a sentence of {_n_tokens} tokens after the embedding "
               "lookup?",
        answer=_n_tokens * _C, tolerance=0.01,
        solution=f"One row of {_C} numbers per token: {_n_tokens} x {_C} = {_n_tokens * _C}, "
                 f"a ({_n_tokens}, {_C}) array.",
        mistakes=(Mistake(_C, f"That is one token; there are {_n_tokens}."),
                  Mistake(_n_tokens + _C, f"Each of the {_n_tokens} tokens has its own {_C} "
                                          "numbers: multiply.")),
    ),
    NumberQuestion(
        qid="03-bert-memory", level="hard",
        prompt="A BERT-base-sized model gives every token a vector of 768 numbers. For "
               "10,000 sentences of 50 positions, stored as float32 (4 bytes per number), how "
               "many megabytes (1 MB = 1,000,000 bytes) would the whole block take?",
        answer=_bert_mb, tolerance=0.01,
        solution=f"10,000 x 50 x 768 = {int(np.prod(_BERT)):,} numbers x 4 bytes = "
                 f"{_bert_mb:,.0f} MB. That is why rows are looked up one batch at a time "
                 "instead of building the whole block.",
        mistakes=(Mistake(_bert_mb / 4, "That counts numbers, not bytes: each float32 is "
                                        "4 bytes."),
                  Mistake(_bert_mb * 2, "float32 is 4 bytes per number; 8 is float64.")),
    ),
    SingleChoice(
        qid="03-lazy", level="hard",
        prompt="A BERT-base-sized model would turn 10,000 sentences of 50 positions into a "
               "10000 x 50 x 768 block of features. Why is such a block not built whole in "
               "memory?",
        options=(
            right("A model only needs the rows of the batch it is working on, and looking "
                  "them up when needed is cheap; the whole block would take about "
                  f"{_bert_mb / 1000:.1f} GB.",
                  "A lookup is just indexing a table, so it can be done one batch at a time."),
            wrong("Because float32 cannot hold 768 numbers.",
                  "A float32 array can be as long as memory allows."),
            wrong("Because the block would be different every time it is built.",
                  "The lookup is deterministic: the same ids give the same rows."),
            wrong("Because the embedding table is only used after training.",
                  "The table is used, and learned, during training too.")),
    ),
    ReadCode(
        qid="03-neighbour", level="hard",
        prompt="What does this print (the id of row 0's nearest neighbour, by cosine "
               "similarity)?",
        code=_NEIGHBOUR_CODE,
        options=(
            wrong("1", "Row 1 is at a right angle to row 0: similarity 0."),
            right(_neighbour_out, "Row 2 points almost the same way as row 0 (similarity "
                                  "close to 1); its greater length does not matter."),
            wrong("3", "Row 3 points the opposite way: similarity -1, the least similar."),
            wrong("0", "`exclude=0` leaves out the query's own row.")),
    ),
    SingleChoice(
        qid="03-id-meaning", level="easy",
        prompt="After preprocessing, 'sun' has one id and 'moon' another. What do the two "
               "ids tell the model about how similar the words are?",
        options=(
            right("Nothing: an id is only a position in the vocabulary list.",
                  "That is why each id is replaced by a learned vector, which can place "
                  "words used alike close together."),
            wrong("Close ids mean similar words.",
                  "Ids are given by frequency and alphabet; neighbours in the list need not "
                  "be related."),
            wrong("A larger id means a more important word.",
                  "A larger id only means the word was no more frequent in training "
                  "(ties go alphabetically)."),
            wrong("Their difference is their distance in meaning.",
                  "Ids are labels; arithmetic on them means nothing.")),
    ),
)
