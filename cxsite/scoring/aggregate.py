"""Mergeable partial aggregates: count, sum and sum of squares of x per group.

Partials of any split of the data (chunks of a file, files, machines) add up to the
partials of the whole, so the scores never depend on how the data was read.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

PARTIAL_KEYS = ["measure", "touchpoint", "dimension", "period", "persona"]
PARTIAL_VALUES = ["n", "sum", "sumsq"]


def partial_aggregates(observations: pd.DataFrame) -> pd.DataFrame:
    """Σn, Σn·x and Σn·x² per (measure, touchpoint, dimension, period, persona)."""
    weighted = observations.assign(
        sum=observations["n"] * observations["x"],
        sumsq=observations["n"] * observations["x"] ** 2,
    )
    return _sum_by_keys(weighted[PARTIAL_KEYS + PARTIAL_VALUES])


def merge_partials(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The partials of the union of the data behind `parts`."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return empty_partials()
    return _sum_by_keys(pd.concat(frames, ignore_index=True))


def empty_partials() -> pd.DataFrame:
    columns = {k: pd.Series(dtype="int64" if k == "measure" else "object") for k in PARTIAL_KEYS}
    columns.update({v: pd.Series(dtype="float64") for v in PARTIAL_VALUES})
    return pd.DataFrame(columns)


def _sum_by_keys(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return empty_partials()
    grouped = frame.groupby(PARTIAL_KEYS, sort=True, observed=True)[PARTIAL_VALUES].sum()
    result = grouped.reset_index()
    result["measure"] = result["measure"].astype("int64")
    return result
