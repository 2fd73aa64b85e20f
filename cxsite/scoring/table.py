"""Scores as a rich table for the terminal: status in words as well as colour."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich.markup import escape
from rich.table import Table

from cxsite.scoring.export import format_count

STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "bold red"}


def scores_table(
    rows: pd.DataFrame, names: Sequence[str], reasons: Sequence[str] | None = None
) -> Table:
    """A table of level, id, name, dimension, period, score, interval, n, status and change;
    with `reasons`, why each score has its status too."""
    table = Table(show_lines=False)
    columns = ["level", "id", "name", "dimension", "period", "score", "95% interval", "n"]
    columns += ["status", "Δ month", *(["status reason"] if reasons is not None else [])]
    for name in columns:
        table.add_column(name, justify="right" if name in ("score", "n", "Δ month") else "left")
    records = rows.to_dict("records")
    for index, (row, name) in enumerate(zip(records, names, strict=True)):
        change = "" if pd.isna(row["change_1"]) else f"{row['change_1']:+.1f}"
        if change and row["change_1_significant"]:
            change += " *"
        status = f"[{STATUS_STYLE[row['status']]}]{row['status']}[/]"
        if row["low_sample"]:
            status += " (low sample)"
        interval = "" if pd.isna(row["ci_low"]) else f"{row['ci_low']:.1f}–{row['ci_high']:.1f}"
        table.add_row(
            str(row["level"]),
            str(row["id"]),
            escape(name),
            str(row["dimension"]),
            str(row["period"]),
            f"{row['score']:.2f}",
            interval,
            format_count(row["n"]),
            status,
            change,
            *([reasons[index]] if reasons is not None else []),
        )
    return table
