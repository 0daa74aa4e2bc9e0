"""The book as a reader sees it: build it, serve it on 127.0.0.1, open it in headless Chromium.

The session fixture builds the whole book ONCE from scratch (``jupyter-book build -W -n
--keep-going``) into ``artifacts/test-book/`` (a fresh execution cache, so a stale cache can
never hide a broken notebook), serves the HTML from a local thread and drives Debian's
``chromium`` through the DevTools protocol with every host but 127.0.0.1 unresolvable, so
anything that needs the network fails here. Screenshots of every chapter are kept in
``artifacts/screenshots/`` (not committed).

Checks: every page of ``_toc.yml`` renders; every notebook page shows at least one figure,
and every image on every page is loaded and has alt text; no output shows a traceback or
an error; headings are in order; no internal link or image is broken; a quiz answer can be
clicked and shows its feedback (with and without JavaScript) while every external host is
unreachable; no page references an external script or stylesheet; a page at 200% zoom has
no horizontal overflow.
"""
from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BUILD_TIMEOUT = 3600  # seconds for the whole book build (it executes every notebook)

websocket = pytest.importorskip("websocket", reason="websocket-client is needed to drive Chromium")


def toc_pages() -> list[str]:
    """Every page of the book, in _toc.yml order, as paths without suffix ("chapters/...")."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages.extend(chapter["file"] for chapter in part["chapters"])
    return pages


def is_notebook(page: str) -> bool:
    return (ROOT / f"{page}.ipynb").exists()


PAGES = toc_pages()


# ------------------------------------------------------------------------ the build
@pytest.fixture(scope="session")
def book_html() -> Path:
    """Build the book from scratch once per session; return the folder of its HTML.

    For debugging only, ``GENAI_LAB_BOOK_HTML=<folder>`` checks an existing build instead
    (``make test`` never sets it: the book is always built and executed afresh).
    """
    existing = os.environ.get("GENAI_LAB_BOOK_HTML")
    if existing:
        html = Path(existing)
        assert (html / "index.html").is_file(), f"no built book in {html}"
        return html
    out = ARTIFACTS / "test-book"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", "-W", "-n", "--keep-going", "--path-output", str(out),
           str(ROOT)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT)
    seconds = time.perf_counter() - start
    (out / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    print(f"\nbook build: {seconds:.1f} s (log: {out / 'build.log'})")
    assert proc.returncode == 0, (f"jupyter-book build failed (exit {proc.returncode}):\n"
                                  f"{(proc.stdout + proc.stderr)[-6000:]}")
    html = out / "_build" / "html"
    assert (html / "index.html").is_file()
    return html


# ---------------------------------------------------------------- the local server
class _Handler(http.server.SimpleHTTPRequestHandler):
    missing: list[str]  # set per server: paths that were requested and not found

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            self.missing.append(self.path)
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def server(book_html: Path):
    """Serve the built HTML on 127.0.0.1 (a free port) from a thread."""
    handler = type("Handler", (_Handler,), {"missing": []})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(book_html)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.missing
    httpd.shutdown()
    httpd.server_close()


# ------------------------------------------------------------ a tiny DevTools client
class Browser:
    """Headless Chromium driven over the DevTools protocol (one page, one websocket)."""

    def __init__(self, profile: Path) -> None:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 "--mute-audio", f"--user-data-dir={profile}",
                 "--remote-debugging-port=0", "--remote-allow-origins=*",
                 # offline: no host but the local server resolves
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                 "--window-size=1280,900", "about:blank"]
        self.proc = subprocess.Popen([CHROMIUM, *flags], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start (exit {self.proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, message in enumerate(self.events):
                if message.get("method") == event:
                    return self.events.pop(i)
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(event)

    def open(self, url: str) -> list[dict]:
        """Load ``url``; return the requests the page made (method Network.requestWillBeSent)."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")
        time.sleep(0.3)  # let late scripts (the quiz wiring) run
        return [m["params"]["request"]["url"] for m in self.events
                if m.get("method") == "Network.requestWillBeSent"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        if full_page:  # a window as tall as the page (at most 16000 px), then back
            width, height = self.evaluate(
                "[window.innerWidth, document.documentElement.scrollHeight]")
            self.call("Emulation.setDeviceMetricsOverride", width=width,
                      height=min(height, 16000), deviceScaleFactor=1, mobile=False)
            time.sleep(0.3)
        try:
            data = self.call("Page.captureScreenshot", format="png")["data"]
        finally:
            if full_page:
                self.call("Emulation.clearDeviceMetricsOverride")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the centre of the element."""
        box = self.evaluate(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: "center"}});
            const r = el.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)
        time.sleep(0.2)

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make chromium`")
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


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
  return {imgs, headings, outputText, errorOutputs, stderrText, external, localScripts,
          title: document.title, articleText: article.innerText.length};
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
        browser.screenshot(ARTIFACTS / "screenshots" / f"{Path(page).name}.png")
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
    browser.screenshot(ARTIFACTS / "screenshots" / "quiz-clicked.png", full_page=False)


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
        browser.screenshot(ARTIFACTS / "screenshots" / "zoom200-introduction.png",
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
