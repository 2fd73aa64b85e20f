"""cxsite.yaml: measurement sources, theme, base_url and scoring settings are validated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ProjectFactory

from cxsite.build import load_project
from cxsite.errors import ExitCode, LocatedError

TICKETS = """\
measurements:
  - path: data/measurements/tickets.csv
    layout: wide
    missing: ["", NA, null, n/a]
    period: {column: created_at}
    touchpoint: {column: channel, map: {Phone: support-call, Email: TOUCHPOINT}}
    persona: {column: segment, map: {SMB: PERSONA}}
    columns:
      csat: {dimension: DIMENSION, kind: rating, scale: [1, 5]}
      wait: {dimension: response_time, kind: duration, unit: min}
      ok: {dimension: quality, kind: boolean, true_values: [Yes, "1", True]}
"""


CSV = "data/measurements/tickets.csv"


def configure(root: Path, measurements: str, **swaps: str) -> Path:
    (root / "data" / "measurements").mkdir(exist_ok=True)
    (root / "data" / "measurements" / "tickets.csv").write_text("created_at,channel\n")
    text = measurements
    for old, new in {
        "TOUCHPOINT": "support-call",
        "PERSONA": "busy-parent",
        "DIMENSION": "service",
        **swaps,
    }.items():
        text = text.replace(old, new)
    config = root / "cxsite.yaml"
    config.write_text("title: Test Telecom\n" + text)
    return config


def config_errors(root: Path) -> list[LocatedError]:
    _, diagnostics = load_project(root, dt.date(2026, 1, 1))
    return [item for item in diagnostics.errors if item.path == "cxsite.yaml"]


def test_valid_wide_source(make_project: ProjectFactory) -> None:
    root = make_project()
    configure(root, TICKETS)
    project, diagnostics = load_project(root)
    assert diagnostics.errors == []
    assert project is not None
    source = project.config.measurements[0]
    assert source.columns["ok"].true_values == ("Yes", "1", "True")
    assert source.missing == ("", "NA", "null", "n/a")


@pytest.mark.parametrize(
    ("swap", "message"),
    [
        ({"TOUCHPOINT": "suport-email"}, "unknown touchpoint `suport-email`"),
        ({"PERSONA": "busy-parnt"}, "unknown persona `busy-parnt`"),
        ({"DIMENSION": "servise"}, "unknown dimension `servise`"),
    ],
)
def test_references_in_measurements(
    make_project: ProjectFactory, swap: dict[str, str], message: str
) -> None:
    root = make_project()
    config = configure(root, TICKETS, **swap)
    errors = config_errors(root)
    assert [e.message for e in errors] == [message]
    bad = message.split("`")[1]
    text = config.read_text()
    index = text.index(bad)
    assert (errors[0].line, errors[0].col) == (
        text.count("\n", 0, index) + 1,
        index - text.rfind("\n", 0, index),
    )
    _, diagnostics = load_project(root)
    assert diagnostics.exit_code() == ExitCode.CONTENT_ERROR  # about data, not configuration


def test_duration_needs_a_target_on_the_touchpoint(make_project: ProjectFactory) -> None:
    root = make_project()
    configure(root, TICKETS.replace("Phone: support-call", "Phone: app-login"))
    messages = [e.message for e in config_errors(root)]
    assert messages == [
        "duration column `wait` scores `response_time` of touchpoint `app-login`, "
        "which has no target for it"
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{path: ../outside.csv, layout: long, kind: percent}", "is outside the project"),
        ("{path: /etc/passwd, layout: long, kind: percent}", "is outside the project"),
        ("{path: data/nope.csv, layout: long, kind: percent}", "not found"),
        (f"{{path: {CSV}, layout: long}}", "a long source needs `kind`"),
        (f"{{path: {CSV}, layout: long, kind: rating}}", "needs a `scale`"),
        (
            f"{{path: {CSV}, layout: wide, period: 2025-01, touchpoint: app-login}}",
            "a wide source needs `columns`",
        ),
        (
            f"{{path: {CSV}, layout: long, kind: rating, scale: [5, 1]}}",
            "low below high",
        ),
        (
            f"{{path: {CSV}, layout: long, kind: rating, scale: [1, 5], top_box: 7}}",
            "within `scale`",
        ),
        (f"{{path: {CSV}, layout: long, kind: smiley}}", "is not one of"),
        (
            f"{{path: {CSV}, layout: wide, period: 2025-13, touchpoint: app-login, "
            "columns: {a: {dimension: trust, kind: percent}}}",
            "should match pattern",
        ),
    ],
)
def test_bad_measurement_sources(make_project: ProjectFactory, source: str, message: str) -> None:
    root = make_project()
    configure(root, f"measurements:\n  - {source}\n")
    errors = config_errors(root)
    assert errors, source
    assert any(message in e.message for e in errors), [e.message for e in errors]
    assert all(e.line == 3 for e in errors)


def test_theme_must_exist(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "cxsite.yaml").write_text("title: T\ntheme: brand\n")
    assert [e.message for e in config_errors(root)] == [
        "theme `brand` not found: no folder themes/brand/"
    ]
    (root / "themes" / "brand").mkdir(parents=True)
    assert config_errors(root) == []


@pytest.mark.parametrize(
    ("url", "ok"), [("https://intranet/cx/", True), ("/cx/", True), ("intranet/cx", False)]
)
def test_base_url(make_project: ProjectFactory, url: str, ok: bool) -> None:
    root = make_project()
    (root / "cxsite.yaml").write_text(f"title: T\nbase_url: {url}\n")
    assert (config_errors(root) == []) is ok


def test_scoring_settings(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "cxsite.yaml").write_text(
        "title: T\nscoring: {rollup: median, thresholds: {green: 50, amber: 70}}\n"
    )
    messages = " | ".join(e.message for e in config_errors(root))
    assert "`scoring.rollup`: `median` is not one of mean, geometric, harmonic, min" in messages
    assert "`amber` must not be above `green`" in messages


def test_period_column_takes_no_map(make_project: ProjectFactory) -> None:
    root = make_project()
    configure(
        root,
        TICKETS.replace(
            "period: {column: created_at}", "period: {column: created_at, map: {a: b}}"
        ),
    )
    assert [e.message for e in config_errors(root)] == [
        "`measurements`: `period` reads dates or YYYY-MM from a column; it takes no `map`"
    ]
