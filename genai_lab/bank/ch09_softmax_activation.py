"""Questions on chapter 9, layer 4: logits, softmax, temperature and numerical stability."""
from __future__ import annotations

import math

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.softmax import log_softmax, softmax

CHAPTER = "09_softmax_activation"

_TWO = np.array([0.0, math.log(3.0)])  # logits 0 and ln 3
_p_two = softmax(_TWO)
_Z = np.array([2.0, 1.0, 0.0])
_cold = softmax(_Z, temperature=0.5)
_plain = softmax(_Z)
_logp_first = float(log_softmax(_Z)[0])
_float32_max = float(np.finfo(np.float32).max)
_mantissa, _power = f"{_float32_max:.1e}".split("e+")  # "3.4", "38"
_overflow_at = math.log(_float32_max)

_BIG_CODE = """\
import numpy as np
from genai_lab.softmax import softmax

big = np.array([1000.0, 999.0, 998.0])     # (V,) = (3,) very large logits
print(np.round(softmax(big), 3))"""
_big_out = run_snippet(_BIG_CODE)

_SHIFT_CODE = """\
import numpy as np
from genai_lab.softmax import softmax

z = np.array([3.0, -1.0, 0.5])
print(np.allclose(softmax(z), softmax(z + 100.0)), np.allclose(softmax(z), softmax(2 * z)))"""
_shift_out = run_snippet(_SHIFT_CODE)

QUESTIONS = (
    SingleChoice(
        qid="09-what", level="easy",
        prompt="What does softmax do to the model's scores (logits)?",
        options=(
            right("It turns them into probabilities: all positive, adding up to 1, in the "
                  "same order as the scores.", "Exponentiate every score, divide by the total."),
            wrong("It keeps the largest score and sets the others to 0.",
                  "That is argmax; softmax keeps every token possible."),
            wrong("It sorts the vocabulary alphabetically.", "The vocabulary's order is "
                                                              "unchanged."),
            wrong("It removes the tokens with negative scores.",
                  "A negative score gives a small but positive probability.")),
    ),
    NumberQuestion(
        qid="09-two-logits", level="easy",
        prompt=f"Two tokens have logits 0 and ln 3 (about {_TWO[1]:.3f}). What probability "
               "does softmax give the second token? (2 decimals)",
        answer=float(_p_two[1]), tolerance=5e-3,
        solution=f"exp(0) = 1 and exp(ln 3) = 3; 3 / (1 + 3) = {_p_two[1]:.2f}.",
        mistakes=(Mistake(math.log(3.0) / (0 + math.log(3.0)), "Exponentiate before dividing: "
                                                               "logits are not probabilities."),
                  Mistake(1 / 3, "exp(ln 3) = 3, so the second token gets 3 parts of 4.")),
    ),
    SeveralChoice(
        qid="09-logits", level="medium",
        prompt="Choose every true statement about logits.",
        options=(
            right("They can be negative.", "Any real number is a valid score."),
            right("A larger logit means the model finds that token more likely.",
                  "Softmax keeps the order."),
            wrong("They add up to 1.", "Only after softmax do the numbers add up to 1."),
            wrong("They are the probabilities of the next token.",
                  "They are scores; softmax makes probabilities of them.")),
    ),
    NumberQuestion(
        qid="09-temperature", level="medium",
        prompt=f"Logits {_Z.tolist()}. At temperature 1 softmax gives the first token "
               f"{_plain[0]:.3f}. What does it give the first token at temperature 0.5? "
               "(3 decimals)",
        answer=float(_cold[0]), tolerance=5e-4,
        solution=f"Divide the logits by 0.5: {(_Z / 0.5).tolist()}; softmax of those gives "
                 f"{_cold[0]:.3f}. A temperature below 1 sharpens the distribution.",
        mistakes=(Mistake(float(softmax(_Z, temperature=2.0)[0]),
                          "That is temperature 2 (dividing by 2 flattens); 0.5 doubles the "
                          "logits."),
                  Mistake(float(_plain[0]), "That is temperature 1.")),
    ),
    SingleChoice(
        qid="09-order", level="easy",
        prompt="Can softmax change which token is the most likely?",
        options=(
            wrong("Yes, it often reorders the tokens.", "exp is increasing: order is kept."),
            right("No: the largest logit always gets the largest probability.",
                  "Exponentiating and dividing by the same total keeps the order."),
            wrong("Only at temperature 1.", "At any temperature above 0 the order is kept."),
            wrong("Only for negative logits.", "The order is kept for every logit.")),
    ),
    ReadCode(
        qid="09-big-logits", level="medium",
        prompt="The textbook formula exp(z) / sum(exp(z)) gives nan for these logits. What "
               "does the package's softmax print?",
        code=_BIG_CODE,
        options=(
            wrong("[nan nan nan]", "The package subtracts the largest logit first, so "
                                   "nothing overflows."),
            right(_big_out, "The same as softmax([2, 1, 0]): subtracting the same number from "
                            "every logit changes nothing."),
            wrong("[1. 0. 0.]", "The differences are 1 and 2, small: the other tokens keep "
                                "real probabilities."),
            wrong("[0.333 0.333 0.333]", "Large logits are not equal logits; only their "
                                         "differences count.")),
    ),
    SingleChoice(
        qid="09-why-max", level="hard",
        prompt="Why does softmax subtract the largest logit before exponentiating?",
        options=(
            right("Subtracting the same number from every logit cancels in the division, and "
                  "with the largest at 0 no exponential can overflow; the total is at least 1.",
                  "exp(x - m) / sum(exp(x - m)) = exp(x) / sum(exp(x))."),
            wrong("To make the probabilities add up to 1.", "The division by the total does "
                                                            "that."),
            wrong("To make the largest token less likely.", "The result is exactly the same "
                                                            "distribution."),
            wrong("Because the model's logits are always too large.",
                  "It is a safety step for any input; most logits are small.")),
    ),
    ReadCode(
        qid="09-shift-scale", level="hard",
        prompt="What does this print?",
        code=_SHIFT_CODE,
        options=(
            wrong("True True", "Doubling the logits is temperature 0.5: it sharpens the "
                               "distribution."),
            right(_shift_out, "Adding a constant cancels; multiplying changes the "
                              "differences between scores, so the distribution changes."),
            wrong("False True", "Adding the same number to every logit cancels out."),
            wrong("False False", "Shifting all logits leaves softmax unchanged.")),
    ),
    NumberQuestion(
        qid="09-log-softmax", level="hard",
        prompt=f"`log_softmax` computes log(softmax(z)) stably. For z = {_Z.tolist()}, what "
               "is the first entry? (3 decimals)",
        answer=_logp_first, tolerance=5e-4,
        solution=f"z0 - max - log(sum(exp(z - max))) = 0 - log(1 + e^-1 + e^-2) = "
                 f"{_logp_first:.3f} = ln {_plain[0]:.3f}.",
        mistakes=(Mistake(float(_plain[0]), "That is the probability; take its natural log."),
                  Mistake(-_logp_first, "A log of a probability is negative.")),
    ),
    NumberQuestion(
        qid="09-overflow", level="hard",
        prompt=f"In float32, the largest number is about {_mantissa} x 10^{int(_power)}. Above "
               "which x does exp(x) overflow to infinity? (1 decimal)",
        answer=_overflow_at, tolerance=0.05,
        solution=f"ln({_mantissa} x 10^{int(_power)}) = {_overflow_at:.1f}: a logit above that, "
                 "exponentiated "
                 "directly, becomes inf; after subtracting the maximum every exponent is "
                 "at most 0.",
        mistakes=(Mistake(float(_power), "That is the power of ten; take the natural log of the "
                                "whole number."),
                  Mistake(float(np.log(np.finfo(np.float64).max)), "That is float64's limit.")),
    ),
    SingleChoice(
        qid="09-cold", level="medium",
        prompt="What does a temperature below 1 do to the probabilities?",
        options=(
            right("It sharpens them: the favourite gets even more likely.",
                  "Dividing by T < 1 makes the differences between scores larger."),
            wrong("It flattens them.", "That is T > 1."),
            wrong("It makes all of them equal.", "That is the limit of a very high T."),
            wrong("It leaves them unchanged.", "Only T = 1 leaves them unchanged.")),
    ),
)
