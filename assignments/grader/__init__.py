"""A grader a teacher can trust with a whole class (see README.md in this folder).

Public API:
    Course(root)                                   an nbgrader course folder
    Settings(sandbox=SandboxConfig(...), timeouts=Timeouts(...))
    grade_submission(course, student, assignment, settings) -> result dict
    grade_batch(course, pairs, settings, workers=None) -> BatchReport
    load_results(course, results)                  single writer into gradebook.db
    snapshot(course) -> dict                       gradebook content, for comparisons
"""
from .batch import BatchReport, grade_batch, summary_table
from .course import Course
from .execute import Timeouts
from .grade import Settings, grade_submission
from .gradebook import load_results, snapshot
from .sandbox import Limits, SandboxConfig, default_hide, detect_mode

__all__ = ["BatchReport", "Course", "Limits", "SandboxConfig", "Settings", "Timeouts",
           "default_hide", "detect_mode", "grade_batch", "grade_submission",
           "load_results", "snapshot", "summary_table"]
