"""Grades for a learning platform: the gradebook as one row per student, one column per assignment.

    python scripts/lms_grades.py [--course assignments] [--out assignments/lms_grades.csv]

Canvas's gradebook import and Moodle's "Import grades from CSV" both read this shape: an
identifier column (here the nbgrader student id, which on the course hub is the hub user
name, i.e. the LMS login with the LTI authenticator), then one column per grade item. The
second row holds each assignment's maximum score (Canvas calls it "Points Possible"). A
student with no submission scores 0. nbgrader's own export (``course.sh export``,
``grades.csv``) stays the long table with every column nbgrader keeps.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


def table(db_url: str) -> list[list[str]]:
    """Header, points-possible row, then one row per student (sorted by id)."""
    with Gradebook(db_url) as gb:
        assignments = sorted(gb.assignments, key=lambda a: (a.duedate is None, a.name))
        rows = [["SIS Login ID", *[a.name for a in assignments]],
                ["Points Possible", *[f"{a.max_score:g}" for a in assignments]]]
        for student in sorted(gb.students, key=lambda s: s.id):
            row = [student.id]
            for assignment in assignments:
                try:
                    score = gb.find_submission(assignment.name, student.id).score
                except MissingEntry:
                    score = 0.0
                row.append(f"{score:g}")
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=Path("assignments"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    db = args.course / "gradebook.db"
    if not db.is_file():
        print(f"lms_grades: no gradebook at {db} (grade first: make grade)", file=sys.stderr)
        return 2
    out = args.out or args.course / "lms_grades.csv"
    rows = table(f"sqlite:///{db.resolve()}")
    with open(out, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    print(f"wrote {out}: {len(rows) - 2} students, {len(rows[0]) - 1} assignments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
