"""The teacher's path on the real tools: safe grader -> Formgrader -> feedback -> release.

In a test course (a temporary folder with the course config and the softmax assignment)
four fabricated submissions (assignments/grader/fabricate.py: the reference, a wrong one, a
reference whose test cell was edited (flagged), one with an infinite loop (timed out)) are
graded by ``course.sh grade`` (the safe grader). Then nbgrader's Formgrader runs in a
Jupyter server on 127.0.0.1 (temporary HOME from conftest's clean_home) and headless
Chromium checks that it shows every score and flag and opens a graded notebook; stock
Autograde from the Formgrader is refused and leaves the graded notebook in place;
``course.sh feedback`` and ``course.sh return`` put the pages in the exchange; a feedback
page typesets its formulas with no request to the network.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assignments.grader import fabricate as F
from browser import ARTIFACTS

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCE = ROOT / "assignments" / "source" / "softmax" / "softmax.ipynb"
SHOTS = ARTIFACTS / "formgrader"
STUDENTS = ("ada", "bob", "cyd", "dee")      # reference, wrong, flagged, timed out


def _edited_test(nb: dict) -> dict:
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("nbgrader", {})
        if tags.get("grade") and cell["cell_type"] == "code":
            cell["source"] = "pass  # the student's own version of the test\n"
            return nb
    raise AssertionError("no test cell")


def make_course(root: Path) -> Path:
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", root)
    shutil.copy(ROOT / "assignments" / "course.sh", root)
    (root / "source" / "softmax").mkdir(parents=True)
    shutil.copy(SOURCE, root / "source" / "softmax")
    nb = F.load(SOURCE)
    subs = {"ada": F.reference(nb), "bob": F.wrong(nb), "cyd": _edited_test(F.reference(nb)),
            "dee": F.with_cheat(F.reference(nb), "while True:\n    pass", where="last")}
    for student, content in subs.items():
        F.write_submission(root, student, "softmax", "softmax.ipynb", F.dump(content))
        (root / "submitted" / student / "softmax" / "submission_secret.txt").write_text(
            f"secret-of-{student}")
    return root


def course_sh(course: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, VENV=str(BIN.parent), GENAI_LAB_REPO=str(ROOT), **extra)
    env.pop("GENAI_LAB_EXCHANGE", None)
    env.pop("GENAI_LAB_STOCK_AUTOGRADE", None)
    done = subprocess.run(["bash", str(course / "course.sh"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("formgrader-course"))
    done = course_sh(course, "grade", "softmax",
                     GRADER_ARGS="--timeout 3 --notebook-timeout 40 --no-progress")
    return course, done.stdout


@pytest.fixture(scope="module")
def formgrader(graded):
    course, _ = graded
    port = _free_port()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    env.pop("GENAI_LAB_STOCK_AUTOGRADE", None)
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "server", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}"],
        cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/formgrader"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/assignments", timeout=5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the Formgrader's server did not start")
            time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_summary_shows_every_fault(graded):
    _, out = graded
    lines = {line.split()[0]: line for line in out.splitlines() if line.split()}
    assert "13/13" in lines["ada"] and "0/13" in lines["bob"]
    assert "edited test cell" in lines["cyd"]
    assert "timed out" in lines["dee"]


def test_formgrader_shows_every_score_and_flag(formgrader, browser):
    browser.open(f"{formgrader}/manage_submissions/softmax")
    time.sleep(1.0)
    text = browser.evaluate("document.body.innerText")
    browser.screenshot(SHOTS / "manage_submissions.png")
    rows = {line.split("\t")[1]: line for line in text.splitlines() if line.count("\t") >= 4
            and line.split("\t")[1] in STUDENTS}
    assert set(rows) == set(STUDENTS), text
    assert all("graded" in row and "needs autograding" not in row for row in rows.values())
    assert "13 / 13" in rows["ada"] and "0 / 13" in rows["bob"], rows
    browser.open(f"{formgrader}/gradebook/softmax/softmax")
    time.sleep(1.0)
    browser.screenshot(SHOTS / "notebook_submissions.png")
    flags = browser.evaluate(
        "[...document.querySelectorAll('tbody tr')].map(r => r.querySelector("
        "'.glyphicon-flag') !== null)")
    with urllib.request.urlopen(f"{formgrader}/api/submitted_notebooks/softmax/softmax") as r:
        listed = json.load(r)
    assert len(flags) == len(STUDENTS)
    assert sum(flags) == 1 and [n["student"] for n in listed if n["flagged"]] == ["cyd"]


def test_formgrader_opens_a_graded_notebook_with_its_flag(formgrader, browser):
    with urllib.request.urlopen(f"{formgrader}/api/submitted_notebooks/softmax/softmax") as r:
        ids = {n["student"]: n["id"] for n in json.load(r)}
    browser.open(f"{formgrader}/submissions/{ids['cyd']}/")
    time.sleep(1.0)
    text = browser.evaluate("document.body.innerText")
    browser.screenshot(SHOTS / "graded_notebook_cyd.png", full_page=False)
    assert "FLAGGED" in text and "edited test cell test_softmax_basics" in text
    scores = browser.evaluate("[...document.querySelectorAll('input.score')].length")
    assert scores >= 5, text[:2000]           # a score box per graded cell
    browser.open(f"{formgrader}/submissions/{ids['dee']}/")
    time.sleep(0.5)
    assert "timed out" in browser.evaluate("document.body.innerText")


def test_stock_autograde_from_the_formgrader_is_refused(graded, formgrader, browser):
    course, _ = graded
    before = (course / "autograded" / "dee" / "softmax" / "softmax.ipynb").read_bytes()
    browser.open(f"{formgrader}/manage_submissions/softmax")
    reply = browser.evaluate("""fetch('/formgrader/api/submission/softmax/dee/autograde',
        {method: 'POST', headers: {'X-XSRFToken':
         (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}}).then(r => r.json())""")
    assert reply["success"] is False
    assert "safe grader" in reply["error"] + reply.get("log", "")
    assert (course / "autograded" / "dee" / "softmax" / "softmax.ipynb").read_bytes() == before


def test_feedback_generates_releases_and_renders_formulas_offline(graded, browser):
    course, _ = graded
    course_sh(course, "feedback")
    pages = sorted((course / "feedback").glob("*/softmax/softmax.html"))
    assert [p.parts[-3] for p in pages] == sorted(STUDENTS)
    course_sh(course, "return", "softmax", HOME=os.environ["HOME"])
    released = list((course / "exchange" / "genai-lab" / "feedback").glob("*.html"))
    assert len(released) == len(STUDENTS)
    requests = browser.open(pages[1].as_uri())             # bob's: failed tests
    assert all(r.startswith(("file:", "data:", "about:")) for r in requests), requests
    done = browser.evaluate("""(async () => { await MathJax.startup.promise;
        return [document.querySelectorAll('mjx-container').length,
                document.querySelectorAll('.result.failed').length]; })()""")
    assert done[0] > 0 and done[1] > 0
    browser.screenshot(SHOTS / "feedback_bob.png", full_page=False)
