"""Questions on chapter 5, generation: the loop, four ways to choose, random seeds, quality."""
from __future__ import annotations

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.sampling import sample_from, top_k_filter, top_p_filter

CHAPTER = "05_generation"

_PROBS_K = np.array([0.5, 0.3, 0.15, 0.05])
_after_k = top_k_filter(_PROBS_K, 2)
_PROBS_P = np.array([0.5, 0.3, 0.2])
_kept_p = int((top_p_filter(_PROBS_P, 0.8) > 0).sum())
_PROBS_DRAW = np.array([0.2, 0.5, 0.3])
_DRAW_SEED = 5
_u = float(np.random.default_rng(_DRAW_SEED).random())  # the one number sample_from draws
_drawn = sample_from(_PROBS_DRAW, np.random.default_rng(_DRAW_SEED))

_GREEDY_CODE = """\
import numpy as np
from genai_lab.sampling import SamplingConfig, select_next

logits = np.array([1.0, 3.0, 3.0, 0.5])          # (V,) scores of tokens 0..3
choice = select_next(logits, SamplingConfig(method="greedy"), np.random.default_rng(0))
print(choice.token_id)"""
_greedy_out = run_snippet(_GREEDY_CODE)

QUESTIONS = (
    SingleChoice(
        qid="05-loop", level="easy",
        prompt="How does the trained model write a sentence from a prompt (the start text)?",
        options=(
            wrong("It writes the whole sentence in one step.",
                  "It writes one token per step, each chosen after the previous ones."),
            right("Predict the next token's probabilities, choose one token, append it, and "
                  "repeat until it chooses [SEP].",
                  "Every step reads the whole text so far, including the tokens it just "
                  "wrote."),
            wrong("It finds the training sentence that starts with the prompt and copies it.",
                  "The model keeps no sentences, only weights; it can write sentences that "
                  "are not in the training set."),
            wrong("It picks words uniformly at random from the vocabulary.",
                  "The choice follows the model's learned probabilities, which are far from "
                  "uniform.")),
    ),
    SingleChoice(
        qid="05-temperature", level="easy",
        prompt="What does a higher sampling temperature do?",
        options=(
            wrong("It makes the model train faster.",
                  "Temperature is used when generating, after training."),
            wrong("It always picks the most likely next token.",
                  "That is greedy choice; a very low temperature comes close to it."),
            right("It flattens the probabilities, so less likely tokens are chosen more often.",
                  "The logits are divided by the temperature before softmax: a larger "
                  "divisor shrinks their differences."),
            wrong("It removes tokens from the vocabulary.",
                  "Top-k and top-p leave tokens out for one step; temperature only reshapes "
                  "the probabilities.")),
    ),
    SingleChoice(
        qid="05-greedy", level="easy",
        prompt="With greedy choice, what happens if you generate twice from the same prompt?",
        options=(
            right("You get the same text both times.",
                  "Greedy always takes the most likely token; nothing random is involved."),
            wrong("You get a different text each time.",
                  "Greedy draws nothing at random; only sampling depends on a random seed."),
            wrong("The second text continues the first.",
                  "Each generation starts again from the prompt."),
            wrong("The model refuses to repeat itself.",
                  "Nothing in greedy choice avoids repetition; it often repeats itself.")),
    ),
    NumberQuestion(
        qid="05-top-k", level="medium",
        prompt=f"The probabilities of four tokens are {_PROBS_K.tolist()}. Top-k with k = 2 "
               "keeps the two most likely and rescales them to add up to 1. What probability "
               "does the most likely token get? (3 decimals)",
        answer=float(_after_k[0]), tolerance=5e-4,
        solution=f"Keep 0.5 and 0.3; their sum is 0.8; 0.5 / 0.8 = {_after_k[0]:.3f}.",
        mistakes=(Mistake(0.5, "After filtering, the kept probabilities are rescaled to add "
                               "up to 1."),
                  Mistake(0.5 / 0.95, "Only the top 2 are kept, so divide by 0.5 + 0.3.")),
    ),
    NumberQuestion(
        qid="05-top-p", level="medium",
        prompt=f"The probabilities of three tokens are {_PROBS_P.tolist()}. Top-p with "
               "p = 0.8 keeps the smallest set of most likely tokens whose probabilities add "
               "up to at least 0.8. How many tokens are kept?",
        answer=_kept_p, tolerance=0.01,
        solution=f"0.5 alone is below 0.8; 0.5 + 0.3 = 0.8 reaches it: {_kept_p} tokens.",
        mistakes=(Mistake(1, "0.5 is less than 0.8: keep adding tokens."),
                  Mistake(3, "0.5 + 0.3 already reaches 0.8; the third is not needed.")),
    ),
    SingleChoice(
        qid="05-top-p-adapts", level="medium",
        prompt="What can top-p do that top-k cannot?",
        options=(
            wrong("Choose a token that has probability 0.",
                  "Neither filter can; both only remove tokens."),
            right("Keep few tokens after a confident prediction and many after an uncertain "
                  "one.", "Top-k always keeps k tokens; top-p keeps as many as it takes to "
                          "reach the probability p."),
            wrong("Make the text identical every time.",
                  "Both still draw at random among the kept tokens."),
            wrong("Change the model's weights.", "Filters act on one step's probabilities.")),
    ),
    ReadCode(
        qid="05-greedy-tie", level="medium",
        prompt="Tokens 1 and 2 have the same largest score. What does this print?",
        code=_GREEDY_CODE,
        options=(
            wrong("2", "Ties are broken by id, lowest first."),
            right(_greedy_out, "Greedy takes the largest score; among equal largest scores "
                               "the lowest id wins."),
            wrong("0", "Token 0 has score 1.0, below 3.0."),
            wrong("1 or 2, at random", "Greedy never draws at random: the tie rule decides.")),
    ),
    NumberQuestion(
        qid="05-inverse-cdf", level="hard",
        prompt=f"`sample_from` draws one uniform number u in [0, 1) and returns the first id "
               f"whose cumulative probability exceeds u. With probabilities "
               f"{_PROBS_DRAW.tolist()} and a generator seeded with {_DRAW_SEED}, u = "
               f"{_u:.4f}. Which id is drawn?",
        answer=_drawn, tolerance=0.01,
        solution=f"Cumulative sums: {', '.join(f'{c:g}' for c in np.cumsum(_PROBS_DRAW))}. "
                 f"The first that exceeds {_u:.4f} is "
                 f"{np.cumsum(_PROBS_DRAW)[_drawn]:.1f}, at id {_drawn}.",
        mistakes=(Mistake(int(np.argmax(_PROBS_DRAW)), "That is the most likely id (greedy); "
                                                       "the draw walks the cumulative sums."),
                  Mistake(0, "0.2 is below u; keep walking.")),
    ),
    SeveralChoice(
        qid="05-random-seed", level="medium",
        prompt="Choose every true statement about the random seed used when sampling.",
        options=(
            right("The same random seed and settings give the same generated text.",
                  "The random number generator produces the same numbers from the same "
                  "seed, so every draw is the same."),
            right("A different random seed usually gives a different text.",
                  "Different random numbers lead to different draws."),
            wrong("The random seed changes the model's weights.",
                  "The weights are fixed after training; the seed only drives the draws."),
            wrong("With a random seed, greedy choice gives varied text.",
                  "Greedy draws nothing, so the seed makes no difference to it.")),
    ),
    SingleChoice(
        qid="05-quality-temperature", level="hard",
        prompt="The chapter counts the generated sentences the grammar accepts at several "
               "temperatures. Why does the share fall when the temperature is high?",
        options=(
            wrong("Because a high temperature changes the grammar.",
                  "The grammar is fixed; it only judges."),
            right("Rare, often wrong continuations get more chances, and one wrong token "
                  "early in a sentence usually spoils the rest.",
                  "Flatter probabilities move weight to tokens the model thinks unlikely."),
            wrong("Because the model forgets what it learned.",
                  "The weights are the same at every temperature."),
            wrong("Because high temperatures make shorter sentences.",
                  "Length is not the reason; grammaticality is.")),
    ),
    SingleChoice(
        qid="05-low-temperature-price", level="hard",
        prompt="A very low temperature gives mostly grammatical sentences. What is its price?",
        options=(
            right("Less variety: the model keeps writing its favourite sentences.",
                  "The chapter's 'distinct' column counts the different sentences."),
            wrong("Slower training.", "Temperature plays no part in training."),
            wrong("More unknown tokens.", "Unknown tokens come from the prompt, not from the "
                                          "temperature."),
            wrong("Ungrammatical sentences.", "Low temperatures are the safe side.")),
    ),
)
