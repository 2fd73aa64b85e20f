"""Read measurement CSVs in streamed batches (pyarrow), only the needed columns, as text."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cxsite.cache import Memo, digest
from cxsite.config import MeasurementSource, Scoring
from cxsite.errors import LocatedError
from cxsite.project import Project
from cxsite.scoring.aggregate import PARTIAL_VALUES, merge_partials, partial_aggregates
from cxsite.scoring.measures import Measure, measures_of
from cxsite.scoring.observations import DataProblems, Vocabulary, observations_from_table

BLOCK_SIZE = 16 * 1024 * 1024
SIGNIFICANT_BITS = 40  # of n, Σ and Σ² in every partial (about 12 significant digits)
RACY_NS = 3_000_000_000
OPTIONAL_LONG_COLUMNS = ("persona", "n")


def measurement_partials(
    project: Project, memo: Memo | None = None, today: dt.date | None = None
) -> tuple[pd.DataFrame, tuple[Measure, ...], list[LocatedError]]:
    """Partial aggregates of every measurement source, the measures, and every data problem.

    With a memo, a file whose content, source settings and vocabulary are unchanged is not
    read again: its partials and problems come from the cache.
    """
    measures = measures_of(project.config)
    vocabulary = Vocabulary(
        touchpoints=project.touchpoints,
        personas=frozenset(project.personas),
        dimensions=frozenset(project.dimensions),
        latest_month=(today or dt.date.today()).strftime("%Y-%m"),
    )
    skip_bad = project.config.scoring.on_bad_value == "skip"
    parts: list[pd.DataFrame] = []
    problems: list[LocatedError] = []
    with engine_reader(project.config.scoring) as read:
        for index, source in enumerate(project.config.measurements):
            own = tuple(m for m in measures if m.source_index == index)
            if memo is None:
                part, errors = read(project.root, source, own, vocabulary, skip_bad)
            else:
                part, errors = _cached_source_partials(
                    memo, read, project.root, source, own, vocabulary, skip_bad
                )
            parts.append(part)
            problems.extend(errors)
    return merge_partials(parts), measures, problems


# Reads one source: (root, source, its measures, vocabulary, skip bad values) → partials, problems.
SourceReader = Callable[
    [Path, MeasurementSource, tuple[Measure, ...], Vocabulary, bool],
    tuple[pd.DataFrame, list[LocatedError]],
]
# An engine's partials of one clean file, or None: "let the pandas reader read it".
EnginePartials = Callable[
    [Path, MeasurementSource, tuple[Measure, ...], Vocabulary], pd.DataFrame | None
]


@contextmanager
def engine_reader(scoring: Scoring) -> Iterator[SourceReader]:
    """The reader of `scoring.engine`, open (a dask cluster, say) for as long as it is used.

    duckdb and dask compute the partials of clean files only; a file with anything to
    report is read by the pandas reader, so problems and their lines never depend on the
    engine. Every engine's partials are rounded the same way (`rounded_partials`).
    """
    if scoring.engine == "pandas":
        yield _reader(None)
    elif scoring.engine == "duckdb":
        from cxsite.load.engine_duckdb import duckdb_partials

        yield _reader(duckdb_partials)
    else:
        from cxsite.load.engine_dask import DaskEngine

        with DaskEngine(scoring.dask_scheduler) as engine:
            yield _reader(engine.partials)


def _reader(compute: EnginePartials | None) -> SourceReader:
    """Partials by `compute` (None: the pandas reader), falling back to the pandas reader
    where `compute` hands a file back, then rounded."""

    def read(
        root: Path,
        source: MeasurementSource,
        measures: tuple[Measure, ...],
        vocabulary: Vocabulary,
        skip_bad: bool,
    ) -> tuple[pd.DataFrame, list[LocatedError]]:
        partials = (
            None if compute is None else compute(root / source.path, source, measures, vocabulary)
        )
        if partials is None:
            partials, problems = source_partials(root, source, measures, vocabulary, skip_bad)
        else:
            problems = []
        return rounded_partials(partials), problems

    return read


def rounded_partials(partials: pd.DataFrame) -> pd.DataFrame:
    """The partials with n, Σn·x and Σn·x² rounded to 40 significant bits.

    Engines add in different orders and ways (pandas' group-by, duckdb's Kahan sums, dask's
    blocks), so a sum can differ in its last bits, and a score lying exactly on a rounding
    boundary of scores.csv (74.125) would print differently. The 13 bits dropped hold that
    noise only: sums of values written with a few decimals are far from a 40-bit rounding
    boundary, so every engine rounds them to the same number.
    """
    if partials.empty:
        return partials
    mantissa, exponent = np.frexp(partials[PARTIAL_VALUES].to_numpy(dtype="float64"))
    scaled = np.round(np.ldexp(mantissa, SIGNIFICANT_BITS))
    rounded = partials.copy()
    rounded[PARTIAL_VALUES] = np.ldexp(scaled, exponent - SIGNIFICANT_BITS)
    return rounded


def _vocabulary_fingerprint(vocabulary: Vocabulary) -> str:
    targets = sorted(
        (t.id, d, target.target, target.unit)
        for t in vocabulary.touchpoints.values()
        for d, target in t.targets.items()
    )
    return repr(
        (
            sorted(vocabulary.touchpoints),
            targets,
            sorted(vocabulary.personas),
            sorted(vocabulary.dimensions),
            vocabulary.latest_month,
        )
    )


def file_hash(memo: Memo, path: Path) -> str | None:
    """The content hash of a file, recomputed only when its size or modification time change."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stat_key = digest(str(path.resolve()), str(stat.st_size), str(stat.st_mtime_ns))
    # A file changed within the last seconds may change again within the same clock tick
    # and keep its size ("racy" timestamps, as Git calls them): always hash those.
    trusted = time.time_ns() - stat.st_mtime_ns > RACY_NS
    known = memo.get("file-hash", stat_key) if trusted else None
    if known is not None:
        return known.decode()
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    content = hasher.hexdigest()
    if trusted:
        memo.put("file-hash", stat_key, content.encode())
    return content


def _cached_source_partials(
    memo: Memo,
    read: SourceReader,
    root: Path,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
    skip_bad: bool,
) -> tuple[pd.DataFrame, list[LocatedError]]:
    content = file_hash(memo, root / source.path)
    if content is None:
        return read(root, source, measures, vocabulary, skip_bad)
    # No engine in the key: every engine gives the same partials and problems (the tests
    # in tests/test_engines.py hold them to it), so switching engines keeps the cache.
    key = digest(
        f"rounded to {SIGNIFICANT_BITS} bits",
        content,
        source.model_dump_json(),
        repr(measures),
        _vocabulary_fingerprint(vocabulary),
        str(skip_bad),
    )
    stored_partials = memo.get("partials", key)
    stored_problems = memo.get("partial-problems", key)
    if stored_partials is not None and stored_problems is not None:
        problems = [LocatedError(**item) for item in json.loads(stored_problems)]
        return pd.read_parquet(io.BytesIO(stored_partials)), problems
    partials, problems = read(root, source, measures, vocabulary, skip_bad)
    buffer = io.BytesIO()
    partials.to_parquet(buffer, index=False)
    memo.put("partials", key, buffer.getvalue())
    memo.put("partial-problems", key, json.dumps([asdict(p) for p in problems]).encode())
    return partials, problems


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
    wanted = [c for c in header if c in wanted_columns(source, measures)]
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
        problems.fatal.append(unreadable_csv(path, source.path, len(header), exc))
    if problems.first or problems.counts or problems.notices:
        lines = record_lines(path, problems.rows())
        return merge_partials(parts), problems.located(skip_bad, lambda row: lines.get(row, row))
    return merge_partials(parts), problems.located(skip_bad)


def record_lines(path: Path, records: set[int]) -> dict[int, int]:
    """The line each numbered record starts on (record 1 is the header): quoted newlines
    make a record span several lines. Read only when there are problems to report."""
    found: dict[int, int] = {}
    if not records:
        return found
    last = max(records)
    try:
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
            reader = csv.reader(handle)
            start = 1
            for number, _ in enumerate(reader, 1):
                if number in records:
                    found[number] = start
                if number >= last:
                    break
                start = reader.line_num + 1
    except (OSError, csv.Error):
        return found
    return found


SAVE_AS_UTF8 = 'save it as "CSV UTF-8" (Excel) or UTF-8 (other tools)'


def unreadable_csv(path: Path, rel: str, columns: int, exc: Exception) -> LocatedError:
    """Where and why pyarrow could not read a CSV: bad UTF-8, or a row of the wrong width."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return LocatedError(rel, 0, 0, f"cannot read CSV: {error.strerror or error}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = error.start - (before.rfind(b"\n") + 1) + 1
        return LocatedError(
            rel,
            line,
            col,
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); the file looks like Latin-1 "
            "or Windows-1252",
            SAVE_AS_UTF8,
        )
    reader = csv.reader(text.splitlines(keepends=True))
    start = 1
    for row in reader:
        if len(row) != columns and any(cell.strip() for cell in row):
            return LocatedError(
                rel,
                start,
                1,
                f"row has {len(row)} fields but the header has {columns}",
                "check for a missing or extra comma, or an unquoted comma inside a value",
            )
        start = reader.line_num + 1
    return LocatedError(rel, 0, 0, f"cannot read CSV: {exc}")


def read_header(path: Path, rel: str) -> tuple[list[str], LocatedError | None]:
    """The header row, or a located error for an empty or unreadable file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
        if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return [], LocatedError(
                rel, 1, 1, 'the file is UTF-16 (Excel\'s "Unicode Text")', SAVE_AS_UTF8
            )
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        return [], unreadable_csv(path, rel, 0, ValueError("not UTF-8"))
    except OSError as exc:
        return [], LocatedError(rel, 0, 0, f"cannot read CSV: {exc.strerror or exc}")
    if not header:
        return [], LocatedError(rel, 1, 1, "the file is empty: expected a header row")
    return [h.strip() for h in header], None


def wanted_columns(source: MeasurementSource, measures: tuple[Measure, ...]) -> set[str]:
    """The columns the source's settings and measures may read."""
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
