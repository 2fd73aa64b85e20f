"""Turn the text cells of one measurement CSV into observations scored 0–100.

Every kind becomes a per-observation value x on 0–100 whose (weighted) mean is the score:
rating (x − lo)/(hi − lo)·100; top-box, boolean and duration 100 for a hit, 0 otherwise;
NPS 100 for a promoter (9–10), 50 for a passive, 0 for a detractor, so that
mean = (NPS + 100)/2; percent as written. Bad cells are collected with their line and column,
and each message names the column and quotes the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxsite.config import ColumnRef, MeasurementSource
from cxsite.errors import LocatedError, did_you_mean
from cxsite.model import Target, Touchpoint
from cxsite.scoring.formulas import YES, answer_range, conversion_of
from cxsite.scoring.measures import DEFAULT_FALSE, DEFAULT_TRUE, SECONDS, Measure

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])(?:[T ].*)?)?$")
MONTH_FORMATS = "write months as YYYY-MM (2025-01) or dates as YYYY-MM-DD (2025-01-31)"
SHOWN_IN_FULL = 5
QUOTED_UP_TO = 40  # characters of a cell quoted in a message; longer ones end in `…`
LISTED_IDS_UP_TO = 10  # with no close match, a hint lists the known ids when so few
# The persona of rows from a source with no persona column: they count for every persona.
ANY_PERSONA = "*"
OBSERVATION_COLUMNS = ["measure", "touchpoint", "dimension", "period", "persona", "x", "n"]


@dataclass(frozen=True)
class Vocabulary:
    """The ids a measurement file may name, and the targets durations are scored against.

    Plain sets, so that files can be checked against whichever definitions loaded: an id
    missing from a set is reported in every row naming it.
    """

    touchpoints: frozenset[str]
    personas: frozenset[str]
    dimensions: frozenset[str]
    targets: Mapping[tuple[str, str], Target] = field(default_factory=dict)  # (touchpoint, dim)
    latest_month: str = "9999-12"  # periods after this month are in the future

    @classmethod
    def of(
        cls,
        touchpoints: Iterable[Touchpoint],
        personas: Iterable[str],
        dimensions: Iterable[str],
        latest_month: str = "9999-12",
    ) -> Vocabulary:
        """The vocabulary of these touchpoints (ids and targets), persona and dimension ids."""
        touchpoints = tuple(touchpoints)
        return cls(
            touchpoints=frozenset(t.id for t in touchpoints),
            personas=frozenset(personas),
            dimensions=frozenset(dimensions),
            targets={(t.id, d): target for t in touchpoints for d, target in t.targets.items()},
            latest_month=latest_month,
        )


def quoted(value: object) -> str:
    """A cell as a message quotes it: in backticks, control characters escaped, long ones cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    if len(text) > QUOTED_UP_TO:
        text = text[: QUOTED_UP_TO - 1] + "…"
    return f"`{text}`"


def unknown_id_hint(value: str, known: Iterable[str], noun: str) -> str:
    """Did you mean the closest id; else, when there are few, the ids there are."""
    options = sorted(known)
    hint = did_you_mean(value, options)
    if hint or not options:
        return hint or f"no {noun}s are defined"
    if len(options) <= LISTED_IDS_UP_TO:
        return f"known {noun}s: {', '.join(options)}"
    return ""


# The message and hint of one bad cell, from its (stripped) text.
CellMessage = Callable[[str], tuple[str, str]]


@dataclass
class DataProblems:
    """The problems of one file, mergeable across batches: bad cells, bad rows and notices.

    Bad cells keep only what is reported: the first few in full, and a count with the first
    line per column and kind of problem, so a file with millions of bad cells stays small.
    """

    path: str
    # The first few problems in full: (line, col, message, hint).
    first: list[tuple[int, int, str, str]] = field(default_factory=list)
    # Per (col, skip warning with a {count} field) → [count, first line].
    counts: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    # Warnings counted across batches: (col, message with a {count} field, hint) → [count, line].
    notices: dict[tuple[int, str, str], list[int]] = field(default_factory=dict)
    fatal: list[LocatedError] = field(default_factory=list)  # the file cannot be read at all

    def add_cells(
        self, lines: pd.Series, values: pd.Series, col: int, summary: str, explain: CellMessage
    ) -> None:
        """Bad cells at `lines` (file lines) with their `values`: `summary` names the kind of
        problem when they are counted, `explain` words each cell shown in full."""
        head = [
            (int(line), col, *explain(str(value)))
            for line, value in zip(
                lines.iloc[: SHOWN_IN_FULL + 1], values.iloc[: SHOWN_IN_FULL + 1], strict=True
            )
        ]
        self.add_first(head)
        skipped = "{count} value(s) skipped: " + summary.replace("{", "{{").replace("}", "}}")
        _count(self.counts, (col, skipped), len(lines), int(lines.iloc[0]))

    def add_row(self, line: int, message: str, hint: str) -> None:
        """A row that cannot be read as a whole: it is left out, and reported."""
        self.add_first([(line, 1, message, hint)])
        _count(self.counts, (1, "{count} row(s) skipped: wrong number of fields"), 1, line)

    def add_first(self, items: Iterable[tuple[int, int, str, str]]) -> None:
        self.first = sorted([*self.first, *items])[: SHOWN_IN_FULL + 1]

    def add_notice(self, lines: pd.Series, col: int, template: str, hint: str = "") -> None:
        _count(self.notices, (col, template, hint), len(lines), int(lines.iloc[0]))

    def merge(self, other: DataProblems) -> None:
        self.add_first(other.first)
        for key, (count, line) in other.counts.items():
            _count(self.counts, key, count, line)
        for notice, (count, line) in other.notices.items():
            _count(self.notices, notice, count, line)
        self.fatal.extend(other.fatal)

    @property
    def any(self) -> bool:
        """Whether there is anything at all to report."""
        return bool(self.first or self.counts or self.notices or self.fatal)

    def _notices(self) -> list[LocatedError]:
        return [
            LocatedError(self.path, line, col, template.format(count=count), hint, "warning")
            for (col, template, hint), (count, line) in sorted(self.notices.items())
        ]

    def located(self, skip: bool) -> list[LocatedError]:
        """Bad cells and rows as errors (the first few in full, then a count) or, when
        skipped, warnings counted per column and kind of problem."""
        if skip:
            bad = [
                LocatedError(self.path, line, col, skipped.format(count=count), severity="warning")
                for (col, skipped), (count, line) in sorted(self.counts.items())
            ]
            return self.fatal + bad + self._notices()
        shown, hidden = self.first[:SHOWN_IN_FULL], self.first[SHOWN_IN_FULL:]
        result = [LocatedError(self.path, *problem) for problem in shown]
        total = sum(count for count, _ in self.counts.values())
        if hidden:
            line, col, _, _ = hidden[0]
            result.append(
                LocatedError(
                    self.path,
                    line,
                    col,
                    f"... and {total - SHOWN_IN_FULL} more bad value(s) in this file",
                    "set `scoring.on_bad_value: skip` to skip bad values with a warning",
                )
            )
        return self.fatal + result + self._notices()


def _count(counts: dict[Any, list[int]], key: Any, n: int, line: int) -> None:
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

    def add_bad(
        self, mask: pd.Series, cells: pd.Series, column: str, summary: str, explain: CellMessage
    ) -> None:
        """Cells of `column` where `mask` holds are bad: `summary` counts them, `explain`
        words each one shown (its message is prefixed with the column)."""
        if bool(mask.any()):
            self.bad.append(mask)

            def message(value: str) -> tuple[str, str]:
                text, hint = explain(value)
                return f"column `{column}`: {text}", hint

            self.problems.add_cells(
                self.lines[mask],
                cells[mask],
                self.col(column),
                f"column `{column}`: {summary}",
                message,
            )

    def col(self, column: str) -> int:
        return self.header.index(column) + 1 if column in self.header else 0

    def notice(self, mask: pd.Series, column: str, template: str, hint: str = "") -> None:
        """A warning counted over the file; `template` has a {count} field."""
        if bool(mask.any()):
            self.problems.add_notice(self.lines[mask], self.col(column), template, hint)


def observations_from_table(
    table: pd.DataFrame,
    header: list[str],
    lines: int | np.ndarray[Any, Any],
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
) -> tuple[pd.DataFrame, DataProblems]:
    """Observations (measure, touchpoint, dimension, period, persona, x, n) and the problems.

    `table` holds text cells; `lines` is the file line of each row, or of the first row when
    the rows are on consecutive lines.
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
    row_lines = np.arange(len(table)) + lines if isinstance(lines, int) else lines
    line_series = pd.Series(row_lines, index=table.index)
    findings = _Findings(header, line_series, problems)
    keep = pd.Series(True, index=table.index)

    touchpoint = _touchpoint(source, cells, vocabulary, findings, keep)
    period = _period(source, cells, findings, table.index, vocabulary.latest_month)
    persona = _persona(source, cells, vocabulary, findings)
    weight_n = _counts(source, cells, findings, table.index)
    long = source.layout == "long"
    dimension_cells = cells["dimension"] if long else None
    if dimension_cells is not None:
        _unknown_ids(findings, dimension_cells, "dimension", "dimension", vocabulary.dimensions)
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
            measure, raw, present, rows_touchpoint, dimension, vocabulary, findings
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


def _unknown_ids(
    findings: _Findings, raw: pd.Series, column: str, noun: str, known: frozenset[str]
) -> None:
    """Cells naming no known id are bad; each shown suggests the closest id."""

    def explain(value: str) -> tuple[str, str]:
        return f"unknown {noun} {quoted(value)}", unknown_id_hint(value, known, noun)

    findings.add_bad(~raw.isin(known), raw, column, f"unknown {noun} id", explain)


def _touchpoint(
    source: MeasurementSource,
    cells: Mapping[str, pd.Series],
    vocabulary: Vocabulary,
    findings: _Findings,
    keep: pd.Series,
) -> pd.Series:
    index = keep.index
    if isinstance(source.touchpoint, str):
        return pd.Series(source.touchpoint, index=index)
    column = source.touchpoint.column if isinstance(source.touchpoint, ColumnRef) else "touchpoint"
    if column not in cells:  # every column of a wide source fixes its own touchpoint
        return pd.Series("", index=index)
    raw = cells[column]
    mapping = source.touchpoint.map if isinstance(source.touchpoint, ColumnRef) else {}
    if not mapping:
        _unknown_ids(findings, raw, column, "touchpoint", vocabulary.touchpoints)
        return raw
    mapped = raw.map(mapping)
    unmapped = mapped.isna()
    for value in sorted(raw[unmapped].unique()):
        template = (
            f"{{count}} row(s) with {column} {_braced(quoted(value))} have no entry in the "
            "touchpoint map; skipped"
        )
        findings.notice(unmapped & (raw == value), column, template, did_you_mean(value, mapping))
    keep &= ~unmapped
    return mapped.fillna("")


def _braced(text: str) -> str:
    """`text` safe inside a str.format template."""
    return text.replace("{", "{{").replace("}", "}}")


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
    findings.add_bad(
        ~valid,
        raw,
        column,
        "not YYYY-MM or an ISO date (YYYY-MM-DD)",
        lambda value: (f"{quoted(value)} is not a month or a date", MONTH_FORMATS),
    )
    month = raw.str.slice(0, 7)
    findings.add_bad(
        valid & (month > latest_month),
        raw,
        column,
        "period is in the future",
        lambda value: (f"{quoted(value)} is in the future", ""),
    )
    return month


def _persona(
    source: MeasurementSource,
    cells: Mapping[str, pd.Series],
    vocabulary: Vocabulary,
    findings: _Findings,
) -> pd.Series:
    index = findings.lines.index
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
        template = (
            f"{{count}} row(s) with the unknown persona {_braced(quoted(value))} count as untagged"
        )
        hint = did_you_mean(value, mapping or vocabulary.personas)
        findings.notice(unknown & (raw == value), column, template, hint)
    return tagged.fillna("")


def _counts(
    source: MeasurementSource, cells: Mapping[str, pd.Series], findings: _Findings, index: pd.Index
) -> pd.Series:
    if source.layout != "long" or "n" not in cells:
        return pd.Series(1.0, index=index)
    raw = cells["n"]
    values = _numbers(raw.where(raw != "", "1"))
    bad = values.isna() | ~np.isfinite(values) | (values <= 0)
    findings.add_bad(
        bad,
        raw,
        "n",
        "`n` must be a positive number of answers",
        lambda value: (f"{quoted(value)} is not a positive number of answers", ""),
    )
    return values.where(~bad, 0.0).astype("float64")


def _one_of(words: Iterable[str]) -> str:
    *rest, last = words
    return f"{', '.join(rest)} or {last}" if rest else last


def _yes_no_hint(measure: Measure) -> str:
    if measure.true_values is None and measure.false_values is None:
        return (
            f"write {_one_of(DEFAULT_TRUE)} for yes and {_one_of(DEFAULT_FALSE)} for no, "
            "in any case"
        )
    listed = [
        f"{_one_of(quoted(word) for word in words)} for {meaning}"
        for words, meaning in ((measure.true_values, "yes"), (measure.false_values, "no"))
        if words
    ]
    if not listed:
        return "`true_values` and `false_values` in cxsite.yaml accept no word"
    return f"write {' and '.join(listed)}, as `true_values` and `false_values` say"


def _score_values(
    measure: Measure,
    raw: pd.Series,
    present: pd.Series,
    touchpoint: pd.Series,
    dimension: pd.Series,
    vocabulary: Vocabulary,
    findings: _Findings,
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
        hint = _yes_no_hint(measure)
        findings.add_bad(
            bad,
            raw,
            column,
            "not a yes/no value",
            lambda value: (f"{quoted(value)} is not a yes/no value", hint),
        )
        x = conversion_of("boolean").values(np.where(is_true, YES, 0.0))
        return pd.Series(x, index=raw.index), bad

    numbers = _numbers(raw.where(present, "nan"))
    bad = present & (numbers.isna() | ~np.isfinite(numbers))
    comma = bad & raw.str.fullmatch(r"-?[\d.]+,[\d,]*")
    findings.add_bad(
        comma,
        raw,
        column,
        "not a number",
        lambda value: (
            f"{quoted(value)} is not a number",
            "write decimals with a dot and no thousands separators",
        ),
    )
    findings.add_bad(
        bad & ~comma,
        raw,
        column,
        "not a number",
        lambda value: (
            f"{quoted(value)} is not a number",
            "leave the cell empty when there is no answer",
        ),
    )
    ok = present & ~bad
    conversion = conversion_of(measure.kind, measure.method, measure.scale, measure.top_box)
    bounds = answer_range(measure.kind, measure.scale)
    if bounds is not None:
        low, high = bounds
        outside = ok & ((numbers < low) | (numbers > high))
        summary, explain = _outside_messages(measure.kind, low, high)
        findings.add_bad(outside, raw, column, summary, explain)
        bad = bad | outside
    if measure.kind != "duration":
        return pd.Series(conversion.values(numbers.to_numpy()), index=raw.index), bad
    # duration: the share at or under the touchpoint's target for this dimension
    targets = {
        key: (target.target * SECONDS.get(target.unit, float("nan")), target.unit)
        for key, target in vocabulary.targets.items()
    }
    target_seconds, target_units = _target_lookup(touchpoint, dimension, targets)
    limit = pd.Series(target_seconds, index=raw.index)
    target_unit = pd.Series(target_units, index=raw.index)
    no_target = ok & limit.isna() & (touchpoint != "")  # "": an unmapped row, skipped anyway
    pairs = touchpoint.astype(str) + "\x00" + dimension.astype(str)
    findings.add_bad(
        no_target,
        pairs,
        column,
        "the touchpoint has no time target for this dimension",
        _no_target_message,
    )
    bad = bad | no_target
    unit_seconds = (
        SECONDS[measure.unit] if measure.unit else target_unit.map(SECONDS).astype("float64")
    )
    seconds = numbers * unit_seconds
    early = ok & (numbers < 0)
    findings.notice(early, column, "{count} negative duration(s) counted as within target")
    x = conversion.values(seconds.to_numpy(), target=limit.to_numpy())
    return pd.Series(x, index=raw.index), bad


def _outside_messages(kind: str, low: float, high: float) -> tuple[str, CellMessage]:
    """How a number outside its kind's range is counted (summary) and worded (each cell)."""
    if kind == "rating":
        scale = f"{low:g}–{high:g}"
        return f"rating outside the scale {scale}", lambda value: (
            f"{quoted(value)} is outside the scale {scale}",
            "",
        )
    if kind == "nps":
        return "NPS answer outside 0–10", lambda value: (
            f"{quoted(value)} is outside 0–10, the scale of NPS answers",
            "",
        )
    return "percent outside 0–100", lambda value: (
        f"{quoted(value)} is {'below 0' if value.startswith('-') else 'over 100'}; "
        "a percentage is 0–100",
        "",
    )


def _no_target_message(pair: str) -> tuple[str, str]:
    touchpoint, dimension = pair.split("\x00")
    return (
        f"touchpoint `{touchpoint}` has no time target for `{dimension}`",
        f"give the touchpoint `targets: {{{dimension}: {{target: N, unit: min}}}}`",
    )


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
