"""The build pipeline: load → validate → aggregate → score → render → write.

`build` reads top to bottom as that pipeline. It consults one cache (`BuildCache`) at the
boundaries of its stages: the inputs' stamps and content hashes (is there anything to do?),
the measurements' partials, the scores, the rendered pages and the output's manifest.
`cxsite serve` calls the same `build` and keeps its cache for its lifetime; nothing else
is remembered between builds. Heavy libraries (pandas, pyarrow, Jinja) are imported by the
stages that use them, so that a build with nothing to do answers before importing them.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cxsite.cache import CACHE_DIR, BuildCache, Memo, NoMemo, digest
from cxsite.errors import Diagnostics, LocatedError
from cxsite.outcome import BuildResult
from cxsite.uptodate import (
    INPUT_FOLDERS,
    RACY_NS,
    UNKNOWN,
    InputStamps,
    Summary,
    build_settings_key,
    input_stamps,
    last_result,
    manifest_key,
    record,
    recorded_extra,
)
from cxsite.write import UnsafeOutputError, check_output_dir, manifest_bytes, manifest_of

if TYPE_CHECKING:
    import pandas as pd

    from cxsite.load.sources import Reader
    from cxsite.model import Project
    from cxsite.render import Progress, RenderedSite
    from cxsite.scoring.engine import Scores
    from cxsite.scoring.measures import Measure

# Raised when what score_project returns changes shape or order, so cached scores are not
# read back as if they had the new one.
SCORES_FORMAT = "scores-2"


def build(
    root: Path,
    output: Path | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cache: BuildCache | None = None,
    reuse: bool = True,
    clean: bool = False,
) -> BuildResult:
    """Build the site of the project at `root` into `output` (default `root/output`).

    The cache defaults to the project's `.cxsite-cache/`, so a rebuild redoes only what
    changed; the output is byte for byte what a clean build gives (`clean` reuses nothing,
    and replaces the cache when the build succeeds). With `reuse`, a build with nothing
    changed since the last one reports that one instead. A refused or failed build changes
    nothing: not the output, not the cache.
    """
    started = time.perf_counter()
    root = root.resolve()
    output = (output or root / "output").resolve()
    try:  # before anything is read or written
        check_output_dir(output, root)
    except UnsafeOutputError as exc:
        return _failed(Diagnostics([_config_error(str(output), str(exc))]), None, started)
    cache = cache or BuildCache.of_project(root)
    memo = cache.open(fresh=clean)
    result: BuildResult | None = None
    try:
        # Inputs: stamped before anything is read, so that a save while building counts.
        settings = build_settings_key(output, base_url, strict)
        stamped_at = time.time_ns()
        stamped_extra = recorded_extra(memo)
        inputs = input_stamps(root, stamped_extra)
        if reuse and today is None:
            last = last_result(root, output, memo, settings, inputs, stamped_extra)
            if last is not None:
                return replace(last, seconds=time.perf_counter() - started)

        # Load, validate, aggregate and score.
        analysis = analyse(root, today, cache)
        diagnostics, project, scores = analysis.diagnostics, analysis.project, analysis.scores
        paths = analysis.measurement_paths
        extra = None if paths is None else _elsewhere(paths)
        if project is None or scores is None or (strict and diagnostics.warnings):
            return _failed(diagnostics, extra, started)
        if base_url is not None:
            from cxsite.validate import is_base_url

            if not is_base_url(base_url):
                diagnostics.add(_config_error("--base-url", _BAD_BASE_URL.format(base_url)))
                return _failed(diagnostics, extra, started)
            config = project.config.model_copy(update={"base_url": base_url})
            project = replace(project, config=config)

        # Render: every output file, in memory (large ones deferred until written).
        site = _render(project, scores, cache, progress)
        if isinstance(site, LocatedError):  # the project's theme failed: nothing written
            diagnostics.add(site)
            return _failed(diagnostics, extra, started)

        # Write: replace the output, linking or keeping the files it already holds.
        from cxsite.write import write_site

        previous = manifest_of(memo.get("manifest", manifest_key(output)))
        try:
            manifest = write_site(site.files, output, root, previous)
        except (UnsafeOutputError, OSError) as exc:
            diagnostics.add(_config_error(str(output), str(exc)))
            return _failed(diagnostics, extra, started)
        memo.put("manifest", manifest_key(output), manifest_bytes(manifest))

        summary = Summary(
            files=len(site.files),
            pages=sum(1 for name in site.files if name.endswith(".html")),
            touchpoints=len(project.touchpoints),
            red=_red_scores(scores),
        )
        result = BuildResult(
            diagnostics,
            output,
            summary.files,
            time.perf_counter() - started,
            pages=summary.pages,
            touchpoints=summary.touchpoints,
            red=summary.red,
            extra_inputs=tuple(extra or ()),
        )
        # Record what the build read, for the next build's up-to-date check.
        if today is None:
            read = _with_late_stamps(root, inputs, extra or [], stamped_extra, stamped_at)
            record(memo, settings, read, summary, diagnostics, extra or [])
        return result
    finally:  # only a complete build changes the cache
        cache.close(complete=result is not None and result.output is not None)


def _red_scores(scores: Scores) -> int:
    """How many touchpoint scores (any dimension) are red in the latest period."""
    table = scores.table
    latest = table[(table["level"] == "touchpoint") & (table["period"] == scores.latest_period)]
    return int((latest["status"] == "red").sum())


_BAD_BASE_URL = "--base-url must be an http(s) URL or a path starting with `/`, not `{}`"


def _config_error(where: str, message: str) -> LocatedError:
    return LocatedError(where, 0, 0, message, category="config")


def _failed(diagnostics: Diagnostics, extra: list[str] | None, started: float) -> BuildResult:
    extra_inputs = None if extra is None else tuple(extra)
    seconds = time.perf_counter() - started
    return BuildResult(diagnostics, None, 0, seconds, extra_inputs=extra_inputs)


@dataclass(frozen=True)
class Reading:
    """A project read and validated: the project itself (None when any error was found),
    what its measurement files can still be checked against (see validate.Validation),
    and every problem found."""

    project: Project | None
    checkable: Project | None
    diagnostics: Diagnostics
    measurement_paths: tuple[str, ...] | None = None  # as cxsite.yaml names them


def read_project(
    root: Path,
    today: dt.date | None = None,
    memo: Memo | None = None,
    reader: Reader | None = None,
    *,
    bodies: bool = True,
) -> Reading:
    """Load and validate: read every file of the project and validate it, keeping its
    valid parts for checking measurements. Files are read through `reader` (what a
    rebuild in the same process need not read or parse again). Without `bodies`, the
    Markdown of playbooks and pages is not parsed for its directives (scores do not
    depend on it)."""
    from cxsite.load.sources import read_sources
    from cxsite.validate import validate_sources

    diagnostics = Diagnostics()
    raw, read_errors = read_sources(root.resolve(), reader)
    diagnostics.extend(read_errors)
    if not raw.has_config:
        return Reading(None, None, diagnostics)
    validation = validate_sources(raw, today, memo, bodies=bodies)
    diagnostics.extend(validation.errors)
    project = validation.project if not diagnostics.errors else None
    checkable = project or validation.checkable
    return Reading(project, checkable, diagnostics, validation.measurement_paths)


def load_project(
    root: Path, today: dt.date | None = None, memo: Memo | None = None
) -> tuple[Project | None, Diagnostics]:
    """Read and validate a project; the project is None when any error was found."""
    reading = read_project(root, today, memo)
    return reading.project, reading.diagnostics


@dataclass(frozen=True)
class Analysis:
    """A project read, validated and scored; project and scores are None where errors stop it."""

    project: Project | None
    scores: Scores | None
    diagnostics: Diagnostics
    measurement_paths: tuple[str, ...] | None = None  # as cxsite.yaml names them


def analyse(
    root: Path,
    today: dt.date | None = None,
    cache: BuildCache | None = None,
    *,
    score: bool = True,
    bodies: bool = True,
) -> Analysis:
    """Load and validate the project, aggregate its measurements and (with `score`) score it;
    without `bodies`, the directives in Markdown bodies are not checked (`cxsite scores`).

    With errors in the definitions, the measurement files are still checked, against the
    definitions that are valid (`Reading.checkable`): one run reports every problem.
    Without a cache, everything is computed.
    """
    from cxsite.load.measurements import measurement_partials
    from cxsite.load.sources import Reader
    from cxsite.model import definitions_digest

    cache = cache or BuildCache.none()
    reader = cache.renew("reader", lambda before: Reader(_reader(before)))
    reading = read_project(root, today, cache.memo, reader, bodies=bodies)
    project, diagnostics = reading.checkable, reading.diagnostics
    paths = reading.measurement_paths
    if project is None:
        return Analysis(None, None, diagnostics, paths)
    definitions = definitions_digest(project)
    inputs = _measurement_inputs(project, cache.memo, today, definitions)
    partials, measures, problems = cache.get_or_make(
        "partials",
        inputs,
        lambda memo: measurement_partials(project, memo if inputs else None, today),
    )
    diagnostics.extend(problems)
    if reading.project is None:
        return Analysis(None, None, diagnostics, paths)
    if diagnostics.errors or not score:
        return Analysis(project, None, diagnostics, paths)
    settings = project.config.scoring.model_dump_json()
    key = digest(SCORES_FORMAT, inputs, settings, definitions) if inputs else ""
    scores = cache.get_or_make(
        "scores", key, lambda memo: _scores(project, partials, measures, memo, key)
    )
    return Analysis(project, scores, diagnostics, paths)


def _reader(held: object | None) -> Reader | None:
    from cxsite.load.sources import Reader

    return held if isinstance(held, Reader) else None


def _measurement_inputs(
    project: Project, memo: Memo, today: dt.date | None, definitions: str
) -> str:
    """A hash of everything the partials depend on: files, settings, ids, targets, month;
    "" where nothing is cached (every file would be hashed for nothing)."""
    from cxsite.load.measurements import file_hash

    if isinstance(memo, NoMemo):
        return ""
    contents = [
        file_hash(memo, project.root / source.path) or "" for source in project.config.measurements
    ]
    month = (today or dt.date.today()).strftime("%Y-%m")
    return digest(project.config.model_dump_json(), definitions, month, *contents)


def _scores(
    project: Project,
    partials: pd.DataFrame,
    measures: tuple[Measure, ...],
    memo: Memo,
    key: str,
) -> Scores:
    """score_project, remembered in the store under `key` ("": not remembered)."""
    import io

    import pandas as pd

    from cxsite.scoring.engine import Scores, score_project

    stored_table = memo.get("scores", f"{key}-table") if key else None
    stored_personas = memo.get("scores", f"{key}-personas") if key else None
    if stored_table is not None and stored_personas is not None:
        table = pd.read_parquet(io.BytesIO(stored_table))
        personas = pd.read_parquet(io.BytesIO(stored_personas))
        return Scores(table, personas, tuple(sorted(table["period"].unique())), key)
    scores = replace(score_project(project, partials, measures), fingerprint=key)
    if key:
        for part, frame in (("table", scores.table), ("personas", scores.persona_touchpoints)):
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            memo.put("scores", f"{key}-{part}", buffer.getvalue())
    return scores


def _render(
    project: Project, scores: Scores, cache: BuildCache, progress: Progress | None
) -> RenderedSite | LocatedError:
    """Every file of the site, or the problem of a theme template that failed."""
    from cxsite.render import render_site
    from cxsite.theme import (
        ThemeRenderError,
        theme_assets,
        theme_environment,
        vendor_assets,
    )

    env = theme_environment(project.root, project.config.theme)
    assets = {**theme_assets(project.root, project.config.theme), **vendor_assets(cache.memo)}
    try:
        return render_site(
            project,
            scores,
            env,
            assets,
            updated=build_date(scores.latest_period),
            progress=progress,
            cache=cache,
        )
    except ThemeRenderError as exc:
        return exc.problem


def build_date(latest_period: str | None) -> str:
    """The one date a build shows (RFC 3339): SOURCE_DATE_EPOCH, else the latest period."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{latest_period or '1970-01'}-01T00:00:00Z"


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


def analyse_cached(
    root: Path, today: dt.date | None = None, *, score: bool = True, bodies: bool = True
) -> Analysis:
    """`analyse` with the project's cache; what it computed is kept only when it found no
    error (a failed command changes nothing), and nothing is pruned (no build followed)."""
    cache = BuildCache.of_project(root)
    cache.open()
    analysis: Analysis | None = None
    try:
        analysis = analyse(root, today, cache, score=score, bodies=bodies)
        return analysis
    finally:
        complete = analysis is not None and not analysis.diagnostics.errors
        cache.close(complete=complete, prune=False)


def check(root: Path, today: dt.date | None = None) -> Diagnostics:
    """Every problem of the project; unchanged measurement files are not read again."""
    return analyse_cached(root, today, score=False).diagnostics


def clear_cache(root: Path) -> None:
    """Forget everything cached for the project at `root`."""
    import shutil

    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
