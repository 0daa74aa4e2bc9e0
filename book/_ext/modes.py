"""Sphinx extension of the book: the pages of the "ways in" built from the chapters themselves.

One directive, ``{course-mode} KIND``, leaves a placeholder that is filled when the page is
written, from the other pages as they were read and executed in this build (so the mode
pages can never drift from the chapters):

* ``figures``      every figure and diagram of the chapters, in reading (pipeline) order,
  with its caption (the figure's alt text: what it shows, in words) and a link to its section;
* ``math``         every paragraph with an equation (and every displayed equation), page by
  page, with a link to where it is derived;
* ``explore``      every "Try it" section (the live controls), with its text, its static
  rendering and a link;
* ``notebooks``    every notebook page, with its source file and how to open it in JupyterLab;
* ``assignments``  the graded assignments, read from ``scripts/assignments/specs/``.

Copied nodes keep their text; cross-references inside them become plain text (they were
resolved for their own page), and ids are dropped so that nothing is defined twice.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from reading_time import reading_time_node, words_in_doctree  # book/_ext, on sys.path

KINDS = ("figures", "math", "explore", "notebooks", "assignments")
CHAPTER = re.compile(r"^chapters/\d\d_")  # the numbered chapters, in the toc's order
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.S)
ALT = re.compile(r'<img\b[^>]*\balt="(?P<alt>[^"]*)"', re.S)
SPEC_TITLE = re.compile(r"^# # (?P<title>Assignment (?P<n>\d+):.*)$", re.M)


class course_mode(nodes.General, nodes.Element):
    """Placeholder for a mode's generated content (replaced before the page is written)."""


class CourseModeDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0].strip()
        if kind not in KINDS:
            raise self.error(f"course-mode kind must be one of {KINDS}, got {kind!r}")
        return [course_mode(kind=kind)]


# ------------------------------------------------------------------------ helpers
def pages_in_order(app: Sphinx) -> list[str]:
    """Every document reachable from the root's toctrees, depth first, in reading order."""
    env = app.env
    out: list[str] = []

    def visit(docname: str) -> None:
        if docname in out:
            return
        out.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(app.config.root_doc)
    return out


def chapters_in_order(app: Sphinx) -> list[str]:
    return [d for d in pages_in_order(app) if CHAPTER.match(d)]


def plain_copy(node: nodes.Node) -> nodes.Node:
    """A deep copy of ``node`` with references turned into their text and no ids."""
    copy = node.deepcopy()
    for ref in list(copy.findall(lambda n: n.tagname in ("pending_xref", "citation_reference",
                                                          "footnote_reference"))):
        if ref.get("refdomain") == "cite" or ref.tagname != "pending_xref":
            ref.parent.remove(ref)  # a citation: its number belongs to its own page
        else:
            ref.replace_self(nodes.inline("", ref.astext()))
    for element in copy.findall(nodes.Element):
        element["ids"] = []
    return copy


def link(app: Sphinx, fromdoc: str, todoc: str, text: str, anchor: str = "") -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, todoc) + (f"#{anchor}" if anchor else "")
    return nodes.reference("", text, internal=True, refuri=uri)


def section_of(node: nodes.Node) -> nodes.section | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    return parent


def section_title(section: nodes.section | None) -> str:
    if section is None:
        return ""
    title = next(iter(section.findall(nodes.title)), None)
    return title.astext() if title is not None else ""


def page_title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def heading(app: Sphinx, fromdoc: str, docname: str) -> nodes.rubric:
    rubric = nodes.rubric(classes=["course-mode-page"])
    rubric += link(app, fromdoc, docname, page_title(app, docname))
    return rubric


def where(app: Sphinx, fromdoc: str, docname: str, section: nodes.section | None,
          prefix: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["course-mode-where"])
    para += nodes.Text(prefix)
    anchor = section["ids"][0] if section is not None and section["ids"] else ""
    title = section_title(section) or page_title(app, docname)
    para += link(app, fromdoc, docname, title, anchor)
    return para


INLINE = re.compile(r"\*\*(?P<strong>[^*]+)\*\*|`(?P<code>[^`]+)`")


def inline_markdown(text: str) -> list[nodes.Node]:
    """``**strong**`` and ```code``` of a spec's Markdown as docutils nodes, the rest as text."""
    out: list[nodes.Node] = []
    at = 0
    for match in INLINE.finditer(text):
        if match.start() > at:
            out.append(nodes.Text(text[at:match.start()]))
        if match.group("strong") is not None:
            out.append(nodes.strong("", match.group("strong")))
        else:
            out.append(nodes.literal("", match.group("code")))
        at = match.end()
    if at < len(text):
        out.append(nodes.Text(text[at:]))
    return out


def is_figure(node: nodes.Node) -> bool:
    if isinstance(node, nodes.image):
        return True
    return (isinstance(node, nodes.raw) and "html" in node.get("format", "")
            and "<img" in node.astext())


# ------------------------------------------------------------------------ the kinds
def figures(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    number = 0
    for docname in chapters_in_order(app):
        doctree = app.env.get_doctree(docname)
        found = [n for n in doctree.findall(is_figure)]
        if not found:
            continue
        out.append(heading(app, fromdoc, docname))
        for node in found:
            number += 1
            box = nodes.container(classes=["course-mode-figure"])
            box += where(app, fromdoc, docname, section_of(node), f"Figure {number}, from ")
            box += plain_copy(node)
            alts = ([node.get("alt", "")] if isinstance(node, nodes.image)
                    else [html.unescape(m.group("alt")) for m in ALT.finditer(node.astext())])
            for alt in filter(None, alts):
                box += nodes.paragraph("", alt, classes=["course-mode-caption"])
            out.append(box)
    summary = nodes.paragraph("", f"{number} figures and diagrams from "
                                  f"{len(chapters_in_order(app))} chapters.",
                              classes=["course-mode-count"])
    return [summary, *out]


def _math_blocks(doctree: nodes.document) -> list[nodes.Node]:
    """Paragraphs holding inline math, and displayed equations, in document order."""
    out: list[nodes.Node] = []
    for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.math_block))):
        if isinstance(node, nodes.math_block) or any(node.findall(nodes.math)):
            if not any(isinstance(p, nodes.paragraph) for p in _ancestors(node)):
                out.append(node)
    return out


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _term_of(node: nodes.Node) -> str:
    """The glossary term a definition paragraph belongs to, if any."""
    for parent in _ancestors(node):
        if isinstance(parent, nodes.definition_list_item):
            term = next(iter(parent.findall(nodes.term)), None)
            return term.astext() if term is not None else ""
    return ""


def math(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    total = 0
    for docname in pages_in_order(app):
        if docname == fromdoc:
            continue
        blocks = _math_blocks(app.env.get_doctree(docname))
        if not blocks:
            continue
        out.append(heading(app, fromdoc, docname))
        for block in blocks:
            total += 1
            box = nodes.container(classes=["course-mode-math"])
            term = _term_of(block)
            if term:
                box += nodes.paragraph("", "", nodes.strong("", term))
            box += plain_copy(block)
            box += where(app, fromdoc, docname, section_of(block), "In ")
            out.append(box)
    summary = nodes.paragraph("", f"{total} passages with equations.",
                              classes=["course-mode-count"])
    return [summary, *out]


def explore(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    total = 0
    for docname in chapters_in_order(app):
        doctree = app.env.get_doctree(docname)
        sections = [s for s in doctree.findall(nodes.section)
                    if section_title(s).lower().startswith("try it")]
        if not sections:
            continue
        out.append(heading(app, fromdoc, docname))
        for section in sections:
            total += 1
            box = nodes.container(classes=["course-mode-explore"])
            box += where(app, fromdoc, docname, section, f"Live control {total}: ")
            first = next(iter(section.findall(nodes.paragraph)), None)
            if first is not None:
                box += plain_copy(first)
            rendering = [n for n in section.findall(is_figure)] + [
                n for n in section.findall(nodes.raw) if "<table" in n.astext()]
            if rendering:
                box += nodes.paragraph("", "Its default setting, as the web page shows it:")
                box += plain_copy(rendering[0])
            out.append(box)
    summary = nodes.paragraph("", f"{total} live controls in {len(out) - total} chapters.",
                              classes=["course-mode-count"])
    return [summary, *out]


def _is_notebook(app: Sphinx, docname: str) -> bool:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".md" or not path.is_file():
        return False
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return match is not None and "jupytext:" in match.group("yaml")


def notebooks(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    items = nodes.bullet_list()
    for docname in pages_in_order(app):
        if not _is_notebook(app, docname) or docname == fromdoc:
            continue
        item = nodes.list_item()
        para = nodes.paragraph()
        para += link(app, fromdoc, docname, page_title(app, docname))
        para += nodes.Text(": open ")
        para += nodes.literal("", f"{docname}.md")
        para += nodes.Text(" in JupyterLab, or download the executed notebook (")
        uri = relative_uri(app.builder.get_target_uri(fromdoc), f"_sources/{docname}.ipynb")
        para += nodes.reference("", f"{Path(docname).name}.ipynb", refuri=uri,
                                classes=["course-mode-download"])
        para += nodes.Text(").")
        item += para
        items += item
    return [nodes.paragraph("", f"{len(items.children)} notebooks.",
                            classes=["course-mode-count"]), items]


def assignments(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    specs = Path(app.srcdir) / "scripts" / "assignments" / "specs"
    found = []
    for path in sorted(specs.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        match = SPEC_TITLE.search(text)
        if match is None:
            continue
        rest = text[match.end():].lstrip("\n").split("\n#\n")[0]  # the first paragraph
        about = " ".join(line.lstrip("# ").strip() for line in rest.splitlines()
                         if line.startswith("#"))
        chapter = re.search(r"chapters/(\d\d_\w+)\.md", text)
        found.append((int(match.group("n")), path.stem, match.group("title"), about,
                      f"chapters/{chapter.group(1)}" if chapter else None))
    items = nodes.bullet_list()
    for _, name, title, about, chapter in sorted(found):
        item = nodes.list_item()
        para = nodes.paragraph()
        para += nodes.strong("", title)
        para += nodes.Text(" (fetch it as ")
        para += nodes.literal("", name)
        para += nodes.Text("). ")
        para.extend(inline_markdown(about))
        if chapter and chapter in app.env.all_docs:
            para += nodes.Text(" Read first: ")
            para += link(app, fromdoc, chapter, page_title(app, chapter))
            para += nodes.Text(".")
        item += para
        items += item
    return [nodes.paragraph("", f"{len(found)} graded assignments.",
                            classes=["course-mode-count"]), items]


BUILDERS = {"figures": figures, "math": math, "explore": explore, "notebooks": notebooks,
            "assignments": assignments}


# ------------------------------------------------------------------------ events
def _recount(doctree: nodes.document) -> None:
    """Put the reading time of the filled page in place of the one counted before filling."""
    old = next((n for n in doctree.findall(nodes.raw) if 'class="reading-time"' in n.astext()),
               None)
    if old is None:
        return
    parent, index = old.parent, old.parent.index(old)
    parent.remove(old)
    parent.insert(index, reading_time_node(words_in_doctree(doctree)))


def _fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(course_mode))
    for node in placeholders:
        node.replace_self(BUILDERS[node["kind"]](app, docname))
    if placeholders:
        _recount(doctree)


def _always_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages with a placeholder are rebuilt whenever any page is (their content is others')."""
    return [d for d, kinds in getattr(env, "course_mode_pages", {}).items() if d in env.all_docs]


def _remember(app: Sphinx, doctree: nodes.document) -> None:
    pages = getattr(app.env, "course_mode_pages", {})
    kinds = [n["kind"] for n in doctree.findall(course_mode)]
    if kinds:
        pages[app.env.docname] = kinds
    else:
        pages.pop(app.env.docname, None)
    app.env.course_mode_pages = pages


def _math_assets(app: Sphinx, env) -> None:
    """Load MathJax on the math page, whose equations arrive only when it is written."""
    domain = env.get_domain("math")
    for docname, kinds in getattr(env, "course_mode_pages", {}).items():
        if "math" in kinds:
            domain.data.setdefault("has_equations", {})[docname] = True


def _skip(self, node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_node(course_mode, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("course-mode", CourseModeDirective)
    app.connect("doctree-read", _remember)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-updated", _math_assets)
    app.connect("doctree-resolved", _fill)
    return {"parallel_read_safe": False, "parallel_write_safe": True, "env_version": 1}
