"""A department's page, leading with what needs its attention, and the complete tables of
the touchpoints it owns and supports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cxsite.model import Department
from cxsite.site import insights, urls
from cxsite.site.change_views import HandOffView, hand_off_views
from cxsite.site.pages.lists import complete_list
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import HAND_OFFS, TOP, PageContext, PageSpec
from cxsite.site.views import AttentionView, Chip, Link, TouchpointCard, chips, touchpoint_card


@dataclass(frozen=True)
class CardTable:
    """The first TOP touchpoints of a role, worst first, and a link to all of them when the
    page cannot show them all."""

    cards: list[TouchpointCard]
    total: int
    complete: Link | None


@dataclass(frozen=True)
class FiringPlaybook:
    playbook: Link


@dataclass(frozen=True)
class DepartmentContext(PageContext):
    department: Department
    chips: tuple[Chip, ...]
    dimension_labels: list[str]
    summary: str
    attention: tuple[AttentionView, ...]
    attention_more: int
    owned: CardTable
    supported: CardTable
    handoffs: tuple[HandOffView, ...]
    handoffs_more: int
    playbooks: tuple[Link, ...]
    firing: tuple[FiringPlaybook, ...]


def department_pages(site: Site, department_id: str) -> list[PageSpec]:
    """A department's page, leading with what needs its attention; and the complete
    tables of the touchpoints it owns and supports, when longer than the page shows."""
    project, index = site.project, site.index
    department = project.departments[department_id]
    back = site.link("department", department.id)
    owned = site.worst_first(
        [touchpoint_card(site.namer, index, t) for t in project.touchpoints.values()
         if t.owner == department.id]
    )  # fmt: skip
    supported = site.worst_first(
        [touchpoint_card(site.namer, index, t) for t in project.touchpoints.values()
         if department.id in t.supporting]
    )  # fmt: skip
    lists: list[PageSpec] = []
    tables = {}
    for role, cards in (("owned", owned), ("supported", supported)):
        complete = None
        if len(cards) > TOP:  # the complete table on pages of its own
            name = f"department-{department.id}-{role}"
            title = f"{department.name}: touchpoints it {role[:-1]}s"
            pages = complete_list(site, name, title, cards, back)
            lists += pages
            complete = Link(f"all {len(cards)}", pages[0].path)
        tables[role] = CardTable(cards[:TOP], len(cards), complete)
    attention = [r for r in site.brief.rows if r.owner == department.id]
    statuses = Counter(c.overall.score.status if c.overall.score else "none" for c in owned)
    handoffs = insights.hand_offs_of_department(site.hand_offs, department.id)
    involved = [
        p.id
        for p in project.playbooks.values()
        if p.meta.owner == department.id or department.id in p.meta.departments
    ]
    context = DepartmentContext(
        department=department,
        chips=chips(site.namer, index, "department", department.id),
        dimension_labels=site.dimension_labels,
        summary=department_summary(len(owned), statuses, len(attention)),
        attention=tuple(site.attention_view(r) for r in attention[:TOP]),
        attention_more=max(0, len(attention) - TOP),
        owned=tables["owned"],
        supported=tables["supported"],
        handoffs=hand_off_views(site.namer, site.fewest(handoffs)),
        handoffs_more=max(0, len(handoffs) - HAND_OFFS),
        playbooks=tuple(site.link("playbook", p) for p in involved),
        firing=tuple(FiringPlaybook(site.link("playbook", p)) for p in involved if site.firing[p]),
    )
    path = urls.page_path("department", department.id)
    page = PageSpec(
        path, "department.html", department.name, context, department.description, "department"
    )
    return [page, *lists]


def department_summary(owned: int, statuses: Counter[str], attention: int) -> str:
    """What a department head reads first: how many of its touchpoints are in each status."""
    if not owned:
        return "It owns no touchpoint; it supports others (below)."
    counts = [f"{statuses[s]} {s}" for s in ("red", "amber", "green") if statuses[s]]
    if statuses["none"]:
        counts.append(f"{statuses['none']} without a score")
    need = f"{attention} need{'s' if attention == 1 else ''} attention" if attention else ""
    need = need or "none needs attention"
    return f"It owns {owned} touchpoint{'s' if owned != 1 else ''}: {', '.join(counts)}; {need}."
