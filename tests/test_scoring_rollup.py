"""Roll-ups at every level with every exponent, status, changes, personas; numbers by hand."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest
from scoring_support import long_csv, row, scored_project

from cxsite.build import Analysis

PERCENT = "  - {path: data/measurements/p.csv, layout: long, kind: percent}\n"
HEADER = "touchpoint,dimension,period,value,n"
# Touchpoint scores (n = 20 each):
#   bill-statement: trust 80, value 60          (importance 5; weights 1)
#   support-call:   response_time 60, service 90 (importance 3; response_time weight 2)
#   app-login:      quality 50                   (importance 3)
# Journey pay-a-bill (weight 2): stages receive [bill-statement], query [support-call, app-login]
ROWS = [
    ("bill-statement", "trust", "2025-01", 80, 20),
    ("bill-statement", "value", "2025-01", 60, 20),
    ("support-call", "response_time", "2025-01", 60, 20),
    ("support-call", "service", "2025-01", 90, 20),
    ("app-login", "quality", "2025-01", 50, 20),
]


def rolled(
    tmp_path: Path, rollup: str, rows: Sequence[Sequence[object]] = ROWS, extra: str = ""
) -> Analysis:
    return scored_project(
        tmp_path, PERCENT, {"p.csv": long_csv(rows, HEADER)}, f"  rollup: {rollup}\n{extra}"
    )


def harmonic(values: list[float], weights: list[float]) -> float:
    return sum(weights) / sum(w / v for v, w in zip(values, weights, strict=True))


def test_harmonic_rollup_at_every_level(tmp_path: Path) -> None:
    analysis = rolled(tmp_path, "harmonic")
    bill = harmonic([80, 60], [1, 1])  # 68.571
    call = harmonic([60, 90], [2, 1])  # 67.5
    login = 50.0
    query = harmonic([call, login], [3, 3])  # 57.447
    journey = harmonic([bill, query], [1, 1])  # 62.52
    expected = {
        ("touchpoint", "bill-statement", "all"): (bill, 40),
        ("touchpoint", "support-call", "all"): (call, 40),
        ("stage", "pay-a-bill/receive", "all"): (bill, 40),
        ("stage", "pay-a-bill/query", "all"): (query, 60),
        ("stage", "pay-a-bill/query", "response_time"): (60, 20),
        ("journey", "pay-a-bill", "all"): (journey, 100),
        ("journey", "pay-a-bill", "trust"): (80, 20),
        ("department", "billing", "all"): (bill, 40),
        ("department", "customer-service", "all"): (query, 60),
        ("overall", "overall", "all"): (journey, 100),
    }
    for (level, item_id, dimension), (score, n) in expected.items():
        found = row(analysis, level, item_id, dimension, "2025-01")
        assert found["score"] == pytest.approx(score), (level, item_id, dimension)
        assert found["n"] == n, (level, item_id, dimension)
    assert row(analysis, "stage", "pay-a-bill/query", "all", "2025-01")["spread"] == pytest.approx(
        call - login
    )


@pytest.mark.parametrize(
    ("rollup", "expected"),
    [
        ("mean", (2 * 60 + 90) / 3),  # 70
        ("geometric", (60**2 * 90) ** (1 / 3)),  # 68.68
        ("harmonic", 3 / (2 / 60 + 1 / 90)),  # 67.5
        ("min", 60.0),
    ],
)
def test_each_exponent_on_a_touchpoint_all(tmp_path: Path, rollup: str, expected: float) -> None:
    found = row(rolled(tmp_path, rollup), "touchpoint", "support-call", "all", "2025-01")
    assert found["score"] == pytest.approx(expected)


def test_low_n_members_are_left_out_and_weights_renormalised(tmp_path: Path) -> None:
    rows = [*ROWS[:4], ("app-login", "quality", "2025-01", 50, 5)]  # n 5 < rollup_min_n 10
    analysis = rolled(tmp_path, "harmonic", rows)
    query = row(analysis, "stage", "pay-a-bill/query", "all", "2025-01")
    assert query["score"] == pytest.approx(3 / (2 / 60 + 1 / 90))  # support-call alone
    assert query["n"] == 40
    login = row(analysis, "touchpoint", "app-login", "quality", "2025-01")
    assert bool(login["low_sample"]) is True  # it keeps its own row, flagged


def test_a_zero_member_makes_harmonic_zero_but_not_mean(tmp_path: Path) -> None:
    rows = [*ROWS[:4], ("app-login", "quality", "2025-01", 0, 20)]
    assert (
        row(rolled(tmp_path, "harmonic", rows), "stage", "pay-a-bill/query", "all", "2025-01")[
            "score"
        ]
        == 0
    )
    mean = row(rolled(tmp_path / "m", "mean", rows), "stage", "pay-a-bill/query", "all", "2025-01")
    assert mean["score"] == pytest.approx(((2 * 60 + 90) / 3 + 0) / 2)


def test_members_without_data_in_a_period_are_left_out(tmp_path: Path) -> None:
    rows = [*ROWS, ("bill-statement", "trust", "2025-02", 70, 20)]
    analysis = rolled(tmp_path, "mean", rows)
    assert row(analysis, "journey", "pay-a-bill", "all", "2025-02")["score"] == pytest.approx(70)
    table = analysis.scores.table if analysis.scores is not None else None
    assert table is not None
    february = table[(table["period"] == "2025-02") & (table["level"] == "stage")]
    assert set(february["id"]) == {"pay-a-bill/receive"}  # a roll-up with no member has no row


def test_status_against_expectations_and_thresholds(tmp_path: Path) -> None:
    # bill-statement expects trust 80 and all 75 (margin 10); elsewhere green ≥ 75, amber ≥ 60
    rows = [
        ("bill-statement", "trust", "2025-01", 80, 20),
        ("bill-statement", "trust", "2025-02", 72, 20),
        ("bill-statement", "trust", "2025-03", 69.9, 20),
        ("support-call", "service", "2025-01", 75, 20),
        ("support-call", "service", "2025-02", 60, 20),
        ("support-call", "service", "2025-03", 59.9, 20),
    ]
    analysis = rolled(tmp_path, "mean", rows)
    statuses = [
        row(analysis, "touchpoint", "bill-statement", "trust", p)["status"]
        for p in ("2025-01", "2025-02", "2025-03")
    ]
    assert statuses == ["green", "amber", "red"]
    statuses = [
        row(analysis, "touchpoint", "support-call", "service", p)["status"]
        for p in ("2025-01", "2025-02", "2025-03")
    ]
    assert statuses == ["green", "amber", "red"]
    gap = row(analysis, "touchpoint", "bill-statement", "trust", "2025-02")["expectation_gap"]
    assert gap == pytest.approx(72 - 80)


def test_thresholds_are_configurable(tmp_path: Path) -> None:
    rows = [("support-call", "service", "2025-01", 70, 20)]
    analysis = rolled(tmp_path, "mean", rows, "  thresholds: {green: 65, amber: 50}\n")
    assert row(analysis, "touchpoint", "support-call", "service", "2025-01")["status"] == "green"


RATING = (
    "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5], "
    "method: top_box, top_box: 4}\n"
)


def test_change_significance(tmp_path: Path) -> None:
    # top-box shares: Jan 80/100, Feb 70/100 (Δ −10), Mar 40/100 (Δ −30), Apr 40 of 100 again
    rows: list[tuple[str, str, str, int]] = []
    for period, hits in (("2025-01", 80), ("2025-02", 70), ("2025-03", 40), ("2025-04", 40)):
        rows += [("support-call", "service", period, 5)] * hits
        rows += [("support-call", "service", period, 1)] * (100 - hits)
    analysis = scored_project(tmp_path, RATING, {"r.csv": long_csv(rows)})

    def se(share: float) -> float:
        return math.sqrt(share * (1 - share) / 100) * 100

    february = row(analysis, "touchpoint", "support-call", "service", "2025-02")
    assert february["change_1"] == pytest.approx(-10)
    assert 10 < 1.96 * math.hypot(se(0.8), se(0.7))  # 11.9: noise
    assert bool(february["change_1_significant"]) is False
    march = row(analysis, "touchpoint", "support-call", "service", "2025-03")
    assert march["change_1"] == pytest.approx(-30)
    assert 30 > 1.96 * math.hypot(se(0.7), se(0.4))  # 13.2: a real drop
    assert bool(march["change_1_significant"]) is True
    april = row(analysis, "touchpoint", "support-call", "service", "2025-04")
    assert april["change_1"] == pytest.approx(0)
    assert april["change_3"] == pytest.approx(40 - 80)
    assert bool(april["change_3_significant"]) is True
    january = row(analysis, "touchpoint", "support-call", "service", "2025-01")
    assert math.isnan(january["change_1"])


def test_persona_scores_use_the_persona_rows(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"
    audit = "  - {path: data/measurements/a.csv, layout: long, kind: percent}\n"
    rows = [("bill-statement", "trust", "2025-01", "busy-parent", 5)] * 10
    rows += [("bill-statement", "trust", "2025-01", "sole-trader", 1)] * 10
    rows += [("bill-statement", "trust", "2025-01", "", 3)] * 10  # untagged: overall only
    shared = long_csv([("support-call", "service", "2025-01", 50, 20)], HEADER)  # no persona column
    analysis = scored_project(
        tmp_path,
        source + audit,
        {"r.csv": long_csv(rows, "touchpoint,dimension,period,persona,value"), "a.csv": shared},
        "  rollup: mean\n",
    )
    assert row(analysis, "touchpoint", "bill-statement", "trust", "2025-01")[
        "score"
    ] == pytest.approx(50)
    # busy-parent: bill-statement trust 100; support-call service 50 (shared) → journey mean
    parent = row(analysis, "persona", "busy-parent", "all", "2025-01")
    assert parent["score"] == pytest.approx((100 + 50) / 2)
    trader = row(analysis, "persona", "sole-trader", "trust", "2025-01")
    assert trader["score"] == pytest.approx(0)
    assert trader["status"] == "red"
    # persona expectations: busy-parent expects trust 80
    parent_trust = row(analysis, "persona", "busy-parent", "trust", "2025-01")
    assert parent_trust["expectation"] == 80 and parent_trust["status"] == "green"
