"""An experiment, not part of cxsite: markdown-it-pyrs (the Rust port) rendering the bodies
it could render as cxsite's markdown-it-py parser does (CommonMark with strikethrough and
heading ids), for benchmarks/markdown_parsers.py.

The port has no plugin API, so none of cxsite's directives, the RACI legend, labelled task
lists or admonitions, and it renders footnotes with other white space: a body with any of
their marks is refused (`fits`). Its HTML lacks the heading ids, added here as
mdit-py-plugins' anchors plugin adds them; the headings and plain text come from its syntax
tree, grouped as markdown-it-py's tokens are. Where the tree holds anything else, `render`
gives None. Random bodies show why cxsite does not use it: see `markdown_parsers.py --fuzz`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown_it_pyrs
from mdit_py_plugins.anchors.index import slugify as anchor_slug
from mdit_py_plugins.anchors.index import unique_slug

from cxsite.directives import OPEN

Headings = tuple[tuple[int, str, str], ...]  # (level, anchor id, text)

# What the Rust port renders as markdown-it-py does: CommonMark and strikethrough. Not
# directives, tables (the RACI legend), task lists, footnotes or admonitions; nor HTML
# comments, nor emphasis next to non-ASCII punctuation (the two follow different versions
# of CommonMark there). A body with any of their marks goes to markdown-it-py.
_NOT_FOR_PYRS = (OPEN, "|", "[^", "[ ]", "[x]", "[X]", "!!!", "???", "<!--")
_NEXT_TO_NON_ASCII = re.compile(r"[*_~][^\x00-\x7f]|[^\x00-\x7f][*_~]")


def fits(body: str) -> bool:
    """Whether the body uses only what markdown-it-pyrs renders as cxsite's parser does."""
    if any(mark in body for mark in _NOT_FOR_PYRS):
        return False
    return body.isascii() or not _NEXT_TO_NON_ASCII.search(body)


# The nodes `render` knows how markdown-it-py turns into tokens; any other: markdown-it-py.
_BLOCKS = frozenset(
    {"root", "paragraph", "blockquote", "bullet_list", "ordered_list", "list_item"}
    | {"code_block", "fence", "html_block", "hr", "definition"}
)
_INLINE = frozenset(
    {"em", "strong", "strikethrough", "link", "softbreak", "hardbreak", "html_inline"}
)
_HEADING_TAG = re.compile(r"<h([1-6])>")


@lru_cache(maxsize=1)
def _pyrs_parser() -> markdown_it_pyrs.MarkdownIt:
    """markdown-it-pyrs set up as `markdown_parser` is, for the bodies `fits` lets by."""
    return markdown_it_pyrs.MarkdownIt("commonmark").enable("strikethrough")


def render(body: str) -> tuple[str, Headings, str] | None:
    """The HTML (not yet sanitised), headings and plain text markdown.py's parser gives
    the body, by markdown-it-pyrs; None where this cannot tell it is exactly the same.

    The port renders the same HTML but for heading ids, added here as the anchors plugin
    does; the headings and the plain text come from its syntax tree, grouped as
    markdown-it-py's tokens are (a text token is a run of text between other tokens).
    """
    parser = _pyrs_parser()
    source = body.encode()
    texts: list[str] = []
    run: list[str] = []
    headings: list[tuple[int, str, str]] = []
    anchors: list[str | None] = []  # the id of each heading, None for levels without one
    slugs: set[str] = set()

    def flush() -> None:
        if run:
            texts.append("".join(run))
            run.clear()

    def inline(node: markdown_it_pyrs.Node) -> bool:
        name = node.name
        if name in ("text", "text_special"):
            run.append(node.meta["content"])
        elif name == "code_inline":
            flush()
            texts.append("".join(child.meta["content"] for child in node.children))
        elif name == "image":
            flush()
        elif name in _INLINE:
            # markdown-it-py leaves an empty text token before and after strong emphasis
            strong = [""] if name == "strong" else []
            run.extend(strong)
            flush()
            if not all(inline(child) for child in node.children):
                return False
            flush()
            run.extend(strong)
        else:
            return False
        return True

    def block(node: markdown_it_pyrs.Node) -> bool:
        name = node.name
        if name == "heading":
            flush()
            first = len(texts)
            if not all(inline(child) for child in node.children):
                return False
            flush()
            level = int(node.meta["level"])
            if node.srcmap is None:
                return False
            start, end = node.srcmap
            content = _atx_content(source[start:end].decode())
            slug = None
            if 2 <= level <= 4:
                slug = unique_slug(anchor_slug("".join(texts[first:])), slugs)
            anchors.append(slug)
            headings.append((level, slug or "", content))
            return True
        if name not in _BLOCKS:
            return inline(node)
        if name == "blockquote" and all(child.name == "definition" for child in node.children):
            return False  # empty: rendered on two lines, where markdown-it-py uses one
        flush()
        result = all(block(child) for child in node.children)
        flush()
        return result

    if not block(parser.tree(body)):
        return None
    html = parser.render(body)
    tags = _HEADING_TAG.findall(html)
    if [int(level) for level in tags] != [level for level, _, _ in headings]:
        return None  # raw HTML headings too: which is which is not known here
    ids = iter(anchors)

    def with_id(match: re.Match[str]) -> str:
        slug = next(ids)
        return match.group(0) if slug is None else f'<h{match.group(1)} id="{slug}">'

    return _HEADING_TAG.sub(with_id, html), tuple(headings), " ".join(texts)


def _atx_content(line: str) -> str:
    """The text of an ATX heading line, as markdown-it-py's heading rule takes it."""
    text = line.lstrip(" ").lstrip("#")
    text = text.rstrip(" \t")
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing
    return text.strip()
