"""The changes page: each recent month against the month before, notable changes first."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.site import insights
from cxsite.site.change_views import ChangeSection, change_section
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec

# How many months the page shows, and how many (notable, improved, other flips) it lists for
# the newest month and for each older one; the rest are in data/changes.csv. Keeps the page
# under 300 KB on 2,000 touchpoints.
CHANGE_PERIODS = 6
LISTED_NEWEST = (60, 30, 50)
LISTED_OLDER = (20, 10, 50)


@dataclass(frozen=True)
class ChangesContext(PageContext):
    sections: tuple[ChangeSection, ...]  # newest month first
    csv: str  # where every change of these months is, from the site root


def changes_pages(site: Site) -> list[PageSpec]:
    log = insights.change_log(site.index, CHANGE_PERIODS)
    sections = tuple(
        change_section(site.namer, period, *LISTED_NEWEST if i == 0 else LISTED_OLDER)
        for i, period in enumerate(log)
    )
    context = ChangesContext(sections, "data/changes.csv")
    return [PageSpec("changes.html", "changes.html", "What changed", context, kind="changes")]
