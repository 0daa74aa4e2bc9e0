"""Students' machines stay clean: the test suite writes nothing under the real home folder.

``tests/conftest.py``'s ``clean_home`` fixture points HOME and the Jupyter folders at a
temporary folder. Here a student's `nbgrader submit` (which records the submission in ``<Jupyter data dir>/nbgrader_cache``) run inside the test session, and the
same test is run again in a pytest subprocess whose HOME is a watched folder: nothing may
appear there. A control run of the same commands without the fixture shows that the check
can fail (nbgrader does write under HOME).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COURSE = "genai-lab"
HOME_VARIABLES = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                  "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                  "XDG_CACHE_HOME", "XDG_STATE_HOME")


def _exchange_with_one_assignment(root: Path) -> Path:
    """An exchange folder with one released assignment "hello" (one tiny notebook)."""
    outbound = root / "exchange" / COURSE / "outbound" / "hello"
    outbound.mkdir(parents=True)
    (root / "exchange" / COURSE / "inbound").mkdir()
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {},
                     "outputs": [], "source": "x = 1"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (outbound / "hello.ipynb").write_text(json.dumps(nb))
    os.chmod(root / "exchange" / COURSE / "inbound", 0o777)
    return root / "exchange"


def student_submit(root: Path, env: dict) -> None:
    """A student's `nbgrader submit` of "hello" (its folder made as `fetch_assignment` would)."""
    exchange = _exchange_with_one_assignment(root)
    work = root / "work"
    (work / "hello").mkdir(parents=True)
    (work / "hello" / "hello.ipynb").write_bytes(
        (exchange / COURSE / "outbound" / "hello" / "hello.ipynb").read_bytes())
    env = dict(env, PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    env.pop("GENAI_LAB_EXCHANGE", None)
    done = subprocess.run([str(BIN / "nbgrader"), "submit", "hello", f"--Exchange.root={exchange}",
                           f"--course={COURSE}"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list((exchange / COURSE / "inbound").iterdir()), "the submission did not arrive"


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_student_commands_write_in_the_session_home_only(tmp_path, tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    for name in ("HOME", *HOME_VARIABLES):               # the fixture's temporary folders
        assert Path(os.environ[name]).is_relative_to(base), (name, os.environ[name])
    student_submit(tmp_path, dict(os.environ))
    cache = Path(os.environ["JUPYTER_DATA_DIR"]) / "nbgrader_cache" / COURSE
    assert cache.is_dir() and list(cache.iterdir()), "nbgrader recorded no submission"


def test_control_without_the_fixture_nbgrader_writes_under_home(tmp_path):
    home = tmp_path / "watched-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in HOME_VARIABLES}
    student_submit(tmp_path, dict(env, HOME=str(home)))
    assert any("nbgrader_cache" in f for f in files_under(home)), files_under(home)


def test_the_test_suite_writes_nothing_under_a_watched_home(tmp_path):
    home = tmp_path / "watched-home"
    home.mkdir()
    (home / "marker").write_text("the only file here")
    env = {k: v for k, v in os.environ.items() if k not in HOME_VARIABLES}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    test = "tests/test_clean_home.py::test_student_commands_write_in_the_session_home_only"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           test], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout
    assert files_under(home) == ["marker"]


# -- what a student's JupyterLab shows ------------------------------------------------------
def test_student_lab_has_no_teacher_tools_and_the_teacher_lab_has_them(tmp_path, monkeypatch):
    from jupyterlab_server.config import get_page_config
    from scripts.lab_mode import TEACHER_PLUGINS, write
    disabled = {}
    for mode in ("student", "teacher"):
        write(mode, tmp_path / mode)
        monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / mode))
        page = get_page_config([], str(tmp_path / "app-settings"))
        listed = page.get("disabledExtensions", [])          # a list once merged
        disabled[mode] = set(listed) if isinstance(listed, list) else \
            {k for k, v in listed.items() if v}
    assert disabled["student"] >= set(TEACHER_PLUGINS) and not disabled["teacher"]
    done = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"],
                          env=dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "student")),
                          capture_output=True, text=True, timeout=120)
    listing = done.stdout + done.stderr
    line = next(l for l in listing.splitlines() if "server_extensions.formgrader " in l
                or l.strip().startswith("nbgrader.server_extensions.formgrader"))
    assert "disabled" in line, listing


def test_assignments_tab_before_and_after_a_release(tmp_path):
    """The course configuration in a copy of the repository's layout: the Assignments tab's
    list works before anything is released (an empty list, no exchange error), and a
    fetched assignment lands in my_assignments/."""
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
    (tmp_path / "assignments").mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", tmp_path / "assignments")
    tab = AssignmentList()
    tab.root_dir = str(tmp_path)
    saved = {k: os.environ.pop(k) for k in ("GENAI_LAB_EXCHANGE",) if k in os.environ}
    try:
        before = tab.list_released_assignments(COURSE)
        assert before == {"success": True, "value": []}, before
        _exchange_with_one_assignment(tmp_path / "assignments")
        listed = tab.list_released_assignments(COURSE)
        assert [a["assignment_id"] for a in listed["value"]] == ["hello"], listed
        fetched = tab.fetch_assignment(COURSE, "hello")
        assert fetched["success"], fetched
    finally:
        os.environ.update(saved)
    assert (tmp_path / "my_assignments" / "hello" / "hello.ipynb").is_file()
    assert not (tmp_path / "hello").exists()
