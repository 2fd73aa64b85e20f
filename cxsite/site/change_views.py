"""Hand-offs between departments and changes by month as view data: names and links for the
groups that cxsite.site.insights finds."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.site.insights import CHANGE_REASONS, Change, HandOffGroup, PeriodChanges
from cxsite.site.scoreindex import ScoreView
from cxsite.site.views import Link, Namer


@dataclass(frozen=True)
class ScoredLink:
    """A touchpoint and its latest `all` score (None: no data)."""

    link: Link
    score: ScoreView | None


@dataclass(frozen=True)
class HandOffView:
    """A hand-off group as a row: the stage boundary, and each side's department and
    touchpoints (worst first)."""

    journey: Link
    from_stage: str
    to_stage: str
    from_department: Link
    from_touchpoints: tuple[ScoredLink, ...]
    to_department: Link
    to_touchpoints: tuple[ScoredLink, ...]
    worst: ScoreView | None


def hand_off_views(namer: Namer, groups: list[HandOffGroup]) -> tuple[HandOffView, ...]:
    """The groups with names and links, in the order given."""
    project = namer.project

    def stage_name(journey: str, stage: str) -> str:
        return next(s.name for s in project.journeys[journey].stages if s.id == stage)

    return tuple(
        HandOffView(
            journey=namer.link("journey", g.journey),
            from_stage=stage_name(g.journey, g.from_stage),
            to_stage=stage_name(g.journey, g.to_stage),
            from_department=namer.link("department", g.from_department),
            from_touchpoints=tuple(
                ScoredLink(namer.link("touchpoint", t.touchpoint), t.score)
                for t in g.from_touchpoints
            ),
            to_department=namer.link("department", g.to_department),
            to_touchpoints=tuple(
                ScoredLink(namer.link("touchpoint", t.touchpoint), t.score)
                for t in g.to_touchpoints
            ),
            worst=g.worst,
        )
        for g in groups
    )


@dataclass(frozen=True)
class ChangeRow:
    """A change as listed: what changed (linked), at which level, on which dimension, why."""

    link: Link
    level: str
    dimension: str
    reason: str
    change: Change


@dataclass(frozen=True)
class ChangeSection:
    """One month of the changes page; `*_more` counts what is only in changes.csv."""

    period: str
    compared_with: str
    notable: tuple[ChangeRow, ...]
    notable_more: int
    improved: tuple[ChangeRow, ...]
    improved_more: int
    flips: tuple[ChangeRow, ...]
    flips_count: int
    flips_more: int


def change_row(namer: Namer, change: Change) -> ChangeRow:
    return ChangeRow(
        namer.link(change.level, change.id),
        change.level,
        namer.dimension_name(change.dimension),
        CHANGE_REASONS[change.kind],
        change,
    )


def change_section(
    namer: Namer, changes: PeriodChanges, notable: int, improved: int, flips: int
) -> ChangeSection:
    """A month of changes listing at most `notable`, `improved` and `flips` of each kind."""

    def listed(found: tuple[Change, ...], limit: int) -> tuple[ChangeRow, ...]:
        return tuple(change_row(namer, c) for c in found[:limit])

    return ChangeSection(
        period=changes.period,
        compared_with=changes.compared_with,
        notable=listed(changes.notable, notable),
        notable_more=max(0, len(changes.notable) - notable),
        improved=listed(changes.improved, improved),
        improved_more=max(0, len(changes.improved) - improved),
        flips=listed(changes.flips, flips),
        flips_count=len(changes.flips),
        flips_more=max(0, len(changes.flips) - flips),
    )
