"""Every page of the site as (path, template, context), built from the project and scores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from cxsite.cache import Memo, NoMemo
from cxsite.markdown import RenderedMarkdown, render_markdown_cached
from cxsite.model import ALL
from cxsite.project import Project
from cxsite.site import insights, urls
from cxsite.site.brief import AttentionRow, make_brief
from cxsite.site.change_views import change_section, hand_off_views
from cxsite.site.chart_views import curve_chart, importance_chart, trend_chart
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.persona_switch import persona_scores
from cxsite.site.scoreindex import ScoreIndex, ScoreView, month_before, signed
from cxsite.site.views import (
    STATUS_RANK,
    AttentionView,
    Link,
    Namer,
    ScorecardRow,
    TouchpointCard,
    chips,
    paginate,
    phases,
    stage_views,
    swimlanes,
    touchpoint_card,
)

TOP = 15  # rows a summary page lists before linking to the complete table
HAND_OFFS = 25  # hand-offs a journey or department page lists: the worst, in journey order
PER_PAGE = 100  # rows on each page of a complete table

NAV = (
    ("Home", "index.html"),
    ("Journeys", "journeys/index.html"),
    ("Touchpoints", "touchpoints/index.html"),
    ("Departments", "departments/index.html"),
    ("Personas", "personas/index.html"),
    ("Dimensions", "dimensions/index.html"),
    ("Playbooks", "playbooks/index.html"),
    ("Changes", "changes.html"),
)

# The changes page: how many months, and how many (notable, improved, other flips) it lists
# for the newest month and for each older one; the rest are in data/changes.csv. Keeps the
# page under 300 KB on 2,000 touchpoints.
CHANGE_PERIODS = 6
LISTED_NEWEST = (60, 30, 50)
LISTED_OLDER = (20, 10, 50)

# A page to build: a SiteBuilder method and the id it takes ("" for none).
PageJob = tuple[str, str]


@dataclass(frozen=True)
class PageSpec:
    """A page to render: where it goes, with which template, showing what."""

    path: str
    template: str
    title: str
    context: dict[str, Any]
    search_text: str = ""
    kind: str = "page"
    search_headings: tuple[str, ...] = ()  # h2 and h3 texts, which search ranks above the body


def search_headings(rendered: RenderedMarkdown) -> tuple[str, ...]:
    """The texts of a Markdown body's h2 and h3 headings, for the search index."""
    return tuple(text for level, _, text in rendered.headings if level in (2, 3))


def page_jobs(project: Project) -> list[PageJob]:
    """Every page to build, as (method, id): cheap to list, built one by one anywhere."""
    jobs: list[PageJob] = [("home", ""), ("attention", ""), ("changes", ""), ("search", "")]
    for method, ids in (
        ("journey", project.journeys),
        ("touchpoint", project.touchpoints),
        ("department", project.departments),
        ("persona", project.personas),
        ("dimension", project.dimensions),
        ("playbook", project.playbooks),
        ("content_page", project.pages),
    ):
        jobs.extend((method, item_id) for item_id in ids)
    jobs += [("section_indexes", ""), ("not_found", "")]
    return jobs


def department_summary(owned: int, statuses: Counter[str], attention: int) -> str:
    """What a department head reads first: how many of its touchpoints are in each status."""
    if not owned:
        return "It owns no touchpoint; it supports others (below)."
    counts = [f"{statuses[s]} {s}" for s in ("red", "amber", "green") if statuses[s]]
    if statuses["none"]:
        counts.append(f"{statuses['none']} without a score")
    need = f"{attention} need{'s' if attention == 1 else ''} attention" if attention else ""
    need = need or "none needs attention"
    return f"It owns {owned} touchpoint{'s' if owned != 1 else ''}: {', '.join(counts)}; {need}."


class SiteBuilder:
    """Builds the pages; holds the lookups every page shares."""

    def __init__(
        self,
        project: Project,
        index: ScoreIndex,
        directive_renderer: DirectiveRenderer,
        memo: Memo | None = None,
    ) -> None:
        self.memo = memo or NoMemo()
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

    def build(self, job: PageJob) -> list[PageSpec]:
        """The page (or, for section indexes, pages) of one job."""
        method, item_id = job
        built = getattr(self, method)(item_id) if item_id else getattr(self, method)()
        return built if isinstance(built, list) else [built]

    def pages(self) -> list[PageSpec]:
        return [page for job in page_jobs(self.project) for page in self.build(job)]

    def not_found(self) -> PageSpec:
        return PageSpec("404.html", "404.html", "Page not found", {}, kind="error")

    # --- helpers -------------------------------------------------------------------

    def link(self, kind: str, item_id: str) -> Link:
        return self.namer.link(kind, item_id)

    def firing_links(self, playbook_ids: list[str]) -> list[dict[str, Any]]:
        return [
            {"playbook": self.link("playbook", pid)} for pid in playbook_ids if self.firing[pid]
        ]

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

    def complete_list(
        self, name: str, title: str, cards: list[TouchpointCard], back: Link, first: str = ""
    ) -> list[PageSpec]:
        """A complete table of touchpoints, worst first, in pages of PER_PAGE rows: the first
        at `first` (default lists/NAME.html), the others at lists/NAME-2.html, ..."""
        rest = f"lists/{name}"
        pages = paginate(first or f"{rest}.html", rest, self.worst_first(cards), PER_PAGE)
        return [
            PageSpec(
                page.path,
                "list.html",
                title if page.number == 1 else f"{title} (page {page.number})",
                {
                    "cards": page.items,
                    "page": page,
                    "back": back,
                    "dimension_labels": self.dimension_labels,
                },
                kind="listing",
            )
            for page in pages
        ]

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

    @property
    def dimension_labels(self) -> list[str]:
        return ["All", *(name for _, name in self.namer.dimensions)]

    # --- pages ---------------------------------------------------------------------

    def home(self) -> PageSpec:
        project, index, brief = self.project, self.index, self.brief
        overall = brief.overall
        dimensions = [
            {
                "name": d.name,
                "description": d.description,
                "link": self.link("dimension", d.id),
                "score": index.get("overall", "overall", d.id),
            }
            for d in project.dimensions.values()
        ]
        heatmap = [
            {"link": self.link("journey", j.id), "chips": chips(self.namer, index, "journey", j.id)}
            for j in project.journeys.values()
        ]
        spots = insights.blind_spots(project, index)
        blind = [
            {
                "score": s,
                "touchpoint": self.link("touchpoint", s.id),
                "dimension": self.namer.dimension_name(s.dimension),
            }
            for s in spots[:TOP]
        ]
        placed = insights.importance_performance(project, index, self.green)
        quadrants = []
        for name in insights.QUADRANTS.values():
            members = [p for p in placed if p.quadrant == name]
            links = [{"link": self.link("touchpoint", p.touchpoint), "item": p} for p in members]
            quadrants.append({"name": name, "count": len(members), "members": links[:TOP]})
        trend = trend_chart(
            "chart-overall",
            "Overall score by month, with its 95% interval and the status thresholds",
            [("All journeys", index.series("overall", "overall"))],
            self.namer,
        )
        context = {
            "brief": brief,
            "overall": overall,
            "overall_change": "" if overall is None else self.change_text(overall),
            "attention": [self.attention_view(row) for row in brief.first_screen],
            "owners": [self.link("department", d) for d in brief.owners],
            "firing": [self.link("playbook", p) for p in brief.firing],
            "overall_trend": trend,
            "dimensions": dimensions,
            "dimension_labels": self.dimension_labels,
            "heatmap": heatmap,
            "blind_spots": blind,
            "blind_more": len(spots) - len(blind),
            "quadrant_chart": importance_chart(self.namer, placed, self.green),
            "quadrants": quadrants,
        }
        return PageSpec("index.html", "home.html", project.config.title, context, kind="home")

    def attention(self) -> list[PageSpec]:
        """Every touchpoint that needs attention, worst first, in pages of PER_PAGE."""
        rows = [self.attention_view(row) for row in self.brief.rows]
        pages = paginate("attention.html", "lists/attention", rows, PER_PAGE)
        return [
            PageSpec(
                page.path,
                "attention.html",
                "Needs attention" if page.number == 1 else f"Needs attention (page {page.number})",
                {"brief": self.brief, "rows": page.items, "page": page},
                kind="attention",
            )
            for page in pages
        ]

    def journey(self, journey_id: str) -> PageSpec:
        project, index = self.project, self.index
        journey = project.journeys[journey_id]
        stages = stage_views(self.namer, index, journey)
        curve = curve_chart(
            f"chart-curve-{journey.id}",
            f"Experience curve of {journey.name}: stage scores in journey order",
            stages,
            self.namer.thresholds,
        )
        journeys = list(project.journeys)
        position = journeys.index(journey.id)
        neighbours = {
            "previous": self.link("journey", journeys[position - 1]) if position > 0 else None,
            "next": (
                self.link("journey", journeys[position + 1])
                if position + 1 < len(journeys)
                else None
            ),
        }
        journey_chips = chips(self.namer, index, "journey", journey.id)
        journey_hand_offs = insights.hand_offs_in_journey(self.hand_offs, journey.id)
        context = {
            "journey": journey,
            "score": journey_chips[0],
            "chips": journey_chips,
            "personas": [(p, self.link("persona", p)) for p in journey.personas],
            "persona_scores": persona_scores(self.namer, index, journey, stages),
            "phases": phases(stages),
            "stages": stages,
            "dimension_labels": self.dimension_labels,
            "lanes": swimlanes(self.namer, index, journey),
            "curve": curve,
            "neighbours": neighbours,
            "handoffs": hand_off_views(self.namer, self.fewest(journey_hand_offs)),
            "handoffs_more": max(0, len(journey_hand_offs) - HAND_OFFS),
        }
        path = urls.page_path("journey", journey.id)
        return PageSpec(path, "journey.html", journey.name, context, journey.description, "journey")

    def touchpoint(self, touchpoint_id: str) -> PageSpec:
        project, index = self.project, self.index
        touchpoint = project.touchpoints[touchpoint_id]
        rows = []
        for dimension, label in [(ALL, "All"), *self.namer.dimensions]:
            target = touchpoint.targets.get(dimension)
            unit = "" if target is None or target.unit == "score" else f" {target.unit}"
            target_text = "" if target is None else f"{target.target:g}{unit}"
            score = index.get("touchpoint", touchpoint.id, dimension)
            rows.append(
                ScorecardRow(
                    dimension=label,
                    link=self.link("dimension", dimension) if dimension != ALL else None,
                    score=score,
                    target=None if target is None else target_text,
                    expectation=self.applied_bar(score),
                    change="" if score is None else self.change_text(score),
                )
            )
        series = [
            (label, index.series("touchpoint", touchpoint.id, dimension))
            for dimension, label in [(ALL, "All"), *self.namer.dimensions]
        ]
        trend = trend_chart(
            f"chart-trend-{touchpoint.id}",
            f"Scores of {touchpoint.name} by month, with 95% intervals; "
            "triangles mark significant changes",
            [s for s in series if s[1]],
            self.namer,
        )
        personas = [
            {
                "link": self.link("persona", p),
                "chips": chips(self.namer, index, f"persona:{p}:touchpoint", touchpoint.id),
            }
            for p in project.personas
        ]
        places = [
            {"journey": self.link("journey", j.id), "stage": s.name}
            for j in project.journeys.values()
            for s in j.stages
            if touchpoint.id in s.touchpoints
        ]
        playbooks = [
            {
                "link": self.link("playbook", p.id),
                "status": p.meta.status,
                "firing": [
                    {"dimension": self.namer.dimension_name(f.dimension), "score": f.score}
                    for f in self.firing[p.id]
                    if f.touchpoint == touchpoint.id
                ],
            }
            for p in insights.playbooks_for(project, touchpoint.id)
        ]
        context = {
            "touchpoint": touchpoint,
            "card": touchpoint_card(self.namer, index, touchpoint),
            "owner": self.link("department", touchpoint.owner),
            "supporting": [self.link("department", d) for d in touchpoint.supporting],
            "rows": rows,
            "trend": trend,
            "perception": [r for r in rows if r.score is not None and r.score.internal is not None],
            "personas": personas,
            "dimension_labels": self.dimension_labels,
            "places": places,
            "playbooks": playbooks,
        }
        path = urls.page_path("touchpoint", touchpoint.id)
        return PageSpec(
            path, "touchpoint.html", touchpoint.name, context, touchpoint.description, "touchpoint"
        )

    def department(self, department_id: str) -> list[PageSpec]:
        """A department's page, leading with what needs its attention; and the complete
        tables of the touchpoints it owns and supports, when longer than the page shows."""
        project, index = self.project, self.index
        department = project.departments[department_id]
        path = urls.page_path("department", department.id)
        back = self.link("department", department.id)
        owned = self.worst_first(
            [touchpoint_card(self.namer, index, t) for t in project.touchpoints.values()
             if t.owner == department.id]
        )  # fmt: skip
        supported = self.worst_first(
            [touchpoint_card(self.namer, index, t) for t in project.touchpoints.values()
             if department.id in t.supporting]
        )  # fmt: skip
        lists = []
        tables = {}
        for role, cards in (("owned", owned), ("supported", supported)):
            complete = None
            if len(cards) > TOP:  # the complete table on pages of its own
                name = f"department-{department.id}-{role}"
                title = f"{department.name}: touchpoints it {role[:-1]}s"
                pages = self.complete_list(name, title, cards, back)
                lists += pages
                complete = Link(f"all {len(cards)}", pages[0].path)
            tables[role] = {"cards": cards[:TOP], "total": len(cards), "complete": complete}
        attention = [r for r in self.brief.rows if r.owner == department.id]
        statuses = Counter(c.overall.score.status if c.overall.score else "none" for c in owned)
        handoffs = insights.hand_offs_of_department(self.hand_offs, department.id)
        involved = [
            p.id
            for p in project.playbooks.values()
            if p.meta.owner == department.id or department.id in p.meta.departments
        ]
        context = {
            "department": department,
            "chips": chips(self.namer, index, "department", department.id),
            "dimension_labels": self.dimension_labels,
            "summary": department_summary(len(owned), statuses, len(attention)),
            "attention": [self.attention_view(r) for r in attention[:TOP]],
            "attention_more": max(0, len(attention) - TOP),
            "owned": tables["owned"],
            "supported": tables["supported"],
            "handoffs": hand_off_views(self.namer, self.fewest(handoffs)),
            "handoffs_more": max(0, len(handoffs) - HAND_OFFS),
            "playbooks": [self.link("playbook", p) for p in involved],
            "firing": self.firing_links(involved),
        }
        page = PageSpec(
            path, "department.html", department.name, context, department.description, "department"
        )
        return [page, *lists]

    def persona(self, persona_id: str) -> PageSpec:
        project, index = self.project, self.index
        persona = project.personas[persona_id]
        journeys = [
            {
                "link": self.link("journey", j.id),
                "score": index.get(f"persona:{persona.id}:journey", j.id),
                "everyone": index.get("journey", j.id),
            }
            for j in project.journeys.values()
            if persona.id in j.personas
        ]
        expectations = [
            {
                "dimension": self.namer.dimension_name(d),
                "score": score,
                "expectation": self.applied_bar(score),
            }
            for d in [ALL, *project.dimensions]
            for score in [index.get("persona", persona.id, d)]
        ]
        context = {
            "persona": persona,
            "journeys": journeys,
            "expectations": expectations,
            "score": index.get("persona", persona.id),
        }
        text = " ".join(
            [persona.segment, persona.personality, persona.quote, *persona.goals, *persona.pains]
        )
        return PageSpec(
            urls.page_path("persona", persona.id),
            "persona.html",
            persona.name,
            context,
            text,
            "persona",
        )

    def dimension(self, dimension_id: str) -> list[PageSpec]:
        """Touchpoints on one dimension, red first, then amber, then green, and within each,
        furthest below the bar they are held to first (their expectation, else the green
        threshold): the order agrees with the colours."""
        project, index = self.project, self.index
        dimension = project.dimensions[dimension_id]
        ranked = sorted(
            (
                (score, t)
                for t in project.touchpoints.values()
                if (score := index.get("touchpoint", t.id, dimension.id)) is not None
            ),
            key=lambda pair: self.gap_order(pair[0], pair[1].id),
        )
        rows = [
            {
                "rank": i,
                "link": self.link("touchpoint", t.id),
                "score": s,
                "gap": f"{signed(self.gap(s))} vs "
                + (f"expectation {s.expectation:g}" if s.expectation is not None else "green")
                + ("" if s.expectation is not None else f" {self.green:g}"),
                "change": self.change_text(s),
                "owner": self.link("department", t.owner),
            }
            for i, (s, t) in enumerate(ranked, 1)
        ]
        missing = [
            self.link("touchpoint", t.id)
            for t in project.touchpoints.values()
            if index.get("touchpoint", t.id, dimension.id) is None
        ]
        path = urls.page_path("dimension", dimension.id)
        pages = paginate(path, f"lists/dimension-{dimension.id}", rows, PER_PAGE)
        return [
            PageSpec(
                page.path,
                "dimension.html",
                dimension.name if page.number == 1 else f"{dimension.name} (page {page.number})",
                {
                    "dimension": dimension,
                    "rows": page.items,
                    "page": page,
                    "missing": missing[:TOP] if page.number == 1 else [],
                    "missing_more": max(0, len(missing) - TOP),
                    "score": index.get("overall", "overall", dimension.id),
                },
                dimension.description if page.number == 1 else "",
                "dimension",
            )
            for page in pages
        ]

    def playbook(self, playbook_id: str) -> PageSpec:
        playbook = self.project.playbooks[playbook_id]
        meta = playbook.meta
        # The header card shows the title; a leading `# Title` in the body would repeat it.
        body = playbook.body.lstrip("\n")
        if body.startswith("# "):
            body = body.split("\n", 1)[1] if "\n" in body else ""
        page_path = urls.page_path("playbook", playbook.id)
        rendered = render_markdown_cached(body, self.directives.for_page(page_path), self.memo)
        trigger = (
            f"score below {meta.trigger.below:g}"
            if meta.trigger.below is not None
            else f"status {meta.trigger.status} or worse"
        )
        context = {
            "meta": meta,
            "owner": self.link("department", meta.owner),
            "departments": [self.link("department", d) for d in meta.departments],
            "touchpoints": [self.link("touchpoint", t) for t in meta.touchpoints],
            "dimensions": [self.link("dimension", d) for d in meta.dimensions] or [Link("All", "")],
            "trigger": trigger,
            "firing": [
                {
                    "touchpoint": self.link("touchpoint", f.touchpoint),
                    "dimension": self.namer.dimension_name(f.dimension),
                    "score": f.score,
                }
                for f in self.firing[playbook.id]
            ],
            "body": rendered.html,
            "headings": rendered.headings,
        }
        path = urls.page_path("playbook", playbook.id)
        return PageSpec(
            path,
            "playbook.html",
            meta.title,
            context,
            rendered.text,
            "playbook",
            search_headings(rendered),
        )

    def content_page(self, page_id: str) -> PageSpec:
        page = self.project.pages[page_id]
        path = urls.page_path("page", page.id)
        rendered = render_markdown_cached(page.body, self.directives.for_page(path), self.memo)
        return PageSpec(
            path,
            "page.html",
            page.title,
            {"page": page, "body": rendered.html},
            rendered.text,
            "page",
            search_headings(rendered),
        )

    def changes(self) -> PageSpec:
        log = insights.change_log(self.index, CHANGE_PERIODS)
        sections = [
            change_section(self.namer, period, *LISTED_NEWEST if i == 0 else LISTED_OLDER)
            for i, period in enumerate(log)
        ]
        context = {"sections": sections, "csv": "data/changes.csv"}
        return PageSpec("changes.html", "changes.html", "What changed", context, kind="changes")

    def search(self) -> PageSpec:
        return PageSpec("search.html", "search.html", "Search", {}, kind="search")

    def section_indexes(self) -> list[PageSpec]:
        project, index = self.project, self.index
        labels = ["All", *(name for _, name in self.namer.dimensions)]

        def listing(kind: str, ids: list[str], title: str, level: str | None = None) -> PageSpec:
            items = [
                {
                    "link": self.link(kind, i),
                    "chips": chips(self.namer, index, level, i) if level else (),
                }
                for i in ids
            ]
            context = {
                "items": items,
                "dimension_labels": labels,
                "show_scores": level is not None,
                "kind": kind,
            }
            return PageSpec(
                urls.section_index(kind), "listing.html", title, context, kind="listing"
            )

        playbooks = [
            {
                "link": self.link("playbook", p.id),
                "status": p.meta.status,
                "owner": self.link("department", p.meta.owner),
                "departments": sorted({p.meta.owner, *p.meta.departments}),
                "touchpoints": [self.link("touchpoint", t) for t in p.meta.touchpoints],
                "touchpoint_ids": list(p.meta.touchpoints),
                "firing": bool(self.firing[p.id]),
            }
            for p in sorted(project.playbooks.values(), key=lambda p: p.meta.title)
        ]
        playbook_index = PageSpec(
            "playbooks/index.html",
            "playbooks.html",
            "Playbooks",
            {
                "playbooks": playbooks,
                "departments": [(d, self.namer.name("department", d)) for d in project.departments],
            },
            kind="listing",
        )
        touchpoint_pages = self.complete_list(
            "touchpoints",
            "Touchpoints",
            [touchpoint_card(self.namer, index, t) for t in project.touchpoints.values()],
            Link("Home", "index.html"),
            urls.section_index("touchpoint"),
        )
        return [
            listing("journey", list(project.journeys), "Journeys", "journey"),
            *touchpoint_pages,
            listing("department", list(project.departments), "Departments", "department"),
            listing("persona", list(project.personas), "Personas", "persona"),
            listing("dimension", list(project.dimensions), "Dimensions"),
            playbook_index,
        ]
