"""Every scoring formula, in one place: docs/scoring.md explains each one.

Vectorised pure functions over numpy arrays and pandas columns (no I/O, no grouping of
their own except the power mean): how one answer becomes x on 0–100 per kind, the mean and
standard error of a measure, the Wilson and normal intervals, the weighted power mean of a
roll-up, status, and the significance of a change. Every engine calls these: the pandas
and dask readers through `Conversion.values`, duckdb through `Conversion.sql`, so a kind's
conversion is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

Z95 = 1.96  # the 95% two-sided normal quantile, for intervals and significance

# The exponent p of the weighted power mean M_p = (Σ wᵢ·xᵢᵖ / Σ wᵢ)^(1/p) per roll-up;
# "min" is the limit p → −∞.
ROLLUP_EXPONENTS: dict[str, float] = {"mean": 1.0, "geometric": 0.0, "harmonic": -1.0}

Numbers = np.ndarray[Any, Any]

# --- §2: one answer → x on 0–100, per kind --------------------------------------------

TARGET = "target"  # a step's threshold that is each row's own: a duration's target in seconds
YES = 1.0  # a yes/no answer as the number its conversion reads: 1 for yes, 0 for no
NPS_RANGE = (0.0, 10.0)
PERCENT_RANGE = (0.0, 100.0)
_COMPARE = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "==": np.equal,
}


def sql_double(value: float) -> str:
    """A DOUBLE literal parsed from Python's shortest repr, so both sides hold the same bits."""
    return f"CAST('{float(value)!r}' AS DOUBLE)"


@dataclass(frozen=True)
class Scaled:
    """x = (v − low) / (high − low) · 100: a rating's place on its scale."""

    low: float
    high: float

    def values(self, v: Numbers, target: Numbers | None = None) -> Numbers:
        # Cells outside the scale (1e308, say) are reported and dropped; no warning for them.
        with np.errstate(all="ignore"):
            return np.asarray((v - self.low) / (self.high - self.low) * 100.0, dtype="float64")

    def sql(self, v: str, target: str = "") -> str:
        span = sql_double(self.high - self.low)
        return f"({v} - {sql_double(self.low)}) / {span} * {sql_double(100.0)}"


@dataclass(frozen=True)
class AsWritten:
    """x = v: a percentage is already on 0–100."""

    def values(self, v: Numbers, target: Numbers | None = None) -> Numbers:
        return np.asarray(v, dtype="float64")

    def sql(self, v: str, target: str = "") -> str:
        return v


@dataclass(frozen=True)
class Steps:
    """x = the value of the first step whose comparison holds, else `otherwise`.

    Each step is (comparison, threshold, x); a threshold of TARGET is the row's own target.
    """

    steps: tuple[tuple[str, float | str, float], ...]
    otherwise: float

    def values(self, v: Numbers, target: Numbers | None = None) -> Numbers:
        with np.errstate(all="ignore"):
            conditions = [_COMPARE[op](v, _threshold(at, target)) for op, at, _ in self.steps]
        return np.select(conditions, [x for _, _, x in self.steps], default=self.otherwise)

    def sql(self, v: str, target: str = "") -> str:
        cases = " ".join(
            f"WHEN {v} {'=' if op == '==' else op} "
            f"{target if at == TARGET else sql_double(float(at))} THEN {sql_double(x)}"
            for op, at, x in self.steps
        )
        return f"CASE {cases} ELSE {sql_double(self.otherwise)} END"


Conversion = Scaled | AsWritten | Steps


def _threshold(at: float | str, target: Numbers | None) -> Any:
    if at != TARGET:
        return at
    assert target is not None, "a duration is scored against its target"
    return target


def conversion_of(
    kind: str,
    method: str = "mean",
    scale: tuple[float, float] | None = None,
    top_box: float | None = None,
) -> Conversion:
    """The per-kind table: how a number read from a cell becomes x on 0–100.

    rating (v − lo)/(hi − lo)·100; top box 100 at or above `top_box` (default: the top of
    the scale); NPS 100 for 9–10, 0 for 0–6, 50 between, so that mean = (NPS + 100)/2;
    percent as written; boolean 100 for yes (v = YES); duration 100 where the time in
    seconds is at or under the target.
    """
    if kind == "rating":
        assert scale is not None
        low, high = scale
        if method == "top_box":
            return Steps(((">=", top_box if top_box is not None else high, 100.0),), 0.0)
        return Scaled(low, high)
    if kind == "nps":
        return Steps(((">=", 9.0, 100.0), ("<=", 6.0, 0.0)), 50.0)
    if kind == "percent":
        return AsWritten()
    if kind == "boolean":
        return Steps((("==", YES, 100.0),), 0.0)
    if kind == "duration":
        return Steps((("<=", TARGET, 100.0),), 0.0)
    raise ValueError(f"unknown kind {kind!r}")


def answer_range(kind: str, scale: tuple[float, float] | None = None) -> tuple[float, float] | None:
    """The closed range a number of this kind must lie in, or None when any number will do."""
    if kind == "rating":
        return scale
    return {"nps": NPS_RANGE, "percent": PERCENT_RANGE}.get(kind)


# --- §4: one measure's mean and standard error; intervals ---------------------------------


def mean_and_se(
    n: pd.Series, total: pd.Series, total_squares: pd.Series, share: pd.Series
) -> tuple[pd.Series, Numbers]:
    """The mean Σn·x/Σn and its standard error from the partials of one measure.

    se = √(p(1−p)/n)·100 for shares (p = mean/100); sd/√n for means, with
    sd² = (Σx² − n·mean²)/(n − 1) (0 for one answer, never negative).
    """
    mean = total / n
    variance = ((total_squares - n * mean**2) / (n - 1).where(n > 1)).clip(lower=0).fillna(0.0)
    p = (mean / 100).clip(0, 1)
    se_share = np.sqrt(p * (1 - p) / n) * 100
    se_mean = np.sqrt(variance.to_numpy() / n.to_numpy())
    return mean, np.where(share, se_share, se_mean)


def combined_score_and_se(
    weighted_means: pd.Series, weights: pd.Series, weighted_se_squares: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Several measures as one score: Σwᵢ·meanᵢ / Σwᵢ, se = √Σ(wᵢ·seᵢ)² / Σwᵢ (wᵢ = weight·nᵢ)."""
    return weighted_means / weights, np.sqrt(weighted_se_squares) / weights


def wilson_interval(share: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The 95% Wilson score interval of a share p of n answers, on 0–100:
    (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    z2 = Z95 * Z95
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = Z95 * np.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    return (centre - half).clip(0, 1) * 100, (centre + half).clip(0, 1) * 100


def normal_interval(score: pd.Series, se: pd.Series) -> tuple[pd.Series, pd.Series]:
    """score ± 1.96·se, clipped to 0–100."""
    return (score - Z95 * se).clip(0, 100), (score + Z95 * se).clip(0, 100)


def nps_of_mean(mean: pd.Series) -> pd.Series:
    """The Net Promoter Score (−100…100) of a mean of NPS x values: 2·mean − 100."""
    return mean * 2 - 100


# --- §5: roll-ups ---------------------------------------------------------------------


def power_mean_by(members: pd.DataFrame, by: list[str], rollup: str, min_n: float) -> pd.DataFrame:
    """Weighted power mean of member scores per group of `by`, with n, se, spread and count.

    `members` has score, weight, n and se. Members without a score or with n < min_n are
    left out and the other weights renormalised; a group with no member left has no row.
    M_p = (Σ sᵢ·xᵢᵖ)^(1/p) with sᵢ = wᵢ/Σw (p = 0: exp Σ sᵢ·ln xᵢ; "min": the lowest);
    se by the delta method: √Σ(sᵢ·(xᵢ/M)^(p−1)·seᵢ)².
    """
    used = members[members["score"].notna() & (members["n"] >= min_n) & (members["weight"] > 0)]
    if used.empty:
        return pd.DataFrame(columns=[*by, "score", "n", "se", "spread", "members"])
    used = used.copy()
    # One grouping for every sum below: columns added to `used` later are seen by it.
    groups = used.groupby(by, sort=True, observed=True)
    used["share"] = used["weight"] / groups["weight"].transform("sum")
    x = used["score"].astype("float64")
    if rollup == "min":
        result = used.loc[groups["score"].idxmin()].set_index(by)[["score", "se"]]
    else:
        p = ROLLUP_EXPONENTS[rollup]
        with np.errstate(divide="ignore", invalid="ignore"):
            used["term"] = used["share"] * (np.log(x) if p == 0 else x**p)
        terms = groups["term"].sum()
        score = np.exp(terms) if p == 0 else terms ** (1 / p)
        if p <= 0:  # one member at 0 makes the result 0
            score = score.where(groups["score"].min() > 0, 0.0)
        # Each member's group mean M: groups are numbered in the sorted order of `score`.
        used["M"] = score.to_numpy()[groups.ngroup().to_numpy()]
        with np.errstate(divide="ignore", invalid="ignore"):
            gradient = used["share"] * (used["score"] / used["M"]) ** (p - 1)
        used["g2"] = (gradient * used["se"]) ** 2
        se = np.sqrt(groups["g2"].sum())
        result = pd.DataFrame({"score": score, "se": se.where(score > 0, np.nan)})
    result["n"] = groups["n"].sum()
    result["spread"] = groups["score"].max() - groups["score"].min()
    result["members"] = groups["score"].count()
    return result.reset_index()


# --- §7, §8: status and change ----------------------------------------------------------

STATUSES: Sequence[str] = ("green", "amber", "red")


def status_of(score: pd.Series, green_from: pd.Series, amber_from: pd.Series) -> Numbers:
    """green where score ≥ green_from, amber where ≥ amber_from, red below."""
    return np.select(
        [score >= green_from, score >= amber_from], [STATUSES[0], STATUSES[1]], default=STATUSES[2]
    )


def significant_change(delta: pd.Series, se: pd.Series, earlier_se: pd.Series) -> pd.Series:
    """Whether a change Δ is significant: |Δ| > 1.96·√(se₁² + se₂²); False where unknown."""
    noise = Z95 * np.sqrt(se**2 + earlier_se**2)
    return (delta.abs() > noise).fillna(False)
