"""The page families: jobs named by a typed family, typed contexts, and the typed keys of
stages and persona levels."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from conftest import REPO

from cxsite.build import analyse
from cxsite.cache import digest
from cxsite.keys import PersonaLevel, StageKey, base_level, is_persona_level
from cxsite.site.directive_views import DirectiveRenderer
from cxsite.site.pages import PageContext, PageFamily, SiteBuilder, page_jobs
from cxsite.site.pages.builder import ITEM_PAGES, SITE_PAGES
from cxsite.site.scoreindex import ScoreIndex, status_rule
from cxsite.theme import theme_environment


@pytest.fixture(scope="module")
def example_builder() -> SiteBuilder:
    analysis = analyse(REPO)
    project, scores = analysis.project, analysis.scores
    assert project is not None and scores is not None
    index = ScoreIndex(scores, status_rule(project))
    env = theme_environment(project.root, project.config.theme)
    return SiteBuilder(project, index, DirectiveRenderer(project, index, env))


def test_every_page_family_is_built_by_exactly_one_function() -> None:
    assert set(SITE_PAGES).isdisjoint(ITEM_PAGES)
    assert set(SITE_PAGES) | set(ITEM_PAGES) == set(PageFamily)


def test_jobs_pickle_and_key_the_cache_as_their_plain_spelling(
    example_builder: SiteBuilder,
) -> None:
    jobs = page_jobs(example_builder.project)
    assert pickle.loads(pickle.dumps(jobs)) == jobs
    assert [PageFamily(family) for family, _ in jobs] == [family for family, _ in jobs]
    # The job cache key digests the family: the enum must hash as the plain word it was.
    family, item_id = next(job for job in jobs if job[0] == PageFamily.PLAYBOOK)
    assert digest(family, item_id) == digest("playbook", item_id)
    assert " ".join((family, item_id)) == f"playbook {item_id}"


def test_a_job_spelled_in_plain_strings_builds_the_same_pages(
    example_builder: SiteBuilder,
) -> None:
    playbook = next(iter(example_builder.project.playbooks))
    typed = example_builder.build((PageFamily.PLAYBOOK, playbook))
    assert example_builder.build(("playbook", playbook)) == typed
    assert [page.path for page in typed] == [f"playbooks/{playbook}.html"]


def test_a_job_of_no_family_or_with_a_stray_id_is_refused(example_builder: SiteBuilder) -> None:
    with pytest.raises(ValueError, match="pages"):
        example_builder.build(("pages", ""))
    with pytest.raises(ValueError, match="whole site"):
        example_builder.build((PageFamily.HOME, "fix-a-fault"))


def test_every_context_is_a_frozen_dataclass_the_template_reads_by_field(
    example_builder: SiteBuilder,
) -> None:
    pages = example_builder.pages()
    assert len({page.path for page in pages}) == len(pages)
    for page in pages:
        context = page.context
        assert isinstance(context, PageContext) and dataclasses.is_dataclass(context)
        names = [field.name for field in dataclasses.fields(context)]
        given = dict(**context)
        assert list(given) == names
        assert all(given[name] is getattr(context, name) for name in names)
        assert not any(isinstance(value, dict) for value in given.values()), page.path
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(context, names[0] if names else "anything", None)
        with pytest.raises(KeyError):
            context["no-such-field"]


def test_a_stage_key_is_spelled_journey_slash_stage_and_parsed_back() -> None:
    key = StageKey("fix-a-fault", "report")
    assert str(key) == "fix-a-fault/report"
    assert StageKey.parse("fix-a-fault/report") == key
    for wrong in ("fix-a-fault", "/report", "fix-a-fault/", "a/b/c"):
        with pytest.raises(ValueError, match="stage key"):
            StageKey.parse(wrong)


def test_a_persona_level_is_spelled_with_its_prefix_and_parsed_back() -> None:
    level = PersonaLevel("busy-parent", "touchpoint")
    assert str(level) == "persona:busy-parent:touchpoint"
    assert PersonaLevel.parse("persona:busy-parent:touchpoint") == level
    assert PersonaLevel.parse("touchpoint") is None
    with pytest.raises(ValueError, match="persona level"):
        PersonaLevel.parse("persona:busy-parent")
    assert [is_persona_level(x) for x in (level, str(level), "persona", "touchpoint")] == [
        True,
        True,
        False,
        False,
    ]
    assert [base_level(x) for x in (level, str(level), "stage")] == [
        "touchpoint",
        "touchpoint",
        "stage",
    ]


def test_the_score_index_answers_typed_keys_as_their_spelling(
    example_builder: SiteBuilder,
) -> None:
    index, project = example_builder.index, example_builder.project
    journey = next(iter(project.journeys.values()))
    stage = journey.stages[0]
    by_stage = index.get("stage", StageKey.of(journey, stage))
    assert by_stage is not None
    assert by_stage == index.get("stage", f"{journey.id}/{stage.id}")
    persona = journey.personas[0]
    touchpoint = stage.touchpoints[0]
    typed = index.get(PersonaLevel(persona, "touchpoint"), touchpoint)
    assert typed is not None
    assert typed == index.get(f"persona:{persona}:touchpoint", touchpoint)
    series = index.series(PersonaLevel(persona, "stage"), StageKey.of(journey, stage))
    assert series
    assert series == index.series(f"persona:{persona}:stage", f"{journey.id}/{stage.id}")
