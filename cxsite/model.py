"""The content model: typed, frozen definitions that every later step reads.

Field constraints here are the single source of truth: validation and the JSON Schemas for
editors are both generated from these classes. Marks in `json_schema_extra` ("x-cxsite-ref",
"x-cxsite-keys") name the id kind a string or a map key refers to, so that `cxsite schema`
can list the project's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cxsite.cache import digest
from cxsite.names import Channel

if TYPE_CHECKING:
    from cxsite.config import Config  # the config is built on this model

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ALL = "all"

# Dimension ids may also hold underscores, as in the default `response_time`.
DIMENSION_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=100)]
DimensionId = Annotated[str, StringConstraints(pattern=DIMENSION_ID_PATTERN, max_length=100)]
Score = Annotated[float, Field(ge=0, le=100)]
Mode = Literal["online", "offline"]
Phase = Literal["pre-sale", "post-sale"]
TargetUnit = Literal["s", "min", "h", "score"]


def ref(kind: str) -> Any:
    """Schema mark: this string is the id of a `kind` (department, persona, ...)."""
    return {"x-cxsite-ref": kind}


def keyed_by(kind: str) -> Any:
    """Schema mark: this map's keys are ids of a `kind` (dimension, or dimension-or-all)."""
    return {"x-cxsite-keys": kind}


DepartmentRef = Annotated[Id, Field(json_schema_extra=ref("department"))]
PersonaRef = Annotated[Id, Field(json_schema_extra=ref("persona"))]
TouchpointRef = Annotated[Id, Field(json_schema_extra=ref("touchpoint"))]
DimensionRef = Annotated[DimensionId, Field(json_schema_extra=ref("dimension"))]


class Strict(BaseModel):
    """Base for every model: immutable, unknown fields rejected, no NaN or infinity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Dimension(Strict):
    id: DimensionId
    name: str = Field(min_length=1)
    description: str = ""


DEFAULT_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(id="trust", name="Trust", description="Do customers believe what we say and bill?"),
    Dimension(id="value", name="Value", description="Is what customers get worth what they pay?"),
    Dimension(
        id="response_time",
        name="Response time",
        description="How quickly we answer, act and resolve.",
    ),
    Dimension(id="service", name="Service", description="How well people treat customers."),
    Dimension(id="quality", name="Quality", description="Does the product or fix work first time?"),
)


class Department(Strict):
    id: Id
    name: str = Field(min_length=1)
    lead: str = ""
    description: str = ""


class Persona(Strict):
    id: Id
    name: str = Field(min_length=1)
    segment: str = ""
    personality: str = ""
    share: float = Field(default=0, ge=0, le=1)
    goals: tuple[str, ...] = ()
    pains: tuple[str, ...] = ()
    quote: str = ""
    expectations: Annotated[dict[str, Score], Field(json_schema_extra=keyed_by("dimension"))] = {}


class Target(Strict):
    target: float = Field(ge=0)
    unit: TargetUnit = "score"

    @model_validator(mode="after")
    def _score_in_range(self) -> Target:
        if self.unit == "score" and self.target > 100:
            raise ValueError("a score target must be between 0 and 100")
        return self


class Touchpoint(Strict):
    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    channel: Channel
    mode: Mode
    owner: DepartmentRef
    supporting: tuple[DepartmentRef, ...] = ()
    importance: int = Field(default=3, ge=1, le=5)
    targets: Annotated[dict[str, Target], Field(json_schema_extra=keyed_by("dimension"))] = {}
    expectations: Annotated[
        dict[str, Score], Field(json_schema_extra=keyed_by("dimension-or-all"))
    ] = {}
    weights: Annotated[
        dict[str, Annotated[float, Field(gt=0)]], Field(json_schema_extra=keyed_by("dimension"))
    ] = {}


class Stage(Strict):
    id: Id
    name: str = Field(min_length=1)
    phase: Phase
    touchpoints: tuple[TouchpointRef, ...] = ()


class Journey(Strict):
    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    personas: tuple[PersonaRef, ...] = ()
    weight: float = Field(default=1, gt=0)
    stages: tuple[Stage, ...] = Field(min_length=1)


class Trigger(Strict):
    """When a playbook fires: exactly one of `below` (a score) or `status` (red or amber)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["below"]}, {"required": ["status"]}]}
    )

    below: Score | None = None
    status: Literal["red", "amber"] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if (self.below is None) == (self.status is None):
            raise ValueError(
                "a trigger needs exactly one of `below: N` (a score 0-100) or `status: red | amber`"
            )
        return self


class PlaybookMeta(Strict):
    """A playbook's front matter."""

    title: str = Field(min_length=1)
    owner: DepartmentRef
    departments: tuple[DepartmentRef, ...] = ()
    touchpoints: tuple[TouchpointRef, ...] = Field(min_length=1)
    dimensions: tuple[DimensionRef, ...] = ()
    trigger: Trigger
    status: Literal["draft", "active", "retired"] = "active"
    review_by: dt.date | None = None


class PageMeta(Strict):
    """The optional front matter of a plain content page."""

    title: str | None = None


@dataclass(frozen=True)
class Playbook:
    """A playbook: its front matter, Markdown body and where the body starts in its file."""

    id: str
    path: str
    meta: PlaybookMeta
    body: str
    body_line: int


@dataclass(frozen=True)
class Page:
    """A plain Markdown page under content/."""

    id: str
    path: str
    title: str
    body: str
    body_line: int


KINDS: dict[str, type[Strict]] = {
    "departments": Department,
    "personas": Persona,
    "touchpoints": Touchpoint,
    "journeys": Journey,
}


@dataclass(frozen=True)
class Project:
    """Everything a build needs, loaded and validated once; nothing downstream reads files."""

    root: Path
    config: Config
    dimensions: Mapping[str, Dimension]
    departments: Mapping[str, Department]
    personas: Mapping[str, Persona]
    touchpoints: Mapping[str, Touchpoint]
    journeys: Mapping[str, Journey]
    playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    pages: Mapping[str, Page] = field(default_factory=dict)


def definitions_digest(project: Project) -> str:
    """A hash of every definition (not playbooks or pages): what scores and pages rest on."""
    return digest(
        *(
            model.model_dump_json()
            for kind in (project.dimensions, project.departments, project.personas,
                         project.touchpoints, project.journeys)
            for model in kind.values()
        )
    )  # fmt: skip
