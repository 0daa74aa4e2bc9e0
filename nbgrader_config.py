"""nbgrader, started from the repository root (``make lab``), uses the course in assignments/.

The course's real configuration is ``assignments/nbgrader_config.py``; this file only loads
it, so that JupyterLab's Formgrader and Assignments tabs find the course whether JupyterLab
was started here or inside ``assignments/``.

A student's fetched assignments go to ``my_assignments/<assignment>/`` (git-ignored), not
into the repository's root folder.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: F821
                            "assignments", "nbgrader_config.py"))

# Where the Assignments tab (and `nbgrader fetch_assignment` run here) puts fetched work.
MY_ASSIGNMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "my_assignments")
os.makedirs(MY_ASSIGNMENTS, exist_ok=True)
c.Exchange.assignment_dir = MY_ASSIGNMENTS
# The Assignments tab reads its configuration again from inside that folder: give it one
# that loads this file.
_INNER = os.path.join(MY_ASSIGNMENTS, "nbgrader_config.py")
if not os.path.exists(_INNER):
    with open(_INNER, "w") as f:
        f.write('"""Written by ../nbgrader_config.py: the course configuration."""\n'
                'import os\n'
                'c = get_config()  # noqa: F821\n'
                'load_subconfig(os.path.join(os.path.dirname(os.path.dirname('
                'os.path.abspath(__file__))), "nbgrader_config.py"))  # noqa: F821\n')
