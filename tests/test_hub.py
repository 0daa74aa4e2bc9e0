"""A class on the course JupyterHub (hub/jupyterhub_config.py), end to end in headless Chromium.

The hub runs on 127.0.0.1 with a roster of one instructor and two students, a copy of the
course with the softmax assignment, and its own data folder (homes, exchange, database),
all in a temporary folder. In the browser (each step a page or the request the page's own
button sends, with the page's session and XSRF token):

* the instructor logs in, opens the Formgrader (a hub service), generates and releases;
* each student logs in (their own server starts), sees the assignment in the Assignments
  tab, fetches it, answers (alice right, bob wrong on one function), validates and submits;
* the instructor collects; the SAFE grader (``python -m assignments.grader grade``) grades;
  the Formgrader shows both scores; the instructor releases the feedback;
* each student fetches feedback and gets only their own;
* a student cannot open the Formgrader, another student's server, or the course's source/.

Every process the hub started (proxy, servers, the Formgrader service) is stopped at the
end, found by the temporary folder in its environment. Screenshots go to artifacts/hub/.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import Browser

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROXY = ROOT / ".venv" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
SHOTS = ROOT / "artifacts" / "hub"
ASSIGNMENT = "softmax"
COURSE_ID = "genai-lab"
FORMGRADER = f"/services/formgrader-{COURSE_ID}"
ROSTER = {"teacher": ("instructor", "t-pass-1"), "alice": ("student", "a-pass-2"),
          "bob": ("student", "b-pass-3")}
WRONG = ROOT / "tests" / "assignment_fixtures" / ASSIGNMENT / "wrong_axis.py"
UID_BASE = "63900"                         # the grader's sandbox uids for this test

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_of(marker: str) -> list[int]:
    """Pids of the processes whose environment mentions ``marker`` (our temporary folder)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def stop(hub: subprocess.Popen, marker: str) -> list[int]:
    """Stop the hub, then every process it left; return the pids that needed a signal."""
    hub.send_signal(signal.SIGTERM)
    try:
        hub.wait(timeout=8)
    except subprocess.TimeoutExpired:
        pass
    left = processes_of(marker)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(marker):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while processes_of(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
    if hub.poll() is None:
        hub.kill()
    hub.wait(timeout=10)
    return left


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError as err:
            if err.code < 500 and err.code != 404:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        time.sleep(0.3)


# ------------------------------------------------------------ the page's own requests
JS_REQUEST = r"""
(async (method, url, form, body) => {
    const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1];
    const headers = xsrf ? {"X-XSRFToken": decodeURIComponent(xsrf)} : {};
    let data;
    if (form) { data = new URLSearchParams(form); }
    if (body) { data = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    const r = await fetch(url, {method, headers, body: data});
    return [r.status, await r.text(), new URL(r.url).pathname];
})"""


def request(browser: Browser, method: str, url: str, form=None, body=None):
    return browser.evaluate(f"{JS_REQUEST}({json.dumps(method)}, {json.dumps(url)}, "
                            f"{json.dumps(form)}, {json.dumps(body)})")


def ok_json(browser: Browser, method: str, url: str, form=None, body=None):
    status, text, _ = request(browser, method, url, form, body)
    assert status in (200, 201), f"{method} {url}: {status} {text[:500]}"
    return json.loads(text) if text else None


def log_in(browser: Browser, base: str, user: str, next_path: str, timeout: float = 90):
    """Log in through the hub's form and wait until ``next_path`` has loaded.

    A student's ``next_path`` is their server: the hub's default after logging in starts
    it (``/hub/spawn``) and lands on its default page."""
    browser.call("Network.clearBrowserCookies")
    own_server = next_path.startswith("/user/")
    browser.open(f"{base}/hub/login" + ("" if own_server else f"?next={next_path}"))
    browser.evaluate(f"""document.querySelector('#username_input').value = {json.dumps(user)};
        document.querySelector('#password_input').value = {json.dumps(ROSTER[user][1])};
        document.querySelector('form').submit(); true""")
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(0.5)
        try:
            here = browser.evaluate("[location.pathname, document.readyState]")
        except RuntimeError:                # the page is navigating
            continue
        if here[0].startswith(next_path.rstrip("/")) and here[1] == "complete":
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{user}: still at {here} waiting for {next_path}")


def click_text(browser: Browser, selector: str, text: str, timeout: float = 30) -> None:
    """A real mouse click on the first ``selector`` element whose text is ``text``."""
    deadline = time.monotonic() + timeout
    while True:
        box = browser.evaluate(f"""(() => {{
            const el = [...document.querySelectorAll({json.dumps(selector)})]
                .find(e => e.textContent.trim() === {json.dumps(text)});
            if (!el) return null;
            const r = el.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }})()""")
        if box:
            break
        if time.monotonic() > deadline:
            browser.screenshot(SHOTS / "failed-click.png", full_page=False)
            raise AssertionError(f"no {selector} with text {text!r} on the page")
        time.sleep(0.3)
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
    time.sleep(0.1)                        # a Lumino menu activates the item under the mouse
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                     button="left", clickCount=1)
    time.sleep(0.3)


def show_assignments(browser: Browser) -> str:
    """Reload the server's file browser, open Nbgrader > Assignment List; the tab's text."""
    browser.events.clear()
    browser.call("Page.reload")
    browser.wait_for("Page.loadEventFired")
    click_text(browser, ".lm-MenuBar-itemLabel", "Nbgrader")
    click_text(browser, ".lm-Menu-itemLabel", "Assignment List")
    click_text(browser, ".lm-TabBar-tabLabel", "Assignments")
    deadline = time.monotonic() + 20
    while ASSIGNMENT not in (text := browser.evaluate(
            "document.querySelector('#nbgrader-assignment-list')?.innerText || ''")):
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    return text


def answers(source_nb: dict, wrong: bool) -> dict[str, str]:
    """grade_id -> answer: the teacher's solutions, or with the wrong_axis fixture's softmax."""
    from assignments.grader.notebook import reference_answer
    out = {c["metadata"]["nbgrader"]["grade_id"]: reference_answer("".join(c["source"]))
           for c in source_nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}
    if wrong:
        for grade_id, text in re.findall(r"# %% solution id=(\S+)\n(.*?)(?=\n# %%|\Z)",
                                         WRONG.read_text(), flags=re.S):
            assert grade_id in out
            out[grade_id] = text
    return out


# ------------------------------------------------------------ the class
def start_hub(top: Path) -> tuple[subprocess.Popen, str, Path]:
    """A hub for a copy of the course with ROSTER, all under ``top``; (process, url, course)."""
    assert PROXY.exists(), f"{PROXY} missing: run `make hub-proxy` (make test does)"
    course, data = top / "course", top / "data"
    (course / "source").mkdir(parents=True)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "assignments" / "source" / ASSIGNMENT,
                    course / "source" / ASSIGNMENT)
    roster = top / "roster.csv"
    with open(roster, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "role", "password"])
        writer.writerows([name, role, password] for name, (role, password) in ROSTER.items())
    (top / "hub-home").mkdir()
    port = free_port()
    env = dict(os.environ, HOME=str(top / "hub-home"), GENAI_LAB_HUB_DATA=str(data),
               GENAI_LAB_HUB_COURSE=str(course), GENAI_LAB_HUB_ROSTER=str(roster),
               GENAI_LAB_HUB_PORT=str(port), GENAI_LAB_HUB_API_PORT=str(free_port()),
               GENAI_LAB_HUB_PROXY_API_PORT=str(free_port()),
               GENAI_LAB_HUB_FORMGRADER_PORT=str(free_port()),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("GENAI_LAB_EXCHANGE", None)
    with open(top / "hub.log", "w") as log:
        hub = subprocess.Popen([str(BIN / "jupyterhub"), "-f",
                                str(ROOT / "hub" / "jupyterhub_config.py")],
                               cwd=top, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    return hub, f"http://127.0.0.1:{port}", course


def grade(course: Path, top: Path) -> None:
    """The teacher's safe grader on the collected submissions."""
    env = dict(os.environ, GENAI_LAB_GRADER_UID_BASE=UID_BASE, HOME=str(top / "hub-home"),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([sys.executable, "-m", "assignments.grader", "grade", "--course",
                           str(course), "--workers", "2", "--timeout", "10",
                           "--notebook-timeout", "120", "--no-progress", "--hide", str(ROOT)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"grader:\n{done.stdout}\n{done.stderr}"


def student_works(browser: Browser, base: str, user: str, wrong: bool, source: dict) -> dict:
    """Log in, see the assignment, fetch, answer, validate, submit; the validation result."""
    home = f"/user/{user}"
    log_in(browser, base, user, f"{home}/tree")
    shown = show_assignments(browser)
    assert ASSIGNMENT in shown and COURSE_ID in shown, shown
    listed = ok_json(browser, "GET", f"{home}/assignments?course_id={COURSE_ID}")
    assert [a["assignment_id"] for a in listed["value"]] == [ASSIGNMENT], listed
    assert listed["value"][0]["status"] == "released"
    browser.screenshot(SHOTS / f"{user}-1-assignments.png", full_page=False)
    form = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
    ok_json(browser, "POST", f"{home}/assignments/fetch", form)
    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    model = ok_json(browser, "GET", f"{home}/api/contents/{path}?content=1")
    mine = answers(source, wrong)
    for cell in model["content"]["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in mine:
            cell["source"] = mine[grade_id]
    ok_json(browser, "PUT", f"{home}/api/contents/{path}",
            body={"type": "notebook", "format": "json", "content": model["content"]})
    validated = ok_json(browser, "POST", f"{home}/assignments/validate", {"path": path})
    ok_json(browser, "POST", f"{home}/assignments/submit", form)
    shown = show_assignments(browser)
    assert "Submitted assignments" in shown and ASSIGNMENT in shown, shown
    browser.screenshot(SHOTS / f"{user}-2-submitted.png", full_page=False)
    return validated


@pytest.mark.hub  # also alone: `make test-hub` (about a minute on 2 cores)
def test_a_class_on_the_hub(tmp_path: Path) -> None:
    started = time.monotonic()

    def lap(what: str) -> None:
        print(f"{time.monotonic() - started:6.1f} s  {what}", flush=True)

    hub, base, course = start_hub(tmp_path)
    browser = None
    left: list[int] | None = None
    try:
        wait_http(f"{base}/hub/login")
        wait_http(f"{base}{FORMGRADER}/", timeout=90)
        browser = Browser(tmp_path / "chromium")
        lap('hub and Formgrader up')
        source = json.loads((course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
        fg = f"{FORMGRADER}/formgrader"

        # The instructor: Formgrader, generate and release.
        log_in(browser, base, "teacher", f"{fg}/manage_assignments")
        ok_json(browser, "POST", f"{fg}/api/assignment/{ASSIGNMENT}/assign")
        released = ok_json(browser, "POST", f"{fg}/api/assignment/{ASSIGNMENT}/release")
        assert released["success"], released
        browser.open(f"{base}{fg}/manage_assignments")
        time.sleep(1)
        browser.screenshot(SHOTS / "teacher-1-released.png", full_page=False)
        lap('released')

        # The students: alice answers right, bob normalises over the wrong axis.
        alice = student_works(browser, base, "alice", False, source)
        lap('alice submitted')
        bob = student_works(browser, base, "bob", True, source)
        lap('bob submitted')
        # nbgrader's validator: {} when every test passes, else the failing cells.
        assert alice["success"] and alice["value"] == {}, alice
        assert bob["success"] and bob["value"]["failed"], bob

        # A student cannot open the Formgrader, another student's server or the course.
        # (the course is <tmp>/course, bob's home <tmp>/data/home/bob; %2F keeps the
        # browser from resolving the ".." itself)
        for url in (f"{fg}/api/assignments", "/user/alice/api/contents",
                    "/user/bob/api/contents/..%2F..%2F..%2Fcourse%2Fsource"):
            status, text, landed = request(browser, "GET", url)
            assert status >= 400 and ASSIGNMENT not in text, (url, status, landed, text[:300])
        assert request(browser, "GET", "/user/bob/formgrader")[0] == 404
        browser.open(f"{base}{fg}/manage_assignments")
        browser.screenshot(SHOTS / "bob-3-no-formgrader.png", full_page=False)

        # The instructor collects; the safe grader grades; the Formgrader shows both scores.
        log_in(browser, base, "teacher", f"{fg}/manage_assignments")
        collected = ok_json(browser, "POST", f"{fg}/api/assignment/{ASSIGNMENT}/collect")
        assert collected["success"], collected
        grade(course, tmp_path)
        lap('graded')
        results = {s: json.loads((course / "grader_results" / s / f"{ASSIGNMENT}.json")
                                 .read_text()) for s in ("alice", "bob")}
        submissions = {s["student"]: s for s in
                       ok_json(browser, "GET", f"{fg}/api/submissions/{ASSIGNMENT}")}
        assert submissions["alice"]["score"] == submissions["alice"]["max_score"] > 0
        assert 0 <= submissions["bob"]["score"] < submissions["bob"]["max_score"]
        for s in ("alice", "bob"):
            assert submissions[s]["score"] == results[s]["score"], (submissions[s], results[s])
        lms = subprocess.run([sys.executable, str(ROOT / "scripts" / "lms_grades.py"),
                              "--course", str(course)], capture_output=True, text=True)
        assert lms.returncode == 0, lms.stderr
        with open(course / "lms_grades.csv", newline="") as handle:
            header, possible, *rows = list(csv.reader(handle))
        assert header == ["SIS Login ID", ASSIGNMENT]
        assert possible == ["Points Possible", f"{results['alice']['max_score']:g}"]
        assert rows == [[s, f"{results[s]['score']:g}"] for s in ("alice", "bob")], rows
        browser.open(f"{base}{fg}/manage_submissions/{ASSIGNMENT}")
        time.sleep(1.5)
        shown = browser.evaluate("document.body.innerText")
        browser.screenshot(SHOTS / "teacher-2-scores.png", full_page=False)
        assert "alice" in shown and "bob" in shown, shown
        released = ok_json(browser, "POST", f"{fg}/api/assignment/{ASSIGNMENT}/release_feedback")
        assert released["success"], released

        # Each student fetches feedback: their own only.
        for user, other in (("alice", "bob"), ("bob", "alice")):
            home = f"/user/{user}"
            log_in(browser, base, user, f"{home}/tree")
            ok_json(browser, "POST", f"{home}/assignments/fetch_feedback",
                    {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
            folder = ok_json(browser, "GET", f"{home}/api/contents/{ASSIGNMENT}/feedback")
            stamps = [e["name"] for e in folder["content"]]
            assert len(stamps) == 1, stamps
            page = ok_json(browser, "GET", f"{home}/api/contents/{ASSIGNMENT}/feedback/"
                           f"{stamps[0]}/{ASSIGNMENT}.html?type=file&format=text")["content"]
            mine, theirs = results[user], results[other]
            assert mine["score"] != theirs["score"]
            assert (f"Score: <strong>{mine['score']:g} / {mine['max_score']:g}</strong>"
                    in page), page[-2000:]
            assert f"Score: <strong>{theirs['score']:g} /" not in page
            browser.open(f"{base}{home}/files/{ASSIGNMENT}/feedback/{stamps[0]}/{ASSIGNMENT}.html")
            browser.screenshot(SHOTS / f"{user}-4-feedback.png", full_page=False)
        left = stop(hub, str(tmp_path))
        lap('stopped')
    finally:
        try:
            if browser is not None:
                browser.close()
        finally:
            if left is None:
                stop(hub, str(tmp_path))
                print((tmp_path / "hub.log").read_text()[-4000:])
    assert not processes_of(str(tmp_path)), "processes of the hub still running"
    print(f"the class took {time.monotonic() - started:.1f} s; "
          f"stopped by signal after the hub's own shutdown: {left}")
