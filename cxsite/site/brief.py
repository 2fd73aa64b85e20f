"""The executive's brief: what is red or dropping in the latest month, at which touchpoints,
whose they are and which playbooks fire. Pure functions of the project and its scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cxsite.model import ALL, Project
from cxsite.site.insights import Firing
from cxsite.site.scoreindex import ScoreIndex, ScoreView

FIRST_SCREEN = 8  # touchpoints named on the home page's first screen


@dataclass(frozen=True)
class Flag:
    """One score of a touchpoint that needs attention: red now, a significant drop, or both."""

    dimension: str
    score: ScoreView
    red: bool
    drop: bool


@dataclass(frozen=True)
class AttentionRow:
    """A touchpoint that needs attention: its flagged scores (worst first), owner, playbooks."""

    touchpoint: str
    owner: str
    flags: tuple[Flag, ...]
    playbooks: tuple[str, ...]  # active playbooks firing on it now

    @property
    def red(self) -> bool:
        return any(flag.red for flag in self.flags)

    @property
    def worst(self) -> float:
        """The lowest red score; for a row with drops only, the largest drop (negative)."""
        reds = [flag.score.value for flag in self.flags if flag.red]
        if reds:
            return min(reds)
        return min(flag.score.change_1 or 0.0 for flag in self.flags)


@dataclass(frozen=True)
class Brief:
    """The counts of the headline and every touchpoint that needs attention, worst first."""

    period: str | None
    previous: str | None
    overall: ScoreView | None
    red_scores: int
    drops: int
    rows: tuple[AttentionRow, ...]
    firing: tuple[str, ...]  # ids of the playbooks firing now

    @property
    def red_touchpoints(self) -> int:
        return sum(row.red for row in self.rows)

    @property
    def owners(self) -> tuple[str, ...]:
        """The departments owning a touchpoint that needs attention, in order of the rows."""
        return tuple(dict.fromkeys(row.owner for row in self.rows))

    @property
    def first_screen(self) -> tuple[AttentionRow, ...]:
        return self.rows[:FIRST_SCREEN]

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - FIRST_SCREEN)

    @property
    def headline(self) -> str:
        """One sentence with the counts an executive asks for first."""
        if self.period is None:
            return "No scores yet: add measurements to see what needs attention."
        since = f" since {self.previous}" if self.previous else ""
        if not self.rows:
            return f"In {self.period} no score is red and none dropped significantly{since}."
        parts = []
        if self.red_scores:
            parts.append(
                f"{plural(self.red_scores, 'score')} {'is' if self.red_scores == 1 else 'are'} "
                f"red at {plural(self.red_touchpoints, 'touchpoint')}"
            )
        if self.drops:
            parts.append(f"{plural(self.drops, 'score')} dropped significantly{since}")
        owners = len(self.owners)
        firing = len(self.firing)
        return (
            f"In {self.period}, {' and '.join(parts)}, owned by "
            f"{plural(owners, 'department')}; {plural(firing, 'playbook')} "
            f"{'is' if firing == 1 else 'are'} firing."
        )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def make_brief(project: Project, index: ScoreIndex, firing: Iterable[Firing]) -> Brief:
    """Red touchpoint scores and significant drops of the latest month, one row per touchpoint.

    Rows with a red score come first, lowest red score first; then rows with drops only,
    largest drop first. Within a row, red flags come first, lowest score first.
    """
    firing_on: dict[str, list[str]] = {}
    for fired in firing:
        playbooks = firing_on.setdefault(fired.touchpoint, [])
        if fired.playbook.id not in playbooks:
            playbooks.append(fired.playbook.id)
    rows = []
    red_scores = drops = 0
    for touchpoint in project.touchpoints.values():
        flags = []
        for dimension in (ALL, *project.dimensions):
            score = index.get("touchpoint", touchpoint.id, dimension)
            if score is None:
                continue
            red = score.status == "red"
            drop = bool(
                score.change_1 is not None and score.change_1 < 0 and score.change_1_significant
            )
            red_scores += red
            drops += drop
            if red or drop:
                flags.append(Flag(dimension, score, red, drop))
        if flags:
            flags.sort(key=lambda f: (not f.red, f.score.value if f.red else f.score.change_1))
            rows.append(
                AttentionRow(
                    touchpoint.id,
                    touchpoint.owner,
                    tuple(flags),
                    tuple(sorted(firing_on.get(touchpoint.id, ()))),
                )
            )
    rows.sort(key=lambda row: (not row.red, row.worst, row.touchpoint))
    firing_ids = tuple(sorted({playbook for ids in firing_on.values() for playbook in ids}))
    return Brief(
        index.latest,
        index.previous,
        index.get("overall", "overall"),
        red_scores,
        drops,
        tuple(rows),
        firing_ids,
    )
