"""The home page (what is red, where and whose, on the first screen) and the complete list
of what needs attention."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.site import insights
from cxsite.site.brief import Brief
from cxsite.site.chart_views import importance_chart, trend_chart
from cxsite.site.charts import Chart
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PER_PAGE, TOP, PageContext, PageSpec
from cxsite.site.scoreindex import ScoreView
from cxsite.site.views import AttentionView, Chip, Link, Page, chips, paginate


@dataclass(frozen=True)
class DimensionCard:
    name: str
    description: str
    link: Link
    score: ScoreView | None


@dataclass(frozen=True)
class HeatmapRow:
    link: Link  # the journey
    chips: tuple[Chip, ...]


@dataclass(frozen=True)
class BlindSpotRow:
    score: ScoreView
    touchpoint: Link
    dimension: str  # its name


@dataclass(frozen=True)
class QuadrantMember:
    link: Link  # the touchpoint
    item: insights.Positioned


@dataclass(frozen=True)
class Quadrant:
    name: str
    count: int
    members: tuple[QuadrantMember, ...]  # the first TOP of `count`


@dataclass(frozen=True)
class HomeContext(PageContext):
    brief: Brief
    overall: ScoreView | None
    overall_change: str
    attention: tuple[AttentionView, ...]
    owners: tuple[Link, ...]
    firing: tuple[Link, ...]
    overall_trend: Chart | None
    dimensions: tuple[DimensionCard, ...]
    dimension_labels: list[str]
    heatmap: tuple[HeatmapRow, ...]
    blind_spots: tuple[BlindSpotRow, ...]
    blind_more: int
    quadrant_chart: Chart | None
    quadrants: tuple[Quadrant, ...]


@dataclass(frozen=True)
class AttentionContext(PageContext):
    brief: Brief
    rows: tuple[AttentionView, ...]
    page: Page[AttentionView]


def home_pages(site: Site) -> list[PageSpec]:
    project, index, brief = site.project, site.index, site.brief
    overall = brief.overall
    dimensions = tuple(
        DimensionCard(d.name, d.description, site.link("dimension", d.id),
                      index.get("overall", "overall", d.id))
        for d in project.dimensions.values()
    )  # fmt: skip
    heatmap = tuple(
        HeatmapRow(site.link("journey", j.id), chips(site.namer, index, "journey", j.id))
        for j in project.journeys.values()
    )
    spots = insights.blind_spots(project, index)
    blind = tuple(
        BlindSpotRow(s, site.link("touchpoint", s.id), site.namer.dimension_name(s.dimension))
        for s in spots[:TOP]
    )
    placed = insights.importance_performance(project, index, site.green)
    quadrants = []
    for name in insights.QUADRANTS.values():
        members = [p for p in placed if p.quadrant == name]
        listed = tuple(QuadrantMember(site.link("touchpoint", p.touchpoint), p) for p in members)
        quadrants.append(Quadrant(name, len(members), listed[:TOP]))
    trend = trend_chart(
        "chart-overall",
        "Overall score by month, with its 95% interval and the status thresholds",
        [("All journeys", index.series("overall", "overall"))],
        site.namer,
    )
    context = HomeContext(
        brief=brief,
        overall=overall,
        overall_change="" if overall is None else site.change_text(overall),
        attention=tuple(site.attention_view(row) for row in brief.first_screen),
        owners=tuple(site.link("department", d) for d in brief.owners),
        firing=tuple(site.link("playbook", p) for p in brief.firing),
        overall_trend=trend,
        dimensions=dimensions,
        dimension_labels=site.dimension_labels,
        heatmap=heatmap,
        blind_spots=blind,
        blind_more=len(spots) - len(blind),
        quadrant_chart=importance_chart(site.namer, placed, site.green),
        quadrants=tuple(quadrants),
    )
    return [PageSpec("index.html", "home.html", project.config.title, context, kind="home")]


def attention_pages(site: Site) -> list[PageSpec]:
    """Every touchpoint that needs attention, worst first, in pages of PER_PAGE."""
    rows = [site.attention_view(row) for row in site.brief.rows]
    pages = paginate("attention.html", "lists/attention", rows, PER_PAGE)
    return [
        PageSpec(
            page.path,
            "attention.html",
            "Needs attention" if page.number == 1 else f"Needs attention (page {page.number})",
            AttentionContext(site.brief, page.items, page),
            kind="attention",
        )
        for page in pages
    ]
