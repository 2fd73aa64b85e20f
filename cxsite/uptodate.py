"""Is the output already what a build would write? Answered from file stamps, before any
heavy import, so that a build with nothing to do takes a fraction of a second.

After a complete build, the stamps (size, modification time) of every input file are kept
with the build's summary and problems. The next build with the same settings, cxsite and
library versions and day compares them: when every input and every output file is as it
was, it reports the earlier result instead of building. Like Make and Git, it trusts
stamps only of files that had not changed for a few seconds when they were recorded
("racy" timestamps are always read again).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from cxsite.cache import CACHE_DIR, Memo, SqliteMemo, digest
from cxsite.errors import Diagnostics, LocatedError
from cxsite.outcome import BuildResult
from cxsite.write import manifest_of, output_matches

INPUT_FOLDERS = ("data", "content", "themes")
RACY_NS = 3_000_000_000
# Libraries whose version can change the bytes of a build.
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "nh3", "pandas", "pyarrow",
             "pyyaml", "pydantic", "vl-convert-python", "altair", "duckdb", "dask")  # fmt: skip
NAMESPACE = "up-to-date"

Stamps = dict[str, tuple[int, int]]


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


def input_stamps(root: Path, extra: Iterable[str], *, folders: bool = True) -> Stamps:
    """Size and modification time of cxsite.yaml, every file under data/, content/ and
    themes/ (unless not `folders`), and the `extra` files (measurement files elsewhere)."""
    stamps: Stamps = {}
    base = str(root)
    for name in ("cxsite.yaml", *extra):
        try:
            stat = os.stat(os.path.join(base, name))
        except OSError:
            continue
        stamps[name] = (stat.st_size, stat.st_mtime_ns)
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
            stamps[name] = (stat.st_size, stat.st_mtime_ns)
    return stamps


def record(
    memo: Memo,
    key: str,
    stamps: Stamps,
    summary: Summary,
    diagnostics: Diagnostics,
    extra: Iterable[str],
) -> None:
    """Remember a complete build, unless an input changed too recently to trust its stamp."""
    newest = max((mtime for _, mtime in stamps.values()), default=0)
    if time.time_ns() - newest <= RACY_NS:
        return
    payload = {
        "stamps": stamps,
        "extra": sorted(extra),
        "summary": asdict(summary),
        "diagnostics": [asdict(item) for item in diagnostics.items],
    }
    memo.put(NAMESPACE, key, json.dumps(payload, sort_keys=True).encode())


def recorded_result(
    memo: Memo, key: str, root: Path, output_unchanged: bool, stamps: Stamps | None = None
) -> tuple[Summary, Diagnostics] | None:
    """The recorded build's summary and problems, if nothing it read or wrote has changed."""
    stored = memo.get(NAMESPACE, key)
    if stored is None or not output_unchanged:
        return None
    try:
        payload = json.loads(stored)
        recorded = {path: (int(a), int(b)) for path, (a, b) in payload["stamps"].items()}
        extra = [str(path) for path in payload["extra"]]
        summary = Summary(**payload["summary"])
        items = [LocatedError(**item) for item in payload["diagnostics"]]
    except (ValueError, TypeError, KeyError):
        return None
    now = input_stamps(root, extra, folders=stamps is None)
    if stamps is not None:
        now = {**stamps, **now}
    if now != recorded:
        return None
    return summary, Diagnostics(items)


def manifest_key(output: Path) -> str:
    """Where the cache keeps the manifest of an output folder."""
    return digest(str(output))


def unchanged_build(
    root: Path,
    output: Path | None,
    base_url: str | None,
    strict: bool,
    stamps: Stamps | None = None,
) -> BuildResult | None:
    """The last build's result when nothing it read or wrote has changed, else None."""
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "output").resolve()
    if not (root / CACHE_DIR).is_dir():
        return None
    cache = SqliteMemo(root / CACHE_DIR, track_use=False)
    try:
        manifest = manifest_of(cache.get("manifest", manifest_key(output)))
        key = build_settings_key(output, base_url, strict)
        found = recorded_result(cache, key, root, output_matches(output, manifest), stamps)
    finally:
        cache.discard()
    if found is None:
        return None
    summary, diagnostics = found
    return BuildResult(
        diagnostics,
        output,
        summary.files,
        time.perf_counter() - started,
        pages=summary.pages,
        touchpoints=summary.touchpoints,
        red=summary.red,
        unchanged=True,
    )
