"""What every check shares: where an item was written, validating one raw mapping against
its model, and checking that the ids an item names are declared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from cxsite.errors import Category, LocatedError, did_you_mean, fold
from cxsite.load.yaml_source import Path, SourceMap
from cxsite.model import ALL, Dimension, Touchpoint
from cxsite.pydantic_errors import KnownIds, located_model_errors, slugify

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


def spellings(written: str) -> tuple[str, ...]:
    """An id as written, and the ids it was meant to be: `App Login` and `customer-servіce`
    (Cyrillic `і`) still declare `app-login` and `customer-service`."""
    return written, slugify(written), slugify(fold(written))


class References:
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
