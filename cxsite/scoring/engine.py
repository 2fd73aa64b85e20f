"""From partial aggregates and the model to every score at every level. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxsite.config import Scoring
from cxsite.keys import StageKey
from cxsite.model import ALL, Project
from cxsite.names import LEVELS
from cxsite.scoring.formulas import normal_interval
from cxsite.scoring.measures import Measure
from cxsite.scoring.observations import ANY_PERSONA
from cxsite.scoring.rollup import combine_measures, measure_scores, power_mean_by
from cxsite.scoring.status import add_changes, add_status_and_gaps

OVERALL = "overall"
MEMBER_COLUMNS = ["id", "dimension", "period", "score", "n", "se"]
TABLE_COLUMNS = [
    "level", "id", "dimension", "period", "score", "n", "status", "low_sample", "se",
    "ci_low", "ci_high", "nps", "customer", "internal", "perception_gap", "blind_spot",
    "expectation", "expectation_gap", "spread", "members", "change_1", "change_1_significant",
    "change_3", "change_3_significant",
]  # fmt: skip
NUMERIC_COLUMNS = [
    "score", "n", "se", "ci_low", "ci_high", "nps", "customer", "internal", "spread", "members",
]  # fmt: skip


@dataclass(frozen=True)
class Scores:
    """Every score: one row per level, id, dimension and period, plus persona breakdowns."""

    table: pd.DataFrame
    # touchpoint, stage and journey scores as each persona experiences them
    persona_touchpoints: pd.DataFrame
    periods: tuple[str, ...]
    # A hash of everything the scores depend on, where known ("" otherwise): pages built
    # from the same scores and definitions need not be built again.
    fingerprint: str = ""

    @property
    def latest_period(self) -> str | None:
        return self.periods[-1] if self.periods else None


def score_project(
    project: Project, partials: pd.DataFrame, measures: tuple[Measure, ...]
) -> Scores:
    """Score every touchpoint, roll up to every level, then add status, changes and gaps."""
    settings = project.config.scoring
    touchpoint_rows = _touchpoint_scores(project, partials, measures, settings)
    levels = [touchpoint_rows, *_rollups(project, touchpoint_rows, settings)]
    persona_levels, persona_touchpoints = _persona_scores(project, partials, measures, settings)
    levels.append(persona_levels)
    frames = [frame for frame in levels if len(frame)]
    if not frames:
        breakdown = pd.DataFrame(columns=["persona", *TABLE_COLUMNS])
        return Scores(pd.DataFrame(columns=TABLE_COLUMNS), breakdown, ())
    table = add_status_and_gaps(_complete(pd.concat(frames, ignore_index=True)), project, settings)
    if len(persona_touchpoints):
        persona_touchpoints = add_status_and_gaps(_complete(persona_touchpoints), project, settings)
        persona_touchpoints = persona_touchpoints.sort_values(
            ["persona", "level", "id", "dimension", "period"], kind="stable", ignore_index=True
        )
    table = add_changes(table)
    order = {level: index for index, level in enumerate(LEVELS)}
    table = table.assign(_level=table["level"].map(order))
    table = table.sort_values(["_level", "id", "dimension", "period"], kind="stable")
    table = table.drop(columns="_level").reset_index(drop=True)[TABLE_COLUMNS]
    periods = tuple(sorted(table["period"].unique())) if len(table) else ()
    return Scores(table, persona_touchpoints, periods)


def _complete(table: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as floats, and an interval for every row.

    Roll-ups have no interval of their own: score ± 1.96·se (delta-method se).
    """
    table = table.copy()
    for column in NUMERIC_COLUMNS:
        table[column] = (
            pd.to_numeric(table[column]).astype("float64") if column in table else np.nan
        )
    normal_low, normal_high = normal_interval(table["score"], table["se"])
    table["ci_low"] = table["ci_low"].fillna(normal_low)
    table["ci_high"] = table["ci_high"].fillna(normal_high)
    return table


def _touchpoint_scores(
    project: Project,
    partials: pd.DataFrame,
    measures: tuple[Measure, ...],
    settings: Scoring,
    within: Sequence[str] = (),
) -> pd.DataFrame:
    """Touchpoint × dimension scores from the measures, and each touchpoint's `all` (per
    group of the `within` columns)."""
    if partials.empty:
        return pd.DataFrame(columns=[*within, "level", *MEMBER_COLUMNS])
    dimensions = combine_measures(measure_scores(partials, measures, within), within)
    dimensions = dimensions.rename(columns={"touchpoint": "id"})
    weights = pd.DataFrame(
        [
            (t.id, d, t.weights.get(d, 1.0))
            for t in project.touchpoints.values()
            for d in project.dimensions
        ],
        columns=["id", "dimension", "weight"],
    )
    members = dimensions.merge(weights, on=["id", "dimension"], how="inner")
    overall = power_mean_by(
        members, [*within, "id", "period"], settings.rollup, settings.rollup_min_n
    )
    overall["dimension"] = ALL
    result = pd.concat([dimensions, overall], ignore_index=True)
    result["level"] = "touchpoint"
    return result


def _rollup(
    members: pd.DataFrame,
    links: pd.DataFrame,
    level: str,
    settings: Scoring,
    within: Sequence[str] = (),
) -> pd.DataFrame:
    """Roll `members` (id, dimension, period, score, n, se) up along links (parent, id,
    weight), per group of the `within` columns (which links may have too)."""
    on = [key for key in within if key in links] + ["id"]
    joined = members[[*within, *MEMBER_COLUMNS]].merge(links, on=on, how="inner")
    result = power_mean_by(
        joined, [*within, "parent", "dimension", "period"], settings.rollup, settings.rollup_min_n
    )
    result = result.rename(columns={"parent": "id"})
    result["level"] = level
    return result


def _links(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["parent", "id", "weight"])


def _rollups(project: Project, touchpoints: pd.DataFrame, settings: Scoring) -> list[pd.DataFrame]:
    stages = _rollup(touchpoints, _stage_links(project), "stage", settings)
    journeys = _rollup(stages, _journey_links(project), "journey", settings)
    departments = _rollup(
        touchpoints,
        _links([(t.owner, t.id, float(t.importance)) for t in project.touchpoints.values()]),
        "department",
        settings,
    )
    overall = _rollup(
        journeys,
        _links([(OVERALL, j.id, j.weight) for j in project.journeys.values()]),
        OVERALL,
        settings,
    )
    return [stages, journeys, departments, overall]


def _stage_links(project: Project) -> pd.DataFrame:
    return _links(
        [
            (
                str(StageKey.of(journey, stage)),
                touchpoint,
                float(project.touchpoints[touchpoint].importance),
            )
            for journey in project.journeys.values()
            for stage in journey.stages
            for touchpoint in stage.touchpoints
        ]
    )


def _journey_links(project: Project) -> pd.DataFrame:
    return _links(
        [
            (journey.id, str(StageKey.of(journey, stage)), 1.0)
            for journey in project.journeys.values()
            for stage in journey.stages
        ]
    )


def _persona_scores(
    project: Project, partials: pd.DataFrame, measures: tuple[Measure, ...], settings: Scoring
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persona scores: touchpoints rescored from that persona's rows, rolled up its journeys.

    Rows of sources without a persona column (persona `*`) count for every persona. All
    personas are scored at once, grouped by persona first: each persona's groups hold the
    same rows in the same order as when scored alone.
    """
    shared = partials["persona"] == ANY_PERSONA
    views = [
        partials[(partials["persona"] == persona.id) | shared].assign(persona=persona.id)
        for persona in project.personas.values()
    ]
    viewed = pd.concat(views, ignore_index=True) if views else partials.iloc[:0]
    within = ["persona"]
    touchpoints = _touchpoint_scores(project, viewed, measures, settings, within)
    if touchpoints.empty:
        return (
            pd.DataFrame(columns=["level", *MEMBER_COLUMNS]),
            pd.DataFrame(columns=["persona", *TABLE_COLUMNS]),
        )
    stages = _rollup(touchpoints, _stage_links(project), "stage", settings, within)
    journeys = _rollup(stages, _journey_links(project), "journey", settings, within)
    links = pd.DataFrame(
        [
            (persona.id, persona.id, j.id, j.weight)
            for persona in project.personas.values()
            for j in project.journeys.values()
            if persona.id in j.personas
        ],
        columns=["persona", "parent", "id", "weight"],
    )
    persona_levels = _rollup(journeys, links, "persona", settings, within)
    # A persona with touchpoint scores but none at some level above gave an empty frame of
    # that level when scored alone; it shaped the column types of the concatenation.
    scored = set(touchpoints["persona"].unique())
    stages_alone, journeys_alone, personas_alone = (
        [_rollup(touchpoints.iloc[:0], _links([]), level, settings)]
        if scored - set(frame["persona"].unique())
        else []
        for frame, level in ((stages, "stage"), (journeys, "journey"), (persona_levels, "persona"))
    )
    persona_levels = pd.concat(
        [persona_levels.drop(columns="persona"), *personas_alone], ignore_index=True
    )
    breakdown = [touchpoints, stages, journeys]
    # The columns in the order that scoring one persona at a time gave them.
    columns = [c for frame in breakdown for c in frame.columns if c != "persona"]
    columns = [*dict.fromkeys(columns), "persona"]
    empties = [frame.assign(persona="") for frame in (*stages_alone, *journeys_alone)]
    return persona_levels, pd.concat([*breakdown, *empties], ignore_index=True)[columns]
