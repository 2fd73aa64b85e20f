"""Turn the text cells of one measurement CSV into observations scored 0–100.

Every kind becomes a per-observation value x on 0–100 whose (weighted) mean is the score:
rating (x − lo)/(hi − lo)·100; top-box, boolean and duration 100 for a hit, 0 otherwise;
NPS 100 for a promoter (9–10), 50 for a passive, 0 for a detractor, so that
mean = (NPS + 100)/2; percent as written. Bad cells are collected with their line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxsite.config import ColumnRef, MeasurementSource
from cxsite.errors import LocatedError
from cxsite.model import Touchpoint
from cxsite.scoring.measures import DEFAULT_FALSE, DEFAULT_TRUE, SECONDS, Measure

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])(?:[T ].*)?)?$")
SHOWN_IN_FULL = 5
# The persona of rows from a source with no persona column: they count for every persona.
ANY_PERSONA = "*"
OBSERVATION_COLUMNS = ["measure", "touchpoint", "dimension", "period", "persona", "x", "n"]


@dataclass(frozen=True)
class Vocabulary:
    """The ids a measurement file may name, and the targets durations are scored against."""

    touchpoints: Mapping[str, Touchpoint]
    personas: frozenset[str]
    dimensions: frozenset[str]
    latest_month: str = "9999-12"  # periods after this month are in the future


@dataclass
class DataProblems:
    """The problems of one file, mergeable across batches: bad cells and notices.

    Bad cells keep only what is reported: the first few in full, and a count with the first
    line per column and message, so a file with millions of bad cells stays small.
    """

    path: str
    first: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, message)
    counts: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # → [count, line]
    # Warnings counted across batches: (col, message with a {count} field) → [count, line].
    notices: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    fatal: list[LocatedError] = field(default_factory=list)  # the file cannot be read at all

    def add_cells(self, lines: pd.Series, col: int, message: str) -> None:
        head = [(int(line), col, message) for line in lines.iloc[: SHOWN_IN_FULL + 1]]
        self.first = sorted(self.first + head)[: SHOWN_IN_FULL + 1]
        _count(self.counts, (col, message), len(lines), int(lines.iloc[0]))

    def add_notice(self, lines: pd.Series, col: int, template: str) -> None:
        _count(self.notices, (col, template), len(lines), int(lines.iloc[0]))

    def merge(self, other: DataProblems) -> None:
        self.first = sorted(self.first + other.first)[: SHOWN_IN_FULL + 1]
        for target, source in ((self.counts, other.counts), (self.notices, other.notices)):
            for key, (count, line) in source.items():
                _count(target, key, count, line)
        self.fatal.extend(other.fatal)

    def _notices(self, line_of: Callable[[int], int]) -> list[LocatedError]:
        return [
            LocatedError(
                self.path, line_of(line), col, template.format(count=count), severity="warning"
            )
            for (col, template), (count, line) in sorted(self.notices.items())
        ]

    def rows(self) -> set[int]:
        """Every record number a report will name (to find its real line in the file)."""
        named = {row for row, _, _ in self.first}
        named |= {row for _, row in self.counts.values()} | {
            row for _, row in self.notices.values()
        }
        return named

    def located(
        self, skip: bool, line_of: Callable[[int], int] = lambda row: row
    ) -> list[LocatedError]:
        """Bad cells as errors (the first few in full, then a count) or, when skipped, warnings."""
        if skip:
            bad = [
                LocatedError(
                    self.path,
                    line_of(line),
                    col,
                    f"{count} value(s) skipped: {message}",
                    severity="warning",
                )
                for (col, message), (count, line) in sorted(self.counts.items())
            ]
            return self.fatal + bad + self._notices(line_of)
        shown, hidden = self.first[:SHOWN_IN_FULL], self.first[SHOWN_IN_FULL:]
        result = [
            LocatedError(self.path, line_of(line), col, message) for line, col, message in shown
        ]
        total = sum(count for count, _ in self.counts.values())
        if hidden:
            line, col, _ = hidden[0]
            result.append(
                LocatedError(
                    self.path,
                    line_of(line),
                    col,
                    f"... and {total - SHOWN_IN_FULL} more bad value(s) in this file",
                    "set `scoring.on_bad_value: skip` to skip bad values with a warning",
                )
            )
        return self.fatal + result + self._notices(line_of)


def _count(
    counts: dict[tuple[int, str], list[int]], key: tuple[int, str], n: int, line: int
) -> None:
    entry = counts.setdefault(key, [0, line])
    entry[0] += n
    entry[1] = min(entry[1], line)


@dataclass
class _Findings:
    """The masks of bad cells in one batch (to drop them) and the problems to report."""

    header: list[str]
    lines: pd.Series
    problems: DataProblems
    bad: list[pd.Series] = field(default_factory=list)

    def add_bad(self, mask: pd.Series, column: str, message: str) -> None:
        if bool(mask.any()):
            self.bad.append(mask)
            self.problems.add_cells(self.lines[mask], self.col(column), message)

    def col(self, column: str) -> int:
        return self.header.index(column) + 1 if column in self.header else 0

    def notice(self, mask: pd.Series, column: str, template: str) -> None:
        """A warning counted over the file; `template` has a {count} field."""
        if bool(mask.any()):
            self.problems.add_notice(self.lines[mask], self.col(column), template)


def observations_from_table(
    table: pd.DataFrame,
    header: list[str],
    first_line: int,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
) -> tuple[pd.DataFrame, DataProblems]:
    """Observations (measure, touchpoint, dimension, period, persona, x, n) and the problems.

    `table` holds text cells; `first_line` is the file line of its first row.
    """
    problems = DataProblems(source.path)
    missing_columns = [c for c in _required_columns(source, measures) if c not in header]
    if missing_columns:
        problems.fatal.append(
            LocatedError(
                source.path,
                1,
                1,
                f"missing column(s): {', '.join(f'`{c}`' for c in missing_columns)}",
                f"the header has: {', '.join(header)}",
            )
        )
        return _empty(), problems
    cells = {c: table[c].astype("string").fillna("").str.strip() for c in table.columns}
    lines = pd.Series(np.arange(len(table)) + first_line, index=table.index)
    findings = _Findings(header, lines, problems)
    keep = pd.Series(True, index=table.index)

    touchpoint = _touchpoint(source, cells, vocabulary, findings, lines, keep)
    period = _period(source, cells, findings, table.index, vocabulary.latest_month)
    persona = _persona(source, cells, vocabulary, findings, lines)
    weight_n = _counts(source, cells, findings, table.index)
    long = source.layout == "long"
    dimension_cells = cells["dimension"] if long else None
    if dimension_cells is not None:
        unknown = ~dimension_cells.isin(vocabulary.dimensions)
        findings.add_bad(unknown, "dimension", "unknown dimension id")
    # A bad id, period or count spoils the whole row, for every measure in it.
    row_ok = keep.copy()
    for mask in findings.bad:
        row_ok &= ~mask

    frames = []
    missing = set(source.missing) | {""}
    for measure in measures:
        raw = cells[measure.column]
        present = ~raw.isin(missing)
        dimension = (
            pd.Series(measure.dimension, index=table.index)
            if dimension_cells is None or measure.dimension is not None
            else dimension_cells
        )
        rows_touchpoint = (
            pd.Series(measure.touchpoint, index=table.index) if measure.touchpoint else touchpoint
        )
        x, bad = _score_values(
            measure, raw, present, rows_touchpoint, dimension, vocabulary, findings, lines
        )
        usable = row_ok & present & ~bad
        frames.append(
            pd.DataFrame(
                {
                    "measure": measure.id,
                    "touchpoint": rows_touchpoint[usable],
                    "dimension": dimension[usable],
                    "period": period[usable],
                    "persona": persona[usable],
                    "x": x[usable],
                    "n": weight_n[usable],
                }
            )
        )
    observations = pd.concat(frames, ignore_index=True) if frames else _empty()
    return observations[OBSERVATION_COLUMNS], problems


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c in ("x", "n") else "object")
            for c in OBSERVATION_COLUMNS
        }
    )


def _required_columns(source: MeasurementSource, measures: tuple[Measure, ...]) -> list[str]:
    long = source.layout == "long"
    columns: list[str | None] = [
        _column(source.touchpoint, "touchpoint" if long else None),
        "dimension" if long else None,
        _column(source.period, "period" if long else None),
        _column(source.persona, None),
        *(m.column for m in measures),
    ]
    return list(dict.fromkeys(c for c in columns if c is not None))


def _column(spec: str | ColumnRef | None, default: str | None) -> str | None:
    if isinstance(spec, ColumnRef):
        return spec.column
    return default if spec is None else None


def _touchpoint(
    source: MeasurementSource,
    cells: Mapping[str, pd.Series],
    vocabulary: Vocabulary,
    findings: _Findings,
    lines: pd.Series,
    keep: pd.Series,
) -> pd.Series:
    index = lines.index
    if isinstance(source.touchpoint, str):
        return pd.Series(source.touchpoint, index=index)
    column = source.touchpoint.column if isinstance(source.touchpoint, ColumnRef) else "touchpoint"
    if column not in cells:  # every column of a wide source fixes its own touchpoint
        return pd.Series("", index=index)
    raw = cells[column]
    mapping = source.touchpoint.map if isinstance(source.touchpoint, ColumnRef) else {}
    if not mapping:
        findings.add_bad(~raw.isin(vocabulary.touchpoints.keys()), column, "unknown touchpoint id")
        return raw
    mapped = raw.map(mapping)
    unmapped = mapped.isna()
    for value in sorted(raw[unmapped].unique()):
        template = f"{{count}} row(s) with {column} `{value}` have no entry in the touchpoint map"
        findings.notice(unmapped & (raw == value), column, template + "; skipped")
    keep &= ~unmapped
    return mapped.fillna("")


def _period(
    source: MeasurementSource,
    cells: Mapping[str, pd.Series],
    findings: _Findings,
    index: pd.Index,
    latest_month: str,
) -> pd.Series:
    if isinstance(source.period, str):
        return pd.Series(source.period, index=index)
    column = source.period.column if isinstance(source.period, ColumnRef) else "period"
    raw = cells[column]
    valid = raw.str.match(MONTH.pattern)
    findings.add_bad(~valid, column, "period is not YYYY-MM or an ISO date (YYYY-MM-DD)")
    month = raw.str.slice(0, 7)
    findings.add_bad(valid & (month > latest_month), column, "period is in the future")
    return month


def _persona(
    source: MeasurementSource,
    cells: Mapping[str, pd.Series],
    vocabulary: Vocabulary,
    findings: _Findings,
    lines: pd.Series,
) -> pd.Series:
    index = lines.index
    if isinstance(source.persona, str):
        return pd.Series(source.persona, index=index)
    if isinstance(source.persona, ColumnRef):
        column, mapping = source.persona.column, source.persona.map
    elif source.layout == "long" and "persona" in cells:
        column, mapping = "persona", {}
    else:
        return pd.Series(ANY_PERSONA, index=index)
    raw = cells[column]
    tagged = raw.map(mapping) if mapping else raw.where(raw.isin(vocabulary.personas))
    unknown = tagged.isna() & (raw != "")
    for value in sorted(raw[unknown].unique()):
        template = f"{{count}} row(s) with the unknown persona `{value}` count as untagged"
        findings.notice(unknown & (raw == value), column, template)
    return tagged.fillna("")


def _counts(
    source: MeasurementSource, cells: Mapping[str, pd.Series], findings: _Findings, index: pd.Index
) -> pd.Series:
    if source.layout != "long" or "n" not in cells:
        return pd.Series(1.0, index=index)
    raw = cells["n"]
    values = _numbers(raw.where(raw != "", "1"))
    bad = values.isna() | ~np.isfinite(values) | (values <= 0)
    findings.add_bad(bad, "n", "`n` must be a positive number of answers")
    return values.where(~bad, 0.0).astype("float64")


def _score_values(
    measure: Measure,
    raw: pd.Series,
    present: pd.Series,
    touchpoint: pd.Series,
    dimension: pd.Series,
    vocabulary: Vocabulary,
    findings: _Findings,
    lines: pd.Series,
) -> tuple[pd.Series, pd.Series]:
    """The 0–100 value of every present cell, and the mask of bad cells."""
    column = measure.column
    if measure.kind == "boolean":
        true_values = measure.true_values
        false_values = measure.false_values
        folded = raw.str.lower()
        is_true = raw.isin(true_values) if true_values is not None else folded.isin(DEFAULT_TRUE)
        is_false = (
            raw.isin(false_values) if false_values is not None else folded.isin(DEFAULT_FALSE)
        )
        bad = present & ~is_true & ~is_false
        findings.add_bad(bad, column, "not a yes/no value")
        return pd.Series(np.where(is_true, 100.0, 0.0), index=raw.index), bad

    numbers = _numbers(raw.where(present, "nan"))
    bad = present & (numbers.isna() | ~np.isfinite(numbers))
    comma = bad & raw.str.fullmatch(r"-?[\d.]+,[\d,]*")
    findings.add_bad(
        comma, column, "not a number: write decimals with a dot and no thousands separators"
    )
    findings.add_bad(bad & ~comma, column, "not a number")
    ok = present & ~bad
    if measure.kind == "rating":
        assert measure.scale is not None
        low, high = measure.scale
        outside = ok & ((numbers < low) | (numbers > high))
        findings.add_bad(outside, column, f"rating outside the scale {low:g}–{high:g}")
        bad = bad | outside
        if measure.method == "top_box":
            top = measure.top_box if measure.top_box is not None else high
            return pd.Series(np.where(numbers >= top, 100.0, 0.0), index=raw.index), bad
        return (numbers - low) / (high - low) * 100.0, bad
    if measure.kind == "nps":
        outside = ok & ((numbers < 0) | (numbers > 10))
        findings.add_bad(outside, column, "NPS answer outside 0–10")
        bad = bad | outside
        x = np.select([numbers >= 9, numbers <= 6], [100.0, 0.0], default=50.0)
        return pd.Series(x, index=raw.index), bad
    if measure.kind == "percent":
        outside = ok & ((numbers < 0) | (numbers > 100))
        findings.add_bad(outside, column, "percent outside 0–100")
        return numbers, bad | outside
    # duration: the share at or under the touchpoint's target for this dimension
    targets = {
        (t.id, d): (target.target * SECONDS.get(target.unit, float("nan")), target.unit)
        for t in vocabulary.touchpoints.values()
        for d, target in t.targets.items()
    }
    target_seconds, target_units = _target_lookup(touchpoint, dimension, targets)
    limit = pd.Series(target_seconds, index=raw.index)
    target_unit = pd.Series(target_units, index=raw.index)
    no_target = ok & limit.isna() & (touchpoint != "")  # "": an unmapped row, skipped anyway
    findings.add_bad(no_target, column, "the touchpoint has no time target for this dimension")
    bad = bad | no_target
    unit_seconds = (
        SECONDS[measure.unit] if measure.unit else target_unit.map(SECONDS).astype("float64")
    )
    seconds = numbers * unit_seconds
    early = ok & (numbers < 0)
    findings.notice(early, column, "{count} negative duration(s) counted as within target")
    return pd.Series(np.where(seconds <= limit, 100.0, 0.0), index=raw.index), bad


def _target_lookup(
    touchpoint: pd.Series,
    dimension: pd.Series,
    targets: Mapping[tuple[str, str], tuple[float, str]],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each row's target (seconds; NaN without one) and the target's unit (default `min`).

    Looked up through the few distinct touchpoints and dimensions, not row by row.
    """
    touchpoint_codes, touchpoints = pd.factorize(touchpoint)
    dimension_codes, dimensions = pd.factorize(dimension)
    # One row and column more, for a missing value's code -1.
    seconds = np.full((len(touchpoints) + 1, len(dimensions) + 1), np.nan)
    units = np.full(seconds.shape, "min", dtype=object)
    for i, touchpoint_id in enumerate(touchpoints):
        for j, dimension_id in enumerate(dimensions):
            found = targets.get((str(touchpoint_id), str(dimension_id)))
            if found is not None:
                seconds[i, j], units[i, j] = found
    return seconds[touchpoint_codes, dimension_codes], units[touchpoint_codes, dimension_codes]


def _numbers(cells: pd.Series) -> pd.Series:
    """Text cells as floats, NaN where a cell is no number.

    Arrow's parser reads a column of well-formed numbers several times faster than pandas;
    a column with anything else in it is read by pandas, which marks each bad cell NaN.
    """
    try:
        parsed = pc.cast(pa.array(cells, type=pa.string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(cells, errors="coerce").astype("float64")
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=cells.index, dtype="float64")
