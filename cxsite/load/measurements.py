"""Read measurement CSVs in streamed batches (pyarrow), only the needed columns, as text."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cxsite.cache import Memo, digest
from cxsite.config import MeasurementSource
from cxsite.errors import LocatedError
from cxsite.project import Project
from cxsite.scoring.aggregate import merge_partials, partial_aggregates
from cxsite.scoring.measures import Measure, measures_of
from cxsite.scoring.observations import DataProblems, Vocabulary, observations_from_table

BLOCK_SIZE = 16 * 1024 * 1024
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
    for index, source in enumerate(project.config.measurements):
        own = tuple(m for m in measures if m.source_index == index)
        if memo is None:
            part, errors = source_partials(project.root, source, own, vocabulary, skip_bad)
        else:
            part, errors = _cached_source_partials(
                memo, project.root, source, own, vocabulary, skip_bad
            )
        parts.append(part)
        problems.extend(errors)
    return merge_partials(parts), measures, problems


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
    root: Path,
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
    skip_bad: bool,
) -> tuple[pd.DataFrame, list[LocatedError]]:
    content = file_hash(memo, root / source.path)
    if content is None:
        return source_partials(root, source, measures, vocabulary, skip_bad)
    key = digest(
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
    partials, problems = source_partials(root, source, measures, vocabulary, skip_bad)
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
