"""nbgrader in a student's server on the course hub: the course and its shared exchange.

The hub (hub/jupyterhub_config.py) sets GENAI_LAB_EXCHANGE for every server it starts.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.CourseDirectory.course_id = "genai-lab"
c.Exchange.root = os.environ["GENAI_LAB_EXCHANGE"]
# Every trial server runs as the hub's system user: name submissions by the hub user
# (JupyterHub sets JUPYTERHUB_USER in each server), not by the system user.
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
