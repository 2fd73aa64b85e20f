"""A dimension's page: every touchpoint's score on it, furthest below its bar first."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.model import Dimension
from cxsite.site import urls
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PER_PAGE, TOP, PageContext, PageSpec
from cxsite.site.scoreindex import ScoreView, signed
from cxsite.site.views import Link, Page, paginate


@dataclass(frozen=True)
class RankedTouchpoint:
    rank: int
    link: Link
    score: ScoreView
    gap: str  # "−4.2 vs expectation 80", "+3.0 vs green 75"
    change: str
    owner: Link


@dataclass(frozen=True)
class DimensionContext(PageContext):
    dimension: Dimension
    rows: tuple[RankedTouchpoint, ...]
    page: Page[RankedTouchpoint]
    missing: list[Link]  # touchpoints without a score on it: the first TOP, on page 1 only
    missing_more: int
    score: ScoreView | None


def dimension_pages(site: Site, dimension_id: str) -> list[PageSpec]:
    """Touchpoints on one dimension, red first, then amber, then green, and within each,
    furthest below the bar they are held to first (their expectation, else the green
    threshold): the order agrees with the colours."""
    project, index = site.project, site.index
    dimension = project.dimensions[dimension_id]
    ranked = sorted(
        (
            (score, t)
            for t in project.touchpoints.values()
            if (score := index.get("touchpoint", t.id, dimension.id)) is not None
        ),
        key=lambda pair: site.gap_order(pair[0], pair[1].id),
    )
    rows = [
        RankedTouchpoint(
            rank=i,
            link=site.link("touchpoint", t.id),
            score=s,
            gap=gap_text(site, s),
            change=site.change_text(s),
            owner=site.link("department", t.owner),
        )
        for i, (s, t) in enumerate(ranked, 1)
    ]
    missing = [
        site.link("touchpoint", t.id)
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
            DimensionContext(
                dimension=dimension,
                rows=page.items,
                page=page,
                missing=missing[:TOP] if page.number == 1 else [],
                missing_more=max(0, len(missing) - TOP),
                score=index.get("overall", "overall", dimension.id),
            ),
            dimension.description if page.number == 1 else "",
            "dimension",
        )
        for page in pages
    ]


def gap_text(site: Site, score: ScoreView) -> str:
    """How far a score is from the bar it is held to, naming the bar."""
    if score.expectation is not None:
        return f"{signed(site.gap(score))} vs expectation {score.expectation:g}"
    return f"{signed(site.gap(score))} vs green {site.green:g}"
