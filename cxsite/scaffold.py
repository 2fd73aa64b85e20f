"""`cxsite init` and `cxsite new`: files written from templates, refusing to overwrite."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from cxsite.errors import did_you_mean
from cxsite.model import Project
from cxsite.pydantic_errors import slugify


class ScaffoldError(Exception):
    """A file cannot be written: it exists, or an id is unknown."""


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            found.extend(_walk(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((f"{prefix}{entry.name}", entry.read_bytes()))
    return found


def a_year_after(today: dt.date) -> dt.date:
    """The same day next year (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def starter_files(title: str, today: dt.date) -> dict[str, bytes]:
    """The starter project: its files by relative path, with title and review date filled in."""
    review_by = a_year_after(today)
    files = {}
    for rel, data in _walk(resources.files("cxsite") / "scaffold" / "project"):
        text = data.decode("utf-8")
        text = text.replace("{title}", title.replace('"', "'")).replace(
            "{review_by}", review_by.isoformat()
        )
        files[rel] = text.encode("utf-8")
    return files


def init_project(target: Path, title: str, force: bool, today: dt.date) -> list[Path]:
    """Write the starter project into `target`; refuse to overwrite unless `force`."""
    files = starter_files(title, today)
    existing = sorted(rel for rel in [*files, ".gitignore"] if (target / rel).exists())
    if existing and not force:
        raise ScaffoldError(
            f"{target} already has {', '.join(existing[:5])}"
            + (" and more" if len(existing) > 5 else "")
            + "; use --force to overwrite"
        )
    files[".gitignore"] = b"/output/\n.cxsite-cache/\n"
    written = []
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


@dataclass(frozen=True)
class NewFile:
    """A file to create (or a list file to append to) for `cxsite new`."""

    path: Path
    text: str
    append: bool = False


def _known(kind: str, value: str, ids: list[str]) -> None:
    if value not in ids:
        hint = did_you_mean(value, ids)
        raise ScaffoldError(f"unknown {kind} `{value}`" + (f"; {hint}" if hint else ""))


def _item_file(project: Project, kind: str, item_id: str, item: dict[str, object]) -> NewFile:
    """One file per item when the kind uses a folder, else an entry appended to the list file."""
    data = project.root / "data"
    folder = data / kind
    single = next(
        (data / f"{kind}{s}" for s in (".yaml", ".yml") if (data / f"{kind}{s}").is_file()), None
    )
    text = yaml.safe_dump(item, sort_keys=False, allow_unicode=True, width=100)
    if single is not None:
        entry = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100)
        return NewFile(single, entry, append=True)
    path = folder / f"{item_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    return NewFile(path, text)


# The lines `cxsite new playbook` writes for the writer to replace; `cxsite check` warns
# about a playbook that still holds one.
PLACEHOLDERS = (
    "Why this playbook exists, in one paragraph.",
    "1. **Owner**: first step, within a day.",
    "2. **Supporting team**: next step.",
)


def first_placeholder(body: str) -> int | None:
    """The 0-based index of the body's first line that is still a placeholder, if any."""
    return next(
        (index for index, line in enumerate(body.splitlines()) if line.strip() in PLACEHOLDERS),
        None,
    )


def new_playbook(
    project: Project, title: str, touchpoints: list[str], owner: str | None, today: dt.date
) -> NewFile:
    """A playbook with valid front matter for the given touchpoints."""
    if not touchpoints:
        raise ScaffoldError("name at least one --touchpoint")
    for touchpoint in touchpoints:
        _known("touchpoint", touchpoint, list(project.touchpoints))
    owner = owner or project.touchpoints[touchpoints[0]].owner
    _known("department", owner, list(project.departments))
    departments = list(dict.fromkeys([owner, *(project.touchpoints[t].owner for t in touchpoints)]))
    path = project.root / "content" / "playbooks" / f"{slugify(title)}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    front = {
        "title": title,
        "owner": owner,
        "departments": departments,
        "touchpoints": touchpoints,
        "trigger": {"status": "red"},
        "status": "draft",
        "review_by": a_year_after(today),
    }
    score = "\n".join(f'{{{{< score touchpoint="{t}" >}}}}' for t in touchpoints)
    why, first_step, next_step = PLACEHOLDERS
    body = (
        f"{why}\n\nRight now:\n\n{score}\n\n"
        f"## Who does what\n\n{first_step}\n{next_step}\n\n"
        "## How we know it worked\n\n- [ ] The score is back above its trigger for two months.\n"
    )
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n" + body
    return NewFile(path, text)


CHANNEL_MODES = {
    "web": "online",
    "app": "online",
    "email": "online",
    "chat": "online",
    "social": "online",
}


def new_touchpoint(project: Project, name: str, owner: str, channel: str) -> NewFile:
    _known("department", owner, list(project.departments))
    item_id = slugify(name)
    if item_id in project.touchpoints:
        raise ScaffoldError(f"touchpoint `{item_id}` already exists")
    item = {
        "id": item_id,
        "name": name,
        "description": "",
        "channel": channel,
        "mode": CHANNEL_MODES.get(channel, "offline"),
        "owner": owner,
        "importance": 3,
    }
    return _item_file(project, "touchpoints", item_id, item)


def new_persona(project: Project, name: str, segment: str, personality: str) -> NewFile:
    item_id = slugify(name)
    if item_id in project.personas:
        raise ScaffoldError(f"persona `{item_id}` already exists")
    item = {
        "id": item_id,
        "name": name,
        "segment": segment,
        "personality": personality,
        "share": 0,
        "goals": [],
        "pains": [],
        "quote": "",
        "expectations": {},
    }
    return _item_file(project, "personas", item_id, item)


def write_new(new: NewFile) -> None:
    new.path.parent.mkdir(parents=True, exist_ok=True)
    if new.append:
        existing = new.path.read_text(encoding="utf-8")
        separator = "" if existing.endswith("\n") or not existing else "\n"
        new.path.write_text(existing + separator + new.text, encoding="utf-8")
    else:
        new.path.write_text(new.text, encoding="utf-8")
