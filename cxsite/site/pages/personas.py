"""A persona's page: who they are, what they are held to and how each of their journeys
scores for them against all customers."""

from __future__ import annotations

from dataclasses import dataclass

from cxsite.keys import PersonaLevel
from cxsite.model import ALL, Persona
from cxsite.site import urls
from cxsite.site.pages.site import Site
from cxsite.site.pages.spec import PageContext, PageSpec
from cxsite.site.scoreindex import ScoreView
from cxsite.site.views import Link


@dataclass(frozen=True)
class PersonaJourney:
    link: Link
    score: ScoreView | None  # as this persona experiences the journey
    everyone: ScoreView | None  # as all customers do


@dataclass(frozen=True)
class Expectation:
    dimension: str  # its name
    score: ScoreView | None
    expectation: str  # the bar the score is held to, in words


@dataclass(frozen=True)
class PersonaContext(PageContext):
    persona: Persona
    journeys: tuple[PersonaJourney, ...]
    expectations: tuple[Expectation, ...]
    score: ScoreView | None


def persona_pages(site: Site, persona_id: str) -> list[PageSpec]:
    project, index = site.project, site.index
    persona = project.personas[persona_id]
    journeys = tuple(
        PersonaJourney(
            site.link("journey", j.id),
            index.get(PersonaLevel(persona.id, "journey"), j.id),
            index.get("journey", j.id),
        )
        for j in project.journeys.values()
        if persona.id in j.personas
    )
    expectations = tuple(
        Expectation(site.namer.dimension_name(d), score, site.applied_bar(score))
        for d in [ALL, *project.dimensions]
        for score in [index.get("persona", persona.id, d)]
    )
    context = PersonaContext(persona, journeys, expectations, index.get("persona", persona.id))
    text = " ".join(
        [persona.segment, persona.personality, persona.quote, *persona.goals, *persona.pains]
    )
    path = urls.page_path("persona", persona.id)
    return [PageSpec(path, "persona.html", persona.name, context, text, "persona")]
