"""Markdown for playbooks and pages: markdown-it-py with tables, footnotes, task lists,
admonitions, heading anchors and cxsite's directives, raw HTML sanitised with nh3.

Directives are parsed into tokens by an inline rule; rendering puts a placeholder element
in their place, the whole HTML is sanitised, and only then are the placeholders replaced by
the directives' own (trusted, escaped) HTML.

Each body is parsed once per build. Parsed and rendered up to its directives, it is plain
data (`ParsedMarkdown`): the check parses only a body that may hold a directive and keeps
it in the memo as its page shows it, where the render finds it and substitutes the
directives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from cxsite.cache import Memo, digest
from cxsite.directives import BLOCK_DIRECTIVES, OPEN, Directive, Malformed, parse_directive

DirectiveRenderer = Callable[[Directive], str]
Headings = tuple[tuple[int, str, str], ...]  # (level, anchor id, text)

_PLACEHOLDER = re.compile(r'<cx-directive data-index="(\d+)"></cx-directive>')
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {
    "cx-directive", "input", "label", "section", "details", "summary"
}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "cx-directive": {"data-index"},
    "th": {"style", "scope"},
    "td": {"style"},
    "ol": {"start"},
}


@dataclass(frozen=True)
class RenderedMarkdown:
    """A Markdown body as safe HTML, its headings, its plain text and its directives."""

    html: str
    headings: Headings
    text: str
    directives: tuple[Directive | Malformed, ...]


def _directive_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(OPEN, state.pos):
        return False
    start = state.pos
    parsed, used = parse_directive(state.src[start:], 0, 0)
    if not silent:
        token = state.push("cx_directive", "", 0)
        token.meta = {"directive": parsed, "offset": start}
    state.pos += used
    return True


def _place_directives(state: StateCore) -> None:
    """Give each directive its line and column, and unwrap block directives from <p>."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        for child in token.children:
            if child.type != "cx_directive":
                continue
            offset = child.meta["offset"]
            line = token.map[0] + 1 + token.content.count("\n", 0, offset)
            col = offset - (token.content.rfind("\n", 0, offset) + 1) + 1
            child.meta["directive"] = replace(child.meta["directive"], line=line, col=col)
        only = [c for c in token.children if c.type != "text" or c.content.strip()]
        if (
            len(only) == 1
            and only[0].type == "cx_directive"
            and isinstance(only[0].meta["directive"], Directive)
            and only[0].meta["directive"].name in BLOCK_DIRECTIVES
            and index > 0
            and tokens[index - 1].type == "paragraph_open"
        ):
            tokens[index - 1].hidden = True
            tokens[index + 1].hidden = True


def _render_directive(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    found: list[Directive | Malformed] = env.setdefault("directives", [])
    found.append(tokens[idx].meta["directive"])
    return f'<cx-directive data-index="{len(found) - 1}"></cx-directive>'


_RACI_CELL = re.compile(r"[RACI](?:\s*[/,+]\s*[RACI])*")
RACI_LEGEND = (
    "R responsible (does the work) · A accountable (owns the outcome) · C consulted · I informed"
)


def _explain_raci(state: StateCore) -> None:
    """After a table whose cells (but the first column) are all RACI letters, a line
    saying what the letters mean: readers outside the project office rarely know."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        if tokens[index].type != "table_open":
            index += 1
            continue
        close = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
        cells: list[str] = []
        column = 0
        for position in range(index, close):
            token = tokens[position]
            if token.type == "tr_open":
                column = 0
            elif token.type == "td_open":
                column += 1
                if column > 1:
                    cells.append(tokens[position + 1].content.strip())
        filled = [cell for cell in cells if cell]
        if filled and all(_RACI_CELL.fullmatch(cell) for cell in filled):
            legend = [
                Token("paragraph_open", "p", 1),
                Token("inline", "", 0),
                Token("paragraph_close", "p", -1),
            ]
            legend[0].attrSet("class", "legend raci-legend")
            legend[0].block = legend[2].block = True
            legend[1].content = RACI_LEGEND
            legend[1].children = [Token("text", "", 0, content=RACI_LEGEND)]
            tokens[close + 1 : close + 1] = legend
            close += len(legend)
        index = close + 1


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The configured parser, built once per process."""
    md = (
        MarkdownIt("commonmark", {"html": True, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(tasklists_plugin, label=True)  # a labelled checkbox, for screen readers
        .use(admon_plugin)
        .use(anchors_plugin, min_level=2, max_level=4, permalink=False)
    )
    md.inline.ruler.before("text", "cx_directive", _directive_rule)
    md.core.ruler.push("cx_place_directives", _place_directives)
    md.core.ruler.push("cx_explain_raci", _explain_raci)
    md.add_render_rule("cx_directive", _render_directive)
    return md


_EXTERNAL_LINK = re.compile(r'<a href="([a-z][a-z0-9+.-]*://[^"]*)"', re.IGNORECASE)


def sanitise(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes (http, https, mailto);
    links to other sites, from Markdown or raw HTML, get rel="noopener noreferrer"."""
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ATTRIBUTES,
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
    return _EXTERNAL_LINK.sub(r'<a href="\1" rel="noopener noreferrer"', clean)


def without_title(body: str) -> str:
    """The body as its playbook page shows it: without a leading `# Title` line, which the
    page's header card already shows."""
    body = body.lstrip("\n")
    if body.startswith("# "):
        body = body.split("\n", 1)[1] if "\n" in body else ""
    return body


def may_hold_directives(body: str) -> bool:
    """Whether a body can hold a directive at all: a scan far cheaper than a parse, so that
    a body without one is parsed only to be rendered."""
    return OPEN in body


def find_directives(body: str) -> list[Directive | Malformed]:
    """Every directive in a Markdown body (outside code), with lines relative to the body,
    in the order the renderer meets them (token order; parsed, not rendered)."""
    if not may_hold_directives(body):
        return []
    return _directives_in(markdown_parser().parse(body, {}))


def _directives_in(tokens: Sequence[Token]) -> list[Directive | Malformed]:
    return [
        child.meta["directive"]
        for token in tokens
        if token.children
        for child in token.children
        if child.type == "cx_directive"
    ]


@dataclass(frozen=True)
class ParsedMarkdown:
    """A body parsed once: safe HTML with a placeholder where each directive goes, its
    headings, its plain text and its directives. Plain data: kept in the memo between the
    check and the render, and rendered for any page by substituting the directives."""

    html: str  # sanitised; directive i is `<cx-directive data-index="i"></cx-directive>`
    headings: Headings
    text: str
    directives: tuple[Directive | Malformed, ...]


def parse_markdown(body: str) -> ParsedMarkdown:
    """A Markdown body parsed and rendered up to its directives."""
    md = markdown_parser()
    env: dict[str, Any] = {}
    return _parsed(md.parse(body, env), env)


def _parsed(tokens: Sequence[Token], env: dict[str, Any]) -> ParsedMarkdown:
    md = markdown_parser()
    env = {**env, "directives": []}
    html = sanitise(md.renderer.render(tokens, md.options, env))
    headings = tuple(
        (int(token.tag[1]), str(token.attrGet("id") or ""), tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    )
    text = " ".join(
        child.content
        for token in tokens
        if token.type == "inline" and token.children
        for child in token.children
        if child.type in ("text", "code_inline")
    )
    return ParsedMarkdown(html, headings, text, tuple(env["directives"]))


def _parsed_without_title(
    body: str, tokens: Sequence[Token], env: dict[str, Any]
) -> ParsedMarkdown:
    """`parse_markdown(without_title(body))` from the tokens of the whole body, unless its
    title is more than plain text (a footnote or a directive in it changes what follows)."""
    dropped = len(body) - len(body.lstrip("\n"))  # leading blank lines change only lines
    if not body.lstrip("\n").startswith("# "):
        return _lines_moved_up(_parsed(tokens, env), dropped)
    heading = tokens[:3]
    if (
        len(heading) == 3
        and heading[0].type == "heading_open"
        and heading[0].markup == "#"
        and heading[0].map == [dropped, dropped + 1]
        and all(child.type == "text" for child in heading[1].children or ())
    ):
        return _lines_moved_up(_parsed(tokens[3:], env), dropped + 1)
    return parse_markdown(without_title(body))


def _lines_moved_up(parsed: ParsedMarkdown, lines: int) -> ParsedMarkdown:
    """The parsed body with its directives' lines counted from `lines` lines further down."""
    if not lines:
        return parsed
    moved = tuple(replace(d, line=d.line - lines) for d in parsed.directives)
    return replace(parsed, directives=moved)


def render_parsed(parsed: ParsedMarkdown, render_directive: DirectiveRenderer) -> RenderedMarkdown:
    """The parsed body with its directives rendered by `render_directive`, in page order."""

    def substitute(match: re.Match[str]) -> str:
        item = parsed.directives[int(match.group(1))]
        return render_directive(item) if isinstance(item, Directive) else ""

    html = _PLACEHOLDER.sub(substitute, parsed.html) if parsed.directives else parsed.html
    return RenderedMarkdown(html, parsed.headings, parsed.text, parsed.directives)


def render_markdown(body: str, render_directive: DirectiveRenderer) -> RenderedMarkdown:
    """Safe HTML for a Markdown body, with directives rendered by `render_directive`."""
    return render_parsed(parse_markdown(body), render_directive)


def find_directives_cached(
    body: str, memo: Memo, *, shown_without_title: bool = False
) -> list[Directive | Malformed]:
    """`find_directives`, remembered by body. A body parsed here is rendered here too, up to
    its directives, and kept for `render_markdown_cached` as its page shows it (without its
    title line, with `shown_without_title`): each body is parsed once per build."""
    if not may_hold_directives(body):
        return []
    listed = memo.get("md-directives", digest(body))
    if listed is not None:
        return [_from_json(item) for item in json.loads(listed)]
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(body, env)
    found = _directives_in(tokens)
    memo.put("md-directives", digest(body), json.dumps([_as_json(d) for d in found]).encode())
    if shown_without_title:
        shown, parsed = without_title(body), _parsed_without_title(body, tokens, env)
    else:
        shown, parsed = body, _parsed(tokens, env)
    memo.put("md-parsed", digest(shown), _parsed_as_json(parsed))
    return found


def parse_markdown_cached(body: str, memo: Memo) -> ParsedMarkdown:
    """`parse_markdown`, remembered by body."""
    stored = memo.get("md-parsed", digest(body))
    if stored is not None:
        return _parsed_from_json(stored)
    parsed = parse_markdown(body)
    memo.put("md-parsed", digest(body), _parsed_as_json(parsed))
    return parsed


def render_markdown_cached(
    body: str, render_directive: DirectiveRenderer, memo: Memo
) -> RenderedMarkdown:
    """`render_markdown`, parsing only a body the memo does not hold parsed."""
    return render_parsed(parse_markdown_cached(body, memo), render_directive)


def _parsed_as_json(parsed: ParsedMarkdown) -> bytes:
    return json.dumps(
        {
            "html": parsed.html,
            "headings": parsed.headings,
            "text": parsed.text,
            "directives": [_as_json(d) for d in parsed.directives],
        }
    ).encode()


def _parsed_from_json(stored: bytes) -> ParsedMarkdown:
    data = json.loads(stored)
    headings = tuple((int(a), str(b), str(c)) for a, b, c in data["headings"])
    directives = tuple(_from_json(item) for item in data["directives"])
    return ParsedMarkdown(data["html"], headings, data["text"], directives)


def _as_json(item: Directive | Malformed) -> dict[str, Any]:
    if isinstance(item, Directive):
        return {"name": item.name, "args": item.args, "line": item.line, "col": item.col}
    return {"message": item.message, "line": item.line, "col": item.col}


def _from_json(data: dict[str, Any]) -> Directive | Malformed:
    if "name" in data:
        args = tuple((str(k), str(v)) for k, v in data["args"])
        return Directive(data["name"], args, data["line"], data["col"])
    return Malformed(data["message"], data["line"], data["col"])
