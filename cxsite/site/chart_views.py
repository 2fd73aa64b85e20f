"""The charts of the pages as view data: trends, the experience curve and importance against
performance, each with its data table and a summary in words (its text alternative)."""

from __future__ import annotations

from cxsite.site.charts import Chart, chart
from cxsite.site.insights import Positioned
from cxsite.site.scoreindex import ScoreView, signed
from cxsite.site.views import Namer, StageView

TREND_COLUMNS = (
    ("series", "Series"), ("period", "Month"), ("score", "Score"), ("low", "95% low"),
    ("high", "95% high"), ("n", "n"), ("status", "Status"), ("significant", "Significant change"),
)  # fmt: skip


def trend_chart(
    chart_id: str,
    caption: str,
    series: list[tuple[str, list[ScoreView]]],
    namer: Namer,
) -> Chart | None:
    """A line per series with its 95% interval as a band; significant changes marked; the
    lines the first series' latest status is decided by (named after it when there are
    several series)."""
    values = [
        {
            "series": name,
            "period": s.period,
            "score": round(s.value, 2),
            "low": None if s.ci_low is None else round(s.ci_low, 2),
            "high": None if s.ci_high is None else round(s.ci_high, 2),
            "n": int(s.n) if float(s.n).is_integer() else round(s.n, 2),
            "status": s.status,
            "significant": s.change_1_significant,
        }
        for name, points in series
        for s in points
    ]
    if not values:
        return None
    name, points = next((name, points) for name, points in series if points)
    thresholds = namer.bars(points[-1], name if len(series) > 1 else "")
    return chart(
        "trend",
        chart_id,
        caption,
        values,
        TREND_COLUMNS,
        summary=trend_summary(name, points),
        thresholds=thresholds,
    )


def trend_summary(name: str, points: list[ScoreView]) -> str:
    """The latest score of a series, its change and the month compared, its low and high."""
    latest = points[-1]
    text = f"{name}: {latest.text} ({latest.label.lower()}) in {latest.period}"
    if latest.change_1 is not None and len(points) > 1:
        text += f", {signed(latest.change_1)} vs {points[-2].period}"
        if latest.change_1_significant:
            text += " (significant)"
    if len(points) > 1:
        low = min(points, key=lambda s: (s.value, s.period))
        high = max(points, key=lambda s: (s.value, s.period))
        text += (
            f"; lowest {low.text} in {low.period}, highest {high.text} in {high.period}"
            f" over {len(points)} months"
        )
    return text + "."


CURVE_COLUMNS = (("stage", "Stage"), ("score", "Score"), ("status", "Status"))


def curve_values(stages: tuple[StageView, ...]) -> list[dict[str, object]]:
    return [
        {
            "stage": s.name,
            "score": round(s.score.value, 2),
            "status": s.score.status,
            "key": s.chip.slot,
        }
        for s in stages
        if s.score is not None
    ]


def curve_summary(stages: tuple[tuple[str, ScoreView | None], ...], who: str = "") -> str:
    """The weakest and strongest stage in words, and the stages without a score."""
    scored = [(name, score) for name, score in stages if score is not None]
    if not scored:
        return f"No stage has a score{' from ' + who if who else ''} this month."
    weakest = min(scored, key=lambda pair: pair[1].value)
    strongest = max(scored, key=lambda pair: pair[1].value)
    text = f"Weakest stage: {weakest[0]}, {weakest[1].text} ({weakest[1].label.lower()})"
    if len(scored) > 1:
        text += f"; strongest: {strongest[0]}, {strongest[1].text} ({strongest[1].label.lower()})"
    text += "."
    unscored = [name for name, score in stages if score is None]
    if unscored:
        text += f" No score{' from ' + who if who else ''}: {', '.join(unscored)}."
    return text


def curve_chart(
    chart_id: str,
    caption: str,
    stages: tuple[StageView, ...],
    thresholds: tuple[tuple[str, float], ...],
) -> Chart | None:
    values = curve_values(stages)
    if not values:
        return None
    summary = curve_summary(tuple((s.name, s.score) for s in stages))
    return chart(
        "curve", chart_id, caption, values, CURVE_COLUMNS, summary=summary, thresholds=thresholds
    )


QUADRANT_COLUMNS = (
    ("name", "Touchpoint"), ("importance", "Importance"), ("score", "Score"),
    ("quadrant", "Quadrant"),
)  # fmt: skip
CHART_POINTS = 200  # at most this many touchpoints on the importance chart
LABELLED = 6  # of which at most this many carry a label: the worst of "Fix first", apart


def importance_chart(namer: Namer, placed: list[Positioned], green: float) -> Chart | None:
    """Importance against score, one point per touchpoint (the CHART_POINTS that matter most:
    "Fix first" first, then the lowest scores); the worst "Fix first" points are labelled."""
    if not placed:
        return None
    fix_first = [p for p in placed if p.quadrant == "Fix first"]
    shown = sorted(placed, key=lambda p: (p.quadrant != "Fix first", p.score.value, p.touchpoint))
    shown = shown[:CHART_POINTS]
    spread: dict[int, int] = {}
    for p in shown:  # points of one importance, spread across ±0.3 by their order
        spread[p.importance] = spread.get(p.importance, 0) + 1
    seen: dict[int, int] = {}
    position: dict[str, tuple[float, float]] = {}
    for p in sorted(shown, key=lambda p: (p.importance, p.score.value, p.touchpoint)):
        count = spread[p.importance]
        rank = seen[p.importance] = seen.get(p.importance, -1) + 1
        offset = 0.0 if count == 1 else -0.3 + 0.6 * rank / (count - 1)
        position[p.touchpoint] = (round(p.importance + offset, 3), p.score.value)
    labelled: list[str] = []
    for p in fix_first:  # worst first; a label only where it cannot overlap another
        x, y = position.get(p.touchpoint, (0.0, 0.0))
        if p.touchpoint in position and all(
            abs(x - position[q][0]) > 0.9 or abs(y - position[q][1]) > 3 for q in labelled
        ):
            labelled.append(p.touchpoint)
        if len(labelled) == LABELLED:
            break
    values = [
        {
            "name": namer.name("touchpoint", p.touchpoint),
            "importance": p.importance,
            "x": position[p.touchpoint][0],
            "score": round(p.score.value, 2),
            "quadrant": p.quadrant,
            "label": p.touchpoint in labelled,
        }
        for p in sorted(shown, key=lambda p: (p.importance, p.score.value, p.touchpoint))
    ]
    summary = (
        f"{len(fix_first)} of {len(placed)} touchpoints are important (4–5) and below the "
        f"green threshold {green:g}: fix those first."
    )
    if fix_first:
        worst = fix_first[0]
        summary += (
            f" The lowest is {namer.name('touchpoint', worst.touchpoint)}, {worst.score.text}."
        )
    if len(placed) > len(shown):
        summary += f" The chart shows the {len(shown)} that matter most; the lists below name more."
    return chart(
        "quadrants",
        "chart-quadrants",
        "Importance against score for every touchpoint (latest month)",
        values,
        QUADRANT_COLUMNS,
        summary=summary,
        thresholds=namer.thresholds,
    )
