"""`cxsite.yaml`: the project's title, theme, dimensions, measurement sources and scoring."""

from __future__ import annotations

import importlib.util
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

# Defined with the readers, so that finding a project imports nothing heavy.
from cxsite.load.files import CONFIG_FILE as CONFIG_FILE
from cxsite.model import (
    DEFAULT_DIMENSIONS,
    Dimension,
    DimensionRef,
    Id,
    PersonaRef,
    Strict,
    TouchpointRef,
)

Kind = Literal["rating", "nps", "percent", "boolean", "duration"]
DurationUnit = Literal["s", "min", "h"]
RatingMethod = Literal["mean", "top_box"]
DEFAULT_MISSING: tuple[str, ...] = ("", "NA", "N/A", "n/a", "null")


class ColumnRef(Strict):
    """Read a value from a CSV column, optionally translating it through `map`."""

    column: str = Field(min_length=1)
    map: dict[str, str] = {}


def _fixed_or_column(value: Any) -> str:
    return "fixed" if isinstance(value, str) else "column"


# Each is either fixed for the whole file (a string) or read from a column (a mapping).
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
PeriodSpec = Annotated[
    Annotated[Month, Tag("fixed")] | Annotated[ColumnRef, Tag("column")],
    Discriminator(_fixed_or_column),
]
TouchpointSpec = Annotated[
    Annotated[TouchpointRef, Tag("fixed")] | Annotated[ColumnRef, Tag("column")],
    Discriminator(_fixed_or_column),
]
PersonaSpec = Annotated[
    Annotated[PersonaRef, Tag("fixed")] | Annotated[ColumnRef, Tag("column")],
    Discriminator(_fixed_or_column),
]


class KindOptions(Strict):
    """Options shared by a source and its columns; a column's own options win."""

    kind: Kind | None = None
    scale: tuple[float, float] | None = None
    method: RatingMethod | None = None
    top_box: float | None = None
    unit: DurationUnit | None = None
    true_values: tuple[str, ...] | None = None
    false_values: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> KindOptions:
        if self.scale is not None and self.scale[0] >= self.scale[1]:
            raise ValueError("`scale` must be [low, high] with low below high")
        if (
            self.scale is not None
            and self.top_box is not None
            and not self.scale[0] <= self.top_box <= self.scale[1]
        ):
            raise ValueError("`top_box` must lie within `scale`")
        return self


class ColumnSpec(KindOptions):
    """One measured column of a wide file."""

    dimension: DimensionRef
    touchpoint: TouchpointRef | None = None
    weight: float = Field(default=1, gt=0)


class MeasurementSource(KindOptions):
    """One CSV export: where it is, its layout, whose voice it is and how to read it."""

    path: str = Field(min_length=1)
    layout: Literal["long", "wide"]
    source: Literal["customer", "internal"] = "customer"
    weight: float = Field(default=1, gt=0)
    missing: tuple[str, ...] = DEFAULT_MISSING
    period: PeriodSpec | None = None
    touchpoint: TouchpointSpec | None = None
    persona: PersonaSpec | None = None
    columns: dict[str, ColumnSpec] = {}

    @model_validator(mode="after")
    def _period_has_no_map(self) -> MeasurementSource:
        if isinstance(self.period, ColumnRef) and self.period.map:
            raise ValueError("`period` reads dates or YYYY-MM from a column; it takes no `map`")
        return self

    @model_validator(mode="after")
    def _layout_fits(self) -> MeasurementSource:
        if self.layout == "wide":
            if not self.columns:
                raise ValueError("a wide source needs `columns` (CSV column -> dimension and kind)")
            if self.period is None:
                raise ValueError("a wide source needs `period` (a column or a fixed YYYY-MM)")
            if self.touchpoint is None and any(c.touchpoint is None for c in self.columns.values()):
                raise ValueError(
                    "a wide source needs `touchpoint` (a column or a fixed id) unless "
                    "every column fixes its own"
                )
        else:
            if self.columns:
                raise ValueError(
                    "`columns` is for wide sources; a long source has one value column"
                )
            if self.kind is None:
                raise ValueError(
                    "a long source needs `kind` (rating, nps, percent, boolean, duration)"
                )
        return self


class Thresholds(Strict):
    green: float = Field(default=75, ge=0, le=100)
    amber: float = Field(default=60, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.amber > self.green:
            raise ValueError("`amber` must not be above `green`")
        return self


class Scoring(Strict):
    rollup: Literal["mean", "geometric", "harmonic", "min"] = "harmonic"
    rollup_min_n: int = Field(default=10, ge=0)
    min_n: int = Field(default=30, ge=1)
    thresholds: Thresholds = Thresholds()
    expectation_margin: float = Field(default=10, ge=0, le=100)
    blind_spot_gap: float = Field(default=10, ge=0, le=100)
    on_bad_value: Literal["error", "skip"] = "error"
    # Where partial aggregates are computed (docs/scale.md); scores are the same with each.
    engine: Literal["pandas", "duckdb", "dask"] = "pandas"
    dask_scheduler: str | None = None  # tcp://host:8786; unset: a local cluster

    @model_validator(mode="after")
    def _engine_installed(self) -> Scoring:
        needs = {"pandas": (), "duckdb": ("duckdb",), "dask": ("dask", "distributed")}
        missing = [name for name in needs[self.engine] if importlib.util.find_spec(name) is None]
        if missing:
            raise ValueError(
                f"`engine: {self.engine}` needs {' and '.join(missing)}: "
                "pip install 'cxsite[scale]'"
            )
        return self


class Config(Strict):
    """The whole of `cxsite.yaml`."""

    title: str = Field(min_length=1)
    base_url: str | None = None
    theme: Id | None = None
    dimensions: tuple[Dimension, ...] = Field(default=DEFAULT_DIMENSIONS, min_length=1)
    measurements: tuple[MeasurementSource, ...] = ()
    scoring: Scoring = Scoring()
