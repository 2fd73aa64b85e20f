"""The command line: a thin layer over build, check and schema."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxsite import __version__
from cxsite.errors import Diagnostics, ExitCode
from cxsite.names import CHANNELS, LEVELS

# Commands import the library when they run: `cxsite build` with nothing to do, `--help`
# and `--version` answer without loading pandas, pyarrow, pydantic or Jinja.
if TYPE_CHECKING:
    from cxsite.model import Project
    from cxsite.outcome import BuildResult
    from cxsite.render import Progress
    from cxsite.scaffold import NewFile

_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}


@dataclass(frozen=True)
class Context:
    root: Path


def _report(diagnostics: Diagnostics, *, err: bool) -> None:
    for item in diagnostics.sorted():
        line = item.format()
        where, _, rest = line.partition(f": {item.severity}: ")
        click.echo(
            f"{where}: {click.style(item.severity, fg=_COLOURS[item.severity], bold=True)}: {rest}",
            err=err,
        )
    if diagnostics.items:
        click.echo(diagnostics.summary(), err=err)


class _Group(click.Group):
    """Turns an unexpected exception into a one-line message instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; the previous site was left as it was", err=True)
            raise SystemExit(130) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if os.environ.get("CXSITE_DEBUG"):
                raise
            click.echo(
                f"cxsite: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in cxsite, not in your files; set CXSITE_DEBUG=1 for details.",
                err=True,
            )
            raise SystemExit(int(ExitCode.USAGE_ERROR) + 1) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "-p",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The project folder (holding cxsite.yaml); default: the nearest folder, from the "
    "current one upwards, that holds one.",
)
@click.version_option(__version__, prog_name="cxsite")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """cxsite builds customer-experience scorecards, journey maps and playbooks."""
    from cxsite.load.files import find_project_root

    ctx.obj = Context(project.resolve() if project is not None else find_project_root(Path.cwd()))


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: the project's output/).",
)
@click.option("--base-url", help="Override base_url from cxsite.yaml.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--clean", is_flag=True, help="Ignore and clear the build cache first.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Print every file written.")
@click.pass_obj
def build(
    obj: Context,
    output: Path | None,
    base_url: str | None,
    strict: bool,
    clean: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check the project and build the site."""
    result = _build(obj.root, output, base_url, strict, clean, quiet)
    diagnostics = result.diagnostics
    if quiet:
        diagnostics = Diagnostics([item for item in diagnostics.items if item.severity == "error"])
    _report(diagnostics, err=True)
    if result.output is None:
        code = diagnostics.exit_code(strict) or ExitCode.CONTENT_ERROR
        click.echo("build failed; the previous site was left as it was", err=True)
        raise SystemExit(int(code))
    if verbose:
        for path in sorted(p for p in result.output.rglob("*") if p.is_file()):
            click.echo(f"  {path.relative_to(result.output).as_posix()}")
    if not quiet:
        done = "nothing changed since the last build of" if result.unchanged else "built"
        click.echo(
            f"{done} {result.pages} pages ({result.files} files) into {result.output} "
            f"in {result.seconds:.2f} s: {result.touchpoints} touchpoints, "
            f"{result.red} red score{'s' if result.red != 1 else ''} this month"
        )


def _build(
    root: Path, output: Path | None, base_url: str | None, strict: bool, clean: bool, quiet: bool
) -> BuildResult:
    from cxsite.build import build as build_site

    with _progress(enabled=not quiet) as progress:
        return build_site(
            root, output, base_url=base_url, strict=strict, progress=progress, clean=clean
        )


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; one plain line otherwise; nothing when quiet."""
    if not enabled:
        yield None
        return
    if not sys.stderr.isatty():
        announced: list[int] = []

        def plain(done: int, total: int) -> None:
            if not announced:
                click.echo(f"rendering {total} pages", err=True)
                announced.append(total)

        yield plain
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("rendering pages", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_obj
def check(obj: Context, output_format: str, strict: bool) -> None:
    """Validate every file and report all problems at once."""
    from cxsite.build import check as check_project

    diagnostics = check_project(obj.root)
    if output_format == "json":
        click.echo(diagnostics.to_json())
    else:
        _report(diagnostics, err=False)
        if not diagnostics.items:
            click.echo("no problems found")
    raise SystemExit(int(diagnostics.exit_code(strict)))


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write to (default: output/schema/).",
)
@click.pass_obj
def schema(obj: Context, out: Path | None) -> None:
    """Write JSON Schemas for editors, listing the project's ids."""
    from cxsite.build import load_project
    from cxsite.config import Config
    from cxsite.schema import build_schemas, write_schemas

    project, diagnostics = load_project(obj.root)
    if project is not None:
        dimension_ids = list(project.dimensions)
        ids = {
            "department": list(project.departments),
            "persona": list(project.personas),
            "touchpoint": list(project.touchpoints),
        }
    else:
        dimension_ids = [d.id for d in Config.model_fields["dimensions"].default]
        ids = {}
        if diagnostics.errors:
            click.echo(
                "the project has errors; the schemas list no ids (run `cxsite check`)", err=True
            )
    folder = out if out is not None else obj.root / "output" / "schema"
    for path in write_schemas(build_schemas(dimension_ids, ids), folder):
        click.echo(str(path))


@main.command()
@click.option("--level", type=click.Choice(list(LEVELS)), help="Only this level.")
@click.option("--period", default="latest", show_default=True, help="A YYYY-MM period, or `all`.")
@click.option("--dimension", help="A dimension id, or `all` for combined scores.")
@click.option("--id", "item_id", help="Only this id (a touchpoint, journey, `journey/stage`...).")
@click.option(
    "--status", type=click.Choice(["red", "amber", "green"]), help="Only scores of this status."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--wide",
    is_flag=True,
    help="Add the 95% interval, the change and the month it compares with, and why each "
    "score has its status (csv; the table adds the reason).",
)
@click.pass_obj
def scores(
    obj: Context,
    level: str | None,
    period: str,
    dimension: str | None,
    item_id: str | None,
    status: str | None,
    output_format: str,
    wide: bool,
) -> None:
    """Print scores (the latest period by default)."""
    from cxsite.build import analyse_cached
    from cxsite.scoring.export import (
        scores_csv,
        scores_json,
        select_scores,
        selection_problems,
        status_reasons,
    )
    from cxsite.scoring.table import plain_table, scores_table
    from cxsite.site.scoreindex import status_rule
    from cxsite.site.views import Namer

    analysis = analyse_cached(obj.root, bodies=False)  # Markdown is no part of a score
    if analysis.scores is None or analysis.project is None:
        _report(analysis.diagnostics, err=True)
        raise SystemExit(int(analysis.diagnostics.exit_code() or ExitCode.CONTENT_ERROR))
    project, all_scores = analysis.project, analysis.scores
    filters = {"level": level, "period": None if period == "all" else period,
               "dimension": dimension, "item_id": item_id}  # fmt: skip
    problems = Diagnostics(selection_problems(all_scores, list(project.dimensions), **filters))
    if problems.items:
        _report(problems, err=True)
        raise SystemExit(int(problems.exit_code()))
    rows = select_scores(all_scores, status=status, **filters)
    reason = status_rule(project).reason if wide else None
    if output_format == "csv":
        click.echo(scores_csv(all_scores, rows, reason).decode(), nl=False)
    elif output_format == "json":
        click.echo(scores_json(all_scores, rows).decode(), nl=False)
    elif rows.empty:
        click.echo("no scores match these options", err=True)
    else:
        namer = Namer(project)
        names = [namer.name(lv, i) for lv, i in zip(rows["level"], rows["id"], strict=True)]
        reasons = status_reasons(rows, reason) if reason is not None else None
        if sys.stdout.isatty():
            from rich.console import Console

            Console(highlight=False).print(scores_table(rows, names, reasons))
        else:
            click.echo(plain_table(rows, names, reasons), nl=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The site's title (default: from the folder name).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, title: str | None, force: bool) -> None:
    """Start a new project with a small working example in DIRECTORY."""
    from cxsite.scaffold import ScaffoldError, init_project

    target = directory.resolve()
    name = title or f"{target.name.replace('-', ' ').replace('_', ' ').title()} customer experience"
    try:
        written = init_project(target, name, force, dt.date.today())
    except ScaffoldError as exc:
        click.echo(f"cxsite init: {exc}", err=True)
        raise SystemExit(int(ExitCode.USAGE_ERROR)) from None
    click.echo(f"created {len(written)} files in {target}")
    click.echo(f"next: cxsite --project {directory} check, then cxsite --project {directory} serve")


@main.group()
def new() -> None:
    """Create a playbook, touchpoint or persona from a template."""


def _project_or_exit(root: Path) -> Project:
    from cxsite.build import load_project

    project, diagnostics = load_project(root)
    if project is None:
        _report(diagnostics, err=True)
        click.echo("fix these problems first", err=True)
        raise SystemExit(int(diagnostics.exit_code() or ExitCode.CONTENT_ERROR))
    return project


def _write_new(make: Callable[[], NewFile]) -> None:
    from cxsite.scaffold import ScaffoldError, write_new

    try:
        created = make()
    except ScaffoldError as exc:
        click.echo(f"cxsite new: {exc}", err=True)
        raise SystemExit(int(ExitCode.USAGE_ERROR)) from None
    write_new(created)
    click.echo(str(created.path))


@new.command("playbook")
@click.argument("title")
@click.option(
    "--touchpoint",
    "touchpoints",
    multiple=True,
    required=True,
    help="A touchpoint id it covers (repeatable).",
)
@click.option("--owner", help="The owning department (default: the first touchpoint's owner).")
@click.pass_obj
def new_playbook_command(
    obj: Context, title: str, touchpoints: tuple[str, ...], owner: str | None
) -> None:
    """A playbook with valid front matter, as a draft."""
    from cxsite.scaffold import new_playbook

    project = _project_or_exit(obj.root)
    _write_new(lambda: new_playbook(project, title, list(touchpoints), owner, dt.date.today()))


@new.command("touchpoint")
@click.argument("name")
@click.option("--owner", required=True, help="The owning department id.")
@click.option("--channel", type=click.Choice(list(CHANNELS)), default="other", show_default=True)
@click.pass_obj
def new_touchpoint_command(obj: Context, name: str, owner: str, channel: str) -> None:
    """A touchpoint (add it to a journey stage afterwards)."""
    from cxsite.scaffold import new_touchpoint

    project = _project_or_exit(obj.root)
    _write_new(lambda: new_touchpoint(project, name, owner, channel))


@new.command("persona")
@click.argument("name")
@click.option("--segment", default="", help="e.g. 'Consumer, family plan'.")
@click.option("--personality", default="", help="e.g. analytical, driver, amiable, expressive.")
@click.pass_obj
def new_persona_command(obj: Context, name: str, segment: str, personality: str) -> None:
    """A persona (add it to the journeys it takes afterwards)."""
    from cxsite.scaffold import new_persona

    project = _project_or_exit(obj.root)
    _write_new(lambda: new_persona(project, name, segment, personality))


@main.command()
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but this machine exposes your drafts.",
)
@click.pass_obj
def serve(obj: Context, port: int, host: str) -> None:
    """Build, serve on this machine, rebuild on every save and reload the browser."""
    from cxsite.serve import LiveServer

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"warning: listening on {host}: other machines can see this site and its drafts",
            err=True,
        )

    def report(result: BuildResult) -> None:
        _report(result.diagnostics, err=True)
        if result.output is None:
            click.echo(
                "build failed: the browser shows the errors until the next good save", err=True
            )
        else:
            click.echo(f"rebuilt {result.pages} pages in {result.seconds:.2f} s", err=True)

    try:
        server = LiveServer(obj.root, host, port, report)
    except OSError as exc:
        click.echo(f"cxsite serve: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise SystemExit(int(ExitCode.USAGE_ERROR)) from None
    click.echo(f"serving {obj.root} on {server.url} (Ctrl-C to stop)", err=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    click.echo("stopped", err=True)
