"""The formulas of cxsite/scoring/formulas.py, checked against numbers worked out by hand
or by a second method (the statistics module, duckdb running the generated SQL)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from cxsite.scoring.formulas import (
    TARGET,
    YES,
    AsWritten,
    Scaled,
    Steps,
    answer_range,
    combined_score_and_se,
    conversion_of,
    mean_and_se,
    normal_interval,
    nps_of_mean,
    power_mean_by,
    significant_change,
    status_of,
    wilson_interval,
)


def values(
    conversion: Scaled | AsWritten | Steps,
    numbers: Sequence[float],
    target: np.ndarray[Any, Any] | None = None,
) -> list[float]:
    return [float(x) for x in conversion.values(np.array(numbers, dtype="float64"), target)]


def run_sql(sql: str, frame: pd.DataFrame) -> list[float]:
    """`sql` evaluated by duckdb on each row of `frame`."""
    with duckdb.connect() as connection:
        connection.register("frame", frame)
        result = connection.execute(f"SELECT {sql} AS x FROM frame").fetchall()
    return [float(row[0]) for row in result]


def test_a_rating_is_its_place_on_the_scale() -> None:
    assert values(conversion_of("rating", scale=(1, 5)), [1, 2, 3, 4, 5]) == [0, 25, 50, 75, 100]
    assert values(conversion_of("rating", scale=(0, 10)), [7]) == [70]


def test_top_box_counts_answers_at_or_above_the_box() -> None:
    default = conversion_of("rating", "top_box", scale=(1, 5))
    assert values(default, [3, 4, 5]) == [0, 0, 100]
    four = conversion_of("rating", "top_box", scale=(1, 5), top_box=4)
    assert values(four, [3, 4, 5]) == [0, 100, 100]


def test_nps_answers_are_detractors_passives_or_promoters() -> None:
    assert values(conversion_of("nps"), [0, 6, 7, 8, 9, 10]) == [0, 0, 50, 50, 100, 100]
    # 5 promoters, 3 passives, 2 detractors: NPS = 50% − 20% = 30
    answers = [10, 9, 9, 10, 9, 7, 8, 7, 3, 6]
    mean = float(np.mean(values(conversion_of("nps"), answers)))
    assert mean == 65
    assert nps_of_mean(pd.Series([mean])).iloc[0] == 30


def test_percent_is_as_written_and_yes_no_and_durations_are_hits() -> None:
    assert values(conversion_of("percent"), [0.29, 97.5]) == [0.29, 97.5]
    assert values(conversion_of("boolean"), [YES, 0.0]) == [100, 0]
    seconds = [100.0, 180.0, 181.0]
    target = np.full(3, 180.0)
    assert values(conversion_of("duration"), seconds, target=target) == [100, 100, 0]


def test_each_kind_has_its_range() -> None:
    assert answer_range("rating", (1, 7)) == (1, 7)
    assert answer_range("nps") == (0, 10)
    assert answer_range("percent") == (0, 100)
    assert answer_range("boolean") is None and answer_range("duration") is None


CONVERSIONS = [
    (conversion_of("rating", scale=(1, 5)), [1.0, 2.5, 3.0, 4.7, 5.0]),
    (conversion_of("rating", scale=(0.5, 7.25)), [0.5, 1.1, 3.3, 7.25]),
    (conversion_of("rating", "top_box", scale=(1, 5), top_box=4), [3.0, 3.99, 4.0, 5.0]),
    (conversion_of("nps"), [0.0, 6.0, 6.5, 7.0, 8.9, 9.0, 10.0]),
    (conversion_of("percent"), [0.0, 0.1, 33.3, 100.0]),
    (conversion_of("boolean"), [YES, 0.0]),
]


@pytest.mark.parametrize(("conversion", "numbers"), CONVERSIONS)
def test_duckdb_runs_the_same_conversion_from_the_same_table(
    conversion: Scaled | AsWritten | Steps, numbers: list[float]
) -> None:
    from_sql = run_sql(conversion.sql("v"), pd.DataFrame({"v": numbers}))
    assert from_sql == values(conversion, numbers)


def test_duckdb_scores_a_duration_against_each_rows_target() -> None:
    frame = pd.DataFrame(
        {"v": [100.0, 180.0, 181.0, 201.0], "limit_s": [180.0, 180.0, 200.0, 200.0]}
    )
    sql = conversion_of("duration").sql("v", target="limit_s")
    assert TARGET not in sql
    assert run_sql(sql, frame) == [100, 100, 100, 0]


def test_mean_and_standard_error_of_a_mean_measure_match_the_statistics_module() -> None:
    xs = [0.0, 25.0, 50.0, 50.0, 100.0, 75.0]
    n, total, squares = (pd.Series([v]) for v in (len(xs), sum(xs), sum(x * x for x in xs)))
    mean, se = mean_and_se(n, total, squares, pd.Series([False]))
    assert mean.iloc[0] == pytest.approx(statistics.mean(xs))
    assert se[0] == pytest.approx(statistics.stdev(xs) / math.sqrt(len(xs)))


def test_one_answer_has_no_spread_and_a_share_has_the_binomial_error() -> None:
    mean, se = mean_and_se(
        pd.Series([1.0]), pd.Series([80.0]), pd.Series([6400.0]), pd.Series([False])
    )
    assert (mean.iloc[0], se[0]) == (80.0, 0.0)
    # 80 hits of 100: √(0.8 · 0.2 / 100) · 100 = 4
    _, se = mean_and_se(
        pd.Series([100.0]), pd.Series([8000.0]), pd.Series([800000.0]), pd.Series([True])
    )
    assert se[0] == pytest.approx(4.0)


def test_wilson_interval_of_8_in_10() -> None:
    # By hand with z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.716738;
    # half 1.96 · √(0.016 + 0.009604) / 1.38416 = 0.226582.
    low, high = wilson_interval(pd.Series([0.8]), pd.Series([10.0]))
    assert low.iloc[0] == pytest.approx(49.0156, abs=1e-3)
    assert high.iloc[0] == pytest.approx(94.3320, abs=1e-3)


def test_wilson_interval_of_all_hits_ends_at_100() -> None:
    low, high = wilson_interval(pd.Series([1.0]), pd.Series([5.0]))
    # n / (n + z²) = 5 / 8.8416
    assert low.iloc[0] == pytest.approx(100 * 5 / (5 + 1.96**2))
    assert high.iloc[0] == 100


def test_normal_interval_is_clipped_to_0_100() -> None:
    low, high = normal_interval(pd.Series([98.0, 50.0]), pd.Series([2.0, 10.0]))
    assert low.tolist() == pytest.approx([94.08, 30.4])
    assert high.tolist() == pytest.approx([100.0, 69.6])


def test_measures_combine_weighted_by_answers() -> None:
    # weights 10 and 30, means 60 and 80, se 4 and 2
    score, se = combined_score_and_se(
        pd.Series([10 * 60 + 30 * 80.0]),
        pd.Series([40.0]),
        pd.Series([(10 * 4.0) ** 2 + (30 * 2.0) ** 2]),
    )
    assert score.iloc[0] == 75
    assert se.iloc[0] == pytest.approx(math.sqrt(1600 + 3600) / 40)


def members(scores: list[float], weights: list[float], se: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame({"g": "x", "score": scores, "weight": weights, "n": 10.0, "se": se})


@pytest.mark.parametrize(
    ("rollup", "expected"),
    [
        ("mean", 75.0),
        ("geometric", math.sqrt(50 * 100)),
        ("harmonic", 2 / (1 / 50 + 1 / 100)),
        ("min", 50.0),
    ],
)
def test_power_means_of_50_and_100(rollup: str, expected: float) -> None:
    result = power_mean_by(members([50.0, 100.0], [1.0, 1.0]), ["g"], rollup, 0)
    assert result["score"].iloc[0] == pytest.approx(expected)
    assert result["spread"].iloc[0] == 50 and result["members"].iloc[0] == 2


def test_power_mean_weights_and_delta_method_se() -> None:
    result = power_mean_by(members([50.0, 100.0], [1.0, 3.0], se=2.0), ["g"], "mean", 0)
    assert result["score"].iloc[0] == pytest.approx((50 + 3 * 100) / 4)
    # p = 1: the gradient is each member's share, so se = √((¼·2)² + (¾·2)²)
    assert result["se"].iloc[0] == pytest.approx(math.sqrt(0.5**2 + 1.5**2))
    # a harmonic mean with a member at 0 is 0
    zero = power_mean_by(members([0.0, 100.0], [1.0, 1.0]), ["g"], "harmonic", 0)
    assert zero["score"].iloc[0] == 0


def test_members_below_min_n_are_left_out() -> None:
    frame = members([50.0, 100.0], [1.0, 1.0]).assign(n=[3.0, 30.0])
    result = power_mean_by(frame, ["g"], "mean", 5)
    assert result["score"].iloc[0] == 100 and result["n"].iloc[0] == 30


def test_status_thresholds() -> None:
    score = pd.Series([80.0, 79.9, 70.0, 69.0])
    status = status_of(
        score, pd.Series(80.0, index=score.index), pd.Series(70.0, index=score.index)
    )
    assert status.tolist() == ["green", "amber", "amber", "red"]


def test_a_change_is_significant_beyond_1_96_combined_standard_errors() -> None:
    # noise 1.96 · √(2² + 2²) = 5.5437
    delta = pd.Series([5.0, -6.0, np.nan])
    flags = significant_change(delta, pd.Series([2.0, 2.0, 2.0]), pd.Series([2.0, 2.0, 2.0]))
    assert flags.tolist() == [False, True, False]
