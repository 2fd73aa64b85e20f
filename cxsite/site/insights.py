"""What the scores mean for people: firing playbooks, what needs attention, blind spots,
importance–performance quadrants, hand-offs and what changed month by month. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, get_args

from cxsite.model import ALL, Playbook, Project
from cxsite.site.scoreindex import ScoreIndex, ScoreView, month_before, signed

STATUS_RANK = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Firing:
    """A playbook trigger met in the latest period by one touchpoint on one dimension."""

    playbook: Playbook
    touchpoint: str
    dimension: str
    score: ScoreView


def firing_triggers(project: Project, index: ScoreIndex, playbook: Playbook) -> list[Firing]:
    """Where the playbook's trigger is met now: any of its touchpoints, on any of its
    dimensions (or `all` when none are listed), in the latest period."""
    if playbook.meta.status != "active":  # drafts and retired playbooks never fire
        return []
    trigger = playbook.meta.trigger
    dimensions = playbook.meta.dimensions or (ALL,)
    fired = []
    for touchpoint in playbook.meta.touchpoints:
        for dimension in dimensions:
            score = index.get("touchpoint", touchpoint, dimension)
            if score is None:
                continue
            if trigger.below is not None:
                met = score.value < trigger.below
            else:
                met = STATUS_RANK[score.status] >= STATUS_RANK[str(trigger.status)]
            if met:
                fired.append(Firing(playbook, touchpoint, dimension, score))
    return fired


def playbooks_for(project: Project, touchpoint: str) -> list[Playbook]:
    """The playbooks that cover a touchpoint, retired ones last."""
    covering = [p for p in project.playbooks.values() if touchpoint in p.meta.touchpoints]
    return sorted(covering, key=lambda p: (p.meta.status == "retired", p.meta.title))


@dataclass(frozen=True)
class Attention:
    """A touchpoint that needs attention now, and why."""

    touchpoint: str
    dimension: str
    score: ScoreView
    reason: str  # "red" or "drop"
    owner: str
    playbooks: tuple[str, ...]  # ids of the active playbooks covering it


def needs_attention(project: Project, index: ScoreIndex) -> list[Attention]:
    """Red touchpoint scores and significant drops in the latest period, worst first."""
    found: list[Attention] = []
    for touchpoint in project.touchpoints.values():
        for dimension in (ALL, *project.dimensions):
            score = index.get("touchpoint", touchpoint.id, dimension)
            if score is None:
                continue
            drop = score.change_1 is not None and score.change_1 < 0 and score.change_1_significant
            if score.status != "red" and not drop:
                continue
            active = tuple(
                p.id for p in playbooks_for(project, touchpoint.id) if p.meta.status == "active"
            )
            found.append(
                Attention(
                    touchpoint.id,
                    dimension,
                    score,
                    "red" if score.status == "red" else "drop",
                    touchpoint.owner,
                    active,
                )
            )
    return sorted(
        found, key=lambda a: (a.reason != "red", a.score.value, a.touchpoint, a.dimension)
    )


def blind_spots(project: Project, index: ScoreIndex) -> list[ScoreView]:
    """Where the company rates itself well above what customers say, the widest gap first."""
    spots = [
        score
        for touchpoint in project.touchpoints
        for dimension in project.dimensions
        if (score := index.get("touchpoint", touchpoint, dimension)) is not None
        and score.blind_spot
    ]
    return sorted(spots, key=lambda s: (s.perception_gap or 0, s.id, s.dimension))


QUADRANTS = {
    (True, False): "Fix first",
    (True, True): "Keep up",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}


@dataclass(frozen=True)
class Positioned:
    """A touchpoint on the importance–performance grid."""

    touchpoint: str
    importance: int
    score: ScoreView
    quadrant: str


def importance_performance(project: Project, index: ScoreIndex, green: float) -> list[Positioned]:
    """Each touchpoint's quadrant: important (4–5) or not, performing (≥ green) or not."""
    placed = []
    for touchpoint in project.touchpoints.values():
        score = index.get("touchpoint", touchpoint.id, ALL)
        if score is None:
            continue
        key = (touchpoint.importance >= 4, score.value >= green)
        placed.append(Positioned(touchpoint.id, touchpoint.importance, score, QUADRANTS[key]))
    order = list(QUADRANTS.values())
    return sorted(placed, key=lambda p: (order.index(p.quadrant), p.score.value, p.touchpoint))


@dataclass(frozen=True)
class ScoredTouchpoint:
    """A touchpoint and its latest `all` score (None: no data)."""

    touchpoint: str
    score: ScoreView | None


@dataclass(frozen=True)
class HandOffGroup:
    """Customers pass from one department to another between two consecutive stages."""

    journey: str
    from_stage: str
    to_stage: str
    from_department: str
    to_department: str
    from_touchpoints: tuple[ScoredTouchpoint, ...]  # its touchpoints in from_stage, worst first
    to_touchpoints: tuple[ScoredTouchpoint, ...]  # its touchpoints in to_stage, worst first
    worst: ScoreView | None  # the lowest score of all these touchpoints


def worst_first(score: ScoreView | None, tie: str) -> tuple[bool, float, str]:
    """A sort key: lowest score first, no score last, then `tie`."""
    return (score is None, 0.0 if score is None else score.value, tie)


def hand_off_groups(project: Project, index: ScoreIndex) -> list[HandOffGroup]:
    """One group per journey, stage boundary and pair of different departments owning a
    touchpoint on either side; boundaries in journey order, the worst group first in each."""
    groups: list[HandOffGroup] = []
    for journey in project.journeys.values():
        for before, after in pairwise(journey.stages):
            owners_before = _owned_by(project, index, before.touchpoints)
            owners_after = _owned_by(project, index, after.touchpoints)
            found = [
                HandOffGroup(
                    journey.id,
                    before.id,
                    after.id,
                    from_department,
                    to_department,
                    left,
                    right,
                    min((t.score for t in (*left, *right)), key=lambda s: worst_first(s, "")),
                )
                for from_department, left in owners_before.items()
                for to_department, right in owners_after.items()
                if from_department != to_department
            ]
            groups.extend(
                sorted(
                    found,
                    key=lambda g: (worst_first(g.worst, g.from_department), g.to_department),
                )
            )
    return groups


def _owned_by(
    project: Project, index: ScoreIndex, touchpoints: tuple[str, ...]
) -> dict[str, tuple[ScoredTouchpoint, ...]]:
    """A stage's touchpoints by owning department (in order of first owner), worst first."""
    owned: dict[str, list[ScoredTouchpoint]] = {}
    for touchpoint in touchpoints:
        scored = ScoredTouchpoint(touchpoint, index.get("touchpoint", touchpoint, ALL))
        owned.setdefault(project.touchpoints[touchpoint].owner, []).append(scored)
    return {
        department: tuple(sorted(members, key=lambda t: worst_first(t.score, t.touchpoint)))
        for department, members in owned.items()
    }


def hand_offs_in_journey(groups: list[HandOffGroup], journey: str) -> list[HandOffGroup]:
    """The groups of one journey, in order."""
    return [g for g in groups if g.journey == journey]


def hand_offs_of_department(groups: list[HandOffGroup], department: str) -> list[HandOffGroup]:
    """The groups a department is on either side of, in order."""
    return [g for g in groups if department in (g.from_department, g.to_department)]


ChangeKind = Literal["new-red", "drop", "improved", "flip-worse", "flip-better"]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
# Why a change is listed, in words; in the order changes are listed.
CHANGE_REASONS: dict[ChangeKind, str] = {
    "new-red": "new red",
    "drop": "significant drop",
    "improved": "significant improvement",
    "flip-worse": "status worse",
    "flip-better": "status better",
}
CHANGE_LEVELS = ("overall", "journey", "stage", "department", "touchpoint", "persona")


@dataclass(frozen=True)
class Change:
    """A score whose status flipped or that moved significantly from the month before."""

    kind: ChangeKind
    before: ScoreView  # in the month compared with
    now: ScoreView

    @property
    def level(self) -> str:
        return self.now.level

    @property
    def id(self) -> str:
        return self.now.id

    @property
    def dimension(self) -> str:
        return self.now.dimension

    @property
    def compared_with(self) -> str:
        return self.before.period

    @property
    def delta(self) -> float:
        """now − before."""
        return self.now.value - self.before.value

    @property
    def delta_csv(self) -> str:
        """The change with 2 decimals, as in a CSV file."""
        return f"{self.delta:.2f}"

    @property
    def delta_text(self) -> str:
        """The change with 1 decimal (rounded from delta_csv) and a real minus: "−9.2"."""
        return signed(self.delta)


@dataclass(frozen=True)
class PeriodChanges:
    """What changed in one month compared with the month before it."""

    period: str
    compared_with: str
    notable: tuple[Change, ...]  # new reds, then significant drops, each worst first
    improved: tuple[Change, ...]  # significant flips to a better status, largest first
    flips: tuple[Change, ...]  # other flips: worse ones first, then better ones

    @property
    def changes(self) -> tuple[Change, ...]:
        return (*self.notable, *self.improved, *self.flips)


def change_log(index: ScoreIndex, periods: int = 6) -> list[PeriodChanges]:
    """The changes of the newest `periods` months that have data for the month before them,
    newest first; at every level but the persona breakdowns."""
    available = set(index.periods)
    compared = [
        (period, earlier)
        for period in reversed(index.periods)
        if (earlier := month_before(period)) in available
    ]
    return [_period_changes(index, period, earlier) for period, earlier in compared[:periods]]


def change_kind(before: ScoreView, now: ScoreView) -> ChangeKind | None:
    """Why a score counts as changed (once: the first reason that applies), or None.

    new-red: red now, not before; drop: change_1 < 0 and significant; improved: a better
    status and a significant change; flip-worse, flip-better: any other change of status.
    """
    if now.status == "red" and before.status != "red":
        return "new-red"
    if now.change_1 is not None and now.change_1 < 0 and now.change_1_significant:
        return "drop"
    rank_now, rank_before = STATUS_RANK[now.status], STATUS_RANK[before.status]
    if rank_now < rank_before:
        return "improved" if now.change_1_significant else "flip-better"
    if rank_now > rank_before:
        return "flip-worse"
    return None


def _period_changes(index: ScoreIndex, period: str, compared: str) -> PeriodChanges:
    changes = [
        Change(kind, before, now)
        for before, now in index.changed(period, compared)
        if now.level in CHANGE_LEVELS and (kind := change_kind(before, now)) is not None
    ]
    changes.sort(key=_change_order)
    return PeriodChanges(
        period,
        compared,
        tuple(c for c in changes if c.kind in ("new-red", "drop")),
        tuple(c for c in changes if c.kind == "improved"),
        tuple(c for c in changes if c.kind in ("flip-worse", "flip-better")),
    )


def _change_order(change: Change) -> tuple[int, float, int, str, str]:
    """By kind, then the worst (or, for better statuses, the largest) change first."""
    better = change.kind in ("improved", "flip-better")
    return (
        CHANGE_KINDS.index(change.kind),
        -change.delta if better else change.delta,
        CHANGE_LEVELS.index(change.level),
        change.id,
        change.dimension,
    )
