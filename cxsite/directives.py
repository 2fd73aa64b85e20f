"""Directives: live scores inside Markdown, e.g. `{{< score touchpoint="support-call" >}}`.

A directive is parsed into a plain `Directive` value by a markdown-it rule (see markdown.py);
this module knows each directive's arguments and checks them against the project.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cxsite.errors import LocatedError, did_you_mean
from cxsite.model import ALL

OPEN, CLOSE = "{{<", ">}}"
_NAME = re.compile(r"\s*([A-Za-z_][\w-]*)")
_ARG = re.compile(r'\s*([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')

# Exactly one target argument per directive: what the score is of.
TARGETS = ("touchpoint", "stage", "journey", "department", "persona", "overall")
SPECS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # name: (target arguments allowed, other arguments allowed)
    "score": (frozenset(TARGETS), frozenset({"dimension", "period"})),
    "trend": (frozenset(TARGETS), frozenset({"dimension"})),
    "table": (frozenset({"journey", "department", "touchpoint"}), frozenset()),
}
BLOCK_DIRECTIVES = frozenset({"trend", "table"})


@dataclass(frozen=True)
class Directive:
    """One directive as written: its name, arguments, and 1-based line and column in the body."""

    name: str
    args: tuple[tuple[str, str], ...]
    line: int
    col: int

    def arg(self, key: str, default: str | None = None) -> str | None:
        return dict(self.args).get(key, default)

    @property
    def target(self) -> tuple[str, str]:
        """(level, id) the directive is about; `overall` has the id `overall`."""
        for key, value in self.args:
            if key in TARGETS:
                return key, ("overall" if key == "overall" else value)
        return "overall", "overall"


@dataclass(frozen=True)
class Malformed:
    """Text that opens a directive but cannot be read as one."""

    message: str
    line: int
    col: int


def parse_directive(text: str, line: int, col: int) -> tuple[Directive | Malformed, int]:
    """Parse a directive at the start of `text`; return it and the number of characters used."""
    end = text.find(CLOSE)
    if end < 0:
        return Malformed(f"directive is not closed with `{CLOSE}`", line, col), len(OPEN)
    inner = text[len(OPEN) : end]
    used = end + len(CLOSE)
    name = _NAME.match(inner)
    if not name:
        return Malformed(
            'directive has no name, e.g. `{{< score touchpoint="id" >}}`', line, col
        ), used
    position = name.end()
    args: list[tuple[str, str]] = []
    while position < len(inner.rstrip()):
        arg = _ARG.match(inner, position)
        if not arg:
            rest = inner[position:].strip()
            return Malformed(
                f'cannot read `{rest}`: write arguments as key="value"', line, col
            ), used
        args.append((arg.group(1), arg.group(2)))
        position = arg.end()
    return Directive(name.group(1), tuple(args), line, col), used


@dataclass(frozen=True)
class Vocabulary:
    """The ids directives may refer to."""

    # target kind -> ids (stage ids are `journey/stage`); None where a file could not be read
    ids: Mapping[str, frozenset[str] | None]
    dimensions: frozenset[str] | None  # None: the dimensions are unknown (broken config)


def directive_problems(directive: Directive, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(message, hint) for everything wrong with one directive."""
    spec = SPECS.get(directive.name)
    if spec is None:
        return [(f"unknown directive `{directive.name}`", did_you_mean(directive.name, SPECS))]
    targets, others = spec
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in directive.args:
        if key in seen:
            problems.append((f"argument `{key}` is given twice", ""))
        seen.add(key)
        if key not in targets | others:
            hint = (
                did_you_mean(key, targets | others)
                or f"allowed: {', '.join(sorted(targets | others))}"
            )
            problems.append((f"unknown argument `{key}` for `{directive.name}`", hint))
        elif key in targets and key != "overall":
            known = vocabulary.ids.get(key, frozenset())
            if known is not None and value not in known:
                problems.append((f"unknown {key} `{value}`", did_you_mean(value, known)))
        elif key == "dimension" and vocabulary.dimensions is not None:
            if value != ALL and value not in vocabulary.dimensions:
                hint = did_you_mean(value, vocabulary.dimensions)
                problems.append((f"unknown dimension `{value}`", hint))
        elif key == "period" and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])|latest", value):
            problems.append((f"period `{value}` is not YYYY-MM or `latest`", ""))
    given = [key for key, _ in directive.args if key in targets]
    if len(given) != 1:
        problems.append(
            (
                f"`{directive.name}` needs exactly one of "
                + ", ".join(f"`{t}`" for t in sorted(targets)),
                "",
            )
        )
    return problems


def located_problems(
    found: list[Directive | Malformed], vocabulary: Vocabulary, path: str, body_line: int
) -> list[LocatedError]:
    """Located errors for the directives of one Markdown body starting at `body_line`."""
    errors = []
    for item in found:
        line = body_line + item.line - 1
        if isinstance(item, Malformed):
            errors.append(LocatedError(path, line, item.col, item.message))
            continue
        for message, hint in directive_problems(item, vocabulary):
            errors.append(LocatedError(path, line, item.col, message, hint))
    return errors
