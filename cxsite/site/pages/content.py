"""The plain Markdown pages under content/ (about.md, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.markdown import render_markdown_cached
from cxsite.model import Page
from cxsite.site import urls
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec, search_headings


@dataclass(frozen=True)
class ContentPageContext(PageContext):
    page: Page
    body: str  # HTML


def content_pages(site: Site, page_id: str) -> list[PageSpec]:
    page = site.project.pages[page_id]
    path = urls.page_path("page", page.id)
    rendered = render_markdown_cached(page.body, site.directives.for_page(path), site.memo)
    return [
        PageSpec(
            path,
            "page.html",
            page.title,
            ContentPageContext(page, rendered.html),
            rendered.text,
            "page",
            search_headings(rendered),
        )
    ]
