"""Build tiny scored projects for the scoring tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from conftest import write_project

from cxsite.build import Analysis, analyse


def scored_project(
    root: Path, measurements: str, csvs: dict[str, str], scoring: str = ""
) -> Analysis:
    """The fixture project with these measurement sources (YAML list) and CSV files."""
    write_project(root)
    folder = root / "data" / "measurements"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in csvs.items():
        (folder / name).write_text(text)
    config = f"title: Test Telecom\nmeasurements:\n{measurements}"
    if scoring:
        config += f"scoring:\n{scoring}"
    (root / "cxsite.yaml").write_text(config)
    return analyse(root, dt.date(2026, 1, 1))


def row(analysis: Analysis, level: str, item_id: str, dimension: str, period: str) -> pd.Series:
    assert analysis.scores is not None, [d.format() for d in analysis.diagnostics.items]
    table = analysis.scores.table
    found = table[
        (table["level"] == level)
        & (table["id"] == item_id)
        & (table["dimension"] == dimension)
        & (table["period"] == period)
    ]
    assert len(found) == 1, (level, item_id, dimension, period, len(found))
    return found.iloc[0]


def long_csv(
    rows: Sequence[Sequence[object]], header: str = "touchpoint,dimension,period,value"
) -> str:
    return header + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)
