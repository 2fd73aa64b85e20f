"""What every page family shares: the project, its score index, names and links, hand-offs,
firing triggers and the brief, made once per build; and the orderings pages agree on."""

from __future__ import annotations

from cxsite.cache import Memo, NoMemo
from cxsite.model import Project
from cxsite.site import insights
from cxsite.site.brief import AttentionRow, make_brief
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.pages.spec import HAND_OFFS
from cxsite.site.scoreindex import ScoreIndex, ScoreView, month_before, signed
from cxsite.site.views import STATUS_RANK, AttentionView, Link, Namer, TouchpointCard


class Site:
    """The lookups every page shares; page families read it and never change it."""

    def __init__(
        self,
        project: Project,
        index: ScoreIndex,
        directive_renderer: DirectiveRenderer,
        memo: Memo | None = None,
    ) -> None:
        self.memo = memo or NoMemo()  # where rendered Markdown is remembered
        self.project = project
        self.index = index
        self.namer = Namer(project)
        self.directives = directive_renderer
        self.green = project.config.scoring.thresholds.green
        self.hand_offs = insights.hand_off_groups(project, index)
        self.firing = {
            playbook.id: insights.firing_triggers(project, index, playbook)
            for playbook in project.playbooks.values()
        }
        self.brief = make_brief(project, index, [f for fs in self.firing.values() for f in fs])

    def link(self, kind: str, item_id: str) -> Link:
        return self.namer.link(kind, item_id)

    @property
    def dimension_labels(self) -> list[str]:
        return ["All", *(name for _, name in self.namer.dimensions)]

    def attention_view(self, row: AttentionRow) -> AttentionView:
        """A row of "needs attention" with names, links and each flag's reason in words."""
        flags = []
        for flag in row.flags:
            notes = []
            if flag.red:
                notes.append(flag.score.reason)
            if flag.drop and flag.score.change_1 is not None:
                month = month_before(flag.score.period)
                notes.append(f"{signed(flag.score.change_1)} vs {month}, significant drop")
            flags.append((self.namer.dimension_name(flag.dimension), flag.score, "; ".join(notes)))
        return AttentionView(
            self.link("touchpoint", row.touchpoint),
            self.link("department", row.owner),
            tuple(flags),
            tuple(self.link("playbook", p) for p in row.playbooks),
        )

    def fewest(self, groups: list[insights.HandOffGroup]) -> list[insights.HandOffGroup]:
        """The HAND_OFFS worst hand-offs, kept in the order given (journey order)."""
        if len(groups) <= HAND_OFFS:
            return groups
        keep = sorted(
            range(len(groups)),
            key=lambda i: insights.worst_first(groups[i].worst, f"{i:08d}"),
        )[:HAND_OFFS]
        return [groups[i] for i in sorted(keep)]

    def worst_first(self, cards: list[TouchpointCard]) -> list[TouchpointCard]:
        """Touchpoint cards by status (red first), then by the gap to their applied
        expectation or green threshold; those without a score last."""
        return sorted(cards, key=lambda card: self.gap_order(card.overall.score, card.link.text))

    def gap_order(self, score: ScoreView | None, name: str) -> tuple[int, float, str]:
        """Red first, then amber, then green, then no score; within a status, furthest below
        its bar first."""
        if score is None:
            return (3, 0.0, name)
        return (2 - STATUS_RANK[score.status], self.gap(score), name)

    def gap(self, score: ScoreView) -> float:
        """Score minus the bar it is held to: its expectation, else the green threshold."""
        return score.value - (score.expectation if score.expectation is not None else self.green)

    def applied_bar(self, score: ScoreView | None) -> str:
        """The expectation a status was decided against, or the thresholds where none."""
        if score is None:
            return ""
        if score.expectation is not None:
            return f"{score.expectation:g}"
        thresholds = self.project.config.scoring.thresholds
        return f"none (thresholds {thresholds.green:g} / {thresholds.amber:g})"

    def change_text(self, score: ScoreView) -> str:
        """The change from the month before, naming that month: "−9.2 vs 2026-09"."""
        if score.change_1 is None or self.index.previous is None:
            return ""
        significant = ", significant" if score.change_1_significant else ""
        return f"{signed(score.change_1)} vs {month_before(score.period)}{significant}"
