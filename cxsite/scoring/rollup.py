"""Touchpoint scores from partials: the groupings around the formulas of formulas.py."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxsite.scoring.formulas import (
    combined_score_and_se,
    mean_and_se,
    normal_interval,
    nps_of_mean,
    power_mean_by,
    wilson_interval,
)
from cxsite.scoring.measures import Measure

SCORE_KEYS = ["touchpoint", "dimension", "period"]
__all__ = ["SCORE_KEYS", "combine_measures", "measure_scores", "power_mean_by"]


def measure_scores(
    partials: pd.DataFrame, measures: tuple[Measure, ...], within: Sequence[str] = ()
) -> pd.DataFrame:
    """Per measure, touchpoint, dimension and period (within each group of the `within`
    columns first): n, mean (the score) and its standard error (`formulas.mean_and_se`)."""
    grouped = partials.groupby([*within, "measure", *SCORE_KEYS], sort=True, observed=True)[
        ["n", "sum", "sumsq"]
    ].sum()
    frame = grouped.reset_index()
    frame = frame[frame["n"] > 0]
    info = pd.DataFrame(
        {
            "measure": [m.id for m in measures],
            "share": [m.is_share for m in measures],
            "nps_measure": [m.kind == "nps" for m in measures],
            "source_type": [m.source_type for m in measures],
            "source_weight": [m.weight for m in measures],
        }
    )
    frame = frame.merge(info, on="measure", how="left")
    mean, se = mean_and_se(frame["n"], frame["sum"], frame["sumsq"], frame["share"])
    frame["mean"] = mean
    frame["se"] = se
    return frame


def combine_measures(scored: pd.DataFrame, within: Sequence[str] = ()) -> pd.DataFrame:
    """One score per touchpoint, dimension and period (within `within`) from all its measures
    (`formulas.combined_score_and_se`, wᵢ = source weight × nᵢ).

    A single share measure gets a Wilson interval; anything else score ± 1.96·se.
    Also the customer-only and internal-only scores and the raw NPS of NPS measures.
    """
    frame = scored.assign(w=scored["source_weight"] * scored["n"])
    frame = frame.assign(w_mean=frame["w"] * frame["mean"], w_se2=(frame["w"] * frame["se"]) ** 2)
    keys = [*within, *SCORE_KEYS]
    groups = frame.groupby(keys, sort=True, observed=True)
    totals = groups.agg(
        n=("n", "sum"),
        w=("w", "sum"),
        w_mean=("w_mean", "sum"),
        w_se2=("w_se2", "sum"),
        measures=("measure", "count"),
        all_share=("share", "all"),
    )
    result = pd.DataFrame(index=totals.index)
    result["score"], result["se"] = combined_score_and_se(
        totals["w_mean"], totals["w"], totals["w_se2"]
    )
    result["n"] = totals["n"]
    result = result[["score", "n", "se"]]
    wilson = (totals["measures"] == 1) & totals["all_share"]
    low, high = wilson_interval(result["score"] / 100, result["n"])
    normal_low, normal_high = normal_interval(result["score"], result["se"])
    result["ci_low"] = np.where(wilson, low, normal_low)
    result["ci_high"] = np.where(wilson, high, normal_high)
    for name, mask in (
        ("customer", frame["source_type"] == "customer"),
        ("internal", frame["source_type"] == "internal"),
        ("nps", frame["nps_measure"]),
    ):
        part = frame[mask].groupby(keys, sort=True, observed=True)[["w_mean", "w"]].sum()
        result[name] = part["w_mean"] / part["w"]
    result["nps"] = nps_of_mean(result["nps"])
    return result.reset_index()
