"""Raw documents in, a typed frozen Project and every located problem out.

Structure comes from the pydantic models; this module adds what one item cannot know by
itself: unique ids, references between kinds, dimensions declared in cxsite.yaml, and
warnings such as a touchpoint in no journey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from typing import Any, Generic, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError

from cxsite.cache import Memo, NoMemo
from cxsite.config import Config, MeasurementSource
from cxsite.directives import Vocabulary as DirectiveVocabulary
from cxsite.directives import located_problems
from cxsite.errors import Category, LocatedError, did_you_mean, fold
from cxsite.load.sources import RawMarkdown, RawSources
from cxsite.load.yaml_source import Path, SourceMap, YamlDocument
from cxsite.markdown import find_directives_cached
from cxsite.model import (
    ALL,
    KINDS,
    Department,
    Dimension,
    Journey,
    Page,
    PageMeta,
    Persona,
    Playbook,
    PlaybookMeta,
    Target,
    Touchpoint,
)
from cxsite.project import Project
from cxsite.pydantic_errors import KnownIds, located_model_errors, slugify
from cxsite.workers import default_workers, run_jobs

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Origin:
    """Where an item was written: its file's source map and its path inside the document."""

    source: SourceMap
    prefix: Path

    def error(
        self, sub: Path, message: str, hint: str = "", *, key: bool = False, **extra: Any
    ) -> LocatedError:
        return self.source.error((*self.prefix, *sub), message, hint, key=key, **extra)

    def warning(self, sub: Path, message: str, hint: str = "") -> LocatedError:
        return self.error(sub, message, hint, severity="warning")


@dataclass(frozen=True)
class Located(Generic[ModelT]):
    """A validated item and where it came from."""

    item: ModelT
    origin: Origin


def validate_model(
    model: type[ModelT],
    value: Any,
    origin: Origin,
    category: Category = "content",
    known: KnownIds | None = None,
) -> tuple[ModelT | None, list[LocatedError]]:
    """Validate one raw mapping against `model`, locating every error in the source.

    With errors, the item returned (if any) is a partial one, valid without the offending
    fields: it lets references in the rest of the item be checked in the same run.
    """
    if not isinstance(value, dict):
        found = type(value).__name__ if value is not None else "nothing"
        message = f"expected a mapping of fields (`name: value`), found {found}"
        return None, [origin.error((), message, category=category)]
    try:
        return model.model_validate(value), []
    except ValidationError as exc:
        errors = located_model_errors(exc, model, origin.source, origin.prefix, category, known)
        bad_fields = {error["loc"][0] for error in exc.errors() if error["loc"]}
        try:
            partial = model.model_validate({k: v for k, v in value.items() if k not in bad_fields})
        except ValidationError:
            partial = None
        return partial, errors


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
    raw: RawSources, today: dt.date | None = None, memo: Memo | None = None
) -> Validation:
    """Validate everything read; the project is None when any error was found."""
    errors: list[LocatedError] = []
    config, config_origin, dimensions = _validate_config(raw.config, errors)
    errors.extend(_unread_measurements_note(raw.config, config))
    known = _ids_written(raw, dimensions)
    items: dict[str, dict[str, Located[Any]]] = {}
    declared: dict[str, set[str]] = {}
    flawed: dict[str, set[str]] = {}
    for kind in KINDS:
        items[kind], declared[kind], flawed[kind] = _validate_kind(
            kind, raw.kinds.get(kind, []), errors, known
        )
        for broken in raw.broken.get(kind, []):
            declared[kind].update(broken.ids)
    errors.extend(_broken_file_notes(raw))
    departments: dict[str, Located[Department]] = items["departments"]
    personas: dict[str, Located[Persona]] = items["personas"]
    touchpoints: dict[str, Located[Touchpoint]] = items["touchpoints"]
    journeys: dict[str, Located[Journey]] = items["journeys"]
    playbooks = _validate_playbooks(raw.playbooks, errors, known)
    pages = _validate_pages(raw.pages, errors)

    refs = _References(declared, raw.incomplete, touchpoints, dimensions)
    for persona in personas.values():
        errors.extend(_key_errors(refs, persona.item.expectations, persona.origin, "expectations"))
    errors.extend(_check_persona_shares(personas))
    for touchpoint in touchpoints.values():
        errors.extend(_check_touchpoint(touchpoint, refs))
    for journey in journeys.values():
        errors.extend(_check_journey(journey, refs))
    errors.extend(_check_touchpoints_in_journeys(touchpoints, journeys))
    for playbook in playbooks.values():
        errors.extend(_check_playbook(playbook, refs, today or dt.date.today()))
    unchecked_sources: set[int] = set()
    if config is not None and config_origin is not None:
        config_errors, unchecked_sources = _check_config(config, config_origin, refs, raw.root)
        errors.extend(config_errors)
    errors.extend(_check_directives(raw, declared, dimensions, memo or NoMemo()))

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


def _unread_measurements_note(
    doc: YamlDocument | None, config: Config | None
) -> list[LocatedError]:
    """A note when errors in cxsite.yaml keep every measurement file from being read."""
    written = doc.value.get("measurements") if doc and isinstance(doc.value, dict) else None
    if doc is None or not written or (config is not None and config.measurements):
        return []
    broken = "`measurements`" if config is not None else "cxsite.yaml"
    message = f"the measurement files are not checked until {broken} has no errors"
    return [doc.source.error(("measurements",), message, severity="note", category="config")]


def _spellings(written: str) -> tuple[str, ...]:
    """An id as written, and the ids it was meant to be: `App Login` and `customer-servіce`
    (Cyrillic `і`) still declare `app-login` and `customer-service`."""
    return written, slugify(written), slugify(fold(written))


def _ids_written(raw: RawSources, dimensions: Mapping[str, Dimension] | None) -> KnownIds:
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
                    ids.update(_spellings(item["id"]))
        for broken in raw.broken.get(kind, []):
            ids.update(broken.ids)
    if dimensions is not None:
        known["dimension"] = set(dimensions)
    return known


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


# --- cxsite.yaml -----------------------------------------------------------------------


def _validate_config(
    doc: YamlDocument | None, errors: list[LocatedError]
) -> tuple[Config | None, Origin | None, dict[str, Dimension] | None]:
    """The config, its origin and the declared dimensions (None when they are unknowable)."""
    if doc is None:
        return None, None, None
    origin = Origin(doc.source, ())
    value = _as_written(doc.value, doc.source, (), inside_text=False)
    config, config_errors = validate_model(Config, value, origin, "config")
    errors.extend(config_errors)
    if config is not None:
        dimensions = _unique_dimensions(config.dimensions, origin, errors)
        return config, origin, dimensions
    # The config is broken; salvage its dimensions so data files are still checked.
    declared = doc.value.get("dimensions") if isinstance(doc.value, dict) else None
    probe = {"title": "probe"} if declared is None else {"title": "probe", "dimensions": declared}
    try:
        salvaged = Config.model_validate(probe)
    except ValidationError:
        return None, origin, None
    return None, origin, {d.id: d for d in salvaged.dimensions}


# Lists compared with CSV cells as text: `Yes`, `True` and `1` must stay as written, not
# become YAML 1.1 booleans or numbers.
TEXT_LISTS = frozenset({"true_values", "false_values", "missing"})


def _as_written(value: Any, source: SourceMap, path: Path, inside_text: bool) -> Any:
    """`value` with every scalar under a TEXT_LISTS key replaced by its text as written."""
    if isinstance(value, dict):
        return {
            k: _as_written(v, source, (*path, k), inside_text or k in TEXT_LISTS)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_as_written(v, source, (*path, i), inside_text) for i, v in enumerate(value)]
    if inside_text and not isinstance(value, str):
        raw = source.raw_text(path)
        return raw if raw is not None else value
    return value


def _unique_dimensions(
    dimensions: Iterable[Dimension], origin: Origin, errors: list[LocatedError]
) -> dict[str, Dimension]:
    result: dict[str, Dimension] = {}
    for index, dimension in enumerate(dimensions):
        where = ("dimensions", index, "id")
        if dimension.id == ALL:
            errors.append(
                origin.error(where, "`all` is reserved for the overall score", category="config")
            )
        elif dimension.id in result:
            errors.append(
                origin.error(where, f"duplicate dimension id `{dimension.id}`", category="config")
            )
        result[dimension.id] = dimension
    return result


def is_base_url(value: str) -> bool:
    """An http(s) URL with a host, or a path from the server root."""
    parsed = urlparse(value)
    return bool(parsed.scheme in ("http", "https") and parsed.netloc) or value.startswith("/")


def _check_config(
    config: Config, origin: Origin, refs: _References, root: FsPath
) -> tuple[list[LocatedError], set[int]]:
    """The errors of cxsite.yaml, and the measurement sources not to read (they have errors
    of their own, each with a note where its file exists)."""
    errors: list[LocatedError] = []
    unchecked: set[int] = set()
    if config.base_url is not None:
        if not is_base_url(config.base_url):
            errors.append(
                origin.error(
                    ("base_url",),
                    "`base_url` must be an http(s) URL or a path starting with `/`, "
                    f"not `{config.base_url}`",
                    category="config",
                )
            )
    if config.theme is not None and not (root / "themes" / config.theme).is_dir():
        errors.append(
            origin.error(
                ("theme",),
                f"theme `{config.theme}` not found: no folder themes/{config.theme}/",
                category="config",
            )
        )
    elif config.theme is not None:
        from cxsite.theme import theme_problems  # Jinja, only for a project with a theme

        errors.extend(theme_problems(root, config.theme))
    for index, source in enumerate(config.measurements):
        at: Path = ("measurements", index)
        source_errors = _check_measurement(source, origin, at, refs, root)
        errors.extend(source_errors)
        if source_errors:
            unchecked.add(index)
            resolved = (root / source.path).resolve()
            if resolved.is_relative_to(root.resolve()) and resolved.is_file():
                errors.append(
                    origin.error(
                        at,
                        f"`{source.path}` is not checked until this source has no errors",
                        severity="note",
                    )
                )
    return errors, unchecked


def _check_measurement(
    source: MeasurementSource, origin: Origin, at: Path, refs: _References, root: FsPath
) -> list[LocatedError]:
    errors: list[LocatedError] = []

    # A source's file and the ids its data maps to are content, like the data itself: exit 1.
    def source_error(sub: Path, message: str, hint: str = "") -> None:
        errors.append(origin.error((*at, *sub), message, hint))

    relative_path = FsPath(source.path)
    resolved = (root / relative_path).resolve()
    if relative_path.is_absolute() or not resolved.is_relative_to(root.resolve()):
        source_error(("path",), f"measurement path `{source.path}` is outside the project")
    elif not resolved.is_file():
        source_error(("path",), f"measurement file `{source.path}` not found")

    touchpoint_ids: list[tuple[str, Path]] = []
    if isinstance(source.touchpoint, str):
        touchpoint_ids.append((source.touchpoint, ("touchpoint",)))
    elif source.touchpoint is not None:
        touchpoint_ids.extend(
            (v, ("touchpoint", "map", k)) for k, v in source.touchpoint.map.items()
        )
    source_touchpoints = [t for t, _ in touchpoint_ids]
    for column, spec in source.columns.items():
        if spec.touchpoint is not None:
            touchpoint_ids.append((spec.touchpoint, ("columns", column, "touchpoint")))
        errors.extend(refs.dimension(spec.dimension, origin, (*at, "columns", column, "dimension")))
    for touchpoint_id, sub in touchpoint_ids:
        errors.extend(refs.touchpoint(touchpoint_id, origin, (*at, *sub)))

    if isinstance(source.persona, str):
        errors.extend(refs.persona(source.persona, origin, (*at, "persona")))
    elif source.persona is not None:
        for raw_value, persona_id in source.persona.map.items():
            errors.extend(refs.persona(persona_id, origin, (*at, "persona", "map", raw_value)))

    for column, spec in source.columns.items():
        if (spec.kind or source.kind) is None:
            source_error(("columns", column), f"column `{column}` needs a `kind`")
        if (spec.kind or source.kind) == "rating" and (spec.scale or source.scale) is None:
            source_error(
                ("columns", column), f"rating column `{column}` needs a `scale`, e.g. [1, 5]"
            )
        if (spec.kind or source.kind) == "duration":
            ids = [spec.touchpoint] if spec.touchpoint else list(source_touchpoints)
            for touchpoint_id in ids:
                touchpoint = refs.touchpoints.get(touchpoint_id)
                if touchpoint is not None and spec.dimension not in touchpoint.item.targets:
                    source_error(
                        ("columns", column),
                        f"duration column `{column}` scores `{spec.dimension}` of touchpoint "
                        f"`{touchpoint_id}`, which has no target for it",
                        f"give the touchpoint `targets: {{{spec.dimension}: "
                        "{target: N, unit: min}}`",
                    )
    if source.layout == "long" and source.kind == "rating" and source.scale is None:
        source_error((), "a rating source needs a `scale`, e.g. [1, 5]")
    return errors


# --- data/ kinds ----------------------------------------------------------------------


def _validate_kind(
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
                declared.update(_spellings(value["id"]))
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


class _References:
    """Checks that ids refer to something declared, suggesting the closest id when not."""

    def __init__(
        self,
        declared: Mapping[str, set[str]],
        incomplete: set[str],
        touchpoints: Mapping[str, Located[Touchpoint]],
        dimensions: Mapping[str, Dimension] | None,
    ) -> None:
        self.declared = declared
        self.incomplete = incomplete
        self.touchpoints = touchpoints
        self.dimensions = dimensions

    def _check(
        self, kind: str, value: str, origin: Origin, at: Path, category: Category
    ) -> list[LocatedError]:
        known = self.declared.get(kind, set())
        if value in known or kind in self.incomplete:
            return []
        noun = kind.removesuffix("s")
        hint = did_you_mean(value, known)
        return [origin.error(at, f"unknown {noun} `{value}`", hint, category=category)]

    def department(
        self, value: str, origin: Origin, at: Path, category: Category = "content"
    ) -> list[LocatedError]:
        return self._check("departments", value, origin, at, category)

    def persona(
        self, value: str, origin: Origin, at: Path, category: Category = "content"
    ) -> list[LocatedError]:
        return self._check("personas", value, origin, at, category)

    def touchpoint(
        self, value: str, origin: Origin, at: Path, category: Category = "content"
    ) -> list[LocatedError]:
        return self._check("touchpoints", value, origin, at, category)

    def dimension(
        self,
        value: str,
        origin: Origin,
        at: Path,
        category: Category = "content",
        allow_all: bool = False,
    ) -> list[LocatedError]:
        if self.dimensions is None or (allow_all and value == ALL) or value in self.dimensions:
            return []
        known = [*self.dimensions, *([ALL] if allow_all else [])]
        hint = did_you_mean(value, known)
        return [origin.error(at, f"unknown dimension `{value}`", hint, category=category)]


def _check_touchpoint(located: Located[Touchpoint], refs: _References) -> list[LocatedError]:
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
    errors += _key_errors(refs, touchpoint.targets, origin, "targets")
    errors += _key_errors(refs, touchpoint.expectations, origin, "expectations", allow_all=True)
    errors += _key_errors(refs, touchpoint.weights, origin, "weights")
    return errors


def _key_errors(
    refs: _References,
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


def _check_persona_shares(personas: Mapping[str, Located[Persona]]) -> list[LocatedError]:
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


def _check_journey(located: Located[Journey], refs: _References) -> list[LocatedError]:
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


def _check_touchpoints_in_journeys(
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


# --- content/ -------------------------------------------------------------------------

PlaybookEntry = tuple[Located[PlaybookMeta], str, int]


def _validate_playbooks(
    raw: list[RawMarkdown], errors: list[LocatedError], known: KnownIds
) -> dict[str, PlaybookEntry]:
    result: dict[str, PlaybookEntry] = {}
    for markdown in raw:
        if markdown.broken:
            continue
        if markdown.front_matter is None:
            errors.append(
                LocatedError(
                    markdown.rel,
                    1,
                    1,
                    "a playbook needs front matter (title, owner, touchpoints, trigger) "
                    "between `---` lines",
                )
            )
            continue
        origin = Origin(markdown.front_matter.source, ())
        if slugify(markdown.id) != markdown.id:
            errors.append(
                LocatedError(
                    markdown.rel,
                    0,
                    0,
                    f"playbook file name `{markdown.id}.md` is not a valid id "
                    "(it becomes the page address)",
                    f"rename it to `{slugify(markdown.id)}.md`",
                )
            )
            continue
        meta, meta_errors = validate_model(
            PlaybookMeta, markdown.front_matter.value, origin, known=known
        )
        errors.extend(meta_errors)
        if meta is not None:
            result[markdown.id] = (Located(meta, origin), markdown.body, markdown.body_line)
    return result


def _check_playbook(entry: PlaybookEntry, refs: _References, today: dt.date) -> list[LocatedError]:
    from cxsite.scaffold import first_placeholder

    located, body, body_line = entry
    meta, origin = located.item, located.origin
    placeholder = first_placeholder(body)
    errors: list[LocatedError] = []
    if placeholder is not None:
        text = body.splitlines()[placeholder].strip()
        errors.append(
            LocatedError(
                origin.source.path,
                body_line + placeholder,
                1,
                f"placeholder text from `cxsite new` is still here: `{text}`",
                "replace it, and any other placeholder line, with the playbook's own words",
                severity="warning",
            )
        )
    errors += refs.department(meta.owner, origin, ("owner",))
    for index, department in enumerate(meta.departments):
        errors += refs.department(department, origin, ("departments", index))
    for index, touchpoint in enumerate(meta.touchpoints):
        errors += refs.touchpoint(touchpoint, origin, ("touchpoints", index))
    for index, dimension in enumerate(meta.dimensions):
        errors += refs.dimension(dimension, origin, ("dimensions", index))
    if meta.review_by is not None and meta.review_by < today and meta.status != "retired":
        errors.append(
            origin.warning(
                ("review_by",),
                f"review date {meta.review_by.isoformat()} has passed",
                "review the playbook and set a new `review_by`",
            )
        )
    return errors


def _check_directives(
    raw: RawSources,
    declared: Mapping[str, set[str]],
    dimensions: Mapping[str, Dimension] | None,
    memo: Memo,
) -> list[LocatedError]:
    """Every directive in every playbook and page: known name, arguments and ids."""
    known = {**declared, "stages": _stages_written(raw)}

    def ids(kind: str) -> frozenset[str] | None:
        journeys_unknown = "journeys" in raw.incomplete or "journeys" in raw.broken
        incomplete = kind in raw.incomplete or (kind == "stages" and journeys_unknown)
        return None if incomplete else frozenset(known[kind])

    vocabulary = DirectiveVocabulary(
        ids={kind.removesuffix("s"): ids(kind) for kind in known},
        dimensions=None if dimensions is None else frozenset(dimensions),
    )
    markdowns = [*raw.playbooks, *raw.pages]
    # Parsing is the slow part: new bodies are parsed in worker processes.
    listed = run_jobs(
        [markdown.body for markdown in markdowns],
        lambda body, job_memo: [find_directives_cached(body, job_memo)],
        memo,
        workers=default_workers(),
    )
    errors: list[LocatedError] = []
    for markdown, found in zip(markdowns, listed, strict=True):
        errors.extend(located_problems(found, vocabulary, markdown.rel, markdown.body_line))
    return errors


def _stages_written(raw: RawSources) -> set[str]:
    """`journey/stage` for every stage written in a journey, valid or not: a mistake in a
    journey must not make every directive naming one of its stages an error too."""
    stages = set()
    for doc in raw.kinds.get("journeys", []):
        for journey in doc.value if isinstance(doc.value, list) else [doc.value]:
            if not isinstance(journey, dict) or not isinstance(journey.get("stages"), list):
                continue
            for stage in journey["stages"]:
                if isinstance(stage, dict):
                    stages.add(f"{journey.get('id')}/{stage.get('id')}")
    return stages


def _validate_pages(raw: list[RawMarkdown], errors: list[LocatedError]) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for markdown in raw:
        if markdown.broken:
            continue
        title: str | None = None
        if markdown.front_matter is not None:
            meta, meta_errors = validate_model(
                PageMeta, markdown.front_matter.value, Origin(markdown.front_matter.source, ())
            )
            errors.extend(meta_errors)
            if meta is None:
                continue
            title = meta.title
        page_id = slugify(markdown.id)
        pages[page_id] = Page(
            page_id,
            markdown.rel,
            title or _first_heading(markdown.body) or markdown.id.replace("-", " ").title(),
            markdown.body,
            markdown.body_line,
        )
    return pages


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
