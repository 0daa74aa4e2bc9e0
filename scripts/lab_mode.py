"""Write the Jupyter configuration folder of a student's or a teacher's JupyterLab.

    python scripts/lab_mode.py student .venv/etc/jupyter-student
    python scripts/lab_mode.py teacher .venv/etc/jupyter-teacher

``make lab`` (students) and ``make lab-teacher`` start JupyterLab with JUPYTER_CONFIG_DIR set
to such a folder, inside the course environment: nothing is written to the home folder,
and the two set-ups differ only in what this script writes.

* student: nbgrader's teacher tools are switched off — the Formgrader, Create Assignment
  and the course list (JupyterLab plugins, ``labconfig/page_config.json``) and the
  Formgrader's server extension (``jupyter_server_config.json``). The Assignments tab
  (fetch, submit, fetch feedback) and Validate stay.
* teacher: everything on (an explicit empty list of disabled plugins).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

TEACHER_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")
TEACHER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                             "nbgrader.server_extensions.course_list")


def configuration(mode: str) -> dict[str, dict]:
    """File name (relative to the config folder) -> JSON content, for ``mode``."""
    if mode not in ("student", "teacher"):
        raise ValueError(f"mode must be 'student' or 'teacher', got {mode!r}")
    student = mode == "student"
    disabled = {name: True for name in TEACHER_PLUGINS} if student else {}
    server = {name: not student for name in TEACHER_SERVER_EXTENSIONS}
    return {"labconfig/page_config.json": {"disabledExtensions": disabled},
            "jupyter_server_config.json": {"ServerApp": {"jpserver_extensions": server}}}


def write(mode: str, folder: Path) -> list[Path]:
    written = []
    for name, content in configuration(mode).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=1) + "\n")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("student", "teacher"):
        print("usage: python scripts/lab_mode.py student|teacher FOLDER", file=sys.stderr)
        return 2
    for path in write(argv[0], Path(argv[1])):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
