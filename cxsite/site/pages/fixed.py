"""The pages that show nothing of the project: search (its results come from the index
script) and the 404 page."""

from __future__ import annotations

from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import NoContext, PageSpec


def search_pages(site: Site) -> list[PageSpec]:
    return [PageSpec("search.html", "search.html", "Search", NoContext(), kind="search")]


def not_found_pages(site: Site) -> list[PageSpec]:
    return [PageSpec("404.html", "404.html", "Page not found", NoContext(), kind="error")]
