"""Constants shared by the scoring formulas; docs/scoring.md explains each formula."""

from __future__ import annotations

Z95 = 1.96  # the 95% two-sided normal quantile, for intervals and significance

# The exponent p of the weighted power mean M_p = (Σ wᵢ·xᵢᵖ / Σ wᵢ)^(1/p) per roll-up;
# "min" is the limit p → −∞.
ROLLUP_EXPONENTS: dict[str, float] = {"mean": 1.0, "geometric": 0.0, "harmonic": -1.0}
