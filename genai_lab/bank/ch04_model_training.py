"""Questions on chapter 4, model training: the loss, a training step, the schedule and the trace."""
from __future__ import annotations

import math

import numpy as np

from genai_lab.bank.questions import (Mistake, NumberQuestion, ReadCode, SeveralChoice,
                                      SingleChoice, right, run_snippet, wrong)
from genai_lab.model import GPTConfig
from genai_lab.optim import AdamConfig, global_norm
from genai_lab.softmax import softmax_cross_entropy
from genai_lab.train import TrainConfig, learning_rate

CHAPTER = "04_model_training"

_V = 250  # a vocabulary size for the uniform-guess question
_uniform_loss, _ = softmax_cross_entropy(np.zeros((1, _V)), np.array([0]))
_half_loss, _ = softmax_cross_entropy(np.zeros((1, 2)), np.array([1]))  # p = 0.5
_train = TrainConfig()
_base = _train.adam.lr
_TOTAL = 1001  # Adam steps in the schedule question
_mid = learning_rate(500, _TOTAL, _base, schedule="cosine", min_fraction=_train.min_lr_fraction)
_last = learning_rate(_TOTAL - 1, _TOTAL, _base, schedule="cosine",
                      min_fraction=_train.min_lr_fraction)
_clip = AdamConfig().grad_clip
_GRADS = {"w": np.array([3.0, 4.0])}  # one weight vector's gradient
_norm = global_norm(_GRADS)
_clipped_first = float(_GRADS["w"][0] * min(1.0, _clip / _norm))
_config = GPTConfig(vocab_size=2)
_mlp_width = _config.mlp_ratio * _config.n_embd
_mlp_first = _config.n_embd * _mlp_width + _mlp_width  # weights + biases of the MLP's first layer

_IGNORE_CODE = """\
import numpy as np
from genai_lab.softmax import softmax_cross_entropy

logits = np.zeros((2, 4))          # (N, V): two positions, four equal scores each
targets = np.array([1, 0])         # the second target is [PAD] (id 0)
loss, _ = softmax_cross_entropy(logits, targets, ignore_index=0)
print(round(loss, 3))"""
_ignore_out = run_snippet(_IGNORE_CODE)

QUESTIONS = (
    SingleChoice(
        qid="04-loss", level="easy",
        prompt="What does the training loss (cross-entropy) measure at one position?",
        options=(
            right("Minus the logarithm of the probability the model gave to the token that "
                  "actually came next.",
                  "Probability 1 gives loss 0; a small probability gives a large loss."),
            wrong("How many words the model got wrong in the sentence.",
                  "That would be an error count; the loss uses the probability given to "
                  "the right token."),
            wrong("The distance between the model's weights and the true weights.",
                  "There are no true weights to compare with."),
            wrong("How long the model took to answer.", "The loss measures surprise, not time.")),
    ),
    NumberQuestion(
        qid="04-loss-half", level="easy",
        prompt="The model gives probability 0.5 to the token that actually comes next. What "
               "is the loss at that position, in nats? (3 decimals)",
        answer=_half_loss, tolerance=5e-4,
        solution=f"-ln 0.5 = ln 2 = {_half_loss:.3f} nats.",
        mistakes=(Mistake(0.5, "The loss is minus the log of the probability, not the "
                               "probability."),
                  Mistake(1.0, "1 is -log2(0.5), in bits; the loss uses the natural log."),
                  Mistake(-_half_loss, "The log of a probability is negative; the loss is "
                                       "minus it, so it is positive.")),
    ),
    NumberQuestion(
        qid="04-uniform", level="medium",
        prompt=f"A model that knows nothing gives every one of V = {_V} tokens the same "
               "probability. What is its loss, in nats? (2 decimals)",
        answer=_uniform_loss, tolerance=5e-3,
        solution=f"Each token gets 1/{_V}, so the loss is -ln(1/{_V}) = ln {_V} = "
                 f"{_uniform_loss:.2f}. An untrained model starts close to this.",
        mistakes=(Mistake(1 / _V, "That is the probability; the loss is -ln of it."),
                  Mistake(math.log2(_V), "That is log base 2 (bits); the loss is in nats."),
                  Mistake(math.log10(_V), "That is log base 10; the loss uses the natural "
                                          "log.")),
    ),
    SingleChoice(
        qid="04-step", level="easy",
        prompt="What happens in one training step?",
        options=(
            wrong("The model stores one more sentence word for word.",
                  "Training adjusts weights to predict better on average; it stores no "
                  "sentences."),
            right("The model predicts the next tokens of a batch, the loss measures how "
                  "wrong it was, and every weight takes a small step against its gradient.",
                  "The gradient points to where the loss grows; stepping against it, by the "
                  "learning rate (rescaled per weight by Adam), lowers the loss."),
            wrong("A programmer corrects the wrong predictions by hand.",
                  "The correction is automatic: gradients say how to change every weight."),
            wrong("The tokenizer adds the batch's new words to the vocabulary.",
                  "The vocabulary is fixed before training starts.")),
    ),
    SingleChoice(
        qid="04-against-gradient", level="medium",
        prompt="For one weight, the gradient of the loss is positive: increasing the weight "
               "would increase the loss. What does a gradient-descent step do to that weight?",
        options=(
            wrong("Increases it, in the direction of the gradient.",
                  "That would make the loss larger."),
            right("Decreases it: the step goes against the gradient.",
                  "w <- w - learning rate x gradient (Adam rescales the step per weight)."),
            wrong("Sets it to zero.", "Steps are small changes, not resets."),
            wrong("Leaves it unchanged until the gradient is zero.",
                  "Every weight with a non-zero gradient moves at every step.")),
    ),
    NumberQuestion(
        qid="04-cosine-schedule", level="hard",
        prompt=f"The course trains with a cosine learning-rate schedule: it falls from "
               f"{_base:g} at the first step to {_train.min_lr_fraction:g} x {_base:g} at the "
               f"last, along half a cosine. With {_TOTAL} steps (0 to {_TOTAL - 1}), what is "
               "the learning rate at step 500, exactly halfway? (5 decimals)",
        answer=_mid, tolerance=5e-6,
        solution=f"Halfway the cosine term is 0, so the rate is the mean of the two ends: "
                 f"({_base:g} + {_last:g}) / 2 = {_mid:.5f}.",
        mistakes=(Mistake(_base / 2, "The schedule ends at a tenth of the start, not at 0: "
                                     "halfway is the mean of the two ends."),
                  Mistake(_base, "The rate falls during training; halfway it is lower.")),
    ),
    NumberQuestion(
        qid="04-clipping", level="hard",
        prompt=f"Before each step the course clips the gradients: if their global length "
               f"(L2 norm of all gradients together) is above {_clip:g}, every gradient is "
               f"scaled down so the length becomes {_clip:g}. The only gradient is "
               f"{_GRADS['w'].tolist()}. What is its first entry after clipping? (2 decimals)",
        answer=_clipped_first, tolerance=5e-3,
        solution=f"Length sqrt(3^2 + 4^2) = {_norm:g} > {_clip:g}, so both entries are "
                 f"multiplied by {_clip:g}/{_norm:g}: the first becomes {_clipped_first:.2f}.",
        mistakes=(Mistake(1.0, "Clipping scales the whole vector; it does not cap each entry "
                               "at 1."),
                  Mistake(3.0, f"The length is {_norm:g}, above {_clip:g}: it must be "
                               "clipped.")),
    ),
    ReadCode(
        qid="04-ignore-pad", level="medium",
        prompt="What does this print?",
        code=_IGNORE_CODE,
        options=(
            right(_ignore_out, "Only the first position counts (its target is not [PAD]); "
                               "four equal scores give it probability 1/4, loss ln 4."),
            wrong(str(round(math.log(4) / 2, 3)),
                  "The ignored position is not averaged in: the mean is over kept positions."),
            wrong(str(round(2 * math.log(4), 3)), "The loss is a mean, not a sum."),
            wrong("0.0", "Equal scores give probability 1/4, not 1.")),
    ),
    SingleChoice(
        qid="04-two-bigrams", level="hard",
        prompt="Chapter 1 gives the grammar's bigram entropy; chapter 4's table shows a "
               "bigram baseline. How do the two differ?",
        options=(
            right("The bigram entropy is exact, computed from the grammar: the best loss of "
                  "any model that sees only the previous token. The baseline is a counted "
                  "bigram model, estimated from the training split and measured on the "
                  "validation split.",
                  "The counted model has finite data and smoothing, so it lands a little "
                  "above the exact value; both mean 'only the previous token'."),
            wrong("They are the same number under two names.",
                  "They are two quantities: one exact, one measured from data."),
            wrong("The baseline uses the whole sentence, the entropy only one word.",
                  "Both look at the previous token only."),
            wrong("The bigram entropy is the loss of the untrained model.",
                  "The untrained model is near ln V, far above both.")),
    ),
    SeveralChoice(
        qid="04-read-trace", level="medium",
        prompt="Choose every true statement about the training trace (the epoch table).",
        options=(
            right("Epoch 0 is the model before any training step.",
                  "Its loss is close to ln V."),
            right("Accuracy is the share of validation positions where the model's most "
                  "likely next token is the one that came.",
                  "It is measured on the validation split."),
            wrong("A perfect model would reach 100% accuracy.",
                  "When two next words are equally right, a perfect model is still 'wrong' "
                  "whenever the sentence took the other one: accuracy has a ceiling."),
            wrong("The goal is a validation loss of 0.",
                  "The entropy floor is above 0: the next word is often genuinely uncertain.")),
    ),
    NumberQuestion(
        qid="04-count-weights", level="medium",
        prompt=f"In the course model each block's MLP first maps a vector of C = "
               f"{_config.n_embd} numbers to F = {_mlp_width} numbers with a weight matrix "
               "(C x F) and one bias per output. How many weights and biases does that layer "
               "have?",
        answer=_mlp_first, tolerance=0.01,
        solution=f"{_config.n_embd} x {_mlp_width} = {_config.n_embd * _mlp_width} weights "
                 f"plus {_mlp_width} biases = {_mlp_first}.",
        mistakes=(Mistake(_config.n_embd * _mlp_width, "Add the biases: one per output."),
                  Mistake(_config.n_embd + _mlp_width, "A matrix has C x F entries, not "
                                                       "C + F.")),
    ),
)
