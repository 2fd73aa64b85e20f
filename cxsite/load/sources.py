"""Read every input file of a project into raw documents with source positions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cxsite.config import CONFIG_FILE
from cxsite.errors import Category, LocatedError, did_you_mean
from cxsite.load.files import (
    YAML_SUFFIXES,
    Folders,
    TextFile,
    find_kind_files,
    find_markdown,
    read_text,
    relative,
    split_front_matter,
)
from cxsite.load.yaml_source import Documents, Position, SourceMap, YamlDocument, ids_written
from cxsite.model import KINDS
from cxsite.uptodate import Stamp, is_racy


@dataclass(frozen=True)
class RawMarkdown:
    """A Markdown file: its id (file stem), front matter document (if any) and body."""

    id: str
    rel: str
    front_matter: YamlDocument | None
    body: str
    body_line: int
    # The front matter is there but cannot be parsed: the body is still checked.
    broken: bool = False


@dataclass(frozen=True)
class BrokenFile:
    """A YAML file that could not be read or parsed: where its first error is, and the ids
    it seems to define (empty when they cannot be told)."""

    rel: str
    line: int
    col: int
    ids: frozenset[str]
    until: str  # what the file needs before its ids are known: "parses", "can be read"...


@dataclass
class RawSources:
    """Everything read from disk, before validation."""

    root: Path
    config: YamlDocument | None = None
    kinds: dict[str, list[YamlDocument]] = field(default_factory=dict)
    playbooks: list[RawMarkdown] = field(default_factory=list)
    pages: list[RawMarkdown] = field(default_factory=list)
    has_config: bool = False
    # Kinds with a file whose ids cannot be told: references to them are not reported
    # (that would bury the real error under false ones).
    incomplete: set[str] = field(default_factory=set)
    # Files that could not be read or parsed, by kind ("config" for cxsite.yaml).
    broken: dict[str, list[BrokenFile]] = field(default_factory=dict)


class Reader:
    """How one read of a project reads its files: links are resolved once per folder; and,
    made from the reader of the read before it in the same process (a rebuild under
    `serve`, through the build cache), a file whose stamp (size, modification and change
    times, inode) is unchanged and not racy is not read again, and a text already parsed is
    not parsed again. It holds only what this read read."""

    def __init__(self, before: Reader | None = None) -> None:
        self.folders = Folders()
        self.documents: Documents = Documents(before.documents if before is not None else None)
        self._before: dict[Path, tuple[Stamp, TextFile]] = before._read if before else {}
        self._read: dict[Path, tuple[Stamp, TextFile]] = {}

    def text(self, path: Path, root: Path) -> tuple[TextFile | None, list[LocatedError]]:
        """`read_text`, unless the read before read this very file."""
        taken = time.time_ns()
        try:
            stat = path.stat()
        except OSError:
            return read_text(path, root, self.folders)
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        held = self._before.get(path)
        if held is None or held[0] != stamp or is_racy(stat, taken):
            text, errors = read_text(path, root, self.folders)
            if text is None:
                return text, errors
            held = (stamp, text)
        self._read[path] = held
        return held[1], []


def read_sources(root: Path, reader: Reader | None = None) -> tuple[RawSources, list[LocatedError]]:
    """Read cxsite.yaml, data/ and content/ through `reader`; collect every read or syntax
    error."""
    reader = reader or Reader()
    raw = RawSources(root)
    errors: list[LocatedError] = []
    config_path = root / CONFIG_FILE
    if not config_path.is_file():
        errors.append(
            LocatedError(
                CONFIG_FILE,
                0,
                0,
                f"no {CONFIG_FILE} in {root}",
                "run the command inside a cxsite project (or any folder in one) "
                "or pass --project DIR",
                category="config",
            )
        )
        return raw, errors
    raw.has_config = True
    raw.config, broken_config = _read_yaml_file(
        config_path, root, errors, reader, category="config"
    )
    if broken_config is not None:
        raw.broken["config"] = [broken_config]
    for kind in KINDS:
        kind_files, kind_errors = find_kind_files(root, kind)
        errors.extend(kind_errors)
        docs = []
        for path in kind_files.files:
            doc, broken = _read_yaml_file(
                path, root, errors, reader, one_per_item=kind_files.one_per_item
            )
            if doc is not None:
                docs.append(doc)
            elif broken is not None:
                raw.broken.setdefault(kind, []).append(broken)
                if not broken.ids:
                    raw.incomplete.add(kind)
        raw.kinds[kind] = docs
        if kind_errors:
            raw.incomplete.add(kind)
    errors.extend(_unknown_data_files(root))
    raw.playbooks = _read_markdown_folder(root / "content" / "playbooks", root, errors, reader)
    raw.pages = _read_markdown_folder(root / "content", root, errors, reader)
    return raw, errors


def _broken(rel: str, errors: list[LocatedError], ids: frozenset[str], until: str) -> BrokenFile:
    """The broken file `rel`, located at the first of its `errors`."""
    first = min(errors, key=lambda error: (error.line, error.col), default=None)
    return BrokenFile(rel, first.line if first else 0, first.col if first else 0, ids, until)


def _read_yaml_file(
    path: Path,
    root: Path,
    errors: list[LocatedError],
    reader: Reader,
    category: Category = "content",
    one_per_item: bool = False,
) -> tuple[YamlDocument | None, BrokenFile | None]:
    """The document, or what is known of a file that cannot be read, parsed or is empty:
    the ids its text seems to define (one item per file: also the file's name)."""
    named = frozenset({path.stem} if one_per_item else ())
    text, read_errors = reader.text(path, root)
    if text is None:
        errors.extend(_recategorise(read_errors, category))
        return None, _broken(relative(path, root), read_errors, named, "can be read")
    doc, parse_errors = reader.documents.parse(text.text, text.rel)
    errors.extend(_recategorise(parse_errors, category))
    if doc is None:
        return None, _broken(text.rel, parse_errors, ids_written(text.text) | named, "parses")
    if doc.value is None:
        empty = LocatedError(text.rel, 1, 1, "file is empty", category=category)
        errors.append(empty)
        return None, _broken(text.rel, [empty], named, "has content")
    return doc, None


def _recategorise(errors: list[LocatedError], category: Category) -> list[LocatedError]:
    if category == "content":
        return errors
    return [
        LocatedError(e.path, e.line, e.col, e.message, e.hint, e.severity, "config") for e in errors
    ]


def _read_markdown_folder(
    folder: Path, root: Path, errors: list[LocatedError], reader: Reader
) -> list[RawMarkdown]:
    result: list[RawMarkdown] = []
    for path in find_markdown(folder):
        text, read_errors = reader.text(path, root)
        errors.extend(read_errors)
        if text is None:
            continue
        split, split_errors = split_front_matter(text)
        errors.extend(split_errors)
        if split is None:
            continue
        front_matter: YamlDocument | None = None
        if split.yaml_text is not None:
            front_matter, fm_errors = reader.documents.parse(
                split.yaml_text, text.rel, line_offset=split.yaml_line - 1
            )
            errors.extend(fm_errors)
            if front_matter is None:
                result.append(
                    RawMarkdown(path.stem, text.rel, None, split.body, split.body_line, True)
                )
                continue
            if front_matter.value is None:
                front_matter = YamlDocument({}, SourceMap(text.rel))
                front_matter.source.values[()] = Position(split.yaml_line, 1)
        result.append(RawMarkdown(path.stem, text.rel, front_matter, split.body, split.body_line))
    return result


def _unknown_data_files(root: Path) -> list[LocatedError]:
    """Warn about YAML files in data/ that define no known kind (often a misspelt name)."""
    data = root / "data"
    if not data.is_dir():
        return []
    warnings = []
    for path in sorted(data.iterdir()):
        name = path.stem if path.suffix in YAML_SUFFIXES else path.name
        is_yaml_file = path.is_file() and path.suffix in YAML_SUFFIXES
        if (is_yaml_file or path.is_dir()) and name not in KINDS and name != "measurements":
            if path.is_dir() and not any(p.suffix in YAML_SUFFIXES for p in path.iterdir()):
                continue
            warnings.append(
                LocatedError(
                    relative(path, root),
                    0,
                    0,
                    f"`{name}` is not a kind cxsite reads (expected one of "
                    f"{', '.join(KINDS)}); it is ignored",
                    did_you_mean(name, KINDS),
                    severity="warning",
                )
            )
    return warnings
