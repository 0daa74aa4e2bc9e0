"""A grader a teacher can trust with a whole class (see README.md in this folder).

Public API:
    Course(root)                                   an nbgrader course folder
    Settings(sandbox=SandboxConfig(...), timeouts=Timeouts(...))
    grade_submission(course, student, assignment, settings) -> SubmissionResult
    grade_batch(course, pairs, settings, workers=None) -> BatchReport
    load_results(course, results)                  single writer into gradebook.db
    snapshot(course) -> dict                       gradebook content, for comparisons
    read_result(path), write_result(path, result)  the results file (JSON)

Modules, from the leaves up (each imports only modules above it in this list):
    codec, course, notebook, result                data codec; course folder; rebuilt
                                                   notebook; typed results + their JSON
    isolation                                      namespaces, mounts, rlimits, identity
    sandbox                                        the sandboxed process and its framed channel
    bridge                                         tests reach student objects (Remote, Timeouts)
    execute                                        the notebook run: cells executed, tests scored
    grade, gradebook, feedback                     one submission; the gradebook writer; HTML
    batch -> __main__                              many submissions in parallel; the command line
    runner (sent into the sandbox as text, imports nothing of ours), fabricate (tests)
"""
import importlib

# name -> module that defines it; loaded on first use, so that a process which grades one
# submission (task.py) never imports nbgrader's gradebook (seconds of imports)
_EXPORTS = {"BatchReport": "batch", "grade_batch": "batch", "summary_table": "batch",
            "Timeouts": "bridge", "Course": "course", "Settings": "grade",
            "grade_submission": "grade", "load_results": "gradebook", "snapshot": "gradebook",
            "Limits": "isolation", "SandboxConfig": "isolation", "default_hide": "isolation",
            "detect_mode": "isolation", "CellResult": "result", "NotebookResult": "result",
            "SubmissionResult": "result", "read_result": "result", "write_result": "result"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
