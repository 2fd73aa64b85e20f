"""Read YAML into plain values plus a map from each value's path to its line and column.

PyYAML's composer gives nodes with positions; we build the values ourselves so that duplicate
keys are an error (never last-wins), alias expansion and nesting depth are bounded, and every
value can be traced back to the place a writer typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from cxsite.errors import LocatedError
from cxsite.load.yaml_errors import syntax_error

try:  # libyaml is much faster; the pure-Python loader gives the same nodes and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = str | int
Path = tuple[PathKey, ...]

MAX_DEPTH = 64
MAX_NODES = 200_000
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Position:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one YAML document was written."""

    path: str
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Position:
        """The position of the deepest known prefix of `path` (its key's, when `key`)."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if key and end == len(path) and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)

    def raw_text(self, path: Path) -> str | None:
        """The text as written for a scalar YAML read as something other than a string."""
        return self.raw.get(path)

    def error(
        self, path: Path, message: str, hint: str = "", *, key: bool = False, **extra: Any
    ) -> LocatedError:
        """A located error (or warning, with severity="warning") at `path` in this file."""
        position = self.locate(path, key=key)
        return LocatedError(self.path, position.line, position.col, message, hint, **extra)


@dataclass
class YamlDocument:
    """The plain value of one YAML document and the positions of its parts."""

    value: Any
    source: SourceMap


class _TooLarge(Exception):
    pass


def parse_yaml(
    text: str, path: str, *, line_offset: int = 0
) -> tuple[YamlDocument | None, list[LocatedError]]:
    """Parse one YAML document; return it with its source map, or the located errors."""
    return _parse_yaml(text, path, line_offset=line_offset)


_Parsed = tuple[YamlDocument | None, tuple[LocatedError, ...]]


class Documents:
    """The YAML documents of one read of a project, by text, path and line offset.

    Made from the documents of the read before it in the same process (a rebuild under
    `serve`, through the build cache), a read parses only the files that changed, and holds
    only what it read. Documents are never modified after parsing.
    """

    def __init__(self, before: Documents | None = None) -> None:
        self._before = before._parsed if before is not None else {}
        self._parsed: dict[tuple[str, str, int], _Parsed] = {}

    def parse(
        self, text: str, path: str, *, line_offset: int = 0
    ) -> tuple[YamlDocument | None, list[LocatedError]]:
        """`parse_yaml`, unless this read or the one before parsed the same text already."""
        key = (text, path, line_offset)
        parsed = self._parsed.get(key) or self._before.get(key)
        if parsed is None:
            document, errors = _parse_yaml(text, path, line_offset=line_offset)
            parsed = (document, tuple(errors))
        self._parsed[key] = parsed
        return parsed[0], list(parsed[1])


def _parse_yaml(
    text: str, path: str, *, line_offset: int = 0
) -> tuple[YamlDocument | None, list[LocatedError]]:
    source = SourceMap(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_error(exc, text, path, line_offset)]
    except yaml.YAMLError as exc:
        return None, [LocatedError(path, 1 + line_offset, 1, f"YAML error: {exc}")]
    except RecursionError:
        return None, [LocatedError(path, 1 + line_offset, 1, "YAML is nested too deeply")]
    if node is None:
        return YamlDocument(None, source), []
    builder = _ValueBuilder(source, line_offset)
    try:
        value = builder.build(node, (), 0)
    except _TooLarge as exc:
        return None, [LocatedError(path, 1 + line_offset, 1, str(exc))]
    if builder.errors:
        return None, builder.errors
    return YamlDocument(value, source), []


class _ValueBuilder:
    """Turns composed nodes into plain values, recording positions and collecting errors."""

    def __init__(self, source: SourceMap, line_offset: int) -> None:
        self.source = source
        self.line_offset = line_offset
        self.constructor = yaml.SafeLoader("")
        self.nodes_seen = 0
        self.errors: list[LocatedError] = []

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> None:
        position = self.position(node)
        self.errors.append(
            LocatedError(self.source.path, position.line, position.col, message, hint)
        )

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _TooLarge(
                f"YAML document expands to more than {MAX_NODES:,} values "
                "(too many aliases or too much data); refusing to read it"
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(f"YAML is nested more than {MAX_DEPTH} levels deep")
        self.source.values[path] = self.position(node)
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.build_scalar(node, path)

    def build_scalar(self, node: yaml.Node, path: Path) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            if node.tag.endswith(":timestamp"):  # 2027-02-30
                self.fail(
                    node,
                    f"`{node.value}` is not a day of the calendar ({exc})",
                    "check the month and the day: dates are written YYYY-MM-DD",
                )
            else:
                self.fail(node, f"cannot read value `{node.value}`: {exc}")
            return None
        if not isinstance(value, str):
            self.source.raw[path] = str(node.value)
        return value

    def build_mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.fail(key_node, "YAML merge keys (`<<`) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a mapping key must be plain text, not a list or mapping")
                continue
            # Keys are always text as written: `Yes:` stays "Yes", `1:` stays "1".
            key = str(key_node.value)
            key_path = (*path, key)
            if key in result:
                first = self.source.keys[key_path]
                self.fail(
                    key_node,
                    f"duplicate key `{key}` (first defined at line {first.line}, "
                    f"column {first.col})",
                    "each key may appear once; remove or merge one of them",
                )
                continue
            self.source.keys[key_path] = self.position(key_node)
            result[key] = self.build(value_node, key_path, depth + 1)
        return result


# `id: billing`, `- id: "billing"` or `{id: billing, ...}`: how a definition names itself.
_ID_WRITTEN = re.compile(r"""(?:^|(?<=[\s{,]))id\s*:\s+["']?([^\s"',{}\[\]#]+)""")


def ids_written(text: str) -> frozenset[str]:
    """The ids a YAML text that cannot be parsed seems to define: the values of its `id:`
    keys written furthest left (so a journey's stage ids are not taken for journey ids)."""
    found = [
        (match.start(), match.group(1))
        for line in text.split("\n")
        for match in _ID_WRITTEN.finditer(line)
    ]
    if not found:
        return frozenset()
    left = min(col for col, _ in found)
    return frozenset(value for col, value in found if col <= left + 1)
