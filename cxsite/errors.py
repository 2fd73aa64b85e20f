"""Located diagnostics: every problem carries its file, line and column, and all are collected."""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Literal

# A note explains what an error keeps from being checked; it never changes the exit code.
Severity = Literal["error", "warning", "note"]
Category = Literal["content", "config"]


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    CONTENT_ERROR = 1
    USAGE_ERROR = 2


@dataclass(frozen=True, order=True)
class LocatedError:
    """One problem in one input file, at a 1-based line and column (0 when unknown)."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: Severity = "error"
    category: Category = "content"

    def format(self) -> str:
        """Render as `path:line:col: severity: message; hint`, the format editors parse."""
        where = self.path
        if self.line:
            where += f":{self.line}:{max(self.col, 1)}"
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


@dataclass
class Diagnostics:
    """A growing collection of located errors and warnings."""

    items: list[LocatedError] = field(default_factory=list)

    def add(self, item: LocatedError) -> None:
        self.items.append(item)

    def extend(self, items: Iterable[LocatedError]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> list[LocatedError]:
        return [item for item in self.sorted() if item.severity == "error"]

    @property
    def warnings(self) -> list[LocatedError]:
        return [item for item in self.sorted() if item.severity == "warning"]

    def sorted(self) -> list[LocatedError]:
        """Diagnostics in file, line, column order, without exact repeats."""
        return sorted(set(self.items), key=_sort_key)

    def exit_code(self, strict: bool = False) -> ExitCode:
        """2 for configuration errors, 1 for content errors (or warnings when strict), else 0."""
        errors = self.errors
        if any(item.category == "config" for item in errors):
            return ExitCode.USAGE_ERROR
        if errors or (strict and self.warnings):
            return ExitCode.CONTENT_ERROR
        return ExitCode.OK

    def summary(self) -> str:
        """A count such as `2 errors, 1 warning`."""
        return f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}"

    def to_json(self) -> str:
        """All diagnostics as a JSON document for editors and CI annotations."""
        payload = {
            "diagnostics": [asdict(item) for item in self.sorted()],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)


def _sort_key(item: LocatedError) -> tuple[str, int, int, str, str]:
    return (item.path, item.line, item.col, item.severity, item.message)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def look_alikes(word: str) -> list[tuple[str, str]]:
    """The characters of `word` that only look like Latin letters or digits, each with the
    one it looks like: Unicode's confusables (via confusable-homoglyphs), after NFKC."""
    if word.isascii():
        return []
    from confusable_homoglyphs import confusables  # only on this rare path: its data is 1 MB

    found = []
    for char in dict.fromkeys(word):
        if char.isascii():
            continue
        normal = unicodedata.normalize("NFKC", char)
        if normal.isascii() and normal:
            found.append((char, normal))
            continue
        hits = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"]) or []
        latin = [g["c"] for hit in hits for g in hit["homoglyphs"] if g["c"].isascii()]
        if latin:
            found.append((char, latin[0]))
    return found


def fold(word: str) -> str:
    """`word` with look-alike characters replaced by the Latin ones they imitate, lower case."""
    for char, latin in look_alikes(word):
        word = word.replace(char, latin)
    return word.lower()


def did_you_mean(word: str, candidates: Sequence[str] | Iterable[str]) -> str:
    """A hint naming the closest candidate, or an empty string when none is close.

    Look-alike letters (a Cyrillic `і` for a Latin `i`, a full-width digit) are folded before
    comparing, and the hint says which letter only looks right.
    """
    options = sorted(set(candidates))
    word = str(word)
    folded = fold(word)
    # Where a look-alike spelling and a plain one fold alike, suggest the plain one.
    by_fold = {fold(option): option for option in sorted(options, key=str.isascii)}
    match = by_fold.get(folded)
    if match is None:
        close = difflib.get_close_matches(folded, sorted(by_fold), n=1, cutoff=0.6)
        match = by_fold[close[0]] if close else None
    if match is None and folded:  # a part of an id: `chat` for `support-chat`
        parts = [o for f, o in sorted(by_fold.items()) if folded in f.replace("_", "-").split("-")]
        match = parts[0] if len(parts) == 1 else None
    if match is None:
        return ""
    hint = f"did you mean `{match}`?"
    alikes = look_alike_note(word)
    return f"{hint} {alikes}" if alikes else hint


def look_alike_note(word: str) -> str:
    """`і` (cyrillic small letter ...) only looks like `i`, for each look-alike in `word`."""
    return ", ".join(
        f"`{char}` ({unicodedata.name(char, f'U+{ord(char):04X}').lower()}) only looks like "
        f"`{latin}`"
        for char, latin in look_alikes(word)
    )
