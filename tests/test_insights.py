"""Hand-off groups, on a small project whose answers are worked out by hand here, and on the
example project read from its YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, write_project
from scoring_support import long_csv

from cxsite.build import analyse
from cxsite.site.insights import hand_off_groups, hand_offs_in_journey, hand_offs_of_department
from cxsite.site.scoreindex import ScoreIndex

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
