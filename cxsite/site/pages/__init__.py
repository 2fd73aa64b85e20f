"""Every page of the site as (path, template, typed context), built from the project and
scores: one module per page family, the jobs and their dispatch in `builder`."""

from cxsite.site.pages.builder import PageFamily, PageJob, SiteBuilder, page_jobs
from cxsite.site.pages.changes import CHANGE_PERIODS
from cxsite.site.pages.spec import NAV, PageContext, PageSpec

__all__ = [
    "CHANGE_PERIODS",
    "NAV",
    "PageContext",
    "PageFamily",
    "PageJob",
    "PageSpec",
    "SiteBuilder",
    "page_jobs",
]
