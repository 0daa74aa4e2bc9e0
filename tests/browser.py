"""Shared pytest fixtures and helpers for tests of the built book (a pytest plugin).

Registered in ``tests/conftest.py`` (``pytest_plugins = ["browser"]``), so any test file can
ask for these session fixtures:

* ``book_html``: the whole book built ONCE per session from scratch (``jupyter-book build
  -W -n --keep-going``) into ``artifacts/test-book/`` with a fresh execution cache, so a
  stale cache can never hide a broken notebook; the build starts in the background when
  the session starts (``book_build_in_background``). Returns the folder of the HTML; the
  executed notebooks are in ``book_html.parent / "jupyter_execute"``
  (``executed_notebooks`` reads them).
* ``server``: that HTML served on 127.0.0.1 from a thread: ``(base_url, missing)``, where
  ``missing`` lists the paths requested and not found.
* ``browser``: Debian's headless ``chromium`` driven over the DevTools protocol
  (:class:`Browser`), with every host but 127.0.0.1 unresolvable: anything a page needs
  from the network fails.

``toc_pages()`` lists the book's pages in reading order; ``is_notebook(page)`` says whether
a page is a MyST Markdown notebook (executed) or a plain Markdown page. Screenshots go to
``artifacts/screenshots/`` (``SCREENSHOTS``, not committed).
"""
from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
import websocket  # websocket-client (a dev dependency): the DevTools protocol
import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BUILD_TIMEOUT = 3600  # seconds for the whole book build (it executes every notebook)


def toc_pages() -> list[str]:
    """Every page of the book, in _toc.yml order, as paths without suffix ("chapters/...")."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages.extend(chapter["file"] for chapter in part["chapters"])
    return pages


def is_notebook(page: str) -> bool:
    """True if ``page`` (a path without suffix) is a MyST Markdown notebook."""
    path = ROOT / f"{page}.md"
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    return text.startswith("---\n") and "\njupytext:" in text.split("\n---\n", 1)[0]


def executed_notebooks(book_html: Path) -> dict[str, nbformat.NotebookNode]:
    """The notebooks as the build executed them, by page ("chapters/01_data_collection")."""
    folder = book_html.parent / "jupyter_execute"
    return {str(path.relative_to(folder).with_suffix("")): nbformat.read(path, as_version=4)
            for path in sorted(folder.rglob("*.ipynb"))}


# ------------------------------------------------------------------------ the build
_BUILD: dict = {}   # the session's background build: process, output folder, start time


def _start_book_build() -> None:
    """Start the from-scratch build (once per session) without waiting for it."""
    if _BUILD or os.environ.get("GENAI_LAB_BOOK_HTML"):
        return
    out = ARTIFACTS / "test-book"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", "-W", "-n", "--keep-going", "--path-output", str(out),
           str(ROOT)]
    log = open(out / "build.log", "w", encoding="utf-8")
    _BUILD.update(proc=subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT),
                  log=log, out=out, start=time.perf_counter())


@pytest.fixture(scope="session", autouse=True)
def book_build_in_background(clean_home, request):
    """If any test of the session checks the book, start its build as the session starts
    (after ``clean_home``: the build runs in the session's HOME), so that it runs on one
    core while the tests before the book's run on the other; ``book_html`` waits for it."""
    if any("book_html" in getattr(item, "fixturenames", ()) for item in request.session.items):
        _start_book_build()
    yield
    proc = _BUILD.get("proc")
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The book built from scratch once per session (every notebook executed, a fresh
    execution cache, so a stale cache can never hide a broken notebook): the folder of its
    HTML. The build started with the session (``book_build_in_background``).

    For debugging only, ``GENAI_LAB_BOOK_HTML=<folder>`` checks an existing build instead
    (``make test`` never sets it: the book is always built and executed afresh).
    """
    existing = os.environ.get("GENAI_LAB_BOOK_HTML")
    if existing:
        html = Path(existing)
        assert (html / "index.html").is_file(), f"no built book in {html}"
        return html
    _start_book_build()                 # not yet started (e.g. a test run on its own)
    proc, out = _BUILD["proc"], _BUILD["out"]
    try:
        rc = proc.wait(timeout=max(1.0, BUILD_TIMEOUT - (time.perf_counter() - _BUILD["start"])))
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    _BUILD["log"].close()
    seconds = time.perf_counter() - _BUILD["start"]
    text = (out / "build.log").read_text(encoding="utf-8", errors="replace")
    print(f"\nbook build: {seconds:.1f} s from the session's start (log: {out / 'build.log'})")
    assert rc == 0, f"jupyter-book build failed (exit {rc}):\n{text[-6000:]}"
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
