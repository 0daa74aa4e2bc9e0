"""Where things are in an nbgrader course folder, and which submissions exist."""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .submitted import MAX_NOTEBOOK_BYTES, read_or_none

GRADER_VERSION = "1"      # bump when grading semantics change: old results are regraded


@dataclasses.dataclass(frozen=True)
class Course:
    """An nbgrader course folder (``source/``, ``submitted/``, ``gradebook.db``)."""
    root: Path
    results_dir: Path | None = None   # where per-submission results go (None: root/grader_results)

    @property
    def results(self) -> Path:
        return self.results_dir or self.root / "grader_results"

    @property
    def gradebook_url(self) -> str:
        return f"sqlite:///{(self.root / 'gradebook.db').resolve()}"

    def source_notebooks(self, assignment: str) -> list[Path]:
        folder = self.root / "source" / assignment
        if not folder.is_dir():
            raise FileNotFoundError(f"no source folder for assignment {assignment!r}: {folder}")
        found = sorted(folder.glob("*.ipynb"))
        if not found:
            raise FileNotFoundError(f"assignment {assignment!r} has no notebooks in {folder}")
        return found

    def assignments(self) -> list[str]:
        return sorted(p.name for p in (self.root / "source").iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def graded_notebooks(self, student: str, assignment: str,
                         names) -> list[tuple[str, Path, Path]]:
        """(name, teacher's notebook, submitted notebook) of each source notebook whose
        name is in ``names`` (e.g. a result's ``notebooks``), in the source's order."""
        submitted = self.submitted(student, assignment)
        return [(path.stem, path, submitted / path.name)
                for path in self.source_notebooks(assignment) if path.stem in names]

    def copy_submitted(self, student: str, assignment: str, names, folder: Path) -> None:
        """The submission's files ``names`` copied into ``folder``: regular files only
        (``read_or_none`` follows no link); those missing are left out."""
        for name in names:
            data = read_or_none(self.submitted(student, assignment) / name)
            if data is not None:
                (folder / name).write_bytes(data)

    def submissions(self, assignments: list[str] | None = None,
                    students: list[str] | None = None) -> list[tuple[str, str]]:
        """(student, assignment) pairs that have a submission folder, sorted."""
        wanted = set(assignments or self.assignments())
        root = self.root / "submitted"
        pairs = []
        if root.is_dir():
            for sdir in sorted(root.iterdir()):
                if not sdir.is_dir() or (students and sdir.name not in students):
                    continue
                for adir in sorted(sdir.iterdir()):
                    if adir.is_dir() and adir.name in wanted:
                        pairs.append((sdir.name, adir.name))
        return pairs

    def result_path(self, student: str, assignment: str) -> Path:
        return self.results / student / f"{assignment}.json"

    def fingerprint(self, student: str, assignment: str, settings: str) -> str:
        """Hash of everything the grade depends on: teacher + student notebooks, settings."""
        h = hashlib.sha256(f"{GRADER_VERSION}\0{settings}\0".encode())
        for nb in self.source_notebooks(assignment):
            h.update(nb.name.encode() + b"\0" + nb.read_bytes() + b"\0")
            sub = read_or_none(self.submitted(student, assignment) / nb.name, MAX_NOTEBOOK_BYTES)
            h.update(b"<unreadable>" if sub is None else b"=" + sub)
            h.update(b"\0")
        h.update(read_or_none(self.submitted(student, assignment) / "timestamp.txt") or b"")
        return h.hexdigest()
