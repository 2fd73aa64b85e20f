"""The build pipeline in one function: load → validate → render → write."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from pathlib import Path

from cxsite.errors import Diagnostics, LocatedError
from cxsite.project import load_project
from cxsite.render import render_site
from cxsite.theme import theme_assets, theme_environment
from cxsite.write import UnsafeOutputError, write_site


@dataclass(frozen=True)
class BuildResult:
    """What a build did: its diagnostics, the pages written and where, and how long it took."""

    diagnostics: Diagnostics
    output: Path | None
    files: int
    seconds: float


def build(
    root: Path,
    output: Path | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
) -> BuildResult:
    """Build the site of the project at `root` into `output` (default `root/output`)."""
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "output").resolve()
    project, diagnostics = load_project(root, today)
    if project is None or (strict and diagnostics.warnings):
        return BuildResult(diagnostics, None, 0, time.perf_counter() - started)
    if base_url is not None:
        project = replace(project, config=project.config.model_copy(update={"base_url": base_url}))
    env = theme_environment(root, project.config.theme)
    files = render_site(project, env, theme_assets(root, project.config.theme))
    try:
        write_site(files, output, root)
    except (UnsafeOutputError, OSError) as exc:
        diagnostics.add(LocatedError(str(output), 0, 0, str(exc), category="config"))
        return BuildResult(diagnostics, None, 0, time.perf_counter() - started)
    return BuildResult(diagnostics, output, len(files), time.perf_counter() - started)
