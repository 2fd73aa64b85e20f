"""Checks of the definitions in data/: departments, personas, touchpoints and journeys.

Each item's fields come from its pydantic model; these checks add unique ids, references
between kinds (with the closest id as a hint) and warnings such as a touchpoint in no
journey.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxsite.errors import LocatedError
from cxsite.load.sources import RawSources
from cxsite.load.yaml_source import Path, YamlDocument
from cxsite.model import KINDS, Dimension, Journey, Persona, Touchpoint
from cxsite.pydantic_errors import KnownIds
from cxsite.validate.located import Located, Origin, References, spellings, validate_model


def ids_written(raw: RawSources, dimensions: Mapping[str, Dimension] | None) -> KnownIds:
    """The ids of every kind as written, valid or not, by the singular name references use;
    a kind whose ids cannot all be told is left out (its references are not checked)."""
    known: dict[str, set[str]] = {}
    for kind in KINDS:
        if kind in raw.incomplete:
            continue
        ids = known.setdefault(kind.removesuffix("s"), set())
        for doc in raw.kinds.get(kind, []):
            for item in doc.value if isinstance(doc.value, list) else [doc.value]:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    ids.update(spellings(item["id"]))
        for broken in raw.broken.get(kind, []):
            ids.update(broken.ids)
    if dimensions is not None:
        known["dimension"] = set(dimensions)
    return known


def validate_kind(
    kind: str, docs: list[YamlDocument], errors: list[LocatedError], known: KnownIds
) -> tuple[dict[str, Located[Any]], set[str], set[str]]:
    """Every valid item of one kind by id, every id declared (valid item or not), and the
    ids of items with errors (kept without their bad fields, or not at all).

    Duplicate ids are errors at the second occurrence. An invalid item's id still counts as
    declared, so that one mistake in it does not make every reference to it an error too.
    """
    model = KINDS[kind]
    result: dict[str, Located[Any]] = {}
    declared: set[str] = set()
    flawed: set[str] = set()
    noun = kind.removesuffix("s")
    for doc in docs:
        entries = (
            [((index,), value) for index, value in enumerate(doc.value)]
            if isinstance(doc.value, list)
            else [((), doc.value)]
        )
        for prefix, value in entries:
            origin = Origin(doc.source, prefix)
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                # An id written wrongly (`App Login`) still declares the id it was meant to be.
                declared.update(spellings(value["id"]))
            item, item_errors = validate_model(model, value, origin, known=known)
            errors.extend(item_errors)
            if item_errors and isinstance(value, dict) and isinstance(value.get("id"), str):
                flawed.add(value["id"])
            if item is None:
                continue
            item_id = item.id  # type: ignore[attr-defined]
            if item_id in result:
                first = result[item_id].origin
                where = first.source.locate((*first.prefix, "id"))
                errors.append(
                    origin.error(
                        ("id",),
                        f"duplicate {noun} id `{item_id}` (first defined at "
                        f"{first.source.path}:{where.line}:{where.col})",
                    )
                )
                continue
            result[item_id] = Located(item, origin)
    return result, declared, flawed


def check_touchpoint(located: Located[Touchpoint], refs: References) -> list[LocatedError]:
    touchpoint, origin = located.item, located.origin
    errors = refs.department(touchpoint.owner, origin, ("owner",))
    for index, department in enumerate(touchpoint.supporting):
        errors += refs.department(department, origin, ("supporting", index))
        if department == touchpoint.owner:
            errors.append(
                origin.warning(
                    ("supporting", index),
                    f"`{department}` is the owner; it need not be listed as supporting",
                )
            )
    errors += key_errors(refs, touchpoint.targets, origin, "targets")
    errors += key_errors(refs, touchpoint.expectations, origin, "expectations", allow_all=True)
    errors += key_errors(refs, touchpoint.weights, origin, "weights")
    return errors


def key_errors(
    refs: References,
    mapping: Mapping[str, object],
    origin: Origin,
    field: str,
    allow_all: bool = False,
) -> list[LocatedError]:
    """Unknown dimension keys, located at the key a writer typed."""
    errors: list[LocatedError] = []
    for key in mapping:
        for error in refs.dimension(key, origin, (field, key), allow_all=allow_all):
            position = origin.source.locate((*origin.prefix, field, key), key=True)
            errors.append(
                LocatedError(error.path, position.line, position.col, error.message, error.hint)
            )
    return errors


def check_persona_shares(personas: Mapping[str, Located[Persona]]) -> list[LocatedError]:
    total = 0.0
    for persona in personas.values():
        total += persona.item.share
        if total > 1 + 1e-9:
            shares = sum(p.item.share for p in personas.values())
            return [
                persona.origin.error(
                    ("share",),
                    f"persona shares add up to {shares:g}, more than 1 (all customers)",
                    "shares are fractions of your customers; lower some of them",
                )
            ]
    return []


def check_journey(located: Located[Journey], refs: References) -> list[LocatedError]:
    journey, origin = located.item, located.origin
    errors: list[LocatedError] = []
    for index, persona in enumerate(journey.personas):
        errors += refs.persona(persona, origin, ("personas", index))
    stage_ids: dict[str, int] = {}
    for s_index, stage in enumerate(journey.stages):
        at: Path = ("stages", s_index)
        if stage.id in stage_ids:
            errors.append(
                origin.error(
                    (*at, "id"), f"duplicate stage id `{stage.id}` in journey `{journey.id}`"
                )
            )
        stage_ids.setdefault(stage.id, s_index)
        if not stage.touchpoints:
            errors.append(
                origin.warning(at, f"stage `{stage.id}` has no touchpoints; it will have no score")
            )
        seen: set[str] = set()
        for t_index, touchpoint in enumerate(stage.touchpoints):
            errors += refs.touchpoint(touchpoint, origin, (*at, "touchpoints", t_index))
            if touchpoint in seen:
                errors.append(
                    origin.error(
                        (*at, "touchpoints", t_index),
                        f"touchpoint `{touchpoint}` is listed twice in stage `{stage.id}`",
                    )
                )
            seen.add(touchpoint)
    return errors


def check_touchpoints_in_journeys(
    touchpoints: Mapping[str, Located[Touchpoint]], journeys: Mapping[str, Located[Journey]]
) -> list[LocatedError]:
    used = {t for j in journeys.values() for stage in j.item.stages for t in stage.touchpoints}
    return [
        located.origin.warning(
            ("id",),
            f"touchpoint `{touchpoint_id}` is in no journey; it counts in no journey score",
            "add it to a stage in data/journeys",
        )
        for touchpoint_id, located in touchpoints.items()
        if touchpoint_id not in used
    ]
