"""Benchmarks, measured side by side in one run on this machine; prints a table of figures
and ratios and writes benchmarks/RESULTS.md.

    python benchmarks/run.py --size medium      # or large (10M rows; several minutes)

Needs the `duckdb` package (`pip install duckdb`), installed by `make bench`.
Compared so far: ingestion + scoring against DuckDB's group-by over the same CSVs, and
cxsite's own cold, no-change and one-edit builds and `check`. MkDocs and Hugo on the
playbooks are still to come (issue 9).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402

CXSITE_INGEST = """
import sys
from pathlib import Path
from cxsite.build import analyse
analysis = analyse(Path(sys.argv[1]))
assert analysis.scores is not None, [d.format() for d in analysis.diagnostics.errors][:5]
print(len(analysis.scores.table))
"""
DUCKDB_INGEST = """
import sys, duckdb
root = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
x = "(value - 1) / 4.0 * 100"
long = con.execute(f'''
  SELECT touchpoint, dimension, substr(CAST(period AS VARCHAR), 1, 7) AS period, persona,
         count(value) AS n, sum({x}) AS s, sum(({x}) * ({x})) AS ss
  FROM read_csv('{root}/data/measurements/survey.csv', header = true, all_varchar = false)
  GROUP BY ALL''').fetchall()
wide = con.execute(f'''
  WITH t AS (SELECT touchpoint, substr(CAST(created_at AS VARCHAR), 1, 7) AS period, csat,
                    CASE WHEN lower(trim(CAST(resolved AS VARCHAR))) IN ('yes','y','true','1') THEN 100.0 ELSE 0.0 END AS ok,
                    CASE WHEN wait_minutes <= 5 THEN 100.0 ELSE 0.0 END AS in_time
             FROM read_csv('{root}/data/measurements/tickets.csv', header = true))
  SELECT touchpoint, period, count(csat), sum((csat - 1) / 4.0 * 100), count(ok), sum(ok),
         count(in_time), sum(in_time)
  FROM t GROUP BY ALL''').fetchall()
print(len(long) + len(wide))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time and peak resident memory of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"failed: {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return Run(seconds, usage.ru_maxrss / 1024)


def best(command: list[str], repeat: int) -> Run:
    runs = [measure(command) for _ in range(repeat)]
    return min(runs, key=lambda r: r.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cxsite-bench"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    project = args.work / args.size
    started = time.perf_counter()
    generate(args.size, project)
    generated = time.perf_counter() - started
    python = sys.executable
    cxsite = [python, "-m", "cxsite", "--project", str(project)]
    rows: list[tuple[str, str, str, str]] = []

    ingest = best([python, "-c", CXSITE_INGEST, str(project)], args.repeat)
    duck = best([python, "-c", DUCKDB_INGEST, str(project)], args.repeat)
    rows.append(("ingestion + scoring", f"{ingest.seconds:.1f} s, {ingest.peak_mb:.0f} MB",
                 f"DuckDB group-by {duck.seconds:.1f} s, {duck.peak_mb:.0f} MB",
                 f"{ingest.seconds / duck.seconds:.2f}× DuckDB (target ≤ 1.3×)"))  # fmt: skip

    shutil.rmtree(project / ".cxsite-cache", ignore_errors=True)
    shutil.rmtree(project / "output", ignore_errors=True)
    cold = measure([*cxsite, "build", "--quiet"])
    warm = measure([*cxsite, "build", "--quiet"])
    playbook = next((project / "content" / "playbooks").glob("*.md"))
    playbook.write_text(playbook.read_text() + "\nOne more line.\n")
    time.sleep(3.1)  # past the racy-timestamp window, as an editor's save would be
    edit = measure([*cxsite, "build", "--quiet"])
    check = measure([*cxsite, "check"])
    size_mb = sum(p.stat().st_size for p in (project / "output").rglob("*") if p.is_file()) / 1e6
    rows.append(("full build (cold)", f"{cold.seconds:.1f} s, {cold.peak_mb:.0f} MB", "–",
                 f"output {size_mb:.1f} MB (target < 60 s, < 3 GB)"))  # fmt: skip
    rows.append(("no-change rebuild", f"{warm.seconds:.1f} s", "–", "target < 1 s"))
    rows.append(("one-playbook edit", f"{edit.seconds:.1f} s", "–", "target < 0.5 s"))
    rows.append(("check", f"{check.seconds:.1f} s", "–", "target < 5 s"))

    header = ("measure", "cxsite", "peer", "ratio / note")
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    machine = f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.platform()}"
    size = SIZES[args.size]
    lines = [
        f"## {args.size}: {size.touchpoints} touchpoints, {size.playbooks} playbooks, {size.rows:,} rows",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine}; Python {platform.python_version()};"
        f" generated in {generated:.1f} s; best of {args.repeat} for ingestion.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * 4,
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    results = HERE / "RESULTS.md"
    existing = results.read_text() if results.is_file() else "# Benchmark results\n\n"
    marker = f"## {args.size}:"
    kept = [block for block in existing.split("\n## ") if not ("## " + block).startswith(marker)]
    text = "\n## ".join(kept).rstrip() + "\n\n" + "\n".join(lines)
    results.write_text(text)
    print(f"\nwritten to {results}")


if __name__ == "__main__":
    main()
