"""Write the rendered site: into a temporary folder beside the output, then swap it in.

A failed or interrupted build leaves the previous site untouched; leftovers of an earlier
interrupted build are removed on the next run. Nothing outside the output folder is deleted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

MARKER = ".cxsite-output"
_TMP = ".cxsite-tmp-"
_OLD = ".cxsite-old-"


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


def write_site(files: Mapping[str, bytes], output: Path, project_root: Path) -> None:
    """Write `files` under `output`, replacing its previous content atomically."""
    output = output.resolve()
    check_output_dir(output, project_root)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output)
    staging = parent / f".{output.name}{_TMP}{os.getpid()}"
    try:
        for relative_path, data in files.items():
            target = (staging / relative_path).resolve()
            if not target.is_relative_to(staging.resolve()):
                raise UnsafeOutputError(f"refusing to write {relative_path} outside the output")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_text("This folder is built by cxsite; do not edit it.\n")
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
