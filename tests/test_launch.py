"""Running a chapter outside the book: the install cell, Binder's environment, `make lab`.

The install cell that the book adds to every executed (and downloadable) chapter comes from
``book/_ext/course_launch.py`` and the repository of ``_config.yml``; test_book.py checks it
is the first cell of every built notebook. Here: it does nothing where the package is
installed and runs one ``%pip install`` where it is missing; the requirement it installs,
and Binder's ``binder/requirements.txt``, install the course into a fresh virtualenv from a
copy of this checkout, offline (``--no-index``: nothing is downloaded; the course's own
dependencies come from this environment); ``make lab`` writes the jupytext viewer setting
inside the environment, not in the home folder; and a real JupyterLab (on 127.0.0.1, over a
copy of the chapters) opens a chapter as a notebook and saves it back unchanged.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]


def _launch_module():
    path = ROOT / "book" / "_ext" / "course_launch.py"
    spec = importlib.util.spec_from_file_location("course_launch_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


launch = _launch_module()


# ------------------------------------------------------------ the configuration
def test_launch_configuration() -> None:
    buttons = CONFIG["launch_buttons"]
    assert buttons["binderhub_url"].startswith("https://"), "Binder is the launch button"
    assert buttons["notebook_interface"] == "jupyterlab"
    assert not buttons.get("colab_url"), "Colab cannot open the .md chapters: no Colab button"
    assert REPOSITORY["url"].startswith("https://github.com/") and REPOSITORY["branch"]


def test_repository_url_is_set_in_one_place() -> None:
    """Links from the pages and the Binder set-up into the course's repository all use
    _config.yml's URL (the install cell is built from it and has no copy of its own)."""
    url = REPOSITORY["url"].rstrip("/")
    owner = url.split("github.com/")[1].split("/")[0]
    for path in [*(ROOT / "chapters").glob("*.md"), *(ROOT / "binder").iterdir()]:
        text = path.read_text(encoding="utf-8")
        for found in re.findall(rf"https?://github\.com/{owner}/[\w.-]+", text):
            assert found == url, f"{path.relative_to(ROOT)} links to {found}, not {url}"
    assert "github.com" not in (ROOT / "book" / "_ext" / "course_launch.py").read_text(
        encoding="utf-8")


def test_install_requirement_checks_its_input() -> None:
    assert launch.install_requirement("https://example.org/a/b/", "dev") == \
        "genai-lab @ git+https://example.org/a/b@dev"
    with pytest.raises(ValueError, match="https://"):
        launch.install_requirement("git@github.com:a/b", "main")
    with pytest.raises(ValueError, match="branch"):
        launch.install_requirement("https://example.org/a/b", "")


def test_install_cell_is_added_to_notebooks_only() -> None:
    notebook = "---\njupytext:\n  formats: md:myst\n---\n\n# Title\n"
    added = launch.add_install_cell(notebook, REPOSITORY["url"], REPOSITORY["branch"])
    assert added.startswith("---\njupytext:\n  formats: md:myst\n---\n\n```{code-cell} ipython3\n"
                            ":tags: [remove-cell]\n")
    assert added.endswith("```\n\n# Title\n")
    page = "# For students\n\ntext\n"
    assert launch.add_install_cell(page, REPOSITORY["url"], REPOSITORY["branch"]) == page


# -------------------------------------------------------------- the install cell
def _run_cell(source: str) -> list[tuple[str, str]]:
    """Run an IPython cell's source; return the line magics it called."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(source)
    calls: list[tuple[str, str]] = []

    class Shell:
        def run_line_magic(self, name: str, line: str) -> None:
            calls.append((name, line))

    exec(compile(python, "<install cell>", "exec"), {"get_ipython": Shell})
    return calls


def test_install_cell_does_nothing_where_the_course_is_installed() -> None:
    source = launch.install_cell_source(REPOSITORY["url"], REPOSITORY["branch"])
    assert _run_cell(source) == []


def test_install_cell_installs_the_course_where_it_is_missing(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "genai_lab", None)  # `import genai_lab` now fails
    source = launch.install_cell_source(REPOSITORY["url"], REPOSITORY["branch"])
    requirement = launch.install_requirement(REPOSITORY["url"], REPOSITORY["branch"])
    assert _run_cell(source) == [("pip", f'install --quiet "{requirement}"')]


# ------------------------------------------------ installing into a fresh venv, offline
@pytest.fixture(scope="module")
def checkout_copy(tmp_path_factory) -> Path:
    """The tracked files of this checkout, copied (pip builds in the source folder)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    copy = tmp_path_factory.mktemp("course") / "genai-lab"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A new virtualenv whose own site-packages has no genai_lab; the course's dependencies
    (numpy, ..., and setuptools to build it) are reachable through a .pth line to this
    environment's site-packages, after the venv's own."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "course_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


def _pip_install_offline(venv: Path, *args: str, cwd: Path) -> None:
    # this environment's pip installs into the fresh one (which has no pip of its own)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                           "install", "--quiet",
                           "--no-index", "--no-deps", "--no-build-isolation",
                           "--disable-pip-version-check", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"pip install {args} failed:\n{proc.stdout}{proc.stderr}"


def _installed(venv: Path, cwd: Path) -> dict:
    probe = ("import json, importlib.resources as r, genai_lab, genai_lab.display.quiz; "
             "assets = r.files('genai_lab.display') / 'assets'; "
             "print(json.dumps({'file': genai_lab.__file__, "
             "'assets': sorted(p.name for p in assets.iterdir())}))")
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_install_cell_requirement_installs_in_a_fresh_venv(fresh_venv: Path,
                                                           checkout_copy: Path,
                                                           tmp_path: Path) -> None:
    requirement = launch.install_requirement(REPOSITORY["url"], REPOSITORY["branch"])
    # the same requirement, with the repository replaced by the copy of this checkout
    local = requirement.split(" @ ")[0] + " @ " + checkout_copy.as_uri()
    _pip_install_offline(fresh_venv, local, cwd=tmp_path)
    found = _installed(fresh_venv, cwd=tmp_path)
    assert Path(found["file"]).is_relative_to(fresh_venv), found["file"]
    assert {"quiz.css", "quiz.js"} <= set(found["assets"]), "the quiz assets are package data"


def test_binder_requirements_install_the_course(fresh_venv: Path, checkout_copy: Path,
                                                tmp_path: Path) -> None:
    lines = (checkout_copy / "binder" / "requirements.txt").read_text(
        encoding="utf-8").splitlines()
    assert "-e ." in lines and "-c ../constraints.txt" in lines
    assert (checkout_copy / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = checkout_copy / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild only if executable"
    assert "set-default-viewer markdown myst" in post_build.read_text(encoding="utf-8")
    # repo2docker installs it from the repository's root
    _pip_install_offline(fresh_venv, "-r", "binder/requirements.txt", cwd=checkout_copy)
    found = _installed(fresh_venv, cwd=tmp_path)
    assert Path(found["file"]).is_relative_to(checkout_copy), found["file"]


# ------------------------------------------------------------------------ make lab
def _make_lab_commands(*overrides: str) -> list[str]:
    """The jupytext-config command(s) `make lab` would run (``make -n``: nothing runs)."""
    plan = subprocess.run(["make", "-n", "lab", *overrides], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.splitlines()
    return [line for line in plan if "jupytext-config" in line]


def test_make_lab_writes_the_viewer_setting_inside_the_environment(tmp_path: Path) -> None:
    (default,) = _make_lab_commands()
    assert ".venv/share/jupyter/lab/settings/overrides.json" in default, default
    assert "~" not in default and "HOME" not in default
    settings = tmp_path / "overrides.json"
    (command,) = _make_lab_commands(f"LAB_SETTINGS={settings}")
    subprocess.run(command, shell=True, cwd=ROOT, check=True, capture_output=True)
    viewers = json.loads(settings.read_text())["@jupyterlab/docmanager-extension:plugin"]
    assert viewers["defaultViewers"]["markdown"] == "Jupytext Notebook"


# ------------------------------------------------- a chapter in JupyterLab, for real
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over a copy of chapters/ and jupytext.toml, with the viewer
    setting `make lab` writes, and HOME and every Jupyter folder in a temporary folder."""
    base = tmp_path_factory.mktemp("lab")
    course = base / "course"
    shutil.copytree(ROOT / "chapters", course / "chapters")
    shutil.copy2(ROOT / "jupytext.toml", course / "jupytext.toml")
    settings = base / "app-settings"
    (command,) = _make_lab_commands(f"LAB_SETTINGS={settings / 'overrides.json'}")
    subprocess.run(command, shell=True, cwd=ROOT, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    env = {**os.environ, "HOME": str(base / "home"), "JUPYTER_CONFIG_DIR": str(base / "cfg"),
           "JUPYTER_DATA_DIR": str(base / "data"), "JUPYTER_RUNTIME_DIR": str(base / "run")}
    jupyter = Path(sys.executable).parent / "jupyter"
    flags = ["--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
             f"--LabApp.app_settings_dir={settings}"]
    if os.geteuid() == 0:
        flags.append("--allow-root")
    log = open(base / "lab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(jupyter), "lab", *flags], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                raise RuntimeError((base / "lab.log").read_text()[-3000:])
            time.sleep(0.5)

    def api(method: str, path: str, body=None):
        request = urllib.request.Request(
            url + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    yield api, course
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_jupyterlab_opens_a_chapter_as_a_notebook(lab) -> None:
    api, _ = lab
    plugin = api("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    assert plugin["schema"]["properties"]["defaultViewers"]["default"]["markdown"] == \
        "Jupytext Notebook", "a double-click on a .md opens it as a notebook"
    model = api("GET", "/api/contents/chapters/01_data_collection.md?type=notebook&content=1")
    assert model["type"] == "notebook"
    nb = model["content"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert any(c["cell_type"] == "code" and c["metadata"].get("tags") for c in nb["cells"])


def test_saving_a_run_chapter_in_jupyterlab_leaves_the_file_unchanged(lab) -> None:
    api, course = lab
    path = course / "chapters" / "01_data_collection.md"
    before = path.read_bytes()
    nb = api("GET", "/api/contents/chapters/01_data_collection.md?type=notebook&content=1")[
        "content"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":  # as if the chapter had been run
            cell["execution_count"] = 1
            cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                                "text": "an output that must not be saved\n"}]
    saved = api("PUT", "/api/contents/chapters/01_data_collection.md",
                {"type": "notebook", "format": "json", "content": nb})
    assert saved["path"] == "chapters/01_data_collection.md"
    assert path.read_bytes() == before, "saving changed the chapter's source"
    assert sorted(p.name for p in path.parent.iterdir() if p.suffix == ".ipynb") == []
