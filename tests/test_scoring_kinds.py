"""Each kind of measure, both layouts, pre-aggregated n, several sources; numbers by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scoring_support import long_csv, row, scored_project

Z = 1.96


def wilson(hits: float, n: float) -> tuple[float, float]:
    """Wilson interval written out independently of the code under test."""
    p = hits / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


RATING = "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"


def test_rating_mean_score_and_interval(tmp_path: Path) -> None:
    csv = long_csv([("bill-statement", "trust", "2025-01", v) for v in (1, 2, 3, 4, 5)])
    result = row(
        scored_project(tmp_path, RATING, {"r.csv": csv}),
        "touchpoint",
        "bill-statement",
        "trust",
        "2025-01",
    )
    # mean 3 on 1–5 → (3 − 1)/4·100 = 50; values on 0–100: 0, 25, 50, 75, 100
    assert result["score"] == pytest.approx(50)
    assert result["n"] == 5
    sd = math.sqrt((50**2 + 25**2 + 0 + 25**2 + 50**2) / 4)
    assert result["ci_low"] == pytest.approx(50 - Z * sd / math.sqrt(5))
    assert result["ci_high"] == pytest.approx(50 + Z * sd / math.sqrt(5))


def test_rating_top_box_uses_wilson(tmp_path: Path) -> None:
    source = RATING.replace("}", ", method: top_box, top_box: 4}")
    csv = long_csv([("bill-statement", "trust", "2025-01", v) for v in (1, 2, 3, 4, 5)])
    result = row(
        scored_project(tmp_path, source, {"r.csv": csv}),
        "touchpoint",
        "bill-statement",
        "trust",
        "2025-01",
    )
    assert result["score"] == pytest.approx(40)  # 4 and 5 of five answers
    low, high = wilson(2, 5)
    assert (result["ci_low"], result["ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_nps(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/n.csv, layout: long, kind: nps}\n"
    rows = [("bill-statement", "trust", "2025-01", v) for v in (10, 9, 8, 7, 6, 0)]
    rows += [("bill-statement", "trust", "2025-02", v) for v in (10, 10, 10, 0)]
    analysis = scored_project(tmp_path, source, {"n.csv": long_csv(rows)})
    january = row(analysis, "touchpoint", "bill-statement", "trust", "2025-01")
    february = row(analysis, "touchpoint", "bill-statement", "trust", "2025-02")
    # January: 2 promoters, 2 detractors of 6 → NPS 0 → score 50
    assert (january["score"], january["nps"]) == (pytest.approx(50), pytest.approx(0))
    # February: 3 promoters, 1 detractor of 4 → NPS 50 → score 75
    assert (february["score"], february["nps"]) == (pytest.approx(75), pytest.approx(50))


def test_percent_with_pre_aggregated_n(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/p.csv, layout: long, kind: percent}\n"
    csv = long_csv(
        [
            ("bill-statement", "trust", "2025-01", 80, 3),
            ("bill-statement", "trust", "2025-01", 90, ""),
        ],
        header="touchpoint,dimension,period,value,n",
    )
    result = row(
        scored_project(tmp_path, source, {"p.csv": csv}),
        "touchpoint",
        "bill-statement",
        "trust",
        "2025-01",
    )
    assert result["score"] == pytest.approx((80 * 3 + 90 * 1) / 4)  # 82.5, blank n counts 1
    assert result["n"] == 4


def test_boolean_defaults_and_missing_values(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/b.csv, layout: long, kind: boolean}\n"
    values = ["Yes", "No", " yes ", "Y", "0", "", "NA", "TRUE"]
    csv = long_csv([("app-login", "quality", "2025-01", v) for v in values])
    result = row(
        scored_project(tmp_path, source, {"b.csv": csv}),
        "touchpoint",
        "app-login",
        "quality",
        "2025-01",
    )
    # true: Yes, yes, Y, TRUE = 4 of the 6 present; blank and NA are missing, not false
    assert result["score"] == pytest.approx(100 * 4 / 6)
    assert result["n"] == 6


def test_boolean_explicit_values_are_exact(tmp_path: Path) -> None:
    source = (
        "  - {path: data/measurements/b.csv, layout: long, kind: boolean, "
        "true_values: [Yes], false_values: [No]}\n"
    )
    csv = long_csv([("app-login", "quality", "2025-01", v) for v in ("Yes", "No", "yes")])
    analysis = scored_project(tmp_path, source, {"b.csv": csv})
    assert analysis.scores is None
    (error,) = analysis.diagnostics.errors
    assert (error.path, error.line, error.col) == ("data/measurements/b.csv", 4, 4)
    assert error.message == "column `value`: `yes` is not a yes/no value"
    assert (
        error.hint == "write `Yes` for yes and `No` for no, as `true_values` and `false_values` say"
    )


def test_duration_in_seconds_against_a_target_in_minutes(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/d.csv, layout: long, kind: duration, unit: s}\n"
    csv = long_csv(
        [("support-call", "response_time", "2025-01", v) for v in (120, 180, 181, -5, 400)]
    )
    analysis = scored_project(tmp_path, source, {"d.csv": csv})
    result = row(analysis, "touchpoint", "support-call", "response_time", "2025-01")
    assert result["score"] == pytest.approx(60)  # 120, 180 and the early -5 are within 3 min
    low, high = wilson(3, 5)
    assert (result["ci_low"], result["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    (warning,) = analysis.diagnostics.warnings
    assert warning.message == "1 negative duration(s) counted as within target"
    assert warning.line == 5


def test_duration_without_unit_uses_the_target_unit(tmp_path: Path) -> None:
    source = "  - {path: data/measurements/d.csv, layout: long, kind: duration}\n"
    csv = long_csv([("support-call", "response_time", "2025-01", v) for v in (2, 3, 3.5)])
    result = row(
        scored_project(tmp_path, source, {"d.csv": csv}),
        "touchpoint",
        "support-call",
        "response_time",
        "2025-01",
    )
    assert result["score"] == pytest.approx(200 / 3)


WIDE = """\
  - path: data/measurements/tickets.csv
    layout: wide
    period: {column: created_at}
    touchpoint: {column: channel, map: {Phone: support-call, App: support-call}}
    persona: {column: segment, map: {Family: busy-parent}}
    columns:
      csat: {dimension: service, kind: rating, scale: [1, 5]}
      wait: {dimension: response_time, kind: duration, unit: min}
      solved: {dimension: quality, kind: boolean, true_values: ["True"], false_values: ["False"]}
      ignored_here: {dimension: trust, kind: percent, touchpoint: bill-statement}
"""
TICKETS = """\
ticket,created_at,channel,segment,csat,wait,solved,ignored_here,notes
1,2025-01-03 09:00:00,Phone,Family,5,2.5,True,70,x
2,2025-01-31T23:59:59+05:00,Phone,,3,4,False,,y
3,2025-02-01,Phone,Business,4,1,True,90,z
4,2025-01-15,Fax,Family,1,1,True,50,
5,2025-01-20,App,Family,,,False,,
"""


def test_wide_layout(tmp_path: Path) -> None:
    analysis = scored_project(tmp_path, WIDE, {"tickets.csv": TICKETS})
    service = row(analysis, "touchpoint", "support-call", "service", "2025-01")
    assert service["score"] == pytest.approx(((5 - 1) / 4 * 100 + (3 - 1) / 4 * 100) / 2)  # 75
    wait = row(analysis, "touchpoint", "support-call", "response_time", "2025-01")
    assert wait["score"] == pytest.approx(50)  # 2.5 ≤ 3 min, 4 > 3 min
    february = row(analysis, "touchpoint", "support-call", "response_time", "2025-02")
    assert february["score"] == pytest.approx(100)
    quality = row(analysis, "touchpoint", "support-call", "quality", "2025-01")
    assert (quality["score"], quality["n"]) == (pytest.approx(100 / 3), 3)  # True, False, False
    # the column fixed to bill-statement takes its rows; the unmapped Fax row is skipped whole
    trust = row(analysis, "touchpoint", "bill-statement", "trust", "2025-01")
    assert (trust["score"], trust["n"]) == (pytest.approx(70), 1)
    warnings = [w.message for w in analysis.diagnostics.warnings]
    assert "1 row(s) with channel `Fax` have no entry in the touchpoint map; skipped" in warnings
    assert "1 row(s) with the unknown persona `Business` count as untagged" in warnings


def test_several_sources_weighted_by_weight_times_n(tmp_path: Path) -> None:
    sources = (
        RATING + "  - {path: data/measurements/audit.csv, layout: long, kind: percent, "
        "source: internal, weight: 2}\n"
    )
    ratings = long_csv([("bill-statement", "trust", "2025-01", v) for v in (1, 2, 3, 4, 5)])
    audit = long_csv(
        [("bill-statement", "trust", "2025-01", 80, 10)],
        header="touchpoint,dimension,period,value,n",
    )
    analysis = scored_project(tmp_path, sources, {"r.csv": ratings, "audit.csv": audit})
    result = row(analysis, "touchpoint", "bill-statement", "trust", "2025-01")
    # customer: score 50 from n 5 at weight 1; internal: 80 from n 10 at weight 2
    assert result["score"] == pytest.approx((1 * 5 * 50 + 2 * 10 * 80) / (1 * 5 + 2 * 10))  # 74
    assert result["n"] == 15
    assert (result["customer"], result["internal"]) == (pytest.approx(50), pytest.approx(80))
    assert result["perception_gap"] == pytest.approx(-30)
    assert bool(result["blind_spot"]) is True
