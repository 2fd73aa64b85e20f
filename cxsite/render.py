"""Render the project into files: {relative path: bytes}. Pure: no file-system access."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import jinja2

from cxsite import __version__
from cxsite.cache import Memo, NoMemo, digest
from cxsite.project import Project
from cxsite.schema import build_schemas, schema_json
from cxsite.scoring.engine import Scores
from cxsite.scoring.export import scores_csv, scores_json
from cxsite.site import insights, urls
from cxsite.site.charts import load_templates
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.feeds import atom_feed, search_index, sitemap
from cxsite.site.pages import NAV, PageSpec, SiteBuilder
from cxsite.site.scoreindex import ScoreIndex
from cxsite.theme import template_fingerprint

SEARCH_TEXT_LIMIT = 4000

# Told (pages done, pages in all) as pages render, for a progress bar; no effect on output.
Progress = Callable[[int, int], None]


def render_site(
    project: Project,
    scores: Scores,
    env: jinja2.Environment,
    assets: Mapping[str, bytes],
    *,
    updated: str,
    progress: Progress | None = None,
    memo: Memo | None = None,
) -> dict[str, bytes]:
    """Every output file of the site, keyed by its path relative to the output root.

    `updated` (RFC 3339) is the one date the site shows: SOURCE_DATE_EPOCH or the data's
    latest period, so that the same input always gives the same bytes.
    """
    memo = memo or NoMemo()
    load_templates(memo)
    index = ScoreIndex(scores)
    builder = SiteBuilder(project, index, DirectiveRenderer(project, index, env), memo)
    templates = template_fingerprint(env)
    pages = builder.pages()
    files = {f"assets/{path}": data for path, data in assets.items()}
    for done, page in enumerate(pages, 1):
        files[page.path] = _render_page(env, project, index, page, templates, memo)
        if progress is not None:
            progress(done, len(pages))
    files["data/scores.csv"] = scores_csv(scores)
    # The editor schemas, with this build's ids, stay current at output/schema/.
    ids = {"department": list(project.departments), "persona": list(project.personas),
           "touchpoint": list(project.touchpoints)}  # fmt: skip
    for name, schema in build_schemas(list(project.dimensions), ids).items():
        files[f"schema/{name}"] = schema_json(schema)
    files["data/scores.json"] = scores_json(scores)
    files["assets/search-index.js"] = search_index(
        [
            {
                "title": p.title,
                "url": p.path,
                "kind": p.kind,
                "text": p.search_text[:SEARCH_TEXT_LIMIT],
            }
            for p in pages
            if p.kind not in ("error", "search", "listing")
        ]
    )
    link_of = {
        (kind, item_id): urls.page_path(kind, item_id)
        for kind, ids in (
            ("touchpoint", project.touchpoints),
            ("journey", project.journeys),
            ("department", project.departments),
            ("persona", project.personas),
        )
        for item_id in ids
    }
    link_of.update(
        {
            ("stage", f"{j.id}/{s.id}"): urls.page_path("journey", j.id)
            for j in project.journeys.values()
            for s in j.stages
        }
    )
    link_of[("overall", "overall")] = "index.html"
    base_url = project.config.base_url
    files["feed.xml"] = atom_feed(
        project.config.title,
        base_url,
        updated,
        insights.status_changes(index),
        builder.namer,
        link_of,
    )
    files["sitemap.xml"] = sitemap(base_url, [p.path for p in pages if p.kind != "error"])
    return dict(sorted(files.items()))


def _render_page(
    env: jinja2.Environment,
    project: Project,
    index: ScoreIndex,
    page: PageSpec,
    templates: str,
    memo: Memo,
) -> bytes:
    """A page's HTML; remembered by template set and everything the page shows."""
    root = urls.root_of(page.path)
    if page.kind == "error" and project.config.base_url:
        # A server shows 404.html at any depth: links must be absolute to the site's path.
        root = urlsplit(project.config.base_url).path.rstrip("/") + "/"
    section = page.path.split("/")[0] + "/index.html" if "/" in page.path else page.path
    nav = [
        {"text": text, "href": href, "current": href in (page.path, section)} for text, href in NAV
    ]
    context = {
        "root": root,
        "nav": nav,
        "site_title": project.config.title,
        "page_title": page.title,
        "version": __version__,
        "period": index.latest,
        "kind": page.kind,
        **page.context,
    }
    key = digest(templates, page.template, repr(sorted(context.items())))
    stored = memo.get("page", key)
    if stored is not None:
        return stored
    html = env.get_template(page.template).render(context).encode("utf-8")
    memo.put("page", key, html)
    return html
