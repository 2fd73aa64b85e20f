"""The journey page's persona switch: each persona's scores for every chip on the page, and
the page's sentences as that persona sees them, as data for the page's script."""

from __future__ import annotations

from markupsafe import Markup

from cxsite.keys import PersonaLevel, StageKey
from cxsite.model import ALL, Journey
from cxsite.site.chart_views import curve_summary
from cxsite.site.charts import script_json
from cxsite.site.scoreindex import ScoreIndex
from cxsite.site.views import Namer, StageView, missing_reason


def persona_scores(
    namer: Namer, index: ScoreIndex, journey: Journey, stages: tuple[StageView, ...]
) -> Markup | None:
    """Each persona's scores for every chip of a journey page, keyed by the chip's slot, with
    the page's sentences as that persona sees them: for the persona switch (`#persona=ID`).

    A score is [scores.csv value, status, text, reason (a position in `reasons`), n, low
    sample (0/1), 95% interval]: the parts of ScoreView.tooltip, which the page's script puts
    together the same way. A slot the persona has no score for holds the reason in words.
    """
    if not journey.personas:
        return None
    project = namer.project
    min_n = project.config.scoring.rollup_min_n
    slots = [f"journey|{journey.id}|{d}" for d, _ in [(ALL, "All"), *namer.dimensions]]
    for stage in stages:
        slots.append(stage.chip.slot)
        for card in stage.touchpoints:
            slots += [chip.slot for chip in card.chips]
    personas = {}
    reasons: dict[str, int] = {}  # each distinct reason once, scores refer to it by position
    for persona_id in journey.personas:
        who = namer.name("persona", persona_id)
        found: dict[str, object] = {}
        for slot in dict.fromkeys(slots):
            level, item_id, dimension = slot.split("|")
            score = index.get(PersonaLevel(persona_id, level), item_id, dimension)
            if score is not None:
                reason = reasons.setdefault(score.reason, len(reasons))
                found[slot] = [
                    score.csv, score.status, score.text, reason, score.n_text,
                    int(score.low_sample), score.interval_text,
                ]  # fmt: skip
        stage_scores = []
        for stage in stages:
            score = index.get(PersonaLevel(persona_id, "stage"), StageKey(journey.id, stage.id))
            stage_scores.append((stage.name, score))
            if score is None:
                by_touchpoint = PersonaLevel(persona_id, "touchpoint")
                members = [
                    index.get(by_touchpoint, card.overall.slot.split("|")[1])
                    for card in stage.touchpoints
                ]
                found[stage.chip.slot] = missing_reason(members, min_n, who)
        curve = [
            {"stage": name, "score": round(score.value, 2), "status": score.status}
            for name, score in stage_scores
            if score is not None
        ]
        touchpoints = {card.overall.slot for stage in stages for card in stage.touchpoints}
        unscored = sum(1 for slot in touchpoints if not isinstance(found.get(slot), list))
        note = (
            f"Showing the journey as {who} experiences it."
            if not unscored
            else f"Showing the journey as {who} experiences it: {unscored} of "
            f"{len(touchpoints)} touchpoints have no answers from {who} this month."
        )
        personas[persona_id] = {
            "name": who,
            "scores": found,
            "curve": curve,
            "curve_summary": curve_summary(tuple(stage_scores), who),
            "note": note,
        }
    return script_json({"reasons": list(reasons), "personas": personas})
