"""Check-yourself quizzes that work without a kernel and without a network.

Each question and its answer key live in ONE place: a :class:`Question` in ``QUIZZES``
(keyed by chapter file name). :func:`render_quiz` turns questions into self-contained HTML:

* every answer is a ``<details>`` element whose hidden part is the feedback, so clicking an
  answer shows its feedback with no JavaScript at all: in the static book, in JupyterLab
  (whose HTML sanitizer keeps ``details``/``summary`` even for untrusted notebooks) and in
  the classic notebook;
* a small inline script (``assets/quiz.js``, the file the book also serves) adds the
  comfort: one open answer per question, and the question marked answered right or wrong.

The verdict ("Correct." / "Not quite.") is written in the feedback text itself, so nothing
relies on colour or on the script running.

    >>> quiz = render_quiz("11_key_insight")
    >>> "What does the embedding layer do?" in quiz._repr_html_()
    True
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Iterable, Mapping, Union

from genai_lab.checks import check_str


def _asset(name: str) -> str:
    """The text of ``assets/<name>``, package data installed with genai_lab."""
    return (resources.files("genai_lab.display") / "assets" / name).read_text(encoding="utf-8")


# The behaviour of a rendered quiz (assets/quiz.js, the one copy; the book serves the same
# file). Idempotent: a quiz is wired once, however many copies of it a page holds.
QUIZ_JS = _asset("quiz.js")
# The look of a rendered quiz (assets/quiz.css): readable in light and dark themes,
# right/wrong shown by text and a border style as well as by colour.
QUIZ_CSS = _asset("quiz.css")


@dataclass(frozen=True)
class Question:
    """One multiple-choice question and its answer key.

    ``options`` is a tuple of ``(label, text, feedback)``: the label shown ("A"), the answer
    text and the feedback a reader sees after choosing it (every option has feedback).
    ``correct`` is the label of the one correct option.
    """

    prompt: str
    options: tuple[tuple[str, str, str], ...]
    correct: str

    def __post_init__(self) -> None:
        check_str("prompt", self.prompt, allow_empty=False)
        check_str("correct", self.correct, allow_empty=False)
        if not isinstance(self.options, tuple):
            raise TypeError(f"options must be a tuple of (label, text, feedback), "
                            f"got {type(self.options).__name__}")
        if len(self.options) < 2:
            raise ValueError(f"a question needs at least 2 options, got {len(self.options)} "
                             f"for {self.prompt!r}")
        labels = []
        for i, option in enumerate(self.options):
            if not (isinstance(option, tuple) and len(option) == 3):
                raise TypeError(f"options[{i}] must be a (label, text, feedback) tuple, "
                                f"got {option!r}")
            for part, value in zip(("label", "text", "feedback"), option):
                check_str(f"options[{i}] {part}", value, allow_empty=False)
            labels.append(option[0])
        if len(set(labels)) != len(labels):
            raise ValueError(f"option labels must be unique, got {labels} for {self.prompt!r}")
        if self.correct not in labels:
            raise ValueError(f"correct must be one of the labels {labels}, "
                             f"got {self.correct!r} for {self.prompt!r}")

    @property
    def labels(self) -> tuple[str, ...]:
        """The option labels, in order."""
        return tuple(label for label, _, _ in self.options)

    def feedback(self, label: str) -> str:
        """The feedback shown for the option ``label``, starting with its verdict."""
        check_str("label", label)
        for option_label, _, feedback in self.options:
            if option_label == label:
                verdict = "Correct." if label == self.correct else "Not quite."
                return f"{verdict} {feedback}"
        raise ValueError(f"label must be one of {list(self.labels)}, got {label!r}")


def _q(prompt: str, correct: str, *options: tuple[str, str, str]) -> Question:
    return Question(prompt=prompt, options=tuple(options), correct=correct)


# Every quiz of the book, keyed by the chapter file it appears in. The course quiz is the
# closing chapter's. Each option's feedback explains why it is right or wrong.
QUIZZES: Mapping[str, tuple[Question, ...]] = MappingProxyType({
    "00_introduction": (
        _q("What does a generative language model do, at its core?", "B",
           ("A", "It looks up the answer to a question in a database of facts.",
            "The course model consults no database: everything it knows is stored in its "
            "weights, learned from training text. Deployed assistants may also fetch "
            "documents, but the model still writes by predicting the next token."),
           ("B", "It predicts the next token from the tokens so far, again and again.",
            "Generation is repeated next-token prediction: predict, pick one, append, repeat."),
           ("C", "It copies whole sentences from its training data.",
            "It learns patterns and probabilities; it can produce sentences it never saw."),
           ("D", "It follows hand-written grammar rules typed in by programmers.",
            "The rules are not written by hand: the model learns them from examples.")),
    ),
    "01_data_collection": (
        _q("Why does the amount and kind of training text matter?", "C",
           ("A", "It does not: a good model architecture makes up for any data.",
            "The architecture only gives the capacity to learn; what is learned comes from "
            "the data."),
           ("B", "More text only makes training slower, never better.",
            "More (and more varied) text usually lets the model learn patterns more reliably."),
           ("C", "The model can only learn the patterns that are present in its training text.",
            "A model trained on simple sentences produces simple sentences: the data sets the "
            "limits of what it can learn."),
           ("D", "The text is stored and searched when the model answers.",
            "After training, the text is not needed: only the learned weights are used.")),
    ),
    "02_preprocessing": (
        _q("What does a tokenizer do?", "A",
           ("A", "It splits text into tokens and maps each token to an integer id.",
            "Models compute with numbers, so text becomes a sequence of ids from a fixed "
            "vocabulary."),
           ("B", "It translates text into another language.",
            "Tokenizing keeps the language; it only cuts the text into known pieces."),
           ("C", "It decides which word the model generates next.",
            "That is word selection, the last step of prediction."),
           ("D", "It corrects the spelling of the input.",
            "A tokenizer cleans and splits text; it does not correct it. Unknown words become "
            "an unknown token or smaller pieces.")),
    ),
    "03_feature_engineering": (
        _q("Why is each token id turned into a vector of numbers (an embedding)?", "D",
           ("A", "To make the text shorter.",
            "Each token gets a whole vector, so the data gets larger, not shorter."),
           ("B", "Because ids are secret and must be hidden.",
            "Ids are not secret; they are just positions in the vocabulary."),
           ("C", "So that words can be sorted alphabetically.",
            "Embeddings are not about order in the dictionary but about meaning and use."),
           ("D", "So that words used in similar ways can get similar vectors the model "
                 "can compute with.",
            "An id says nothing about meaning; a learned vector can place related words "
            "close together.")),
    ),
    "04_model_training": (
        _q("What happens in one training step?", "B",
           ("A", "The model memorises one more sentence word for word.",
            "Training adjusts weights to make predictions better on average, not to store "
            "sentences."),
           ("B", "The model predicts next tokens, the loss measures how wrong it was, and the "
                 "weights move a little to reduce that loss.",
            "Predict, measure the loss, compute gradients, update: that is one step."),
           ("C", "A programmer corrects the model's wrong answers by hand.",
            "The correction is automatic: gradients say how to change every weight."),
           ("D", "The vocabulary grows by one word.",
            "The vocabulary is fixed by the tokenizer before training starts.")),
    ),
    "05_generation": (
        _q("What does a higher sampling temperature do?", "C",
           ("A", "It makes the model train faster.",
            "Temperature is used when generating, after training is finished."),
           ("B", "It always picks the single most likely next word.",
            "That is greedy decoding (or a temperature close to zero)."),
           ("C", "It flattens the probabilities, so less likely words are picked more often.",
            "Dividing the logits by a larger temperature makes the distribution flatter: more "
            "variety, more mistakes."),
           ("D", "It removes words from the vocabulary.",
            "Top-k and top-p filtering drop unlikely words for one step; temperature only "
            "reshapes the probabilities.")),
    ),
    "06_input_tokenization": (
        _q("What does the model actually receive as input?", "A",
           ("A", "A sequence of integer token ids.",
            "The sentence is tokenized and each token replaced by its id in the vocabulary."),
           ("B", "The raw characters of the sentence.",
            "Characters are first grouped into tokens, and tokens into ids."),
           ("C", "A picture of the sentence.",
            "Language models read ids, not images."),
           ("D", "The meaning of the sentence.",
            "Meaning is what the model has to compute; it is not given as input.")),
    ),
    "07_embedding_layer": (
        _q("Where do the numbers in the embedding table come from?", "B",
           ("A", "They are typed in from a dictionary.",
            "No one writes them by hand."),
           ("B", "They start random and are learned during training.",
            "Training adjusts them along with every other weight."),
           ("C", "They are the token ids written in binary.",
            "An id only selects a row of the table; the row's values are learned."),
           ("D", "They count how often each word appears.",
            "Counts may influence them indirectly, but the vectors are learned parameters.")),
    ),
    "08_neural_network_layers": (
        _q("What does self-attention let each position do?", "D",
           ("A", "Look at the words that come after it.",
            "In a causal language model a position may only look back, never ahead."),
           ("B", "Ignore all other words.",
            "Attention is exactly how a position gathers information from the others."),
           ("C", "Change the input sentence.",
            "Layers transform vectors; the input tokens stay as they are."),
           ("D", "Mix in information from earlier positions, weighted by relevance.",
            "Each position computes weights over the earlier positions and takes a weighted "
            "sum of their values.")),
    ),
    "09_softmax_activation": (
        _q("What does softmax do to the model's output scores (logits)?", "A",
           ("A", "It turns them into probabilities that are positive and sum to 1.",
            "Exponentiate, then divide by the total: larger scores get larger probabilities."),
           ("B", "It picks the largest score and sets the others to zero.",
            "That would be argmax; softmax keeps every word possible."),
           ("C", "It sorts the vocabulary alphabetically.",
            "The order of the vocabulary does not change."),
           ("D", "It removes negative words from the vocabulary.",
            "Negative logits just become small (but positive) probabilities.")),
    ),
    "10_word_selection": (
        _q("Why might a model not always choose the most probable next word?", "C",
           ("A", "Because the most probable word is always wrong.",
            "The most probable word is often a fine choice; it is just not the only one."),
           ("B", "Because of a bug in the softmax.",
            "Sampling is deliberate, not a bug."),
           ("C", "Because sampling from the probabilities gives varied, less repetitive text.",
            "Always taking the top word (greedy) is predictable and can repeat itself; sampling "
            "(with temperature, top-k or top-p) trades some certainty for variety."),
           ("D", "Because the model forgets the probabilities.",
            "The probabilities are computed fresh at every step.")),
    ),
    # The course quiz (closing chapter).
    "11_key_insight": (
        _q("What does the embedding layer do?", "C",
           ("A", "Cleans the input text.",
            "Cleaning (lower-casing, removing stray characters) happens in preprocessing, "
            "before the model."),
           ("B", "Generates the final text output.",
            "The output comes at the end: softmax gives probabilities and word selection picks "
            "a token."),
           ("C", "Replaces each token id by a vector of numbers learned in training.",
            "Each token id selects a row of a table that training adjusted with every other "
            "weight; tokens used alike tend to get similar vectors (chapter 7 measures it)."),
           ("D", "Splits text into sentences.",
            "Splitting text is the tokenizer's job in preprocessing, and it splits into "
            "tokens, not sentences.")),
        _q("In what order does a generative model go through these stages?", "B",
           ("A", "Generation, model training, data collection, preprocessing, feature "
                 "engineering.",
            "Generation needs a trained model, so it comes last."),
           ("B", "Data collection, preprocessing, feature engineering, model training, "
                 "generation.",
            "Text is collected, cleaned and tokenized; the model turns ids into vectors with "
            "an embedding table that is learned during training; only then is the model "
            "used to generate."),
           ("C", "Preprocessing, generation, data collection, feature engineering, model "
                 "training.",
            "There is nothing to preprocess before data is collected."),
           ("D", "Model training, data collection, generation, preprocessing, feature "
                 "engineering.",
            "A model cannot be trained before there is data to train it on.")),
        _q("What does softmax produce?", "A",
           ("A", "A probability for every token in the vocabulary.",
            "The probabilities are positive and add up to 1; word selection samples from them."),
           ("B", "The embedding of the next word.",
            "Softmax acts on the output scores, not on the embeddings."),
           ("C", "A list of training sentences.",
            "Training data is collected before training; softmax is a computation inside the "
            "model."),
           ("D", "The loss of the tokenizer.",
            "Tokenizers have no loss; softmax turns the model's scores into probabilities.")),
        _q("Which sentence best sums up how generative AI writes text?", "D",
           ("A", "It understands the question and looks up the answer.",
            "There is no lookup: the model only computes next-token probabilities."),
           ("B", "It writes the whole answer at once.",
            "It writes one token at a time, each chosen after the previous ones."),
           ("C", "It picks random words from its vocabulary.",
            "The choice is random only within the learned probabilities, which are far from "
            "uniform."),
           ("D", "It learns patterns from text, predicts the next word, and repeats.",
            "Learn patterns, predict the next word, repeat: that is the key insight of the "
            "course.")),
    ),
})


QuestionsLike = Union[str, Question, Iterable[Question]]


def _as_questions(questions: QuestionsLike) -> tuple[Question, ...]:
    if isinstance(questions, str):
        if questions not in QUIZZES:
            raise ValueError(f"questions must be a chapter key of QUIZZES "
                             f"({sorted(QUIZZES)}), got {questions!r}")
        return tuple(QUIZZES[questions])
    if isinstance(questions, Question):
        return (questions,)
    try:
        items = tuple(questions)
    except TypeError:
        raise TypeError(f"questions must be a chapter key, a Question or an iterable of "
                        f"Questions, got {type(questions).__name__}") from None
    if not items:
        raise ValueError("questions must hold at least one Question, got none")
    for i, item in enumerate(items):
        if not isinstance(item, Question):
            raise TypeError(f"questions[{i}] must be a Question, got {type(item).__name__}")
    return items


def _feedback_html(question: Question, label: str) -> str:
    """The feedback of one option as HTML: the verdict in bold, then the explanation."""
    verdict, _, explanation = question.feedback(label).partition(". ")
    return f"<strong>{html.escape(verdict)}.</strong> {html.escape(explanation)}"


class RenderedQuiz:
    """A quiz ready to display: HTML in Jupyter and in the book, plain text in a terminal."""

    def __init__(self, questions: tuple[Question, ...], title: str) -> None:
        self.questions = questions
        self.title = title

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = ['<div class="genai-quiz">', f"<style>{QUIZ_CSS}</style>"]
        if self.title:
            parts.append(f'<p class="genai-quiz-title">{esc(self.title)}</p>')
        for number, question in enumerate(self.questions, start=1):
            parts.append(f'<div class="genai-quiz-question" data-question="{number}">')
            parts.append(f'<p class="genai-quiz-prompt"><strong>Question {number}.</strong> '
                         f"{esc(question.prompt)}</p>")
            parts.append('<p class="genai-quiz-hint">Click an answer to see its feedback.</p>')
            for label, text, _ in question.options:
                right = "true" if label == question.correct else "false"
                parts.append(
                    f'<details class="genai-quiz-option" data-label="{esc(label)}" '
                    f'data-correct="{right}">'
                    f'<summary><span class="genai-quiz-label">{esc(label)}</span> '
                    f"{esc(text)}</summary>"
                    f'<div class="genai-quiz-feedback">{_feedback_html(question, label)}</div>'
                    "</details>")
            parts.append("</div>")
        parts.append(f"<script>{QUIZ_JS}</script>")
        parts.append("</div>")
        return "\n".join(parts)

    def __str__(self) -> str:
        lines = [self.title] if self.title else []
        for number, question in enumerate(self.questions, start=1):
            lines.append(f"Question {number}. {question.prompt}")
            lines.extend(f"  {label}) {text}" for label, text, _ in question.options)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"RenderedQuiz({len(self.questions)} questions, title={self.title!r})"


def render_quiz(questions: QuestionsLike, *, title: str = "Check yourself") -> RenderedQuiz:
    """Render questions (a chapter key of ``QUIZZES``, a ``Question`` or several) for display.

    The result shows as self-contained HTML (no CDN, no kernel needed) in Jupyter and in the
    book, and as plain text with ``print``.
    """
    check_str("title", title)
    return RenderedQuiz(_as_questions(questions), title)
