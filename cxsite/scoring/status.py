"""Status, expectation and perception gaps, low-sample flags and significant changes."""

from __future__ import annotations

import pandas as pd

from cxsite.config import Scoring
from cxsite.project import Project
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


def add_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Change from the previous month and from three months before, with significance.

    significant as `formulas.significant_change` says; no change where the earlier month has
    no row.
    """
    history = table[[*SERIES_KEYS, "period", "score", "se"]]
    for months, name in ((1, "change_1"), (3, "change_3")):
        earlier = history.rename(
            columns={"score": "earlier_score", "se": "earlier_se", "period": "earlier_period"}
        )
        keyed = table.assign(earlier_period=shift_period(table["period"], months))
        merged = keyed.merge(earlier, on=[*SERIES_KEYS, "earlier_period"], how="left")
        delta = merged["score"] - merged["earlier_score"]
        table[name] = delta.to_numpy()
        significant = significant_change(delta, merged["se"], merged["earlier_se"])
        table[f"{name}_significant"] = significant.to_numpy()
    return table
