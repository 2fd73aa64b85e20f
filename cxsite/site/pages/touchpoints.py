"""A touchpoint's scorecard: every dimension with why it has its colour, its trend, what
customers say against what the company says, each persona's scores and its playbooks."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.keys import PersonaLevel
from cxsite.model import ALL, Touchpoint
from cxsite.site import insights, urls
from cxsite.site.chart_views import trend_chart
from cxsite.site.charts import Chart
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec
from cxsite.site.scoreindex import ScoreView
from cxsite.site.views import Chip, Link, ScorecardRow, TouchpointCard, chips, touchpoint_card


@dataclass(frozen=True)
class PersonaRow:
    link: Link  # the persona
    chips: tuple[Chip, ...]  # its scores of this touchpoint


@dataclass(frozen=True)
class Place:
    """A stage of a journey that lists the touchpoint."""

    journey: Link
    stage: str  # its name


@dataclass(frozen=True)
class FiringDimension:
    dimension: str  # its name
    score: ScoreView


@dataclass(frozen=True)
class TouchpointPlaybook:
    link: Link
    status: str
    firing: tuple[FiringDimension, ...]  # where it fires on this touchpoint


@dataclass(frozen=True)
class TouchpointContext(PageContext):
    touchpoint: Touchpoint
    card: TouchpointCard
    owner: Link
    supporting: tuple[Link, ...]
    rows: tuple[ScorecardRow, ...]
    trend: Chart | None
    perception: tuple[ScorecardRow, ...]  # the rows with an internal measurement
    personas: tuple[PersonaRow, ...]
    dimension_labels: list[str]
    places: tuple[Place, ...]
    playbooks: tuple[TouchpointPlaybook, ...]


def touchpoint_pages(site: Site, touchpoint_id: str) -> list[PageSpec]:
    project, index = site.project, site.index
    touchpoint = project.touchpoints[touchpoint_id]
    dimensions = [(ALL, "All"), *site.namer.dimensions]
    rows = tuple(scorecard_row(site, touchpoint, dim, label) for dim, label in dimensions)
    series = [
        (label, index.series("touchpoint", touchpoint.id, dimension))
        for dimension, label in dimensions
    ]
    trend = trend_chart(
        f"chart-trend-{touchpoint.id}",
        f"Scores of {touchpoint.name} by month, with 95% intervals; "
        "triangles mark significant changes",
        [s for s in series if s[1]],
        site.namer,
    )
    personas = tuple(
        PersonaRow(
            site.link("persona", p),
            chips(site.namer, index, PersonaLevel(p, "touchpoint"), touchpoint.id),
        )
        for p in project.personas
    )
    places = tuple(
        Place(site.link("journey", j.id), s.name)
        for j in project.journeys.values()
        for s in j.stages
        if touchpoint.id in s.touchpoints
    )
    playbooks = tuple(
        TouchpointPlaybook(
            site.link("playbook", p.id),
            p.meta.status,
            tuple(
                FiringDimension(site.namer.dimension_name(f.dimension), f.score)
                for f in site.firing[p.id]
                if f.touchpoint == touchpoint.id
            ),
        )
        for p in insights.playbooks_for(project, touchpoint.id)
    )
    context = TouchpointContext(
        touchpoint=touchpoint,
        card=touchpoint_card(site.namer, index, touchpoint),
        owner=site.link("department", touchpoint.owner),
        supporting=tuple(site.link("department", d) for d in touchpoint.supporting),
        rows=rows,
        trend=trend,
        perception=tuple(r for r in rows if r.score is not None and r.score.internal is not None),
        personas=personas,
        dimension_labels=site.dimension_labels,
        places=places,
        playbooks=playbooks,
    )
    path = urls.page_path("touchpoint", touchpoint.id)
    page = PageSpec(
        path, "touchpoint.html", touchpoint.name, context, touchpoint.description, "touchpoint"
    )
    return [page]


def scorecard_row(site: Site, touchpoint: Touchpoint, dimension: str, label: str) -> ScorecardRow:
    """A touchpoint's score on one dimension (or `all`) with its target, bar and change."""
    target = touchpoint.targets.get(dimension)
    unit = "" if target is None or target.unit == "score" else f" {target.unit}"
    score = site.index.get("touchpoint", touchpoint.id, dimension)
    return ScorecardRow(
        dimension=label,
        link=site.link("dimension", dimension) if dimension != ALL else None,
        score=score,
        target=None if target is None else f"{target.target:g}{unit}",
        expectation=site.applied_bar(score),
        change="" if score is None else site.change_text(score),
    )
