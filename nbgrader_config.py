"""nbgrader, started from the repository root (``make lab``), uses the course in assignments/.

The course's real configuration is ``assignments/nbgrader_config.py``; this file only loads
it, so that JupyterLab's Formgrader and Assignments tabs find the course whether JupyterLab
was started here or inside ``assignments/``.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: F821
                            "assignments", "nbgrader_config.py"))
