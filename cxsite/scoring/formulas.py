"""The formulas, as pure functions over numbers and arrays. docs/scoring.md explains each."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Z95 = 1.96
Array = npt.NDArray[np.float64]

ROLLUP_EXPONENTS: dict[str, float] = {"mean": 1.0, "geometric": 0.0, "harmonic": -1.0}


def power_mean(values: Array, weights: Array, p: float | str) -> float:
    """Weighted power mean M_p = (Σ wᵢ·xᵢᵖ / Σ wᵢ)^(1/p); p = 0 geometric; "min" the minimum.

    For p ≤ 0 a member scoring 0 makes the result 0.
    """
    if isinstance(p, str):
        if p == "min":
            return float(np.min(values))
        p = ROLLUP_EXPONENTS[p]
    total = float(np.sum(weights))
    if p <= 0 and bool(np.any(values <= 0)):
        return 0.0
    if p == 0:
        return math.exp(float(np.sum(weights * np.log(values))) / total)
    return float((np.sum(weights * values**p) / total) ** (1 / p))


def power_mean_se(
    values: Array, weights: Array, ses: Array, p: float | str, result: float
) -> float:
    """Standard error of a power mean by the delta method: √Σ (∂M/∂xᵢ · seᵢ)².

    ∂M/∂xᵢ = (wᵢ/Σw)·(xᵢ/M)^(p−1); for "min" the se of the lowest member.
    """
    if isinstance(p, str):
        if p == "min":
            return float(ses[int(np.argmin(values))])
        p = ROLLUP_EXPONENTS[p]
    if result <= 0:
        return float("nan")
    gradient = (weights / np.sum(weights)) * (values / result) ** (p - 1)
    return float(np.sqrt(np.sum((gradient * ses) ** 2)))


def wilson_interval(share: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share (0–1) of n observations, as 0–100 scores."""
    if n <= 0:
        return (float("nan"), float("nan"))
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def normal_interval(score: float, se: float, z: float = Z95) -> tuple[float, float]:
    """score ± z·se, clamped to 0–100."""
    return (max(0.0, score - z * se), min(100.0, score + z * se))


def is_significant(delta: float, se_now: float, se_then: float, z: float = Z95) -> bool:
    """True where |Δ| > z·√(se₁² + se₂²): a change larger than noise."""
    if any(math.isnan(v) for v in (delta, se_now, se_then)):
        return False
    return abs(delta) > z * math.sqrt(se_now**2 + se_then**2)
