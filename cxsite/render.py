"""Render the project into files: {relative path: bytes}. Pure: no file-system access."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from cxsite import __version__
from cxsite.cache import BuildCache, Memo, NoMemo, digest
from cxsite.keys import StageKey
from cxsite.model import Project, definitions_digest
from cxsite.schema import build_schemas, schema_json
from cxsite.scoring.engine import Scores
from cxsite.scoring.export import latest_scores_json_pieces, scores_csv
from cxsite.scoring.parquet import (
    PARQUET_WRITER,
    persona_parquet_pieces,
    scores_parquet_pieces,
)
from cxsite.site import insights, urls
from cxsite.site.chips import ChipHtml
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.feeds import SearchDocument, atom_feed, changes_csv, search_index, sitemap
from cxsite.site.pages import (
    CHANGE_PERIODS,
    NAV,
    PageFamily,
    PageJob,
    PageSpec,
    SiteBuilder,
    page_jobs,
)
from cxsite.site.scoreindex import ScoreIndex, status_rule
from cxsite.theme import ThemeRenderError, render_problem, template_fingerprint
from cxsite.workers import default_workers, run_jobs
from cxsite.write import Deferred, Output

SEARCH_TEXT_LIMIT = 4000


@dataclass(frozen=True)
class RenderedPage:
    """A page's bytes and what the search index and sitemap need of it."""

    path: str
    html: bytes | None  # None: remembered in the page cache under `key`
    title: str
    kind: str
    search_text: str
    headings: tuple[str, ...]  # ranked above the body by search
    key: str  # the page cache entry that holds `html`


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
    cache: BuildCache | None = None,
    workers: int | None = None,
) -> RenderedSite:
    """Every output file of the site, keyed by its path relative to the output root.

    `updated` (RFC 3339) is the one date the site shows: SOURCE_DATE_EPOCH or the data's
    latest period, so that the same input always gives the same bytes. Pages render in
    `workers` processes (default: one per core); the bytes do not depend on how many.
    Large files are deferred: made only if the output does not hold them already. With a
    cache, pages (and the score index they are made from) are reused where unchanged.
    """
    cache = cache or BuildCache.none()
    memo = cache.memo
    templates = template_fingerprint(env)
    # The environment that compiled these very templates, where the cache holds one.
    env = cache.get_or_make("theme", templates, lambda _: env)
    jobs = page_jobs(project)
    site = _site_fingerprint(project, scores, templates, updated)
    keys = [_job_key(site, job, project) if site else "" for job in jobs]
    built: dict[int, list[RenderedPage]] = {}
    for position, key in enumerate(keys):
        pages_of_job = _stored_job(memo, key) if key else None
        if pages_of_job is not None:
            built[position] = pages_of_job
    shared = _Shared(project, scores, env, cache)  # the score index, built only if a page needs it

    def render_job(position: int, job_memo: Memo) -> list[tuple[int, list[RenderedPage]]]:
        builder = shared.builder(job_memo)
        rendered = _render_job(builder, env, templates, jobs[position], job_memo, shared.chip_html)
        if keys[position]:
            job_memo.put("page-job", keys[position], _job_record(rendered))
        return [(position, rendered)]

    missing = [position for position in range(len(jobs)) if position not in built]
    workers = workers or default_workers()
    built.update(
        run_jobs(
            missing,
            render_job,
            memo,
            workers=workers,
            progress=progress,
            before_fork=lambda: shared.builder(memo).index.prepare(),  # shared by the workers
        )
    )
    pages = [page for position in range(len(jobs)) for page in built[position]]
    files: dict[str, Output] = {f"assets/{path}": data for path, data in assets.items()}
    files.update((page.path, _page_output(memo, page)) for page in pages)
    files.update(_data_files(project, scores, site, updated, shared))
    files["assets/search-index.js"] = search_index_bytes(pages)
    base_url = project.config.base_url
    files["sitemap.xml"] = sitemap(base_url, [p.path for p in pages if p.kind != "error"])
    return RenderedSite(
        dict(sorted(files.items())), [dataclasses.replace(p, html=None) for p in pages]
    )


@dataclass(frozen=True)
class RenderedSite:
    """Every output file, and the pages (without their HTML) as the search index saw them."""

    files: dict[str, Output]
    pages: list[RenderedPage]


def search_index_bytes(pages: Iterable[RenderedPage]) -> bytes:
    """The offline search index of the pages worth finding."""
    return search_index(
        [
            SearchDocument(p.title, p.path, p.kind, p.headings, p.search_text[:SEARCH_TEXT_LIMIT])
            for p in pages
            if p.kind not in ("error", "search", "listing")
        ]
    )


def _render_job(
    builder: SiteBuilder,
    env: jinja2.Environment,
    templates: str,
    job: PageJob,
    memo: Memo,
    chip_html: ChipHtml,
) -> list[RenderedPage]:
    """The pages of one job, rendered; a failure in the project's theme is a ThemeRenderError."""
    rendered = []
    page: PageSpec | None = None  # None while the job's pages are made
    try:
        for page in builder.build(job):
            context = _page_context(builder.project, builder.index, page, chip_html)
            key, html = _render_page(env, page, context, templates, memo)
            rendered.append(
                RenderedPage(
                    page.path,
                    html,
                    page.title,
                    page.kind,
                    page.search_text,
                    page.search_headings,
                    key,
                )
            )
    except Exception as exc:
        project = builder.project
        where = page.path if page is not None else " ".join(job)  # `playbook some-id`
        names = _page_context(project, builder.index, page, chip_html) if page else {}
        problem = render_problem(exc, env, project.root, project.config.theme, where, names)
        if problem is None:
            raise
        raise ThemeRenderError(problem) from exc
    return rendered


class _Shared:
    """The score index and page builder, made on first use (not at all when every page is
    remembered)."""

    def __init__(
        self, project: Project, scores: Scores, env: jinja2.Environment, cache: BuildCache
    ) -> None:
        self.project, self.scores, self.env, self.cache = project, scores, env, cache
        self.chip_html = ChipHtml(project.config.scoring.min_n)  # each chip made once
        self._builder: SiteBuilder | None = None

    def builder(self, memo: Memo) -> SiteBuilder:
        if self._builder is None:
            scores = self.scores
            rule = status_rule(self.project)
            index = self.cache.get_or_make(
                "score-index", scores.fingerprint, lambda _: ScoreIndex(scores, rule)
            )
            renderer = DirectiveRenderer(self.project, index, self.env, self.chip_html)
            self._builder = SiteBuilder(self.project, index, renderer, memo)
        self._builder.memo = memo  # a worker's pages remember through the worker's memo
        return self._builder


def _deferred(key: str, make: Callable[[], bytes | Iterable[bytes]]) -> Output:
    """A deferred file where its content has a key; made now where it has none."""
    if key:
        return Deferred(key, make)
    content = make()
    return content if isinstance(content, bytes) else b"".join(content)


def _data_files(
    project: Project, scores: Scores, site: str, updated: str, shared: _Shared
) -> dict[str, Output]:
    """scores.csv, scores.json, the Parquet tables, the Atom feed, changes.csv and the editor
    schemas."""

    def key(name: str, *version: str) -> str:
        return digest(name, *version, scores.fingerprint) if scores.fingerprint else ""

    files: dict[str, Output] = {
        "data/scores.csv": _deferred(key("scores.csv"), lambda: scores_csv(scores)),
        # "latest": a key of its own, so that no output keeps the scores.json of every month
        "data/scores.json": _deferred(
            key("scores.json", "latest"), lambda: latest_scores_json_pieces(scores)
        ),
        "data/scores.parquet": _deferred(
            key("scores.parquet", PARQUET_WRITER), lambda: scores_parquet_pieces(scores)
        ),
        "data/persona-scores.parquet": _deferred(
            key("persona-scores.parquet", PARQUET_WRITER),
            lambda: persona_parquet_pieces(scores),
        ),
        "feed.xml": _deferred(
            digest("feed.xml", site) if site else "",
            lambda: _feed(project, shared.builder(NoMemo()), updated),
        ),
        "data/changes.csv": _deferred(
            digest("changes.csv", site) if site else "",
            lambda: _changes_csv(shared.builder(NoMemo())),
        ),
    }
    # The editor schemas, with this build's ids, stay current at output/schema/.
    ids = {"department": list(project.departments), "persona": list(project.personas),
           "touchpoint": list(project.touchpoints)}  # fmt: skip
    for name, schema in build_schemas(list(project.dimensions), ids).items():
        files[f"schema/{name}"] = schema_json(schema)
    return files


def _changes_csv(builder: SiteBuilder) -> bytes:
    """Every change of the months the changes page shows."""
    return changes_csv(insights.change_log(builder.index, CHANGE_PERIODS), builder.namer)


def _feed(project: Project, builder: SiteBuilder, updated: str) -> bytes:
    """The Atom feed of the latest month's notable changes and significant improvements."""
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
            ("stage", str(StageKey.of(j, s))): urls.page_path("journey", j.id)
            for j in project.journeys.values()
            for s in j.stages
        }
    )
    link_of[("overall", "overall")] = "index.html"
    return atom_feed(
        project.config.title,
        project.config.base_url,
        updated,
        _feed_changes(builder.index),
        builder.namer,
        link_of,
    )


def _feed_changes(index: ScoreIndex) -> tuple[insights.Change, ...]:
    """The latest month's notable and improved changes (none if it has no month before)."""
    log = insights.change_log(index, periods=1)
    if not log or log[0].period != index.latest:
        return ()
    return (*log[0].notable, *log[0].improved)


def _page_output(memo: Memo, page: RenderedPage) -> Output:
    """A page's file: its HTML where just rendered, else read from the cache if needed."""
    html = page.html
    if html is not None:
        return Deferred(page.key, lambda: html)

    def stored() -> bytes:
        value = memo.get("page", page.key)
        if value is None:
            raise RuntimeError(f"the build cache lost the page {page.path}; build again")
        return value

    return Deferred(page.key, stored)


def _render_page(
    env: jinja2.Environment, page: PageSpec, context: dict[str, Any], templates: str, memo: Memo
) -> tuple[str, bytes]:
    """A page's cache key and HTML; remembered by template set and everything it shows."""
    key = digest(templates, page.template, repr(sorted(context.items())))
    stored = memo.get("page", key)
    if stored is not None:
        return key, stored
    html = env.get_template(page.template).render(context).encode("utf-8")
    memo.put("page", key, html)
    return key, html


def _page_context(
    project: Project, index: ScoreIndex, page: PageSpec, chip_html: ChipHtml
) -> dict[str, Any]:
    """What a page's template is given: the page's own context, and what every page has."""
    root = urls.root_of(page.path)
    if page.kind == "error" and project.config.base_url:
        # A server shows 404.html at any depth: links must be absolute to the site's path.
        root = urlsplit(project.config.base_url).path.rstrip("/") + "/"
    section = page.path.split("/")[0] + "/index.html" if "/" in page.path else page.path
    nav = [
        {"text": text, "href": href, "current": href in (page.path, section)} for text, href in NAV
    ]
    return {
        "root": root,
        "nav": nav,
        "site_title": project.config.title,
        "page_title": page.title,
        "version": __version__,
        "period": index.latest,
        "min_n": project.config.scoring.min_n,
        "chip_html": chip_html,
        "kind": page.kind,
        **page.context,
    }


def _site_fingerprint(project: Project, scores: Scores, templates: str, updated: str) -> str:
    """A hash of everything any page shows except Markdown bodies ("" when scores have none).

    Playbook and page bodies show only on their own page, so they key their own job.
    """
    if not scores.fingerprint:
        return ""
    playbooks = [(p.id, p.path, p.meta.model_dump_json()) for p in project.playbooks.values()]
    pages = [(p.id, p.path, p.title) for p in project.pages.values()]
    return digest(
        scores.fingerprint,
        templates,
        updated,
        project.config.model_dump_json(),
        definitions_digest(project),
        repr(playbooks),
        repr(pages),
    )


def _job_key(site: str, job: PageJob, project: Project) -> str:
    method, item_id = job
    body = ""
    if method == PageFamily.PLAYBOOK:
        body = project.playbooks[item_id].body
    elif method == PageFamily.CONTENT_PAGE:
        body = project.pages[item_id].body
    return digest(site, method, item_id, body)


def _job_record(pages: list[RenderedPage]) -> bytes:
    """What a job built, without the HTML (kept once, in the page cache)."""
    return json.dumps(
        [[p.path, p.title, p.kind, p.search_text, list(p.headings), p.key] for p in pages],
        ensure_ascii=False,
    ).encode("utf-8")


def _stored_job(memo: Memo, key: str) -> list[RenderedPage] | None:
    """The pages a job built before, if the job's record and every page are cached."""
    record = memo.get("page-job", key)
    if record is None:
        return None
    pages = []
    for entry in json.loads(record):
        if len(entry) != 6:  # a record from before pages carried their headings
            return None
        path, title, kind, search_text, headings, page_key = entry
        if not memo.has("page", page_key):
            return None
        pages.append(RenderedPage(path, None, title, kind, search_text, tuple(headings), page_key))
    return pages
