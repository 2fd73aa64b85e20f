"""Measures: each scored column of each measurement source, with its options resolved."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.config import Config, Kind, KindOptions

SHARE_KINDS = frozenset({"boolean", "duration"})
DEFAULT_TRUE = ("true", "yes", "y", "1")
DEFAULT_FALSE = ("false", "no", "n", "0")
SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class Measure:
    """One scored column: a long source's `value`, or one entry of a wide source's `columns`."""

    id: int
    source_index: int
    column: str
    dimension: str | None  # None: read from the long layout's `dimension` column
    touchpoint: str | None  # a column's own fixed touchpoint, if any
    kind: Kind
    scale: tuple[float, float] | None
    method: str
    top_box: float | None
    unit: str | None
    true_values: tuple[str, ...] | None
    false_values: tuple[str, ...] | None
    source_type: str
    weight: float

    @property
    def is_share(self) -> bool:
        """Scored as a share of observations (Wilson interval) rather than a mean."""
        return self.kind in SHARE_KINDS or (self.kind == "rating" and self.method == "top_box")


def measures_of(config: Config) -> tuple[Measure, ...]:
    """Every measure of every source, numbered in configuration order."""
    measures: list[Measure] = []
    for source_index, source in enumerate(config.measurements):
        entries: list[tuple[str, KindOptions, str | None, str | None, float]]
        if source.layout == "long":
            entries = [("value", source, None, None, 1.0)]
        else:
            entries = [
                (column, spec, spec.dimension, spec.touchpoint, spec.weight)
                for column, spec in source.columns.items()
            ]
        for column, options, dimension, touchpoint, weight in entries:
            kind = options.kind or source.kind
            assert kind is not None  # validated: every long source and column has a kind
            measures.append(
                Measure(
                    id=len(measures),
                    source_index=source_index,
                    column=column,
                    dimension=dimension,
                    touchpoint=touchpoint,
                    kind=kind,
                    scale=options.scale or source.scale,
                    method=options.method or source.method or "mean",
                    top_box=options.top_box if options.top_box is not None else source.top_box,
                    unit=options.unit or source.unit,
                    true_values=_first(options.true_values, source.true_values),
                    false_values=_first(options.false_values, source.false_values),
                    source_type=source.source,
                    weight=source.weight * weight,
                )
            )
    return tuple(measures)


def _first(*values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return next((v for v in values if v is not None), None)
