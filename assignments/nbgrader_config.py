"""nbgrader configuration of the genai-lab course (this folder is the course directory).

Everything lives inside this folder, so a clone of the repository is a complete course:
source/<assignment>/ (teacher versions), release/, submitted/, autograded/, feedback/,
the gradebook (gradebook.db) and the exchange (exchange/, used by release/fetch/submit/
collect). Set GENAI_LAB_EXCHANGE to use another exchange folder (for example a folder
shared by all users of a JupyterHub).
"""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

HERE = os.path.dirname(os.path.abspath(__file__))  # the course directory
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "genai-lab"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
c.Exchange.root = os.environ.get("GENAI_LAB_EXCHANGE", os.path.join(HERE, "exchange"))
# nbgrader copies every other file of source/<assignment>/ verbatim into release/: a text
# copy of a teacher's notebook there (jupytext .md/.py) would ship its solutions and hidden
# tests. Notebooks are generated from scripts/assignments/specs/; never release text copies.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "*.md", "*.py", "*.myst", "*.Rmd", "*.qmd"]

# Students' notebooks run on the standard Python kernel of the course environment.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# Seconds a cell may run at grading before it is interrupted (an infinite loop then costs
# that cell, not the whole batch). Every reference cell runs in well under a second.
c.Execute.timeout = 30
# Feedback shows scores and visible tests, never the hidden tests.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
