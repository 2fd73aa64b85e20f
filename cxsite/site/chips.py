"""Score chips as HTML, each made once per build and reused on every page that shows it.

A chip is the most repeated fragment of the site (a department or journey page holds
hundreds, a build tens of thousands): made in Python and remembered by its score and
options, it costs a dictionary lookup where a template macro would cost a render. The
default theme's `chip` macro calls it; a theme may still override the macro.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from cxsite.site.scoreindex import ScoreView


class ChipHtml:
    """Makes and remembers the HTML of score chips for one build (`min_n`: the sample size
    under which a score is marked "low n")."""

    def __init__(self, min_n: float) -> None:
        self.min_n = min_n
        self._made: dict[tuple[ScoreView | None, str, str, bool], Markup] = {}

    def __repr__(self) -> str:  # part of a page's cache key: the same for the same chips
        return f"ChipHtml(min_n={self.min_n!r})"

    def __call__(
        self, score: ScoreView | None, label: str = "", slot: str = "", word: bool = False
    ) -> Markup:
        key = (score, str(label), str(slot), bool(word))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = _chip(score, *key[1:], self.min_n)
        return made


def _chip(score: ScoreView | None, label: str, slot: str, word: bool, min_n: float) -> Markup:
    """The chip as the default theme has always written it: number, shape (by status class)
    and word (visible with `word`, else for screen readers), and a title saying why."""
    named = f"{escape(label)}: " if label else ""
    if score is None:
        slots = f' data-slot="{escape(slot)}" data-label="{escape(label)}"' if slot else ""
        return Markup(
            f'<span class="chip no-data"{slots} title="{named}no data this month">–'
            '<span class="sr-only"> no data</span></span>'
        )
    key = "|".join(str(escape(part)) for part in (score.level, score.id, score.dimension))
    slots = f' data-label="{escape(label)}"' if slot else ""
    hidden = "" if word else " sr-only"
    low = (
        f' <abbr class="chip-low" title="low sample: {escape(score.n_text)} answers, under '
        f'{escape(min_n)}">low n</abbr>'
        if score.low_sample
        else ""
    )
    return Markup(
        f'<span class="chip status-{escape(score.status)}" data-key="{key}|'
        f'{escape(score.period)}"{slots} title="{named}{escape(score.tooltip)}">'
        f'<span class="chip-value">{escape(score.text)}</span>'
        f'<span class="chip-status{hidden}"> {escape(score.label)}</span>{low}</span>'
    )
