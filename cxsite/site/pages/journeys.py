"""A journey's page: its service blueprint, experience curve, hand-offs and persona switch."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from cxsite.model import Journey
from cxsite.site import insights, urls
from cxsite.site.change_views import HandOffView, hand_off_views
from cxsite.site.chart_views import curve_chart
from cxsite.site.charts import Chart
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import HAND_OFFS, PageContext, PageSpec
from cxsite.site.persona_switch import persona_scores
from cxsite.site.views import Chip, Lane, Link, StageView, chips, phases, stage_views, swimlanes


@dataclass(frozen=True)
class Neighbours:
    """The journeys before and after this one, in the project's order."""

    previous: Link | None
    next: Link | None


@dataclass(frozen=True)
class JourneyContext(PageContext):
    journey: Journey
    score: Chip
    chips: tuple[Chip, ...]
    personas: tuple[tuple[str, Link], ...]  # (persona id, link)
    persona_scores: Markup | None
    phases: tuple[tuple[str, tuple[StageView, ...]], ...]
    stages: tuple[StageView, ...]
    dimension_labels: list[str]
    lanes: tuple[Lane, ...]
    curve: Chart | None
    neighbours: Neighbours
    handoffs: tuple[HandOffView, ...]
    handoffs_more: int


def journey_pages(site: Site, journey_id: str) -> list[PageSpec]:
    project, index = site.project, site.index
    journey = project.journeys[journey_id]
    stages = stage_views(site.namer, index, journey)
    curve = curve_chart(
        f"chart-curve-{journey.id}",
        f"Experience curve of {journey.name}: stage scores in journey order",
        stages,
        site.namer.thresholds,
    )
    journeys = list(project.journeys)
    position = journeys.index(journey.id)
    neighbours = Neighbours(
        previous=site.link("journey", journeys[position - 1]) if position > 0 else None,
        next=(
            site.link("journey", journeys[position + 1]) if position + 1 < len(journeys) else None
        ),
    )
    journey_chips = chips(site.namer, index, "journey", journey.id)
    journey_hand_offs = insights.hand_offs_in_journey(site.hand_offs, journey.id)
    context = JourneyContext(
        journey=journey,
        score=journey_chips[0],
        chips=journey_chips,
        personas=tuple((p, site.link("persona", p)) for p in journey.personas),
        persona_scores=persona_scores(site.namer, index, journey, stages),
        phases=phases(stages),
        stages=stages,
        dimension_labels=site.dimension_labels,
        lanes=swimlanes(site.namer, index, journey),
        curve=curve,
        neighbours=neighbours,
        handoffs=hand_off_views(site.namer, site.fewest(journey_hand_offs)),
        handoffs_more=max(0, len(journey_hand_offs) - HAND_OFFS),
    )
    path = urls.page_path("journey", journey.id)
    return [PageSpec(path, "journey.html", journey.name, context, journey.description, "journey")]
