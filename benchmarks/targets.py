"""Issue 15's targets, each measured in one run beside the peers measured in the same run;
prints a table and writes the section "## Issue 15 targets" of benchmarks/RESULTS.md
(replaced on rerun; every other section is kept as it is).

    .venv/bin/python benchmarks/targets.py                       # every part, full size
    .venv/bin/python benchmarks/targets.py --skip large,plain --dry-results
    .venv/bin/python benchmarks/targets.py --rows-target 300000 --rows-large 500000 --dry-results

Parts (skip with `--skip a,b`); "fresh" means no `.cxsite-cache` and no output:

- scores: `cxsite scores --format csv`, a fresh process on a fresh copy of a project with
          the target project's definitions and playbooks and --rows-target long-layout
          rating rows (survey.csv only) over 24 months, vs DuckDB's group-by of the same CSV
          (the long query of run.py's DUCKDB_INGEST) in a fresh process. Best of --repeat.
- plain:  the target project's 1,000 playbooks with plain bodies of about 600 words
          (headings, paragraphs, short lists; no tables or directives), built cold by cxsite
          (a project holding them and what they name), MkDocs 1.6 and Hugo: run.py's
          `pages_setup(..., plain=True)`. Best of --repeat each; every side's playbook page count is asserted.
- builds: on the target project (300 touchpoints, 1,000 playbooks, --rows-target rows):
          a fresh `cxsite build` and the size of its output; one playbook edited, 3.1 s
          later (past the racy-stamp window, as a person's save) a new `cxsite build`; then
          an edit saved just now, a build, and at once a no-change build (the one timed).
- serve:  on the target project, in one process keeping one BuildCache, as `cxsite serve`
          does: a first build, then 5 saves of a playbook, each followed by `build()`; the
          median from save to page written (run.py's SERVE_EDIT).
- large:  the large benchmark (`generate.py --size large`, --rows-large rows): `cxsite
          scores` on a fresh copy vs DuckDB's group-by of both CSVs (run.py's
          DUCKDB_INGEST), best of --repeat; then a fresh `cxsite build` and its output size.

Every figure is a fresh process measured by run.py's `measure`: wall time and peak memory
of the process tree, in MiB (so "1.5 GB" and "2 GB" read as 1,536 and 2,048 MiB). Output
sizes are the bytes of every file under the output folder, in MB of 10^6 bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import DIMENSIONS, PERSONAS, SIZES, months  # noqa: E402
from run import (  # noqa: E402
    DUCKDB_INGEST,
    SERVE_EDIT,
    best,
    cxsite_revision,
    ensure_hugo,
    ensure_mkdocs,
    ensure_project,
    fmt,
    html_pages,
    machine,
    measure,
    must,
    pages_setup,
    versions,
)

PARTS = ("scores", "plain", "builds", "serve", "large")
SECTION = "## Issue 15 targets"
RESULTS = HERE / "RESULTS.md"
# The long half of run.py's DUCKDB_INGEST (the same query, cut before the wide one): the
# peer of `cxsite scores` on the project whose only measurements are survey.csv.
DUCKDB_LONG = DUCKDB_INGEST.split("\nwide = ")[0] + "\nprint(long.num_rows)\n"
assert "long = arrow(" in DUCKDB_LONG and "tickets.csv" not in DUCKDB_LONG
LONG_CONFIG = """\
title: Benchmark (target, long-layout rows only)
measurements:
  - {path: data/measurements/survey.csv, layout: long, kind: rating, scale: [1, 5]}
"""
SURVEY = pa.schema(
    [
        ("touchpoint", pa.string()),
        ("dimension", pa.string()),
        ("period", pa.string()),
        ("persona", pa.string()),
        ("value", pa.int8()),
    ]
)


@dataclass(frozen=True)
class Row:
    """One line of the table, and a sentence for each target it missed."""

    measure: str
    cxsite: str
    peer: str
    verdict: str
    missed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A bound on one figure: `value < bound` (strict) or `value <= bound`."""

    label: str
    bound: float
    unit: str  # appended to numbers: "×", " s", " MB", " MiB"
    strict: bool = False
    what: str = ""  # what the bound is on, when the row's figure could be read otherwise

    def judge(self, value: float) -> tuple[str, str | None]:
        """'≤ 4 s: met', or '…: missed' and the sentence saying by how much."""
        sign = "<" if self.strict else "≤"
        met = value < self.bound if self.strict else value <= self.bound
        short = (
            f"{self.what} {sign} {self.bound:g}{self.unit}: {'met' if met else 'missed'}".lstrip()
        )
        if met:
            return short, None
        by = f"{value - self.bound:.2f}{'' if self.unit == '×' else self.unit}"
        return short, (
            f"{self.label}: {value:.2f}{self.unit} against {sign} {self.bound:g}{self.unit},"
            f" missed by {by} ({value / self.bound:.1f} times the target)."
        )


def judged(targets: list[tuple[Target, float]], stretch: str = "") -> tuple[str, tuple[str, ...]]:
    """The verdicts of several targets on one row, and the missed ones' sentences."""
    verdicts, missed = [], []
    for target, value in targets:
        short, sentence = target.judge(value)
        verdicts.append(short)
        if sentence is not None:
            missed.append(sentence)
    return "; ".join(verdicts + ([stretch] if stretch else [])), tuple(missed)


# --- projects -----------------------------------------------------------------------------


def project_of(size: str, work: Path, rows: int) -> Path:
    """The generated project of `size` with `rows` measurement rows (reused when unchanged)."""
    default = rows == SIZES[size].rows
    where = work / (size if default else f"{size}-rows-{rows}")
    seconds = ensure_project(size, where, None if default else rows)
    print(f"project {where} ({f'generated in {seconds:.1f} s' if seconds else 'reused'})")
    return where


def long_project(target: Path, work: Path, rows: int) -> Path:
    """The target project's definitions and playbooks with `rows` long-layout rating rows
    over its 24 months as its only measurements, drawn as generate.py draws survey.csv."""
    name = "target-long" if rows == SIZES["target"].rows else f"target-long-rows-{rows}"
    where = work / name
    stamp = json.dumps({"target": (target / ".generated").read_text(), "rows": rows})
    marker = where / ".generated"
    if marker.is_file() and marker.read_text() == stamp:
        return where
    started = time.perf_counter()
    shutil.rmtree(where, ignore_errors=True)
    skipped = shutil.ignore_patterns("measurements", "output", ".cxsite-cache", ".generated")
    shutil.copytree(target, where, ignore=skipped)
    (where / "cxsite.yaml").write_text(LONG_CONFIG)
    folder = where / "data" / "measurements"
    folder.mkdir()
    ids = np.array(sorted(path.stem for path in (where / "data" / "touchpoints").glob("*.yaml")))
    periods = np.array(months(SIZES["target"].months))
    personas, dimensions = np.array([*PERSONAS, ""]), np.array(DIMENSIONS)
    rng = np.random.default_rng(2026)
    with pacsv.CSVWriter(folder / "survey.csv", SURVEY) as writer:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            columns = {
                "touchpoint": ids[rng.integers(0, len(ids), n)],
                "dimension": dimensions[rng.integers(0, len(dimensions), n)],
                "period": periods[rng.integers(0, len(periods), n)],
                "persona": personas[rng.integers(0, len(personas), n)],
                "value": rng.integers(1, 6, n).astype(np.int8),
            }
            writer.write_table(pa.table(columns, schema=SURVEY))
    marker.write_text(stamp)
    print(f"project {where} (generated in {time.perf_counter() - started:.1f} s)")
    return where


def fresh(project: Path) -> None:
    """No `.cxsite-cache` and no output, as on a fresh clone."""
    shutil.rmtree(project / ".cxsite-cache", ignore_errors=True)
    shutil.rmtree(project / "output", ignore_errors=True)


def output_mb(folder: Path) -> float:
    """The bytes of every file under `folder`, in MB of 10^6 bytes."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def cxsite(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-X", "faulthandler", "-m", "cxsite", "--project", str(project), *args]


def scores_row(
    label: str, project: Path, peer: str, repeat: int, timeout: float, peak_mib: float | None
) -> Row:
    """`cxsite scores` on a fresh copy vs DuckDB's group-by of the same CSVs (`peer`), with
    the large benchmark's bound on peak memory when `peak_mib` is given."""
    scores = best(cxsite(project, "scores", "--format", "csv"), repeat, before=lambda: fresh(project), timeout=timeout)  # fmt: skip
    duck = best([sys.executable, "-c", peer, str(project)], repeat, timeout=timeout)
    ratio = scores.seconds / duck.seconds
    targets = [(Target(f"{label} vs DuckDB", 1.5, "×"), ratio)]
    stretch = f"stretch ≤ 1×: {'met' if ratio <= 1 else 'missed'}"
    if peak_mib is not None:
        targets.append(
            (
                Target(f"{label}, peak memory", peak_mib, " MiB", strict=True, what="peak"),
                scores.peak_mb,
            )
        )
        stretch = ""
    verdict, missed = judged(targets, stretch)
    return Row(label, fmt(scores), f"DuckDB {fmt(duck)}", f"{ratio:.2f}× DuckDB; {verdict}", missed)


# --- parts --------------------------------------------------------------------------------


def part_scores(work: Path, rows: int, repeat: int, timeout: float) -> list[Row]:
    project = long_project(project_of("target", work, rows), work, rows)
    label = f"`cxsite scores`, {rows / 1e6:g}M long rows, 300 touchpoints"
    return [scores_row(label, project, DUCKDB_LONG, repeat, timeout, None)]


def part_plain(work: Path, rows: int, repeat: int, timeout: float) -> list[Row]:
    mkdocs, hugo = ensure_mkdocs(work), ensure_hugo()
    project = project_of("target", work, rows)
    cx, mk, hu, n, words = pages_setup(project, work / "target-plain", plain=True)

    def fresh_mk() -> None:
        shutil.rmtree(mk / "site", ignore_errors=True)

    def fresh_hu() -> None:
        for folder in ("public", "resources"):
            shutil.rmtree(hu / folder, ignore_errors=True)

    cx_run = best(cxsite(cx, "build", "--quiet"), repeat, before=lambda: fresh(cx), timeout=timeout)
    mk_run = best([str(mkdocs), "build", "--quiet"], repeat, cwd=mk, before=fresh_mk)
    hu_run = best([hugo, "--quiet"], repeat, cwd=hu, before=fresh_hu)
    counts = (
        html_pages(cx / "output" / "playbooks", "playbook-*.html"),
        html_pages(mk / "site", "playbook-*/index.html"),
        html_pages(hu / "public" / "playbooks", "*/index.html"),
    )
    assert n >= 1000 and counts == (n, n, n), f"playbook pages (cxsite, MkDocs, Hugo) {counts}, expected {n} ≥ 1,000"  # fmt: skip
    sample = sorted((cx / "output" / "playbooks").glob("playbook-*.html"))[0].read_text()
    assert "Step 4" in sample and "<table" not in sample, "a cxsite playbook page is not plain"
    pages = (html_pages(cx / "output"), html_pages(mk / "site"), html_pages(hu / "public"))
    to_mk, to_hu = cx_run.seconds / mk_run.seconds, cx_run.seconds / hu_run.seconds
    label = f"{n:,} plain playbooks ({words:.0f} words)"
    cx_cell = f"{fmt(cx_run)}, {pages[0]:,} pages"
    mk_verdict, mk_missed = judged([(Target(f"{label} vs MkDocs", 0.5, "×"), to_mk)],
                                   f"stretch ≤ 0.25×: {'met' if to_mk <= 0.25 else 'missed'}")  # fmt: skip
    hu_verdict, hu_missed = judged([(Target(f"{label} vs Hugo", 2, "×"), to_hu)])
    return [
        Row(f"{label} vs MkDocs", cx_cell, f"MkDocs {fmt(mk_run)}, {pages[1]:,} pages",
            f"{to_mk:.2f}× MkDocs; {mk_verdict}", mk_missed),
        Row(f"{label} vs Hugo", cx_cell, f"Hugo {fmt(hu_run)}, {pages[2]:,} pages",
            f"{to_hu:.2f}× Hugo; {hu_verdict}", hu_missed),
    ]  # fmt: skip


def part_builds(work: Path, rows: int, timeout: float) -> list[Row]:
    project = project_of("target", work, rows)
    build = cxsite(project, "build", "--quiet")
    fresh(project)
    cold = must(measure(build, timeout=timeout))
    size = output_mb(project / "output")
    playbook = sorted((project / "content" / "playbooks").glob("*.md"))[0]
    page = project / "output" / "playbooks" / f"{playbook.stem}.html"
    original = playbook.read_text()
    try:
        playbook.write_text(original + "\nOne more line, saved by a person.\n")
        time.sleep(3.1)  # past the racy-stamp window, as a person's save would be
        edit = must(measure(build, timeout=timeout))
        assert "One more line, saved by a person." in page.read_text(), "the edit was not built"
        playbook.write_text(original)  # an edit saved just now: its stamp is racy
        after_edit = must(measure(build, timeout=timeout))
        no_change = must(measure(build, timeout=timeout))
        assert "One more line" not in page.read_text(), "the second edit was not built"
    finally:
        playbook.write_text(original)
    what = f"target project, {rows / 1e6:g}M rows"
    rows_out: list[Row] = []
    for label, cell, target, value in (
        (f"full build, {what}, fresh", fmt(cold), Target("full build", 4, " s"), cold.seconds),
        (f"output of the {what}", f"{size:.1f} MB", Target("output of the target project", 30, " MB"), size),
        ("edit one playbook → `cxsite build` (new process)", fmt(edit),
         Target("edit → build", 0.5, " s", strict=True), edit.seconds),
        ("no-change build right after an edit (new process)", fmt(no_change),
         Target("no-change build after an edit", 0.3, " s", strict=True), no_change.seconds),
    ):  # fmt: skip
        verdict, missed = judged([(target, value)])
        if label.startswith("no-change"):
            verdict += f" (the edit's own build: {after_edit.seconds:.2f} s)"
        rows_out.append(Row(label, cell, "–", verdict, missed))
    return rows_out


def part_serve(work: Path, rows: int, timeout: float) -> list[Row]:
    project = project_of("target", work, rows)
    with tempfile.NamedTemporaryFile("r") as median:
        run = must(measure([sys.executable, "-c", SERVE_EDIT, str(project), median.name], timeout=timeout))  # fmt: skip
        seconds = float(Path(median.name).read_text())
    verdict, missed = judged([(Target("save → page under serve", 0.2, " s", strict=True), seconds)])
    cell = f"{seconds:.3f} s (median of 5 saves; process {run.peak_mb:.0f} MB)"
    return [
        Row("save → page under serve (one process, one BuildCache)", cell, "–", verdict, missed)
    ]


def part_large(work: Path, rows: int, repeat: int, timeout: float) -> list[Row]:
    project = project_of("large", work, rows)
    label = f"`cxsite scores`, large benchmark, {rows / 1e6:g}M rows"
    scores = scores_row(label, project, DUCKDB_INGEST, repeat, timeout, 1536)
    fresh(project)
    cold = must(measure(cxsite(project, "build", "--quiet"), timeout=timeout))
    size = output_mb(project / "output")
    build_verdict, build_missed = judged([
        (Target("large cold build", 30, " s", strict=True), cold.seconds),
        (Target("large cold build, peak memory", 2048, " MiB", strict=True, what="peak"), cold.peak_mb),
    ])  # fmt: skip
    size_verdict, size_missed = judged(
        [(Target("output of the large benchmark", 200, " MB"), size)]
    )
    return [
        scores,
        Row(f"large benchmark cold build, {rows / 1e6:g}M rows", fmt(cold), "–", build_verdict, build_missed),
        Row(f"output of the large benchmark, {rows / 1e6:g}M rows", f"{size:.1f} MB", "–", size_verdict, size_missed),
    ]  # fmt: skip


# --- report -------------------------------------------------------------------------------


def table(rows: list[Row]) -> list[list[str]]:
    return [["measure", "cxsite", "peer", "ratio / verdict"]] + [
        [row.measure, row.cxsite, row.peer, row.verdict] for row in rows
    ]


def print_table(rows: list[Row]) -> None:
    cells = table(rows)
    widths = [max(len(line[i]) for line in cells) for i in range(4)]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    for row in rows:
        for sentence in row.missed:
            print(f"- {sentence}")


def section(rows: list[Row], run_info: dict[str, str], failures: list[str]) -> str:
    cells = table(rows)
    about = (
        f"Written by `benchmarks/targets.py` (this section is replaced on rerun). Run"
        f" {run_info['date']} on {run_info['machine']}; {run_info['versions']}; cxsite"
        f" {run_info['revision']}; load average {run_info['load']}. Command:"
        f" `{run_info['command']}`."
    )
    how = (
        "Every figure is a fresh process: wall time, and peak memory of its process tree in"
        ' MiB ("GB" targets read as 1,024 MiB each); output sizes are the bytes of every file'
        " of the output folder in MB of 10^6 bytes. The scores and plain-playbook rows are the"
        f" best of {run_info['repeat']} runs, the builds one run each; fresh means no"
        " `.cxsite-cache` and no output. The scores project holds the target project's"
        f" definitions and playbooks with {run_info['rows_target']} long-layout rating rows"
        " (survey.csv) as its only measurements; the target project (`generate.py --size"
        f" target`: 300 touchpoints, 1,000 playbooks, {run_info['rows_target']} rows, 70 % long"
        " and 30 % wide) gives the builds, serve, and the plain playbooks' front matter; the"
        f" large benchmark is `generate.py --size large` with {run_info['rows_large']} rows."
        " The script's docstring says what each part measures."
    )
    lines = [SECTION, "", textwrap.fill(about, 92, break_on_hyphens=False), "", textwrap.fill(how, 92, break_on_hyphens=False), "",
             "| " + " | ".join(cells[0]) + " |", "|" + "---|" * 4,
             *("| " + " | ".join(line) + " |" for line in cells[1:]), ""]  # fmt: skip
    missed = [sentence for row in rows for sentence in row.missed]
    if missed:
        lines += ["Missed:", "", *(f"- {sentence}" for sentence in missed), ""]
    for failure in failures:
        lines += ["```", failure[-3000:], "```", ""]
    lines += ["<!-- why: -->", ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace this script's section of RESULTS.md, or add it before the first size's."""
    existing = RESULTS.read_text() if RESULTS.is_file() else "# Benchmark results\n"
    blocks = re.split(r"(?m)^(?=## )", existing)
    mine = [i for i, block in enumerate(blocks) if block.startswith(SECTION + "\n")]
    if mine:
        blocks[mine[0]] = text + "\n"
    else:
        sizes = [i for i, block in enumerate(blocks) if block[3:].split(":", 1)[0] in SIZES]
        blocks.insert(sizes[0] if sizes else len(blocks), text + "\n")
        if not sizes and not blocks[-2].endswith("\n\n"):
            blocks[-2] += "\n"
    RESULTS.write_text("".join(blocks).rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/cxsite-bench"))
    parser.add_argument("--skip", default="", help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--rows-target", type=int, default=SIZES["target"].rows,
                        help="rows of the target project and of the long-layout scores project")  # fmt: skip
    parser.add_argument("--rows-large", type=int, default=SIZES["large"].rows,
                        help="rows of the large benchmark (smaller for a smoke test)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=2, help="runs of scores and plain builds (best kept)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a process is stopped")  # fmt: skip
    parser.add_argument("--dry-results", action="store_true", help="print only; leave RESULTS.md")
    args = parser.parse_args()
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    if unknown := skip - set(PARTS):
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; parts: {', '.join(PARTS)}")
    # Measure this checkout's cxsite, the one cxsite_revision() names, whatever is installed.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))  # fmt: skip
    where = subprocess.run([sys.executable, "-c", "import cxsite; print(cxsite.__file__)"],
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(REPO), f"cxsite imported from {where}, not {REPO}"
    args.work.mkdir(parents=True, exist_ok=True)
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()
    print(f"{date}; load average {load_before[0]:.2f}; cxsite {cxsite_revision()}", flush=True)

    rows: list[Row] = []
    failures: list[str] = []
    parts: dict[str, Callable[[], list[Row]]] = {
        "scores": lambda: part_scores(args.work, args.rows_target, args.repeat, args.timeout),
        "plain": lambda: part_plain(args.work, args.rows_target, args.repeat, args.timeout),
        "builds": lambda: part_builds(args.work, args.rows_target, args.timeout),
        "serve": lambda: part_serve(args.work, args.rows_target, args.timeout),
        "large": lambda: part_large(args.work, args.rows_large, args.repeat, args.timeout),
    }
    for name in PARTS:
        if name in skip:
            rows.append(Row(f"{name} (skipped)", "–", "–", "not measured in this run"))
            continue
        print(f"{name}: running", flush=True)
        started = time.perf_counter()
        try:
            rows += parts[name]()
        except (SystemExit, AssertionError) as failure:  # report it, go on with the others
            text = str(failure) or type(failure).__name__
            print(text, flush=True)
            rows.append(Row(f"{name} (failed)", "–", "–", text.splitlines()[0][:200]))
            failures.append(f"{name}: {text}")
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", flush=True)

    load_after = os.getloadavg()
    mkdocs = args.work / "mkdocs-venv" / "bin" / "mkdocs"
    command = " ".join(["benchmarks/targets.py", *sys.argv[1:]])
    run_info = {
        "date": date,
        "machine": machine(),
        "versions": versions(mkdocs if mkdocs.is_file() else None),
        "revision": cxsite_revision(),
        "load": f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 minute)",
        "command": command,
        "repeat": str(args.repeat),
        "rows_target": f"{args.rows_target:,}",
        "rows_large": f"{args.rows_large:,}",
    }
    print()
    print_table(rows)
    print(f"\nload average {run_info['load']}")
    if args.dry_results:
        print("RESULTS.md left as it is (--dry-results)")
        return
    write_section(section(rows, run_info, failures))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
