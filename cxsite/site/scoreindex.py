"""Fast lookups into the scores table, and scores as the site shows them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cxsite.scoring.engine import Scores

STATUS_LABEL = {"green": "Green", "amber": "Amber", "red": "Red"}


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
    """Scores by (level, id, dimension, period), and each series over periods."""

    def __init__(self, scores: Scores) -> None:
        self.periods = scores.periods
        self.latest = scores.latest_period
        self._rows: dict[tuple[str, str, str, str], ScoreView] = {}
        self._series: dict[tuple[str, str, str], list[ScoreView]] = {}
        # Persona breakdowns live under levels such as `persona:busy-parent:touchpoint`.
        breakdown = scores.persona_touchpoints
        if len(breakdown):
            breakdown = breakdown.assign(
                level="persona:" + breakdown["persona"] + ":" + breakdown["level"]
            )
        for frame in (scores.table, breakdown):
            for record in frame.to_dict("records"):
                view = _view(record)
                self._rows[(view.level, view.id, view.dimension, view.period)] = view
                self._series.setdefault((view.level, view.id, view.dimension), []).append(view)
        self.previous = self.periods[-2] if len(self.periods) > 1 else None

    def get(
        self, level: str, item_id: str, dimension: str = "all", period: str | None = None
    ) -> ScoreView | None:
        """The score in `period` (default: the latest period)."""
        wanted = period or self.latest
        if wanted is None:
            return None
        return self._rows.get((level, item_id, dimension, wanted))

    def series(self, level: str, item_id: str, dimension: str = "all") -> list[ScoreView]:
        """The score in every period that has one, oldest first."""
        return self._series.get((level, item_id, dimension), [])

    def rows(self) -> Iterable[ScoreView]:
        return self._rows.values()


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
