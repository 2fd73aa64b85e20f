"""The build pipeline in one place: load → validate → aggregate → score → render → write."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
import pandas as pd

from cxsite.cache import CACHE_DIR, RECENT, Memo, NoMemo, SqliteMemo, digest
from cxsite.errors import Diagnostics, LocatedError
from cxsite.load.measurements import file_hash, measurement_partials
from cxsite.outcome import BuildResult
from cxsite.project import Project, definitions_digest, read_project
from cxsite.quick import BuildState, quick_rebuild, remember
from cxsite.render import Progress, RenderedPage, render_site
from cxsite.scoring.engine import Scores, score_project
from cxsite.scoring.measures import Measure
from cxsite.theme import ThemeRenderError, theme_assets, theme_environment, vendor_assets
from cxsite.uptodate import (
    INPUT_FOLDERS,
    RACY_NS,
    UNKNOWN,
    InputStamps,
    Summary,
    build_settings_key,
    check_inputs,
    input_stamps,
    manifest_key,
    record,
)
from cxsite.validate import is_base_url
from cxsite.write import (
    Manifest,
    UnsafeOutputError,
    check_output_dir,
    manifest_bytes,
    manifest_of,
    write_site,
)

# Raised when what score_project returns changes shape or order, so cached scores are not
# read back as if they had the new one.
SCORES_FORMAT = "scores-2"


@dataclass(frozen=True)
class Analysis:
    """A project read, validated and scored; project and scores are None where errors stop it."""

    project: Project | None
    scores: Scores | None
    diagnostics: Diagnostics
    measurement_paths: tuple[str, ...] | None = None  # as cxsite.yaml names them


def analyse(
    root: Path, today: dt.date | None = None, memo: Memo | None = None, *, score: bool = True
) -> Analysis:
    """Load and validate the project, aggregate its measurements and (with `score`) score it.

    With errors in the definitions, the measurement files are still checked, against the
    definitions that are valid (`Reading.checkable`): one run reports every problem.
    """
    reading = read_project(root, today, memo)
    project, diagnostics = reading.checkable, reading.diagnostics
    paths = reading.measurement_paths
    if project is None:
        return Analysis(None, None, diagnostics, paths)
    if memo is None:
        partials, measures, problems = measurement_partials(project, None, today)
        inputs = ""
    else:
        definitions = definitions_digest(project)
        inputs = _measurement_inputs(project, memo, today, definitions)
        partials, measures, problems = RECENT.get_or_make(
            "partials", inputs, memo, lambda traced: measurement_partials(project, traced, today)
        )
    diagnostics.extend(problems)
    if reading.project is None:
        return Analysis(None, None, diagnostics, paths)
    if diagnostics.errors or not score:
        return Analysis(project, None, diagnostics, paths)
    if memo is None:
        return Analysis(project, score_project(project, partials, measures), diagnostics, paths)
    key = digest(SCORES_FORMAT, inputs, project.config.scoring.model_dump_json(), definitions)
    scores = RECENT.get_or_make(
        "scores", key, memo, lambda traced: _cached_scores(project, partials, measures, traced, key)
    )
    return Analysis(project, scores, diagnostics, paths)


def _measurement_inputs(
    project: Project, memo: Memo, today: dt.date | None, definitions: str
) -> str:
    """A hash of everything the partials depend on: files, settings, ids, targets, month."""
    contents = [
        file_hash(memo, project.root / source.path) or "" for source in project.config.measurements
    ]
    month = (today or dt.date.today()).strftime("%Y-%m")
    return digest(project.config.model_dump_json(), definitions, month, *contents)


def _cached_scores(
    project: Project,
    partials: pd.DataFrame,
    measures: tuple[Measure, ...],
    memo: Memo,
    key: str,
) -> Scores:
    """score_project, remembered in the cache under `key`."""
    stored_table = memo.get("scores", f"{key}-table")
    stored_personas = memo.get("scores", f"{key}-personas")
    if stored_table is not None and stored_personas is not None:
        table = pd.read_parquet(io.BytesIO(stored_table))
        personas = pd.read_parquet(io.BytesIO(stored_personas))
        return Scores(table, personas, tuple(sorted(table["period"].unique())), key)
    scores = replace(score_project(project, partials, measures), fingerprint=key)
    for part, frame in (("table", scores.table), ("personas", scores.persona_touchpoints)):
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        memo.put("scores", f"{key}-{part}", buffer.getvalue())
    return scores


def clear_cache(root: Path) -> None:
    """Forget everything cached for the project at `root`."""
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)


def analyse_cached(root: Path, today: dt.date | None = None, *, score: bool = True) -> Analysis:
    """`analyse`, with unchanged measurement files and scores read from the project's cache;
    what it computed is cached only when it found no error (a failed command changes
    nothing)."""
    cache = SqliteMemo(root.resolve() / CACHE_DIR)
    analysis: Analysis | None = None
    try:
        analysis = analyse(root, today, cache, score=score)
        return analysis
    finally:
        if analysis is not None and not analysis.diagnostics.errors:
            cache.commit(prune=False)  # not a build: what it did not use may still be needed
        else:
            cache.discard()


def check(root: Path, today: dt.date | None = None) -> Diagnostics:
    """Every problem of the project; unchanged measurement files are not read again."""
    return analyse_cached(root, today, score=False).diagnostics


def build_date(latest_period: str | None) -> str:
    """The one date a build shows (RFC 3339): SOURCE_DATE_EPOCH, else the latest period."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{latest_period or '1970-01'}-01T00:00:00Z"


def build(
    root: Path,
    output: Path | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    memo: Memo | None = None,
    reuse: bool = True,
    clean: bool = False,
) -> BuildResult:
    """Build the site of the project at `root` into `output` (default `root/output`).

    Without a memo, the project's `.cxsite-cache/` is used, so a rebuild redoes only what
    changed; the output is byte for byte what a clean build gives (`clean` ignores the
    cache, and replaces it when the build succeeds). With `reuse`, a build with nothing
    changed since the last one reports that one instead (serve turns it off: it wants its
    first build in memory, for quick rebuilds after each save). A refused or failed build
    changes nothing: not the output, not the cache.
    """
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "output").resolve()
    try:  # before anything is read or written
        check_output_dir(output, root)
    except UnsafeOutputError as exc:
        diagnostics = Diagnostics([LocatedError(str(output), 0, 0, str(exc), category="config")])
        return BuildResult(diagnostics, None, 0, time.perf_counter() - started)
    settings = build_settings_key(output, base_url, strict)
    # Stamped before anything is read: a save while building counts.
    stamped_at = time.time_ns()
    unchanged, inputs, extra_before = check_inputs(root, output, base_url, strict)
    if memo is None and today is None and not clean:
        if reuse and unchanged is not None:
            return unchanged
        quick = quick_rebuild(root, output, settings, inputs)
        if quick is not None:
            return replace(quick, seconds=time.perf_counter() - started, unchanged=False)
    cache = SqliteMemo(root / CACHE_DIR, fresh=clean) if memo is None else None
    result: BuildResult | None = None
    try:
        result, done = _build(
            root, output, base_url, strict, today, progress, memo or cache, started
        )
        if cache is not None and today is None and done is not None:
            extra = _elsewhere(done.sources)
            inputs = _with_late_stamps(root, inputs, extra, extra_before, stamped_at)
            summary = Summary(result.files, result.pages, result.touchpoints, result.red)
            record(cache, settings, inputs, summary, result.diagnostics, extra)
            state = BuildState(inputs, tuple(extra), done.project, done.scores, done.env,
                               tuple(done.pages), result, done.manifest)  # fmt: skip
            remember(settings, state)
        return result
    finally:
        if cache is not None:  # only a complete build changes the cache
            if result is not None and result.output is not None:
                cache.commit(prune=True)
            else:
                cache.discard()


def _elsewhere(paths: Iterable[str]) -> list[str]:
    """The files among `paths` outside the input folders (stamped one by one)."""
    return [path for path in paths if os.path.normpath(path).split(os.sep)[0] not in INPUT_FOLDERS]


def _with_late_stamps(
    root: Path, inputs: InputStamps, extra: list[str], stamped: list[str], stamped_at: int
) -> InputStamps:
    """`inputs` with the stamps of measurement files elsewhere that were not stamped before
    the build read them (new in cxsite.yaml); one that changed since the build started may
    have changed after it was read: its content counts as unknown, so the next build
    reads it again."""
    late = input_stamps(root, [path for path in extra if path not in stamped], folders=False)
    unknown = {
        name: UNKNOWN
        for name, (_, mtime, ctime, _) in late.stamps.items()
        if stamped_at - max(mtime, ctime) < RACY_NS
    }
    dropped = set(stamped) - set(extra)  # no longer read
    kept = {name: stamp for name, stamp in inputs.stamps.items() if name not in dropped}
    hashes = {name: value for name, value in inputs.hashes.items() if name not in dropped}
    return InputStamps({**kept, **late.stamps}, {**hashes, **late.hashes, **unknown})


@dataclass(frozen=True)
class _Done:
    """What a complete build read and rendered, for the next build in this process."""

    sources: list[str]  # the measurement files (relative to the project)
    project: Project  # as rendered
    scores: Scores
    env: jinja2.Environment
    pages: list[RenderedPage]
    manifest: Manifest


def _build(
    root: Path,
    output: Path,
    base_url: str | None,
    strict: bool,
    today: dt.date | None,
    progress: Progress | None,
    memo: Memo | None,
    started: float,
) -> tuple[BuildResult, _Done | None]:
    """The build, and what it read and rendered when it was complete."""
    analysis = analyse(root, today, memo)
    diagnostics = analysis.diagnostics
    project, scores = analysis.project, analysis.scores
    paths = analysis.measurement_paths
    extra_inputs = None if paths is None else tuple(_elsewhere(paths))

    def failed() -> tuple[BuildResult, None]:
        seconds = time.perf_counter() - started
        return BuildResult(diagnostics, None, 0, seconds, extra_inputs=extra_inputs), None

    if project is None or scores is None or (strict and diagnostics.warnings):
        return failed()
    if base_url is not None:
        if not is_base_url(base_url):
            message = (
                f"--base-url must be an http(s) URL or a path starting with `/`, not `{base_url}`"
            )
            diagnostics.add(LocatedError("--base-url", 0, 0, message, category="config"))
            return failed()
        project = replace(project, config=project.config.model_copy(update={"base_url": base_url}))
    env = theme_environment(root, project.config.theme)
    assets = {**theme_assets(root, project.config.theme), **vendor_assets(memo)}
    try:
        site = render_site(
            project,
            scores,
            env,
            assets,
            updated=build_date(scores.latest_period),
            progress=progress,
            memo=memo,
        )
    except ThemeRenderError as exc:  # a user's template failed: nothing has been written
        diagnostics.add(exc.problem)
        return failed()
    files = site.files
    written = memo or NoMemo()
    try:
        manifest = write_site(
            files, output, root, manifest_of(written.get("manifest", manifest_key(output)))
        )
    except (UnsafeOutputError, OSError) as exc:
        diagnostics.add(LocatedError(str(output), 0, 0, str(exc), category="config"))
        return failed()
    written.put("manifest", manifest_key(output), manifest_bytes(manifest))
    latest = scores.table[
        (scores.table["level"] == "touchpoint") & (scores.table["period"] == scores.latest_period)
    ]
    result = BuildResult(
        diagnostics,
        output,
        len(files),
        time.perf_counter() - started,
        pages=sum(1 for name in files if name.endswith(".html")),
        touchpoints=len(project.touchpoints),
        red=int((latest["status"] == "red").sum()),
        extra_inputs=extra_inputs,
    )
    sources = [source.path for source in project.config.measurements]
    return result, _Done(sources, project, scores, env, site.pages, manifest)
