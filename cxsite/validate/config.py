"""Checks of cxsite.yaml: the config itself, its dimensions, base_url, theme and every
measurement source (its file, its maps and the ids its columns score)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError

from cxsite.config import Config, MeasurementSource
from cxsite.errors import LocatedError
from cxsite.load.yaml_source import Path, SourceMap, YamlDocument
from cxsite.model import ALL, Dimension
from cxsite.validate.located import Origin, References, validate_model


def validate_config(
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


def check_config(
    config: Config, origin: Origin, refs: References, root: FsPath
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
    source: MeasurementSource, origin: Origin, at: Path, refs: References, root: FsPath
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


def unread_measurements_note(doc: YamlDocument | None, config: Config | None) -> list[LocatedError]:
    """A note when errors in cxsite.yaml keep every measurement file from being read."""
    written = doc.value.get("measurements") if doc and isinstance(doc.value, dict) else None
    if doc is None or not written or (config is not None and config.measurements):
        return []
    broken = "`measurements`" if config is not None else "cxsite.yaml"
    message = f"the measurement files are not checked until {broken} has no errors"
    return [doc.source.error(("measurements",), message, severity="note", category="config")]
