"""Turn the text cells of one measurement CSV into observations scored 0–100.

Every kind becomes a per-observation value x on 0–100 whose (weighted) mean is the score,
by the per-kind table of formulas.py (`conversion_of`). The cells come dictionary-encoded
(`Cells`): ids, periods and answers are checked and converted once per distinct text, and
rows keep integer codes. Bad cells are collected with their line and column, and each
message names the column and quotes the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxsite.config import ColumnRef, MeasurementSource
from cxsite.errors import LocatedError, did_you_mean
from cxsite.model import Target, Touchpoint
from cxsite.scoring.cells import Array, Cells
from cxsite.scoring.formulas import YES, answer_range, conversion_of
from cxsite.scoring.measures import DEFAULT_FALSE, DEFAULT_TRUE, SECONDS, Measure

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])(?:[T ].*)?)?$")
COMMA_NUMBER = re.compile(r"-?[\d.]+,[\d,]*")  # 1,5 or 1,000: written with a comma
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
        self,
        lines: Array,
        values: Callable[[int], Sequence[str]],
        col: int,
        summary: str,
        explain: CellMessage,
    ) -> None:
        """Bad cells at `lines` (file lines, in file order); `values(k)` gives the texts of
        the first k: `summary` names the kind of problem when they are counted, `explain`
        words each cell shown in full."""
        shown = lines[: SHOWN_IN_FULL + 1]
        head = [
            (int(line), col, *explain(str(value)))
            for line, value in zip(shown, values(len(shown)), strict=True)
        ]
        self.add_first(head)
        skipped = "{count} value(s) skipped: " + summary.replace("{", "{{").replace("}", "}}")
        _count(self.counts, (col, skipped), len(lines), int(lines[0]))

    def add_row(self, line: int, message: str, hint: str) -> None:
        """A row that cannot be read as a whole: it is left out, and reported."""
        self.add_first([(line, 1, message, hint)])
        _count(self.counts, (1, "{count} row(s) skipped: wrong number of fields"), 1, line)

    def add_first(self, items: Iterable[tuple[int, int, str, str]]) -> None:
        self.first = sorted([*self.first, *items])[: SHOWN_IN_FULL + 1]

    def add_notice(self, lines: Array, col: int, template: str, hint: str = "") -> None:
        _count(self.notices, (col, template, hint), len(lines), int(lines[0]))

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
    """The masks of bad cells in one batch (to drop their rows) and the problems to report."""

    header: list[str]
    lines: Array
    problems: DataProblems
    bad: list[Array] = field(default_factory=list)

    def add_bad(
        self,
        mask: Array,
        texts: Callable[[Array], Sequence[str]],
        column: str,
        summary: str,
        explain: CellMessage,
    ) -> None:
        """Cells of `column` where `mask` holds are bad (`texts(rows)` gives their text):
        `summary` counts them, `explain` words each one shown (prefixed with the column)."""
        if not bool(mask.any()):
            return
        self.bad.append(mask)

        def message(value: str) -> tuple[str, str]:
            text, hint = explain(value)
            return f"column `{column}`: {text}", hint

        rows = np.flatnonzero(mask)
        self.problems.add_cells(
            self.lines[rows],
            lambda k: texts(rows[:k]),
            self.col(column),
            f"column `{column}`: {summary}",
            message,
        )

    def col(self, column: str) -> int:
        return self.header.index(column) + 1 if column in self.header else 0

    def notice(self, mask: Array, column: str, template: str, hint: str = "") -> None:
        """A warning counted over the file; `template` has a {count} field."""
        if bool(mask.any()):
            self.problems.add_notice(self.lines[mask], self.col(column), template, hint)


@dataclass(frozen=True)
class CodedObservations:
    """One measure's usable observations in a batch: `rows` of the batch, their keys as
    codes into the batch's distinct texts, x on 0–100 and the weight n."""

    measure: int
    rows: Array
    touchpoint: Cells
    dimension: Cells
    period: Cells
    persona: Cells
    x: Array
    n: Array

    def keys(self) -> tuple[Cells, Cells, Cells, Cells]:
        return self.touchpoint, self.dimension, self.period, self.persona


def observations_from_table(
    table: pd.DataFrame,
    header: list[str],
    lines: int | Array,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
) -> tuple[pd.DataFrame, DataProblems]:
    """Observations (measure, touchpoint, dimension, period, persona, x, n) and the problems,
    from a table of text cells; `lines` is the file line of each row, or of the first row
    when the rows are on consecutive lines."""
    cells = {column: Cells.of_series(table[column]) for column in table.columns}
    coded, problems = coded_observations(
        cells, len(table), header, lines, source, measures, vocabulary
    )
    frames = [
        pd.DataFrame(
            {
                "measure": part.measure,
                **{
                    key: keys.column(part.rows)
                    for key, keys in zip(OBSERVATION_COLUMNS[1:5], part.keys(), strict=True)
                },
                "x": part.x,
                "n": part.n,
            }
        )
        for part in coded
    ]
    observations = pd.concat(frames, ignore_index=True) if frames else _empty()
    return observations[OBSERVATION_COLUMNS], problems


def coded_observations(
    cells: Mapping[str, Cells],
    rows: int,
    header: list[str],
    lines: int | Array,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
) -> tuple[list[CodedObservations], DataProblems]:
    """Each measure's usable observations of a batch of `rows` rows (its `cells`, one per
    column read), and the problems found."""
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
        return [], problems
    row_lines = np.arange(rows) + lines if isinstance(lines, int) else np.asarray(lines)
    findings = _Findings(header, row_lines, problems)
    keep = np.ones(rows, dtype=bool)

    touchpoint = _touchpoint(source, cells, vocabulary, findings, keep, rows)
    period = _period(source, cells, findings, rows, vocabulary.latest_month)
    persona = _persona(source, cells, vocabulary, findings, rows)
    weight_n = _counts(source, cells, findings, rows)
    long = source.layout == "long"
    dimension_cells = cells["dimension"] if long else None
    if dimension_cells is not None:
        _unknown_ids(findings, dimension_cells, "dimension", "dimension", vocabulary.dimensions)
    # A bad id, period or count spoils the whole row, for every measure in it.
    row_ok = keep.copy()
    for mask in findings.bad:
        row_ok &= ~mask

    result = []
    missing = set(source.missing) | {""}
    for measure in measures:
        raw = cells[measure.column]
        answered = ~raw.isin(missing)
        present = raw.rows(answered)
        dimension = (
            Cells.constant(measure.dimension or "", rows)
            if dimension_cells is None or measure.dimension is not None
            else dimension_cells
        )
        rows_touchpoint = (
            Cells.constant(measure.touchpoint, rows) if measure.touchpoint else touchpoint
        )
        x, bad = _score_values(
            measure, raw, answered, rows_touchpoint, dimension, vocabulary, findings
        )
        usable = np.flatnonzero(row_ok & present & ~bad)
        result.append(
            CodedObservations(
                measure.id,
                usable,
                rows_touchpoint,
                dimension,
                period,
                persona,
                x[usable],
                weight_n[usable],
            )  # fmt: skip
        )
    return result, problems


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
    findings: _Findings, raw: Cells, column: str, noun: str, known: frozenset[str]
) -> None:
    """Cells naming no known id are bad; each shown suggests the closest id."""

    def explain(value: str) -> tuple[str, str]:
        return f"unknown {noun} {quoted(value)}", unknown_id_hint(value, known, noun)

    findings.add_bad(raw.rows(~raw.isin(known)), raw.texts, column, f"unknown {noun} id", explain)


def _each_value(raw: Cells, unknown: Array) -> Iterable[tuple[str, Array]]:
    """Each of the distinct texts flagged `unknown`, in order, with the mask of its rows."""
    for index in sorted(np.flatnonzero(unknown), key=lambda i: str(raw.values[i])):
        yield str(raw.values[index]), raw.codes == index


def _touchpoint(
    source: MeasurementSource,
    cells: Mapping[str, Cells],
    vocabulary: Vocabulary,
    findings: _Findings,
    keep: Array,
    rows: int,
) -> Cells:
    if isinstance(source.touchpoint, str):
        return Cells.constant(source.touchpoint, rows)
    column = source.touchpoint.column if isinstance(source.touchpoint, ColumnRef) else "touchpoint"
    if column not in cells:  # every column of a wide source fixes its own touchpoint
        return Cells.constant("", rows)
    raw = cells[column]
    mapping = source.touchpoint.map if isinstance(source.touchpoint, ColumnRef) else {}
    if not mapping:
        _unknown_ids(findings, raw, column, "touchpoint", vocabulary.touchpoints)
        return raw
    mapped = [mapping.get(str(value)) for value in raw.values]
    unmapped = np.array([m is None for m in mapped], dtype=bool)
    for value, mask in _each_value(raw, unmapped):
        template = (
            f"{{count}} row(s) with {column} {_braced(quoted(value))} have no entry in the "
            "touchpoint map; skipped"
        )
        findings.notice(mask, column, template, did_you_mean(value, mapping))
    keep &= ~raw.rows(unmapped)
    return raw.relabel([m or "" for m in mapped], dtype="str")  # mapped texts: str


def _braced(text: str) -> str:
    """`text` safe inside a str.format template."""
    return text.replace("{", "{{").replace("}", "}}")


def _period(
    source: MeasurementSource,
    cells: Mapping[str, Cells],
    findings: _Findings,
    rows: int,
    latest_month: str,
) -> Cells:
    if isinstance(source.period, str):
        return Cells.constant(source.period, rows)
    column = source.period.column if isinstance(source.period, ColumnRef) else "period"
    raw = cells[column]
    valid = raw.each(lambda value: MONTH.match(value) is not None)
    findings.add_bad(
        raw.rows(~valid),
        raw.texts,
        column,
        "not YYYY-MM or an ISO date (YYYY-MM-DD)",
        lambda value: (f"{quoted(value)} is not a month or a date", MONTH_FORMATS),
    )
    months = [str(value)[:7] for value in raw.values]
    future = valid & np.array([month > latest_month for month in months], dtype=bool)
    findings.add_bad(
        raw.rows(future),
        raw.texts,
        column,
        "period is in the future",
        lambda value: (f"{quoted(value)} is in the future", ""),
    )
    return raw.relabel(months)


def _persona(
    source: MeasurementSource,
    cells: Mapping[str, Cells],
    vocabulary: Vocabulary,
    findings: _Findings,
    rows: int,
) -> Cells:
    if isinstance(source.persona, str):
        return Cells.constant(source.persona, rows)
    if isinstance(source.persona, ColumnRef):
        column, mapping = source.persona.column, source.persona.map
    elif source.layout == "long" and "persona" in cells:
        column, mapping = "persona", {}
    else:
        return Cells.constant(ANY_PERSONA, rows)
    raw = cells[column]
    values = [str(value) for value in raw.values]
    tagged = [
        mapping.get(value) if mapping else (value if value in vocabulary.personas else None)
        for value in values
    ]
    unknown = np.array([t is None and v != "" for t, v in zip(tagged, values, strict=True)])
    for value, mask in _each_value(raw, unknown):
        template = (
            f"{{count}} row(s) with the unknown persona {_braced(quoted(value))} count as untagged"
        )
        hint = did_you_mean(value, mapping or vocabulary.personas)
        findings.notice(mask, column, template, hint)
    return raw.relabel(
        [t if t is not None else "" for t in tagged], dtype="str" if mapping else None
    )


def _counts(
    source: MeasurementSource, cells: Mapping[str, Cells], findings: _Findings, rows: int
) -> Array:
    if source.layout != "long" or "n" not in cells:
        return np.ones(rows, dtype="float64")
    raw = cells["n"]
    values = _numbers([value if value != "" else "1" for value in raw.values])
    with np.errstate(invalid="ignore"):
        bad = np.isnan(values) | ~np.isfinite(values) | (values <= 0)
    findings.add_bad(
        raw.rows(bad),
        raw.texts,
        "n",
        "`n` must be a positive number of answers",
        lambda value: (f"{quoted(value)} is not a positive number of answers", ""),
    )
    return raw.rows(np.where(~bad, values, 0.0).astype("float64"))


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
    raw: Cells,
    is_present: Array,
    touchpoint: Cells,
    dimension: Cells,
    vocabulary: Vocabulary,
    findings: _Findings,
) -> tuple[Array, Array]:
    """The 0–100 value of every row's cell (`conversion_of`), and the mask of bad cells;
    `is_present` tells which distinct texts are answers (not a missing marker)."""
    column = measure.column
    conversion = conversion_of(measure.kind, measure.method, measure.scale, measure.top_box)
    if measure.kind == "boolean":
        true_values, false_values = measure.true_values, measure.false_values
        folded = raw.each(lambda value: value.lower() in DEFAULT_TRUE)
        is_true = raw.isin(true_values) if true_values is not None else folded
        is_false = (
            raw.isin(false_values)
            if false_values is not None
            else raw.each(lambda value: value.lower() in DEFAULT_FALSE)
        )
        bad = raw.rows(is_present & ~is_true & ~is_false)
        hint = _yes_no_hint(measure)
        findings.add_bad(
            bad,
            raw.texts,
            column,
            "not a yes/no value",
            lambda value: (f"{quoted(value)} is not a yes/no value", hint),
        )
        return raw.rows(conversion.values(np.where(is_true, YES, 0.0))), bad

    numbers = _numbers([v if p else "nan" for v, p in zip(raw.values, is_present, strict=True)])
    not_number = is_present & ~np.isfinite(numbers)
    comma = not_number & raw.each(lambda value: COMMA_NUMBER.fullmatch(value) is not None)
    findings.add_bad(
        raw.rows(comma),
        raw.texts,
        column,
        "not a number",
        lambda value: (
            f"{quoted(value)} is not a number",
            "write decimals with a dot and no thousands separators",
        ),
    )
    findings.add_bad(
        raw.rows(not_number & ~comma),
        raw.texts,
        column,
        "not a number",
        lambda value: (
            f"{quoted(value)} is not a number",
            "leave the cell empty when there is no answer",
        ),
    )
    ok = is_present & ~not_number
    bad_values = not_number
    bounds = answer_range(measure.kind, measure.scale)
    if bounds is not None:
        low, high = bounds
        with np.errstate(invalid="ignore"):
            outside = ok & ((numbers < low) | (numbers > high))
        summary, explain = _outside_messages(measure.kind, low, high)
        findings.add_bad(raw.rows(outside), raw.texts, column, summary, explain)
        bad_values = bad_values | outside
    if measure.kind != "duration":
        return raw.rows(conversion.values(numbers)), raw.rows(bad_values)
    # duration: the share at or under the touchpoint's target for this dimension
    targets = {
        key: (target.target * SECONDS.get(target.unit, float("nan")), target.unit)
        for key, target in vocabulary.targets.items()
    }
    limit, target_unit_seconds = _target_lookup(touchpoint, dimension, targets)
    ok_rows = raw.rows(ok)
    # "": an unmapped row, skipped anyway
    no_target = ok_rows & np.isnan(limit) & touchpoint.rows(touchpoint.values != "")

    def pairs(rows: Array) -> list[str]:
        return [
            f"{t}\x00{d}"
            for t, d in zip(touchpoint.texts(rows), dimension.texts(rows), strict=True)
        ]

    findings.add_bad(
        no_target,
        pairs,
        column,
        "the touchpoint has no time target for this dimension",
        _no_target_message,
    )
    unit_seconds = SECONDS[measure.unit] if measure.unit else target_unit_seconds
    with np.errstate(all="ignore"):
        seconds = raw.rows(numbers) * unit_seconds
        early = raw.rows(ok & (numbers < 0))
    findings.notice(early, column, "{count} negative duration(s) counted as within target")
    return conversion.values(seconds, target=limit), raw.rows(bad_values) | no_target


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
    touchpoint: Cells,
    dimension: Cells,
    targets: Mapping[tuple[str, str], tuple[float, str]],
) -> tuple[Array, Array]:
    """Each row's target (seconds; NaN without one) and the seconds of the target's unit
    (default `min`; NaN for a unit not known), looked up once per distinct pair of texts."""
    seconds = np.full((len(touchpoint.values), len(dimension.values)), np.nan)
    units = np.full(seconds.shape, SECONDS["min"])
    for i, touchpoint_id in enumerate(touchpoint.values):
        for j, dimension_id in enumerate(dimension.values):
            found = targets.get((str(touchpoint_id), str(dimension_id)))
            if found is not None:
                seconds[i, j] = found[0]
                units[i, j] = SECONDS.get(found[1], np.nan)
    return seconds[touchpoint.codes, dimension.codes], units[touchpoint.codes, dimension.codes]


def _numbers(texts: Sequence[str]) -> Array:
    """Texts as floats, NaN where a text is no number.

    Arrow's parser reads well-formed numbers; when any text is anything else, pandas reads
    them all and marks each bad one NaN.
    """
    try:
        parsed = pc.cast(pa.array(texts, type=pa.string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        numbers = pd.to_numeric(pd.Series(texts, dtype="string"), errors="coerce")
        return np.asarray(numbers.astype("float64").to_numpy(), dtype="float64")
    return np.asarray(parsed.to_numpy(zero_copy_only=False), dtype="float64")
