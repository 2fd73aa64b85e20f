"""Read measurement CSVs in streamed batches (pyarrow), only the needed columns, as text
that is dictionary-encoded once per batch and summed over integer codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cxsite.cache import Memo, digest
from cxsite.config import Config, MeasurementSource, Scoring
from cxsite.errors import LocatedError
from cxsite.load.csv_files import read_header, unreadable_csv, wanted_columns
from cxsite.model import Project
from cxsite.scoring.aggregate import PARTIAL_VALUES, PartialSums, merge_partials
from cxsite.scoring.cells import Cells
from cxsite.scoring.measures import Measure, measures_of
from cxsite.scoring.observations import DataProblems, Vocabulary, coded_observations
from cxsite.uptodate import UNKNOWN, content_hash, is_racy

BLOCK_SIZE = 16 * 1024 * 1024
SIGNIFICANT_BITS = 40  # of n, Σ and Σ² in every partial (about 12 significant digits)


def measurement_partials(
    project: Project, memo: Memo | None = None, today: dt.date | None = None
) -> tuple[pd.DataFrame, tuple[Measure, ...], list[LocatedError]]:
    """Partial aggregates of every measurement source, the measures, and every data problem."""
    vocabulary = Vocabulary.of(
        project.touchpoints.values(),
        project.personas,
        project.dimensions,
        latest_month=(today or dt.date.today()).strftime("%Y-%m"),
    )
    return config_partials(project.root, project.config, vocabulary, memo)


def config_partials(
    root: Path, config: Config, vocabulary: Vocabulary, memo: Memo | None = None
) -> tuple[pd.DataFrame, tuple[Measure, ...], list[LocatedError]]:
    """Partial aggregates of every measurement source of `config`, the measures, and every
    data problem, with the ids of `vocabulary` (whichever definitions loaded) as known.

    With a memo, a file whose content, source settings and vocabulary are unchanged is not
    read again: its partials and problems come from the cache.
    """
    measures = measures_of(config)
    skip_bad = config.scoring.on_bad_value == "skip"
    parts: list[pd.DataFrame] = []
    problems: list[LocatedError] = []
    with engine_reader(config.scoring) as read:
        for index, source in enumerate(config.measurements):
            own = tuple(m for m in measures if m.source_index == index)
            if memo is None:
                part, errors = read(root, source, own, vocabulary, skip_bad)
            else:
                part, errors = _cached_source_partials(
                    memo, read, root, source, own, vocabulary, skip_bad
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
        (touchpoint, dimension, target.target, target.unit)
        for (touchpoint, dimension), target in vocabulary.targets.items()
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
    """The content hash of a file, recomputed only when its stamp (size, modification and
    change times, inode) changes, or is racy (see cxsite.uptodate)."""
    taken = time.time_ns()
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    stat_key = digest(str(path.resolve()), *(str(part) for part in stamp))
    trusted = not is_racy(stat, taken)
    known = memo.get("file-hash", stat_key) if trusted else None
    if known is not None:
        return known.decode()
    content = content_hash(path)
    if trusted and content != UNKNOWN:
        memo.put("file-hash", stat_key, content.encode())
    return content or None


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
        f"rounded to {SIGNIFICANT_BITS} bits, messages naming column and value",
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
    """Stream one CSV batch by batch, merging each batch's partials.

    A row of the wrong width is reported and left out, and reading goes on, so one bad row
    hides nothing after it. Every row's file line is counted as the rows stream past.
    """
    path = root / source.path
    header, error = read_header(path, source.path)
    if error is not None:
        return merge_partials([]), [error]
    wanted = wanted_columns(source, measures)
    names = [f"c{i}" for i in range(len(header))]
    # The first column of each name: a repeated name reads as its first column.
    read_columns = {name: index for index, name in reversed(list(enumerate(header)))}
    pick = sorted(index for name, index in read_columns.items() if name in wanted)
    sums = PartialSums()
    problems = DataProblems(source.path)
    rows = RowLines(problems)
    try:
        reader = pacsv.open_csv(
            path,
            # Row numbers reach the invalid-row handler only when reading in one thread.
            read_options=pacsv.ReadOptions(
                block_size=BLOCK_SIZE, use_threads=False, column_names=names
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,  # blank lines are counted, then left out
                invalid_row_handler=rows.invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for lines, batch, row_problems in numbered_batches(reader, rows, source.path):
            problems.merge(row_problems)
            if not batch.num_rows:
                continue
            # Dictionary-encoded once: checks and conversions run per distinct text.
            cells = {header[i]: Cells.of_arrow(batch.column(i)) for i in pick}
            coded, batch_problems = coded_observations(
                cells, batch.num_rows, header, lines, source, measures, vocabulary
            )
            sums.add_batch(coded)
            problems.merge(batch_problems)
            if batch_problems.fatal:
                break
    except (pa.ArrowInvalid, OSError) as exc:
        problems.fatal.append(unreadable_csv(path, source.path, rows.next_line, exc))
    return sums.partials(), problems.located(skip_bad)


NumberedBatch = tuple[np.ndarray[Any, Any], pa.RecordBatch, DataProblems]
_READ_AHEAD = 2  # batches read ahead of the one being checked and summed


def numbered_batches(
    reader: pacsv.CSVStreamingReader, rows: RowLines, rel: str
) -> Iterator[NumberedBatch]:
    """Each batch with its rows' file lines and the rows left out of it, read ahead in a
    thread: Arrow parses the next block (without the GIL) while this one is summed.

    The last item is the rows left out after the last batch (an empty batch). Reading stops
    when the caller stops; an error of the reader is raised here, in the caller, after the
    batches before it, as a plain loop would raise it.
    """
    items: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=_READ_AHEAD)
    stop = threading.Event()

    def put(kind: str, item: Any) -> bool:
        while not stop.is_set():
            try:
                items.put((kind, item), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def numbered(batch: pa.RecordBatch | None) -> NumberedBatch:
        # Each batch's left-out rows are its own, so that a caller who stops early has
        # reported none read after the batch it stopped at.
        rows.problems = DataProblems(rel)
        if batch is None:
            rows.finish()
            return np.zeros(0, dtype=np.int64), pa.RecordBatch.from_pylist([]), rows.problems
        lines, batch = rows.number(batch)
        return lines, batch, rows.problems

    def read() -> None:
        try:
            for batch in reader:
                if not put("batch", numbered(batch)):
                    return
            put("batch", numbered(None))
            put("end", None)
        except BaseException as error:  # handed to the caller, who raises it
            put("error", error)

    thread = threading.Thread(target=read, name=f"read {rel}", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = items.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class _InvalidRow:
    record: int  # Arrow's number: the header is record 1, and a blank line is a record
    line_breaks: int
    report: bool  # False for a blank line, or for the header
    fields: int
    expected: int
    open_quote: bool


class RowLines:
    """The file line of every row as Arrow streams a CSV, and the rows it cannot read.

    Arrow numbers records but knows no lines: a quoted value may hold line breaks. So each
    record's lines are counted from its cells, or from the text of a row Arrow hands to
    `invalid`, in record order, without reading the file a second time.
    """

    def __init__(self, problems: DataProblems) -> None:
        self.problems = problems
        self.next_record = 1  # the first record not yet numbered
        self.next_line = 1  # the line it starts on
        self.pending: list[_InvalidRow] = []

    def invalid(self, row: pacsv.InvalidRow) -> str:
        """Arrow's handler of a row of the wrong width: note it, and skip it."""
        number = row.number if row.number is not None else self.next_record
        self.pending.append(
            _InvalidRow(
                record=number,
                line_breaks=line_breaks(row.text),
                report=bool(row.text.strip()) and number > 1,
                fields=row.actual_columns,
                expected=row.expected_columns,
                open_quote=row.text.count('"') % 2 == 1,
            )
        )
        return "skip"

    def number(
        self, batch: pa.RecordBatch, last: bool = False
    ) -> tuple[np.ndarray[Any, Any], pa.RecordBatch]:
        """Each row's file line, and the batch without the header and blank rows."""
        rows = batch.num_rows
        records = np.array([p.record for p in self.pending], dtype=np.int64)
        # The number of valid rows before each invalid row, counted from the next record.
        before = records - self.next_record - np.arange(len(records))
        taken = len(before) if last else int(np.searchsorted(before, rows, side="right"))
        invalid, self.pending = self.pending[:taken], self.pending[taken:]
        valid_at = np.arange(rows) + np.searchsorted(before[:taken], np.arange(rows), "right")
        invalid_at = np.minimum(records[:taken] - self.next_record, rows + taken - 1)
        breaks = np.zeros(rows + taken, dtype=np.int64)
        breaks[valid_at] = _cell_line_breaks(batch)
        breaks[invalid_at] = [p.line_breaks for p in invalid]
        starts = self.next_line + np.arange(len(breaks)) + np.cumsum(breaks) - breaks
        for row, start in zip(invalid, starts[invalid_at], strict=True):
            if row.report:
                hint = (
                    'check for a `"` that opens a quoted value and is never closed'
                    if row.open_quote
                    else "check for a missing or extra comma, or an unquoted comma inside a value"
                )
                message = f"row has {row.fields} fields but the header has {row.expected}"
                self.problems.add_row(int(start), message, hint)
        keep = ~_blank_rows(batch)
        if self.next_record == 1 and rows and valid_at[0] == 0:
            keep[0] = False  # the header, read by read_header
        self.next_record += len(breaks)
        self.next_line += len(breaks) + int(breaks.sum())
        lines = starts[valid_at]
        if keep.all():
            return lines, batch
        return lines[keep], batch.filter(pa.array(keep))

    def finish(self) -> None:
        """Report the invalid rows after the last batch."""
        self.number(pa.RecordBatch.from_pylist([]), last=True)


def line_breaks(text: str) -> int:
    """The line breaks in `text`: a newline, a carriage return and newline, or a lone return."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _cell_line_breaks(batch: pa.RecordBatch) -> np.ndarray[Any, Any]:
    """The line breaks inside each row's cells (quoted values)."""
    total = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        data = column.buffers()[-1]
        text = data.to_pybytes() if data is not None else b""
        if b"\n" not in text and b"\r" not in text:  # the usual case, found at memchr speed
            continue
        total += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        if b"\r" in text:
            total += pc.count_substring(column, "\r").to_numpy(zero_copy_only=False)
            total -= pc.count_substring(column, "\r\n").to_numpy(zero_copy_only=False)
    return total


def _blank_rows(batch: pa.RecordBatch) -> np.ndarray[Any, Any]:
    """Rows whose every cell is empty: blank lines, and the `,,,` of empty spreadsheet rows."""
    blank = np.ones(batch.num_rows, dtype=bool)
    for column in batch.columns:
        blank &= pc.equal(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    return blank
