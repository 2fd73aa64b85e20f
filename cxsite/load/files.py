"""Find and read the project's text files: definitions under data/, Markdown under content/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxsite.errors import LocatedError

CONFIG_FILE = "cxsite.yaml"
MAX_TEXT_BYTES = 5 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
BOM = "\ufeff"


@dataclass(frozen=True)
class TextFile:
    """A decoded text file and its path relative to the project root (POSIX form)."""

    rel: str
    text: str


@dataclass(frozen=True)
class KindFiles:
    """The files defining one kind: one list file, or one file per item in a folder."""

    kind: str
    files: tuple[Path, ...]
    one_per_item: bool


def find_project_root(start: Path) -> Path:
    """The nearest folder holding cxsite.yaml: `start` or one above it, as git finds its
    repository; `start` itself when there is none (the command then says so)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return start


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` in POSIX form, or as given when it lies outside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# Folders resolved during one read of a project (read_sources clears it first), so that
# checking thousands of files for links out of the project resolves each folder once.
class Folders:
    """Folders resolved once for one read of a project, so that a file that is no link costs
    one `is_symlink` rather than a full `resolve` (a build reads thousands)."""

    def __init__(self) -> None:
        self._resolved: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """`path.resolve()`, resolving its folder once when the file is no link."""
        if path.is_symlink() or path.parent == path or path.name in ("", ".", ".."):
            return path.resolve()
        folder = self._resolved.get(path.parent)
        if folder is None:
            folder = self._resolved[path.parent] = path.parent.resolve()
        return folder / path.name


def read_text(
    path: Path, root: Path, folders: Folders | None = None
) -> tuple[TextFile | None, list[LocatedError]]:
    """Read a UTF-8 file (a leading BOM is dropped); refuse oversized or undecodable files."""
    rel = relative(path, root)
    folders = folders or Folders()
    if not folders.resolve(path).is_relative_to(folders.resolve(root)):
        return None, [LocatedError(rel, 0, 0, "links outside the project; refusing to read it")]
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            limit = MAX_TEXT_BYTES // (1024 * 1024)
            return None, [LocatedError(rel, 0, 0, f"file is larger than {limit} MB; refusing it")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [LocatedError(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        looks = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "Latin-1 or Windows-1252"
        return None, [
            LocatedError(
                rel,
                line,
                col,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x}); the file looks like {looks}",
                "save the file as UTF-8",
            )
        ]
    if text.startswith(BOM):
        text = text[1:]
    return TextFile(rel, text.replace("\r\n", "\n").replace("\r", "\n")), []


def find_kind_files(root: Path, kind: str) -> tuple[KindFiles, list[LocatedError]]:
    """The files for `kind`: `data/<kind>.yaml` or `data/<kind>/*.yaml`, never both."""
    data = root / "data"
    single = [
        data / f"{kind}{suffix}" for suffix in YAML_SUFFIXES if (data / f"{kind}{suffix}").is_file()
    ]
    folder = data / kind
    per_item = (
        sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
        if folder.is_dir()
        else []
    )
    errors: list[LocatedError] = []
    if len(single) > 1:
        errors.append(
            LocatedError(
                relative(single[1], root),
                0,
                0,
                f"{kind} are defined in both {relative(single[0], root)} and "
                f"{relative(single[1], root)}",
                "keep one of the two files",
            )
        )
    if single and per_item:
        errors.append(
            LocatedError(
                relative(single[0], root),
                0,
                0,
                f"{kind} are defined both in this file and in data/{kind}/; use one form",
                f"move the items of data/{kind}/ into this file, or split this file into "
                f"data/{kind}/",
            )
        )
        return KindFiles(kind, (), False), errors
    if single:
        return KindFiles(kind, (single[0],), False), errors
    return KindFiles(kind, tuple(per_item), True), errors


def find_markdown(folder: Path) -> list[Path]:
    """Markdown files directly in `folder`, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file())


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown file split into its YAML front matter and its body."""

    yaml_text: str | None
    yaml_line: int  # line of the first YAML line in the file
    body: str
    body_line: int  # line of the first body line in the file


def split_front_matter(file: TextFile) -> tuple[FrontMatter | None, list[LocatedError]]:
    """Split `---` delimited front matter from the body; an unclosed block is an error."""
    lines = file.text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(None, 0, file.text, 1), []
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return FrontMatter(yaml_text, 2, body, index + 2), []
    return None, [
        LocatedError(
            file.rel,
            1,
            1,
            "front matter opened with `---` on line 1 is never closed",
            "end the front matter with a line containing only `---`",
        )
    ]
