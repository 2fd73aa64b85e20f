"""The validated project, and the one function that reads and validates it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cxsite.cache import Memo, digest
from cxsite.config import Config
from cxsite.errors import Diagnostics
from cxsite.model import Department, Dimension, Journey, Page, Persona, Playbook, Touchpoint

if TYPE_CHECKING:
    from cxsite.load.yaml_source import Documents


@dataclass(frozen=True)
class Project:
    """Everything a build needs, loaded and validated once; nothing downstream reads files."""

    root: Path
    config: Config
    dimensions: Mapping[str, Dimension]
    departments: Mapping[str, Department]
    personas: Mapping[str, Persona]
    touchpoints: Mapping[str, Touchpoint]
    journeys: Mapping[str, Journey]
    playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    pages: Mapping[str, Page] = field(default_factory=dict)


def definitions_digest(project: Project) -> str:
    """A hash of every definition (not playbooks or pages): what scores and pages rest on."""
    return digest(
        *(
            model.model_dump_json()
            for kind in (project.dimensions, project.departments, project.personas,
                         project.touchpoints, project.journeys)
            for model in kind.values()
        )
    )  # fmt: skip


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
