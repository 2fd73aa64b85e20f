"""View data for templates: names, links, score chips, journey stages and swimlanes, and
pages of long tables, all decided here, not in Jinja. Charts are in chart_views, the
journey's persona switch in persona_switch, hand-offs and changes in change_views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cxsite.keys import ItemId, Level, StageKey
from cxsite.model import ALL, Journey, Project, Touchpoint
from cxsite.site import urls
from cxsite.site.scoreindex import ScoreIndex, ScoreView

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
        # The playbooks in use on each touchpoint, in the project's order (found once).
        self.playbooks_on: dict[str, list[str]] = {}
        for playbook in project.playbooks.values():
            if playbook.meta.status != "retired":
                for touchpoint in dict.fromkeys(playbook.meta.touchpoints):
                    self.playbooks_on.setdefault(touchpoint, []).append(playbook.id)

    def link(self, kind: str, item_id: str) -> Link:
        return Link(self.name(kind, item_id), urls.page_path(kind, item_id))

    def name(self, kind: str, item_id: str) -> str:
        project = self.project
        if kind == "stage":
            key = StageKey.parse(item_id)
            journey = project.journeys[key.journey]
            stage = next(s for s in journey.stages if s.id == key.stage)
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


def chips(namer: Namer, index: ScoreIndex, level: Level, item_id: ItemId) -> tuple[Chip, ...]:
    """A chip for `all` and each dimension of an item in the latest period."""
    return tuple(
        Chip(
            dimension, label, index.get(level, item_id, dimension), f"{level}|{item_id}|{dimension}"
        )
        for dimension, label in [(ALL, "All"), *namer.dimensions]
    )


def touchpoint_card(namer: Namer, index: ScoreIndex, touchpoint: Touchpoint) -> TouchpointCard:
    playbooks = tuple(namer.link("playbook", p) for p in namer.playbooks_on.get(touchpoint.id, ()))
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
        stage_key = StageKey.of(journey, stage)
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
