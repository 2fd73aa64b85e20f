"""Typed keys for the score levels that are not one plain id: a stage of a journey, and a
level as one persona experiences it. Their str() is the spelling that scores.csv, the
Parquet tables and the score index use, so modules that still hold strings keep working."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

PERSONA_PREFIX = "persona:"
PERSONA_SEPARATOR = ":"


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


@dataclass(frozen=True, order=True)
class StageKey:
    """A stage of a journey; spelled `journey/stage` (stage ids are unique per journey only)."""

    journey: str
    stage: str

    def __str__(self) -> str:
        return f"{self.journey}/{self.stage}"

    @classmethod
    def of(cls, journey: _HasId, stage: _HasId) -> StageKey:
        return cls(journey.id, stage.id)

    @classmethod
    def parse(cls, text: str) -> StageKey:
        """The key spelled `journey/stage`; a ValueError for any other spelling."""
        journey, slash, stage = text.partition("/")
        if not slash or not journey or not stage or "/" in stage:
            raise ValueError(f"not a stage key (journey/stage): {text!r}")
        return cls(journey, stage)


@dataclass(frozen=True, order=True)
class PersonaLevel:
    """A score level as one persona experiences it; spelled `persona:ID:LEVEL`
    (`persona:busy-parent:touchpoint`)."""

    persona: str
    level: str  # "touchpoint", "stage", "journey", ...

    def __str__(self) -> str:
        return f"{PERSONA_PREFIX}{self.persona}{PERSONA_SEPARATOR}{self.level}"

    @classmethod
    def parse(cls, text: str) -> PersonaLevel | None:
        """The persona level spelled by `text`, or None where it is a plain level."""
        if not text.startswith(PERSONA_PREFIX):
            return None
        persona, separator, level = text[len(PERSONA_PREFIX) :].rpartition(PERSONA_SEPARATOR)
        if not separator or not persona or not level:
            raise ValueError(f"not a persona level (persona:ID:LEVEL): {text!r}")
        return cls(persona, level)


# What the score index is asked by: a plain level ("touchpoint") or a persona's, and a plain
# id or a stage's key.
Level = str | PersonaLevel
ItemId = str | StageKey


def is_persona_level(level: Level) -> bool:
    return isinstance(level, PersonaLevel) or level.startswith(PERSONA_PREFIX)


def base_level(level: Level) -> str:
    """The level without its persona: `persona:ID:touchpoint` -> `touchpoint`."""
    if isinstance(level, PersonaLevel):
        return level.level
    return level.rpartition(PERSONA_SEPARATOR)[2]
