"""Scores as a table for the terminal: status in words as well as colour (rich, on a
terminal), or as aligned plain text (piped or redirected, where colour is lost anyway and
rich's layout would cost seconds for thousands of rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from rich.table import Table

from cxsite.scoring.export import format_count

STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "bold red"}
RIGHT = ("score", "n", "Δ month")  # right-aligned columns


def score_rows(
    rows: pd.DataFrame, names: Sequence[str], reasons: Sequence[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """The columns (level, id, name, dimension, period, score, interval, n, status and change;
    with `reasons`, why each score has its status too) and each row's cells as text."""
    columns = ["level", "id", "name", "dimension", "period", "score", "95% interval", "n"]
    columns += ["status", "Δ month", *(["status reason"] if reasons is not None else [])]
    cells = []
    records = rows.to_dict("records")
    for index, (row, name) in enumerate(zip(records, names, strict=True)):
        change = "" if pd.isna(row["change_1"]) else f"{row['change_1']:+.1f}"
        if change and row["change_1_significant"]:
            change += " *"
        status = str(row["status"]) + (" (low sample)" if row["low_sample"] else "")
        interval = "" if pd.isna(row["ci_low"]) else f"{row['ci_low']:.1f}–{row['ci_high']:.1f}"
        cells.append(
            [
                str(row["level"]),
                str(row["id"]),
                name,
                str(row["dimension"]),
                str(row["period"]),
                f"{row['score']:.2f}",
                interval,
                format_count(row["n"]),
                status,
                change,
                *([reasons[index]] if reasons is not None else []),
            ]
        )
    return columns, cells


def scores_table(
    rows: pd.DataFrame, names: Sequence[str], reasons: Sequence[str] | None = None
) -> Table:
    """The scores as a rich table (a terminal), the status coloured."""
    from rich.markup import escape
    from rich.table import Table

    columns, cells = score_rows(rows, names, reasons)
    table = Table(show_lines=False)
    for name in columns:
        table.add_column(name, justify="right" if name in RIGHT else "left")
    status = columns.index("status")
    for row in cells:
        row = [escape(cell) for cell in row]
        word, _, rest = row[status].partition(" ")
        row[status] = f"[{STATUS_STYLE[word]}]{word}[/]" + (f" {rest}" if rest else "")
        table.add_row(*row)
    return table


def plain_table(
    rows: pd.DataFrame, names: Sequence[str], reasons: Sequence[str] | None = None
) -> str:
    """The scores as plain text, one line a score, columns aligned by two spaces."""
    columns, cells = score_rows(rows, names, reasons)
    widths = [max(len(text) for text in column) for column in zip(columns, *cells, strict=True)]
    lines = []
    for row in [columns, *cells]:
        padded = [
            cell.rjust(width) if name in RIGHT else cell.ljust(width)
            for name, cell, width in zip(columns, row, widths, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"
