"""Hand-off groups and the change log, on small projects and tables whose answers are worked
out by hand here, and on the example project read from its YAML."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import REPO, write_project
from scoring_support import long_csv

from cxsite.build import analyse
from cxsite.scoring.engine import Scores
from cxsite.site.insights import (
    change_log,
    hand_off_groups,
    hand_offs_in_journey,
    hand_offs_of_department,
)
from cxsite.site.scoreindex import VIEW_COLUMNS, ScoreIndex, month_before, signed

# --- hand-off groups -----------------------------------------------------------------------

# Three departments; `all` scores (percent, one dimension each, so all = that value):
#   bill-statement billing 80 · support-call customer-service 60 · app-login customer-service 50
#   web-help it 70 · refund it (no data)
# Journey pay-a-bill: receive [bill-statement, app-login] → query [refund, support-call,
# app-login] → pay [refund, web-help, bill-statement].
JOURNEY = {
    "id": "pay-a-bill",
    "name": "Pay a bill",
    "personas": ["busy-parent"],
    "stages": [
        {"id": "receive", "name": "Receive", "phase": "post-sale",
         "touchpoints": ["bill-statement", "app-login"]},
        {"id": "query", "name": "Query", "phase": "post-sale",
         "touchpoints": ["refund", "support-call", "app-login"]},
        {"id": "pay", "name": "Pay", "phase": "post-sale",
         "touchpoints": ["refund", "web-help", "bill-statement"]},
    ],
}  # fmt: skip
REFUND = {"id": "refund", "name": "Refund", "channel": "web", "mode": "online", "owner": "it"}
WEB_HELP = {**REFUND, "id": "web-help", "name": "Web help"}
IT = {"id": "it", "name": "Digital & IT", "lead": "Cy Dee", "description": ""}
PERCENT = "  - {path: data/measurements/p.csv, layout: long, kind: percent}\n"
ROWS = [
    ("bill-statement", "trust", "2025-01", 80, 20),
    ("support-call", "response_time", "2025-01", 60, 20),
    ("app-login", "quality", "2025-01", 50, 20),
    ("web-help", "quality", "2025-01", 70, 20),
]


def extend_yaml(path: Path, change: Any) -> None:
    path.write_text(yaml.safe_dump(change(yaml.safe_load(path.read_text())), sort_keys=False))


@pytest.fixture
def three_departments(tmp_path: Path) -> tuple[Any, ScoreIndex]:
    root = write_project(tmp_path / "project")
    data = root / "data"
    extend_yaml(data / "departments.yaml", lambda items: [*items, IT])
    extend_yaml(data / "touchpoints.yaml", lambda items: [*items, REFUND, WEB_HELP])
    extend_yaml(data / "journeys.yaml", lambda items: [JOURNEY])
    (data / "measurements").mkdir()
    (data / "measurements" / "p.csv").write_text(
        long_csv(ROWS, "touchpoint,dimension,period,value,n")
    )
    (root / "cxsite.yaml").write_text(f"title: T\nmeasurements:\n{PERCENT}")
    analysis = analyse(root)
    assert analysis.project is not None and analysis.scores is not None, [
        d.format() for d in analysis.diagnostics.items
    ]
    return analysis.project, ScoreIndex(analysis.scores)


def described(groups: list[Any]) -> list[tuple[object, ...]]:
    return [
        (
            g.from_stage,
            g.to_stage,
            g.from_department,
            [t.touchpoint for t in g.from_touchpoints],
            g.to_department,
            [t.touchpoint for t in g.to_touchpoints],
            None if g.worst is None else (g.worst.id, g.worst.csv),
        )
        for g in groups
    ]


def test_hand_offs_group_touchpoints_by_department_pair_worst_first(
    three_departments: tuple[Any, ScoreIndex],
) -> None:
    project, index = three_departments
    assert index.get("touchpoint", "app-login").csv == "50.00"  # type: ignore[union-attr]
    assert index.get("touchpoint", "refund") is None
    groups = hand_off_groups(project, index)
    # receive → query: billing → customer-service (worst app-login 50), customer-service → it
    # (worst 50; the tie goes to the from-department's id), billing → it (80; refund has no
    # score); same-department pairs are no hand-off.
    # query → pay: customer-service → billing and → it (both 50: to-department id), it →
    # billing (80; it → it is none). Touchpoints worst first, no score last (web-help 70
    # before refund).
    assert described(groups) == [
        ("receive", "query", "billing", ["bill-statement"], "customer-service",
         ["app-login", "support-call"], ("app-login", "50.00")),
        ("receive", "query", "customer-service", ["app-login"], "it", ["refund"],
         ("app-login", "50.00")),
        ("receive", "query", "billing", ["bill-statement"], "it", ["refund"],
         ("bill-statement", "80.00")),
        ("query", "pay", "customer-service", ["app-login", "support-call"], "billing",
         ["bill-statement"], ("app-login", "50.00")),
        ("query", "pay", "customer-service", ["app-login", "support-call"], "it",
         ["web-help", "refund"], ("app-login", "50.00")),
        ("query", "pay", "it", ["refund"], "billing", ["bill-statement"],
         ("bill-statement", "80.00")),
    ]  # fmt: skip
    assert [t.score for t in groups[1].to_touchpoints] == [None]
    it_groups = hand_offs_of_department(groups, "it")
    assert [(g.from_department, g.to_department) for g in it_groups] == [
        ("customer-service", "it"),
        ("billing", "it"),
        ("customer-service", "it"),
        ("it", "billing"),
    ]
    assert hand_offs_in_journey(groups, "pay-a-bill") == groups
    assert hand_offs_in_journey(groups, "nowhere") == []


def test_example_fix_a_fault_hand_offs_read_from_the_yaml() -> None:
    analysis = analyse(REPO)
    assert analysis.project is not None and analysis.scores is not None
    index = ScoreIndex(analysis.scores)
    groups = hand_off_groups(analysis.project, index)
    fault = hand_offs_in_journey(groups, "fix-a-fault")
    # From data/journeys.yaml and the owners in data/touchpoints/*.yaml:
    #   check-status: network-status-page, outage-sms (network-operations), community-forum
    #                 (customer-service), social-media-replies (marketing)
    #   report:       fault-reporting-app (network-operations), support-call, support-chat,
    #                 support-email (customer-service)
    #   repair:       engineer-repair-visit, device-delivery (field-operations), store-repair
    #                 (retail-stores)
    # 3 owners × 2 owners − 1 same (network-operations) + 2 × 2 = 8 groups, where touchpoint
    # pairs gave 11 + 12 = 23 rows.
    assert len(fault) == 8
    assert {(g.from_stage, g.to_stage, g.from_department, g.to_department) for g in fault} == {
        ("check-status", "report", "network-operations", "customer-service"),
        ("check-status", "report", "customer-service", "network-operations"),
        ("check-status", "report", "marketing", "network-operations"),
        ("check-status", "report", "marketing", "customer-service"),
        ("report", "repair", "customer-service", "field-operations"),
        ("report", "repair", "customer-service", "retail-stores"),
        ("report", "repair", "network-operations", "field-operations"),
        ("report", "repair", "network-operations", "retail-stores"),
    }
    assert [g.from_stage for g in fault] == ["check-status"] * 4 + ["report"] * 4
    group = next(
        g
        for g in fault
        if (g.from_department, g.to_department) == ("customer-service", "field-operations")
    )
    assert sorted(t.touchpoint for t in group.from_touchpoints) == [
        "support-call",
        "support-chat",
        "support-email",
    ]
    assert sorted(t.touchpoint for t in group.to_touchpoints) == [
        "device-delivery",
        "engineer-repair-visit",
    ]
    sides = [*group.from_touchpoints, *group.to_touchpoints]
    for side in (group.from_touchpoints, group.to_touchpoints):
        values = [t.score.value for t in side if t.score is not None]
        assert values == sorted(values) and len(values) == len(side)
    assert group.worst is not None
    assert group.worst.value == min(t.score.value for t in sides if t.score is not None)
    # Customer Service is on 12 groups in all (30 touchpoint pairs before).
    assert len(hand_offs_of_department(groups, "customer-service")) == 12


# --- the change log --------------------------------------------------------------------------


def score_row(
    level: str,
    item_id: str,
    dimension: str,
    period: str,
    score: float,
    status: str,
    change_1: float | None = None,
    significant: bool = False,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(VIEW_COLUMNS, math.nan)
    row.update(level=level, id=item_id, dimension=dimension, period=period, score=score, n=100,
               status=status, low_sample=False, change_1=math.nan if change_1 is None else change_1,
               change_1_significant=significant, blind_spot=False)  # fmt: skip
    return row


# Rows grouped by series, months ascending within each, as score_project leaves them. April is
# missing, so May has no month before it and is left out.
TABLE = [
    score_row("overall", "overall", "all", "2026-02", 72, "amber"),
    score_row("overall", "overall", "all", "2026-03", 50, "red", -22, True),  # new red
    score_row("journey", "j", "all", "2026-02", 60, "amber"),
    score_row("journey", "j", "all", "2026-03", 75, "green", 15, True),  # improved
    score_row("stage", "j/s", "all", "2026-02", 68, "amber"),
    score_row("stage", "j/s", "all", "2026-03", 71, "green", 3, False),  # flip, better
    score_row("department", "d", "all", "2026-02", 71, "green"),
    score_row("department", "d", "all", "2026-03", 69, "amber", -2, False),  # flip, worse
    score_row("touchpoint", "a", "all", "2026-01", 70, "green"),
    score_row("touchpoint", "a", "all", "2026-02", 55, "red", -15, True),  # new red (Feb)
    score_row("touchpoint", "a", "all", "2026-03", 56, "red", 1, False),  # still red
    score_row("touchpoint", "b", "trust", "2026-02", 80, "green"),
    score_row("touchpoint", "b", "trust", "2026-03", 72, "green", -8, True),  # drop, still green
    score_row("touchpoint", "b", "value", "2026-02", 80, "green"),
    score_row("touchpoint", "b", "value", "2026-03", 90, "green", 10, True),  # better, no flip
    score_row("touchpoint", "c", "all", "2026-01", 90, "green"),
    score_row("touchpoint", "c", "all", "2026-02", 90, "green", 0, False),
    score_row("touchpoint", "d", "all", "2026-03", 30, "red"),  # no February: not compared
    score_row("touchpoint", "e", "all", "2026-02", 66, "amber"),
    score_row("touchpoint", "e", "all", "2026-03", 36, "red", -30, True),  # new red
    score_row("touchpoint", "e", "all", "2026-05", 20, "red"),
    score_row("persona", "p", "all", "2026-02", 71, "green"),
    score_row("persona", "p", "all", "2026-03", 60, "amber", -11, True),  # drop and a flip
]


def hand_built_index() -> ScoreIndex:
    table = pd.DataFrame(TABLE, columns=VIEW_COLUMNS)
    breakdown = pd.DataFrame(columns=["persona", *VIEW_COLUMNS])
    return ScoreIndex(Scores(table, breakdown, ("2026-01", "2026-02", "2026-03", "2026-05")))


def test_change_log_groups_each_month_against_the_month_before() -> None:
    log = change_log(hand_built_index())
    assert [(m.period, m.compared_with) for m in log] == [
        ("2026-03", "2026-02"),
        ("2026-02", "2026-01"),
    ]
    march, february = log

    def listed(changes: tuple[Any, ...]) -> list[tuple[str, str, str, str, str]]:
        return [(c.kind, c.level, c.id, c.dimension, c.delta_text) for c in changes]

    # New reds first, worst first (−30 before −22), then significant drops (−11, −8); the
    # persona's drop also flipped its status but counts once; touchpoint d has no February
    # row (the row before it is c's February: another series).
    assert listed(march.notable) == [
        ("new-red", "touchpoint", "e", "all", "\u221230.0"),
        ("new-red", "overall", "overall", "all", "\u221222.0"),
        ("drop", "persona", "p", "all", "\u221211.0"),
        ("drop", "touchpoint", "b", "trust", "\u22128.0"),
    ]
    assert listed(march.improved) == [("improved", "journey", "j", "all", "+15.0")]
    assert listed(march.flips) == [
        ("flip-worse", "department", "d", "all", "\u22122.0"),
        ("flip-better", "stage", "j/s", "all", "+3.0"),
    ]
    assert {c.compared_with for c in march.changes} == {"2026-02"}
    assert [(c.before.csv, c.now.csv) for c in march.notable[:1]] == [("66.00", "36.00")]
    assert listed(february.changes) == [("new-red", "touchpoint", "a", "all", "\u221215.0")]
    assert february.changes[0].compared_with == "2026-01"
    assert [m.period for m in change_log(hand_built_index(), periods=1)] == ["2026-03"]


def test_change_log_is_empty_without_two_consecutive_months() -> None:
    table = pd.DataFrame(
        [score_row("overall", "overall", "all", "2026-01", 50, "red"),
         score_row("overall", "overall", "all", "2026-03", 90, "green")],
        columns=VIEW_COLUMNS,
    )  # fmt: skip
    breakdown = pd.DataFrame(columns=["persona", *VIEW_COLUMNS])
    assert change_log(ScoreIndex(Scores(table, breakdown, ("2026-01", "2026-03")))) == []


def test_changes_print_one_decimal_with_a_real_minus_sign() -> None:
    assert (signed(-9.249), signed(1.26), signed(-0.04)) == ("\u22129.2", "+1.3", "±0.0")


def test_month_before_crosses_years() -> None:
    assert month_before("2026-03") == "2026-02"
    assert month_before("2026-01") == "2025-12"
