"""The 12-minute tour in Chromium, offline: its parts, its own reading time (<= 12 minutes,
recounted here), numbers that all come from cells, and links into every chapter."""
from __future__ import annotations

import html.parser
import math
import re

import pytest

from browser import ROOT, SCREENSHOTS

PAGE = "chapters/tour.html"
SECTIONS = ["What generative AI is", "The five stages", "Training, measured",
            "One prediction, five layers", "Check yourself", "The key insight"]
CHAPTERS = ["01_data_collection", "02_preprocessing", "03_feature_engineering",
            "04_model_training", "05_generation", "06_input_tokenization",
            "07_embedding_layer", "08_neural_network_layers", "09_softmax_activation",
            "10_word_selection", "11_key_insight"]


class _ArticleText(html.parser.HTMLParser):
    """The text inside <article>, without scripts and styles (an independent word count)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.skip = 0  # inside <script>/<style>
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def article_words(page_html: str) -> int:
    parser = _ArticleText()
    parser.feed(page_html)
    tokens = " ".join(parser.parts).split()
    return sum(1 for t in tokens if any(c.isalnum() for c in t))


@pytest.fixture
def tour(server, browser):
    base, _ = server
    requests = browser.open(f"{base}/{PAGE}")
    return base, requests


def test_tour_reads_in_twelve_minutes_by_its_own_count(tour, browser, book_html):
    words = int(browser.evaluate("document.querySelector('.reading-time').dataset.words"))
    minutes = int(browser.evaluate("document.querySelector('.reading-time').dataset.minutes"))
    assert minutes == math.ceil(words / 200) and minutes <= 12
    assert f"{minutes} min read" in browser.evaluate(
        "document.querySelector('.reading-time').textContent")
    # the same page counted another way: every word in the article's HTML (the quiz's
    # hidden feedback included, code-free page), within 10% of the build's count
    recount = article_words((book_html / PAGE).read_text(encoding="utf-8"))
    assert abs(recount - words) <= 0.1 * words, (recount, words)
    assert recount / 200 <= 12
    print(f"\ntour: {words} words, {minutes} min (recount {recount})")


def test_tour_has_every_part_offline(tour, browser):
    base, requests = tour
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []
    headings = browser.evaluate("Array.from(document.querySelectorAll('article h2'))"
                                ".map(h => h.textContent.replace('#', '').trim())")
    assert headings == SECTIONS
    tables = browser.evaluate("""Array.from(document.querySelectorAll('article table'))
        .map(t => [t.closest('.cell_output') !== null, t.querySelectorAll('tbody tr').length,
                   (t.querySelector('caption') || t.previousElementSibling || {}).textContent
                   || ''])""")
    rows = [n for in_cell, n, _ in tables if in_cell]
    assert rows[0] >= 5  # the five stages, at least one row each
    assert rows[1] >= 2  # the training record: epoch 0 and at least one epoch
    assert 5 in rows[2:]  # the five layers of one prediction
    chart = browser.evaluate("Array.from(document.querySelectorAll('article pre'))"
                             ".map(p => p.textContent).find(t => t.includes('epoch')) || ''")
    assert "o validation" in chart and "|" in chart
    assert browser.evaluate("document.querySelectorAll('.genai-quiz-question').length") == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENSHOTS / "tour.png")


def test_the_quiz_answers_in_the_page(tour, browser):
    browser.click(".genai-quiz-question summary")
    answered = browser.evaluate("document.querySelector('.genai-quiz-question').dataset.answered")
    assert answered == "A"
    feedback = browser.evaluate("document.querySelector('.genai-quiz-option[open] "
                                ".genai-quiz-feedback').textContent")
    assert feedback.startswith(("Correct.", "Not quite."))


def test_tour_links_into_every_chapter(tour, browser, book_html):
    hrefs = browser.evaluate("Array.from(document.querySelectorAll('article a[href]'))"
                             ".map(a => a.getAttribute('href'))")
    targets = {h.split("#")[0] for h in hrefs if not h.startswith(("http", "#"))}
    for chapter in CHAPTERS:
        assert f"{chapter}.html" in targets, f"the tour does not link {chapter}"
    for target in targets:
        assert (book_html / "chapters" / target).is_file(), f"broken link {target}"


def test_every_number_of_the_tour_comes_from_a_cell():
    """The tour's own prose holds no number: every number on the page is a cell's output."""
    source = (ROOT / "chapters" / "tour.md").read_text(encoding="utf-8")
    body = source.split("\n---\n", 1)[1]
    prose = re.sub(r"```\{code-cell\}.*?```", " ", body, flags=re.S)  # the cells
    prose = re.sub(r"\[[^\]]*\]\([^)]*\)", " ", prose)  # link texts name chapters
    prose = prose.replace("# The 12-minute tour", " ")  # the page's name
    assert re.findall(r"\d", prose) == []
