"""Which pages a build makes, as jobs that are cheap to list and to hand to a worker, and
the page family that builds each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from cxsite.model import Project
from cxsite.site.pages.changes import changes_pages
from cxsite.site.pages.content import content_pages
from cxsite.site.pages.departments import department_pages
from cxsite.site.pages.dimensions import dimension_pages
from cxsite.site.pages.fixed import not_found_pages, search_pages
from cxsite.site.pages.home import attention_pages, home_pages
from cxsite.site.pages.indexes import section_index_pages
from cxsite.site.pages.journeys import journey_pages
from cxsite.site.pages.personas import persona_pages
from cxsite.site.pages.playbooks import playbook_pages
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageSpec
from cxsite.site.pages.touchpoints import touchpoint_pages


class PageFamily(StrEnum):
    """A family of pages. Its value is how a job names it: in the job's cache key and in
    the message of a page that fails to render (`playbook some-id`)."""

    HOME = "home"
    ATTENTION = "attention"
    CHANGES = "changes"
    SEARCH = "search"
    JOURNEY = "journey"
    TOUCHPOINT = "touchpoint"
    DEPARTMENT = "department"
    PERSONA = "persona"
    DIMENSION = "dimension"
    PLAYBOOK = "playbook"
    CONTENT_PAGE = "content_page"
    SECTION_INDEXES = "section_indexes"
    NOT_FOUND = "not_found"


# A page to build: (a PageFamily, the id of its item or "" for a family of the whole site).
# Plain strings, so that a job is cheap to list, hash and hand to a worker.
PageJob = tuple[str, str]


@dataclass(frozen=True)
class ItemFamily:
    """A family with a page (or a few) per item of the project."""

    pages: Callable[[Site, str], list[PageSpec]]
    ids: Callable[[Project], Iterable[str]]


# The families of the whole site, built before the items' pages ...
SITE_FIRST: dict[PageFamily, Callable[[Site], list[PageSpec]]] = {
    PageFamily.HOME: home_pages,
    PageFamily.ATTENTION: attention_pages,
    PageFamily.CHANGES: changes_pages,
    PageFamily.SEARCH: search_pages,
}
# ... the families of one item each, in this order ...
ITEM_PAGES: dict[PageFamily, ItemFamily] = {
    PageFamily.JOURNEY: ItemFamily(journey_pages, lambda project: project.journeys),
    PageFamily.TOUCHPOINT: ItemFamily(touchpoint_pages, lambda project: project.touchpoints),
    PageFamily.DEPARTMENT: ItemFamily(department_pages, lambda project: project.departments),
    PageFamily.PERSONA: ItemFamily(persona_pages, lambda project: project.personas),
    PageFamily.DIMENSION: ItemFamily(dimension_pages, lambda project: project.dimensions),
    PageFamily.PLAYBOOK: ItemFamily(playbook_pages, lambda project: project.playbooks),
    PageFamily.CONTENT_PAGE: ItemFamily(content_pages, lambda project: project.pages),
}
# ... and those that list them.
SITE_LAST: dict[PageFamily, Callable[[Site], list[PageSpec]]] = {
    PageFamily.SECTION_INDEXES: section_index_pages,
    PageFamily.NOT_FOUND: not_found_pages,
}
SITE_PAGES = {**SITE_FIRST, **SITE_LAST}


def page_jobs(project: Project) -> list[PageJob]:
    """Every page to build, as (family, id): cheap to list, built one by one anywhere."""
    jobs: list[PageJob] = [(family, "") for family in SITE_FIRST]
    for family, item_family in ITEM_PAGES.items():
        jobs.extend((family, item_id) for item_id in item_family.ids(project))
    jobs += [(family, "") for family in SITE_LAST]
    return jobs


class SiteBuilder(Site):
    """Builds the pages of jobs, each by its family, from the lookups they share."""

    def build(self, job: PageJob) -> list[PageSpec]:
        """The page (or, for some families, pages) of one job."""
        family, item_id = PageFamily(job[0]), job[1]
        item_family = ITEM_PAGES.get(family)
        if item_family is not None:
            return item_family.pages(self, item_id)
        if item_id:
            raise ValueError(f"the {family} pages are of the whole site, not of {item_id!r}")
        return SITE_PAGES[family](self)

    def pages(self) -> list[PageSpec]:
        return [page for job in page_jobs(self.project) for page in self.build(job)]
