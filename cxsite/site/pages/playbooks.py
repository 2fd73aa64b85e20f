"""A playbook's page, with where its trigger is met now, and the index of every playbook."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.markdown import render_markdown_cached, without_title
from cxsite.model import PlaybookMeta
from cxsite.site import urls
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec, search_headings
from cxsite.site.scoreindex import ScoreView
from cxsite.site.views import Link


@dataclass(frozen=True)
class FiringScore:
    """A touchpoint whose score meets the playbook's trigger now, on one dimension."""

    touchpoint: Link
    dimension: str  # its name
    score: ScoreView


@dataclass(frozen=True)
class PlaybookContext(PageContext):
    meta: PlaybookMeta
    owner: Link
    departments: tuple[Link, ...]
    touchpoints: tuple[Link, ...]
    dimensions: tuple[Link, ...]  # one Link("All", "") when it names none
    trigger: str  # in words: "score below 60", "status red or worse"
    firing: tuple[FiringScore, ...]
    body: str  # HTML
    headings: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class PlaybookRow:
    """A row of the playbook index, with what its filters match on."""

    link: Link
    status: str
    owner: Link
    departments: list[str]  # ids of the owner and every department it names, sorted
    touchpoints: tuple[Link, ...]
    touchpoint_ids: list[str]
    firing: bool


@dataclass(frozen=True)
class PlaybookIndexContext(PageContext):
    playbooks: tuple[PlaybookRow, ...]  # by title
    departments: tuple[tuple[str, str], ...]  # (id, name) of every department, to filter by


def playbook_pages(site: Site, playbook_id: str) -> list[PageSpec]:
    playbook = site.project.playbooks[playbook_id]
    meta = playbook.meta
    body = without_title(playbook.body)  # the header card shows the title
    path = urls.page_path("playbook", playbook.id)
    rendered = render_markdown_cached(body, site.directives.for_page(path), site.memo)
    trigger = (
        f"score below {meta.trigger.below:g}"
        if meta.trigger.below is not None
        else f"status {meta.trigger.status} or worse"
    )
    context = PlaybookContext(
        meta=meta,
        owner=site.link("department", meta.owner),
        departments=tuple(site.link("department", d) for d in meta.departments),
        touchpoints=tuple(site.link("touchpoint", t) for t in meta.touchpoints),
        dimensions=tuple(site.link("dimension", d) for d in meta.dimensions) or (Link("All", ""),),
        trigger=trigger,
        firing=tuple(
            FiringScore(
                site.link("touchpoint", f.touchpoint),
                site.namer.dimension_name(f.dimension),
                f.score,
            )
            for f in site.firing[playbook.id]
        ),
        body=rendered.html,
        headings=rendered.headings,
    )
    return [
        PageSpec(
            path,
            "playbook.html",
            meta.title,
            context,
            rendered.text,
            "playbook",
            search_headings(rendered),
        )
    ]


def playbook_index_page(site: Site) -> PageSpec:
    """Every playbook by title, with its owner, touchpoints and whether it fires now."""
    project = site.project
    playbooks = tuple(
        PlaybookRow(
            link=site.link("playbook", p.id),
            status=p.meta.status,
            owner=site.link("department", p.meta.owner),
            departments=sorted({p.meta.owner, *p.meta.departments}),
            touchpoints=tuple(site.link("touchpoint", t) for t in p.meta.touchpoints),
            touchpoint_ids=list(p.meta.touchpoints),
            firing=bool(site.firing[p.id]),
        )
        for p in sorted(project.playbooks.values(), key=lambda p: p.meta.title)
    )
    departments = tuple((d, site.namer.name("department", d)) for d in project.departments)
    return PageSpec(
        "playbooks/index.html",
        "playbooks.html",
        "Playbooks",
        PlaybookIndexContext(playbooks, departments),
        kind="listing",
    )
