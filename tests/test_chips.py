"""Score chips are made once per build and reused, and read exactly as the template wrote
them (the golden pages pin every byte; these pin reuse and escaping)."""

from __future__ import annotations

import dataclasses

from conftest import REPO

from cxsite.build import analyse
from cxsite.site.chips import ChipHtml
from cxsite.site.scoreindex import ScoreIndex, status_rule


def example_score() -> tuple[ScoreIndex, float]:
    analysis = analyse(REPO)
    assert analysis.project is not None and analysis.scores is not None
    index = ScoreIndex(analysis.scores, status_rule(analysis.project))
    return index, analysis.project.config.scoring.min_n


def test_a_chip_is_made_once_and_reused() -> None:
    index, min_n = example_score()
    score = index.get("touchpoint", "support-call", "service")
    assert score is not None
    chips = ChipHtml(min_n)
    first = chips(score, "Service")
    assert chips(score, "Service") is first  # the same object: made once
    again = dataclasses.replace(score)  # an equal score seen on another page
    assert chips(again, "Service") is first
    assert chips(score, "Trust") is not first and "Trust: " in chips(score, "Trust")
    assert f'data-key="touchpoint|support-call|service|{score.period}"' in first
    assert f">{score.text}</span>" in first and f"status-{score.status}" in first


def test_a_chip_escapes_what_it_is_given() -> None:
    index, min_n = example_score()
    score = index.get("touchpoint", "support-call")
    chips = ChipHtml(min_n)
    html = chips(score, 'Tom & "Jerry" <b>', slot="x")
    assert 'title="Tom &amp; &#34;Jerry&#34; &lt;b&gt;: ' in html and "<b>" not in html
    empty = chips(None, "<i>", slot="a|b")
    assert empty == (
        '<span class="chip no-data" data-slot="a|b" data-label="&lt;i&gt;" '
        'title="&lt;i&gt;: no data this month">–<span class="sr-only"> no data</span></span>'
    )
