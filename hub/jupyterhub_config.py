"""JupyterHub for a class of the genai-lab course: a trial on 127.0.0.1 (``make hub``).

Who: the roster (hub/roster.csv: username, role, password), one or more instructors and the
students. Each user logs in with the roster's password (RosterAuthenticator below: a trial
authenticator; a real class uses its institution's, see hub/README.md) and gets their own
Jupyter server with its own home folder, ``<data>/home/<username>``, running the course
environment (this virtualenv: the genai_lab package, jupytext, widgets, nbgrader).

The nbgrader exchange, ``<data>/exchange``, is shared by every server and the Formgrader:
instructors release into it, students fetch and submit through it, feedback returns through
it. Students' servers have no Formgrader (hub/student/ is their Jupyter configuration).

The Formgrader is a hub service, ``/services/formgrader-genai-lab/``, a Jupyter server in
the course directory (assignments/ unless GENAI_LAB_HUB_COURSE says otherwise); only the
hub group ``formgrade-genai-lab`` (the roster's instructors) may open it, as in nbgrader's
"Using nbgrader with JupyterHub". Students are in the group ``nbgrader-genai-lab``.

Settings from the environment (the defaults suit ``make hub``):
GENAI_LAB_HUB_DATA (default .cache/hub), GENAI_LAB_HUB_COURSE, GENAI_LAB_HUB_ROSTER,
GENAI_LAB_HUB_PORT (8000), GENAI_LAB_HUB_API_PORT (8081), GENAI_LAB_HUB_PROXY_API_PORT (8001),
GENAI_LAB_HUB_FORMGRADER_PORT (8002).

Trial only: every server runs as the same system user as the hub (SimpleLocalProcessSpawner),
so the hub keeps students out of each other's servers, but code a student runs could read
any file that user can. A real class gives each student a system user or a container.
"""
import csv
import hmac
import os
import sys
from pathlib import Path

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner

HUB = Path(__file__).resolve().parent
ROOT = HUB.parent
BIN = Path(sys.executable).parent                      # the course virtualenv's bin/
COURSE_ID = "genai-lab"
DATA = Path(os.environ.get("GENAI_LAB_HUB_DATA", ROOT / ".cache" / "hub")).resolve()
COURSE = Path(os.environ.get("GENAI_LAB_HUB_COURSE", ROOT / "assignments")).resolve()
ROSTER = Path(os.environ.get("GENAI_LAB_HUB_ROSTER", HUB / "roster.csv")).resolve()
EXCHANGE = DATA / "exchange"
FORMGRADER = f"formgrader-{COURSE_ID}"
PROXY = ROOT / ".venv" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
AS_ROOT = ["--allow-root"] if os.geteuid() == 0 else []


def port(name: str, default: int) -> int:
    return int(os.environ.get(f"GENAI_LAB_HUB_{name}", default))


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """The roster as {username: {"role": ..., "password": ...}}; roles instructor/student."""
    with open(path, newline="") as handle:
        rows = {row["username"].strip(): row for row in csv.DictReader(handle)}
    for name, row in rows.items():
        if row["role"] not in ("instructor", "student") or not name or not row["password"]:
            raise ValueError(f"roster {path}: bad row for {name!r}: {row} "
                             "(expected username, role instructor|student, password)")
    return rows


class RosterAuthenticator(Authenticator):
    """Log in with the username and password of the roster (a trial, not for a real class)."""

    async def authenticate(self, handler, data):
        row = read_roster(ROSTER).get(data.get("username", ""))
        given = data.get("password", "").encode()
        if row and hmac.compare_digest(given, row["password"].encode()):
            return data["username"]
        return None


roster = read_roster(ROSTER)
instructors = sorted(n for n, r in roster.items() if r["role"] == "instructor")
students = sorted(n for n, r in roster.items() if r["role"] == "student")
for folder in (DATA, DATA / "home", DATA / "formgrader-home", EXCHANGE):
    folder.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o777)      # every user's server reads and writes here (nbgrader's own rights)

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)
c.JupyterHub.bind_url = f"http://127.0.0.1:{port('PORT', 8000)}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port("API_PORT", 8081)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port('PROXY_API_PORT', 8001)}"
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(DATA / "proxy.pid")

c.JupyterHub.authenticator_class = RosterAuthenticator
c.Authenticator.allowed_users = set(roster)
c.Authenticator.admin_users = set()

c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(DATA / "home" / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = AS_ROOT
c.Spawner.default_url = "/tree"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    "JUPYTER_CONFIG_DIR": str(HUB / "student"),   # nbgrader: course + exchange, no Formgrader
    "GENAI_LAB_EXCHANGE": str(EXCHANGE),
}
for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
             "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
    if name in os.environ:
        c.Spawner.environment[name] = os.environ[name]

c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": instructors},
    f"nbgrader-{COURSE_ID}": {"users": students},
}
c.JupyterHub.load_roles = [
    {"name": f"formgrade-{COURSE_ID}", "groups": [f"formgrade-{COURSE_ID}"],
     "scopes": [f"access:services!service={FORMGRADER}"]},
]
c.JupyterHub.services = [{
    "name": FORMGRADER,
    "url": f"http://127.0.0.1:{port('FORMGRADER_PORT', 8002)}",
    "command": [str(BIN / "jupyterhub-singleuser"), *AS_ROOT,
                f"--ServerApp.root_dir={COURSE}"],
    "cwd": str(COURSE),
    "oauth_no_confirm": True,
    "environment": {
        "PATH": c.Spawner.environment["PATH"],
        "GENAI_LAB_EXCHANGE": str(EXCHANGE),    # read by the course's nbgrader_config.py
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
        "JUPYTER_CONFIG_DIR": str(DATA / "formgrader-config"),  # not the real home's
        "HOME": str(DATA / "formgrader-home"),
    },
}]
