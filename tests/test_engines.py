"""The three scoring engines (pandas, duckdb, dask) give the same partials, the same
scores.csv and the same located problems, on the example and on random projects."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, write_project

from cxsite.build import analyse, load_project
from cxsite.errors import LocatedError
from cxsite.load.engine_dask import DaskEngine, local_cluster
from cxsite.load.engine_duckdb import WHITESPACE, duckdb_partials
from cxsite.load.measurements import measurement_partials, source_partials
from cxsite.model import Project
from cxsite.scoring.aggregate import PARTIAL_KEYS, PARTIAL_VALUES
from cxsite.scoring.export import scores_csv
from cxsite.scoring.measures import measures_of
from cxsite.scoring.observations import Vocabulary

T = TypeVar("T")
ENGINES = ("pandas", "duckdb", "dask")
TODAY = dt.date(2030, 1, 1)
TOUCHPOINTS = ["bill-statement", "support-call", "app-login"]
PERSONAS = ["busy-parent", "sole-trader"]
DIMENSIONS = ["trust", "value", "response_time", "service", "quality"]


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """One real local cluster of two worker processes for the whole module."""
    with local_cluster() as cluster:
        yield cluster.scheduler_address


def use_engine(root: Path, engine: str, scheduler: str | None = None) -> None:
    config = yaml.safe_load((root / "cxsite.yaml").read_text())
    scoring = config.setdefault("scoring", {})
    scoring["engine"] = engine
    scoring.pop("dask_scheduler", None)
    if scheduler is not None and engine == "dask":
        scoring["dask_scheduler"] = scheduler
    (root / "cxsite.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def scores_by_engine(root: Path, scheduler: str) -> dict[str, bytes]:
    """scores.csv of the project at `root` scored with each engine."""
    result = {}
    for engine in ENGINES:
        use_engine(root, engine, scheduler)
        analysis = analyse(root, TODAY)
        assert analysis.scores is not None, [d.format() for d in analysis.diagnostics.items]
        result[engine] = scores_csv(analysis.scores)
    return result


def comparable(partials: pd.DataFrame) -> pd.DataFrame:
    keys = partials[PARTIAL_KEYS].astype(str).astype({"measure": int})
    frame = pd.concat([keys, partials[PARTIAL_VALUES].astype("float64")], axis=1)
    return frame.sort_values(PARTIAL_KEYS).reset_index(drop=True)


def assert_same_partials(expected: pd.DataFrame, actual: pd.DataFrame, exact: bool = False) -> None:
    """Same groups; sums equal, or up to the last bits of another summation order."""
    expected, actual = comparable(expected), comparable(actual)
    pd.testing.assert_frame_equal(expected[PARTIAL_KEYS], actual[PARTIAL_KEYS])
    for column in PARTIAL_VALUES:
        if exact:
            np.testing.assert_array_equal(actual[column], expected[column])
        else:
            np.testing.assert_allclose(actual[column], expected[column], rtol=1e-13, atol=1e-9)


def test_example_scores_csv_is_identical_with_every_engine(
    example_copy: Path, dask_scheduler: str
) -> None:
    scores = scores_by_engine(example_copy, dask_scheduler)
    assert scores["duckdb"] == scores["pandas"]
    assert scores["dask"] == scores["pandas"]
    assert scores["pandas"].count(b"\n") > 1000


def test_example_partials_agree_with_every_engine(example_copy: Path, dask_scheduler: str) -> None:
    partials = {}
    for engine in ENGINES:
        use_engine(example_copy, engine, dask_scheduler)
        project, _ = load_project(example_copy, TODAY)
        assert project is not None
        partials[engine], _, problems = measurement_partials(project, today=TODAY)
        assert problems == []
    assert_same_partials(partials["pandas"], partials["duckdb"], exact=True)
    assert_same_partials(partials["pandas"], partials["dask"], exact=True)


# Random projects: long and wide files, every kind, maps, personas, pre-aggregated n,
# missing values, quoting and white space around cells; always clean, so that the duckdb
# and dask engines compute them themselves (checked) rather than hand them to pandas.
MEASUREMENTS = """\
- path: data/measurements/ratings.csv
  layout: long
  kind: rating
  scale: {scale}
  method: {method}
  missing: ["", "NA"]
- {{path: data/measurements/nps.csv, layout: long, kind: nps}}
- {{path: data/measurements/kpis.csv, layout: long, kind: percent, source: internal}}
- path: data/measurements/tickets.csv
  layout: wide
  period: {{column: created_at}}
  touchpoint:
    column: channel
    map: {{Phone: support-call, Mail: bill-statement, App: app-login}}
  persona:
    column: segment
    map: {{Family: busy-parent, Business: sole-trader, Student: busy-parent}}
  columns:
    csat: {{dimension: service, kind: rating, scale: [1, 5]}}
    solved: {{dimension: quality, kind: boolean}}
    closed: {{dimension: trust, kind: boolean, true_values: [Done], false_values: [Open, Later]}}
    wait: {{dimension: response_time, kind: duration{unit}}}
    effort: {{dimension: value, kind: percent, weight: 2}}
    app: {{dimension: value, kind: rating, scale: [0, 10], top_box: 8, touchpoint: app-login}}
- path: data/measurements/panel.csv
  layout: wide
  touchpoint: bill-statement
  period: 2025-06
  persona: sole-trader
  weight: 0.5
  columns:
    trust: {{dimension: trust, kind: rating, scale: [1, 7]}}
    recommend: {{dimension: value, kind: nps}}
"""
TARGETS = {"s": 150.0, "min": 2.5, "h": 0.04}


class RandomCsv:
    """Cells for random but clean files."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, values: Sequence[T]) -> T:
        return values[int(self.rng.integers(len(values)))]

    def padded(self, value: str) -> str:
        """The value, sometimes with white space around it (stripped by every reader)."""
        return self.pick([value] * 6 + [f" {value}", f"{value}  ", f"\t{value}", f"\xa0{value}"])

    def period(self) -> str:
        month = f"2025-{int(self.rng.integers(1, 13)):02d}"
        day = f"{month}-{int(self.rng.integers(1, 29)):02d}"
        return self.pick([month, month, day, f"{day}T08:30:00", f"{day} 17:05"])

    def number(self, low: float, high: float, decimals: int) -> str:
        return f"{self.rng.uniform(low, high):.{decimals}f}"

    def write(self, path: Path, header: list[str], rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            quoting=self.pick([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
            lineterminator=self.pick(["\n", "\r\n"]),
        )
        writer.writerow(header)
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding=self.pick(["utf-8", "utf-8-sig"]))


def random_project(root: Path, seed: int) -> Path:
    write_project(root)
    rng = np.random.default_rng(seed)
    cells = RandomCsv(rng)
    touchpoints = yaml.safe_load((root / "data" / "touchpoints.yaml").read_text())
    for touchpoint in touchpoints:
        unit = cells.pick(list(TARGETS))
        touchpoint["targets"] = {"response_time": {"target": TARGETS[unit], "unit": unit}}
    (root / "data" / "touchpoints.yaml").write_text(yaml.safe_dump(touchpoints))
    scale: tuple[float, float] = cells.pick([(1, 5), (1, 7), (0, 10), (1.5, 4.5)])
    config = {
        "title": "Random",
        "measurements": yaml.safe_load(
            MEASUREMENTS.format(
                scale=list(scale),
                method=cells.pick(["mean", "mean", "top_box"]),
                unit=cells.pick(["", ", unit: min", ", unit: s"]),
            )
        ),
        "scoring": {"min_n": int(rng.integers(1, 20)), "rollup_min_n": 1},
    }
    (root / "cxsite.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    folder = root / "data" / "measurements"
    folder.mkdir(parents=True, exist_ok=True)

    def long_rows(count: int, value: Any, with_n: bool) -> list[list[str]]:
        rows = []
        for _ in range(count):
            row = [
                cells.padded(cells.pick(TOUCHPOINTS)),
                cells.pick(DIMENSIONS),
                cells.period(),
                cells.padded(cells.pick([*PERSONAS, ""])),
                value(),
            ]
            if with_n:
                row.append(cells.pick(["", str(int(rng.integers(1, 40))), "2.5", "12"]))
            rows.append(row)
        return rows

    low, high = scale

    def rating() -> str:
        if rng.random() < 0.1:
            return cells.pick(["", "NA"])
        if low % 1 or rng.random() < 0.1:
            return cells.number(low, high, 1)
        return cells.padded(str(int(rng.integers(int(low), int(high) + 1))))

    header = ["touchpoint", "dimension", "period", "persona", "value"]
    count = int(rng.integers(200, 1500))
    cells.write(folder / "ratings.csv", [*header, "n"], long_rows(count, rating, True))
    cells.write(
        folder / "nps.csv",
        header,
        long_rows(count // 2, lambda: cells.pick([str(int(rng.integers(0, 11))), ""]), False),
    )
    kpis = long_rows(count // 4, lambda: cells.number(40, 100, int(rng.integers(0, 3))), True)
    cells.write(folder / "kpis.csv", ["touchpoint", "dimension", "period", "value", "n"],
                [row[:3] + row[4:] for row in kpis])  # fmt: skip

    tickets = []
    for number in range(count):
        tickets.append(
            [
                f"T-{number:05d}",
                cells.period(),
                cells.padded(cells.pick(["Phone", "Mail", "App"])),
                cells.pick(["Family", "Business", "Student", ""]),
                cells.pick([str(int(rng.integers(1, 6))), ""]),
                cells.padded(cells.pick(["Yes", "no", "TRUE", "false", "y", "N", "1", "0", ""])),
                cells.pick(["Done", "Open", "Later", "n/a"]),
                cells.pick([cells.number(0, 6, 1), cells.number(0, 400, 0), "", "NA"]),
                cells.number(0, 100, 2),
                cells.pick([str(int(rng.integers(0, 11))), "null"]),
            ]
        )
    ticket_header = ["ticket_id", "created_at", "channel", "segment", "csat", "solved",
                     "closed", "wait", "effort", "app"]  # fmt: skip
    cells.write(folder / "tickets.csv", ticket_header, tickets)
    panel = [
        [
            str(int(rng.integers(1, 8))),
            str(int(rng.integers(0, 11))),
            cells.pick(["fine", 'slow, but "ok"', "multi\nline"]),  # a column nobody reads
        ]
        for _ in range(150)
    ]
    cells.write(folder / "panel.csv", ["trust", "recommend", "comment"], panel)
    return root


def vocabulary_of(project: Project) -> Vocabulary:
    return Vocabulary.of(
        project.touchpoints.values(),
        project.personas,
        project.dimensions,
        latest_month=TODAY.strftime("%Y-%m"),
    )


@pytest.mark.parametrize("seed", range(5))
def test_random_projects_give_identical_scores_csv_with_every_engine(
    tmp_path: Path, dask_scheduler: str, seed: int
) -> None:
    root = random_project(tmp_path / "random", seed)
    project, diagnostics = load_project(root, TODAY)
    assert project is not None, [d.format() for d in diagnostics.items]
    measures = measures_of(project.config)
    vocabulary = vocabulary_of(project)
    with DaskEngine(dask_scheduler) as dask_engine:
        for index, source in enumerate(project.config.measurements):
            own = tuple(m for m in measures if m.source_index == index)
            expected, problems = source_partials(root, source, own, vocabulary, False)
            assert problems == [], [p.format() for p in problems]
            for compute in (duckdb_partials, dask_engine.partials):
                partials = compute(root / source.path, source, own, vocabulary)
                assert partials is not None, f"{compute.__qualname__} fell back on {source.path}"
                assert_same_partials(expected, partials)
    scores = scores_by_engine(root, dask_scheduler)
    assert scores["duckdb"] == scores["pandas"]
    assert scores["dask"] == scores["pandas"]


# One defect each; every engine must hand such a file to the pandas reader.
DEFECTS = {
    "unknown touchpoint": ("tickets.csv", "Phone", "Fax"),
    "unknown touchpoint id": ("nps.csv", "support-call", "support-cal"),
    "unknown dimension": ("nps.csv", "trust", "trsut"),
    "bad period": ("nps.csv", "2025-03", "03/2025"),
    "future period": ("nps.csv", "2025-03", "2031-03"),
    "unknown persona": ("nps.csv", "sole-trader", "sole-trade"),
    "unmapped persona": ("tickets.csv", "Family", "Families"),
    "bad number": ("nps.csv", ",9\n", ",nine\n"),
    "decimal comma": ("tickets.csv", "3.5", '"3,5"'),
    "exponent (read by pandas, not reported)": ("nps.csv", ",9\n", ",9e0\n"),
    "out of range": ("nps.csv", ",9\n", ",11\n"),
    "percent out of range": ("tickets.csv", ",55.00\n", ",155.00\n"),
    "not yes/no": ("tickets.csv", ",Yes,", ",maybe,"),
    "negative duration": ("tickets.csv", "3.5", "-3.5"),
    "bad n": ("kpis.csv", ",12\n", ",0\n"),
    "short row": ("nps.csv", ",9\n", "\n"),
    "long row": ("nps.csv", ",9\n", ",9,extra\n"),
    "blank and empty rows (left out, not reported)": ("nps.csv", ",9\n", ",9\n\n,,,,\n"),
    "missing column": ("nps.csv", "persona,value", "persona,score"),
}
DEFECT_MEASUREMENTS = """\
- {path: data/measurements/nps.csv, layout: long, kind: nps}
- {path: data/measurements/kpis.csv, layout: long, kind: percent}
- path: data/measurements/tickets.csv
  layout: wide
  period: {column: created_at}
  touchpoint: {column: channel, map: {Phone: support-call, Mail: bill-statement}}
  persona: {column: segment, map: {Family: busy-parent}}
  columns:
    wait: {dimension: response_time, kind: duration, unit: min}
    solved: {dimension: quality, kind: boolean}
    effort: {dimension: value, kind: percent}
"""
CLEAN = {
    "nps.csv": "touchpoint,dimension,period,persona,value\n"
    + "support-call,trust,2025-03,sole-trader,9\n" * 3
    + "bill-statement,value,2025-04,,6\n",
    "kpis.csv": "touchpoint,dimension,period,value,n\nbill-statement,quality,2025-01,80.5,12\n",
    "tickets.csv": "created_at,channel,segment,wait,solved,effort\n"
    + "2025-02-03,Phone,Family,3.5,Yes,55.00\n" * 2
    + "2025-02-04,Mail,,1,no,60\n",
}


def defect_project(root: Path, defect: str | None, skip: bool = False) -> Path:
    write_project(root)
    folder = root / "data" / "measurements"
    folder.mkdir(parents=True)
    files = dict(CLEAN)
    if defect is not None:
        name, old, new = DEFECTS[defect]
        assert old in files[name], defect
        files[name] = files[name].replace(old, new, 1)
    for name, text in files.items():
        (folder / name).write_text(text)
    config = {
        "title": "Defects",
        "measurements": yaml.safe_load(DEFECT_MEASUREMENTS),
        "scoring": {"on_bad_value": "skip" if skip else "error"},
    }
    (root / "cxsite.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    touchpoints = yaml.safe_load((root / "data" / "touchpoints.yaml").read_text())
    for touchpoint in touchpoints:
        touchpoint["targets"] = {"response_time": {"target": 3, "unit": "min"}}
    (root / "data" / "touchpoints.yaml").write_text(yaml.safe_dump(touchpoints))
    return root


def engine_results(
    root: Path, scheduler: str
) -> dict[str, tuple[pd.DataFrame, list[LocatedError]]]:
    results = {}
    for engine in ENGINES:
        use_engine(root, engine, scheduler)
        project, diagnostics = load_project(root, TODAY)
        assert project is not None, [d.format() for d in diagnostics.items]
        partials, _, problems = measurement_partials(project, today=TODAY)
        results[engine] = (partials, problems)
    return results


@pytest.mark.parametrize(
    ("defect", "skip"),
    [(defect, False) for defect in sorted(DEFECTS)]
    + [
        (defect, True)
        for defect in ("bad number", "unknown touchpoint", "negative duration", "long row")
    ],
)
def test_a_defect_gives_identical_located_problems_with_every_engine(
    tmp_path: Path, dask_scheduler: str, defect: str, skip: bool
) -> None:
    root = defect_project(tmp_path / "defect", defect, skip)
    results = engine_results(root, dask_scheduler)
    partials, problems = results["pandas"]
    assert bool(problems) != defect.endswith("not reported)")
    for engine in ("duckdb", "dask"):
        assert results[engine][1] == problems, engine
        assert_same_partials(partials, results[engine][0], exact=True)


def test_a_clean_file_is_computed_by_the_engine_itself(tmp_path: Path, dask_scheduler: str) -> None:
    root = defect_project(tmp_path / "clean", None)
    project, _ = load_project(root, TODAY)
    assert project is not None
    measures = measures_of(project.config)
    with DaskEngine(dask_scheduler) as dask_engine:
        for index, source in enumerate(project.config.measurements):
            own = tuple(m for m in measures if m.source_index == index)
            for compute in (duckdb_partials, dask_engine.partials):
                assert compute(root / source.path, source, own, vocabulary_of(project)) is not None


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_every_defect_sends_the_file_to_the_pandas_reader(tmp_path: Path, defect: str) -> None:
    root = defect_project(tmp_path / "defect", defect)
    project, _ = load_project(root, TODAY)
    assert project is not None
    measures = measures_of(project.config)
    name = DEFECTS[defect][0]
    index = next(i for i, s in enumerate(project.config.measurements) if s.path.endswith(name))
    source = project.config.measurements[index]
    own = tuple(m for m in measures if m.source_index == index)
    assert duckdb_partials(root / source.path, source, own, vocabulary_of(project)) is None


def test_unreadable_files_give_identical_errors_with_every_engine(
    tmp_path: Path, dask_scheduler: str
) -> None:
    root = defect_project(tmp_path / "unreadable", None)
    folder = root / "data" / "measurements"
    (folder / "nps.csv").write_bytes(CLEAN["nps.csv"].encode().replace(b"2025-04", b"2025\xe9"))
    (folder / "kpis.csv").write_text(CLEAN["kpis.csv"] + "bill-statement,quality\n")
    (folder / "tickets.csv").write_text("")
    results = engine_results(root, dask_scheduler)
    problems = results["pandas"][1]
    assert len([p for p in problems if p.severity == "error"]) == 3
    assert results["duckdb"][1] == problems
    assert results["dask"][1] == problems


def test_dask_starts_and_closes_its_own_local_cluster(tmp_path: Path) -> None:
    root = defect_project(tmp_path / "local", None)
    use_engine(root, "pandas")
    expected = analyse(root, TODAY)
    use_engine(root, "dask")  # no scheduler: a LocalCluster of two workers
    analysis = analyse(root, TODAY)
    assert expected.scores is not None and analysis.scores is not None
    assert scores_csv(analysis.scores) == scores_csv(expected.scores)


@pytest.mark.parametrize(("engine", "module"), [("dask", "distributed"), ("duckdb", "duckdb")])
def test_an_engine_not_installed_is_a_located_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, module: str
) -> None:
    root = defect_project(tmp_path / "not-installed", None)
    use_engine(root, engine)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == module else find_spec(name, *args),
    )
    project, diagnostics = load_project(root, TODAY)
    assert project is None
    [error] = diagnostics.errors
    assert error.path == "cxsite.yaml" and error.line > 1
    assert f"`engine: {engine}` needs {module}: pip install 'cxsite[scale]'" in error.message


def test_whitespace_is_what_python_strips() -> None:
    assert WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def test_the_pandas_engine_imports_neither_duckdb_nor_dask() -> None:
    script = (
        "import sys; from pathlib import Path; from cxsite.build import analyse; "
        f"assert analyse(Path({str(REPO)!r})).scores is not None; "
        "print(sorted(m for m in ('duckdb', 'dask', 'distributed') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
