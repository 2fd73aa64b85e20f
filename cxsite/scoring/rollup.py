"""Touchpoint scores from partials, and the weighted power-mean roll-ups above them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxsite.scoring.formulas import ROLLUP_EXPONENTS, Z95
from cxsite.scoring.measures import Measure

SCORE_KEYS = ["touchpoint", "dimension", "period"]


def measure_scores(partials: pd.DataFrame, measures: tuple[Measure, ...]) -> pd.DataFrame:
    """Per measure, touchpoint, dimension and period: n, mean (the score) and its standard error.

    se = √(p(1−p)/n)·100 for shares; sd/√n for means (sd from Σx and Σx², n − 1 divisor).
    """
    grouped = partials.groupby(["measure", *SCORE_KEYS], sort=True, observed=True)[
        ["n", "sum", "sumsq"]
    ].sum()
    frame = grouped.reset_index()
    frame = frame[frame["n"] > 0]
    n = frame["n"]
    mean = frame["sum"] / n
    variance = ((frame["sumsq"] - n * mean**2) / (n - 1).where(n > 1)).clip(lower=0).fillna(0.0)
    info = pd.DataFrame(
        {
            "measure": [m.id for m in measures],
            "share": [m.is_share for m in measures],
            "nps_measure": [m.kind == "nps" for m in measures],
            "source_type": [m.source_type for m in measures],
            "source_weight": [m.weight for m in measures],
        }
    )
    frame = frame.assign(mean=mean).merge(info, on="measure", how="left")
    p = (frame["mean"] / 100).clip(0, 1)
    se_share = np.sqrt(p * (1 - p) / frame["n"]) * 100
    se_mean = np.sqrt(variance.to_numpy() / frame["n"].to_numpy())
    frame["se"] = np.where(frame["share"], se_share, se_mean)
    return frame


def combine_measures(scored: pd.DataFrame) -> pd.DataFrame:
    """One score per touchpoint, dimension and period from all its measures.

    score = Σ wᵢ·meanᵢ / Σ wᵢ with wᵢ = source weight × nᵢ; se = √Σ(wᵢ·seᵢ)² / Σ wᵢ.
    A single share measure gets a Wilson interval; anything else score ± 1.96·se.
    Also the customer-only and internal-only scores and the raw NPS of NPS measures.
    """
    frame = scored.assign(w=scored["source_weight"] * scored["n"])
    frame = frame.assign(w_mean=frame["w"] * frame["mean"], w_se2=(frame["w"] * frame["se"]) ** 2)
    groups = frame.groupby(SCORE_KEYS, sort=True, observed=True)
    totals = groups.agg(
        n=("n", "sum"),
        w=("w", "sum"),
        w_mean=("w_mean", "sum"),
        w_se2=("w_se2", "sum"),
        measures=("measure", "count"),
        all_share=("share", "all"),
    )
    result = pd.DataFrame(index=totals.index)
    result["score"] = totals["w_mean"] / totals["w"]
    result["n"] = totals["n"]
    result["se"] = np.sqrt(totals["w_se2"]) / totals["w"]
    wilson = (totals["measures"] == 1) & totals["all_share"]
    low, high = _wilson(result["score"] / 100, result["n"])
    result["ci_low"] = np.where(wilson, low, (result["score"] - Z95 * result["se"]).clip(0, 100))
    result["ci_high"] = np.where(wilson, high, (result["score"] + Z95 * result["se"]).clip(0, 100))
    for name, mask in (
        ("customer", frame["source_type"] == "customer"),
        ("internal", frame["source_type"] == "internal"),
        ("nps", frame["nps_measure"]),
    ):
        part = frame[mask].groupby(SCORE_KEYS, sort=True, observed=True)[["w_mean", "w"]].sum()
        result[name] = part["w_mean"] / part["w"]
    result["nps"] = result["nps"] * 2 - 100
    return result.reset_index()


def _wilson(share: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    z2 = Z95 * Z95
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = Z95 * np.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    return (centre - half).clip(0, 1) * 100, (centre + half).clip(0, 1) * 100


def power_mean_by(members: pd.DataFrame, by: list[str], rollup: str, min_n: float) -> pd.DataFrame:
    """Weighted power mean of member scores per group of `by`, with n, se, spread and count.

    `members` has score, weight, n and se. Members without a score or with n < min_n are
    left out and the other weights renormalised; a group with no member left has no row.
    se by the delta method: √Σ((wᵢ/Σw)·(xᵢ/M)^(p−1)·seᵢ)².
    """
    used = members[members["score"].notna() & (members["n"] >= min_n) & (members["weight"] > 0)]
    if used.empty:
        return pd.DataFrame(columns=[*by, "score", "n", "se", "spread", "members"])
    used = used.copy()
    groups = used.groupby(by, sort=True, observed=True)
    used["share"] = used["weight"] / groups["weight"].transform("sum")
    x = used["score"].astype("float64")
    if rollup == "min":
        result = used.loc[groups["score"].idxmin()].set_index(by)[["score", "se"]]
    else:
        p = ROLLUP_EXPONENTS[rollup]
        with np.errstate(divide="ignore", invalid="ignore"):
            used["term"] = used["share"] * (np.log(x) if p == 0 else x**p)
        terms = used.groupby(by, sort=True, observed=True)["term"].sum()
        score = np.exp(terms) if p == 0 else terms ** (1 / p)
        if p <= 0:  # one member at 0 makes the result 0
            score = score.where(groups["score"].min() > 0, 0.0)
        used = used.merge(score.rename("M").reset_index(), on=by, how="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            gradient = used["share"] * (used["score"] / used["M"]) ** (p - 1)
        used["g2"] = (gradient * used["se"]) ** 2
        se = np.sqrt(used.groupby(by, sort=True, observed=True)["g2"].sum())
        result = pd.DataFrame({"score": score, "se": se.where(score > 0, np.nan)})
    groups = used.groupby(by, sort=True, observed=True)
    result["n"] = groups["n"].sum()
    result["spread"] = groups["score"].max() - groups["score"].min()
    result["members"] = groups["score"].count()
    return result.reset_index()
