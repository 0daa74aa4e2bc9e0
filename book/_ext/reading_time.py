"""Sphinx extension of the book: "N min read" under every page's title, counted at build.

The count is taken from the page as a reader sees it, after the notebook cells have run:
its prose, its tables (docutils tables and the HTML tables that cells display), the text
outputs of its cells and its quizzes. Code a reader does not read as prose is left out:
the source of code cells and code blocks, and the ``<script>``/``<style>`` parts of HTML
outputs. Minutes are words / ``WORDS_PER_MINUTE``, rounded up (at least 1).

The line is an HTML paragraph ``<p class="reading-time" data-words="W" data-minutes="M">``
so the browser tests can read the count the build computed.
"""
from __future__ import annotations

import html
import math
import re

from docutils import nodes
from sphinx.application import Sphinx

WORDS_PER_MINUTE = 200  # a common reading speed for prose
_WORD = re.compile(r"\w+(?:['\u2019.,-]\w+)*")  # "don't", "top-k", "0.57", "10,000": one each
_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
# Which output of a cell the HTML page shows when the cell has several (MyST-NB's default
# priority for the html builder).
HTML_PRIORITY = ("application/vnd.jupyter.widget-view+json", "application/javascript",
                 "text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown",
                 "text/latex", "text/plain")


def count_words(text: str) -> int:
    """Words in plain text: runs of letters or digits, joined by ' - . or , inside a word."""
    return len(_WORD.findall(text))


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment: scripts and styles dropped, tags removed."""
    return html.unescape(_TAG.sub(" ", _HIDDEN_HTML.sub(" ", markup)))


def _is_code(node: nodes.Node) -> bool:
    """A literal block that is code to read, not a cell's output (text, charts)."""
    parent = node.parent
    while parent is not None:
        classes = parent.get("classes", []) if isinstance(parent, nodes.Element) else []
        if "cell_output" in classes:
            return False
        parent = parent.parent
    return True


def _shown(bundle: nodes.Element) -> nodes.Node | None:
    """The one output of a MyST-NB mime bundle that the HTML page shows (by MIME priority)."""
    by_type = {child.get("mime_type"): child for child in bundle.children}
    return next((by_type[m] for m in HTML_PRIORITY if m in by_type), None)


def _words(node: nodes.Node) -> int:
    if isinstance(node, nodes.Text):
        return count_words(str(node))
    if isinstance(node, nodes.raw):
        return count_words(html_text(node.astext())) if "html" in node.get("format", "") else 0
    if isinstance(node, (nodes.comment, nodes.system_message)):
        return 0
    if isinstance(node, nodes.literal_block) and _is_code(node):
        return 0
    if isinstance(node, nodes.Element) and node.get("nb_element") == "mime_bundle":
        shown = _shown(node)
        return _words(shown) if shown is not None else 0
    return sum(_words(child) for child in node.children)


def words_in_doctree(doctree: nodes.document) -> int:
    """The number of words a reader reads on the page (see the module docstring)."""
    return _words(doctree)


def minutes_for(words: int) -> int:
    """Reading time in whole minutes, rounded up, at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def reading_time_node(words: int) -> nodes.raw:
    minutes = minutes_for(words)
    return nodes.raw(
        "", f'<p class="reading-time" data-words="{words}" data-minutes="{minutes}" '
            'style="font-size: .9em; opacity: .8;">'
            f"{minutes} min read ({words:,} words at {WORDS_PER_MINUTE} words a minute)</p>",
        format="html")


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    words = words_in_doctree(doctree)
    title = next(iter(section.findall(nodes.title)), None)
    index = section.index(title) + 1 if title is not None else 0
    section.insert(index, reading_time_node(words))


def setup(app: Sphinx) -> dict:
    # After the other doctree-read handlers (priority 500), so the count sees the whole page.
    app.connect("doctree-read", _on_doctree_read, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
