"""The JSON Schemas accept valid files and reject the mistakes a schema can express."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import KIND_ITEMS, PERSONAS, PLAYBOOK, TOUCHPOINTS

from cxsite.model import DEFAULT_DIMENSIONS
from cxsite.schema import build_schemas

DIMENSIONS = [d.id for d in DEFAULT_DIMENSIONS]
IDS = {
    "department": [d["id"] for d in KIND_ITEMS["departments"]],
    "persona": [p["id"] for p in KIND_ITEMS["personas"]],
    "touchpoint": [t["id"] for t in KIND_ITEMS["touchpoints"]],
}


def as_json(value: Any) -> Any:
    """What an editor's YAML extension sees: dates as strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def errors_for(
    schema_name: str, document: Any, ids: dict[str, list[str]] | None = None
) -> list[str]:
    schema = build_schemas(DIMENSIONS, IDS if ids is None else ids)[schema_name]
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(as_json(document))]


def front_matter(text: str) -> Any:
    return yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize("kind", list(KIND_ITEMS))
def test_kind_schema_accepts_one_item_or_a_list(kind: str) -> None:
    name = f"{kind.removesuffix('s')}.schema.json"
    items = KIND_ITEMS[kind]
    assert errors_for(name, items) == []
    assert errors_for(name, items[0]) == []


def test_config_and_playbook_schemas_accept_valid_files() -> None:
    config = {
        "title": "T",
        "theme": "brand",
        "measurements": [
            {"path": "data/s.csv", "layout": "long", "kind": "rating", "scale": [1, 5]},
            {
                "path": "data/t.csv",
                "layout": "wide",
                "period": {"column": "created_at"},
                "touchpoint": {"column": "channel", "map": {"Phone": "support-call"}},
                "persona": "busy-parent",
                "columns": {"csat": {"dimension": "service", "kind": "rating", "scale": [1, 5]}},
            },
        ],
        "scoring": {"rollup": "geometric", "thresholds": {"green": 80, "amber": 65}},
    }
    assert errors_for("cxsite.schema.json", config) == []
    assert errors_for("playbook.schema.json", front_matter(PLAYBOOK)) == []


def with_change(item: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**item, **changes}


@pytest.mark.parametrize(
    ("schema_name", "document"),
    [
        ("touchpoint.schema.json", with_change(TOUCHPOINTS[0], owner="biling")),  # unknown owner
        ("touchpoint.schema.json", with_change(TOUCHPOINTS[0], importnce=3)),  # unknown field
        (
            "touchpoint.schema.json",
            with_change(TOUCHPOINTS[0], weights={"trsut": 2}),
        ),  # unknown dim
        ("touchpoint.schema.json", with_change(TOUCHPOINTS[0], channel="pigeon")),
        ("touchpoint.schema.json", with_change(TOUCHPOINTS[0], id="Bill Statement")),
        ("persona.schema.json", with_change(PERSONAS[0], share=1.5)),
        ("persona.schema.json", with_change(PERSONAS[0], expectations={"effort": 50})),
        (
            "playbook.schema.json",
            {**front_matter(PLAYBOOK), "trigger": {"below": 60, "status": "red"}},
        ),
        ("playbook.schema.json", {**front_matter(PLAYBOOK), "trigger": {}}),
        ("playbook.schema.json", {**front_matter(PLAYBOOK), "trigger": {"status": "green"}}),
        ("playbook.schema.json", {**front_matter(PLAYBOOK), "dimensions": ["speed"]}),
        ("cxsite.schema.json", {"title": "T", "scoring": {"rollup": "median"}}),
        (
            "cxsite.schema.json",
            {"title": "T", "measurements": [{"path": "x.csv", "layout": "tall"}]},
        ),
    ],
)
def test_schema_rejects_planted_mistakes(schema_name: str, document: Any) -> None:
    assert errors_for(schema_name, document) != []


def test_without_ids_references_are_only_pattern_checked() -> None:
    document = with_change(TOUCHPOINTS[0], owner="anyone")
    assert errors_for("touchpoint.schema.json", document, ids={}) == []


def test_custom_dimensions_change_the_schema() -> None:
    schema = build_schemas(["trust", "effort"], IDS)["persona.schema.json"]
    validator = jsonschema.Draft202012Validator(schema)
    assert (
        list(validator.iter_errors({"id": "p", "name": "P", "expectations": {"effort": 40}})) == []
    )
    assert (
        list(validator.iter_errors({"id": "p", "name": "P", "expectations": {"value": 40}})) != []
    )


def test_schemas_are_deterministic() -> None:
    assert build_schemas(DIMENSIONS, IDS) == build_schemas(DIMENSIONS, IDS)


def example_documents(repo: Path) -> list[tuple[str, Any]]:
    docs: list[tuple[str, Any]] = [
        ("cxsite.schema.json", yaml.safe_load((repo / "cxsite.yaml").read_text()))
    ]
    for kind in KIND_ITEMS:
        name = f"{kind.removesuffix('s')}.schema.json"
        single = repo / "data" / f"{kind}.yaml"
        files = [single] if single.is_file() else sorted((repo / "data" / kind).glob("*.yaml"))
        docs.extend((name, yaml.safe_load(path.read_text())) for path in files)
    for path in sorted((repo / "content" / "playbooks").glob("*.md")):
        docs.append(("playbook.schema.json", front_matter(path.read_text())))
    return docs


def test_schemas_validate_the_example() -> None:
    from conftest import REPO

    from cxsite.build import load_project

    project, _ = load_project(REPO)
    assert project is not None
    ids = {
        "department": list(project.departments),
        "persona": list(project.personas),
        "touchpoint": list(project.touchpoints),
    }
    schemas = build_schemas(list(project.dimensions), ids)
    documents = example_documents(REPO)
    assert len(documents) > 40
    for schema_name, document in documents:
        validator = jsonschema.Draft202012Validator(schemas[schema_name])
        assert [e.message for e in validator.iter_errors(as_json(document))] == [], schema_name
