"""The validated project, and the one function that reads and validates it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cxsite.cache import Memo
from cxsite.errors import Diagnostics
from cxsite.model import Project as Project
from cxsite.model import definitions_digest as definitions_digest

if TYPE_CHECKING:
    from cxsite.load.yaml_source import Documents


@dataclass(frozen=True)
class Reading:
    """A project read and validated: the project itself (None when any error was found),
    what its measurement files can still be checked against (see validate.Validation),
    and every problem found."""

    project: Project | None
    checkable: Project | None
    diagnostics: Diagnostics
    measurement_paths: tuple[str, ...] | None = None  # as cxsite.yaml names them


def read_project(
    root: Path,
    today: dt.date | None = None,
    memo: Memo | None = None,
    documents: Documents | None = None,
) -> Reading:
    """Read and validate a project, keeping its valid parts for checking measurements."""
    from cxsite.load.sources import read_sources
    from cxsite.validate import validate_sources

    diagnostics = Diagnostics()
    raw, read_errors = read_sources(root.resolve(), documents)
    diagnostics.extend(read_errors)
    if not raw.has_config:
        return Reading(None, None, diagnostics)
    validation = validate_sources(raw, today, memo)
    diagnostics.extend(validation.errors)
    project = validation.project if not diagnostics.errors else None
    checkable = project or validation.checkable
    return Reading(project, checkable, diagnostics, validation.measurement_paths)


def load_project(
    root: Path, today: dt.date | None = None, memo: Memo | None = None
) -> tuple[Project | None, Diagnostics]:
    """Read and validate a project; the project is None when any error was found."""
    reading = read_project(root, today, memo)
    return reading.project, reading.diagnostics
