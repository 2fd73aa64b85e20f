"""scores.csv (the public interface other tools read) and scores.json (everything)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from cxsite.scoring.engine import TABLE_COLUMNS, Scores

CSV_COLUMNS = ["level", "id", "dimension", "period", "score", "n", "status", "low_sample"]
JSON_FIELDS = TABLE_COLUMNS
PERSONA_KEYS = ["persona", "level", "id", "dimension", "period"]


def format_count(n: float) -> str:
    """A count as an integer where it is whole (pre-aggregated rows may make it fractional)."""
    return str(int(n)) if float(n).is_integer() else f"{n:.2f}"


def scores_csv(scores: Scores, table: pd.DataFrame | None = None) -> bytes:
    """`level,id,dimension,period,score,n,status,low_sample`, sorted, score to 2 decimals."""
    table = scores.table if table is None else table
    columns = [table[c].tolist() for c in CSV_COLUMNS[:4]]
    counts = [format_count(n) for n in table["n"].tolist()]
    low = ["true" if flag else "false" for flag in table["low_sample"].tolist()]
    rows = zip(
        *columns, table["score"].tolist(), counts, table["status"].tolist(), low, strict=True
    )
    lines = [",".join(CSV_COLUMNS)]
    lines.extend(f"{lv},{i},{d},{p},{s:.2f},{n},{st},{lo}" for lv, i, d, p, s, n, st, lo in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


JSON_CHUNK_ROWS = 100_000


def _records_json(frame: pd.DataFrame, fields: list[str]) -> Iterator[bytes]:
    """A JSON array of one object per row, in pieces of up to JSON_CHUNK_ROWS rows; floats
    to 4 decimals, NaN as null (pandas' C writer).

    The writer escapes `/` as `\\/`; both mean the same, and the plain form reads better.
    """
    present = [f for f in fields if f in frame.columns]
    yield b"["
    for start in range(0, len(frame), JSON_CHUNK_ROWS):
        part = frame.iloc[start : start + JSON_CHUNK_ROWS][present]
        text = part.to_json(orient="records", double_precision=4, force_ascii=False)
        yield (("," if start else "") + text[1:-1].replace("\\/", "/")).encode("utf-8")
    yield b"]"


def select_scores(
    scores: Scores,
    *,
    level: str | None = None,
    period: str | None = None,
    dimension: str | None = None,
    item_id: str | None = None,
) -> pd.DataFrame:
    """The rows matching every filter given; period "latest" means the latest period."""
    table = scores.table
    if period == "latest":
        period = scores.latest_period
    for column, value in (
        ("level", level),
        ("period", period),
        ("dimension", dimension),
        ("id", item_id),
    ):
        if value is not None:
            table = table[table[column] == value]
    return table


def scores_json(scores: Scores, table: pd.DataFrame | None = None) -> bytes:
    """Every score (or the rows of `table`) with its interval, NPS, changes, gaps and spreads,
    plus the persona breakdowns in the full export."""
    return b"".join(scores_json_pieces(scores, table))


def scores_json_pieces(scores: Scores, table: pd.DataFrame | None = None) -> Iterator[bytes]:
    """scores.json in pieces, so that a large one is written without being held whole."""
    periods = json.dumps(list(scores.periods), separators=(",", ":"))
    yield f'{{"periods":{periods},"latest_period":{json.dumps(scores.latest_period)}'.encode()
    yield b',"scores":'
    yield from _records_json(scores.table if table is None else table, JSON_FIELDS)
    if table is None:
        yield b',"persona_touchpoints":'
        # sorted by PERSONA_KEYS in score_project
        yield from _records_json(scores.persona_touchpoints, [*PERSONA_KEYS, "score", "n", "se"])
    yield b"}\n"
