"""View data for templates: names, links, scores and charts, all decided here, not in Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field

from cxsite.model import ALL, Journey, Touchpoint
from cxsite.project import Project
from cxsite.site import urls
from cxsite.site.charts import Chart, chart
from cxsite.site.insights import CHANGE_REASONS, Change, HandOffGroup, PeriodChanges
from cxsite.site.scoreindex import ScoreIndex, ScoreView


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # from the site root; templates prefix it with `root`


@dataclass(frozen=True)
class Chip:
    """A score chip: which dimension, and the score (None: no data)."""

    dimension: str
    label: str
    score: ScoreView | None


@dataclass(frozen=True)
class TouchpointCard:
    link: Link
    channel: str
    mode: str
    owner: Link
    chips: tuple[Chip, ...]
    playbooks: tuple[Link, ...]
    persona_chips: dict[str, tuple[Chip, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StageView:
    id: str
    name: str
    phase: str
    score: ScoreView | None
    touchpoints: tuple[TouchpointCard, ...]
    persona_scores: dict[str, ScoreView | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ScorecardRow:
    """One dimension of a touchpoint scorecard."""

    dimension: str
    link: Link | None
    score: ScoreView | None
    target: str | None
    expectation: float | None


@dataclass(frozen=True)
class Lane:
    """A department's swimlane: per stage, the touchpoints it owns or supports there."""

    department: Link
    cells: tuple[tuple[tuple[Link, str], ...], ...]  # per stage: (touchpoint, "owns"/"supports")


class Namer:
    """Names and links of every item, and the project's dimensions in order."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.dimensions = [(d.id, d.name) for d in project.dimensions.values()]

    def link(self, kind: str, item_id: str) -> Link:
        return Link(self.name(kind, item_id), urls.page_path(kind, item_id))

    def name(self, kind: str, item_id: str) -> str:
        project = self.project
        if kind == "stage":
            journey_id, stage_id = item_id.split("/")
            journey = project.journeys[journey_id]
            stage = next(s for s in journey.stages if s.id == stage_id)
            return f"{journey.name}: {stage.name}"
        tables = {
            "journey": project.journeys,
            "touchpoint": project.touchpoints,
            "department": project.departments,
            "persona": project.personas,
            "dimension": project.dimensions,
        }
        if kind == "overall":
            return "All journeys"
        if kind == "playbook":
            return project.playbooks[item_id].meta.title
        if kind == "page":
            return project.pages[item_id].title
        if kind == "dimension" and item_id == ALL:
            return "All dimensions"
        return str(getattr(tables[kind][item_id], "name", item_id))

    def dimension_name(self, dimension: str) -> str:
        return "All" if dimension == ALL else self.project.dimensions[dimension].name


def chips(
    namer: Namer, index: ScoreIndex, level: str, item_id: str, persona: str | None = None
) -> tuple[Chip, ...]:
    """A chip for `all` and each dimension of an item in the latest period."""
    result = []
    for dimension, label in [(ALL, "All"), *namer.dimensions]:
        if persona is None:
            score = index.get(level, item_id, dimension)
        else:
            score = index.get(f"persona:{persona}:{level}", item_id, dimension)
        result.append(Chip(dimension, label, score))
    return tuple(result)


def touchpoint_card(
    namer: Namer, index: ScoreIndex, touchpoint: Touchpoint, personas: tuple[str, ...] = ()
) -> TouchpointCard:
    project = namer.project
    playbooks = tuple(
        namer.link("playbook", p.id)
        for p in project.playbooks.values()
        if touchpoint.id in p.meta.touchpoints and p.meta.status != "retired"
    )
    return TouchpointCard(
        link=namer.link("touchpoint", touchpoint.id),
        channel=touchpoint.channel,
        mode=touchpoint.mode,
        owner=namer.link("department", touchpoint.owner),
        chips=chips(namer, index, "touchpoint", touchpoint.id),
        playbooks=playbooks,
        persona_chips={p: chips(namer, index, "touchpoint", touchpoint.id, p) for p in personas},
    )


def stage_views(namer: Namer, index: ScoreIndex, journey: Journey) -> tuple[StageView, ...]:
    project = namer.project
    return tuple(
        StageView(
            id=stage.id,
            name=stage.name,
            phase=stage.phase,
            score=index.get("stage", f"{journey.id}/{stage.id}"),
            touchpoints=tuple(
                touchpoint_card(namer, index, project.touchpoints[t], journey.personas)
                for t in stage.touchpoints
            ),
            persona_scores={
                p: index.get(f"persona:{p}:stage", f"{journey.id}/{stage.id}")
                for p in journey.personas
            },
        )
        for stage in journey.stages
    )


def phases(stages: tuple[StageView, ...]) -> tuple[tuple[str, tuple[StageView, ...]], ...]:
    """Consecutive stages grouped by phase, in journey order."""
    groups: list[tuple[str, list[StageView]]] = []
    for stage in stages:
        label = "Pre-sale" if stage.phase == "pre-sale" else "Post-sale"
        if groups and groups[-1][0] == label:
            groups[-1][1].append(stage)
        else:
            groups.append((label, [stage]))
    return tuple((label, tuple(members)) for label, members in groups)


def swimlanes(namer: Namer, journey: Journey) -> tuple[Lane, ...]:
    """One lane per department involved in the journey, owners first in order of appearance."""
    project = namer.project
    order: list[str] = []
    for stage in journey.stages:
        for touchpoint_id in stage.touchpoints:
            touchpoint = project.touchpoints[touchpoint_id]
            for department in (touchpoint.owner, *touchpoint.supporting):
                if department not in order:
                    order.append(department)
    lanes = []
    for department in order:
        cells = []
        for stage in journey.stages:
            cell = []
            for touchpoint_id in stage.touchpoints:
                touchpoint = project.touchpoints[touchpoint_id]
                if touchpoint.owner == department:
                    cell.append((namer.link("touchpoint", touchpoint_id), "owns"))
                elif department in touchpoint.supporting:
                    cell.append((namer.link("touchpoint", touchpoint_id), "supports"))
            cells.append(tuple(cell))
        lanes.append(Lane(namer.link("department", department), tuple(cells)))
    return tuple(lanes)


TREND_COLUMNS = (
    ("series", "Series"), ("period", "Month"), ("score", "Score"), ("low", "95% low"),
    ("high", "95% high"), ("n", "n"), ("status", "Status"), ("significant", "Significant change"),
)  # fmt: skip


def trend_chart(
    chart_id: str, caption: str, series: list[tuple[str, list[ScoreView]]]
) -> Chart | None:
    """A line per series with its 95% interval as a band; significant changes marked."""
    values = [
        {
            "series": name,
            "period": s.period,
            "score": round(s.value, 2),
            "low": None if s.ci_low is None else round(s.ci_low, 2),
            "high": None if s.ci_high is None else round(s.ci_high, 2),
            "n": s.n,
            "status": s.status,
            "significant": s.change_1_significant,
        }
        for name, points in series
        for s in points
    ]
    if not values:
        return None
    return chart("trend", chart_id, caption, values, TREND_COLUMNS)


def curve_chart(chart_id: str, caption: str, stages: tuple[StageView, ...]) -> Chart | None:
    values = [
        {"stage": s.name, "score": round(s.score.value, 2), "status": s.score.status}
        for s in stages
        if s.score is not None
    ]
    if not values:
        return None
    columns = (("stage", "Stage"), ("score", "Score"), ("status", "Status"))
    return chart("curve", chart_id, caption, values, columns)


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
