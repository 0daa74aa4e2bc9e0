"""The book as a reader sees it: build it, serve it on 127.0.0.1, open it in headless Chromium.

The build, the local server and the Chromium driver are the session fixtures of
``tests/browser.py`` (the book is built ONCE per session, from scratch). Screenshots of every
page are kept in ``artifacts/screenshots/`` (not committed).

Checks: every page of ``_toc.yml`` renders; every notebook page shows at least one figure,
and every image on every page is loaded and has alt text; no output shows a traceback or
an error; headings are in order; no internal link or image is broken; a quiz answer can be
clicked and shows its feedback (with and without JavaScript) while every external host is
unreachable; no page references an external script or stylesheet; a page at 200% zoom has
no horizontal overflow; every page says how to run it locally; every notebook page offers
its executed notebook as an ``.ipynb`` download and a Binder launch link to its source.
"""
from __future__ import annotations

import importlib.util
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jupytext
import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from browser import ROOT, SCREENSHOTS, executed_notebooks, is_notebook, toc_pages

PAGES = toc_pages()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


# ------------------------------------------------------------------- page inspection
PAGE_REPORT = r"""(() => {
  const article = document.querySelector("article") || document.querySelector("main");
  const imgs = Array.from(document.querySelectorAll("img")).map(img => ({
    src: img.getAttribute("src").slice(0, 80), alt: (img.getAttribute("alt") || "").trim(),
    loaded: img.complete && img.naturalWidth > 0, inArticle: article.contains(img)}));
  const headings = Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)]);
  const outputs = Array.from(article.querySelectorAll(".cell_output, .output"));
  const outputText = outputs.map(o => o.innerText).join("\n");
  const errorOutputs = article.querySelectorAll(
    ".output.traceback, .output.error, .cell_output .traceback, div.highlight-ipythontb").length;
  const stderrText = Array.from(article.querySelectorAll(".output.stderr"))
    .map(o => o.innerText).join("\n");
  const external = Array.from(document.querySelectorAll("script[src], link[rel~=stylesheet]"))
    .map(e => e.getAttribute("src") || e.getAttribute("href"))
    .filter(u => /^(https?:)?\/\//.test(u));
  const localScripts = Array.from(document.querySelectorAll("script[src]"))
    .map(e => e.getAttribute("src").split("?")[0]).filter(u => !/^(https?:)?\/\//.test(u));
  // Horizontal overflow: any code block, output or table in the article wider than the
  // box it sits in (a scrollbar the reader would have to drag), with a sample of its text.
  const boxes = article.querySelectorAll(
    "pre, div.highlight, .cell_output, .output, table, mjx-container[display='true'], img");
  const overflow = Array.from(boxes)
    .filter(e => e.scrollWidth > e.clientWidth + 1 ||
                 e.getBoundingClientRect().right > article.getBoundingClientRect().right + 1)
    .map(e => ({tag: e.tagName.toLowerCase(), cls: e.className.toString().slice(0, 40),
                excess: Math.max(e.scrollWidth - e.clientWidth,
                                 e.getBoundingClientRect().right
                                 - article.getBoundingClientRect().right),
                text: (e.innerText || e.getAttribute("alt") || "").split("\n")
                        .sort((a, b) => b.length - a.length)[0].slice(0, 100)}));
  return {imgs, headings, outputText, errorOutputs, stderrText, external, localScripts,
          overflow, title: document.title, articleText: article.innerText.length};
})()"""


@pytest.fixture(scope="session")
def page_reports(book_html: Path, server, browser) -> dict[str, dict]:
    """Open every page once: its report (images, headings, outputs) and its requests."""
    base, _ = server
    reports = {}
    for page in PAGES:
        if not (book_html / f"{page}.html").is_file():
            reports[page] = None  # reported by each test as a page that was not built
            continue
        requests = browser.open(f"{base}/{page}.html")
        report = browser.evaluate(PAGE_REPORT)
        report["requests"] = requests
        reports[page] = report
        browser.screenshot(SCREENSHOTS / f"{Path(page).name}.png")
    return reports


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_figures_and_alt_text(page: str, book_html: Path,
                                                page_reports: dict) -> None:
    assert (book_html / f"{page}.html").is_file(), f"{page}.html was not built"
    report = page_reports[page]
    assert report is not None, f"{page}.html was not built"
    assert report["articleText"] > 200, f"{page}: the page is (nearly) empty"
    for img in report["imgs"]:
        assert img["alt"], f"{page}: image without alt text: {img['src']}"
        assert img["loaded"], f"{page}: image did not load: {img['src']}"
    if is_notebook(page):
        figures = [img for img in report["imgs"] if img["inArticle"]]
        assert figures, f"{page}: a chapter shows at least one figure, found none"


@pytest.mark.parametrize("page", PAGES)
def test_no_output_shows_an_error(page: str, page_reports: dict) -> None:
    report = page_reports[page]
    assert report is not None, f"{page}.html was not built"
    assert report["errorOutputs"] == 0, f"{page}: an output is an error/traceback"
    text = report["outputText"] + "\n" + report["stderrText"]
    assert "Traceback (most recent call last)" not in text, f"{page}: traceback in output"
    # Warnings and errors printed to stderr (a chapter may *show* an error message on purpose,
    # in its normal output, but nothing should leak to stderr).
    found = re.findall(r"\w*(?:Error|Exception|Warning)\b", report["stderrText"])
    assert not found, f"{page}: stderr output shows {found}: {report['stderrText'][:2000]}"


@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_overflow(page: str, page_reports: dict) -> None:
    """No code cell, output, table or formula is wider than the content column."""
    report = page_reports[page]
    assert report is not None, f"{page}.html was not built"
    lines = [f"  {o['tag']}.{o['cls']} +{o['excess']:.0f}px: {o['text']!r}"
             for o in report["overflow"]]
    assert not lines, (f"{page}: {len(lines)} element(s) wider than the content column:\n"
                       + "\n".join(lines[:20]))


@pytest.mark.parametrize("page", PAGES)
def test_headings_in_order(page: str, page_reports: dict) -> None:
    assert page_reports[page] is not None, f"{page}.html was not built"
    headings = page_reports[page]["headings"]
    assert headings and headings[0][0] == 1, f"{page}: the article must start with an h1"
    assert sum(1 for level, _ in headings if level == 1) == 1, f"{page}: more than one h1"
    for (previous, _), (level, text) in zip(headings, headings[1:]):
        assert level <= previous + 1, f"{page}: h{level} {text!r} follows an h{previous}"


# No page references any external script or stylesheet: MathJax is served from the book's
# own files (book/_vendor, scripts/vendor_mathjax.py) and the ipywidgets embedder is off
# (nb_ipywidgets_js: {}; every widget cell leaves a static rendering). Add a pattern here
# only for something a page works without.
OPTIONAL_EXTERNAL: tuple[re.Pattern, ...] = ()


def _optional(url: str) -> bool:
    return any(pattern.match(url) for pattern in OPTIONAL_EXTERNAL)


@pytest.mark.parametrize("page", PAGES)
def test_offline_nothing_needed_from_the_network(page: str, page_reports: dict,
                                                 server) -> None:
    report = page_reports[page]
    assert report is not None, f"{page}.html was not built"
    needed = [u for u in report["external"] if not _optional(u)]
    assert needed == [], f"{page} loads external resources it needs: {needed}"
    requested = [u for u in report["requests"]
                 if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
                 and not _optional(u)]
    assert requested == [], f"{page} requested {requested}"
    assert any(src.endswith("_static/quiz.js") for src in report["localScripts"]), (
        f"{page}: the quiz script is not served with the book")
    _, missing = server
    assert missing == [], f"the pages requested files that do not exist: {missing}"


# -------------------------------------------------------------------------- the quiz
QUIZ_PAGE = "chapters/11_key_insight"
QUESTION = ".genai-quiz-question[data-question='1']"

QUIZ_STATE = """(() => {
  const q = document.querySelector("%s");
  const open = Array.from(q.querySelectorAll("details[open]"));
  return {open: open.map(d => d.dataset.label),
          feedback: open.map(d => {
            const f = d.querySelector(".genai-quiz-feedback");
            return [f.innerText.trim(), f.getBoundingClientRect().height];
          }),
          classes: q.className, answered: q.dataset.answered || null,
          key: q.querySelector("details[data-correct=true]").dataset.label};
})()""" % QUESTION


def test_quiz_answer_can_be_clicked(server, browser) -> None:
    base, _ = server
    browser.open(f"{base}/{QUIZ_PAGE}.html")
    state = browser.evaluate(QUIZ_STATE)
    assert state["open"] == [], "no answer is shown before a click"
    key = state["key"]
    wrong = next(label for label in "ABCD" if label != key)
    # Click a wrong answer: its feedback appears, marked "Not quite."
    browser.click(f"{QUESTION} details[data-label='{wrong}'] > summary")
    state = browser.evaluate(QUIZ_STATE)
    assert state["open"] == [wrong]
    text, height = state["feedback"][0]
    assert text.startswith("Not quite.") and height > 0
    assert "genai-quiz-wrong" in state["classes"]
    # Then the right one: only it stays open, and it says "Correct."
    browser.click(f"{QUESTION} details[data-label='{key}'] > summary")
    state = browser.evaluate(QUIZ_STATE)
    assert state["open"] == [key]
    assert state["feedback"][0][0].startswith("Correct.") and state["feedback"][0][1] > 0
    assert "genai-quiz-right" in state["classes"] and state["answered"] == key
    browser.screenshot(SCREENSHOTS / "quiz-clicked.png", full_page=False)


# ----------------------------------------------------- formulas and exercise solutions
CHAPTERS = [p for p in PAGES if re.fullmatch(r"chapters/\d\d_\w+", p)]


@pytest.mark.parametrize("page", CHAPTERS)
def test_formulas_render_offline_and_solutions_open(page: str, server, browser) -> None:
    """Every chapter's formulas are typeset by the book's own MathJax (every host but
    127.0.0.1 is unreachable), no raw TeX is left, and a solution opens when clicked."""
    base, _ = server
    browser.open(f"{base}/{page}.html")
    deadline = time.monotonic() + 20
    state = {}
    while time.monotonic() < deadline:
        state = browser.evaluate("""(() => {
          const a = document.querySelector("article");
          const raw = Array.from(a.querySelectorAll("p, li, .math"))
            .filter(e => !e.closest("pre, code, mjx-container"))
            .map(e => e.textContent).filter(t => /\$\$|\\frac|\\sum|\\operatorname/.test(t));
          return {formulas: a.querySelectorAll("mjx-container").length, raw: raw.slice(0, 3),
                  typesetting: !!(window.MathJax && MathJax.startup && MathJax.startup.promise),
                  solutions: a.querySelectorAll(".solution.dropdown").length};
        })()""")
        if state["formulas"] and not state["raw"]:
            break
        time.sleep(0.25)
    assert state["formulas"] > 0, f"{page}: no formula was typeset ({state})"
    assert not state["raw"], f"{page}: raw TeX left on the page: {state['raw']}"
    assert state["solutions"] >= 3, f"{page}: {state['solutions']} exercise solutions, expected 3+"
    hidden = "document.querySelector('.solution.dropdown').classList.contains('toggle-hidden')"
    assert browser.evaluate(hidden), f"{page}: the first solution is not hidden at first"
    browser.click(".solution.dropdown .admonition-title")
    time.sleep(0.3)
    assert not browser.evaluate(hidden), f"{page}: clicking did not open the solution"
    shown = browser.evaluate("document.querySelector('.solution.dropdown').innerText.length")
    assert shown > 40, f"{page}: the opened solution shows no text"


def test_quiz_works_without_javascript(server, browser) -> None:
    base, _ = server
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.open(f"{base}/{QUIZ_PAGE}.html")
        browser.click(f"{QUESTION} details[data-correct=true] > summary")
        browser.call("Emulation.setScriptExecutionDisabled", value=False)
        state = browser.evaluate(QUIZ_STATE)  # read the DOM the click left behind
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", value=False)
    assert state["open"] == [state["key"]]
    assert state["feedback"][0][0].startswith("Correct.") and state["feedback"][0][1] > 0
    assert state["answered"] is None, "the quiz script must not have run"


# ---------------------------------------------------------------------- 200% zoom
def test_readable_at_200_percent_zoom(server, browser) -> None:
    """A 1280 px window at 200% zoom is a 640 CSS px viewport at device scale 2."""
    base, _ = server
    browser.call("Emulation.setDeviceMetricsOverride", width=640, height=900,
                 deviceScaleFactor=2, mobile=False)
    try:
        browser.open(f"{base}/{PAGES[0]}.html")
        widths = browser.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        browser.screenshot(SCREENSHOTS / "zoom200-introduction.png",
                           full_page=False)
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert widths[0] <= widths[1], f"horizontal overflow at 200% zoom: {widths}"


# ------------------------------------------------------------------ links and images
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and name == "href"
                                        and "preload" in (attrs.get("rel") or "")):
                self.urls.append(attrs[name])


def test_no_broken_internal_links_or_images(book_html: Path) -> None:
    parsed: dict[Path, _Links] = {}
    for path in book_html.rglob("*.html"):
        links = _Links()
        links.feed(path.read_text(encoding="utf-8", errors="replace"))
        parsed[path.resolve()] = links
    broken = []
    for path, links in parsed.items():
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        for url in links.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(book_html.resolve())}: {url}")
            elif parts.fragment and target.suffix == ".html" and target in parsed:
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{path.relative_to(book_html.resolve())}: {url} (no anchor)")
    assert broken == [], "broken internal links/images:\n" + "\n".join(sorted(set(broken)))


def test_every_toc_page_is_built_and_linked_from_the_start_page(book_html: Path) -> None:
    start = (book_html / f"{PAGES[0]}.html").read_text(encoding="utf-8")
    for page in PAGES[1:]:
        assert (book_html / f"{page}.html").is_file(), page
        assert f"{Path(page).name}.html" in start, f"the start page does not link to {page}"


# ------------------------------------------------------- running a page elsewhere
def _launch_module():
    """book/_ext/course_launch.py, the book's extension (loaded from its file)."""
    path = ROOT / "book" / "_ext" / "course_launch.py"
    spec = importlib.util.spec_from_file_location("course_launch_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hrefs(html: str) -> list[str]:
    return [unquote(h) for h in re.findall(r'href="([^"]+)"', html)]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_how_to_run_it_locally(page: str, book_html: Path) -> None:
    html = (book_html / f"{page}.html").read_text(encoding="utf-8")
    tip = re.search(r'<div class="[^"]*\brun-locally\b[^"]*">(.*?)</div>', html, re.S)
    assert tip, f"{page}: no 'Run it yourself' tip"
    assert "make lab" in re.sub(r"<[^>]+>", "", tip.group(1)), tip.group(1)
    assert re.search(r'href="([^"]*for_students\.html)?#run-the-chapters"', tip.group(1)), (
        f"{page}: the tip does not link to the students' section on running a chapter")
    h1_end = html.index("</h1>", html.index("<article"))  # the page's title
    next_h2 = html.find("<h2", h1_end)
    assert h1_end < tip.start() and (next_h2 == -1 or tip.start() < next_h2), (
        f"{page}: the tip must sit under the title, before the first section")


NOTEBOOK_PAGES = [page for page in PAGES if is_notebook(page)]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_page_offers_ipynb_download_and_binder(page: str, book_html: Path) -> None:
    html = (book_html / f"{page}.html").read_text(encoding="utf-8")
    hrefs = _hrefs(html)
    downloads = [h for h in hrefs if h.endswith(f"_sources/{page}.ipynb")]
    assert downloads, f"{page}: no .ipynb download offered"
    target = (book_html / Path(page).parent / downloads[0]).resolve()
    assert target.is_file(), f"{page}: the download {downloads[0]} was not written"
    repo = CONFIG["repository"]
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    org_repo = urlsplit(repo["url"]).path.strip("/")
    launches = [h for h in hrefs if h.startswith(f"{binder}/v2/gh/{org_repo}/{repo['branch']}")]
    assert launches, f"{page}: no Binder link to {org_repo}"
    assert all(h.endswith(f"?urlpath=lab/tree/{page}.md") for h in launches), launches
    assert not any("colab.research.google.com" in h for h in hrefs), (
        f"{page}: a Colab link would open a .md file, which Colab cannot")


@pytest.fixture(scope="session")
def executed(book_html: Path) -> dict[str, nbformat.NotebookNode]:
    return executed_notebooks(book_html)


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_downloaded_notebook_is_the_executed_chapter_with_an_install_cell(
        page: str, book_html: Path, executed: dict) -> None:
    assert page in executed, f"{page}: the build did not execute it"
    nb = executed[page]
    nbformat.validate(nb)
    downloaded = nbformat.read(book_html / "_sources" / f"{page}.ipynb", as_version=4)
    assert downloaded == nb, f"{page}: the download is not the executed notebook"
    # First the install cell, built from the repository of _config.yml, hidden on the page.
    launch = _launch_module()
    first = nb.cells[0]
    assert first.cell_type == "code" and "remove-cell" in first.metadata.get("tags", [])
    repo = CONFIG["repository"]
    assert first.source.strip() == launch.install_cell_source(repo["url"],
                                                              repo["branch"]).strip()
    # Then exactly the cells of the chapter's source, executed without an error.
    source = jupytext.read(ROOT / f"{page}.md")
    assert [c.source for c in nb.cells[1:]] == [c.source for c in source.cells]
    code = [c for c in nb.cells[1:] if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], f"{page}: an executed cell raised {errors[0].get('ename')}"
    assert any(c.outputs for c in code), f"{page}: no cell left an output"


def test_a_downloaded_notebook_runs_on_its_own(book_html: Path, tmp_path: Path) -> None:
    """The introduction's download, run in an empty folder outside the course (nothing
    relative to chapters/ is needed), with the installed package: no cell raises."""
    page = NOTEBOOK_PAGES[0]
    nb = nbformat.read(book_html / "_sources" / f"{page}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{page}: not every cell ran"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert list(tmp_path.iterdir()) == [], f"{page} left files behind: {list(tmp_path.iterdir())}"
