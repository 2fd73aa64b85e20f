"""Benchmarks of issue 9, measured side by side in one run on this machine; prints a table
of figures and ratios and writes this size's section of benchmarks/RESULTS.md.

    make bench SIZE=large                          # from a fresh clone: creates .venv
    make bench SIZE=medium BENCH_ARGS="--skip scaling,profile"
    .venv/bin/python benchmarks/run.py --size medium [--skip PARTS] [--profile]

Parts (each can be skipped with `--skip a,b`; a skipped part keeps the figures of its last
run in the same --work folder, dated, in the RESULTS.md section):

- ingest:  ingestion + scoring (`cxsite.build.analyse`) vs DuckDB's group-by on the same CSVs;
           and `cxsite scores` on a fresh copy of a 3M-row project of this size (issue 15).
- builds:  cxsite's cold, no-change and one-playbook-edit builds and `check` of the project.
- pages:   the project's playbooks built by cxsite (a project holding only those playbooks
           and what they name), by MkDocs 1.6 (plain site) and by Hugo (minimal layouts).
           With --plain-playbooks, the same playbooks with plain bodies of about 600 words
           (headings, paragraphs, lists; no tables, task lists or directives).
- scaling: ingestion + scoring at 1M, 3M and 10M rows (`--scale-rows`), peak memory, and
           DuckDB's at the same sizes.
- profile: cProfile of an in-process cold build and no-change rebuild, top 15 entries by
           cumulative time. On by default for large; `--profile` turns it on for medium.

Setup done here: projects are generated (seeded) under --work, reused while the generator
is unchanged. MkDocs is installed into its own venv, --work/mkdocs-venv, so the project's
venv stays clean; Hugo is Debian's `hugo` package (`apt-get install -y hugo`, run here when
root). DuckDB is the `duckdb` package in this Python, installed by `make bench`.

Every step runs as a fresh process; its wall time and its peak memory are recorded: the
larger of the kernel's ru_maxrss (the largest single process) and the memory of the whole
process tree sampled at 10 Hz (RSS for one process; the sum of PSS when workers are forked,
so copy-on-write pages shared by the workers count once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate, paragraph  # noqa: E402
from page_weights import weights as page_weights  # noqa: E402

PARTS = ("ingest", "builds", "pages", "scaling", "profile")
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


def arrow(query):  # the result as an Arrow table, as cxsite keeps its partials in columns
    relation = con.sql(query)
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()


long = arrow(f'''
  SELECT touchpoint, dimension, substr(CAST(period AS VARCHAR), 1, 7) AS period, persona,
         count(value) AS n, sum({x}) AS s, sum(({x}) * ({x})) AS ss
  FROM read_csv('{root}/data/measurements/survey.csv', header = true, all_varchar = false)
  GROUP BY ALL''')
wide = arrow(f'''
  WITH t AS (SELECT touchpoint, substr(CAST(created_at AS VARCHAR), 1, 7) AS period, csat,
                    CASE WHEN lower(trim(CAST(resolved AS VARCHAR))) IN ('yes','y','true','1') THEN 100.0 ELSE 0.0 END AS ok,
                    CASE WHEN wait_minutes <= 5 THEN 100.0 ELSE 0.0 END AS in_time
             FROM read_csv('{root}/data/measurements/tickets.csv', header = true))
  SELECT touchpoint, period, count(csat), sum((csat - 1) / 4.0 * 100), count(ok), sum(ok),
         count(in_time), sum(in_time)
  FROM t GROUP BY ALL''')
print(long.num_rows + wide.num_rows)
"""
PROFILE = """
import cProfile, json, pstats, shutil, sys, time
from pathlib import Path
from cxsite.build import build, clear_cache
root, out = Path(sys.argv[1]), Path(sys.argv[2])
clear_cache(root)
shutil.rmtree(root / "output", ignore_errors=True)
runs = []
for label in ("cold build", "no-change rebuild"):
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    result = build(root)
    profile.disable()
    seconds = time.perf_counter() - started
    assert result.output is not None, [d.format() for d in result.diagnostics.errors][:5]
    stats = pstats.Stats(profile).stats
    top = sorted(stats.items(), key=lambda item: item[1][3], reverse=True)[:15]
    entries = []
    for (path, line, name), (cc, nc, tt, ct, _) in top:
        parts = Path(path).parts
        for anchor in ("site-packages", "cxsite", "lib"):
            if anchor in parts[:-1]:
                index = len(parts) - 1 - parts[::-1].index(anchor)
                path = "/".join(parts[index + (anchor != "cxsite"):])
                break
        where = f"{path}:{line}({name})" if line else name
        calls = str(nc) if nc == cc else f"{nc}/{cc}"
        entries.append([calls, round(tt, 3), round(ct, 3), where])
    runs.append({"label": label, "seconds": round(seconds, 2), "top": entries})
out.write_text(json.dumps(runs))
"""
PREAMBLE = """\
# Benchmark results

Issue 9's benchmarks, written by `benchmarks/run.py` (one section per size, replaced on
rerun). From a fresh clone:

    make bench SIZE=medium     # or SIZE=large; BENCH_ARGS="--skip pages,scaling" to rerun parts

`make bench` creates `.venv`, installs cxsite and `duckdb` into it and runs
`benchmarks/run.py`, which generates the seeded projects under `/tmp/cxsite-bench`,
installs MkDocs 1.6 into its own venv there and Hugo from Debian (`apt-get install -y
hugo`) if missing. Every figure is one fresh process: wall time and peak memory, the larger
of ru_maxrss (the largest single process) and the process tree's memory sampled at 10 Hz
(RSS of one process; with forked workers the sum of their PSS, so that copy-on-write pages
shared after the fork count once); MB are MiB (2^20 bytes), so the "< 2 GB" and "< 3 GB"
targets are read as 2,048 and 3,072 MB. Ingestion and the Markdown-page builds are the best of
`--repeat` (default 2) runs; the builds, check and the scaling points run once. The machine
has 2 cores; other work on it (load averages are given) makes single figures noisy, and a
section says so when the load average was above 1.

**What the Markdown-page comparison builds.** The same `content/playbooks/*.md` files (about
600 words each, 4 tables, task lists and two directives) are built three ways, cold (no
cache, empty output):

- **cxsite** builds a project holding those playbooks plus only what they must name to be
  valid: the 12 departments, 6 personas, the touchpoints the playbooks name (one per
  playbook) in one journey, and no measurement data. It validates everything, renders
  each playbook with its directives resolved (to "no data"), and also writes one
  scorecard page per named touchpoint, the department, persona, dimension and journey
  pages, home, search with its index, feed, sitemap and the theme assets. So cxsite
  writes about 2 × N + 35 HTML pages where the peers write N + 1; the comparison is
  conservative for cxsite.
- **MkDocs 1.6.x** builds the same files copied into `docs/`, with a `mkdocs.yml` of one
  line (`site_name`): the built-in `mkdocs` theme with its navigation of all pages on every
  page, and the default search plugin (which writes a search index). Directives stay text.
- **Hugo** (Debian's package) builds the same files under `content/playbooks/` with two
  theme-less layouts (`single.html`, `list.html`: title and content) and one-line
  shortcodes for `score`, `trend` and `table` that print their arguments; taxonomies, RSS,
  sitemap, robots.txt and 404 are disabled.

Each side's HTML page count is asserted (N playbook pages, at least).
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    error: str = ""  # set when the process timed out or failed (then seconds is how long it ran)


def tree_memory_bytes(root: int, page: int = os.sysconf("SC_PAGE_SIZE")) -> int:
    """The memory held by all descendants of `root` (not itself), from /proc.

    One process: its RSS. Several (forked workers): the sum of their PSS, so that pages
    shared copy-on-write after a fork count once, not once per worker as an RSS sum would.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * page
    tree, todo = [], list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    if len(tree) <= 1:
        return sum(rss.get(pid, 0) for pid in tree)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                pss = next(line for line in rollup if line.startswith(b"Pss:"))
            total += int(pss.split()[1]) * 1024
        except (OSError, StopIteration):
            total += rss.get(pid, 0)
    return total


# Forks and execs the command from a small Python, so the command's ru_maxrss does not
# inherit the size of this (numpy-loaded) process, and reports its time, ru_maxrss and exit.
SPAWN = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def measure(
    command: list[str],
    cwd: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Wall time and peak resident memory of one fresh process (and its children).

    On timeout the process gets SIGABRT, so that a Python started with `-X faulthandler`
    prints where it was; the error then holds the end of its stderr.
    """
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", SPAWN, *command],
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
        peak = 0
        stop = threading.Event()
        timed_out = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.wait(0.1):
                peak = max(peak, tree_memory_bytes(process.pid))
                if timeout is not None and time.perf_counter() - started > timeout:
                    timed_out.set()
                    for sig in (signal.SIGABRT, signal.SIGKILL):
                        try:
                            os.killpg(process.pid, sig)
                        except ProcessLookupError:
                            return
                        time.sleep(5)
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        report, _ = process.communicate()
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        code = process.returncode
        if report.strip():
            seconds, maxrss_kb, code = json.loads(report)
            peak = max(peak, maxrss_kb * 1024)
        peak_mb = peak / 2**20
        if code == 0 and not timed_out.is_set():
            return Run(seconds, peak_mb)
        stderr.seek(0)
        tail = stderr.read().decode(errors="replace")[-3000:]
        what = f"timed out after {seconds:.0f} s" if timed_out.is_set() else f"exit {code}"
        return Run(seconds, peak_mb, f"{what}: {' '.join(command)}\n{tail}")


def must(run: Run) -> Run:
    if run.error:
        raise SystemExit(f"failed: {run.error}")
    return run


def best(
    command: list[str],
    repeat: int,
    cwd: Path | None = None,
    before: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> Run:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(must(measure(command, cwd, timeout)))
    return min(runs, key=lambda r: r.seconds)


def fmt(run: Run) -> str:
    return f"{run.seconds:.2f} s, {run.peak_mb:.0f} MB"


# --- setup --------------------------------------------------------------------------------


def ensure_project(size: str, out: Path, rows: int | None = None) -> float:
    """Generate the project unless `out` holds one from the same generator and arguments."""
    generator = (HERE / "generate.py").read_bytes()
    stamp = json.dumps(
        {"size": size, "rows": rows, "generator": hashlib.sha256(generator).hexdigest()}
    )
    marker = out / ".generated"
    if marker.is_file() and marker.read_text() == stamp:
        return 0.0
    started = time.perf_counter()
    generate(size, out, rows=rows)
    marker.write_text(stamp)
    return time.perf_counter() - started


def ensure_mkdocs(work: Path) -> Path:
    venv = work / "mkdocs-venv"
    mkdocs = venv / "bin" / "mkdocs"
    if not mkdocs.is_file():
        print(f"installing MkDocs 1.6 into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "mkdocs==1.6.*"], check=True)
    return mkdocs


def ensure_hugo() -> str:
    hugo = shutil.which("hugo")
    if hugo is None and os.geteuid() == 0:
        print("installing Hugo: apt-get install -y hugo", flush=True)
        if subprocess.run(["apt-get", "install", "-y", "hugo"]).returncode != 0:
            subprocess.run(["apt-get", "update"], check=True)
            subprocess.run(["apt-get", "install", "-y", "hugo"], check=True)
        hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit("Hugo is missing: run `sudo apt-get install -y hugo` (or --skip pages)")
    return hugo


def output_of(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "?"


def cxsite_revision() -> str:
    head = output_of(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = output_of(["git", "-C", str(REPO), "status", "--porcelain", "--", "cxsite"])
    return head + (" with uncommitted changes in cxsite/" if dirty not in ("", "?") else "")


# --- parts --------------------------------------------------------------------------------


def part_ingest(project: Path, repeat: int) -> dict[str, Any]:
    python = sys.executable
    ingest = best([python, "-c", CXSITE_INGEST, str(project)], repeat)
    duck = best([python, "-c", DUCKDB_INGEST, str(project)], repeat)
    ratio = ingest.seconds / duck.seconds
    peak = "met" if ingest.peak_mb < 2048 else "missed"  # MiB
    return {"rows": [("ingestion + scoring", fmt(ingest), f"DuckDB group-by {fmt(duck)}",
                      f"{ratio:.2f}× DuckDB (target ≤ 1.3×: {'met' if ratio <= 1.3 else 'missed'};"
                      f" peak < 2 GB: {peak})"), *scores_rows(project, repeat)]}  # fmt: skip


SCORES_ROWS = 3_000_000


def scores_rows(project: Path, repeat: int) -> list[tuple[str, str, str, str]]:
    """Issue 15: `cxsite scores` (the command, in a fresh process, no cache) on this size's
    project with 3M rows, as a table and as CSV, vs DuckDB's group-by on the same CSVs."""
    where = project.parent / f"{project.name}-rows-{SCORES_ROWS}"
    ensure_project(project.name, where, SCORES_ROWS)
    duck = best([sys.executable, "-c", DUCKDB_INGEST, str(where)], repeat)
    rows = []
    for label, options in (
        ("`cxsite scores`", []),
        ("`cxsite scores --format csv`", ["--format", "csv"]),
    ):
        command = [sys.executable, "-m", "cxsite", "--project", str(where), "scores", *options]
        run = best(
            command,
            repeat,
            before=lambda: shutil.rmtree(where / ".cxsite-cache", ignore_errors=True),
        )
        ratio = run.seconds / duck.seconds
        rows.append(
            (
                f"{label}, 3M rows, fresh copy",
                fmt(run),
                f"DuckDB group-by {fmt(duck)}",
                f"{ratio:.2f}× DuckDB (target ≤ 1.5×: {'met' if ratio <= 1.5 else 'missed'})",
            )
        )
    return rows  # fmt: skip


# `cxsite serve` rebuilds in its own process after each save, through the same `build()`
# with one BuildCache kept for its lifetime (cxsite/serve.py, LiveServer.rebuild): the time
# from a saved playbook edit to its page written, measured the same way (median of 5
# saves), after a first build as serve does on start. Writes the median seconds to argv[2].
SERVE_EDIT = """
import statistics, sys, time
from pathlib import Path
from cxsite.build import build
from cxsite.cache import BuildCache
root = Path(sys.argv[1])
out = root / "output"
cache = BuildCache.of_project(root)
assert build(root, out, cache=cache, reuse=False).output is not None
playbook = sorted((root / "content" / "playbooks").glob("*.md"))[0]
page = out / "playbooks" / (playbook.stem + ".html")
original = playbook.read_text()
times = []
try:
    for number in range(5):
        marker = f"Edited in serve, save {number}."
        playbook.write_text(original + "\\n" + marker + "\\n")
        started = time.perf_counter()
        result = build(root, out, cache=cache)
        times.append(time.perf_counter() - started)
        assert result.output is not None and marker in page.read_text()
finally:
    playbook.write_text(original)
Path(sys.argv[2]).write_text(str(statistics.median(times)))
"""


def part_builds(project: Path, timeout: float | None) -> dict[str, Any]:
    cxsite = [sys.executable, "-X", "faulthandler", "-m", "cxsite", "--project", str(project)]
    shutil.rmtree(project / ".cxsite-cache", ignore_errors=True)
    shutil.rmtree(project / "output", ignore_errors=True)
    rows: list[tuple[str, str, str, str]] = []
    cold = measure([*cxsite, "build", "--quiet"], timeout=timeout)
    if cold.error:
        rows.append(("full build (cold)", f"stopped: {fmt(cold)}", "–", "target < 60 s, < 3 GB"))
        return {"rows": rows, "notes": ["Cold build stopped:", "", "```", cold.error, "```"]}
    warm = must(measure([*cxsite, "build", "--quiet"], timeout=timeout))
    playbook = sorted((project / "content" / "playbooks").glob("*.md"))[0]
    original = playbook.read_text()
    playbook.write_text(original + "\nOne more line.\n")
    time.sleep(3.1)  # past the racy-timestamp window, as an editor's save would be
    try:
        edit = must(measure([*cxsite, "build", "--quiet"], timeout=timeout))
    finally:
        playbook.write_text(original)
    with tempfile.NamedTemporaryFile("r") as median:
        serve = must(measure([sys.executable, "-c", SERVE_EDIT, str(project), median.name],
                             timeout=timeout))  # fmt: skip
        serve_edit = float(Path(median.name).read_text())
    check = must(measure([*cxsite, "check"], timeout=timeout))
    weights = page_weights(project / "output")
    files = [p for p in (project / "output").rglob("*") if p.is_file()]
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    pages = sum(p.suffix == ".html" for p in files)

    def verdict(run: Run, limit: float) -> str:
        return f"target < {limit:g} s: " + ("met" if run.seconds < limit else "missed")

    met = "met" if cold.seconds < 60 and cold.peak_mb < 3 * 1024 else "missed"
    rows += [
        ("full build (cold)", fmt(cold), "–",
         f"output {size_mb:.1f} MB, {len(files):,} files, {pages:,} pages (target < 60 s, < 3 GB: {met})"),
        ("no-change rebuild", fmt(warm), "–", verdict(warm, 1)),
        ("one-playbook edit", fmt(edit), "–", "a new `cxsite build` process; " + verdict(edit, 0.5)),
        ("one-playbook edit, serve", f"{serve_edit:.2f} s from save to page written", "–",
         f"median of 5 saves in one process ({serve.peak_mb:.0f} MB); " +
         ("target < 0.5 s: met" if serve_edit < 0.5 else "target < 0.5 s: missed")),
        ("check", fmt(check), "–", verdict(check, 5)),
        ("largest HTML page", f"{weights['largest_bytes'] / 1000:,.0f} KB ({weights['largest_page']})",
         "–", f"target ≤ 300 KB: {'met' if not weights['over_limit'] else 'missed'}"),
        ("median HTML page", f"{weights['median_bytes'] / 1000:,.0f} KB", "–",
         f"{weights['pages']:,} pages, {weights['html_bytes'] / 1e6:,.1f} MB of HTML"),
        ("pages over 300 KB", f"{len(weights['over_limit'])}", "–",
         ", ".join(weights["over_limit"][:5]) or "none"),
    ]  # fmt: skip
    return {"rows": rows}


HUGO_CONFIG = """\
baseURL = "http://example.org/"
title = "Playbooks"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
    "</head><body><main>{{ .Content }}%s</main></body></html>\n"
)
HUGO_LIST = (
    '<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
)
HUGO_SHORTCODE = (
    '<span class="%s">{{ range $k, $v := .Params }}{{ $k }}={{ $v }} {{ end }}</span>\n'
)


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def plain_body(number: int) -> str:
    """A playbook body of about 600 words: headings, paragraphs and a list, nothing else."""
    import numpy as np

    rng = np.random.default_rng(number)
    body = [f"# Playbook {number}", "", paragraph(rng, 60), ""]
    for section in range(4):
        body += [f"## Step {section + 1}", "", paragraph(rng, 120), ""]
        body += ["- " + paragraph(rng, 8), "- " + paragraph(rng, 8), ""]
    return "\n".join(body)


def pages_setup(
    project: Path, root: Path, plain: bool = False
) -> tuple[Path, Path, Path, int, float]:
    """The cxsite, MkDocs and Hugo projects over the same playbooks, rebuilt from scratch
    (with `plain`, the playbooks' bodies replaced by `plain_body`)."""
    shutil.rmtree(root, ignore_errors=True)
    playbooks = sorted((project / "content" / "playbooks").glob("*.md"))
    words = 0
    touchpoints: list[str] = []
    texts: dict[str, str] = {}
    for number, path in enumerate(playbooks):
        text = path.read_text()
        if plain:
            text = text[: text.index("---\n", 4) + 4] + plain_body(number)
        texts[path.name] = text
        front, body = front_matter(text)
        words += len(re.findall(r"[A-Za-z][A-Za-z'_-]*", re.sub(r"\{\{<.*?>\}\}", "", body)))
        touchpoints += [tp for tp in front.get("touchpoints", []) if tp not in touchpoints]

    cx = root / "cxsite"
    (cx / "content" / "playbooks").mkdir(parents=True)
    (cx / "data" / "touchpoints").mkdir(parents=True)
    (cx / "cxsite.yaml").write_text("title: Playbooks\n")
    for name in ("departments.yaml", "personas.yaml"):
        shutil.copy(project / "data" / name, cx / "data" / name)
    for tp in touchpoints:
        shutil.copy(project / "data" / "touchpoints" / f"{tp}.yaml", cx / "data" / "touchpoints")
    personas = [p["id"] for p in yaml.safe_load((project / "data" / "personas.yaml").read_text())]
    journey = {"id": "playbooks", "name": "Playbooks", "personas": personas[:3],
               "stages": [{"id": "all", "name": "All", "phase": "post-sale", "touchpoints": touchpoints}]}  # fmt: skip
    (cx / "data" / "journeys.yaml").write_text(yaml.safe_dump([journey], sort_keys=False))

    mk = root / "mkdocs"
    (mk / "docs").mkdir(parents=True)
    (mk / "mkdocs.yml").write_text("site_name: Playbooks\n")

    hugo = root / "hugo"
    (hugo / "content" / "playbooks").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "layouts" / "shortcodes").mkdir(parents=True)
    (hugo / "config.toml").write_text(HUGO_CONFIG)
    (hugo / "layouts" / "_default" / "single.html").write_text(HUGO_PAGE % "")
    (hugo / "layouts" / "_default" / "list.html").write_text(HUGO_PAGE % HUGO_LIST)
    for name in ("score", "trend", "table"):
        (hugo / "layouts" / "shortcodes" / f"{name}.html").write_text(HUGO_SHORTCODE % name)

    for name, text in texts.items():
        for folder in (cx / "content" / "playbooks", mk / "docs", hugo / "content" / "playbooks"):
            (folder / name).write_text(text)
    return cx, mk, hugo, len(playbooks), words / max(1, len(playbooks))


def html_pages(folder: Path, pattern: str = "**/*.html") -> int:
    return sum(1 for _ in folder.glob(pattern))


def part_pages(
    project: Path, work: Path, repeat: int, timeout: float | None, plain: bool = False
) -> dict[str, Any]:
    mkdocs = ensure_mkdocs(work)
    hugo = ensure_hugo()
    folder = work / f"{project.name}-{'plain-' if plain else ''}pages"
    cx, mk, hu, n, words = pages_setup(project, folder, plain)

    def clean_cx() -> None:
        shutil.rmtree(cx / ".cxsite-cache", ignore_errors=True)
        shutil.rmtree(cx / "output", ignore_errors=True)

    def clean_mk() -> None:
        shutil.rmtree(mk / "site", ignore_errors=True)

    def clean_hu() -> None:
        for folder in ("public", "resources"):
            shutil.rmtree(hu / folder, ignore_errors=True)

    cxsite_cmd = [sys.executable, "-m", "cxsite", "--project", str(cx), "build", "--quiet"]
    cx_run = best(cxsite_cmd, repeat, before=clean_cx, timeout=timeout)
    mk_run = best([str(mkdocs), "build", "--quiet"], repeat, cwd=mk, before=clean_mk)
    hu_run = best([hugo, "--quiet"], repeat, cwd=hu, before=clean_hu)

    cx_playbooks = html_pages(cx / "output" / "playbooks", "playbook-*.html")
    mk_playbooks = html_pages(mk / "site", "playbook-*/index.html")
    hu_playbooks = html_pages(hu / "public" / "playbooks", "*/index.html")
    counts = (cx_playbooks, mk_playbooks, hu_playbooks)
    assert counts == (n, n, n), f"playbook pages (cxsite, MkDocs, Hugo) {counts}, expected {n}"
    sample = sorted((cx / "output" / "playbooks").glob("playbook-*.html"))[0].read_text()
    assert "{{<" not in sample, "cxsite left a directive unrendered"
    totals = [html_pages(cx / "output"), html_pages(mk / "site"), html_pages(hu / "public")]
    to_mk, to_hu = cx_run.seconds / mk_run.seconds, cx_run.seconds / hu_run.seconds
    cx_cell = f"{fmt(cx_run)}, {totals[0]} pages"
    kind, mk_target = ("plain playbooks", 0.5) if plain else ("playbooks", 0.25)
    content = (
        "headings, paragraphs and lists only)"
        if plain
        else "directives left out), each with 4 tables, 8 task-list items and 2 directives"
    )
    return {
        "rows": [
            (f"{n:,} {kind} vs MkDocs", cx_cell, f"MkDocs {fmt(mk_run)}, {totals[1]} pages",
             f"{to_mk:.2f}× MkDocs (target ≤ {mk_target}×: {'met' if to_mk <= mk_target else 'missed'})"),
            (f"{n:,} {kind} vs Hugo", cx_cell, f"Hugo {fmt(hu_run)}, {totals[2]} pages",
             f"{to_hu:.2f}× Hugo (target ≤ 2×: {'met' if to_hu <= 2 else 'missed'})"),
        ],
        "notes": [f"Markdown pages: {n:,} {kind} of {words:.0f} words on average (body text,"
                  f" {content}."],
    }  # fmt: skip


def parse_rows(text: str) -> list[int]:
    units = {"k": 1_000, "m": 1_000_000}
    values = []
    for item in text.split(","):
        item = item.strip().lower()
        values.append(int(float(item[:-1]) * units[item[-1]]) if item[-1] in units else int(item))
    return values


def part_scaling(size: str, project: Path, work: Path, rows_list: list[int]) -> dict[str, Any]:
    python = sys.executable
    points: list[dict[str, Any]] = []
    for rows in rows_list:
        where = project if rows == SIZES[size].rows else work / f"{size}-rows-{rows}"
        if where != project and (seconds := ensure_project(size, where, rows)):
            print(f"  generated {where} in {seconds:.1f} s", flush=True)
        ingest = must(measure([python, "-c", CXSITE_INGEST, str(where)]))
        duck = must(measure([python, "-c", DUCKDB_INGEST, str(where)]))
        print(f"  {rows:>12,} rows: cxsite {fmt(ingest)}; DuckDB {fmt(duck)}", flush=True)
        points.append({"rows": rows, "cxsite": asdict(ingest), "duckdb": asdict(duck)})
    lines = ["| rows | cxsite s | cxsite peak MB | MB per 1M rows over the previous point | DuckDB s | DuckDB peak MB |",
             "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    previous = None
    slopes = []
    for point in points:
        cx, du = point["cxsite"], point["duckdb"]
        slope = "–"
        if previous is not None:
            per = (cx["peak_mb"] - previous["cxsite"]["peak_mb"]) / (
                (point["rows"] - previous["rows"]) / 1e6
            )
            slopes.append(per)
            slope = f"{per:.0f}"
        lines.append(f"| {point['rows']:,} | {cx['seconds']:.1f} | {cx['peak_mb']:.0f} | {slope} | {du['seconds']:.1f} | {du['peak_mb']:.0f} |")  # fmt: skip
        previous = point
    first, last = points[0], points[-1]
    row_ratio = last["rows"] / first["rows"]
    mem_ratio = last["cxsite"]["peak_mb"] / first["cxsite"]["peak_mb"]
    falling = all(b <= a for a, b in zip(slopes, slopes[1:], strict=False))
    verdict = (f"{row_ratio:.0f}× the rows take {mem_ratio:.1f}× the peak memory; the memory added per"
               f" million rows {'falls' if falling else 'does not fall'} as rows grow:"
               f" {'less than linear' if mem_ratio < row_ratio and falling else 'NOT less than linear'}.")  # fmt: skip
    return {
        "rows": [
            (
                "rows vs peak memory",
                f"{first['rows']:,} → {last['rows']:,} rows: {first['cxsite']['peak_mb']:.0f} → {last['cxsite']['peak_mb']:.0f} MB",
                f"DuckDB {first['duckdb']['peak_mb']:.0f} → {last['duckdb']['peak_mb']:.0f} MB",
                f"{mem_ratio:.1f}× memory for {row_ratio:.0f}× rows",
            )
        ],  # fmt: skip
        "section": [
            "### Rows vs peak memory (ingestion + scoring, one run each)",
            "",
            "Projects of this size's definitions with only the row count changed (`generate.py --rows`).",
            "",
            *lines,
            "",
            verdict,
            "",
        ],  # fmt: skip
    }


def part_profile(project: Path, timeout: float | None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-X", "faulthandler", "-c", PROFILE, str(project), out.name]
        must(measure(command, timeout=timeout, env={"CXSITE_WORKERS": "1"}))
        runs = json.loads(Path(out.name).read_text())
    section = [
        "### Profile (cProfile, in-process `cxsite.build.build`, top 15 by cumulative time)",
        "",
    ]
    section += ["Profiled in one process (`CXSITE_WORKERS=1`), since cProfile sees only the main",
                "process and a parallel build's main process mostly waits for its page workers;",
                "the timed builds above use the default workers (one per core). cProfile's",
                "overhead inflates the totals.", ""]  # fmt: skip
    for run in runs:
        section += [f"**{run['label']}**, {run['seconds']:.1f} s under the profiler:", "",
                    "| calls | own s | cumulative s | function |", "|---:|---:|---:|---|"]  # fmt: skip
        section += [f"| {c} | {t:.2f} | {ct:.2f} | `{w}` |" for c, t, ct, w in run["top"]]
        section.append("")
    inner = [e for e in runs[0]["top"] if not re.search(r"\((_?build)\)$", e[3])][:3]
    named = ", ".join(f"{e[3].rsplit('(', 1)[-1].rstrip(')')} {e[2]:.1f} s" for e in inner)
    return {"section": section, "rows": [("profile (cProfile)", f"cold {runs[0]['seconds']:.1f} s, no-change {runs[1]['seconds']:.1f} s", "–",
                                           f"cold, cumulative: {named}")]}  # fmt: skip


# --- report -------------------------------------------------------------------------------


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.platform()}"


def versions(mkdocs: Path | None) -> str:
    try:
        duck = importlib.metadata.version("duckdb")
    except importlib.metadata.PackageNotFoundError:
        duck = "not installed"
    mk = output_of([str(mkdocs), "--version"]).split(" from ")[0] if mkdocs else "?"
    hugo = output_of(["hugo", "version"]).split(" BuildDate")[0] if shutil.which("hugo") else "?"
    return f"Python {platform.python_version()}; {mk}; {hugo}; DuckDB {duck}"


def write_results(size: str, stored: dict[str, Any]) -> str:
    spec = SIZES[size]
    header = ("measure", "cxsite", "peer", "ratio / note")
    rows: list[list[str]] = []
    lines = [
        f"## {size}: {spec.touchpoints:,} touchpoints, {spec.playbooks:,} playbooks, {spec.rows:,} rows",
        "",
    ]
    run_info = stored["run"]
    lines += [f"Last run {run_info['date']} on {run_info['machine']}; {run_info['versions']};"
              f" cxsite {run_info['revision']}; load average {run_info['load']}."
              f" Command: `{run_info['command']}`.", ""]  # fmt: skip
    if run_info.get("busy"):
        lines += ["Other work competed for the 2 cores during this run (1-minute load average above"
                  " 1 at its start or end), so single figures are noisy.", ""]  # fmt: skip
    extra: list[str] = []
    for part in PARTS:
        result = stored["parts"].get(part)
        if result is None:
            continue
        dated = "" if result["date"] == run_info["date"] else f" (measured {result['date']})"
        rows += [[row[0] + dated, *row[1:]] for row in result.get("rows", [])]
        extra += result.get("section", [])
        if result.get("notes"):
            lines += [*result["notes"], ""]
    table = [list(header), *rows]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * 4]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", *extra]
    section = "\n".join(lines).rstrip() + "\n"

    results = HERE / "RESULTS.md"
    existing = results.read_text() if results.is_file() else ""
    blocks = {}
    written = []  # sections written by hand (targets, page weights): kept as they are
    for block in existing.split("\n## ")[1:]:
        name = block.split(":", 1)[0]
        if name in SIZES:
            blocks[name] = "## " + block.rstrip() + "\n"
        else:
            written.append("## " + block.rstrip() + "\n")
    blocks[size] = section
    ordered = written + [blocks[name] for name in SIZES if name in blocks]
    results.write_text(PREAMBLE + "\n" + "\n".join(ordered))
    return str(results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cxsite-bench"))
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of ingestion and page builds (best kept)"
    )
    parser.add_argument(
        "--skip", default="", help=f"comma-separated parts to skip: {', '.join(PARTS)}"
    )
    parser.add_argument(
        "--profile", action="store_true", help="run the profile part (default on large only)"
    )
    parser.add_argument(
        "--plain-playbooks",
        action="store_true",
        help="pages part: plain bodies of about 600 words (no tables, task lists or directives)",
    )
    parser.add_argument("--scale-rows", default="1M,3M,10M", help="row counts of the scaling part")
    parser.add_argument(
        "--timeout",
        type=float,
        default=1500,
        help="seconds before a cxsite build or check is stopped",
    )
    args = parser.parse_args()  # fmt: skip
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    if unknown := skip - set(PARTS):
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; parts: {', '.join(PARTS)}")
    if args.size != "large" and not args.profile:
        skip.add("profile")
    args.work.mkdir(parents=True, exist_ok=True)
    project = args.work / args.size
    today = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    load_before = os.getloadavg()[0]
    busy = load_before > 1
    generated = ensure_project(args.size, project)
    state = f"generated in {generated:.1f} s" if generated else "reused"
    print(f"project {project} ({state})", flush=True)

    store = args.work / f"results-{args.size}.json"
    stored = json.loads(store.read_text()) if store.is_file() else {"parts": {}}
    for part in PARTS:
        if part in skip:
            print(f"{part}: skipped", flush=True)
            continue
        print(f"{part}: running", flush=True)
        started = time.perf_counter()
        try:
            if part == "ingest":
                result = part_ingest(project, args.repeat)
            elif part == "builds":
                result = part_builds(project, args.timeout)
            elif part == "pages":
                result = part_pages(
                    project, args.work, args.repeat, args.timeout, args.plain_playbooks
                )
            elif part == "scaling":
                result = part_scaling(args.size, project, args.work, parse_rows(args.scale_rows))
            else:
                result = part_profile(project, 2 * args.timeout)
        except SystemExit as failure:  # a failed or stopped step: report it, go on
            print(failure, flush=True)
            result = {"rows": [(f"{part} (failed)", "–", "–", str(failure).splitlines()[0])],
                      "section": [f"### {part} failed", "", "```", str(failure)[-3000:], "```", ""]}  # fmt: skip
        result["date"] = today
        stored["parts"][part] = result
        store.write_text(json.dumps(stored, indent=1))
        print(f"{part}: done in {time.perf_counter() - started:.0f} s", flush=True)

    mkdocs = args.work / "mkdocs-venv" / "bin" / "mkdocs"
    command = f"make bench SIZE={args.size}" + (
        f' BENCH_ARGS="--skip {args.skip}"' if args.skip else ""
    )
    ran = [part for part in PARTS if part not in skip]
    if not ran and "run" in stored:  # nothing measured: only rewrite the section
        print(f"\nwritten to {write_results(args.size, stored)}")
        return
    stored["run"] = {
        "date": today,
        "machine": machine(),
        "versions": versions(mkdocs if mkdocs.is_file() else None),
        "revision": cxsite_revision(),
        "load": f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
        "busy": busy or os.getloadavg()[0] > 1,
        "command": command,
    }
    store.write_text(json.dumps(stored, indent=1))
    print()
    print(f"\nwritten to {write_results(args.size, stored)}")


if __name__ == "__main__":
    main()
