"""Fast lookups into the scores table, and scores as the site shows them."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxsite.scoring.engine import Scores

STATUS_LABEL = {"green": "Green", "amber": "Amber", "red": "Red"}
VIEW_COLUMNS = [
    "level", "id", "dimension", "period", "score", "n", "status", "low_sample", "ci_low",
    "ci_high", "change_1", "change_1_significant", "change_3", "expectation", "customer",
    "internal", "perception_gap", "blind_spot", "nps", "spread",
]  # fmt: skip


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class ScoreView:
    """One score as displayed: the scores.csv value, a 1-decimal text, status and context."""

    level: str
    id: str
    dimension: str
    period: str
    value: float
    csv: str  # exactly as in scores.csv (2 decimals)
    n: float
    status: str
    low_sample: bool
    ci_low: float | None
    ci_high: float | None
    change_1: float | None
    change_1_significant: bool
    change_3: float | None
    expectation: float | None
    customer: float | None
    internal: float | None
    perception_gap: float | None
    blind_spot: bool
    nps: float | None
    spread: float | None

    @property
    def text(self) -> str:
        """The score with one decimal, rounded from the scores.csv value."""
        return f"{float(self.csv):.1f}"

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.status]

    @property
    def change_text(self) -> str:
        if self.change_1 is None:
            return ""
        text = f"{self.change_1:+.1f}"
        return "±0.0" if text in ("+0.0", "-0.0") else text

    @property
    def interval_text(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return ""
        return f"{self.ci_low:.1f}–{self.ci_high:.1f}"

    @property
    def n_text(self) -> str:
        return str(int(self.n)) if float(self.n).is_integer() else f"{self.n:.2f}"


class ScoreIndex:
    """Scores by (level, id, dimension, period), and each series over periods.

    Built from column arrays in a few vectorised steps; a row becomes a ScoreView only when
    a page asks for it (a large project has millions of rows and shows a fraction of them).
    """

    def __init__(self, scores: Scores) -> None:
        self.periods = scores.periods
        self.latest = scores.latest_period
        self.previous = self.periods[-2] if len(self.periods) > 1 else None
        # Persona breakdowns live under levels such as `persona:busy-parent:touchpoint`.
        breakdown = scores.persona_touchpoints
        frames = [scores.table[VIEW_COLUMNS]]
        if len(breakdown):
            labelled = breakdown.assign(
                level="persona:" + breakdown["persona"] + ":" + breakdown["level"]
            )
            frames.append(labelled.reindex(columns=VIEW_COLUMNS))
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame = frame.sort_values(["level", "id", "dimension", "period"], kind="stable")
        self._main_rows = len(scores.table)
        self._columns = {c: frame[c].to_numpy() for c in VIEW_COLUMNS}
        self._is_main = ~frame["level"].str.startswith("persona:").to_numpy(dtype=bool)
        self._series: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._views: dict[int, ScoreView] = {}
        if len(frame):
            level, item, dimension = (self._columns[c] for c in ("level", "id", "dimension"))
            starts = np.flatnonzero(
                np.concatenate(
                    [
                        [True],
                        (level[1:] != level[:-1])
                        | (item[1:] != item[:-1])
                        | (dimension[1:] != dimension[:-1]),
                    ]
                )
            )
            ends = np.append(starts[1:], len(frame))
            keys = zip(
                level[starts].tolist(),
                item[starts].tolist(),
                dimension[starts].tolist(),
                strict=True,
            )
            self._series = dict(
                zip(keys, zip(starts.tolist(), ends.tolist(), strict=True), strict=True)
            )
        self._periods = self._columns["period"]

    def get(
        self, level: str, item_id: str, dimension: str = "all", period: str | None = None
    ) -> ScoreView | None:
        """The score in `period` (default: the latest period)."""
        wanted = period or self.latest
        bounds = self._series.get((level, item_id, dimension))
        if wanted is None or bounds is None:
            return None
        start, end = bounds
        position = bisect.bisect_left(self._periods, wanted, start, end)
        if position == end or self._periods[position] != wanted:
            return None
        return self._view(position)

    def series(self, level: str, item_id: str, dimension: str = "all") -> list[ScoreView]:
        """The score in every period that has one, oldest first."""
        bounds = self._series.get((level, item_id, dimension))
        return [] if bounds is None else [self._view(i) for i in range(*bounds)]

    def rows(self, period: str | None = None) -> Iterator[ScoreView]:
        """The rows of the scores table (no persona breakdowns), optionally of one period."""
        wanted = self._is_main if period is None else self._is_main & (self._periods == period)
        return (self._view(int(i)) for i in np.flatnonzero(wanted))

    def _view(self, position: int) -> ScoreView:
        view = self._views.get(position)
        if view is None:
            view = _view({c: values[position] for c, values in self._columns.items()})
            self._views[position] = view
        return view


def _view(record: dict[Any, Any]) -> ScoreView:
    return ScoreView(
        level=str(record.get("level")),
        id=str(record.get("id")),
        dimension=str(record.get("dimension")),
        period=str(record.get("period")),
        value=float(record["score"]),
        csv=f"{record['score']:.2f}",
        n=float(record["n"]),
        status=str(record.get("status")),
        low_sample=bool(record.get("low_sample")),
        ci_low=_number(record.get("ci_low")),
        ci_high=_number(record.get("ci_high")),
        change_1=_number(record.get("change_1")),
        change_1_significant=bool(record.get("change_1_significant")),
        change_3=_number(record.get("change_3")),
        expectation=_number(record.get("expectation")),
        customer=_number(record.get("customer")),
        internal=_number(record.get("internal")),
        perception_gap=_number(record.get("perception_gap")),
        blind_spot=bool(record.get("blind_spot"))
        if _number(record.get("blind_spot")) is not None
        else False,
        nps=_number(record.get("nps")),
        spread=_number(record.get("spread")),
    )
