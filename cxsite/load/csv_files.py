"""The CSV files of measurements as files: their header, the columns a source reads, and a
located error for a file that is not UTF-8 text. Shared by every engine's reader."""

from __future__ import annotations

import codecs
import csv
import itertools
from pathlib import Path

from cxsite.config import MeasurementSource
from cxsite.errors import LocatedError
from cxsite.scoring.measures import Measure

OPTIONAL_LONG_COLUMNS = ("persona", "n")


SAVE_AS_UTF8 = 'save it as "CSV UTF-8" (Excel) or UTF-8 (other tools)'


def unreadable_csv(path: Path, rel: str, line: int, exc: Exception) -> LocatedError:
    """Where and why pyarrow could not read a CSV from `line` on: bad UTF-8 (found by
    decoding the file in blocks), or a quoted value left open."""
    try:
        bad_byte = first_bad_utf8(path)
    except OSError as error:
        return LocatedError(rel, 0, 0, f"cannot read CSV: {error.strerror or error}")
    if bad_byte is not None:
        byte, bad_line, col = bad_byte
        return LocatedError(
            rel,
            bad_line,
            col,
            f"not UTF-8 text (byte 0x{byte:02x}); the file looks like Latin-1 or Windows-1252",
            SAVE_AS_UTF8,
        )
    hint = ""
    if "straddl" in str(exc):  # a quoted value longer than a block: it is never closed
        hint = 'check for a `"` that opens a quoted value and is never closed'
    return LocatedError(rel, line, 1, f"cannot read the rest of the CSV: {exc}", hint)


def first_bad_utf8(path: Path) -> tuple[int, int, int] | None:
    """The first byte of `path` that is not UTF-8 (value, line, column), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, col = 1, 1  # where the next byte to decode lies
    held = b""
    with path.open("rb") as handle:
        for block in itertools.chain(iter(lambda: handle.read(1 << 20), b""), [None]):
            try:
                # None: the end, where a character's unfinished start is an error too
                decoder.decode(block or b"", final=block is None)
            except UnicodeDecodeError as error:
                # error.object: the bytes of a character left unfinished by the last block,
                # then this block.
                before = error.object[: error.start]
                if b"\n" in before:
                    line += before.count(b"\n")
                    col = 1
                col += len(before) - (before.rfind(b"\n") + 1)
                return error.object[error.start], line, col
            if block is None:
                break
            # The bytes decoded: those held back from the last block (a character's start, no
            # newline), and this block but for the start of a character it ends in.
            decoded = held + block[: len(block) - len(decoder.getstate()[0])]
            if b"\n" in decoded:
                line += decoded.count(b"\n")
                col = 1
            col += len(decoded) - (decoded.rfind(b"\n") + 1)
            held = block[len(block) - len(decoder.getstate()[0]) :]
    return None


def read_header(path: Path, rel: str) -> tuple[list[str], LocatedError | None]:
    """The header row, or a located error for an empty or unreadable file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
        if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return [], LocatedError(
                rel, 1, 1, 'the file is UTF-16 (Excel\'s "Unicode Text")', SAVE_AS_UTF8
            )
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        return [], unreadable_csv(path, rel, 1, ValueError("not UTF-8"))
    except OSError as exc:
        return [], LocatedError(rel, 0, 0, f"cannot read CSV: {exc.strerror or exc}")
    if not header:
        return [], LocatedError(rel, 1, 1, "the file is empty: expected a header row")
    return [h.strip() for h in header], None


def wanted_columns(source: MeasurementSource, measures: tuple[Measure, ...]) -> set[str]:
    """The columns the source's settings and measures may read."""
    columns = {m.column for m in measures}
    for spec, default in (
        (source.touchpoint, "touchpoint"),
        (source.period, "period"),
        (source.persona, "persona"),
    ):
        if isinstance(spec, str):
            continue
        columns.add(spec.column if spec is not None else default)
    if source.layout == "long":
        columns.update(("dimension", *OPTIONAL_LONG_COLUMNS))
    return columns
