"""Every page of the site as (path, template, context), built from the project and scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxsite.cache import Memo, NoMemo
from cxsite.markdown import render_markdown_cached
from cxsite.model import ALL
from cxsite.project import Project
from cxsite.site import insights, urls
from cxsite.site.charts import chart
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.scoreindex import ScoreIndex
from cxsite.site.views import (
    Link,
    Namer,
    ScorecardRow,
    change_section,
    chips,
    curve_chart,
    hand_off_views,
    phases,
    stage_views,
    swimlanes,
    touchpoint_card,
    trend_chart,
)

NAV = (
    ("Home", "index.html"),
    ("Journeys", "journeys/index.html"),
    ("Touchpoints", "touchpoints/index.html"),
    ("Departments", "departments/index.html"),
    ("Personas", "personas/index.html"),
    ("Dimensions", "dimensions/index.html"),
    ("Playbooks", "playbooks/index.html"),
    ("Changes", "changes.html"),
    ("Search", "search.html"),
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


def page_jobs(project: Project) -> list[PageJob]:
    """Every page to build, as (method, id): cheap to list, built one by one anywhere."""
    jobs: list[PageJob] = [("home", ""), ("changes", ""), ("search", "")]
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

    # --- pages ---------------------------------------------------------------------

    def home(self) -> PageSpec:
        project, index = self.project, self.index
        overall = index.get("overall", "overall")
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
        attention = [
            {
                "item": a,
                "touchpoint": self.link("touchpoint", a.touchpoint),
                "dimension": self.namer.dimension_name(a.dimension),
                "owner": self.link("department", a.owner),
                "playbooks": [self.link("playbook", p) for p in a.playbooks],
            }
            for a in insights.needs_attention(project, index)
        ]
        blind = [
            {
                "score": s,
                "touchpoint": self.link("touchpoint", s.id),
                "dimension": self.namer.dimension_name(s.dimension),
            }
            for s in insights.blind_spots(project, index)
        ]
        placed = insights.importance_performance(project, index, self.green)
        quadrant_chart = (
            chart(
                "quadrants",
                "chart-quadrants",
                "Importance against score for every touchpoint (latest month)",
                [
                    {
                        "name": self.namer.name("touchpoint", p.touchpoint),
                        "importance": p.importance,
                        "score": round(p.score.value, 2),
                        "quadrant": p.quadrant,
                        "green": self.green,
                    }
                    for p in placed
                ],
                (
                    ("name", "Touchpoint"),
                    ("importance", "Importance"),
                    ("score", "Score"),
                    ("quadrant", "Quadrant"),
                ),
            )
            if placed
            else None
        )
        quadrants = [
            {
                "name": name,
                "members": [
                    {"link": self.link("touchpoint", p.touchpoint), "item": p}
                    for p in placed
                    if p.quadrant == name
                ],
            }
            for name in insights.QUADRANTS.values()
        ]
        trend = trend_chart(
            "chart-overall",
            "Overall score by month, with its 95% interval",
            [("All journeys", index.series("overall", "overall"))],
        )
        context = {
            "overall": overall,
            "overall_trend": trend,
            "dimensions": dimensions,
            "dimension_labels": ["All", *(d.name for d in project.dimensions.values())],
            "heatmap": heatmap,
            "attention": attention,
            "blind_spots": blind,
            "quadrant_chart": quadrant_chart,
            "quadrants": quadrants,
            "firing": self.firing_links(list(project.playbooks)),
        }
        return PageSpec("index.html", "home.html", project.config.title, context, kind="home")

    def journey(self, journey_id: str) -> PageSpec:
        project, index = self.project, self.index
        journey = project.journeys[journey_id]
        stages = stage_views(self.namer, index, journey)
        curve = curve_chart(
            f"chart-curve-{journey.id}",
            f"Experience curve of {journey.name}: stage scores in journey order",
            stages,
        )
        context = {
            "journey": journey,
            "score": index.get("journey", journey.id),
            "chips": chips(self.namer, index, "journey", journey.id),
            "personas": [self.link("persona", p) for p in journey.personas],
            "persona_ids": list(journey.personas),
            "phases": phases(stages),
            "stages": stages,
            "dimension_labels": ["All", *(name for _, name in self.namer.dimensions)],
            "lanes": swimlanes(self.namer, journey),
            "curve": curve,
            "handoffs": hand_off_views(
                self.namer, insights.hand_offs_in_journey(self.hand_offs, journey.id)
            ),
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
            rows.append(
                ScorecardRow(
                    dimension=label,
                    link=self.link("dimension", dimension) if dimension != ALL else None,
                    score=index.get("touchpoint", touchpoint.id, dimension),
                    target=None if target is None else target_text,
                    expectation=touchpoint.expectations.get(dimension),
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
        )
        personas = [
            {
                "link": self.link("persona", p),
                "chips": chips(self.namer, index, "touchpoint", touchpoint.id, p),
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
            "dimension_labels": ["All", *(name for _, name in self.namer.dimensions)],
            "places": places,
            "playbooks": playbooks,
        }
        path = urls.page_path("touchpoint", touchpoint.id)
        return PageSpec(
            path, "touchpoint.html", touchpoint.name, context, touchpoint.description, "touchpoint"
        )

    def department(self, department_id: str) -> PageSpec:
        project, index = self.project, self.index
        department = project.departments[department_id]
        owned = [
            touchpoint_card(self.namer, index, t)
            for t in project.touchpoints.values()
            if t.owner == department.id
        ]
        supported = [
            touchpoint_card(self.namer, index, t)
            for t in project.touchpoints.values()
            if department.id in t.supporting
        ]
        involved = [
            p.id
            for p in project.playbooks.values()
            if p.meta.owner == department.id or department.id in p.meta.departments
        ]
        context = {
            "department": department,
            "chips": chips(self.namer, index, "department", department.id),
            "dimension_labels": ["All", *(name for _, name in self.namer.dimensions)],
            "owned": owned,
            "supported": supported,
            "handoffs": hand_off_views(
                self.namer, insights.hand_offs_of_department(self.hand_offs, department.id)
            ),
            "playbooks": [self.link("playbook", p) for p in involved],
            "firing": self.firing_links(involved),
        }
        path = urls.page_path("department", department.id)
        return PageSpec(
            path, "department.html", department.name, context, department.description, "department"
        )

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
                "score": index.get("persona", persona.id, d),
                "expectation": persona.expectations.get(d),
            }
            for d in [ALL, *project.dimensions]
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

    def dimension(self, dimension_id: str) -> PageSpec:
        project, index = self.project, self.index
        dimension = project.dimensions[dimension_id]
        ranked = sorted(
            (
                (score, t)
                for t in project.touchpoints.values()
                if (score := index.get("touchpoint", t.id, dimension.id)) is not None
            ),
            key=lambda pair: (pair[0].value, pair[1].id),
        )
        rows = [
            {
                "rank": i,
                "link": self.link("touchpoint", t.id),
                "score": s,
                "owner": self.link("department", t.owner),
            }
            for i, (s, t) in enumerate(ranked, 1)
        ]
        missing = [
            self.link("touchpoint", t.id)
            for t in project.touchpoints.values()
            if index.get("touchpoint", t.id, dimension.id) is None
        ]
        context = {
            "dimension": dimension,
            "rows": rows,
            "missing": missing,
            "score": index.get("overall", "overall", dimension.id),
        }
        return PageSpec(
            urls.page_path("dimension", dimension.id),
            "dimension.html",
            dimension.name,
            context,
            dimension.description,
            "dimension",
        )

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
        return PageSpec(path, "playbook.html", meta.title, context, rendered.text, "playbook")

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
                "touchpoints": [(t, self.namer.name("touchpoint", t)) for t in project.touchpoints],
            },
            kind="listing",
        )
        return [
            listing("journey", list(project.journeys), "Journeys", "journey"),
            listing("touchpoint", list(project.touchpoints), "Touchpoints", "touchpoint"),
            listing("department", list(project.departments), "Departments", "department"),
            listing("persona", list(project.personas), "Personas", "persona"),
            listing("dimension", list(project.dimensions), "Dimensions"),
            playbook_index,
        ]
