"""Status, expectation and perception gaps, low-sample flags and significant changes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxsite.config import Scoring
from cxsite.model import Project
from cxsite.scoring.formulas import significant_change, status_of

SERIES_KEYS = ["level", "id", "dimension"]


def add_status_and_gaps(table: pd.DataFrame, project: Project, settings: Scoring) -> pd.DataFrame:
    """Expectation, status, expectation gap, perception gap, blind spot and low_sample.

    Status (`formulas.status_of`) against an expectation E (touchpoints, personas): green
    ≥ E, amber ≥ E − margin, red below; elsewhere green ≥ thresholds.green, amber ≥
    thresholds.amber, red below.
    """
    expectations = pd.DataFrame(
        [("touchpoint", t.id, d, e) for t in project.touchpoints.values()
         for d, e in t.expectations.items()]
        + [("persona", p.id, d, e) for p in project.personas.values()
           for d, e in p.expectations.items()],
        columns=[*SERIES_KEYS, "expectation"],
    )  # fmt: skip
    table = table.drop(columns="expectation", errors="ignore")
    table = table.merge(expectations.astype({k: table[k].dtype for k in SERIES_KEYS}),
                        on=SERIES_KEYS, how="left", sort=False)  # fmt: skip
    table["expectation"] = table["expectation"].astype("float64")
    green = table["expectation"].fillna(settings.thresholds.green)
    amber = (table["expectation"] - settings.expectation_margin).fillna(settings.thresholds.amber)
    table["status"] = status_of(table["score"], green, amber)
    table["expectation_gap"] = table["score"] - table["expectation"]
    if "customer" in table:
        table["perception_gap"] = table["customer"] - table["internal"]
        table["blind_spot"] = (-table["perception_gap"] >= settings.blind_spot_gap).fillna(False)
    table["low_sample"] = table["n"] < settings.min_n
    return table


def shift_period(periods: pd.Series, months: int) -> pd.Series:
    """Each `YYYY-MM` period, `months` calendar months earlier: what change_1 and change_3
    compare with."""
    year = periods.str.slice(0, 4).astype(int)
    month = periods.str.slice(5, 7).astype(int)
    index = year * 12 + (month - 1) - months
    return (index // 12).astype(str).str.zfill(4) + "-" + (index % 12 + 1).astype(str).str.zfill(2)


def month_numbers(periods: pd.Series) -> np.ndarray[Any, Any]:
    """Each `YYYY-MM` period as a count of months, year·12 + month − 1 (parsed once per
    distinct period)."""
    codes, uniques = pd.factorize(periods)
    texts = pd.Series(uniques)
    numbers = texts.str.slice(0, 4).astype(int) * 12 + texts.str.slice(5, 7).astype(int) - 1
    return np.asarray(numbers.to_numpy(dtype=np.int64)[codes])


# Month counts run below 10000·12; a series' months stay in their own span of codes.
_MONTHS_SPAN = 1 << 20
_MONTHS_OFFSET = 16  # so that a month 3 earlier than month 0 stays in its series' span


def add_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Change from the previous month and from three months before, with significance.

    significant as `formulas.significant_change` says; no change where the earlier month has
    no row. Each row finds its earlier row by one integer code per series and month.
    """
    series = table.groupby(SERIES_KEYS, sort=False, observed=True).ngroup().to_numpy()
    codes = series.astype(np.int64) * _MONTHS_SPAN + month_numbers(table["period"])
    codes += _MONTHS_OFFSET
    rows = pd.Index(codes)  # unique: one row per series and month
    score = table["score"].to_numpy(dtype="float64")
    se = table["se"].to_numpy(dtype="float64")
    for months, name in ((1, "change_1"), (3, "change_3")):
        earlier = rows.get_indexer(codes - months)
        found = earlier >= 0
        earlier_score = np.where(found, score[earlier], np.nan)
        earlier_se = np.where(found, se[earlier], np.nan)
        delta = pd.Series(score - earlier_score)
        table[name] = delta.to_numpy()
        significant = significant_change(delta, pd.Series(se), pd.Series(earlier_se))
        table[f"{name}_significant"] = significant.to_numpy()
    return table
