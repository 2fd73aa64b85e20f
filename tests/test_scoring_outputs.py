"""scores.csv, scores.json and the Parquet tables as public interfaces, the `scores` command, and
the example's story."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from scoring_support import long_csv, scored_project

from cxsite.build import analyse, build
from cxsite.cli import main
from cxsite.scoring.engine import TABLE_COLUMNS
from cxsite.scoring.export import CSV_COLUMNS
from cxsite.scoring.parquet import PERSONA_COLUMNS

LEVEL_ORDER = ["touchpoint", "stage", "journey", "department", "persona", "overall"]
SOURCES = (
    "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"
    "  - {path: data/measurements/n.csv, layout: long, kind: nps}\n"
)


def small_project(tmp_path: Path) -> Path:
    ratings = [
        (t, d, p, v)
        for t in ("bill-statement", "support-call", "app-login")
        for d in ("trust", "service")
        for p in ("2025-01", "2025-02")
        for v in (2, 4, 5, 5, 3, 4, 4, 5, 1, 5, 4, 4)
    ]
    nps = [("bill-statement", "trust", "2025-02", v) for v in (10, 9, 3, 7, 8, 10, 9, 9, 0, 6, 10)]
    scored_project(tmp_path, SOURCES, {"r.csv": long_csv(ratings), "n.csv": long_csv(nps)})
    return tmp_path


def test_scores_csv_columns_order_and_format(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    result = build(root)
    assert result.output is not None
    text = (result.output / "data" / "scores.csv").read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["level", "id", "dimension", "period", "score", "n", "status", "low_sample"]
    body = rows[1:]
    assert {r[0] for r in body} == {
        "touchpoint",
        "stage",
        "journey",
        "department",
        "persona",
        "overall",
    }
    keys = [(LEVEL_ORDER.index(r[0]), r[1], r[2], r[3]) for r in body]
    assert keys == sorted(keys)
    for r in body:
        assert len(r[4].split(".")[1]) == 2 and 0 <= float(r[4]) <= 100
        assert r[6] in {"green", "amber", "red"} and r[7] in {"true", "false"}
    stage = next(r for r in body if r[0] == "stage")
    assert stage[1] == "pay-a-bill/query" or stage[1] == "pay-a-bill/receive"


def test_scores_csv_numbers_recomputed_by_hand(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    build(root)
    text = (root / "output" / "data" / "scores.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    lookup = {(r["level"], r["id"], r["dimension"], r["period"]): r for r in rows}
    answers = [2, 4, 5, 5, 3, 4, 4, 5, 1, 5, 4, 4]
    expected = (sum(answers) / len(answers) - 1) / 4 * 100
    service = lookup[("touchpoint", "app-login", "service", "2025-01")]
    assert service["score"] == f"{expected:.2f}" and service["n"] == "12"
    assert service["low_sample"] == "true"  # 12 < 30
    # February trust of bill-statement combines 12 ratings with 11 NPS answers (weights n)
    promoters, detractors = 6, 3
    nps_score = ((promoters - detractors) / 11 * 100 + 100) / 2
    combined = (12 * expected + 11 * nps_score) / 23
    trust = lookup[("touchpoint", "bill-statement", "trust", "2025-02")]
    assert trust["score"] == f"{combined:.2f}" and trust["n"] == "23"


def test_scores_json_has_intervals_nps_changes_and_gaps(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    build(root)
    payload = json.loads((root / "output" / "data" / "scores.json").read_text())
    assert payload["periods"] == ["2025-01", "2025-02"] and payload["latest_period"] == "2025-02"
    trust = next(
        s
        for s in payload["scores"]
        if (s["level"], s["id"], s["dimension"], s["period"])
        == ("touchpoint", "bill-statement", "trust", "2025-02")
    )
    assert trust["nps"] == pytest.approx((6 - 3) / 11 * 100, abs=1e-3)
    for field in ("ci_low", "ci_high", "change_1", "change_1_significant", "expectation_gap", "se"):
        assert field in trust
    assert trust["expectation"] == 80
    personas = pd.read_parquet(root / "output" / "data" / "persona-scores.parquet")
    assert set(personas["persona"]) == {"busy-parent", "sole-trader"}


def test_scores_json_holds_the_latest_month_and_names_the_complete_tables(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    build(root)
    data = root / "output" / "data"
    payload = json.loads((data / "scores.json").read_text())
    assert list(payload) == ["periods", "latest_period", "dimensions", "files", "scores"]
    assert payload["dimensions"] == ["all", "service", "trust"]
    assert payload["files"] == {
        "csv": "scores.csv",
        "scores": "scores.parquet",
        "persona_scores": "persona-scores.parquet",
    }
    assert all((data / name).is_file() for name in payload["files"].values())
    rows = list(csv.DictReader(io.StringIO((data / "scores.csv").read_text())))
    latest = [r for r in rows if r["period"] == "2025-02"]
    assert len(latest) < len(rows)
    assert [(s["level"], s["id"], s["dimension"], s["period"]) for s in payload["scores"]] == [
        (r["level"], r["id"], r["dimension"], r["period"]) for r in latest
    ]
    assert [f"{s['score']:.2f}" for s in payload["scores"]] == [r["score"] for r in latest]
    assert list(payload["scores"][0]) == TABLE_COLUMNS


def test_scores_parquet_is_scores_csv_with_more_columns(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    assert result.output is not None
    data = result.output / "data"
    table = pd.read_parquet(data / "scores.parquet")
    from_csv = pd.read_csv(data / "scores.csv")
    assert list(table.columns) == TABLE_COLUMNS and len(table) > 6000
    # scores.csv's columns first, same rows in the same order, same values; `n` is always
    # a float (fractional with pre-aggregated rows), where read_csv infers int when whole.
    pd.testing.assert_frame_equal(table[CSV_COLUMNS], from_csv.astype({"n": "float64"}))
    assert str(table["id"].dtype) == str(from_csv["id"].dtype)
    touchpoint = table[table["level"] == "touchpoint"]
    assert touchpoint["ci_low"].notna().all() and touchpoint["blind_spot"].any()


def test_persona_parquet_is_the_persona_breakdowns_the_site_shows(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    analysis = analyse(REPO)
    assert result.output is not None and analysis.scores is not None
    written = pd.read_parquet(result.output / "data" / "persona-scores.parquet")
    breakdown = analysis.scores.persona_touchpoints
    assert list(written.columns) == PERSONA_COLUMNS and len(written) == len(breakdown) > 10_000
    keys = ["persona", "level", "id", "dimension", "period"]
    assert written[keys].values.tolist() == breakdown[keys].values.tolist()
    assert [f"{s:.2f}" for s in written["score"]] == [f"{s:.2f}" for s in breakdown["score"]]
    assert written["status"].tolist() == breakdown["status"].tolist()
    assert written["low_sample"].tolist() == breakdown["low_sample"].tolist()
    for column in ("n", "se", "ci_low", "ci_high", "expectation", "spread"):  # to 4 decimals
        expected = breakdown[column].astype(float)
        pd.testing.assert_series_equal(
            written[column], expected, check_names=False, rtol=0, atol=0.5e-4 + 1e-9
        )


def test_parquet_written_in_row_groups_is_the_same_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxsite.scoring import parquet

    analysis = analyse(REPO)
    assert analysis.scores is not None
    table = analysis.scores.table
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", len(table) + 1)
    whole = b"".join(parquet.scores_parquet_pieces(analysis.scores))
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 1000)  # several groups, the last short
    pieces = list(parquet.scores_parquet_pieces(analysis.scores))
    assert len(pieces) == len(table) // 1000 + 2 and all(pieces)
    grouped = pd.read_parquet(io.BytesIO(b"".join(pieces)))
    pd.testing.assert_frame_equal(grouped, pd.read_parquet(io.BytesIO(whole)))


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_parquet_rounds_as_scores_csv_prints(value: float) -> None:
    from cxsite.scoring.parquet import round_as_printed

    halves = [80.625, 74.375, 74.125, 0.005, 2.675]  # ties and near-ties of 2 decimals
    values = np.array([value, *halves, value + 0.005])
    assert round_as_printed(values, 2).tolist() == [float(f"{v:.2f}") for v in values]


def test_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    """Two copies of a project, each built cold in its own process with its own hash seed."""
    outputs = []
    for copy, seed in (("a", "1"), ("b", "2")):
        root = small_project(tmp_path / copy)
        done = subprocess.run(
            [sys.executable, "-m", "cxsite", "build", "--output", str(tmp_path / f"out-{copy}")],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        folder = tmp_path / f"out-{copy}"
        outputs.append({p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.*")})
    first, second = outputs
    for name in ("scores.csv", "scores.json", "scores.parquet", "persona-scores.parquet"):
        assert len(first[Path("data", name)]) > 500, name
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_scores_command_filters_and_formats(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main, ["--project", str(root), "scores", "--format", "csv", "--level", "journey"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("level,id")
    assert {line.split(",")[0] for line in lines[1:]} == {"journey"}
    assert {line.split(",")[3] for line in lines[1:]} == {"2025-02"}  # latest by default
    result = runner.invoke(
        main,
        [
            "--project",
            str(root),
            "scores",
            "--format",
            "json",
            "--period",
            "all",
            "--id",
            "app-login",
            "--dimension",
            "service",
        ],
    )
    payload = json.loads(result.output)
    assert [s["period"] for s in payload["scores"]] == ["2025-01", "2025-02"]
    result = runner.invoke(main, ["--project", str(root), "scores", "--id", "support-call"])
    assert result.exit_code == 0
    assert "support-call" in result.output and "low sample" in result.output


def scores_cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--project", str(root), "scores", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_scores_status_filter_keeps_exactly_the_rows_of_that_status(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, everything, _ = scores_cli(root, "--period", "all", "--format", "csv")
    assert code == 0
    header, *rows = everything.splitlines()
    statuses = {row.split(",")[6] for row in rows}
    assert len(statuses) >= 2  # the filter has something to leave out
    for status in ("red", "amber", "green"):
        code, out, _ = scores_cli(root, "--period", "all", "--format", "csv", "--status", status)
        assert code == 0
        assert out.splitlines() == [header, *(r for r in rows if r.split(",")[6] == status)]


def test_scores_wide_csv_adds_columns_after_today_s(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    args = ("--period", "all", "--format", "csv", "--level", "touchpoint")
    narrow = scores_cli(root, *args)[1].splitlines()
    code, out, _ = scores_cli(root, *args, "--wide")
    assert code == 0
    wide = list(csv.reader(io.StringIO(out)))
    assert wide[0] == [
        *["level", "id", "dimension", "period", "score", "n", "status", "low_sample"],
        *["ci_low", "ci_high", "change_1", "compared_with", "status_reason"],
    ]
    assert [",".join(row[:8]) for row in wide] == narrow  # today's columns, unchanged
    by_key = {(r[1], r[2], r[3]): dict(zip(wide[0], r, strict=True)) for r in wide[1:]}
    first, second = (
        by_key[("bill-statement", "trust", "2025-01")],
        by_key[("bill-statement", "trust", "2025-02")],
    )
    assert (first["change_1"], first["compared_with"]) == ("", "")
    change = float(second["score"]) - float(first["score"])
    assert abs(float(second["change_1"]) - change) <= 0.011
    assert second["compared_with"] == "2025-01"
    assert float(second["ci_low"]) < float(second["score"]) < float(second["ci_high"])
    # bill-statement expects 80 on trust (conftest): the reason names it.
    assert "expectation 80 (set on this touchpoint)" in second["status_reason"]
    service = by_key[("app-login", "service", "2025-02")]
    assert service["status_reason"].endswith(
        {"green": "at or above the green threshold 75", "amber": "below the green threshold 75",
         "red": "below the amber threshold 60"}[service["status"]]
    )  # fmt: skip


def test_scores_table_shows_names_beside_ids(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, out, _ = scores_cli(root, "--id", "support-call", "--dimension", "all")
    assert code == 0
    row = next(line for line in out.splitlines() if "support-call" in line)
    assert "Support call" in row
    code, out, _ = scores_cli(root, "--id", "support-call", "--dimension", "all", "--wide")
    assert "threshold" in out or "expectation" in out


def test_scores_piped_are_plain_aligned_text_with_every_row_of_the_csv(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, text, _ = scores_cli(root, "--period", "all")
    assert code == 0
    header, *lines = text.splitlines()
    _, *rows = list(
        csv.reader(io.StringIO(scores_cli(root, "--period", "all", "--format", "csv")[1]))
    )
    assert len(lines) == len(rows) > 4
    end = header.index("score") + len("score")  # right-aligned under its heading
    for line, row in zip(lines, rows, strict=True):
        level, item_id, dimension, period, score = row[:5]
        assert line.split()[:2] == [level, item_id] and f" {dimension} " in line
        assert line[end - len(score) : end] == score and period in line
        assert "\x1b" not in line  # no colour codes when piped


RUNS = "data runs from 2025-01 to 2025-02"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--id", "bill-statment"),
            "--id: error: unknown id `bill-statment`; did you mean `bill-statement`?",
        ),
        (
            ("--dimension", "servce"),
            "--dimension: error: unknown dimension `servce`; did you mean `service`?",
        ),
        (
            ("--dimension", "speed"),
            "--dimension: error: unknown dimension `speed`; "
            "dimensions: all, quality, response_time, service, trust, value",
        ),
        (
            ("--period", "2025-13"),
            f"--period: error: `2025-13` is not a month (YYYY-MM), `latest` or `all`; {RUNS}",
        ),
        (("--period", "2024-12"), f"--period: error: no scores for 2024-12; {RUNS}"),
        (
            ("--level", "journey", "--id", "support-call"),
            "--id: error: `support-call` is a touchpoint, not a journey; "
            "leave out --level, or use --level touchpoint",
        ),
    ],
)
def test_scores_unknown_filter_is_a_usage_error_with_the_closest(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    root = small_project(tmp_path)
    code, out, err = scores_cli(root, *args, "--format", "csv")
    assert (code, out) == (2, "")
    assert err.splitlines() == [message, "1 error, 0 warnings"]


def test_scores_command_subprocess_and_errors(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    ok = subprocess.run(
        [sys.executable, "-m", "cxsite", "scores", "--format", "csv"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("level,id,dimension")
    (root / "data" / "measurements" / "r.csv").write_text(
        "touchpoint,dimension,period,value\nx,trust,2025-01,3\n"
    )
    bad = subprocess.run(
        [sys.executable, "-m", "cxsite", "scores"], cwd=root, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert (
        "data/measurements/r.csv:2:1: error: column `touchpoint`: unknown touchpoint `x`"
        in bad.stderr
    )
    assert "Traceback" not in bad.stderr


def test_the_example_tells_its_story() -> None:
    analysis = analyse(REPO)
    assert analysis.scores is not None, [d.format() for d in analysis.diagnostics.errors]
    table = analysis.scores.table
    assert analysis.scores.latest_period == "2026-10"

    def series(level: str, item_id: str, dimension: str, column: str = "score") -> dict[str, Any]:
        rows = table[
            (table["level"] == level) & (table["id"] == item_id) & (table["dimension"] == dimension)
        ]
        return dict(zip(rows["period"], rows[column], strict=True))

    # a) the billing migration in month 11 (2026-03) hurts trust, which recovers after the playbook
    trust = series("touchpoint", "bill-statement", "trust")
    assert trust["2026-03"] < trust["2026-02"] - 20
    march = table[
        (table["level"] == "touchpoint")
        & (table["id"] == "bill-statement")
        & (table["dimension"] == "trust")
        & (table["period"] == "2026-03")
    ].iloc[0]
    assert march["status"] == "red" and bool(march["change_1_significant"])
    assert abs(trust["2026-08"] - trust["2026-02"]) < 5
    # b) phone answer times drift past the 3-minute target: a slow slide into red
    waits = series("touchpoint", "support-call", "response_time")
    assert waits["2025-05"] > 80 and waits["2026-10"] < 40
    assert series("touchpoint", "support-call", "response_time", "status")["2026-10"] == "red"
    # c) the company rates installation visits far above what customers say
    for dimension in ("service", "quality"):
        gap = series("touchpoint", "installation-visit", dimension, "perception_gap")["2026-10"]
        assert gap <= -25
        assert series("touchpoint", "installation-visit", dimension, "blind_spot")["2026-10"]


class _Chips(HTMLParser):
    """Collects every score chip: its key and the text it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.chips: list[tuple[str, str]] = []
        self.key: tuple[str] | None = None
        self.in_value = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "data-key" in attributes:
            self.key = (str(attributes["data-key"]),)
        self.in_value = attributes.get("class") == "chip-value" and self.key is not None

    def handle_data(self, data: str) -> None:
        if self.in_value and self.key:
            self.chips.append((*self.key, data))
            self.key = None
            self.in_value = False


def test_every_number_on_the_site_equals_scores_csv(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    assert result.output is not None
    rows = list(csv.DictReader(io.StringIO((result.output / "data" / "scores.csv").read_text())))
    lookup = {
        "|".join((r["level"], r["id"], r["dimension"], r["period"])): r["score"] for r in rows
    }
    personas = pd.read_parquet(result.output / "data" / "persona-scores.parquet")
    for p in personas.to_dict("records"):
        key = "|".join(
            (f"persona:{p['persona']}:{p['level']}", p["id"], p["dimension"], p["period"])
        )
        lookup[key] = f"{p['score']:.2f}"
    persona_chips = 0
    checked = 0
    for page in result.output.rglob("*.html"):
        parser = _Chips()
        parser.feed(page.read_text())
        for key, shown in parser.chips:
            assert shown == f"{float(lookup[key]):.1f}", (page, key)
            checked += 1
            persona_chips += key.startswith("persona:")
    assert checked > 1000 and persona_chips > 100


def test_scores_json_written_in_pieces_is_the_same_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxsite.scoring import export

    analysis = analyse(REPO)
    assert analysis.scores is not None
    whole = b"".join(export.latest_scores_json_pieces(analysis.scores))
    monkeypatch.setattr(export, "JSON_CHUNK_ROWS", 7)  # many pieces, one of them short
    pieces = list(export.latest_scores_json_pieces(analysis.scores))
    assert len(pieces) > 50
    assert b"".join(pieces) == whole
    payload = json.loads(whole)
    table = analysis.scores.table
    assert len(payload["scores"]) == (table["period"] == analysis.scores.latest_period).sum()


def test_scores_do_not_wait_for_playbook_bodies_but_check_and_build_report_them(
    tmp_path: Path,
) -> None:
    root = small_project(tmp_path)
    playbook = next((root / "content" / "playbooks").glob("*.md"))
    playbook.write_text(playbook.read_text() + '\n{{< score touchpoint="nowhere" >}}\n')
    code, out, _ = scores_cli(root, "--format", "csv")
    assert code == 0 and out.startswith("level,id,dimension")  # Markdown is no part of a score
    checked = CliRunner().invoke(main, ["--project", str(root), "check"])
    assert checked.exit_code == 1 and "unknown touchpoint `nowhere`" in checked.output
