"""View data for templates: names, links, scores and charts, all decided here, not in Jinja."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from markupsafe import Markup

from cxsite.model import ALL, Journey, Touchpoint
from cxsite.project import Project
from cxsite.site import urls
from cxsite.site.charts import Chart, chart
from cxsite.site.insights import CHANGE_REASONS, Change, HandOffGroup, PeriodChanges, Positioned
from cxsite.site.scoreindex import ScoreIndex, ScoreView, signed

T = TypeVar("T")


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # from the site root; templates prefix it with `root`


@dataclass(frozen=True)
class Chip:
    """A score chip: which dimension, and the score (None: no data).

    `slot` ("level|id|dimension") names the place the chip stands for, so that the journey
    page's persona switch can show a persona's score for the same place.
    """

    dimension: str
    label: str
    score: ScoreView | None
    slot: str = ""


@dataclass(frozen=True)
class TouchpointCard:
    link: Link
    channel: str
    mode: str
    owner: Link
    chips: tuple[Chip, ...]
    playbooks: tuple[Link, ...]

    @property
    def overall(self) -> Chip:
        return self.chips[0]


@dataclass(frozen=True)
class StageView:
    id: str
    name: str
    phase: str
    chip: Chip
    touchpoints: tuple[TouchpointCard, ...]
    missing: str  # why the stage has no score, in words ("" when it has one)

    @property
    def score(self) -> ScoreView | None:
        return self.chip.score


@dataclass(frozen=True)
class ScorecardRow:
    """One dimension of a touchpoint scorecard."""

    dimension: str
    link: Link | None
    score: ScoreView | None
    target: str | None
    expectation: str  # the one the status was decided against, wherever it was set
    change: str  # "−9.2 vs 2026-09, significant"


@dataclass(frozen=True)
class LaneItem:
    """A touchpoint in a swimlane cell: owned or supported by the lane's department."""

    link: Link
    role: str  # "owns" or "supports"
    chip: Chip


@dataclass(frozen=True)
class LaneCell:
    items: tuple[LaneItem, ...]
    status: str  # the worst status of the touchpoints the department owns there; "" for none


@dataclass(frozen=True)
class Lane:
    """A department's swimlane: per stage, the touchpoints it owns or supports there."""

    department: Link
    cells: tuple[LaneCell, ...]


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

    @property
    def thresholds(self) -> tuple[tuple[str, float], ...]:
        """The status thresholds as chart lines: (label, value)."""
        return self.bars(None)

    def bars(self, score: ScoreView | None, series: str = "") -> tuple[tuple[str, float], ...]:
        """The lines a score's status is decided by, for a chart: its expectation and where
        red begins below it, else the green and amber thresholds."""
        settings = self.project.config.scoring
        prefix = f"{series}: " if series else ""
        if score is not None and score.expectation is not None:
            floor = score.expectation - settings.expectation_margin
            return (
                (f"{prefix}expected {score.expectation:g}", score.expectation),
                (f"{prefix}red below {floor:g}", floor),
            )
        levels = settings.thresholds
        return (
            (f"{prefix}green {levels.green:g}", levels.green),
            (f"{prefix}amber {levels.amber:g}", levels.amber),
        )

    def dimension_name(self, dimension: str) -> str:
        return "All" if dimension == ALL else self.project.dimensions[dimension].name


STATUS_RANK = {"green": 0, "amber": 1, "red": 2}


def chips(namer: Namer, index: ScoreIndex, level: str, item_id: str) -> tuple[Chip, ...]:
    """A chip for `all` and each dimension of an item in the latest period."""
    return tuple(
        Chip(
            dimension, label, index.get(level, item_id, dimension), f"{level}|{item_id}|{dimension}"
        )
        for dimension, label in [(ALL, "All"), *namer.dimensions]
    )


def touchpoint_card(namer: Namer, index: ScoreIndex, touchpoint: Touchpoint) -> TouchpointCard:
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
    )


def stage_views(namer: Namer, index: ScoreIndex, journey: Journey) -> tuple[StageView, ...]:
    project = namer.project
    min_n = project.config.scoring.rollup_min_n
    views = []
    for stage in journey.stages:
        stage_key = f"{journey.id}/{stage.id}"
        cards = tuple(
            touchpoint_card(namer, index, project.touchpoints[t]) for t in stage.touchpoints
        )
        chip = Chip(ALL, "Stage", index.get("stage", stage_key), f"stage|{stage_key}|{ALL}")
        missing = "" if chip.score else missing_reason([c.overall.score for c in cards], min_n)
        views.append(StageView(stage.id, stage.name, stage.phase, chip, cards, missing))
    return tuple(views)


def missing_reason(members: list[ScoreView | None], min_n: int, who: str = "") -> str:
    """Why a roll-up has no score this month, in words, from the scores of its members."""
    answers = f" from {who}" if who else ""
    if not members:
        return "No score: no touchpoint is listed in this stage."
    if all(score is None for score in members):
        return f"No score: no answers{answers} this month for its touchpoints."
    return (
        f"No score: each of its touchpoints has fewer than {min_n} answers{answers} "
        "this month, too few to roll up."
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


def swimlanes(namer: Namer, index: ScoreIndex, journey: Journey) -> tuple[Lane, ...]:
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
            items = []
            for touchpoint_id in stage.touchpoints:
                touchpoint = project.touchpoints[touchpoint_id]
                if touchpoint.owner == department:
                    role = "owns"
                elif department in touchpoint.supporting:
                    role = "supports"
                else:
                    continue
                score = index.get("touchpoint", touchpoint_id)
                chip = Chip(ALL, touchpoint.name, score, f"touchpoint|{touchpoint_id}|{ALL}")
                items.append(LaneItem(namer.link("touchpoint", touchpoint_id), role, chip))
            cells.append(LaneCell(tuple(items), worst_status(items)))
        lanes.append(Lane(namer.link("department", department), tuple(cells)))
    return tuple(lanes)


def worst_status(items: list[LaneItem]) -> str:
    """The worst status among the owned touchpoints of a cell ("" when none has a score)."""
    statuses = [i.chip.score.status for i in items if i.role == "owns" and i.chip.score]
    return max(statuses, key=STATUS_RANK.__getitem__, default="")


TREND_COLUMNS = (
    ("series", "Series"), ("period", "Month"), ("score", "Score"), ("low", "95% low"),
    ("high", "95% high"), ("n", "n"), ("status", "Status"), ("significant", "Significant change"),
)  # fmt: skip


def trend_chart(
    chart_id: str,
    caption: str,
    series: list[tuple[str, list[ScoreView]]],
    namer: Namer,
) -> Chart | None:
    """A line per series with its 95% interval as a band; significant changes marked; the
    lines the first series' latest status is decided by (named after it when there are
    several series)."""
    values = [
        {
            "series": name,
            "period": s.period,
            "score": round(s.value, 2),
            "low": None if s.ci_low is None else round(s.ci_low, 2),
            "high": None if s.ci_high is None else round(s.ci_high, 2),
            "n": int(s.n) if float(s.n).is_integer() else round(s.n, 2),
            "status": s.status,
            "significant": s.change_1_significant,
        }
        for name, points in series
        for s in points
    ]
    if not values:
        return None
    name, points = next((name, points) for name, points in series if points)
    thresholds = namer.bars(points[-1], name if len(series) > 1 else "")
    return chart(
        "trend",
        chart_id,
        caption,
        values,
        TREND_COLUMNS,
        summary=trend_summary(name, points),
        thresholds=thresholds,
    )


def trend_summary(name: str, points: list[ScoreView]) -> str:
    """The latest score of a series, its change and the month compared, its low and high."""
    latest = points[-1]
    text = f"{name}: {latest.text} ({latest.label.lower()}) in {latest.period}"
    if latest.change_1 is not None and len(points) > 1:
        text += f", {signed(latest.change_1)} vs {points[-2].period}"
        if latest.change_1_significant:
            text += " (significant)"
    if len(points) > 1:
        low = min(points, key=lambda s: (s.value, s.period))
        high = max(points, key=lambda s: (s.value, s.period))
        text += (
            f"; lowest {low.text} in {low.period}, highest {high.text} in {high.period}"
            f" over {len(points)} months"
        )
    return text + "."


CURVE_COLUMNS = (("stage", "Stage"), ("score", "Score"), ("status", "Status"))


def curve_values(stages: tuple[StageView, ...]) -> list[dict[str, object]]:
    return [
        {
            "stage": s.name,
            "score": round(s.score.value, 2),
            "status": s.score.status,
            "key": s.chip.slot,
        }
        for s in stages
        if s.score is not None
    ]


def curve_summary(stages: tuple[tuple[str, ScoreView | None], ...], who: str = "") -> str:
    """The weakest and strongest stage in words, and the stages without a score."""
    scored = [(name, score) for name, score in stages if score is not None]
    if not scored:
        return f"No stage has a score{' from ' + who if who else ''} this month."
    weakest = min(scored, key=lambda pair: pair[1].value)
    strongest = max(scored, key=lambda pair: pair[1].value)
    text = f"Weakest stage: {weakest[0]}, {weakest[1].text} ({weakest[1].label.lower()})"
    if len(scored) > 1:
        text += f"; strongest: {strongest[0]}, {strongest[1].text} ({strongest[1].label.lower()})"
    text += "."
    unscored = [name for name, score in stages if score is None]
    if unscored:
        text += f" No score{' from ' + who if who else ''}: {', '.join(unscored)}."
    return text


def curve_chart(
    chart_id: str,
    caption: str,
    stages: tuple[StageView, ...],
    thresholds: tuple[tuple[str, float], ...],
) -> Chart | None:
    values = curve_values(stages)
    if not values:
        return None
    summary = curve_summary(tuple((s.name, s.score) for s in stages))
    return chart(
        "curve", chart_id, caption, values, CURVE_COLUMNS, summary=summary, thresholds=thresholds
    )


def script_json(value: object) -> Markup:
    """JSON made safe to sit inside a <script type="application/json"> element."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a script element


def persona_scores(
    namer: Namer, index: ScoreIndex, journey: Journey, stages: tuple[StageView, ...]
) -> Markup | None:
    """Each persona's scores for every chip of a journey page, keyed by the chip's slot, with
    the page's sentences as that persona sees them: for the persona switch (`#persona=ID`).

    A score is [scores.csv value, status, text, reason (a position in `reasons`), n, low
    sample (0/1), 95% interval]: the parts of ScoreView.tooltip, which the page's script puts
    together the same way. A slot the persona has no score for holds the reason in words.
    """
    if not journey.personas:
        return None
    project = namer.project
    min_n = project.config.scoring.rollup_min_n
    slots = [f"journey|{journey.id}|{d}" for d, _ in [(ALL, "All"), *namer.dimensions]]
    for stage in stages:
        slots.append(stage.chip.slot)
        for card in stage.touchpoints:
            slots += [chip.slot for chip in card.chips]
    personas = {}
    reasons: dict[str, int] = {}  # each distinct reason once, scores refer to it by position
    for persona_id in journey.personas:
        who = namer.name("persona", persona_id)
        found: dict[str, object] = {}
        for slot in dict.fromkeys(slots):
            level, item_id, dimension = slot.split("|")
            score = index.get(f"persona:{persona_id}:{level}", item_id, dimension)
            if score is not None:
                reason = reasons.setdefault(score.reason, len(reasons))
                found[slot] = [
                    score.csv, score.status, score.text, reason, score.n_text,
                    int(score.low_sample), score.interval_text,
                ]  # fmt: skip
        stage_scores = []
        for stage in stages:
            score = index.get(f"persona:{persona_id}:stage", f"{journey.id}/{stage.id}")
            stage_scores.append((stage.name, score))
            if score is None:
                members = [
                    index.get(f"persona:{persona_id}:touchpoint", card.overall.slot.split("|")[1])
                    for card in stage.touchpoints
                ]
                found[stage.chip.slot] = missing_reason(members, min_n, who)
        curve = [
            {"stage": name, "score": round(score.value, 2), "status": score.status}
            for name, score in stage_scores
            if score is not None
        ]
        touchpoints = {card.overall.slot for stage in stages for card in stage.touchpoints}
        unscored = sum(1 for slot in touchpoints if not isinstance(found.get(slot), list))
        note = (
            f"Showing the journey as {who} experiences it."
            if not unscored
            else f"Showing the journey as {who} experiences it: {unscored} of "
            f"{len(touchpoints)} touchpoints have no answers from {who} this month."
        )
        personas[persona_id] = {
            "name": who,
            "scores": found,
            "curve": curve,
            "curve_summary": curve_summary(tuple(stage_scores), who),
            "note": note,
        }
    return script_json({"reasons": list(reasons), "personas": personas})


@dataclass(frozen=True)
class AttentionView:
    """A touchpoint that needs attention, ready to show: its flagged scores with the reason
    for each ("red", "−9.2 vs 2026-09, significant drop"), its owner and firing playbooks."""

    touchpoint: Link
    owner: Link
    flags: tuple[tuple[str, ScoreView, str], ...]  # (dimension name, score, reason)
    playbooks: tuple[Link, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a long table: its rows, where it lives and links to the other pages."""

    path: str
    number: int
    items: tuple[T, ...]
    pages: tuple[Link, ...]  # every page of the table, "1", "2", ...
    total: int
    start: int  # the position (from 1) of the page's first row in the whole table


def paginate(first: str, rest: str, items: Sequence[T], per_page: int) -> list[Page[T]]:
    """`items` in pages of `per_page`: the first at `first`, then `REST-2.html`, ... (always
    one page, even when empty). `rest` lies in lists/, where no item's own page can be."""
    chunks = [tuple(items[i : i + per_page]) for i in range(0, len(items), per_page)] or [()]
    paths = [first if n == 1 else f"{rest}-{n}.html" for n in range(1, len(chunks) + 1)]
    links = tuple(Link(str(n), path) for n, path in enumerate(paths, 1))
    return [
        Page(path, number, chunk, links, len(items), (number - 1) * per_page + 1)
        for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True), 1)
    ]


QUADRANT_COLUMNS = (
    ("name", "Touchpoint"), ("importance", "Importance"), ("score", "Score"),
    ("quadrant", "Quadrant"),
)  # fmt: skip
CHART_POINTS = 200  # at most this many touchpoints on the importance chart
LABELLED = 6  # of which at most this many carry a label: the worst of "Fix first", apart


def importance_chart(namer: Namer, placed: list[Positioned], green: float) -> Chart | None:
    """Importance against score, one point per touchpoint (the CHART_POINTS that matter most:
    "Fix first" first, then the lowest scores); the worst "Fix first" points are labelled."""
    if not placed:
        return None
    fix_first = [p for p in placed if p.quadrant == "Fix first"]
    shown = sorted(placed, key=lambda p: (p.quadrant != "Fix first", p.score.value, p.touchpoint))
    shown = shown[:CHART_POINTS]
    spread: dict[int, int] = {}
    for p in shown:  # points of one importance, spread across ±0.3 by their order
        spread[p.importance] = spread.get(p.importance, 0) + 1
    seen: dict[int, int] = {}
    position: dict[str, tuple[float, float]] = {}
    for p in sorted(shown, key=lambda p: (p.importance, p.score.value, p.touchpoint)):
        count = spread[p.importance]
        rank = seen[p.importance] = seen.get(p.importance, -1) + 1
        offset = 0.0 if count == 1 else -0.3 + 0.6 * rank / (count - 1)
        position[p.touchpoint] = (round(p.importance + offset, 3), p.score.value)
    labelled: list[str] = []
    for p in fix_first:  # worst first; a label only where it cannot overlap another
        x, y = position.get(p.touchpoint, (0.0, 0.0))
        if p.touchpoint in position and all(
            abs(x - position[q][0]) > 0.9 or abs(y - position[q][1]) > 3 for q in labelled
        ):
            labelled.append(p.touchpoint)
        if len(labelled) == LABELLED:
            break
    values = [
        {
            "name": namer.name("touchpoint", p.touchpoint),
            "importance": p.importance,
            "x": position[p.touchpoint][0],
            "score": round(p.score.value, 2),
            "quadrant": p.quadrant,
            "label": p.touchpoint in labelled,
        }
        for p in sorted(shown, key=lambda p: (p.importance, p.score.value, p.touchpoint))
    ]
    summary = (
        f"{len(fix_first)} of {len(placed)} touchpoints are important (4–5) and below the "
        f"green threshold {green:g}: fix those first."
    )
    if fix_first:
        worst = fix_first[0]
        summary += (
            f" The lowest is {namer.name('touchpoint', worst.touchpoint)}, {worst.score.text}."
        )
    if len(placed) > len(shown):
        summary += f" The chart shows the {len(shown)} that matter most; the lists below name more."
    return chart(
        "quadrants",
        "chart-quadrants",
        "Importance against score for every touchpoint (latest month)",
        values,
        QUADRANT_COLUMNS,
        summary=summary,
        thresholds=namer.thresholds,
    )


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
