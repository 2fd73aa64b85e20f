"""Read measurement CSVs in streamed batches (pyarrow), only the needed columns, as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cxsite.config import MeasurementSource
from cxsite.errors import LocatedError
from cxsite.project import Project
from cxsite.scoring.aggregate import merge_partials, partial_aggregates
from cxsite.scoring.measures import Measure, measures_of
from cxsite.scoring.observations import DataProblems, Vocabulary, observations_from_table

BLOCK_SIZE = 16 * 1024 * 1024
OPTIONAL_LONG_COLUMNS = ("persona", "n")


def measurement_partials(
    project: Project,
) -> tuple[pd.DataFrame, tuple[Measure, ...], list[LocatedError]]:
    """Partial aggregates of every measurement source, the measures, and every data problem."""
    measures = measures_of(project.config)
    vocabulary = Vocabulary(
        touchpoints=project.touchpoints,
        personas=frozenset(project.personas),
        dimensions=frozenset(project.dimensions),
    )
    skip_bad = project.config.scoring.on_bad_value == "skip"
    parts: list[pd.DataFrame] = []
    problems: list[LocatedError] = []
    for index, source in enumerate(project.config.measurements):
        own = tuple(m for m in measures if m.source_index == index)
        part, errors = source_partials(project.root, source, own, vocabulary, skip_bad)
        parts.append(part)
        problems.extend(errors)
    return merge_partials(parts), measures, problems


def source_partials(
    root: Path,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
    skip_bad: bool,
) -> tuple[pd.DataFrame, list[LocatedError]]:
    """Stream one CSV batch by batch, merging each batch's partials."""
    path = root / source.path
    header, error = read_header(path, source.path)
    if error is not None:
        return merge_partials([]), [error]
    wanted = [c for c in header if c in _wanted_columns(source, measures)]
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={c: pa.string() for c in wanted},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    parts: list[pd.DataFrame] = []
    problems = DataProblems(source.path)
    line = 2
    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE), convert_options=convert
        )
        for batch in reader:
            table = batch.to_pandas()
            observations, batch_problems = observations_from_table(
                table, header, line, source, measures, vocabulary
            )
            parts.append(partial_aggregates(observations))
            problems.merge(batch_problems)
            line += len(table)
            if batch_problems.fatal:
                break
    except (pa.ArrowInvalid, OSError) as exc:
        problems.fatal.append(LocatedError(source.path, 0, 0, f"cannot read CSV: {exc}"))
    return merge_partials(parts), problems.located(skip_bad)


def read_header(path: Path, rel: str) -> tuple[list[str], LocatedError | None]:
    """The header row, or a located error for an empty or unreadable file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError) as exc:
        return [], LocatedError(rel, 1, 1, f"cannot read CSV header: {exc}", "save it as UTF-8")
    if not header:
        return [], LocatedError(rel, 1, 1, "the file is empty: expected a header row")
    return [h.strip() for h in header], None


def _wanted_columns(source: MeasurementSource, measures: tuple[Measure, ...]) -> set[str]:
    columns = {m.column for m in measures}
    for spec, default in (
        (source.touchpoint, "touchpoint"),
        (source.period, "period"),
        (source.persona, "persona"),
    ):
        if isinstance(spec, str):
            continue
        columns.add(spec.column if spec is not None else default)
    if source.layout == "long":
        columns.update(("dimension", *OPTIONAL_LONG_COLUMNS))
    return columns
