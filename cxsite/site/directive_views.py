"""Directives rendered into HTML with live scores, through small templates."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import jinja2

from cxsite.directives import Directive
from cxsite.keys import StageKey
from cxsite.model import ALL, Project
from cxsite.site import urls
from cxsite.site.chart_views import trend_chart
from cxsite.site.chips import ChipHtml
from cxsite.site.scoreindex import ScoreIndex
from cxsite.site.views import Namer, chips, stage_views


class DirectiveRenderer:
    """Renders `score`, `trend` and `table` directives for a page at a given path.

    A `score` or `table` directive's HTML depends only on what it says and on the page's
    depth (its links), so each one is rendered once per build and depth and then reused;
    a `trend` holds a chart id of its own page.
    """

    def __init__(
        self,
        project: Project,
        index: ScoreIndex,
        env: jinja2.Environment,
        chip_html: ChipHtml | None = None,
    ) -> None:
        self.project = project
        self.index = index
        self.env = env
        self.chip_html = chip_html or ChipHtml(project.config.scoring.min_n)
        self.namer = Namer(project)
        self.labels = ["All", *(name for _, name in self.namer.dimensions)]
        self.rendered: dict[tuple[str, tuple[tuple[str, str], ...], str], str] = {}

    def for_page(self, path: str) -> Callable[[Directive], str]:
        root = urls.root_of(path)
        numbers = count(1)
        slug = path.replace("/", "-").removesuffix(".html")

        def render(directive: Directive) -> str:
            return self.render(directive, root, f"{slug}-{next(numbers)}")

        return render

    def render(self, directive: Directive, root: str, chart_id: str) -> str:
        if directive.name == "trend":
            return self._render(directive, root, chart_id)
        key = (directive.name, directive.args, root)
        if key not in self.rendered:
            self.rendered[key] = self._render(directive, root, chart_id)
        return self.rendered[key]

    def _render(self, directive: Directive, root: str, chart_id: str) -> str:
        level, item_id = directive.target
        dimension = directive.arg("dimension") or ALL
        link = self.namer.link(level, item_id)
        template = self.env.get_template(f"directives/{directive.name}.html")
        context: dict[str, object] = {
            "root": root,
            "min_n": self.project.config.scoring.min_n,
            "chip_html": self.chip_html,
            "link": link,
            "dimension": self.namer.dimension_name(dimension),
        }
        if directive.name == "score":
            period = directive.arg("period")
            context["score"] = self.index.get(
                level, item_id, dimension, None if period in (None, "latest") else period
            )
        elif directive.name == "trend":
            series = self.index.series(level, item_id, dimension)
            context["chart"] = trend_chart(
                f"chart-{chart_id}",
                f"{link.text}, {self.namer.dimension_name(dimension)}: "
                "score by month with 95% interval",
                [(self.namer.dimension_name(dimension), series)],
                self.namer,
            )
        else:
            context["labels"] = self.labels
            if level == "journey":
                journey = self.project.journeys[item_id]
                context["rows"] = [
                    (
                        stage.name,
                        chips(self.namer, self.index, "stage", StageKey.of(journey, stage)),
                    )
                    for stage in stage_views(self.namer, self.index, journey)
                ]
            elif level == "department":
                context["rows"] = [
                    (t.name, chips(self.namer, self.index, "touchpoint", t.id))
                    for t in self.project.touchpoints.values()
                    if t.owner == item_id
                ]
            else:
                context["rows"] = [
                    (link.text, chips(self.namer, self.index, "touchpoint", item_id))
                ]
        return template.render(context).strip()
