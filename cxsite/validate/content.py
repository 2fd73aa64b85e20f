"""Checks of content/: playbooks and pages (front matter, placeholder text left by
`cxsite new`, the ids they name) and the directives in their bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from cxsite.cache import Memo
from cxsite.directives import Vocabulary as DirectiveVocabulary
from cxsite.directives import located_problems
from cxsite.errors import LocatedError
from cxsite.keys import StageKey
from cxsite.load.sources import RawMarkdown, RawSources
from cxsite.markdown import find_directives_cached, may_hold_directives
from cxsite.model import Dimension, Page, PageMeta, PlaybookMeta
from cxsite.pydantic_errors import KnownIds, slugify
from cxsite.validate.located import Located, Origin, References, validate_model
from cxsite.workers import default_workers, run_jobs

PlaybookEntry = tuple[Located[PlaybookMeta], str, int]


def validate_playbooks(
    raw: list[RawMarkdown], errors: list[LocatedError], known: KnownIds
) -> dict[str, PlaybookEntry]:
    result: dict[str, PlaybookEntry] = {}
    for markdown in raw:
        if markdown.broken:
            continue
        if markdown.front_matter is None:
            errors.append(
                LocatedError(
                    markdown.rel,
                    1,
                    1,
                    "a playbook needs front matter (title, owner, touchpoints, trigger) "
                    "between `---` lines",
                )
            )
            continue
        origin = Origin(markdown.front_matter.source, ())
        if slugify(markdown.id) != markdown.id:
            errors.append(
                LocatedError(
                    markdown.rel,
                    0,
                    0,
                    f"playbook file name `{markdown.id}.md` is not a valid id "
                    "(it becomes the page address)",
                    f"rename it to `{slugify(markdown.id)}.md`",
                )
            )
            continue
        meta, meta_errors = validate_model(
            PlaybookMeta, markdown.front_matter.value, origin, known=known
        )
        errors.extend(meta_errors)
        if meta is not None:
            result[markdown.id] = (Located(meta, origin), markdown.body, markdown.body_line)
    return result


def check_playbook(entry: PlaybookEntry, refs: References, today: dt.date) -> list[LocatedError]:
    from cxsite.scaffold import first_placeholder

    located, body, body_line = entry
    meta, origin = located.item, located.origin
    placeholder = first_placeholder(body)
    errors: list[LocatedError] = []
    if placeholder is not None:
        text = body.splitlines()[placeholder].strip()
        errors.append(
            LocatedError(
                origin.source.path,
                body_line + placeholder,
                1,
                f"placeholder text from `cxsite new` is still here: `{text}`",
                "replace it, and any other placeholder line, with the playbook's own words",
                severity="warning",
            )
        )
    errors += refs.department(meta.owner, origin, ("owner",))
    for index, department in enumerate(meta.departments):
        errors += refs.department(department, origin, ("departments", index))
    for index, touchpoint in enumerate(meta.touchpoints):
        errors += refs.touchpoint(touchpoint, origin, ("touchpoints", index))
    for index, dimension in enumerate(meta.dimensions):
        errors += refs.dimension(dimension, origin, ("dimensions", index))
    if meta.review_by is not None and meta.review_by < today and meta.status != "retired":
        errors.append(
            origin.warning(
                ("review_by",),
                f"review date {meta.review_by.isoformat()} has passed",
                "review the playbook and set a new `review_by`",
            )
        )
    return errors


def check_directives(
    raw: RawSources,
    declared: Mapping[str, set[str]],
    dimensions: Mapping[str, Dimension] | None,
    memo: Memo,
) -> list[LocatedError]:
    """Every directive in every playbook and page: known name, arguments and ids."""
    known = {**declared, "stages": _stages_written(raw)}

    def ids(kind: str) -> frozenset[str] | None:
        journeys_unknown = "journeys" in raw.incomplete or "journeys" in raw.broken
        incomplete = kind in raw.incomplete or (kind == "stages" and journeys_unknown)
        return None if incomplete else frozenset(known[kind])

    vocabulary = DirectiveVocabulary(
        ids={kind.removesuffix("s"): ids(kind) for kind in known},
        dimensions=None if dimensions is None else frozenset(dimensions),
    )
    # Only a body that may hold a directive is parsed here. Parsing is the slow part: new
    # bodies are parsed in worker processes, once, and kept parsed in the memo as their
    # pages show them (a playbook's page without its title line).
    markdowns = [
        (markdown, shown_without_title)
        for group, shown_without_title in ((raw.playbooks, True), (raw.pages, False))
        for markdown in group
        if may_hold_directives(markdown.body)
    ]
    listed = run_jobs(
        [(markdown.body, shown_without_title) for markdown, shown_without_title in markdowns],
        lambda job, job_memo: [
            find_directives_cached(job[0], job_memo, shown_without_title=job[1])
        ],
        memo,
        workers=default_workers(),
    )
    errors: list[LocatedError] = []
    for (markdown, _), found in zip(markdowns, listed, strict=True):
        errors.extend(located_problems(found, vocabulary, markdown.rel, markdown.body_line))
    return errors


def _stages_written(raw: RawSources) -> set[str]:
    """`journey/stage` for every stage written in a journey, valid or not: a mistake in a
    journey must not make every directive naming one of its stages an error too."""
    stages = set()
    for doc in raw.kinds.get("journeys", []):
        for journey in doc.value if isinstance(doc.value, list) else [doc.value]:
            if not isinstance(journey, dict) or not isinstance(journey.get("stages"), list):
                continue
            for stage in journey["stages"]:
                if isinstance(stage, dict):
                    stages.add(str(StageKey(str(journey.get("id")), str(stage.get("id")))))
    return stages


def validate_pages(raw: list[RawMarkdown], errors: list[LocatedError]) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for markdown in raw:
        if markdown.broken:
            continue
        title: str | None = None
        if markdown.front_matter is not None:
            meta, meta_errors = validate_model(
                PageMeta, markdown.front_matter.value, Origin(markdown.front_matter.source, ())
            )
            errors.extend(meta_errors)
            if meta is None:
                continue
            title = meta.title
        page_id = slugify(markdown.id)
        pages[page_id] = Page(
            page_id,
            markdown.rel,
            title or _first_heading(markdown.body) or markdown.id.replace("-", " ").title(),
            markdown.body,
            markdown.body_line,
        )
    return pages


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
