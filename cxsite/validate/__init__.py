"""Raw documents in, a typed frozen Project and every located problem out.

Structure comes from the pydantic models; this package adds what one item cannot know by
itself: unique ids, references between kinds, dimensions declared in cxsite.yaml, and
warnings such as a touchpoint in no journey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from cxsite.cache import Memo, NoMemo
from cxsite.errors import LocatedError
from cxsite.load.sources import RawSources
from cxsite.model import (
    KINDS,
    Department,
    Dimension,
    Journey,
    Persona,
    Playbook,
    Project,
    Target,
    Touchpoint,
)
from cxsite.validate.config import (
    check_config,
    is_base_url,
    unread_measurements_note,
    validate_config,
)
from cxsite.validate.content import (
    check_directives,
    check_playbook,
    validate_pages,
    validate_playbooks,
)
from cxsite.validate.definitions import (
    check_journey,
    check_persona_shares,
    check_touchpoint,
    check_touchpoints_in_journeys,
    ids_written,
    key_errors,
    validate_kind,
)
from cxsite.validate.located import Located, Origin, References, validate_model

__all__ = ["Origin", "Validation", "is_base_url", "validate_model", "validate_sources"]


@dataclass(frozen=True)
class Validation:
    """What validation found: the project (None when any error was found), every problem,
    and what the measurement files can still be checked against."""

    project: Project | None
    errors: list[LocatedError]
    # The definitions that are valid, with stand-ins for ids whose definitions have errors
    # (so rows naming them are not reported as unknown), and only the measurement sources
    # with no errors of their own: what measurement files are checked against when the
    # project has errors (here or in reading). None when cxsite.yaml cannot be read at all.
    checkable: Project | None = None
    # Every measurement file cxsite.yaml names, with errors or not (what a build reads and
    # `serve` watches); None when cxsite.yaml cannot be read at all.
    measurement_paths: tuple[str, ...] | None = None


def validate_sources(
    raw: RawSources, today: dt.date | None = None, memo: Memo | None = None, *, bodies: bool = True
) -> Validation:
    """Validate everything read; the project is None when any error was found. Without
    `bodies`, the directives in Markdown bodies are not checked."""
    errors: list[LocatedError] = []
    config, config_origin, dimensions = validate_config(raw.config, errors)
    errors.extend(unread_measurements_note(raw.config, config))
    known = ids_written(raw, dimensions)
    items: dict[str, dict[str, Located[Any]]] = {}
    declared: dict[str, set[str]] = {}
    flawed: dict[str, set[str]] = {}
    for kind in KINDS:
        items[kind], declared[kind], flawed[kind] = validate_kind(
            kind, raw.kinds.get(kind, []), errors, known
        )
        for broken in raw.broken.get(kind, []):
            declared[kind].update(broken.ids)
    errors.extend(_broken_file_notes(raw))
    departments: dict[str, Located[Department]] = items["departments"]
    personas: dict[str, Located[Persona]] = items["personas"]
    touchpoints: dict[str, Located[Touchpoint]] = items["touchpoints"]
    journeys: dict[str, Located[Journey]] = items["journeys"]
    playbooks = validate_playbooks(raw.playbooks, errors, known)
    pages = validate_pages(raw.pages, errors)

    refs = References(declared, raw.incomplete, touchpoints, dimensions)
    for persona in personas.values():
        errors.extend(key_errors(refs, persona.item.expectations, persona.origin, "expectations"))
    errors.extend(check_persona_shares(personas))
    for touchpoint in touchpoints.values():
        errors.extend(check_touchpoint(touchpoint, refs))
    for journey in journeys.values():
        errors.extend(check_journey(journey, refs))
    errors.extend(check_touchpoints_in_journeys(touchpoints, journeys))
    for playbook in playbooks.values():
        errors.extend(check_playbook(playbook, refs, today or dt.date.today()))
    unchecked_sources: set[int] = set()
    if config is not None and config_origin is not None:
        config_errors, unchecked_sources = check_config(config, config_origin, refs, raw.root)
        errors.extend(config_errors)
    if bodies:
        errors.extend(check_directives(raw, declared, dimensions, memo or NoMemo()))

    if config is None:
        return Validation(None, errors, None)
    paths = tuple(source.path for source in config.measurements)
    valid = Project(
        root=raw.root,
        config=config,
        dimensions={d.id: d for d in config.dimensions},
        departments={k: v.item for k, v in departments.items()},
        personas={k: v.item for k, v in personas.items()},
        touchpoints={k: v.item for k, v in touchpoints.items()},
        journeys={k: v.item for k, v in journeys.items()},
    )
    # Read errors (a file that does not parse) are not among `errors`: build what the
    # measurement files are checked against whether or not this validation found errors.
    stand_ins = (declared["touchpoints"] - touchpoints.keys()) | flawed["touchpoints"]
    checkable = replace(
        valid,
        config=config.model_copy(
            update={
                "measurements": tuple(
                    source
                    for index, source in enumerate(config.measurements)
                    if index not in unchecked_sources
                )
            }
        ),
        personas={
            **{p: Persona.model_construct(id=p, name=p) for p in declared["personas"]},
            **valid.personas,
        },
        touchpoints={
            **valid.touchpoints,
            **{t: _stand_in(t, config.dimensions) for t in stand_ins},
        },
    )
    if any(error.severity == "error" for error in errors):
        return Validation(None, errors, checkable, paths)
    project = replace(
        valid,
        playbooks={
            k: Playbook(k, v.origin.source.path, v.item, body, line)
            for k, (v, body, line) in playbooks.items()
        },
        pages=pages,
    )
    return Validation(project, errors, checkable, paths)


def _stand_in(touchpoint_id: str, dimensions: Iterable[Dimension]) -> Touchpoint:
    """A touchpoint whose definition has errors, for checking measurement files only: its
    rows are not unknown, and as its targets are unknown, any duration has one."""
    targets = {d.id: Target(target=0, unit="s") for d in dimensions}
    return Touchpoint.model_construct(
        id=touchpoint_id, name=touchpoint_id, channel="other", mode="online", owner="",
        targets=targets,
    )  # fmt: skip


def _broken_file_notes(raw: RawSources) -> list[LocatedError]:
    """One note per file that does not parse, saying which references go unchecked."""
    notes = []
    for kind, files in raw.broken.items():
        for broken in files:
            if kind == "config":
                what = "references to dimensions, and the measurement files,"
            elif broken.ids and kind not in raw.incomplete:
                noun = kind.removesuffix("s")
                named = ", ".join(f"`{i}`" for i in sorted(broken.ids))
                what = f"references to {noun if len(broken.ids) == 1 else kind} {named}"
                if kind == "journeys":
                    what += " and to any stage"
            else:
                what = f"references to {kind}"
            message = f"{what} are not checked until this file {broken.until}"
            notes.append(
                LocatedError(broken.rel, broken.line, broken.col, message, severity="note")
            )
    return notes
