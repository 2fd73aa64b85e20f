"""Quick rebuilds after a playbook's text is edited, for builds in one process (`serve`).

When the only inputs changed since the last complete build in this process are playbook
bodies, with the same front matter and no directive problem, nothing but those playbooks'
pages and the search index can change: every other page depends on front matter, data
and scores only. Those files are rendered and replaced one by one (each atomically); the
rest of the output stays. Anything else (a new or deleted file, a front-matter edit, any
problem to report) goes to the full build, which reports it exactly as always.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from cxsite.cache import digest
from cxsite.directives import Vocabulary, located_problems
from cxsite.load.files import read_text, split_front_matter
from cxsite.load.yaml_source import parse_yaml
from cxsite.markdown import find_directives
from cxsite.model import Playbook, PlaybookMeta
from cxsite.outcome import BuildResult
from cxsite.project import Project
from cxsite.render import RenderedPage, render_pages, search_index_bytes
from cxsite.scaffold import first_placeholder
from cxsite.scoring.engine import Scores
from cxsite.theme import ThemeRenderError
from cxsite.uptodate import InputStamps, changed_inputs, input_stamps
from cxsite.validate import Origin, validate_model
from cxsite.write import Manifest, output_matches, remove_leftovers

PLAYBOOKS = "content/playbooks/"
SEARCH_INDEX = "assets/search-index.js"


@dataclass(frozen=True)
class BuildState:
    """What the last complete build in this process read and made."""

    stamps: InputStamps
    extra: tuple[str, ...]  # measurement files outside the input folders
    project: Project  # as rendered (with any --base-url applied)
    scores: Scores
    env: jinja2.Environment
    pages: tuple[RenderedPage, ...]  # without HTML: paths, titles and search text
    result: BuildResult
    manifest: Manifest  # what the output holds


_last: dict[str, BuildState] = {}


def remember(settings: str, state: BuildState) -> None:
    """Keep the state of a complete build with these settings (output, base URL, ...)."""
    _last.clear()  # one project and output at a time: serve builds one
    _last[settings] = state


def forget() -> None:
    _last.clear()


def quick_rebuild(
    root: Path, output: Path, settings: str, stamps: InputStamps
) -> BuildResult | None:
    """The build, done by re-rendering edited playbooks only; None where that cannot be.

    `stamps` are the inputs' stamps now, taken before anything is read.
    """
    state = _last.get(settings)
    if state is None or not output_matches(output, state.manifest):
        return None
    unstamped = [name for name in state.extra if name not in stamps.stamps]
    stamps = stamps.with_files(input_stamps(root, unstamped, folders=False))
    changed = changed_inputs(root, state.stamps, stamps)
    if not changed or not all(
        _is_playbook(p) and p in state.stamps.stamps and p in stamps.stamps for p in changed
    ):
        return None
    project = state.project
    edited: dict[str, Playbook] = {}
    for rel in sorted(changed):
        playbook = _same_front_matter(root, rel, project)
        if playbook is None:
            return None
        edited[playbook.id] = playbook
    project = dataclasses.replace(project, playbooks={**project.playbooks, **edited})
    try:
        pages = render_pages(project, state.scores, state.env, [("playbook", i) for i in edited])
    except ThemeRenderError:  # the full build reports it
        return None
    by_path = {page.path: page for page in pages}
    all_pages = tuple(by_path.get(p.path, p) for p in state.pages)
    files = {page.path: page.html for page in pages if page.html is not None}
    files[SEARCH_INDEX] = search_index_bytes(all_pages)
    remove_leftovers(output)
    manifest = {**state.manifest, **_replace_files(output, files)}
    _last[settings] = dataclasses.replace(
        state,
        stamps=stamps,
        project=project,
        pages=tuple(dataclasses.replace(p, html=None) for p in all_pages),
        manifest=manifest,
    )
    return state.result


def _is_playbook(rel: str) -> bool:
    return rel.startswith(PLAYBOOKS) and rel.endswith(".md") and "/" not in rel[len(PLAYBOOKS) :]


def _same_front_matter(root: Path, rel: str, project: Project) -> Playbook | None:
    """The playbook at `rel` with its new body, if its front matter validates to the same
    meta as before and its directives have nothing to report."""
    playbook_id = rel[len(PLAYBOOKS) : -len(".md")]
    before = project.playbooks.get(playbook_id)
    text, errors = read_text(root / rel, root)
    if before is None or text is None or errors:
        return None
    split, errors = split_front_matter(text)
    if split is None or errors or split.yaml_text is None:
        return None
    document, errors = parse_yaml(split.yaml_text, rel, line_offset=split.yaml_line - 1)
    if document is None or errors:
        return None
    meta, errors = validate_model(PlaybookMeta, document.value, Origin(document.source, ()))
    if meta is None or errors or meta != before.meta:
        return None
    if first_placeholder(split.body) is not None or first_placeholder(before.body) is not None:
        return None  # its placeholder warning may come, go or move: the full build reports it
    found = find_directives(split.body)
    if located_problems(found, _vocabulary(project), rel, split.body_line):
        return None
    return dataclasses.replace(before, body=split.body, body_line=split.body_line)


def _vocabulary(project: Project) -> Vocabulary:
    stages = {f"{j.id}/{s.id}" for j in project.journeys.values() for s in j.stages}
    ids: Mapping[str, frozenset[str] | None] = {
        "department": frozenset(project.departments),
        "persona": frozenset(project.personas),
        "touchpoint": frozenset(project.touchpoints),
        "journey": frozenset(project.journeys),
        "stage": frozenset(stages),
    }
    return Vocabulary(ids=ids, dimensions=frozenset(project.dimensions))


def _replace_files(output: Path, files: Mapping[str, bytes]) -> Manifest:
    """Replace each file atomically (a reader sees the old file or the new one)."""
    replaced: Manifest = {}
    for relative_path, data in files.items():
        target = output / relative_path
        handle, temporary = tempfile.mkstemp(prefix=".cxsite-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        stat = target.stat()
        replaced[relative_path] = (digest(data), stat.st_size, stat.st_mtime_ns)
    return replaced
