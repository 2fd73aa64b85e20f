"""Is the output already what a build would write? Answered from file stamps, before any
heavy import, so that a build with nothing to do takes a fraction of a second.

Before a build reads anything, the stamp (size, modification and change times, inode) of
every input file is taken; after a complete build they are kept with its summary and
problems. The next build with the same settings, cxsite and library versions and day
compares them: when every input and every output file is as it was, it reports the earlier
result instead of building. The change time and inode catch an edit whose modification
time was put back (rsync -t, sync tools). Like Git, it does not trust a "racy" stamp, one
taken within the clock's resolution of the file's last change: a second edit within the
same tick could keep every part of it. Such a file's content hash is taken with its stamp,
and compared instead (an unchanged file is not a reason to build again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from cxsite.cache import Memo, digest
from cxsite.errors import Diagnostics, LocatedError
from cxsite.outcome import BuildResult
from cxsite.write import manifest_of, output_matches

INPUT_FOLDERS = ("data", "content", "themes")
CONFIG_FILE = "cxsite.yaml"
# A stamp taken less than this after its file changed is racy. Timestamps are truncated to
# the file system's resolution (2 s on FAT) and come from a clock that lags by a tick.
RACY_NS = 3_000_000_000
UNKNOWN = ""  # the content hash of a file read at an unknown moment: never equal to another
# Libraries whose version can change the bytes of a build.
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "nh3", "pandas", "pyarrow",
             "pyyaml", "pydantic", "vl-convert-python", "altair", "duckdb", "dask")  # fmt: skip
NAMESPACE = "up-to-date"

Stamp = tuple[int, int, int, int]  # size, modification time (ns), change time (ns), inode


@dataclass(frozen=True)
class InputStamps:
    """The stamp of every input file, and the content hash of each whose stamp is racy."""

    stamps: dict[str, Stamp]
    hashes: dict[str, str]

    def with_files(self, other: InputStamps) -> InputStamps:
        return InputStamps({**self.stamps, **other.stamps}, {**self.hashes, **other.hashes})


@dataclass(frozen=True)
class Summary:
    """What the recorded build reported."""

    files: int
    pages: int
    touchpoints: int
    red: int


def build_settings_key(output: Path, base_url: str | None, strict: bool) -> str:
    """Everything outside the project's files that a build's output depends on."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name}=none")
    return digest(
        NAMESPACE,
        str(output),
        base_url or "",
        str(strict),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        dt.date.today().isoformat(),  # dates in the past, periods in the future
        *versions,
    )


def is_input(root: Path, path: Path, extra: Iterable[str]) -> bool:
    """Whether a build reads `path`: cxsite.yaml, a file under data/, content/ or themes/,
    or one of the `extra` files (measurement files elsewhere in the project)."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return False
    listed = {os.path.normpath(name) for name in (CONFIG_FILE, *extra)}
    return relative in listed or relative.split("/")[0] in INPUT_FOLDERS


def input_stamps(root: Path, extra: Iterable[str], *, folders: bool = True) -> InputStamps:
    """The stamps of cxsite.yaml and every file under data/, content/ and themes/ (unless
    not `folders`: then of the `extra` files only) and of the `extra` files, with the
    content hash of those whose stamp is racy.

    Taken before the build reads them: a file saved while it builds has another stamp
    afterwards, or (racy) another hash.
    """
    taken = time.time_ns()
    stamps: dict[str, Stamp] = {}
    hashes: dict[str, str] = {}
    for name, path, stat in _input_files(str(root), extra, folders):
        stamps[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if is_racy(stat, taken):
            hashes[name] = content_hash(path)
    return InputStamps(stamps, hashes)


def is_racy(stat: os.stat_result, taken: int) -> bool:
    """Whether a stamp taken at `taken` (ns) is too close to the file's last change to trust."""
    return taken - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS


def content_hash(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (UNKNOWN when it cannot be read)."""
    hasher = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    except OSError:
        return UNKNOWN
    return hasher.hexdigest()


def _input_files(
    base: str, extra: Iterable[str], folders: bool
) -> Iterator[tuple[str, str, os.stat_result]]:
    """(name relative to the project, path, stat) of every input file."""
    for name in (CONFIG_FILE, *extra) if folders else extra:
        path = os.path.join(base, name)
        try:
            yield name, path, os.stat(path)
        except OSError:
            continue
    pending = [name for name in INPUT_FOLDERS if folders]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(base, folder)))
        except OSError:
            continue
        for entry in entries:
            name = f"{folder}/{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(name)
                    continue
                stat = entry.stat()
            except OSError:
                continue
            yield name, entry.path, stat


def changed_inputs(root: Path, recorded: InputStamps, now: InputStamps) -> set[str]:
    """The input files added, removed or changed between two stampings: another stamp, or
    (for a racy one) the same stamp but other content."""
    changed = {
        name
        for name in recorded.stamps.keys() | now.stamps.keys()
        if recorded.stamps.get(name) != now.stamps.get(name)
    }
    for name, recorded_hash in recorded.hashes.items():
        if name in changed:
            continue
        current = now.hashes.get(name) or content_hash(root / name)
        if recorded_hash == UNKNOWN or current != recorded_hash:
            changed.add(name)
    return changed


def record(
    memo: Memo,
    key: str,
    inputs: InputStamps,
    summary: Summary,
    diagnostics: Diagnostics,
    extra: Iterable[str],
) -> None:
    """Remember a complete build: the stamps of what it read, what it reported, and (for
    any settings) the measurement files elsewhere it read, to stamp before the next build."""
    payload = {
        "stamps": inputs.stamps,
        "hashes": inputs.hashes,
        "extra": sorted(extra),
        "summary": asdict(summary),
        "diagnostics": [asdict(item) for item in diagnostics.items],
    }
    memo.put(NAMESPACE, key, json.dumps(payload, sort_keys=True).encode())
    memo.put(NAMESPACE, EXTRA_KEY, json.dumps(sorted(extra)).encode())


EXTRA_KEY = "extra"


@dataclass(frozen=True)
class _Recorded:
    inputs: InputStamps
    summary: Summary
    diagnostics: Diagnostics


def _recorded(memo: Memo, key: str) -> _Recorded | None:
    stored = memo.get(NAMESPACE, key)
    if stored is None:
        return None
    try:
        payload = json.loads(stored)
        stamps: dict[str, Stamp] = {
            str(path): (int(size), int(mtime), int(ctime), int(inode))
            for path, (size, mtime, ctime, inode) in payload["stamps"].items()
        }
        hashes = {str(path): str(value) for path, value in payload["hashes"].items()}
        summary = Summary(**payload["summary"])
        items = [LocatedError(**item) for item in payload["diagnostics"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return _Recorded(InputStamps(stamps, hashes), summary, Diagnostics(items))


def recorded_extra(memo: Memo) -> list[str]:
    """The measurement files outside data/, content/ and themes/ that the last complete build
    read, to stamp with the rest before the next one reads anything."""
    try:
        return [str(name) for name in json.loads(memo.get(NAMESPACE, EXTRA_KEY) or b"[]")]
    except (ValueError, TypeError):
        return []


def manifest_key(output: Path) -> str:
    """Where the cache keeps the manifest of an output folder."""
    return digest(str(output))


def last_result(
    root: Path,
    output: Path,
    memo: Memo,
    settings: str,
    inputs: InputStamps,
    extra: list[str],
) -> BuildResult | None:
    """The last complete build's result if nothing it read or wrote has changed since:
    `inputs` are the stamps taken now, before anything is read; `settings` the build's
    settings key (`build_settings_key`)."""
    recorded = _recorded(memo, settings)
    if recorded is None or changed_inputs(root, recorded.inputs, inputs):
        return None
    if not output_matches(output, manifest_of(memo.get("manifest", manifest_key(output)))):
        return None
    summary = recorded.summary
    return BuildResult(
        recorded.diagnostics,
        output,
        summary.files,
        0.0,
        pages=summary.pages,
        touchpoints=summary.touchpoints,
        red=summary.red,
        unchanged=True,
        extra_inputs=tuple(extra),
    )
