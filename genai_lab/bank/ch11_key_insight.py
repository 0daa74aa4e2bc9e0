"""Questions on chapter 11, the key insight: learn patterns, predict the next word, repeat."""
from __future__ import annotations

from genai_lab.bank.questions import (Mistake, NumberQuestion, SeveralChoice, SingleChoice,
                                      right, wrong)
from genai_lab.corpus import default_grammar
from genai_lab.model import GPTConfig, TransformerLM

CHAPTER = "11_key_insight"

_grammar = default_grammar()
_p_the = _grammar.next_word_distribution("")["the"]
_p_sun = _grammar.next_word_distribution("the")["sun"]
_p_rises = _grammar.next_word_distribution("the sun")["rises"]
_p_chain = _p_the * _p_sun * _p_rises
_V = len(_grammar.vocabulary()) + 4  # every word of the language plus the 4 special tokens
_n_weights = TransformerLM(GPTConfig(vocab_size=_V), seed=0).num_parameters()

QUESTIONS = (
    SingleChoice(
        qid="11-insight", level="easy",
        prompt="Which sentence best sums up how a generative language model writes text?",
        options=(
            wrong("It understands the question and looks the answer up.",
                  "Our model looks nothing up: it computes next-token probabilities from its "
                  "weights."),
            wrong("It writes the whole answer at once.", "One token at a time, each chosen "
                                                         "after the previous ones."),
            wrong("It picks random words from its vocabulary.",
                  "Random only within the learned probabilities, which are far from uniform."),
            right("It learns patterns from text, predicts the next token, and repeats.",
                  "Learn patterns, predict, repeat: the three steps of the course.")),
    ),
    SingleChoice(
        qid="11-pipeline-order", level="easy",
        prompt="In which order does this book's pipeline go?",
        options=(
            right("Data collection, preprocessing, feature engineering, model training, "
                  "generation.", "Feature engineering here is the embedding lookup, whose "
                                 "table is learned in the training stage."),
            wrong("Model training, data collection, preprocessing, feature engineering, "
                  "generation.", "A model cannot be trained before there is data."),
            wrong("Generation, data collection, model training, preprocessing, feature "
                  "engineering.", "Generation needs a trained model, so it comes last."),
            wrong("Preprocessing, data collection, generation, model training, feature "
                  "engineering.", "There is nothing to preprocess before data is collected.")),
    ),
    SingleChoice(
        qid="11-softmax-output", level="easy",
        prompt="What does one prediction of the model produce?",
        options=(
            right("A probability for every token of the vocabulary.",
                  "Softmax turns the output scores into these; word selection then picks one."),
            wrong("One word.", "The model gives probabilities; choosing one word is a separate "
                               "step."),
            wrong("The embedding of the next word.", "The output is one score per token, then "
                                                     "softmax."),
            wrong("A whole sentence.", "One prediction is one next token.")),
    ),
    SeveralChoice(
        qid="11-learned", level="medium",
        prompt="Choose everything in the course model that is learned during training.",
        options=(
            right("The embedding tables.", "They start random and are trained with the rest."),
            right("The attention and MLP weights of every block.",
                  "Every weight of the network is learned."),
            wrong("The tokenizer's vocabulary.", "It is built before training, by counting "
                                                 "the training sentences' tokens."),
            wrong("The sampling temperature.", "It is a setting chosen when generating.")),
    ),
    SingleChoice(
        qid="11-where-from", level="medium",
        prompt="The course model writes 'The sun rises in the east.'. Where does that "
               "sentence come from?",
        options=(
            wrong("It is looked up in the stored training sentences.",
                  "The model keeps no sentences; after training only its weights are used."),
            right("From next-token probabilities computed by weights that were learned from "
                  "the training sentences, one token at a time.",
                  "The pattern was in the data, so training put it in the weights."),
            wrong("From a rule a programmer wrote into the model.",
                  "The grammar generated the training data, but the model never sees its "
                  "rules: it learned from examples."),
            wrong("From a search of the internet.", "Nothing is downloaded: the course runs "
                                                    "offline.")),
    ),
    SeveralChoice(
        qid="11-real-assistants", level="hard",
        prompt="Choose every true statement about our model and the assistants people use.",
        options=(
            right("Our course model consults no database or document when it writes.",
                  "It only runs its network and chooses tokens."),
            right("Deployed assistants often add more: fine-tuning on conversations, "
                  "retrieving documents, calling tools.",
                  "The next-token model is their core, not the whole system."),
            wrong("Every generative model has hundreds of billions of weights.",
                  f"A model of the course's size (V = {_V}) has {_n_weights:,}; sizes vary "
                  "enormously."),
            wrong("Large assistants write a whole answer in one step.",
                  "They also write one token at a time.")),
    ),
    SingleChoice(
        qid="11-repeat-layer", level="medium",
        prompt="Which part of one prediction makes the 'repeat' of the key insight happen?",
        options=(
            right("Word selection: the chosen token is appended and the loop goes back to "
                  "input tokenization.", "Each round reads the whole text so far."),
            wrong("The embedding layer.", "It turns ids into vectors within one prediction."),
            wrong("Softmax.", "Softmax gives probabilities; choosing and appending comes "
                              "after."),
            wrong("Data collection.", "That happens once, before training.")),
    ),
    NumberQuestion(
        qid="11-chain", level="hard",
        prompt=f"In the course language, a sentence starts with 'the' with probability "
               f"{_p_the:.4f}; after 'the', 'sun' follows with {_p_sun:.4f}; after 'the sun', "
               f"'rises' follows with {_p_rises:.4f}. A model that had learned these exactly "
               "and sampled at temperature 1: what is the probability that it starts with "
               "'the sun rises'? (4 decimals)",
        answer=_p_chain, tolerance=5e-5,
        solution=f"Predict, choose, repeat: the choices multiply, {_p_the:.4f} x {_p_sun:.4f} "
                 f"x {_p_rises:.4f} = {_p_chain:.4f}.",
        mistakes=(Mistake(_p_rises, "That is only the last step; each step's probability "
                                    "multiplies in."),
                  Mistake(_p_the * _p_sun, "Include the third step, 'rises'.")),
    ),
    SingleChoice(
        qid="11-embedding-role", level="medium",
        prompt="What does the embedding layer do in the model?",
        options=(
            wrong("It cleans the input text.", "Cleaning happens in the tokenizer, before "
                                               "the model."),
            right("It replaces every token id by a learned vector the network computes with.",
                  "Training shapes the vectors; words used alike end up with similar ones."),
            wrong("It writes the final text.", "Softmax and word selection come at the end."),
            wrong("It splits text into sentences.", "The tokenizer splits text into tokens.")),
    ),
    SingleChoice(
        qid="11-why-loss-floor", level="hard",
        prompt="Suppose a trained model's validation loss ends close to the entropy floor, not "
               "at 0. What does that say?",
        options=(
            right("The model is close to the best any model can do on this language; the "
                  "rest is real uncertainty about the next word.",
                  "The floor is computed exactly from the grammar."),
            wrong("The model failed to learn.", "Near the floor is as good as possible."),
            wrong("The model memorised the validation set.", "It never trained on it."),
            wrong("Training stopped too early; more epochs would reach 0.",
                  "No model can go below the floor on average.")),
    ),
)
