"""Questions on chapter 8, layer 3: transformer blocks, causal attention, GELU, the residual stream."""
from __future__ import annotations

import math

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.layers import causal_mask, gelu_forward, layer_norm_forward
from genai_lab.model import GPTConfig
from genai_lab.softmax import softmax

CHAPTER = "08_neural_network_layers"

_config = GPTConfig(vocab_size=2)
_head_width = _config.n_embd // _config.n_head
_SCORES = np.array([2.0, 1.0, 0.0])  # one query's scores for positions 0, 1, 2
_weights = softmax(_SCORES)
_T = 5
_n_masked = int(causal_mask(_T).sum())
_gelu_one = float(gelu_forward(np.array([1.0]))[0][0])
_tanh_part = math.tanh(math.sqrt(2.0 / math.pi) * (1.0 + 0.044715))  # inside GELU(1)
_LN_X = np.array([1.0, 2.0, 3.0, 4.0])
_ln_mean, _ln_var = float(_LN_X.mean()), float(_LN_X.var())
_ln_first = float(layer_norm_forward(_LN_X, np.ones(4), np.zeros(4))[0][0])

_MASK_CODE = """\
from genai_lab.layers import causal_mask

print(causal_mask(3))    # True = forbidden: the query would read a later key"""
_mask_out = run_snippet(_MASK_CODE)

QUESTIONS = (
    SingleChoice(
        qid="08-attention", level="easy",
        prompt="What does self-attention let each position do?",
        options=(
            wrong("Read the words that come after it.",
                  "In a causal model a position reads only itself and earlier positions."),
            right("Mix in information from itself and earlier positions, weighted by how well "
                  "their keys match its query.",
                  "The weights are a softmax of scores; the output is the weighted average of "
                  "the values."),
            wrong("Change the input sentence.", "Layers transform vectors; the ids stay."),
            wrong("Ignore all other positions.", "Attention is how positions exchange "
                                                 "information.")),
    ),
    SingleChoice(
        qid="08-causal", level="easy",
        prompt="The model's attention is causal. What does that mean?",
        options=(
            right("A position may read itself and earlier positions, never later ones.",
                  "When the model writes, the later words do not exist yet."),
            wrong("Each word causes the next one deterministically.",
                  "'Causal' is about which positions may be read, not about certainty."),
            wrong("Padding positions are hidden by a padding mask.",
                  "The model has only the causal mask; padding is harmless because it comes "
                  "last and the loss skips it."),
            wrong("Attention weights are all equal.", "They are learned scores through softmax.")),
    ),
    NumberQuestion(
        qid="08-attention-weight", level="medium",
        prompt=f"The last of three positions scores the keys of positions 0, 1 and 2 with "
               f"{_SCORES.tolist()}. Softmax turns the scores into attention weights. What "
               "weight goes to position 0? (3 decimals)",
        answer=float(_weights[0]), tolerance=5e-4,
        solution=f"exp(2) / (exp(2) + exp(1) + exp(0)) = {_weights[0]:.3f}; the three "
                 "weights add up to 1.",
        mistakes=(Mistake(2.0 / 3.0, "Softmax exponentiates first: divide exp(2) by the sum "
                                     "of the exponentials, not 2 by the sum of the scores."),
                  Mistake(1.0, "Softmax keeps every position possible; the others get "
                               "weight too.")),
    ),
    ReadCode(
        qid="08-mask", level="medium",
        prompt="What does this print?",
        code=_MASK_CODE,
        options=(
            right(_mask_out, "Above the diagonal: a query (row) would read a later key "
                             "(column). Row 0 may read only position 0."),
            wrong("[[False False False]\n [ True False False]\n [ True  True False]]",
                  "That forbids reading earlier positions: it is the mask turned over."),
            wrong("[[ True False False]\n [False  True False]\n [False False  True]]",
                  "A position may read itself: the diagonal is allowed."),
            wrong("[[False False False]\n [False False False]\n [False False False]]",
                  "Causal attention forbids every later position.")),
    ),
    NumberQuestion(
        qid="08-masked-count", level="medium",
        prompt=f"For a sentence of T = {_T} tokens, how many of the T x T attention weights "
               "of one head are forced to exactly 0 by the causal mask?",
        answer=_n_masked, tolerance=0.01,
        solution=f"Every pair (row, column) with column > row: T(T-1)/2 = {_n_masked}.",
        mistakes=(Mistake(_T * _T - _n_masked, "That counts the allowed weights, diagonal "
                                               "included."),
                  Mistake(_T * _T / 2, "The diagonal is allowed: T(T-1)/2, not T^2/2.")),
    ),
    NumberQuestion(
        qid="08-head-width", level="easy",
        prompt=f"The course model's vectors have C = {_config.n_embd} numbers and each block "
               f"has {_config.n_head} attention heads side by side, each with an equal share "
               "of the numbers. How many numbers does one head work with?",
        answer=_head_width, tolerance=0.01,
        solution=f"C / heads = {_config.n_embd} / {_config.n_head} = {_head_width}; the "
                 "heads' outputs are put side by side again.",
        mistakes=(Mistake(_config.n_embd, "The C numbers are shared between the heads."),
                  Mistake(_config.n_embd * _config.n_head, "Heads split C; they do not "
                                                           "multiply it.")),
    ),
    NumberQuestion(
        qid="08-gelu", level="hard",
        prompt="The MLP applies GELU after its first layer. What is GELU(1.0), in the tanh "
               "form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))? (3 decimals)",
        answer=_gelu_one, tolerance=5e-4,
        solution=f"tanh(sqrt(2/pi) x 1.044715) = {_tanh_part:.3f}, so 0.5 x 1 x "
                 f"{1 + _tanh_part:.3f} = "
                 f"{_gelu_one:.3f}: positive inputs pass through almost unchanged, negative "
                 "ones are squashed to near 0.",
        mistakes=(Mistake(1.0, "That is ReLU(1); GELU bends smoothly and gives a little "
                               "less."),
                  Mistake(0.5, "The 0.5 multiplies x (1 + tanh(...)), and tanh(...) is "
                               "not 0 here.")),
    ),
    SingleChoice(
        qid="08-residual", level="medium",
        prompt="What is the residual stream?",
        options=(
            right("The running vector of each position: attention and the MLP each add their "
                  "result to it.", "x <- x + attention(x), then x <- x + MLP(x), in every "
                                   "block."),
            wrong("The part of the data left over after training.",
                  "It is inside the model, computed for every input."),
            wrong("A second model that checks the first one.", "It is the same model's "
                                                                "vectors."),
            wrong("The padding after a sentence.", "Padding is in the input ids, not a "
                                                   "stream of vectors.")),
    ),
    NumberQuestion(
        qid="08-layer-norm", level="hard",
        prompt=f"Layer norm (with scale 1 and shift 0) turns a position's vector into mean 0 "
               f"and variance 1. What is the first entry of LayerNorm({_LN_X.tolist()})? "
               "(3 decimals)",
        answer=_ln_first, tolerance=5e-4,
        solution=f"Mean {_ln_mean:g}, variance {_ln_var:g}, so (1 - {_ln_mean:g}) / "
                 f"sqrt({_ln_var:g}) = {_ln_first:.3f} (a "
                 "tiny eps is added to the variance for safety).",
        mistakes=(Mistake(1.0 - _ln_mean, "Subtracting the mean is half of it: divide by "
                                          "the standard deviation too."),
                  Mistake((1.0 - _ln_mean) / _ln_var, "Divide by the standard deviation (the "
                                                      "square root of the variance).")),
    ),
    SeveralChoice(
        qid="08-qkv", level="hard",
        prompt="Choose every true statement about queries, keys and values.",
        options=(
            right("Each position computes all three from its current vector.",
                  "Three learned linear maps, one per role, in every head."),
            right("A query is compared with the keys of the positions it may read; a better "
                  "match gives a larger weight.", "The scores go through softmax."),
            right("The output is a weighted average of the values.",
                  "The weights are the attention weights of that query."),
            wrong("Keys and values are the token ids.", "They are vectors computed from the "
                                                        "residual stream."),
            wrong("Each head shares the same queries and keys.",
                  "Each head has its own, so heads can look for different things.")),
    ),
    SingleChoice(
        qid="08-later-word", level="hard",
        prompt="'The sun rises in the' and 'The sun sets in the' differ at position 3. What "
               "happens to the last block's outputs at positions 0 to 2?",
        options=(
            right("They are identical in both sentences.",
                  "Causal attention never lets positions 0-2 read position 3; the chapter "
                  "checks this on the real model."),
            wrong("They all change a little.", "Nothing flows backwards from a later "
                                               "position."),
            wrong("Only position 0 stays the same.", "Every position before the change is "
                                                     "unaffected."),
            wrong("They change, because the blocks mix all positions.",
                  "They mix only earlier positions into later ones.")),
    ),
)
