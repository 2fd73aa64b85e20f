"""Turn pydantic validation errors into located, plain-language messages."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cxsite.errors import Category, LocatedError, did_you_mean
from cxsite.load.yaml_source import Path, SourceMap
from cxsite.model import DIMENSION_ID_PATTERN, ID_PATTERN


def slugify(text: str) -> str:
    """A lowercase slug (`[a-z0-9][a-z0-9-]*`) close to `text`."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug or "item"


def located_model_errors(
    exc: ValidationError,
    model: type[BaseModel],
    source: SourceMap,
    prefix: Path,
    category: Category = "content",
) -> list[LocatedError]:
    """One located error per pydantic error, pointing at the offending key or value."""
    return [_located(error, model, source, prefix, category) for error in exc.errors()]


def _located(
    error: ErrorDetails, model: type[BaseModel], source: SourceMap, prefix: Path, category: Category
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
        message = f"`{value}` is not a valid id: use lowercase letters, digits and hyphens"
        hint = f"for example `{slugify(str(value))}`"
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
