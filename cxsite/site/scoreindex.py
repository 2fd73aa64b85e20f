"""Fast lookups into the scores table, and scores as the site shows them."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxsite.keys import (
    PERSONA_PREFIX,
    PERSONA_SEPARATOR,
    ItemId,
    Level,
    base_level,
    is_persona_level,
)
from cxsite.model import Project
from cxsite.scoring.engine import Scores

STATUS_LABEL = {"green": "Green", "amber": "Amber", "red": "Red"}
WHERE_SET = {"touchpoint": "set on this touchpoint", "persona": "set on this persona"}
VIEW_COLUMNS = [
    "level", "id", "dimension", "period", "score", "n", "status", "low_sample", "ci_low",
    "ci_high", "change_1", "change_1_significant", "change_3", "expectation", "customer",
    "internal", "perception_gap", "blind_spot", "nps", "spread",
]  # fmt: skip


@dataclass(frozen=True)
class StatusRule:
    """The thresholds a status is decided by (docs/scoring.md §7), to explain each status."""

    green: float = 75
    amber: float = 60
    margin: float = 10

    def reason(self, status: str, expectation: float | None, level: str) -> str:
        """Why a score has its status, in words: the threshold or expectation it met or missed."""
        if expectation is None:
            if status == "green":
                return f"at or above the green threshold {self.green:g}"
            if status == "amber":
                return f"below the green threshold {self.green:g}"
            return f"below the amber threshold {self.amber:g}"
        where = WHERE_SET.get(base_level(level), "set for this score")
        if status == "green":
            return f"meets expectation {expectation:g} ({where})"
        if status == "amber":
            return f"below expectation {expectation:g} ({where})"
        return f"more than {self.margin:g} below expectation {expectation:g} ({where})"


MINUS = "\u2212"


def signed(change: float) -> str:
    """A change with its sign and one decimal (rounded from 2 decimals, as scores.csv holds
    it) and a real minus sign: "−9.2", "+1.3", "±0.0"."""
    text = f"{float(f'{change:.2f}'):+.1f}"
    return "±0.0" if text in ("+0.0", "-0.0") else text.replace("-", MINUS)


def month_before(period: str) -> str:
    """The calendar month before a `YYYY-MM` period: what change_1 compares with."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def status_rule(project: Project) -> StatusRule:
    """The status rule of a project's scoring settings."""
    settings = project.config.scoring
    return StatusRule(
        settings.thresholds.green, settings.thresholds.amber, settings.expectation_margin
    )


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
    reason: str = ""  # why the status: "below the amber threshold 60"

    @property
    def text(self) -> str:
        """The score with one decimal, rounded from the scores.csv value."""
        return f"{float(self.csv):.1f}"

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.status]

    @property
    def interval_text(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return ""
        return f"{self.ci_low:.1f}–{self.ci_high:.1f}"

    @property
    def n_text(self) -> str:
        return str(int(self.n)) if float(self.n).is_integer() else f"{self.n:.2f}"

    @property
    def tooltip(self) -> str:
        """The score's details as a chip's title: value, status and why, n and interval."""
        parts = [f"{self.csv} {self.label.lower()}: {self.reason}" if self.reason else self.csv]
        parts.append(f"n = {self.n_text}" + (" (low sample)" if self.low_sample else ""))
        if self.interval_text:
            parts.append(f"95% interval {self.interval_text}")
        return " · ".join(parts)


TEXT_COLUMNS = ("level", "id", "dimension", "period", "status")


class _Series:
    """One table's rows as column arrays, and where each (level, id, dimension) series lies.

    The rows must be grouped by series with periods ascending within each (score_project
    sorts both tables so). Text columns are held as codes into their sorted distinct values
    (a few MB for millions of rows, where Python strings would take hundreds). A row becomes
    a ScoreView only when asked for.
    """

    def __init__(self, frame: pd.DataFrame, rule: StatusRule) -> None:
        self.rule = rule
        self.columns: dict[str, np.ndarray[Any, Any]] = {}
        self.values: dict[str, np.ndarray[Any, Any]] = {}  # text column -> distinct values
        for column in VIEW_COLUMNS:
            if column in TEXT_COLUMNS:
                codes, distinct = pd.factorize(frame[column], sort=True)
                self.columns[column] = codes
                self.values[column] = np.asarray(distinct, dtype=object)
            else:
                self.columns[column] = frame[column].to_numpy()
        self.rows = len(frame)
        self.periods = self.columns["period"]
        self.period_code = {str(p): code for code, p in enumerate(self.values["period"])}
        self.bounds: dict[tuple[str, str, str], tuple[int, int]] = {}
        self.views: dict[int, ScoreView] = {}
        if not len(frame):
            return
        level, item, dimension = (self.columns[c] for c in ("level", "id", "dimension"))
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
            *(
                self.values[c][self.columns[c][starts]].tolist()
                for c in ("level", "id", "dimension")
            ),
            strict=True,
        )
        self.bounds = dict(zip(keys, zip(starts.tolist(), ends.tolist(), strict=True), strict=True))

    def find(self, key: tuple[str, str, str], period: str) -> ScoreView | None:
        bounds = self.bounds.get(key)
        code = self.period_code.get(period)
        if bounds is None or code is None:
            return None
        start, end = bounds
        position = start + int(np.searchsorted(self.periods[start:end], code))
        if position == end or self.periods[position] != code:
            return None
        return self.view(position)

    def in_period(self, period: str | None) -> np.ndarray[Any, Any]:
        """The positions of every row, or of the rows of one period."""
        if period is None:
            return np.arange(self.rows)
        code = self.period_code.get(period)
        return np.flatnonzero(self.periods == code) if code is not None else np.arange(0)

    def changed(self, period: str, compared: str) -> list[tuple[int, int]]:
        """(position in `compared`, position in `period`) of each series with a row in both
        whose status differs between them or whose change_1 in `period` is significant."""
        code, earlier = self.period_code.get(period), self.period_code.get(compared)
        if code is None or earlier is None:
            return []
        now = np.flatnonzero(self.periods == code)
        now = now[now > 0]
        before = now - 1  # periods ascend within a series: `compared`, if there, is just before
        same = self.periods[before] == earlier
        for column in ("level", "id", "dimension"):
            same &= self.columns[column][now] == self.columns[column][before]
        now, before = now[same], before[same]
        status = self.columns["status"]
        significant = self.columns["change_1_significant"][now].astype(bool)
        moved = (status[now] != status[before]) | significant
        return list(zip(before[moved].tolist(), now[moved].tolist(), strict=True))

    def series(self, key: tuple[str, str, str]) -> list[ScoreView]:
        bounds = self.bounds.get(key)
        return [] if bounds is None else [self.view(i) for i in range(*bounds)]

    def view(self, position: int) -> ScoreView:
        view = self.views.get(position)
        if view is None:
            record = {}
            for column, values in self.columns.items():
                value = values[position]
                if column in self.values:
                    value = self.values[column][value] if value >= 0 else None
                record[column] = value
            view = _view(record, self.rule)
            self.views[position] = view
        return view


class ScoreIndex:
    """Scores by (level, id, dimension, period), and each series over periods.

    Persona breakdowns answer under levels such as `persona:busy-parent:touchpoint`; they are
    indexed only when first asked for (they are most of the rows, and few pages show them).
    """

    def __init__(self, scores: Scores, rule: StatusRule | None = None) -> None:
        self.rule = rule or StatusRule()
        self.periods = scores.periods
        self.latest = scores.latest_period
        self.previous = self.periods[-2] if len(self.periods) > 1 else None
        self._main = _Series(scores.table, self.rule)
        self._breakdown = scores.persona_touchpoints
        self._personas: _Series | None = None

    def prepare(self) -> None:
        """Index the persona breakdowns now (before worker processes fork and share it)."""
        self._table(PERSONA_PREFIX)

    def _table(self, level: str) -> _Series:
        if not is_persona_level(level):
            return self._main
        if self._personas is None:
            breakdown = self._breakdown
            if len(breakdown):
                personas, levels = breakdown["persona"], breakdown["level"]
                # str(PersonaLevel(persona, level)) of every row at once
                breakdown = breakdown.assign(
                    level=PERSONA_PREFIX + personas + PERSONA_SEPARATOR + levels
                )
            self._personas = _Series(breakdown.reindex(columns=VIEW_COLUMNS), self.rule)
        return self._personas

    def get(
        self, level: Level, item_id: ItemId, dimension: str = "all", period: str | None = None
    ) -> ScoreView | None:
        """The score in `period` (default: the latest period)."""
        wanted = period or self.latest
        if wanted is None:
            return None
        level, item_id = str(level), str(item_id)
        return self._table(level).find((level, item_id, dimension), wanted)

    def series(self, level: Level, item_id: ItemId, dimension: str = "all") -> list[ScoreView]:
        """The score in every period that has one, oldest first."""
        level, item_id = str(level), str(item_id)
        return self._table(level).series((level, item_id, dimension))

    def changed(self, period: str, compared: str) -> Iterator[tuple[ScoreView, ScoreView]]:
        """(before, now) of each row of the scores table (no persona breakdowns) whose status
        in `period` differs from its status in `compared`, or whose change_1 is significant."""
        main = self._main
        return ((main.view(b), main.view(n)) for b, n in main.changed(period, compared))

    def rows(self, period: str | None = None) -> Iterator[ScoreView]:
        """The rows of the scores table (no persona breakdowns), optionally of one period."""
        main = self._main
        return (main.view(int(i)) for i in main.in_period(period))


def _view(record: dict[Any, Any], rule: StatusRule) -> ScoreView:
    expectation = _number(record.get("expectation"))
    status = str(record.get("status"))
    level = str(record.get("level"))
    return ScoreView(
        level=level,
        id=str(record.get("id")),
        dimension=str(record.get("dimension")),
        period=str(record.get("period")),
        value=float(record["score"]),
        csv=f"{record['score']:.2f}",
        n=float(record["n"]),
        status=status,
        low_sample=bool(record.get("low_sample")),
        ci_low=_number(record.get("ci_low")),
        ci_high=_number(record.get("ci_high")),
        change_1=_number(record.get("change_1")),
        change_1_significant=bool(record.get("change_1_significant")),
        change_3=_number(record.get("change_3")),
        expectation=expectation,
        customer=_number(record.get("customer")),
        internal=_number(record.get("internal")),
        perception_gap=_number(record.get("perception_gap")),
        blind_spot=bool(record.get("blind_spot"))
        if _number(record.get("blind_spot")) is not None
        else False,
        nps=_number(record.get("nps")),
        spread=_number(record.get("spread")),
        reason=rule.reason(status, expectation, level),
    )
