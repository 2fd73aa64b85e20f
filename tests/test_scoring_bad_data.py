"""Bad measurement data: every problem located by file, line and column, or skipped on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_support import long_csv, scored_project

RATING = "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"


BOOLEAN = RATING.replace("kind: rating, scale: [1, 5]", "kind: boolean")
DURATION = RATING.replace("kind: rating, scale: [1, 5]", "kind: duration")
GOOD = {
    BOOLEAN: ("bill-statement", "trust", "2025-01", "yes"),
    DURATION: ("support-call", "response_time", "2025-01", 2),
}


@pytest.mark.parametrize(
    ("source", "cell", "column", "message"),
    [
        (RATING, ("bill-statment", "trust", "2025-01", 3), 1, "unknown touchpoint id"),
        (RATING, ("bill-statement", "trsut", "2025-01", 3), 2, "unknown dimension id"),
        (
            RATING,
            ("bill-statement", "trust", "01/2025", 3),
            3,
            "period is not YYYY-MM or an ISO date (YYYY-MM-DD)",
        ),
        (
            RATING,
            ("bill-statement", "trust", "2025-13", 3),
            3,
            "period is not YYYY-MM or an ISO date (YYYY-MM-DD)",
        ),
        (RATING, ("bill-statement", "trust", "2025-01", "good"), 4, "not a number"),
        (RATING, ("bill-statement", "trust", "2025-01", "inf"), 4, "not a number"),
        (RATING, ("bill-statement", "trust", "2025-01", 6), 4, "rating outside the scale 1–5"),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: percent"),
            ("bill-statement", "trust", "2025-01", 101),
            4,
            "percent outside 0–100",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: nps"),
            ("bill-statement", "trust", "2025-01", 11),
            4,
            "NPS answer outside 0–10",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: boolean"),
            ("bill-statement", "trust", "2025-01", "maybe"),
            4,
            "not a yes/no value",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: duration"),
            ("bill-statement", "trust", "2025-01", 3),
            4,
            "the touchpoint has no time target for this dimension",
        ),
    ],
)
def test_bad_cell_is_located(
    tmp_path: Path, source: str, cell: tuple[object, ...], column: int, message: str
) -> None:
    good = GOOD.get(source, ("bill-statement", "trust", "2025-01", 3))
    analysis = scored_project(tmp_path, source, {"r.csv": long_csv([good, good, cell, good])})
    assert analysis.scores is None
    (error,) = analysis.diagnostics.errors
    assert (error.path, error.line, error.col, error.message) == (
        "data/measurements/r.csv",
        4,
        column,
        message,
    )


def test_missing_column(tmp_path: Path) -> None:
    csv = "touchpoint,period,value\nbill-statement,2025-01,3\n"
    analysis = scored_project(tmp_path, RATING, {"r.csv": csv})
    (error,) = analysis.diagnostics.errors
    assert (error.line, error.message) == (1, "missing column(s): `dimension`")
    assert error.hint == "the header has: touchpoint, period, value"


def test_empty_file(tmp_path: Path) -> None:
    analysis = scored_project(tmp_path, RATING, {"r.csv": ""})
    (error,) = analysis.diagnostics.errors
    assert error.message == "the file is empty: expected a header row"


def test_first_five_in_full_then_a_count(tmp_path: Path) -> None:
    rows = [("bill-statement", "trust", "2025-01", 9)] * 12
    analysis = scored_project(tmp_path, RATING, {"r.csv": long_csv(rows)})
    errors = analysis.diagnostics.errors
    assert [e.line for e in errors[:5]] == [2, 3, 4, 5, 6]
    assert errors[5].message == "... and 7 more bad value(s) in this file"
    assert len(errors) == 6


def test_skip_turns_bad_values_into_counted_warnings(tmp_path: Path) -> None:
    rows = [("bill-statement", "trust", "2025-01", v) for v in (5, 9, 9, 1, "x")]
    analysis = scored_project(tmp_path, RATING, {"r.csv": long_csv(rows)}, "  on_bad_value: skip\n")
    assert analysis.diagnostics.errors == []
    messages = sorted(w.message for w in analysis.diagnostics.warnings)
    assert messages == [
        "1 value(s) skipped: not a number",
        "2 value(s) skipped: rating outside the scale 1–5",
    ]
    assert analysis.scores is not None
    table = analysis.scores.table
    trust = table[(table["id"] == "bill-statement") & (table["dimension"] == "trust")].iloc[0]
    assert (trust["score"], trust["n"]) == (50, 2)  # 5 and 1 remain


def test_errors_in_several_files_are_reported_together(tmp_path: Path) -> None:
    sources = RATING + RATING.replace("r.csv", "s.csv")
    bad = long_csv([("bill-statement", "trust", "2025-01", 0)])
    analysis = scored_project(tmp_path, sources, {"r.csv": bad, "s.csv": bad})
    assert {e.path for e in analysis.diagnostics.errors} == {
        "data/measurements/r.csv",
        "data/measurements/s.csv",
    }


def test_counts_add_up_across_streamed_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxsite.load import measurements

    monkeypatch.setattr(measurements, "BLOCK_SIZE", 128)  # a few rows per batch
    rows = [("bill-statement", "trust", "2025-01", 9 if i % 2 else 3) for i in range(80)]
    rows += [("bill-statement", "trust", "2025-01", 3)] * 3
    analysis = scored_project(tmp_path, RATING, {"r.csv": long_csv(rows)})
    errors = analysis.diagnostics.errors
    assert [e.line for e in errors[:5]] == [3, 5, 7, 9, 11]
    assert errors[5].message == "... and 35 more bad value(s) in this file"
    skipped = scored_project(
        tmp_path / "skip", RATING, {"r.csv": long_csv(rows)}, "  on_bad_value: skip\n"
    )
    (warning,) = skipped.diagnostics.warnings
    assert (warning.line, warning.message) == (
        3,
        "40 value(s) skipped: rating outside the scale 1–5",
    )
