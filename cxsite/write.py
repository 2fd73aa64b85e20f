"""Write the rendered site: into a temporary folder beside the output, then swap it in.

A failed or interrupted build leaves the previous site untouched; leftovers of an earlier
interrupted build are removed on the next run. Nothing outside the output folder is deleted.

Only changed files are written. Every file has a key naming its content; the manifest of the
previous write says which key each output file holds and its size and modification time. A
file whose key and stamp still match is hard-linked into the new tree instead of written
(its bytes are not even made), and when nothing changed the output is left as it is.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cxsite.cache import digest

MARKER = ".cxsite-output"
_TMP = ".cxsite-tmp-"
_OLD = ".cxsite-old-"
SMALL_CHANGE = 64  # files an edit may replace in place (or 1 in 20, if more)


@dataclass(frozen=True)
class Deferred:
    """A file made only when the output does not hold it already; equal keys, equal bytes.

    `make` gives the bytes whole or in pieces (written one by one: a large file is never
    held whole).
    """

    key: str
    make: Callable[[], bytes | Iterable[bytes]]


Output = bytes | Deferred
# Per output file: the key of its content, its size and its modification time (ns).
Manifest = dict[str, tuple[str, int, int]]


def manifest_bytes(manifest: Manifest) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def manifest_of(data: bytes | None) -> Manifest:
    """A manifest from its bytes; anything unreadable is an empty manifest (all written)."""
    if not data:
        return {}
    try:
        loaded = json.loads(data)
        return {str(k): (str(v[0]), int(v[1]), int(v[2])) for k, v in loaded.items()}
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}


class UnsafeOutputError(Exception):
    """The output folder is one cxsite must not replace."""


def check_output_dir(output: Path, project_root: Path) -> None:
    """Refuse output folders whose replacement would destroy sources or foreign files."""
    output = output.resolve()
    root = project_root.resolve()
    protected = {root: "the project root"}
    protected.update(
        {root / name: f"the project's {name}/" for name in ("content", "data", "themes")}
    )
    if output in protected:
        raise UnsafeOutputError(f"refusing to use {protected[output]} ({output}) as the output")
    if root.is_relative_to(output):
        raise UnsafeOutputError(f"refusing to use {output}: it contains the project")
    for folder, label in protected.items():
        if folder != root and output.is_relative_to(folder):
            raise UnsafeOutputError(f"refusing to write the site inside {label}")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UnsafeOutputError(
            f"refusing to replace {output}: it is not empty and was not written by cxsite"
        )


def write_site(
    files: Mapping[str, Output],
    output: Path,
    project_root: Path,
    previous: Manifest | None = None,
) -> Manifest:
    """Write `files` under `output`, replacing its previous content atomically.

    Returns the manifest of what the output now holds; given the previous one, files that
    are already there are linked, not written, and an unchanged output is not touched.
    """
    output = output.resolve()
    check_output_dir(output, project_root)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output)
    keys = {path: _key(value) for path, value in files.items()}
    kept = _still_there(output, keys, previous or {})
    same_paths = set(previous or {}) == set(files)
    if len(kept) == len(files) and same_paths:
        return dict(previous or {})
    changed = [path for path in files if path not in kept]
    if same_paths and len(changed) <= max(SMALL_CHANGE, len(files) // 20):
        # An edit: replace its few files in place, each atomically, rather than the tree.
        return {**kept, **_replace_files(output, {path: files[path] for path in changed}, keys)}
    staging = parent / f".{output.name}{_TMP}{os.getpid()}"
    manifest: Manifest = {}
    try:
        made: set[Path] = set()
        for relative_path, value in files.items():
            normal = posixpath.normpath(relative_path)
            if posixpath.isabs(normal) or normal == ".." or normal.startswith("../"):
                raise UnsafeOutputError(f"refusing to write {relative_path} outside the output")
            target = staging / normal
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if relative_path in kept and _link(output / relative_path, target):
                manifest[relative_path] = kept[relative_path]
                continue
            _write(target, value)
            stat = target.stat()
            manifest[relative_path] = (keys[relative_path], stat.st_size, stat.st_mtime_ns)
        (staging / MARKER).write_text("This folder is built by cxsite; do not edit it.\n")
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _replace_files(output: Path, files: Mapping[str, Output], keys: Mapping[str, str]) -> Manifest:
    """Replace each file atomically: a reader sees the old file or the new one. Each is
    written beside the output first, where an interrupted build leaves it to be removed."""
    staging = output.parent / f".{output.name}{_TMP}{os.getpid()}"
    staging.mkdir()
    replaced: Manifest = {}
    try:
        for number, (relative_path, value) in enumerate(files.items()):
            target = output / relative_path
            written = staging / str(number)
            _write(written, value)
            os.replace(written, target)
            stat = target.stat()
            replaced[relative_path] = (keys[relative_path], stat.st_size, stat.st_mtime_ns)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replaced


def output_matches(output: Path, manifest: Manifest) -> bool:
    """Whether `output` still holds every file of `manifest`, as written."""
    if not manifest or not (output / MARKER).is_file():
        return False
    keys = {path: stamp[0] for path, stamp in manifest.items()}
    return len(_still_there(output, keys, manifest)) == len(manifest)


def _write(target: Path, value: Output) -> None:
    content = value.make() if isinstance(value, Deferred) else value
    with target.open("wb") as stream:
        if isinstance(content, bytes):
            stream.write(content)
        else:
            for piece in content:
                stream.write(piece)


def _key(value: Output) -> str:
    return value.key if isinstance(value, Deferred) else digest(value)


def _still_there(output: Path, keys: Mapping[str, str], previous: Manifest) -> Manifest:
    """The previous manifest's entries whose file still holds the same content."""
    kept: Manifest = {}
    for path, key in keys.items():
        stamp = previous.get(path)
        if stamp is None or stamp[0] != key:
            continue
        try:
            stat = (output / path).stat()
        except OSError:
            continue
        if (stat.st_size, stat.st_mtime_ns) == stamp[1:]:
            kept[path] = stamp
    return kept


def _link(existing: Path, target: Path) -> bool:
    """Hard-link an unchanged file into the new tree (False where links are not supported)."""
    try:
        os.link(existing, target)
    except OSError:
        return False
    return True


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    retired = output.parent / f".{output.name}{_OLD}{os.getpid()}"
    output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """Delete staging and retired folders that an interrupted build left beside `output`."""
    prefix = f".{output.name}"
    if not output.parent.is_dir():
        return
    for entry in output.parent.iterdir():
        name = entry.name
        if name.startswith(prefix + _TMP) or name.startswith(prefix + _OLD):
            shutil.rmtree(entry, ignore_errors=True)
