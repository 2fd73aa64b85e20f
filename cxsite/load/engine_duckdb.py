"""The duckdb engine: one CSV's partial aggregates computed in SQL.

The conversions to 0–100 are generated from the per-kind table of
`cxsite/scoring/formulas.py` (`Conversion.sql`), the same table the pandas reader applies
with numpy, for files without problems only. In the same pass the SQL works out whether
the pandas reader would report anything (a bad cell, an unknown id, an unmapped
touchpoint, a negative duration, a missing column, a row it cannot parse); then it returns
None and the caller reads the file with the pandas reader, so located messages never
depend on the engine. The checks here
are at least as strict as pandas': a cell they are unsure of (a number written as `1e3`, a
yes/no value outside ASCII) also sends the file back to pandas.

Sums use duckdb's compensated summation (`fsum`); they may still differ from pandas' in
the last bits, which `measurements.rounded_partials` rounds away for every engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cxsite.config import ColumnRef, MeasurementSource
from cxsite.load.csv_files import read_header, wanted_columns
from cxsite.scoring.aggregate import PARTIAL_KEYS, PARTIAL_VALUES, empty_partials
from cxsite.scoring.cells import WHITESPACE
from cxsite.scoring.formulas import YES, answer_range, conversion_of, sql_double
from cxsite.scoring.measures import DEFAULT_FALSE, DEFAULT_TRUE, SECONDS, Measure
from cxsite.scoring.observations import ANY_PERSONA, Vocabulary

if TYPE_CHECKING:
    import duckdb

__all__ = ["WHITESPACE", "duckdb_partials"]

# observations.MONTH with ASCII digits (Python's \d also takes other scripts' digits: those
# periods fail here and go to pandas, which then decides).
MONTH = r"[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])([T ].*)?)?"
# Plain decimals with at most 15 digits parse to the same double in duckdb and pandas;
# anything else (exponents, `inf`, thousands separators) is left to pandas.
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)"
MAX_DIGITS = 15
PLAIN_WORD = "[A-Za-z0-9]+"  # default yes/no words: duckdb's and Python's lower() agree


class _Fallback(Exception):
    """The file needs the pandas reader: a missing column, or a header duckdb may misread."""


def duckdb_partials(
    path: Path, source: MeasurementSource, measures: tuple[Measure, ...], vocabulary: Vocabulary
) -> pd.DataFrame | None:
    """The partials of one CSV computed by duckdb, or None when the pandas reader must read it."""
    import duckdb

    header, error = read_header(path, source.path)
    if error is not None or len(set(header)) != len(header):
        return None
    try:
        query = _SourceQuery(header, source, vocabulary).partials_sql(measures)
    except _Fallback:
        return None
    with duckdb.connect() as connection:
        try:
            return _run(connection, path, header, source, measures, vocabulary, query)
        except duckdb.Error:  # unreadable: pyarrow reports where and why
            return None


def _run(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    header: list[str],
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
    query: str,
) -> pd.DataFrame | None:
    wanted = wanted_columns(source, measures)
    types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    cells = ", ".join(_stripped(f"c{i}") for i, name in enumerate(header) if name in wanted)
    read = (
        f"read_csv({_text(str(path))}, header = true, auto_detect = false, columns = {{{types}}},"
        " delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)"
    )
    connection.register("targets", _targets(vocabulary))
    result = connection.execute(
        f"WITH cells AS MATERIALIZED (SELECT {cells or '1 AS none'} FROM {read}) {query}"
    ).df()
    if bool(result["problem"].fillna(True).any()):
        return None
    used = result[result["used"].fillna(False).astype(bool)]
    partials = used[PARTIAL_KEYS + PARTIAL_VALUES].astype(
        {"measure": "int64", **{v: "float64" for v in PARTIAL_VALUES}}
    )
    # One row per group already (GROUP BY); measurement_partials sorts all sources at once.
    return partials.reset_index(drop=True) if len(partials) else empty_partials()


def _stripped(column: str) -> str:
    """The cell as Python's str.strip() leaves it: trimming by a set of characters is slow in
    duckdb, so only cells that start or end with white space are trimmed."""
    cell = f"coalesce({column}, '')"
    space = _text(WHITESPACE)
    edge = f"contains({space}, left({cell}, 1)) OR contains({space}, right({cell}, 1))"
    return (
        f"CASE WHEN {cell} <> '' AND ({edge}) THEN trim({cell}, {space})"
        f" ELSE {cell} END AS {column}"
    )


def _targets(vocabulary: Vocabulary) -> pd.DataFrame:
    """Each touchpoint's time targets in seconds, computed as observations.py does."""
    rows = [
        (touchpoint, dimension, target.target * SECONDS[target.unit], SECONDS[target.unit])
        for (touchpoint, dimension), target in vocabulary.targets.items()
        if target.unit in SECONDS
    ]
    return pd.DataFrame(rows, columns=["touchpoint", "dimension", "limit_s", "unit_s"]).astype(
        {"touchpoint": object, "dimension": object, "limit_s": "float64", "unit_s": "float64"}
    )


@dataclass(frozen=True)
class _Expression:
    """A SQL value and the SQL condition under which pandas would report the row."""

    value: str
    problem: str = "false"


class _SourceQuery:
    """The SQL that turns the `cells` table (trimmed text, one column per CSV column) into
    partials with a `problem` flag per group."""

    def __init__(
        self, header: list[str], source: MeasurementSource, vocabulary: Vocabulary
    ) -> None:
        self.names = {name: f"c{i}" for i, name in enumerate(header)}
        self.source = source
        self.vocabulary = vocabulary
        self.long = source.layout == "long"

    def cell(self, column: str) -> str:
        if column not in self.names:
            raise _Fallback(column)  # pandas reports the missing column
        return self.names[column]

    def partials_sql(self, measures: tuple[Measure, ...]) -> str:
        rows = _Expression(
            "",
            " OR ".join(
                f"({e.problem})"
                for e in (self.touchpoint(), self.period(), self.persona(), self.count())
            ),
        )
        if not measures:
            raise _Fallback("no measures")
        selects = [self.measure_sql(measure, rows.problem) for measure in measures]
        return (
            "SELECT measure, touchpoint, dimension, period, persona,"
            " fsum(n) FILTER (WHERE usable) AS n,"
            ' fsum(n * x) FILTER (WHERE usable) AS "sum",'
            " fsum(n * (x * x)) FILTER (WHERE usable) AS sumsq,"
            " bool_or(usable) AS used, bool_or(problem) AS problem"
            f" FROM ({' UNION ALL '.join(selects)}) GROUP BY ALL"
        )

    def measure_sql(self, measure: Measure, row_problem: str) -> str:
        touchpoint = _text(measure.touchpoint) if measure.touchpoint else self.touchpoint().value
        dimension = self.dimension(measure)
        raw = self.cell(measure.column)
        missing = sorted(set(self.source.missing) | {""})
        present = f"{raw} NOT IN ({', '.join(_text(m) for m in missing)})"
        value = self.score(measure, raw, present, touchpoint, dimension.value)
        problem = f"({row_problem}) OR ({dimension.problem}) OR ({value.problem})"
        join = ""
        if measure.kind == "duration":
            join = (
                f" LEFT JOIN targets ON targets.touchpoint = {touchpoint}"
                f" AND targets.dimension = {dimension.value}"
            )
        return (
            f"SELECT {measure.id} AS measure, {touchpoint} AS touchpoint,"
            f" {dimension.value} AS dimension, {self.period().value} AS period,"
            f" {self.persona().value} AS persona, {value.value} AS x,"
            f" {self.count().value} AS n, coalesce({present}, false) AS usable,"
            f" coalesce({problem}, true) AS problem FROM cells{join}"
        )

    def touchpoint(self) -> _Expression:
        spec = self.source.touchpoint
        if isinstance(spec, str):
            return _Expression(_text(spec))
        column = spec.column if isinstance(spec, ColumnRef) else "touchpoint"
        if column not in self.names and spec is None and not self.long:
            return _Expression("''")  # every column of a wide source fixes its own
        raw = self.cell(column)
        mapping = spec.map if isinstance(spec, ColumnRef) else {}
        if not mapping:
            return _Expression(raw, f"{raw} NOT IN ({_texts(self.vocabulary.touchpoints)})")
        mapped = _lookup(raw, mapping)
        return _Expression(mapped, f"{mapped} IS NULL")

    def period(self) -> _Expression:
        spec = self.source.period
        if isinstance(spec, str):
            return _Expression(_text(spec))
        raw = self.cell(spec.column if isinstance(spec, ColumnRef) else "period")
        month = f"substr({raw}, 1, 7)"
        latest = _text(self.vocabulary.latest_month)
        return _Expression(
            month, f"NOT regexp_full_match({raw}, {_text(MONTH)}) OR {month} > {latest}"
        )

    def persona(self) -> _Expression:
        spec = self.source.persona
        if isinstance(spec, str):
            return _Expression(_text(spec))
        if isinstance(spec, ColumnRef):
            raw, mapping = self.cell(spec.column), spec.map
        elif self.long and "persona" in self.names:
            raw, mapping = self.names["persona"], {}
        else:
            return _Expression(_text(ANY_PERSONA))
        tagged = (
            _lookup(raw, mapping)
            if mapping
            else f"CASE WHEN {raw} IN ({_texts(self.vocabulary.personas)}) THEN {raw} END"
        )
        return _Expression(f"coalesce({tagged}, '')", f"{tagged} IS NULL AND {raw} <> ''")

    def count(self) -> _Expression:
        if not self.long or "n" not in self.names:
            return _Expression(sql_double(1.0))
        raw = self.names["n"]
        number = _number(raw)
        return _Expression(
            f"CASE WHEN {raw} = '' THEN {sql_double(1.0)} ELSE {number} END",
            f"{raw} <> '' AND NOT coalesce({number} > 0, false)",
        )

    def dimension(self, measure: Measure) -> _Expression:
        if measure.dimension is not None or not self.long:
            return _Expression(_text(measure.dimension or ""))
        raw = self.cell("dimension")
        return _Expression(raw, f"{raw} NOT IN ({_texts(self.vocabulary.dimensions)})")

    def score(
        self, measure: Measure, raw: str, present: str, touchpoint: str, dimension: str
    ) -> _Expression:
        """x on 0–100, generated from the per-kind table of formulas.py, and the condition
        that pandas reports the cell (see observations.py)."""
        conversion = conversion_of(measure.kind, measure.method, measure.scale, measure.top_box)
        if measure.kind == "boolean":
            is_true = _word_in(raw, measure.true_values, DEFAULT_TRUE)
            is_false = _word_in(raw, measure.false_values, DEFAULT_FALSE)
            yes = f"CASE WHEN {is_true} THEN {sql_double(YES)} ELSE {sql_double(0.0)} END"
            return _Expression(
                conversion.sql(yes),
                f"{present} AND NOT ({is_true} OR {is_false})",
            )
        number = _number(raw)
        problem = f"{present} AND {number} IS NULL"
        bounds = answer_range(measure.kind, measure.scale)
        if bounds is not None:
            low, high = bounds
            outside = f"{number} < {sql_double(low)} OR {number} > {sql_double(high)}"
            problem += f" OR {present} AND ({outside})"
        if measure.kind != "duration":
            return _Expression(conversion.sql(number), problem)
        # duration: the share at or under the touchpoint's target (joined as `targets`)
        unit = sql_double(SECONDS[measure.unit]) if measure.unit else "targets.unit_s"
        late = f"{present} AND ({number} < 0 OR targets.limit_s IS NULL)"
        return _Expression(
            conversion.sql(f"{number} * {unit}", target="targets.limit_s"), f"{problem} OR {late}"
        )


def _number(raw: str) -> str:
    digits = f"length(regexp_replace({raw}, '[^0-9]', '', 'g'))"
    return (
        f"CASE WHEN regexp_full_match({raw}, {_text(NUMBER)}) AND {digits} <= {MAX_DIGITS}"
        f" THEN CAST({raw} AS DOUBLE) END"
    )


def _word_in(raw: str, configured: tuple[str, ...] | None, default: tuple[str, ...]) -> str:
    if configured is not None:
        return f"{raw} IN ({_texts(configured)})" if configured else "false"
    return (
        f"(regexp_full_match({raw}, {_text(PLAIN_WORD)}) AND lower({raw}) IN ({_texts(default)}))"
    )


def _lookup(raw: str, mapping: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {_text(k)} THEN {_text(v)}" for k, v in sorted(mapping.items()))
    return f"(CASE {raw} {cases} END)"


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _texts(values: Iterable[str]) -> str:
    items = sorted(values)
    return ", ".join(_text(v) for v in items) if items else "NULL"
