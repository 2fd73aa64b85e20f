"""The index page of each section: journeys, touchpoints, departments, personas,
dimensions and playbooks."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.site import urls
from cxsite.site.pages.lists import complete_list
from cxsite.site.pages.playbooks import playbook_index_page
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec
from cxsite.site.views import Chip, Link, chips, touchpoint_card


@dataclass(frozen=True)
class ListingItem:
    link: Link
    chips: tuple[Chip, ...]  # none where the section has no scores


@dataclass(frozen=True)
class ListingContext(PageContext):
    items: tuple[ListingItem, ...]
    dimension_labels: list[str]
    show_scores: bool
    kind: str  # the kind of item listed; the template's `kind` on this page


def section_index_pages(site: Site) -> list[PageSpec]:
    """Every section's index page, in the order of the navigation."""
    project = site.project
    touchpoint_pages = complete_list(
        site,
        "touchpoints",
        "Touchpoints",
        [touchpoint_card(site.namer, site.index, t) for t in project.touchpoints.values()],
        Link("Home", "index.html"),
        urls.section_index("touchpoint"),
    )
    return [
        listing(site, "journey", list(project.journeys), "Journeys", "journey"),
        *touchpoint_pages,
        listing(site, "department", list(project.departments), "Departments", "department"),
        listing(site, "persona", list(project.personas), "Personas", "persona"),
        listing(site, "dimension", list(project.dimensions), "Dimensions"),
        playbook_index_page(site),
    ]


def listing(
    site: Site, kind: str, ids: list[str], title: str, level: str | None = None
) -> PageSpec:
    """A section's items, with their scores at `level` where it has one."""
    items = tuple(
        ListingItem(site.link(kind, i), chips(site.namer, site.index, level, i) if level else ())
        for i in ids
    )
    context = ListingContext(items, site.dimension_labels, level is not None, kind)
    return PageSpec(urls.section_index(kind), "listing.html", title, context, kind="listing")
