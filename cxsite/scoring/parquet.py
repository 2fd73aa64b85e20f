"""scores.parquet and persona-scores.parquet: every score, and every persona breakdown, for
analysts (`pd.read_parquet`). Pure: the files' bytes, made in pieces, no file-system access.

The bytes depend only on the scores and the version of pyarrow: no timestamps, no pandas
metadata, fixed write options. Rows keep the scores' order, written in row groups of
ROW_GROUP_ROWS, each converted to Arrow on its own so that a large table is never held
twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cxsite.scoring.engine import TABLE_COLUMNS, Scores

ROW_GROUP_ROWS = 1_000_000
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,  # level 9: 4-10 % smaller, 3-4 times slower
    # every column: rounded numbers repeat (a fifth smaller than text columns only)
    "use_dictionary": True,
    "store_schema": False,  # pandas maps the Parquet types alone: str, float64, bool
    "write_statistics": True,
}
# The persona breakdowns' columns: the key, then what the site shows of each (a persona's
# scores have no internal view, NPS, changes or perception gaps).
PERSONA_COLUMNS = [
    "persona", "level", "id", "dimension", "period", "score", "n", "status", "low_sample",
    "se", "ci_low", "ci_high", "expectation", "spread",
]  # fmt: skip
TEXT_COLUMNS = {"persona", "level", "id", "dimension", "period", "status"}
BOOL_COLUMNS = {"low_sample", "blind_spot", "change_1_significant", "change_3_significant"}
# As scores.csv writes them (2 decimals), so that both files hold the same values.
CSV_ROUNDED = {"score", "n"}
DECIMALS = 4  # every other number, as scores.json writes it
# What besides the scores shapes the files' bytes (pyarrow writes its version into them):
# part of their keys in the output, so that a change writes them again.
PARQUET_WRITER = f"pyarrow {pa.__version__} {sorted(WRITE_OPTIONS.items())} {ROW_GROUP_ROWS}"


def scores_parquet_pieces(scores: Scores) -> Iterator[bytes]:
    """Every row of the scores table, in scores.csv's order: scores.csv's columns first (same
    values), then the rest of scores.json's fields."""
    return parquet_pieces(scores.table, TABLE_COLUMNS)


def persona_parquet_pieces(scores: Scores) -> Iterator[bytes]:
    """Each persona's touchpoint, stage and journey scores, sorted by persona, level, id,
    dimension and period."""
    return parquet_pieces(scores.persona_touchpoints, PERSONA_COLUMNS)


def parquet_pieces(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[bytes]:
    """`frame`'s `columns` as a Parquet file, in pieces of about one row group each."""
    import pyarrow.parquet as pq  # only where a Parquet file is made

    schema = pa.schema([(name, _arrow_type(name)) for name in columns])
    sink = _Pieces()
    with pq.ParquetWriter(sink, schema, **WRITE_OPTIONS) as writer:
        for start in range(0, len(frame), ROW_GROUP_ROWS):
            part = frame.iloc[start : start + ROW_GROUP_ROWS]
            arrays = [_arrow_array(part, name, schema.field(name).type) for name in columns]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            yield sink.take()
    yield sink.take()


def _arrow_type(name: str) -> pa.DataType:
    if name in TEXT_COLUMNS:
        return pa.string()
    return pa.bool_() if name in BOOL_COLUMNS else pa.float64()


def _arrow_array(part: pd.DataFrame, name: str, kind: pa.DataType) -> pa.Array:
    """One column of a row group: text as text, numbers rounded as the CSV and JSON do."""
    if kind == pa.string():
        # One contiguous array whatever the frame's chunks: the bytes depend on values only.
        text = pa.array(part[name], type=kind, from_pandas=True)
        return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    if kind == pa.bool_():
        return pa.array(part[name].fillna(False).to_numpy(dtype=bool), type=kind)
    values = part[name].to_numpy(dtype=float, na_value=np.nan)
    rounded = round_as_printed(values, 2) if name in CSV_ROUNDED else np.round(values, DECIMALS)
    return pa.array(rounded, type=kind, from_pandas=True)  # NaN: null


def round_as_printed(values: np.ndarray[Any, np.dtype[np.float64]], decimals: int) -> Any:
    """Each value as `float(f"{value:.{decimals}f}")`: the correctly rounded decimal, which
    is what scores.csv prints and what reading it back gives (half to even on exact ties).

    Vectorised, except near a tie, where `np.round`'s scaled product may round the other
    way: those few are formatted one by one.
    """
    scale = 10.0**decimals
    rounded = np.round(values, decimals)
    scaled = values * scale
    near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for position in np.flatnonzero(near_tie):
        rounded[position] = float(f"{values[position]:.{decimals}f}")
    return rounded


class _Pieces:
    """A write-only sink that hands over what was written so far; `tell` counts every byte,
    since the Parquet footer records the offsets of the row groups."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        piece = bytes(data)
        self.pieces.append(piece)
        self.position += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def take(self) -> bytes:
        """What was written since the last call."""
        taken = b"".join(self.pieces)
        self.pieces = []
        return taken
