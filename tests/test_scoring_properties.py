"""Invariants of scoring, checked on random data with hypothesis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxsite.build import load_project
from cxsite.load import measurements as measurement_reader
from cxsite.load.measurements import measurement_partials
from cxsite.model import Project
from cxsite.scoring.aggregate import merge_partials, partial_aggregates
from cxsite.scoring.engine import score_project
from cxsite.scoring.export import scores_csv
from cxsite.scoring.measures import measures_of
from cxsite.scoring.rollup import power_mean_by

TOUCHPOINTS = ["bill-statement", "support-call", "app-login"]
DIMENSIONS = ["trust", "service", "quality"]
PERSONAS = ["busy-parent", "sole-trader", ""]
CONFIG = """\
title: T
measurements:
  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}
scoring: {rollup_min_n: 2, min_n: 5}
"""

answer = st.tuples(
    st.sampled_from(TOUCHPOINTS),
    st.sampled_from(DIMENSIONS),
    st.sampled_from(["2025-01", "2025-02", "2025-03"]),
    st.sampled_from(PERSONAS),
    st.integers(1, 5),
)
answers = st.lists(answer, min_size=1, max_size=120)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = write_project(tmp_path_factory.mktemp("props") / "p")
    (root / "data" / "measurements").mkdir()
    (root / "data" / "measurements" / "r.csv").write_text(
        "touchpoint,dimension,period,persona,value\n"
    )
    (root / "cxsite.yaml").write_text(CONFIG)
    loaded, diagnostics = load_project(root, dt.date(2026, 1, 1))
    assert loaded is not None, diagnostics.items
    return loaded


def observations(rows: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["touchpoint", "dimension", "period", "persona", "value"])
    return pd.DataFrame(
        {
            "measure": 0,
            "touchpoint": frame["touchpoint"],
            "dimension": frame["dimension"],
            "period": frame["period"],
            "persona": frame["persona"],
            "x": (frame["value"] - 1) / 4 * 100,
            "n": 1.0,
        }
    )


def score_table(project: Project, partials: pd.DataFrame) -> pd.DataFrame:
    return score_project(project, partials, measures_of(project.config)).table


FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(answers)
def test_scores_and_intervals_stay_within_0_100(
    project: Project, rows: list[tuple[str, str, str, str, int]]
) -> None:
    table = score_table(project, partial_aggregates(observations(rows)))
    assert ((table["score"] >= -1e-9) & (table["score"] <= 100 + 1e-9)).all()
    intervals = table.dropna(subset=["ci_low"])
    assert ((intervals["ci_low"] >= 0) & (intervals["ci_high"] <= 100)).all()
    assert (intervals["ci_low"] <= intervals["score"] + 1e-9).all()


@FAST
@given(answers, st.randoms(use_true_random=False))
def test_row_order_never_changes_a_score(
    project: Project, rows: list[tuple[str, str, str, str, int]], rng: object
) -> None:
    shuffled = list(rows)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    first = score_table(project, partial_aggregates(observations(rows)))
    second = score_table(project, partial_aggregates(observations(shuffled)))
    pd.testing.assert_frame_equal(first, second, check_exact=False, rtol=1e-9, atol=1e-9)


@FAST
@given(answers, st.lists(st.integers(0, 120), max_size=5))
def test_chunked_partials_merge_to_the_same_scores(
    project: Project, rows: list[tuple[str, str, str, str, int]], cuts: list[int]
) -> None:
    bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
    chunks = [rows[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    merged = merge_partials(partial_aggregates(observations(chunk)) for chunk in chunks)
    whole = partial_aggregates(observations(rows))
    pd.testing.assert_frame_equal(
        score_table(project, merged),
        score_table(project, whole),
        check_exact=False,
        rtol=1e-9,
        atol=1e-9,
    )


members = st.lists(
    st.tuples(st.floats(0, 100), st.floats(0.1, 10), st.integers(0, 50)), min_size=1, max_size=8
)


def rolled(values: list[tuple[float, float, int]], rollup: str) -> float:
    frame = pd.DataFrame(values, columns=["score", "weight", "n"]).assign(group="g", se=1.0)
    result = power_mean_by(frame, ["group"], rollup, min_n=0)
    return float(result["score"].iloc[0])


@settings(max_examples=200, deadline=None)
@given(members)
def test_rollup_lies_between_min_and_max_and_means_are_ordered(
    values: list[tuple[float, float, int]],
) -> None:
    scores = [v[0] for v in values]
    mean, geometric, harmonic, lowest = (
        rolled(values, r) for r in ("mean", "geometric", "harmonic", "min")
    )
    for result in (mean, geometric, harmonic, lowest):
        assert min(scores) - 1e-9 <= result <= max(scores) + 1e-9
    assert mean >= geometric - 1e-9
    assert geometric >= harmonic - 1e-9
    assert harmonic >= lowest - 1e-9
    assert lowest == pytest.approx(min(scores))


def test_streaming_in_small_batches_gives_identical_scores_csv(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    lines = ["touchpoint,dimension,period,persona,value"]
    for _ in range(3000):
        lines.append(
            f"{rng.choice(TOUCHPOINTS)},{rng.choice(DIMENSIONS)},2025-0{rng.integers(1, 4)},"
            f"{rng.choice(PERSONAS)},{rng.integers(1, 6)}"
        )
    (project.root / "data" / "measurements" / "r.csv").write_text("\n".join(lines) + "\n")
    whole, measures, _ = measurement_partials(project)
    monkeypatch.setattr(measurement_reader, "BLOCK_SIZE", 1024)  # dozens of batches
    batched, _, problems = measurement_partials(project)
    assert problems == []
    assert scores_csv(score_project(project, whole, measures)) == scores_csv(
        score_project(project, batched, measures)
    )
