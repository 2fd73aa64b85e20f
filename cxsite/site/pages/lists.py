"""Complete tables of touchpoints, worst first, on pages of their own (lists/NAME.html)."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PER_PAGE, PageContext, PageSpec
from cxsite.site.views import Link, Page, TouchpointCard, paginate


@dataclass(frozen=True)
class CardListContext(PageContext):
    cards: tuple[TouchpointCard, ...]
    page: Page[TouchpointCard]
    back: Link
    dimension_labels: list[str]


def complete_list(
    site: Site, name: str, title: str, cards: list[TouchpointCard], back: Link, first: str = ""
) -> list[PageSpec]:
    """A complete table of touchpoints, worst first, in pages of PER_PAGE rows: the first
    at `first` (default lists/NAME.html), the others at lists/NAME-2.html, ..."""
    rest = f"lists/{name}"
    pages = paginate(first or f"{rest}.html", rest, site.worst_first(cards), PER_PAGE)
    return [
        PageSpec(
            page.path,
            "list.html",
            title if page.number == 1 else f"{title} (page {page.number})",
            CardListContext(page.items, page, back, site.dimension_labels),
            kind="listing",
        )
        for page in pages
    ]
