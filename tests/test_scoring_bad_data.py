"""Bad measurement data: every problem located by file, line and column, or skipped on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_support import long_csv, row, scored_project

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
        (
            RATING,
            ("bill-statment", "trust", "2025-01", 3),
            1,
            "column `touchpoint`: unknown touchpoint `bill-statment`",
        ),
        (
            RATING,
            ("bill-statement", "trsut", "2025-01", 3),
            2,
            "column `dimension`: unknown dimension `trsut`",
        ),
        (
            RATING,
            ("bill-statement", "trust", "01/2025", 3),
            3,
            "column `period`: `01/2025` is not a month or a date",
        ),
        (
            RATING,
            ("bill-statement", "trust", "2025-13", 3),
            3,
            "column `period`: `2025-13` is not a month or a date",
        ),
        (
            RATING,
            ("bill-statement", "trust", "2025-01", "good"),
            4,
            "column `value`: `good` is not a number",
        ),
        (
            RATING,
            ("bill-statement", "trust", "2025-01", "inf"),
            4,
            "column `value`: `inf` is not a number",
        ),
        (
            RATING,
            ("bill-statement", "trust", "2025-01", 6),
            4,
            "column `value`: `6` is outside the scale 1–5",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: percent"),
            ("bill-statement", "trust", "2025-01", 101),
            4,
            "column `value`: `101` is over 100; a percentage is 0–100",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: nps"),
            ("bill-statement", "trust", "2025-01", 11),
            4,
            "column `value`: `11` is outside 0–10, the scale of NPS answers",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: boolean"),
            ("bill-statement", "trust", "2025-01", "maybe"),
            4,
            "column `value`: `maybe` is not a yes/no value",
        ),
        (
            RATING.replace("kind: rating, scale: [1, 5]", "kind: duration"),
            ("bill-statement", "trust", "2025-01", 3),
            4,
            "column `value`: touchpoint `bill-statement` has no time target for `trust`",
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
        "1 value(s) skipped: column `value`: not a number",
        "2 value(s) skipped: column `value`: rating outside the scale 1–5",
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
        "40 value(s) skipped: column `value`: rating outside the scale 1–5",
    )


def test_a_ragged_row_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    good = "bill-statement,trust,2025-01,3\n"
    csv = long_csv([]) + good + "bill-statement,trust,2025-01,4,extra\n" + good * 3
    csv += "bill-statement,trust,2025-01\n" + good + "bill-statement,trust,2025-01,x\n"
    analysis = scored_project(tmp_path, RATING, {"r.csv": csv})
    assert [(e.line, e.col, e.message) for e in analysis.diagnostics.errors] == [
        (3, 1, "row has 5 fields but the header has 4"),
        (7, 1, "row has 3 fields but the header has 4"),
        (9, 4, "column `value`: `x` is not a number"),
    ]
    assert analysis.diagnostics.errors[0].hint == (
        "check for a missing or extra comma, or an unquoted comma inside a value"
    )


def test_a_row_with_an_open_quote_says_so(tmp_path: Path) -> None:
    csv = long_csv([("bill-statement", "trust", "2025-01", 3)]) + 'bill-statement,"trust,2025-01\n'
    analysis = scored_project(tmp_path, RATING, {"r.csv": csv})
    (error,) = analysis.diagnostics.errors
    assert (error.line, error.message) == (3, "row has 2 fields but the header has 4")
    assert error.hint == 'check for a `"` that opens a quoted value and is never closed'


def test_ragged_rows_count_in_the_first_five_and_skip_as_warnings(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [("bill-statement", "trust", "2025-01", 3, "extra")] * 4
    rows += [("bill-statement", "trust", "2025-01", 9)] * 3
    analysis = scored_project(tmp_path, RATING, {"r.csv": long_csv(rows)})
    errors = analysis.diagnostics.errors
    assert [e.line for e in errors] == [2, 3, 4, 5, 6, 7]
    assert errors[4].message == "column `value`: `9` is outside the scale 1–5"
    assert errors[5].message == "... and 2 more bad value(s) in this file"
    skipped = scored_project(
        tmp_path / "skip", RATING, {"r.csv": long_csv(rows)}, "  on_bad_value: skip\n"
    )
    assert [(w.line, w.message) for w in skipped.diagnostics.warnings] == [
        (2, "4 row(s) skipped: wrong number of fields"),
        (6, "3 value(s) skipped: column `value`: rating outside the scale 1–5"),
    ]


def test_blank_lines_and_empty_rows_are_left_out_and_counted_as_lines(tmp_path: Path) -> None:
    good = "bill-statement,trust,2025-01,3\n"
    csv = long_csv([]) + good + "\n" + ",,,\n" + good + "\n\n" + "bill-statement,trust,2025-01,0\n"
    analysis = scored_project(tmp_path, RATING, {"r.csv": csv})
    (error,) = analysis.diagnostics.errors
    assert (error.line, error.message) == (8, "column `value`: `0` is outside the scale 1–5")
    clean = scored_project(tmp_path / "clean", RATING, {"r.csv": csv.replace(",0\n", ",1\n")})
    assert clean.diagnostics.errors == []
    assert row(clean, "touchpoint", "bill-statement", "trust", "2025-01")["n"] == 3


@pytest.mark.parametrize("block_size", [16 * 1024 * 1024, 200, 1000])
def test_lines_stay_right_with_quoted_newlines_blank_lines_and_ragged_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_size: int
) -> None:
    from cxsite.load import measurements
    from cxsite.scoring import observations

    monkeypatch.setattr(measurements, "BLOCK_SIZE", block_size)
    monkeypatch.setattr(observations, "SHOWN_IN_FULL", 1000)
    notes = ["plain", '"two\nlines"', '"three\n\nlines"', '"carriage\r\nreturn"', '"a, b"']
    text = "touchpoint,dimension,period,value,note\n"
    expected = []
    for i in range(240):
        line = text.count("\n") + 1  # the line this row starts on: the file is written so far
        note = notes[i % len(notes)]
        if i % 7 == 3:
            text += f"bill-statement,trust,2025-01,3,{note},extra\n"
            expected.append((line, "row has 6 fields but the header has 5"))
        elif i % 11 == 5:
            text += f"bill-statement,trust,2025-01,9,{note}\n"
            expected.append((line, "column `value`: `9` is outside the scale 1–5"))
        elif i % 13 == 0:
            text += "\n"
        else:
            text += f"bill-statement,trust,2025-01,{1 + i % 5},{note}\n"
    analysis = scored_project(tmp_path, RATING, {"r.csv": text})
    assert [(e.line, e.message) for e in analysis.diagnostics.errors] == expected


def test_an_unknown_persona_suggests_the_closest(tmp_path: Path) -> None:
    csv = long_csv(
        [("bill-statement", "trust", "2025-01", "busy-parnet", 3)],
        header="touchpoint,dimension,period,persona,value",
    )
    analysis = scored_project(tmp_path, RATING, {"r.csv": csv})
    (warning,) = analysis.diagnostics.warnings
    assert warning.message == "1 row(s) with the unknown persona `busy-parnet` count as untagged"
    assert warning.hint == "did you mean `busy-parent`?"


def test_a_long_value_is_quoted_shortened_and_escaped(tmp_path: Path) -> None:
    value = '"' + "very " * 20 + '\nlong"'
    csv = long_csv([("bill-statement", "trust", "2025-01", value)])
    (error,) = scored_project(tmp_path, RATING, {"r.csv": csv}).diagnostics.errors
    assert error.message == "column `value`: `" + ("very " * 8).strip() + "…` is not a number"


def test_a_bad_utf8_byte_is_found_across_read_blocks(tmp_path: Path) -> None:
    from cxsite.load.csv_files import first_bad_utf8

    path = tmp_path / "r.csv"
    # an é split by the 1 MB read boundary, then a Latin-1 byte on line 2
    path.write_bytes(b"x" * ((1 << 20) - 1) + "é".encode() + b"\nab\xe9")
    assert first_bad_utf8(path) == (0xE9, 2, 3)
    path.write_bytes(b"x" * ((1 << 20) - 1) + "é".encode() + b"ab\xe9")
    assert first_bad_utf8(path) == (0xE9, 1, (1 << 20) - 1 + 2 + 2 + 1)


def test_files_are_checked_against_whatever_ids_are_known(tmp_path: Path) -> None:
    from cxsite.config import Config
    from cxsite.load.measurements import config_partials
    from cxsite.scoring.observations import Vocabulary

    folder = tmp_path / "data" / "measurements"
    folder.mkdir(parents=True)
    rows = [("bill-statement", "trust", "2025-01", 3), ("support-call", "trust", "2025-01", 4)]
    (folder / "r.csv").write_text(long_csv(rows))
    config = Config.model_validate({"title": "t", "measurements": [yaml_source(RATING)]})
    known = Vocabulary(frozenset({"support-call"}), frozenset(), frozenset({"trust"}))
    partials, _, problems = config_partials(tmp_path, config, known)
    assert [(p.line, p.message) for p in problems] == [
        (2, "column `touchpoint`: unknown touchpoint `bill-statement`")
    ]
    assert problems[0].hint == "known touchpoints: support-call"
    assert list(partials["touchpoint"]) == ["support-call"]


def yaml_source(item: str) -> object:
    import yaml

    return yaml.safe_load(item)[0]
