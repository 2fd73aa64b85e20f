"""Turn pydantic validation errors into located, plain-language messages."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cxsite.errors import Category, LocatedError, did_you_mean, fold, look_alike_note
from cxsite.load.yaml_source import Path, SourceMap
from cxsite.model import DIMENSION_ID_PATTERN, ID_PATTERN


def slugify(text: str) -> str:
    """A lowercase slug (`[a-z0-9][a-z0-9-]*`) close to `text`."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug or "item"


# The ids a reference may name, by kind ("department", "touchpoint", ...).
KnownIds = Mapping[str, Iterable[str]]


def located_model_errors(
    exc: ValidationError,
    model: type[BaseModel],
    source: SourceMap,
    prefix: Path,
    category: Category = "content",
    known: KnownIds | None = None,
) -> list[LocatedError]:
    """One located error per pydantic error, pointing at the offending key or value.

    With `known`, a reference written as no id could be (`customer-servіce`, with a Cyrillic
    `і`) is reported as unknown, with the known id it was probably meant to be.
    """
    return [_located(error, model, source, prefix, category, known or {}) for error in exc.errors()]


def _located(
    error: ErrorDetails,
    model: type[BaseModel],
    source: SourceMap,
    prefix: Path,
    category: Category,
    known: KnownIds,
) -> LocatedError:
    loc = tuple(error["loc"])
    path = _source_path(source, prefix, loc)
    fields = [part for part in loc if part in _all_field_names(model, loc)]
    field = ".".join(str(part) for part in fields) or "this item"
    kind = error["type"]
    key = False
    hint = ""
    value = error.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        message = f"unknown field `{name}`"
        hint = did_you_mean(name, allowed) or f"allowed fields: {', '.join(allowed)}"
        key = True
    elif kind == "missing":
        message = f"missing required field `{loc[-1]}`"
    elif kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") in (
        ID_PATTERN,
        DIMENSION_ID_PATTERN,
    ):
        refers_to = _reference_kind(model, loc)
        if refers_to is not None and str(value) not in known.get(refers_to, (str(value),)):
            message = f"unknown {refers_to} `{value}`"
            hint = did_you_mean(str(value), known[refers_to])
        else:
            message = f"`{value}` is not a valid id: use lowercase letters, digits and hyphens"
            hint = f"for example `{slugify(fold(str(value)))}`"
            alikes = look_alike_note(str(value))
            hint += f": {alikes}" if alikes else ""
    elif kind.startswith("date"):
        message, hint = _date_problem(field, str(value))
    elif kind == "model_type":
        found = type(value).__name__ if value is not None else "nothing"
        message = f"`{field}`: expected fields (`name: value`, or `{{name: value}}`), found {found}"
    elif kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        message = f"`{field}`: `{value}` is not one of {', '.join(expected)}"
        hint = did_you_mean(str(value), expected)
    else:
        message = error["msg"].removeprefix("Value error, ")
        if fields:
            message = f"`{field}`: {message[0].lower()}{message[1:]}"
    position = source.locate(path, key=key)
    return LocatedError(source.path, position.line, position.col, message, hint, category=category)


def _date_problem(field: str, value: str) -> tuple[str, str]:
    """(message, hint) for a value that is not a date, with the date it was probably meant
    to be where the order of day and month is certain (31/12/2027: 2027-12-31)."""
    example = "2027-12-31"
    parts = [int(p) for p in re.findall(r"\d+", value)]
    if len(parts) == 3 and parts[0] > 31:
        year, month, day = parts
        if 1 <= month <= 12 and 1 <= day <= 31:
            return (
                f"`{field}`: `{value}` is not a day of the calendar",
                "check the month and the day: dates are written YYYY-MM-DD",
            )
    if len(parts) == 3 and parts[2] > 31:
        first, second, year = parts
        if first > 12 and 1 <= second <= 12 and first <= 31:  # day first
            example = f"{year:04d}-{second:02d}-{first:02d}"
        elif second > 12 and 1 <= first <= 12 and second <= 31:  # month first
            example = f"{year:04d}-{first:02d}-{second:02d}"
    return f"`{field}`: `{value}` is not a date", f"write dates as YYYY-MM-DD, e.g. {example}"


def _reference_kind(model: type[BaseModel], loc: Sequence[Any]) -> str | None:
    """The kind of id the value at `loc` refers to (its `x-cxsite-ref` mark), if any."""
    types_now: list[Any] = [model]
    kind: str | None = None
    for part in loc:
        matched = False
        for annotation in types_now:
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                field = annotation.model_fields.get(str(part))
                if field is not None:
                    matched = True
                    kind = _mark(field.json_schema_extra) or _reference_in(field.annotation)
            elif get_origin(annotation) in (tuple, list) and isinstance(part, int):
                matched = True
                kind = _reference_in(get_args(annotation)[0])
        if not matched and not isinstance(part, str):
            kind = None
        types_now = _step(types_now, part)
    return kind


def _mark(extra: Any) -> str | None:
    kind = extra.get("x-cxsite-ref") if isinstance(extra, dict) else None
    return kind if isinstance(kind, str) else None


def _reference_in(annotation: Any) -> str | None:
    """The `x-cxsite-ref` mark inside an annotation (Annotated metadata, unions), if any."""
    if get_origin(annotation) is typing.Annotated:
        for meta in get_args(annotation)[1:]:
            kind = _mark(getattr(meta, "json_schema_extra", None))
            if kind:
                return kind
        return _reference_in(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return next(filter(None, (_reference_in(arg) for arg in get_args(annotation))), None)
    return None


def _source_path(source: SourceMap, prefix: Path, loc: Sequence[Any]) -> Path:
    """The source path for a pydantic `loc`, skipping parts (union tags) the source lacks."""
    path = prefix
    for part in loc:
        candidate = (*path, part)
        if candidate in source.values or candidate in source.keys:
            path = candidate
    return path


def _candidates(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Annotated, Optional and unions unwrapped)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _candidates(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [c for arg in get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _step(types_now: list[Any], part: Any) -> list[Any]:
    result: list[Any] = []
    for annotation in types_now:
        origin = get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is not None:
                result.extend(_candidates(field.annotation))
        elif origin in (tuple, list) and isinstance(part, int):
            result.extend(_candidates(get_args(annotation)[0]))
        elif origin is dict and isinstance(part, str):
            result.extend(_candidates(get_args(annotation)[1]))
    return result or types_now  # an unmatched part is a union tag: stay where we are


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    types_now: list[Any] = [model]
    for part in loc:
        types_now = _step(types_now, part)
    names: list[str] = []
    for annotation in types_now:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(n for n in annotation.model_fields if n not in names)
    return names


def _all_field_names(model: type[BaseModel], loc: Sequence[Any]) -> set[str]:
    names: set[str] = set()
    for end in range(len(loc) + 1):
        names.update(_fields_at(model, loc[:end]))
    return names
