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
from .batch import BatchReport, grade_batch, summary_table
from .bridge import Timeouts
from .course import Course
from .grade import Settings, grade_submission
from .gradebook import load_results, snapshot
from .isolation import Limits, SandboxConfig, default_hide, detect_mode
from .result import CellResult, NotebookResult, SubmissionResult, read_result, write_result

__all__ = ["BatchReport", "CellResult", "Course", "Limits", "NotebookResult", "SandboxConfig",
           "Settings", "SubmissionResult", "Timeouts", "default_hide", "detect_mode",
           "grade_batch", "grade_submission", "load_results", "read_result", "snapshot",
           "summary_table", "write_result"]
