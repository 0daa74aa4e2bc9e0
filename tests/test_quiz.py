"""Tests of genai_lab.display.quiz: every answer key, the rendering, and the one copy of the assets."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from genai_lab.display.quiz import QUIZ_CSS, QUIZ_JS, QUIZZES, Question, render_quiz

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("00_introduction", "01_data_collection", "02_preprocessing",
            "03_feature_engineering", "04_model_training", "05_generation",
            "06_input_tokenization", "07_embedding_layer", "08_neural_network_layers",
            "09_softmax_activation", "10_word_selection", "11_key_insight")

ALL_QUESTIONS = [(chapter, i, q) for chapter, qs in QUIZZES.items() for i, q in enumerate(qs)]


def test_every_chapter_has_a_quiz() -> None:
    assert set(QUIZZES) == set(CHAPTERS)
    for chapter in CHAPTERS:
        assert len(QUIZZES[chapter]) >= 1, chapter


@pytest.mark.parametrize("chapter,index,question", ALL_QUESTIONS,
                         ids=[f"{c}-{i}" for c, i, _ in ALL_QUESTIONS])
def test_answer_key(chapter: str, index: int, question: Question) -> None:
    labels = [label for label, _, _ in question.options]
    # Exactly one option carries the correct label; labels are unique and non-empty.
    assert labels.count(question.correct) == 1
    assert len(set(labels)) == len(labels)
    assert all(label.strip() for label in labels)
    # Every option has its own text and feedback; no two answers or feedbacks are identical.
    texts = [text for _, text, _ in question.options]
    feedbacks = [feedback for _, _, feedback in question.options]
    assert all(t.strip() for t in texts) and len(set(texts)) == len(texts)
    assert all(f.strip() for f in feedbacks) and len(set(feedbacks)) == len(feedbacks)
    # The verdict shown to the reader matches the key.
    for label in labels:
        expected = "Correct. " if label == question.correct else "Not quite. "
        assert question.feedback(label).startswith(expected)


def test_course_quiz_has_the_embedding_question() -> None:
    course = QUIZZES["11_key_insight"]
    assert len(course) >= 3
    embedding = [q for q in course if q.prompt == "What does the embedding layer do?"]
    assert len(embedding) == 1
    q = embedding[0]
    options = {label: text for label, text, _ in q.options}
    assert options["A"].lower().startswith("cleans the input text")
    assert options["B"].lower().startswith("generates the final text output")
    # The design's wording was "numbers representing their meaning"; the book says what
    # the layer does (a learned vector per id) and measures similarity in chapter 7.
    assert options["C"].lower().startswith("replaces each token id by a vector of numbers")
    assert "learned" in options["C"]
    assert options["D"].lower().startswith("splits text into sentences")
    assert q.correct == "C"


@pytest.mark.parametrize("kwargs,error", [
    (dict(prompt="Q?", options=(("A", "a", "fa"), ("B", "b", "fb")), correct="C"), ValueError),
    (dict(prompt="Q?", options=(("A", "a", "fa"), ("A", "b", "fb")), correct="A"), ValueError),
    (dict(prompt="Q?", options=(("A", "a", "fa"), ("B", "b", "")), correct="A"), ValueError),
    (dict(prompt="Q?", options=(("A", "a", "fa"),), correct="A"), ValueError),
    (dict(prompt="", options=(("A", "a", "fa"), ("B", "b", "fb")), correct="A"), ValueError),
    (dict(prompt="Q?", options=[("A", "a", "fa"), ("B", "b", "fb")], correct="A"), TypeError),
    (dict(prompt="Q?", options=(("A", "a"), ("B", "b", "fb")), correct="A"), TypeError),
])
def test_bad_questions_are_rejected(kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        Question(**kwargs)


def test_bad_render_arguments() -> None:
    with pytest.raises(ValueError, match="no_such_chapter"):
        render_quiz("no_such_chapter")
    with pytest.raises(TypeError):
        render_quiz(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render_quiz(["not a question"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        render_quiz([])
    with pytest.raises(ValueError):
        QUIZZES["11_key_insight"][0].feedback("Z")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_rendered_html_holds_every_option_and_feedback(chapter: str) -> None:
    page = render_quiz(chapter)._repr_html_()
    questions = QUIZZES[chapter]
    assert page.count('class="genai-quiz-question"') == len(questions)
    n_options = sum(len(q.options) for q in questions)
    assert page.count("<details ") == n_options == page.count("</details>")
    assert len(re.findall(r'<details [^>]*data-correct="true"', page)) == len(questions)
    for q in questions:
        assert html.escape(q.prompt) in page
        for label, text, feedback in q.options:
            assert html.escape(text) in page
            verdict = "Correct." if label == q.correct else "Not quite."
            assert f"<strong>{verdict}</strong> {html.escape(feedback)}" in page
    # Self-contained: no external resource of any kind.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script>" in page and QUIZ_JS in page


def test_correct_marker_follows_the_key() -> None:
    q = Question("Pick B", (("A", "a", "no"), ("B", "b", "yes"), ("C", "c", "no!")), "B")
    page = render_quiz(q)._repr_html_()
    marked = re.findall(r'data-label="(\w)" data-correct="true"', page)
    assert marked == ["B"]
    assert "Question 1." in str(render_quiz(q))


def test_assets_are_package_data_and_what_a_quiz_inlines() -> None:
    assets = ROOT / "genai_lab" / "display" / "assets"
    assert (assets / "quiz.js").read_text(encoding="utf-8") == QUIZ_JS
    assert (assets / "quiz.css").read_text(encoding="utf-8") == QUIZ_CSS
    assert "function wire(quiz)" in QUIZ_JS and ".genai-quiz {" in QUIZ_CSS
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"display/assets/*"' in pyproject
