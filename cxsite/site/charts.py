"""Vega-Lite chart specs. Each kind of chart is built once with altair (its data left as a
named dataset); a chart on a page is that template plus its own rows, so no page pays for
altair. Every chart also carries its data as a table for readers without JavaScript."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version
from typing import Any

from markupsafe import Markup

DATA = "values"
THRESHOLDS = "thresholds"  # a second dataset: the status thresholds drawn as lines
# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


@dataclass(frozen=True)
class Chart:
    """A chart as placed on a page: id, spec, a caption and its data as a table.

    `spec` is JSON made safe to sit inside a <script type="application/json"> element.
    """

    id: str
    spec: Markup
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    summary: str = ""  # what the chart shows, in a sentence or two: its text alternative
    # (field, type) of each column, where the chart reads its data from the table (the page
    # then carries the data once); empty where the spec carries it.
    fields: tuple[tuple[str, str], ...] = ()


def _altair() -> Any:
    import altair as alt  # imported only when the first chart template is built

    return alt


KINDS = ("trend", "curve", "quadrants")
SHIPPED_TEMPLATES = "chart-templates.json"  # under cxsite/prebuilt/ (scripts/prebuild.py)


def templates_key() -> str:
    """What the templates depend on: altair's version and the code that builds them."""
    code = inspect.getsource(_build_template) + inspect.getsource(_threshold_layers)
    hasher = hashlib.sha256(version("altair").encode())
    hasher.update(code.encode())
    return hasher.hexdigest()


def build_templates() -> dict[str, str]:
    """Every kind's template, built with altair (about half a second with its import)."""
    return {kind: _build_template(kind) for kind in KINDS}


def shipped_templates() -> dict[str, Any]:
    """The templates shipped in the package, with the `key` they were built under."""
    shipped = resources.files("cxsite") / "prebuilt" / SHIPPED_TEMPLATES
    return dict(json.loads(shipped.read_text("utf-8"))) if shipped.is_file() else {}


@functools.cache
def chart_templates() -> dict[str, str]:
    """Every kind's template: the shipped ones when built under the same key (the installed
    altair and this code), else built with altair, once per process. A pure function of
    the installed packages, so computing it once is not state a build could see change."""
    shipped = shipped_templates()
    if shipped.get("key") == templates_key():
        return dict(shipped["templates"])
    return build_templates()


def _template(kind: str) -> str:
    return chart_templates()[kind]


def _threshold_layers(alt: Any) -> list[Any]:
    """Dashed lines at the status thresholds, each labelled; decoration for screen readers."""
    lines = alt.Chart(alt.NamedData(THRESHOLDS)).encode(y=alt.Y("value:Q"))
    return [
        lines.mark_rule(strokeDash=[4, 4], color="#666", aria=False),
        lines.mark_text(align="left", baseline="bottom", dx=3, dy=-2, fontSize=10,
                        color="#444", aria=False).encode(x=alt.value(0), text="label:N"),
    ]  # fmt: skip


def _build_template(kind: str) -> str:
    alt = _altair()
    data = alt.NamedData(DATA)
    period = alt.X("period:O", title="Month", axis=alt.Axis(labelAngle=-45))
    # Fitted to the scores and the thresholds (not 0–100), so a 5-point move shows.
    score_axis = alt.Scale(zero=False, nice=True, clamp=True)
    if kind == "trend":
        base = alt.Chart(data).encode(
            x=period, color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE))
        )
        band = base.mark_area(opacity=0.15).encode(
            y=alt.Y("low:Q", scale=score_axis, title="Score"), y2="high:Q"
        )
        line = base.mark_line(point=True).encode(
            y=alt.Y("score:Q", scale=score_axis),
            tooltip=["series:N", "period:O", "score:Q", "low:Q", "high:Q", "n:Q", "status:N"],
        )
        marks = (
            base.mark_point(shape="triangle-down", size=120, filled=True, color="#D55E00")
            .encode(y="score:Q")
            .transform_filter("datum.significant")
        )
        chart = alt.layer(band, line, marks, *_threshold_layers(alt)).properties(
            width="container", height=220
        )
    elif kind == "curve":
        base = alt.Chart(data).encode(
            x=alt.X("stage:N", sort=None, title="Stage", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", scale=score_axis, title="Score"),
        )
        chart = alt.layer(
            base.mark_line(point=True, color=PALETTE[0]).encode(
                tooltip=["stage:N", "score:Q", "status:N"]
            ),
            base.mark_text(dy=-12, aria=False).encode(text=alt.Text("score:Q", format=".1f")),
            *_threshold_layers(alt),
        ).properties(width="container", height=220)
    elif kind == "quadrants":
        # x is the importance (1–5) spread a little within each value, so points at the same
        # importance do not hide each other; only the points that matter carry a label.
        points = alt.Chart(data).encode(
            x=alt.X(
                "x:Q",
                scale=alt.Scale(domain=[0.6, 5.4], nice=False),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
                title="Importance (1–5)",
            ),
            y=alt.Y("score:Q", scale=score_axis, title="Score"),
        )
        chart = alt.layer(
            points.mark_point(size=70, filled=True, opacity=0.85).encode(
                color=alt.Color("quadrant:N", scale=alt.Scale(range=PALETTE), title="Quadrant"),
                shape=alt.Shape("quadrant:N", title="Quadrant"),
                tooltip=["name:N", "importance:Q", "score:Q", "quadrant:N"],
            ),
            points.mark_text(align="left", dx=7, fontSize=11, aria=False)
            .encode(text="name:N")
            .transform_filter("datum.label"),
            alt.Chart(data)
            .mark_rule(strokeDash=[4, 4], color="#666", aria=False)
            .encode(x=alt.datum(3.5)),
            *_threshold_layers(alt),
        ).properties(width="container", height=340)
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)
    return json.dumps(chart.to_dict(), sort_keys=True)


def chart(
    kind: str,
    chart_id: str,
    caption: str,
    values: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    summary: str = "",
    thresholds: Sequence[tuple[str, float]] = (),
) -> Chart:
    """A chart of `kind` with its rows; `columns` (key, heading) shape the fallback table.

    `summary` says in words what the chart shows (its text alternative); `thresholds`
    (label, value) are drawn as dashed lines.
    """
    spec = json.loads(_template(kind))
    fields = table_fields(values, columns)
    spec["datasets"] = {
        THRESHOLDS: [{"label": label, "value": value} for label, value in thresholds],
        **({} if fields else {DATA: list(values)}),
    }
    spec["description"] = summary or caption
    rows = tuple(tuple(_cell(value.get(key)) for key, _ in columns) for value in values)
    return Chart(
        chart_id,
        script_json(spec),
        caption,
        tuple(heading for _, heading in columns),
        rows,
        summary,
        fields,
    )


def table_fields(
    values: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """(field, type) of each column when the table holds every field of the values, each of
    one type (number, boolean or string): the page's script then reads the chart's data
    from the table (numbers as the table prints them, to a tenth). Else ()."""
    keys = [key for key, _ in columns]
    if not values or {key for value in values for key in value} - set(keys):
        return ()
    fields = []
    for key in keys:
        kinds = {_kind(value[key]) for value in values if value.get(key) is not None}
        if len(kinds) > 1:
            return ()
        fields.append((key, kinds.pop() if kinds else "string"))
    return tuple(fields)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "other"


def script_json(value: object) -> Markup:
    """JSON made safe to sit inside a <script type="application/json"> element: `<`, `>` and
    `&` escaped, so no value can close the element it sits in."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a script element


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
