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
