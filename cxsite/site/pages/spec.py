"""What every page family makes: a PageSpec, whose typed context the template reads."""

from __future__ import annotations

from dataclasses import Field, dataclass
from typing import Any, ClassVar

from cxsite.markdown import RenderedMarkdown

TOP = 15  # rows a summary page lists before linking to the complete table
HAND_OFFS = 25  # hand-offs a journey or department page lists: the worst, in journey order
PER_PAGE = 100  # rows on each page of a complete table

NAV = (
    ("Home", "index.html"),
    ("Journeys", "journeys/index.html"),
    ("Touchpoints", "touchpoints/index.html"),
    ("Departments", "departments/index.html"),
    ("Personas", "personas/index.html"),
    ("Dimensions", "dimensions/index.html"),
    ("Playbooks", "playbooks/index.html"),
    ("Changes", "changes.html"),
)


class PageContext:
    """The base of every page's context: a frozen dataclass whose fields are the names its
    template reads. Templates are given `**context`, so it lends its fields as a read-only
    mapping (`keys` and `[]`), and nothing else: a field may be called `items`."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def keys(self) -> tuple[str, ...]:
        return tuple(self.__dataclass_fields__)

    def __getitem__(self, name: str) -> Any:
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)


@dataclass(frozen=True)
class NoContext(PageContext):
    """The context of a page that shows nothing of the project (search, 404)."""


@dataclass(frozen=True)
class PageSpec:
    """A page to render: where it goes, with which template, showing what."""

    path: str
    template: str
    title: str
    context: PageContext
    search_text: str = ""
    kind: str = "page"
    search_headings: tuple[str, ...] = ()  # h2 and h3 texts, which search ranks above the body


def search_headings(rendered: RenderedMarkdown) -> tuple[str, ...]:
    """The texts of a Markdown body's h2 and h3 headings, for the search index."""
    return tuple(text for level, _, text in rendered.headings if level in (2, 3))
