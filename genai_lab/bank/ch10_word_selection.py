"""Questions on chapter 10, layer 5: choosing one token, random seeds, many draws, the loop."""
from __future__ import annotations

import math

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.sampling import SamplingConfig, select_next, top_p_filter

CHAPTER = "10_word_selection"

_PROBS = np.array([0.6, 0.25, 0.1, 0.05])
_kept = int((top_p_filter(_PROBS, 0.9) > 0).sum())
_cumulative = np.cumsum(_PROBS)  # (V,) already sorted, most likely first
_LOGITS = np.array([2.0, 0.0, -2.0])
_hot_k = select_next(_LOGITS, SamplingConfig(temperature=2.0, top_k=2),
                     np.random.default_rng(0)).probs  # (V,) the distribution drawn from
_P_DRAW, _N_DRAWS = 0.3, 2000
_spread = math.sqrt(_P_DRAW * (1 - _P_DRAW) / _N_DRAWS)

_TRACE_CODE = """\
import numpy as np
from genai_lab.sampling import SamplingConfig, select_next

logits = np.array([2.0, 1.5, 0.5, 0.0, -1.0])     # (V,) scores of tokens 0..4
choice = select_next(logits, SamplingConfig(top_p=0.9), np.random.default_rng(0),
                     n_candidates=5)
print(choice)"""
_trace_out = run_snippet(_TRACE_CODE)
_trace_choice = select_next(np.array([2.0, 1.5, 0.5, 0.0, -1.0]), SamplingConfig(top_p=0.9),
                            np.random.default_rng(0))
_n_final = int((_trace_choice.probs > 0).sum())

QUESTIONS = (
    SingleChoice(
        qid="10-what", level="easy",
        prompt="The model's output stops at one probability per token. What does word "
               "selection add?",
        options=(
            right("It picks one token from those probabilities; the token is appended and the "
                  "loop starts again from layer 1.", "That loop is how the model writes."),
            wrong("It checks the sentence's grammar.", "Selection only chooses; nothing "
                                                       "checks grammar while writing."),
            wrong("It trains the model on the chosen word.", "No training happens while "
                                                             "writing."),
            wrong("It computes the probabilities.", "Softmax did that, one layer before.")),
    ),
    SingleChoice(
        qid="10-top-k-one", level="easy",
        prompt="Top-k with k = 1 is the same as which method?",
        options=(
            wrong("Sampling at temperature 1.", "Sampling at temperature 1 can choose any "
                                                "token with probability above 0."),
            right("Greedy choice.", "Keeping only the most likely token leaves nothing to "
                                    "draw: it is always chosen."),
            wrong("Top-p with p = 1.", "p = 1 keeps every token."),
            wrong("Temperature 2.", "A temperature reshapes; it never keeps only one token.")),
    ),
    NumberQuestion(
        qid="10-top-p-count", level="medium",
        prompt=f"Probabilities {_PROBS.tolist()}. How many tokens does top-p with p = 0.9 "
               "keep?",
        answer=_kept, tolerance=0.01,
        solution=f"Add the probabilities, most likely first: "
                 f"{', '.join(f'{c:.2f}' for c in _cumulative)}. The sum first reaches 0.9 "
                 f"after {_kept} tokens, so {_kept} are kept.",
        mistakes=(Mistake(_kept - 1, f"{_cumulative[_kept - 2]:.2f} is still below 0.9."),
                  Mistake(_kept + 1, f"{_cumulative[_kept - 1]:.2f} already reaches 0.9: the "
                                     "next token is not needed.")),
    ),
    NumberQuestion(
        qid="10-temperature-then-top-k", level="hard",
        prompt=f"Logits {_LOGITS.tolist()}. `select_next` first divides by the temperature "
               "2, applies softmax, then keeps the top k = 2 and rescales. What probability is "
               "token 0 drawn with? (3 decimals)",
        answer=float(_hot_k[0]), tolerance=5e-4,
        solution=f"Logits / 2 = {(_LOGITS / 2).tolist()}; the top two have exp(1) and exp(0); "
                 f"e / (e + 1) = {_hot_k[0]:.3f}.",
        mistakes=(Mistake(float(np.exp(2) / (np.exp(2) + 1)), "Divide the logits by the "
                                                               "temperature first."),
                  Mistake(float(np.exp(1) / (np.exp(1) + 1 + np.exp(-1))),
                          "Top-k 2 removes the third token before the draw; rescale over "
                          "the two kept.")),
    ),
    ReadCode(
        qid="10-read-selection", level="medium",
        prompt="Read the trace this code prints. Which statement is true?",
        code=_TRACE_CODE + "\n# prints:\n" + "\n".join("# " + line for line in
                                                      _trace_out.splitlines()),
        options=(
            right(f"Top-p 0.9 kept {_n_final} tokens, and the draw u = {_trace_choice.draw:.4f}"
                  f" chose id {_trace_choice.token_id}.",
                  "The 'final' column is the distribution after top-p; the arrow marks the "
                  "chosen id."),
            wrong("The most likely token was chosen, because sampling always picks it.",
                  "Sampling draws at random; here u fell in another token's slice."),
            wrong("Every token could still be chosen.", "Tokens with final probability "
                                                        "0 can never be chosen."),
            wrong("The 'raw' and 'final' columns are the same.",
                  "Top-p removed tokens and rescaled the kept ones.")),
    ),
    SingleChoice(
        qid="10-same-seed", level="easy",
        prompt="Why does a random seed of 7 always give the same chosen word?",
        options=(
            right("The random number generator started from 7 produces the same number u, "
                  "and the same u walks to the same token.",
                  "That makes every text in the book reproducible."),
            wrong("Because 7 is the model's favourite number.", "Any seed is reproducible."),
            wrong("Because seeding turns sampling into greedy choice.",
                  "It is still a draw; only a repeatable one."),
            wrong("Because the model's weights depend on the seed.",
                  "The weights are fixed; the seed only drives the draw.")),
    ),
    NumberQuestion(
        qid="10-spread", level="hard",
        prompt=f"A token has probability {_P_DRAW:g}. You sample {_N_DRAWS:,} times and "
               "count the share of draws that chose it. About how far from 0.3 do you expect "
               "the share to be (its standard deviation, sqrt(p(1-p)/N))? (4 decimals)",
        answer=_spread, tolerance=5e-5,
        solution=f"sqrt(0.3 x 0.7 / {_N_DRAWS}) = {_spread:.4f}: shares within a couple of "
                 "percentage points of 0.3 are expected, so many draws follow the "
                 "probabilities.",
        mistakes=(Mistake(_P_DRAW * (1 - _P_DRAW) / _N_DRAWS, "Take the square root."),
                  Mistake(math.sqrt(_P_DRAW * (1 - _P_DRAW)), "Divide by N inside the root: "
                                                              "more draws, less spread.")),
    ),
    SeveralChoice(
        qid="10-can-choose", level="medium",
        prompt="The model's fourth most likely token has probability 0.05. Choose every "
               "method that could choose it.",
        options=(
            right("Sampling at temperature 1 with no filter.",
                  "Any token with probability above 0 can be drawn."),
            right("Sampling at temperature 2 with no filter.", "It even gets more likely."),
            wrong("Greedy choice.", "Greedy only ever takes the most likely token."),
            wrong("Top-k with k = 3.", "Only the three most likely tokens are kept.")),
    ),
    SingleChoice(
        qid="10-stop", level="medium",
        prompt="When does `generate` stop writing?",
        options=(
            right("When the model chooses [SEP], or after a maximum number of new tokens.",
                  "[SEP] means 'the sentence is finished'; the limit stops runaway texts."),
            wrong("When the grammar accepts the sentence.", "The grammar is used only to "
                                                            "judge afterwards."),
            wrong("After exactly ten words.", "The length is the model's choice, up to a "
                                              "limit."),
            wrong("When it reaches a full stop '.'.", "'.' is an ordinary token; the model "
                                                      "may continue after it.")),
    ),
    SingleChoice(
        qid="10-hot-top-k", level="hard",
        prompt="You sample at temperature 3 with top-k = 3. Can a token outside the model's "
               "three favourites be chosen?",
        options=(
            wrong("Yes: a high temperature gives every token a chance.",
                  "Top-k removes every token outside the top 3 first."),
            right("No: top-k keeps only the three most likely, whatever the temperature.",
                  "The temperature only reshapes the probabilities among the three kept."),
            wrong("Only if the random seed is odd.", "The seed changes the draw, not the set "
                                                     "of tokens kept."),
            wrong("Yes, because temperature changes which tokens are most likely.",
                  "Dividing all logits by the same positive number keeps their order.")),
    ),
)
