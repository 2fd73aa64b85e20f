"""scores.csv (the public interface other tools read) and scores.json (the latest month, and
where the complete tables are: scoring/parquet.py)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence

import pandas as pd

from cxsite.errors import LocatedError, did_you_mean
from cxsite.scoring.engine import TABLE_COLUMNS, Scores
from cxsite.scoring.status import shift_period

CSV_COLUMNS = ["level", "id", "dimension", "period", "score", "n", "status", "low_sample"]
# `--wide` adds these, after CSV_COLUMNS: the 95% interval, the change from the month before
# and the month it compares with, and why the score has its status.
WIDE_COLUMNS = ["ci_low", "ci_high", "change_1", "compared_with", "status_reason"]
# Why a score has its status, from (status, expectation, level): StatusRule.reason.
StatusReason = Callable[[str, float | None, str], str]
JSON_FIELDS = TABLE_COLUMNS


def format_count(n: float) -> str:
    """A count as an integer where it is whole (pre-aggregated rows may make it fractional)."""
    return str(int(n)) if float(n).is_integer() else f"{n:.2f}"


def scores_csv(
    scores: Scores, table: pd.DataFrame | None = None, reason: StatusReason | None = None
) -> bytes:
    """`level,id,dimension,period,score,n,status,low_sample`, sorted, score to 2 decimals;
    with `reason`, the wide form: WIDE_COLUMNS after those (numbers to 2 decimals, empty
    where there is none)."""
    table = scores.table if table is None else table
    columns = [table[c].tolist() for c in CSV_COLUMNS[:4]]
    counts = [format_count(n) for n in table["n"].tolist()]
    low = ["true" if flag else "false" for flag in table["low_sample"].tolist()]
    rows = zip(
        *columns, table["score"].tolist(), counts, table["status"].tolist(), low, strict=True
    )
    lines = [f"{lv},{i},{d},{p},{s:.2f},{n},{st},{lo}" for lv, i, d, p, s, n, st, lo in rows]
    header = ",".join(CSV_COLUMNS)
    if reason is not None:
        header += "," + ",".join(WIDE_COLUMNS)
        lines = [f"{line},{extra}" for line, extra in zip(lines, _wide(table, reason), strict=True)]
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def status_reasons(table: pd.DataFrame, reason: StatusReason) -> list[str]:
    """Why each row's score has its status, in words."""
    columns = (table["status"].tolist(), table["expectation"].tolist(), table["level"].tolist())
    return [
        reason(str(status), _float(expectation), str(level))
        for status, expectation, level in zip(*columns, strict=True)
    ]


def _wide(table: pd.DataFrame, reason: StatusReason) -> Iterator[str]:
    """The WIDE_COLUMNS of each row, as CSV text."""
    compared = shift_period(table["period"], 1) if len(table) else table["period"]
    records = table[["ci_low", "ci_high", "change_1"]].to_dict("records")
    rows = zip(records, compared.tolist(), status_reasons(table, reason), strict=True)
    for record, month, words in rows:
        change = _number(record["change_1"])
        numbers = [_number(record["ci_low"]), _number(record["ci_high"]), change]
        yield ",".join([*numbers, month if change else "", _quoted(words)])


def _float(value: object) -> float | None:
    """A number from a table cell; None for NaN or no value."""
    number = float(value) if isinstance(value, int | float) else math.nan
    return None if math.isnan(number) else number


def _number(value: object) -> str:
    number = _float(value)
    return "" if number is None else f"{number:.2f}"


def _quoted(text: str) -> str:
    """A CSV field: quoted where it holds a comma, a quote or a line break."""
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


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
    status: str | None = None,
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
        ("status", status),
    ):
        if value is not None:
            table = table[table[column] == value]
    return table


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def selection_problems(
    scores: Scores,
    dimensions: Sequence[str],
    *,
    level: str | None = None,
    period: str | None = None,
    dimension: str | None = None,
    item_id: str | None = None,
) -> list[LocatedError]:
    """What is wrong with the filters of `select_scores`, each named by its option: an id,
    dimension or period that has no scores, with the closest that has."""
    problems = []

    def problem(option: str, message: str, hint: str = "") -> None:
        problems.append(LocatedError(option, 0, 0, message, hint, category="config"))

    if period not in (None, "latest", "all") and period not in scores.periods:
        first, last = (scores.periods[0], scores.periods[-1]) if scores.periods else ("", "")
        runs = f"data runs from {first} to {last}" if first != last else f"data has only {first}"
        if not _MONTH.fullmatch(period):
            problem("--period", f"`{period}` is not a month (YYYY-MM), `latest` or `all`", runs)
        else:
            problem("--period", f"no scores for {period}", runs if scores.periods else "")
    known_dimensions = [*dimensions, "all"]
    if dimension is not None and dimension not in known_dimensions:
        hint = did_you_mean(dimension, known_dimensions)
        problem(
            "--dimension",
            f"unknown dimension `{dimension}`",
            hint or f"dimensions: {', '.join(sorted(known_dimensions))}",
        )
    if item_id is not None:
        table = scores.table
        levels = sorted(set(table.loc[table["id"] == item_id, "level"]))
        if not levels:
            ids = table["id"] if level is None else table.loc[table["level"] == level, "id"]
            kind = "id" if level is None else f"{level} id"
            problem("--id", f"unknown {kind} `{item_id}`", did_you_mean(item_id, set(ids)))
        elif level is not None and level not in levels:
            problem(
                "--id",
                f"`{item_id}` is a {' and a '.join(levels)}, not a {level}",
                f"leave out --level, or use --level {levels[0]}",
            )
    return problems


# The complete tables beside scores.json, named in its `files`.
DOWNLOAD_FILES = {
    "csv": "scores.csv",
    "scores": "scores.parquet",
    "persona_scores": "persona-scores.parquet",
}


def scores_json(scores: Scores, table: pd.DataFrame) -> bytes:
    """`periods`, `latest_period` and `scores`: every field of the rows of `table`."""
    return b"".join(_scores_json_pieces(scores, table))


def latest_scores_json_pieces(scores: Scores) -> Iterator[bytes]:
    """The site's scores.json, in pieces: every field of the latest month's rows at every
    level, the months and dimensions there are, and the files holding every month."""
    table = scores.table
    latest = table[table["period"] == scores.latest_period] if len(table) else table
    dimensions = sorted(str(d) for d in table["dimension"].unique())
    extra = {"dimensions": dimensions, "files": DOWNLOAD_FILES}
    return _scores_json_pieces(scores, latest, extra)


def _scores_json_pieces(
    scores: Scores, table: pd.DataFrame, extra: Mapping[str, object] | None = None
) -> Iterator[bytes]:
    """`{"periods", "latest_period", ...extra, "scores"}`, the rows in pieces: a large
    selection is written without being held whole."""
    head = {"periods": list(scores.periods), "latest_period": scores.latest_period, **(extra or {})}
    yield json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1].encode("utf-8")
    yield b',"scores":'
    yield from _records_json(table, JSON_FIELDS)
    yield b"}\n"
