"""scores.csv (the public interface other tools read) and scores.json (everything)."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from cxsite.scoring.engine import TABLE_COLUMNS, Scores

CSV_COLUMNS = ["level", "id", "dimension", "period", "score", "n", "status", "low_sample"]
JSON_FIELDS = TABLE_COLUMNS


def format_count(n: float) -> str:
    """A count as an integer where it is whole (pre-aggregated rows may make it fractional)."""
    return str(int(n)) if float(n).is_integer() else f"{n:.2f}"


def scores_csv(scores: Scores, table: pd.DataFrame | None = None) -> bytes:
    """`level,id,dimension,period,score,n,status,low_sample`, sorted, score to 2 decimals."""
    table = scores.table if table is None else table
    lines = [",".join(CSV_COLUMNS)]
    for row in table[CSV_COLUMNS].to_dict("records"):
        lines.append(
            f"{row['level']},{row['id']},{row['dimension']},{row['period']},{row['score']:.2f},"
            f"{format_count(row['n'])},{row['status']},{'true' if row['low_sample'] else 'false'}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _clean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(float(value), 4)
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def _records(frame: pd.DataFrame, fields: list[str]) -> list[dict[str, Any]]:
    present = [f for f in fields if f in frame.columns]
    return [
        {field: _clean(value) for field, value in zip(present, row, strict=True)}
        for row in frame[present].itertuples(index=False)
    ]


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
    """Every score (or the rows of `table`), with persona breakdowns only in the full export."""
    """Every score with its interval, NPS, changes, gaps and spreads, plus persona breakdowns."""
    payload = {
        "periods": list(scores.periods),
        "latest_period": scores.latest_period,
        "scores": _records(scores.table if table is None else table, JSON_FIELDS),
    }
    if table is None:
        payload["persona_touchpoints"] = _records(
            scores.persona_touchpoints.sort_values(
                ["persona", "level", "id", "dimension", "period"]
            ),
            ["persona", "level", "id", "dimension", "period", "score", "n", "se"],
        )
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")
