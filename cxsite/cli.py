"""The command line: a thin layer over build, check and schema."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from cxsite import __version__
from cxsite.build import analyse
from cxsite.build import build as build_site
from cxsite.config import Config
from cxsite.errors import Diagnostics, ExitCode
from cxsite.project import load_project
from cxsite.schema import build_schemas, write_schemas
from cxsite.scoring.engine import LEVELS
from cxsite.scoring.export import scores_csv, scores_json, select_scores
from cxsite.scoring.table import scores_table

_COLOURS = {"error": "red", "warning": "yellow"}


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
    default=".",
    show_default=True,
    help="The project folder (holding cxsite.yaml).",
)
@click.version_option(__version__, prog_name="cxsite")
@click.pass_context
def main(ctx: click.Context, project: Path) -> None:
    """cxsite builds customer-experience scorecards, journey maps and playbooks."""
    ctx.obj = Context(project.resolve())


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: the project's output/).",
)
@click.option("--base-url", help="Override base_url from cxsite.yaml.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.pass_obj
def build(
    obj: Context, output: Path | None, base_url: str | None, strict: bool, quiet: bool
) -> None:
    """Check the project and build the site."""
    result = build_site(obj.root, output, base_url=base_url, strict=strict)
    diagnostics = result.diagnostics
    if quiet:
        diagnostics = Diagnostics([item for item in diagnostics.items if item.severity == "error"])
    _report(diagnostics, err=True)
    if result.output is None:
        code = diagnostics.exit_code(strict) or ExitCode.CONTENT_ERROR
        click.echo("build failed; the previous site was left as it was", err=True)
        raise SystemExit(int(code))
    if not quiet:
        click.echo(f"built {result.files} files into {result.output} in {result.seconds:.2f} s")


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
    diagnostics = analyse(obj.root).diagnostics
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
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.pass_obj
def scores(
    obj: Context,
    level: str | None,
    period: str,
    dimension: str | None,
    item_id: str | None,
    output_format: str,
) -> None:
    """Print scores (the latest period by default)."""
    analysis = analyse(obj.root)
    if analysis.scores is None:
        _report(analysis.diagnostics, err=True)
        raise SystemExit(int(analysis.diagnostics.exit_code() or ExitCode.CONTENT_ERROR))
    rows = select_scores(
        analysis.scores,
        level=level,
        period=None if period == "all" else period,
        dimension=dimension,
        item_id=item_id,
    )
    if output_format == "csv":
        click.echo(scores_csv(analysis.scores, rows).decode(), nl=False)
    elif output_format == "json":
        click.echo(scores_json(analysis.scores, rows).decode(), nl=False)
    else:
        width = None if sys.stdout.isatty() else 200
        Console(highlight=False, width=width).print(scores_table(rows))
