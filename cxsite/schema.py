"""JSON Schemas (draft 2020-12) for every file a writer edits, generated from the model."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cxsite.config import Config
from cxsite.model import ALL, KINDS, PlaybookMeta

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def build_schemas(
    dimension_ids: Sequence[str], ids: Mapping[str, Sequence[str]] | None = None
) -> dict[str, dict[str, Any]]:
    """Every schema by file name; `ids` (kind -> ids) lets editors check references."""
    known: dict[str, list[str]] = {kind: sorted(values) for kind, values in (ids or {}).items()}
    known["dimension"] = list(dimension_ids)
    known["dimension-or-all"] = [*dimension_ids, ALL]
    schemas: dict[str, dict[str, Any]] = {}
    for kind, model in KINDS.items():
        schema = _model_schema(model, f"cxsite {kind.removesuffix('s')}")
        name = model.__name__
        schema["$defs"][name] = {
            k: v for k, v in schema.items() if k not in ("$schema", "$defs", "title")
        }
        for key in list(schema):
            if key not in ("$schema", "$defs", "title"):
                del schema[key]
        item = {"$ref": f"#/$defs/{name}"}
        schema["anyOf"] = [item, {"type": "array", "items": item}]
        schemas[f"{kind.removesuffix('s')}.schema.json"] = schema
    schemas["cxsite.schema.json"] = _model_schema(Config, "cxsite.yaml")
    schemas["playbook.schema.json"] = _model_schema(PlaybookMeta, "cxsite playbook front matter")
    return {name: _apply_marks(schema, known) for name, schema in sorted(schemas.items())}


def schema_json(schema: Mapping[str, Any]) -> bytes:
    """A schema as pretty, stable JSON."""
    return (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_schemas(schemas: Mapping[str, Mapping[str, Any]], folder: Path) -> list[Path]:
    """Write each schema as pretty, stable JSON; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas.items():
        path = folder / name
        path.write_bytes(schema_json(schema))
        written.append(path)
    return written


def _model_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/$defs/{model}")
    schema.setdefault("$defs", {})
    return {"$schema": DRAFT, "title": title, **schema}


def _apply_marks(node: Any, known: Mapping[str, list[str]]) -> Any:
    """Replace the model's id marks with enums of the project's ids, where those are known."""
    if isinstance(node, list):
        return [_apply_marks(item, known) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _apply_marks(value, known) for key, value in node.items()}
    ref_kind = result.pop("x-cxsite-ref", None)
    keys_kind = result.pop("x-cxsite-keys", None)
    if ref_kind in known:
        result["enum"] = known[ref_kind]
    if keys_kind in known:
        result["propertyNames"] = {"enum": known[keys_kind]}
    return result
