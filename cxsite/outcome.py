"""What a build did. Light on imports: a build with nothing to do reports one quickly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxsite.errors import Diagnostics


@dataclass(frozen=True)
class BuildResult:
    """What a build did: its diagnostics, the files written and where, and how long it took."""

    diagnostics: Diagnostics
    output: Path | None
    files: int
    seconds: float
    pages: int = 0
    touchpoints: int = 0
    red: int = 0  # touchpoint scores (any dimension) that are red in the latest period
    unchanged: bool = False  # nothing had changed since the last build: nothing was done
    # The measurement files outside data/, content/ and themes/ that the build read (paths
    # relative to the project); None when it could not read cxsite.yaml to know them.
    extra_inputs: tuple[str, ...] | None = None
