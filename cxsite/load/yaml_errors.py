"""YAML syntax errors in the writer's words: what the line looks like, not what the parser was
doing, located where the mistake was made (an unclosed quote at the quote, not at the end).

PyYAML reports where it gave up and what it was parsing; each explainer below recognises one
common mistake from that report and the text of the lines around it. What no explainer
recognises keeps PyYAML's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from cxsite.errors import LocatedError

# `owner:billing`: a key whose `:` is followed by text, not by a space.
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"{}\[\],&*!|>%@`-][^\s:#]*):([^\s:/])")
_QUOTE_NAMES = {'"': "double", "'": "single"}


@dataclass(frozen=True)
class _Failure:
    """Where PyYAML gave up (problem) and what it had started there (context), 0-based."""

    problem: str
    context: str
    line: int
    col: int
    context_line: int
    context_col: int
    lines: list[str]

    def text(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""


@dataclass(frozen=True)
class _Explained:
    line: int  # 0-based
    col: int  # 0-based
    message: str
    hint: str = ""


def syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> LocatedError:
    """The located error for a YAML syntax error, in plain words where the mistake is known."""
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark or mark
    failure = _Failure(
        problem=exc.problem or "",
        context=exc.context or "",
        line=mark.line if mark else 0,
        col=mark.column if mark else 0,
        context_line=opened.line if opened else 0,
        context_col=opened.column if opened else 0,
        lines=text.split("\n"),
    )
    for explain in _EXPLAINERS:
        found = explain(failure)
        if found is not None:
            return LocatedError(
                path, found.line + 1 + line_offset, found.col + 1, found.message, found.hint
            )
    return LocatedError(
        path,
        failure.line + 1 + line_offset,
        failure.col + 1,
        f"YAML syntax error: {failure.problem or 'invalid YAML'}{_context(exc, line_offset)}",
    )


def _context(exc: yaml.MarkedYAMLError, line_offset: int) -> str:
    if not exc.context:
        return ""
    opened, mark = exc.context_mark, exc.problem_mark
    where = ""
    if opened is not None and mark is not None and opened.line != mark.line:
        where = f" that starts at line {opened.line + 1 + line_offset}, column {opened.column + 1}"
    return f" ({exc.context}{where})"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _line_above(failure: _Failure, index: int) -> int | None:
    """The nearest line above `index` with something on it other than a comment."""
    for above in range(index - 1, -1, -1):
        if _is_content(failure.text(above)):
            return above
    return None


def _key(line: str) -> str:
    """How a line starts, for quoting in a message: `name:` or `- billing`."""
    stripped = line.strip()
    head, colon, _ = stripped.partition(":")
    return f"{head}:" if colon and " " not in head.removeprefix("- ") else stripped[:30]


def _spaces(count: int) -> str:
    return "no spaces" if count == 0 else "1 space" if count == 1 else f"{count} spaces"


def _tab(failure: _Failure) -> _Explained | None:
    for index in dict.fromkeys((failure.line, failure.context_line)):
        line = failure.text(index)
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in leading:
            above = _line_above(failure, index)
            like = f", like line {above + 1}" if above is not None else ""
            return _Explained(
                index,
                leading.index("\t"),
                "this line is indented with a tab; YAML indents with spaces only",
                f"replace the tab with spaces{like}",
            )
    return None


def _unclosed_quote(failure: _Failure) -> _Explained | None:
    if "quoted scalar" not in failure.context or not (
        "end of stream" in failure.problem or "document" in failure.problem
    ):
        return None
    line = failure.text(failure.context_line)
    quote = line[failure.context_col : failure.context_col + 1]
    name = _QUOTE_NAMES.get(quote, "")
    before = line[: failure.context_col].rstrip()
    hint = f"end the value with `{quote}` on the same line"
    if before.endswith(":") or before.endswith("-") or not before:  # the whole value is quoted
        hint += f": `{line.strip()}{quote}`"
    return _Explained(
        failure.context_line,
        failure.context_col,
        f"the {name} quote `{quote}` that starts this value is never closed".replace("  ", " "),
        hint,
    )


def _unknown_escape(failure: _Failure) -> _Explained | None:
    if "unknown escape" not in failure.problem:
        return None
    line = failure.text(failure.line)
    start = max(line.rfind("\\", 0, failure.col + 1), 0)
    escape = line[start : start + 2]
    return _Explained(
        failure.line,
        start,
        f"`{escape}` inside double quotes is not an escape YAML knows",
        "use single quotes around the value, or write the backslash twice (`\\\\`)",
    )


def _unclosed_bracket(failure: _Failure) -> _Explained | None:
    closer = {"flow sequence": "]", "flow mapping": "}"}
    kind = next((k for k in closer if k in failure.context), None)
    if kind is None or "did not find expected ','" not in failure.problem:
        return None
    line = failure.text(failure.context_line)
    opener = line[failure.context_col : failure.context_col + 1]
    if closer[kind] in line[failure.context_col :]:
        return None  # closed on its line: the mistake is inside, which PyYAML words better
    example = "`[billing, customer-service]`" if kind == "flow sequence" else "`{below: 60}`"
    return _Explained(
        failure.context_line,
        failure.context_col,
        f"the `{opener}` that starts this {'list' if kind == 'flow sequence' else 'mapping'} "
        f"is never closed with `{closer[kind]}`",
        f"end it with `{closer[kind]}` on the same line, e.g. {example}",
    )


def _missing_space(failure: _Failure, index: int) -> _Explained | None:
    found = _NO_SPACE.match(failure.text(index))
    if found is None:
        return None
    written = failure.text(index).strip()
    fixed = re.sub(r"^((?:-\s+)?[^\s:]+):", r"\1: ", written, count=1)
    return _Explained(
        index,
        found.end(2),
        f"`{written}` needs a space after the `:`",
        f"write `{fixed}`",
    )


def _second_colon(failure: _Failure) -> _Explained | None:
    """`title: Billing: trust recovery`: a value holding `: ` reads as a second key."""
    line = failure.text(failure.line)
    first = line.find(": ")
    if first < 0 or first >= failure.col or failure.line != failure.context_line:
        return None
    key, value = line[:first].strip(), line[first + 2 :].strip()
    return _Explained(
        failure.line,
        failure.col,
        "this value holds `: `, which YAML reads as the start of another key",
        f'put the value in quotes: `{key}: "{value}"`',
    )


def _indentation(failure: _Failure, index: int) -> _Explained | None:
    """A line whose indentation matches none of the lines it could belong with."""
    above = _line_above(failure, index)
    if above is None:
        return None
    here, previous = _indent(failure.text(index)), _indent(failure.text(above))
    if here == previous:
        return None
    col = here
    if here > previous:
        return _Explained(
            index,
            col,
            f"this line is indented more than line {above + 1} above it, so YAML reads it "
            f"as part of the value of `{_key(failure.text(above)).removesuffix(':')}`",
            f"line it up with `{_key(failure.text(above))}` ({_spaces(previous)})",
        )
    levels = _levels(failure, above)
    choices = " or ".join(
        f"with `{_key(failure.text(level))}` on line {level + 1} "
        f"({_spaces(_indent(failure.text(level)))})"
        for level in levels[:2]
    )
    return _Explained(
        index,
        col,
        f"this line is indented differently from line {above + 1} above it "
        f"({_spaces(here)}, not {_spaces(previous)})",
        f"keys of one mapping must line up: line it up {choices}",
    )


def _levels(failure: _Failure, start: int) -> list[int]:
    """`start` and the lines it sits under (each less indented than the last), nearest first."""
    levels = [start]
    for index in range(start - 1, -1, -1):
        line = failure.text(index)
        if _is_content(line) and _indent(line) < _indent(failure.text(levels[-1])):
            levels.append(index)
    return levels


def _mapping_value_not_allowed(failure: _Failure) -> _Explained | None:
    if "mapping values are not allowed" not in failure.problem:
        return None
    above = _line_above(failure, failure.line)
    return (
        _second_colon(failure)
        or (_missing_space(failure, above) if above is not None else None)
        or _indentation(failure, failure.line)
    )


def _simple_key(failure: _Failure) -> _Explained | None:
    if "could not find expected ':'" not in failure.problem:
        return None
    line = failure.context_line
    return _missing_space(failure, line) or _Explained(
        line,
        _indent(failure.text(line)),
        "this line is not `key: value`",
        "write `key: value` with a space after the `:`, or indent the line to continue the "
        "value above it",
    )


def _block_mapping(failure: _Failure) -> _Explained | None:
    if "did not find expected key" not in failure.problem:
        return None
    line = failure.text(failure.line)
    if line.strip() == "-" or line.strip().startswith("- "):
        above = _line_above(failure, failure.line)
        near = f"`{_key(failure.text(above))}` on line {above + 1}" if above is not None else ""
        return _Explained(
            failure.line,
            _indent(line),
            f"a list item (`{line.strip()[:30]}`) at the same level as `key: value` lines"
            + (f" ({near})" if near else ""),
            "a mapping cannot also be a list: put the items under a key of their own "
            "(`key:` on the line above, items indented below it)",
        )
    return _indentation(failure, failure.line)


def _block_sequence(failure: _Failure) -> _Explained | None:
    if "expected '-' indicator" not in failure.problem:
        return None
    line = failure.text(failure.line)
    list_start = failure.context_line
    if _indent(line) != failure.context_col:
        return _indentation(failure, failure.line)
    levels = _levels(failure, list_start)
    owner = levels[1] if len(levels) > 1 else None
    end = (
        f"to end the list, line `{_key(line)}` up with `{_key(failure.text(owner))}` on line "
        f"{owner + 1}; "
        if owner is not None
        else ""
    )
    return _Explained(
        failure.line,
        _indent(line),
        f"`{_key(line)}` is at the same level as the list items above it "
        f"(`{failure.text(list_start).strip()[:30]}` on line {list_start + 1}); a list and "
        "`key: value` lines cannot share a level",
        f"{end}to add it to the list, start it with `- `",
    )


_EXPLAINERS: tuple[Callable[[_Failure], _Explained | None], ...] = (
    _tab,
    _unclosed_quote,
    _unknown_escape,
    _unclosed_bracket,
    _mapping_value_not_allowed,
    _simple_key,
    _block_mapping,
    _block_sequence,
)
