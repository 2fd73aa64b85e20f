"""Where each page lives. Links are relative and point at files, so the same output works
from a server root, a sub-path and file://."""

from __future__ import annotations

from cxsite.keys import StageKey

SECTIONS = {
    "journey": "journeys",
    "touchpoint": "touchpoints",
    "department": "departments",
    "persona": "personas",
    "dimension": "dimensions",
    "playbook": "playbooks",
    "page": "pages",
}


def page_path(kind: str, item_id: str) -> str:
    """The path of an item's page from the site root, e.g. `touchpoints/support-call.html`."""
    if kind == "stage":
        kind, item_id = "journey", StageKey.parse(item_id).journey
    if kind == "overall":
        return "index.html"
    return f"{SECTIONS[kind]}/{item_id}.html"


def section_index(kind: str) -> str:
    return f"{SECTIONS[kind]}/index.html"


def root_of(path: str) -> str:
    """The relative prefix from a page back to the site root: "" or "../" per folder."""
    return "../" * path.count("/")
