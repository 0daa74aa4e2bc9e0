"""The front door in Chromium, offline: nine ways into the course, each one click away and
each a real page built from the chapters; and a reading time on every page."""
from __future__ import annotations

import html
import importlib.util
import math
import re
from pathlib import Path

import pytest

from browser import ROOT, SCREENSHOTS, is_notebook, toc_pages

FRONT = "chapters/start.html"
# card class -> (page it opens, text its title must contain)
MODES = {
    "course-mode-tour": ("chapters/tour.html", "12-minute tour"),
    "course-mode-book": ("chapters/00_introduction.html", "What generative AI actually is"),
    "course-mode-visual": ("chapters/visual.html", "Visual"),
    "course-mode-code": ("chapters/code_first.html", "Code first"),
    "course-mode-math": ("chapters/math_first.html", "Math first"),
    "course-mode-explore": ("chapters/explore.html", "Explore"),
    "course-mode-test": ("chapters/test_yourself.html", "Test yourself"),
    "course-mode-build": ("chapters/build.html", "Build"),
    "course-mode-teach": ("chapters/for_teachers.html", "For teachers"),
}
CHAPTER = re.compile(r"^chapters/\d\d_")
IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')


def _page(book_html: Path, page: str) -> str:
    return (book_html / page).read_text(encoding="utf-8")


def _chapter_article(book_html: Path, page: str) -> str:
    text = _page(book_html, f"{page}.html")
    return text[text.index("<article"):text.index("</article>")]


def test_the_book_opens_on_the_front_door(server, browser):
    base, _ = server
    browser.open(f"{base}/")
    assert browser.evaluate("location.pathname").endswith(FRONT)
    assert toc_pages()[0] == "chapters/start"


def test_nine_modes_each_one_click_away(server, browser):
    base, _ = server
    requests = browser.open(f"{base}/{FRONT}")
    assert [u for u in requests if not u.startswith(base) and not u.startswith("data:")] == []
    cards = browser.evaluate("""Array.from(document.querySelectorAll('.course-mode'))
        .map(c => Array.from(c.classList).find(k => k.startsWith('course-mode-')))""")
    assert sorted(cards) == sorted(MODES), cards
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENSHOTS / "start.png")
    for card, (page, title) in MODES.items():
        browser.open(f"{base}/{FRONT}")
        browser.events.clear()
        browser.click(f".{card} .sd-card-title")  # one real click on the card's title
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("location.pathname").endswith(page), card
        assert title in browser.evaluate("document.querySelector('h1').textContent"), card


def test_visual_holds_every_chapter_figure_in_order(book_html):
    page = _page(book_html, "chapters/visual.html")
    article = page[page.index("<article"):page.index("</article>")]
    expected = []  # the alt texts of every figure of the chapters, in reading order
    for chapter in [p for p in toc_pages() if CHAPTER.match(p)]:
        expected += [html.unescape(ALT.search(img).group(1)) for img in
                     IMG.findall(_chapter_article(book_html, chapter)) if ALT.search(img)]
    shown = [html.unescape(ALT.search(img).group(1)) for img in IMG.findall(article)
             if ALT.search(img)]
    assert len(expected) > 10
    assert shown == expected
    captions = [html.unescape(c) for c in
                re.findall(r'<p class="course-mode-caption">(.*?)</p>', article, re.S)]
    assert captions == expected  # every figure with its caption under it


def test_explore_lists_every_try_it_section(book_html):
    expected = []
    for chapter in [p for p in toc_pages() if CHAPTER.match(p)]:
        expected += [html.unescape(re.sub(r"<[^>]+>", "", h)).replace("#", "").strip()
                     for h in re.findall(r"<h[234]>(.*?)</h[234]>",
                                         _chapter_article(book_html, chapter), re.S)
                     if re.sub(r"<[^>]+>", "", h).strip().lower().startswith("try it")]
    page = _page(book_html, "chapters/explore.html")
    listed = [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in
              re.findall(r'<p class="course-mode-where">Live control \d+: (.*?)</p>', page, re.S)]
    assert len(expected) >= 5
    assert listed == expected


def test_code_first_offers_every_notebook_and_its_download(book_html):
    page = _page(book_html, "chapters/code_first.html")
    notebooks = [p for p in toc_pages() if is_notebook(p)]
    assert len(notebooks) >= 12
    for notebook in notebooks:
        assert f"{notebook}.md" in page, notebook
    downloads = re.findall(r'href="([^"]+\.ipynb)"', page[page.index("<article"):])
    assert len(downloads) == len(notebooks)
    for href in downloads:
        assert (book_html / "chapters" / href).resolve().is_file(), href


def test_math_first_shows_typeset_equations(server, browser, book_html):
    base, _ = server
    browser.open(f"{base}/chapters/math_first.html")
    typeset = browser.evaluate("""new Promise(done => {
        let n = 0; const tick = () => {
          const k = document.querySelectorAll('article mjx-container').length;
          if (k > 0 || n++ > 50) { done(k); } else { setTimeout(tick, 100); } };
        tick(); })""")
    assert typeset > 10
    passages = browser.evaluate("document.querySelectorAll('.course-mode-math').length")
    assert passages > 5


def test_build_lists_every_assignment(book_html):
    specs = sorted((ROOT / "scripts" / "assignments" / "specs").glob("*.py"))
    page = _page(book_html, "chapters/build.html")
    for spec in specs:
        assert f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{spec.stem}" \
               in page, spec.stem
    assert len(re.findall(r"<strong>Assignment \d+:", page)) == len(specs)


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_shows_its_reading_time(book_html, page):
    text = _page(book_html, f"{page}.html")
    match = re.search(r'<p class="reading-time" data-words="(\d+)" data-minutes="(\d+)"', text)
    assert match, f"{page} shows no reading time"
    words, minutes = int(match.group(1)), int(match.group(2))
    assert words > 20 and minutes == max(1, math.ceil(words / 200))
    assert f"{minutes} min read" in text


# ---- the reading-time count itself, on a hand-made page (no build needed) -----------------
def _reading_time_module():
    path = ROOT / "book" / "_ext" / "reading_time.py"
    spec = importlib.util.spec_from_file_location("reading_time_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reading_time_counts_prose_tables_and_shown_outputs_only():
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    rt = _reading_time_module()
    doc = new_document("page", get_default_settings(Parser))
    doc += nodes.paragraph("", "The model writes one token at a time.")  # 8 words
    doc += nodes.literal_block("", "print('code is not prose')")  # a code block: 0
    output = nodes.container(classes=["cell_output"])
    bundle = nodes.container(nb_element="mime_bundle")
    plain = nodes.container(mime_type="text/plain")
    plain += nodes.literal_block("", "<Table object at 0x1>")  # not shown: 0
    shown = nodes.container(mime_type="text/html")
    shown += nodes.raw("", "<table><tr><td>east</td><td>0.57</td></tr></table>"
                           "<script>var hidden = 'not counted at all';</script>",
                       format="html")  # 2 words
    bundle += [plain, shown]
    output += bundle
    output += nodes.literal_block("", "epoch 1 loss")  # a text output: 3 words
    doc += output
    assert rt.words_in_doctree(doc) == 8 + 2 + 3
    assert rt.count_words("don't stop top-k 12, 0.57 and 10,000.") == 7
    assert rt.minutes_for(0) == 1 and rt.minutes_for(200) == 1 and rt.minutes_for(201) == 2
