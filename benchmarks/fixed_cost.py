"""The fixed cost of a build (issue 15, item 4): the median wall time of N builds, each in a
fresh process with no `.cxsite-cache` and no output, as on a fresh machine or CI runner.

    .venv/bin/python benchmarks/fixed_cost.py [--runs 7] [--work /tmp/cxsite-fixed-cost]

Two projects: a new one from `cxsite init` (a small project) and the repository's example,
each copied under --work so neither the repository nor its cache is touched.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CXSITE = [sys.executable, "-m", "cxsite"]
EXAMPLE_PARTS = ("cxsite.yaml", "content", "data", "themes")


def fresh_build_seconds(project: Path, runs: int) -> list[float]:
    """Wall times of `runs` builds of `project`, each in a new process with no cache."""
    times: list[float] = []
    for _ in range(runs):
        shutil.rmtree(project / ".cxsite-cache", ignore_errors=True)
        shutil.rmtree(project / "output", ignore_errors=True)
        started = time.perf_counter()
        done = subprocess.run(
            [*CXSITE, "--project", str(project), "build"], capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"build of {project} failed:\n{done.stdout}{done.stderr}")
    return times


def small_project(work: Path) -> Path:
    """A new project from `cxsite init`."""
    project = work / "small"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run([*CXSITE, "init", str(project)], check=True, capture_output=True)
    return project


def example_project(work: Path) -> Path:
    """A copy of the repository's example project (its inputs only)."""
    project = work / "example"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for part in EXAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.is_file():
            shutil.copy2(source, project / part)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cxsite-fixed-cost"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for name, project in (
        ("cxsite init project", small_project(args.work)),
        ("example project", example_project(args.work)),
    ):
        times = fresh_build_seconds(project, args.runs)
        spread = f"min {min(times):.2f} s, max {max(times):.2f} s"
        print(
            f"{name}: median {statistics.median(times):.2f} s of {args.runs} fresh builds ({spread})"
        )


if __name__ == "__main__":
    main()
