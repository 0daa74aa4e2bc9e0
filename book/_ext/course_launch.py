"""Sphinx extension of the book: what a reader needs to run a chapter somewhere else.

Two additions, both made at build time so the chapter sources (``chapters/*.md``) stay free
of them and the repository URL is set in one place, ``repository:`` in ``_config.yml``:

* every notebook page gets a first code cell, tagged ``remove-cell`` (the web page does not
  show it), that installs the course package when ``import genai_lab`` fails. The book's
  ``.ipynb`` download is the executed notebook, so a downloaded chapter carries it: on
  Colab or any fresh Jupyter it installs the course from the repository; where the course
  is installed (``make lab``, Binder) it does nothing.
* every page gets a short "Run it yourself" tip under its title pointing at ``make lab``
  and at the section of the students' page that lists the ways to run a chapter.

And one repair: MyST-NB 1.4 writes ``jupyter_execute/<page>.ipynb`` (which the theme copies
as the page's ``.ipynb`` download) without outputs when the page's outputs come from the
execution cache; after the build, such notebooks get their cached outputs back.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from sphinx import addnodes
from sphinx.application import Sphinx

# A MyST Markdown notebook starts with a YAML front matter holding its jupytext header.
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.S)
# The label of the students' section on running a chapter (chapters/for_students.md).
RUN_SECTION = "run-the-chapters"


def install_requirement(repository_url: str, branch: str) -> str:
    """The pip requirement that installs the course from its repository."""
    if not repository_url.startswith("https://"):
        raise ValueError(f"repository url must start with https://, got {repository_url!r}")
    if not branch:
        raise ValueError("repository branch must not be empty")
    return f"genai-lab @ git+{repository_url.rstrip('/')}@{branch}"


def install_cell_source(repository_url: str, branch: str) -> str:
    """The Python source of the first cell of every downloaded chapter."""
    return (
        "# Added by the book build: on Colab or a fresh Jupyter, install the course package;\n"
        "# where it is installed already (make lab, Binder) this cell does nothing.\n"
        "try:\n"
        "    import genai_lab  # noqa: F401\n"
        "except ModuleNotFoundError:\n"
        f"    %pip install --quiet \"{install_requirement(repository_url, branch)}\"\n"
    )


def add_install_cell(text: str, repository_url: str, branch: str) -> str:
    """``text`` with the install cell after its front matter, if it is a MyST notebook."""
    match = FRONT_MATTER.match(text)
    if match is None or "jupytext:" not in match.group("yaml"):
        return text  # a plain Markdown page, not a notebook
    cell = ("\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
            + install_cell_source(repository_url, branch) + "```\n")
    return text[:match.end()] + cell + text[match.end():]


def _repository(app: Sphinx) -> tuple[str, str]:
    options = app.config.html_theme_options
    return options.get("repository_url", ""), options.get("repository_branch", "main")


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    source[0] = add_install_cell(source[0], *_repository(app))


def run_locally_tip(docname: str) -> nodes.admonition:
    """The tip shown under every page's title."""
    tip = nodes.admonition(classes=["tip", "run-locally"])
    tip += nodes.title(text="Run it yourself")
    paragraph = nodes.paragraph()
    paragraph += nodes.Text("In the course folder, ")
    paragraph += nodes.literal(text="make lab")
    paragraph += nodes.Text(" opens every chapter as a notebook in JupyterLab, where you can "
                            "run and change each cell (")
    link = addnodes.pending_xref(refdomain="std", reftype="ref", reftarget=RUN_SECTION,
                                 refexplicit=True, refwarn=True, refdoc=docname)
    link += nodes.inline(text="other ways to run a chapter")
    paragraph += link
    paragraph += nodes.Text(").")
    tip += paragraph
    return tip


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    index = section.index(title) + 1 if title is not None else 0
    section.insert(index, run_locally_tip(app.env.docname))


def _restore_cached_outputs(app: Sphinx, exception: Exception | None) -> None:
    config = getattr(app.env, "mystnb_config", None)
    if exception is not None or config is None or config.execution_mode != "cache":
        return
    cache = get_cache(config.execution_cache_path or ".jupyter_cache")
    executed = Path(app.outdir).parent / "jupyter_execute"
    for path in sorted(executed.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
            continue  # executed in this build: the file has its outputs
        try:
            _, merged = cache.merge_match_into_notebook(nb)
        except KeyError:
            continue  # not in the cache
        text = nbformat.writes(merged)
        path.write_text(text, encoding="utf-8")
        download = Path(app.outdir) / "_sources" / path.relative_to(executed)
        if download.is_file():
            download.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("source-read", _on_source_read)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("build-finished", _restore_cached_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
