"""Render the project into files: {relative path: bytes}. Pure: no file-system access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from cxsite import __version__
from cxsite.project import Project
from cxsite.scoring.engine import Scores
from cxsite.scoring.export import scores_csv, scores_json


@dataclass(frozen=True)
class Listing:
    """One section of the index page: a kind and the names of its items."""

    title: str
    items: tuple[tuple[str, str], ...]  # (id, display name)


def index_listings(project: Project) -> tuple[Listing, ...]:
    """What was loaded, kind by kind, for the index page."""
    return (
        Listing("Dimensions", tuple((d.id, d.name) for d in project.dimensions.values())),
        Listing("Departments", tuple((d.id, d.name) for d in project.departments.values())),
        Listing("Personas", tuple((p.id, p.name) for p in project.personas.values())),
        Listing("Journeys", tuple((j.id, j.name) for j in project.journeys.values())),
        Listing("Touchpoints", tuple((t.id, t.name) for t in project.touchpoints.values())),
        Listing("Playbooks", tuple((p.id, p.meta.title) for p in project.playbooks.values())),
        Listing("Pages", tuple((p.id, p.title) for p in project.pages.values())),
    )


@dataclass(frozen=True)
class ScoreCell:
    """One score as shown: the same 2-decimal text as scores.csv, and its status in words."""

    score: str
    status: str
    low_sample: bool


@dataclass(frozen=True)
class ScoreRow:
    """A line of the latest-scores table: an item and its score per dimension (or None)."""

    level: str
    id: str
    name: str
    cells: tuple[ScoreCell | None, ...]


def latest_score_rows(project: Project, scores: Scores) -> tuple[ScoreRow, ...]:
    """Overall and journey scores of the latest period, `all` first, then each dimension."""
    period = scores.latest_period
    if period is None:
        return ()
    table = scores.table[scores.table["period"] == period]
    wanted = table[table["level"].isin(["overall", "journey"])]
    cells = {
        (r["level"], r["id"], r["dimension"]): ScoreCell(
            f"{r['score']:.2f}", str(r["status"]), bool(r["low_sample"])
        )
        for r in wanted.to_dict("records")
    }
    dimensions = ["all", *project.dimensions]
    items = [("overall", "overall", "All journeys")] + [
        ("journey", j.id, j.name) for j in project.journeys.values()
    ]
    return tuple(
        ScoreRow(level, item_id, name, tuple(cells.get((level, item_id, d)) for d in dimensions))
        for level, item_id, name in items
    )


def render_site(
    project: Project, scores: Scores, env: jinja2.Environment, assets: Mapping[str, bytes]
) -> dict[str, bytes]:
    """Every output file of the site, keyed by its path relative to the output root."""
    files = {f"assets/{path}": data for path, data in assets.items()}
    files["data/scores.csv"] = scores_csv(scores)
    files["data/scores.json"] = scores_json(scores)
    page = env.get_template("index.html").render(
        title=project.config.title,
        listings=index_listings(project),
        period=scores.latest_period,
        dimension_names=["All", *(d.name for d in project.dimensions.values())],
        score_rows=latest_score_rows(project, scores),
        root="",
        version=__version__,
    )
    files["index.html"] = page.encode("utf-8")
    return dict(sorted(files.items()))
