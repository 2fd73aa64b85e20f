"""The executive's brief and the reasons behind each colour, with numbers worked by hand."""

from __future__ import annotations

from pathlib import Path

from scoring_support import long_csv, scored_project

from cxsite.site.brief import FIRST_SCREEN, AttentionRow, Brief, Flag, make_brief
from cxsite.site.insights import firing_triggers
from cxsite.site.scoreindex import ScoreIndex, ScoreView, StatusRule, status_rule

PERCENT = "  - {path: data/measurements/p.csv, layout: long, kind: percent}\n"


def brief_project(root: Path) -> tuple[Brief, ScoreIndex]:
    """bill-statement trust 50 in 2025-12 (expectations: trust 80, all 75): red twice;
    support-call quality 90 → 78 (sd 2, 40 answers a month): a significant drop, green
    both months (no expectation: 78 ≥ 75), and its `all` (quality only) drops alike;
    app-login quality 70: amber, one month only, so no change."""
    rows = [("bill-statement", "trust", "2025-12", 50)] * 40
    rows += [("support-call", "quality", "2025-11", v) for v in (88, 92) * 20]
    rows += [("support-call", "quality", "2025-12", v) for v in (76, 80) * 20]
    rows += [("app-login", "quality", "2025-12", 70)] * 40
    analysis = scored_project(root, PERCENT, {"p.csv": long_csv(rows)})
    assert analysis.scores is not None and analysis.project is not None
    project = analysis.project
    index = ScoreIndex(analysis.scores, status_rule(project))
    firing = [f for p in project.playbooks.values() for f in firing_triggers(project, index, p)]
    return make_brief(project, index, firing), index


def test_the_brief_counts_red_scores_drops_owners_and_firing_playbooks(tmp_path: Path) -> None:
    brief, _ = brief_project(tmp_path)
    assert (brief.period, brief.previous) == ("2025-12", "2025-11")
    assert brief.red_scores == 2  # bill-statement trust and all
    assert brief.drops == 2  # support-call quality and all
    assert [row.touchpoint for row in brief.rows] == ["bill-statement", "support-call"]
    assert brief.red_touchpoints == 1
    assert brief.owners == ("billing", "customer-service")
    assert brief.firing == ("billing-trust",)  # trigger below 60 on bill-statement trust
    bill, call = brief.rows
    assert [(f.dimension, f.red, f.drop) for f in bill.flags] == [
        ("all", True, False),
        ("trust", True, False),
    ]
    assert bill.playbooks == ("billing-trust",) and call.playbooks == ()
    assert [(f.dimension, f.red, f.drop) for f in call.flags] == [
        ("all", False, True),
        ("quality", False, True),
    ]
    assert round(call.worst, 6) == -12.0  # 78 − 90
    assert brief.headline == (
        "In 2025-12, 2 scores are red at 1 touchpoint and 2 scores dropped significantly "
        "since 2025-11, owned by 2 departments; 1 playbook is firing."
    )


def test_each_status_says_why(tmp_path: Path) -> None:
    _, index = brief_project(tmp_path)
    trust = index.get("touchpoint", "bill-statement", "trust")
    assert trust is not None and (trust.status, trust.expectation) == ("red", 80)
    assert trust.reason == "more than 10 below expectation 80 (set on this touchpoint)"
    quality = index.get("touchpoint", "app-login", "quality")
    assert quality is not None and quality.status == "amber"
    assert quality.reason == "below the green threshold 75"
    assert quality.tooltip.startswith("70.00 amber: below the green threshold 75 · n = 40")


def test_status_reasons_name_the_threshold_or_expectation_applied() -> None:
    rule = StatusRule(green=75, amber=60, margin=10)
    assert rule.reason("green", None, "journey") == "at or above the green threshold 75"
    assert rule.reason("amber", None, "stage") == "below the green threshold 75"
    assert rule.reason("red", None, "touchpoint") == "below the amber threshold 60"
    assert rule.reason("green", 85, "touchpoint") == "meets expectation 85 (set on this touchpoint)"
    assert rule.reason("amber", 85, "touchpoint") == (
        "below expectation 85 (set on this touchpoint)"
    )
    assert rule.reason("amber", 80, "persona") == "below expectation 80 (set on this persona)"
    assert rule.reason("red", 85, "persona:student:touchpoint") == (
        "more than 10 below expectation 85 (set on this touchpoint)"
    )


def view(score: float, change: float | None = None) -> ScoreView:
    return ScoreView(
        "touchpoint", "x", "all", "2026-10", score, f"{score:.2f}", 40, "red", False, None,
        None, change, change is not None, None, None, None, None, None, False, None, None,
    )  # fmt: skip


def test_the_first_screen_names_the_eight_worst_and_counts_the_rest() -> None:
    rows = tuple(
        AttentionRow(f"t{i}", "d", (Flag("all", view(50 - i), True, False),), ())
        for i in range(FIRST_SCREEN + 3)
    )
    brief = Brief("2026-10", "2026-09", None, len(rows), 0, rows, ())
    assert len(brief.first_screen) == 8 and brief.more == 3
    assert brief.owners == ("d",)
    assert brief.headline == (
        "In 2026-10, 11 scores are red at 11 touchpoints, owned by 1 department; "
        "0 playbooks are firing."
    )
    quiet = Brief("2026-10", "2026-09", None, 0, 0, (), ())
    assert (
        quiet.headline == "In 2026-10 no score is red and none dropped significantly since 2026-09."
    )
