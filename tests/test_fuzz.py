"""Fuzzing: random YAML, bytes and CSV thrown at the loader and `check`. The only outcomes
allowed are success or clean, located errors: never an exception, never a hang."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from conftest import write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxsite.build import analyse
from cxsite.load.yaml_source import parse_yaml

SETTINGS = settings(
    max_examples=int(os.environ.get("CXSITE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
YAML_PIECES = st.sampled_from(
    ["id: x", "name: y", "- ", "  ", "\t", ":", "[", "]", "{", "}", "&a", "*a", "<<:", "---",
     "...", "'", '"', "!!python/object:os.system", "\n", "owner: ", "!!binary", "? ", "|", ">",
     "%YAML 1.1", "&b [*a, *a]", "1e9999", ".nan", "2025-13-45", "\ufeff", "#"]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.one_of(YAML_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_random_yaml_never_raises(text: str) -> None:
    document, errors = parse_yaml(text, "fuzz.yaml")
    assert (document is None) == bool(errors)
    for error in errors:
        assert error.path == "fuzz.yaml" and error.line >= 1 and error.col >= 1 and error.message


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("fuzz") / "base", "folder")
    (root / "cxsite.yaml").write_text(
        "title: Fuzz\nmeasurements:\n"
        "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"
    )
    (root / "data" / "measurements").mkdir()
    (root / "data" / "measurements" / "r.csv").write_text("touchpoint,dimension,period,value\n")
    return root


def checked(base: Path, tmp_path: Path, rel: str, data: bytes) -> None:
    root = tmp_path / f"p{abs(hash((rel, data)))}"
    shutil.copytree(base, root)
    (root / rel).write_bytes(data)
    analysis = analyse(root, dt.date(2026, 1, 1))
    for item in analysis.diagnostics.items:
        assert item.path and item.message
    if analysis.diagnostics.errors:
        assert analysis.scores is None
    shutil.rmtree(root)


FILES = st.sampled_from(
    ["data/touchpoints/app-login.yaml", "data/journeys/pay-a-bill.yaml", "cxsite.yaml",
     "content/playbooks/billing-trust.md"]
)  # fmt: skip
CONTENTS = st.one_of(
    st.binary(max_size=300), st.lists(YAML_PIECES, max_size=30).map(lambda p: "".join(p).encode())
)


@SETTINGS
@given(FILES, CONTENTS)
def test_random_files_give_success_or_located_errors(
    base: Path, tmp_path: Path, rel: str, data: bytes
) -> None:
    checked(base, tmp_path, rel, data)


CELLS = st.one_of(
    st.sampled_from(["bill-statement", "support-call", "trust", "service", "2025-01", "2025-1",
                     "3", "5", "0", "-1", "1e400", "nan", "", "NA", '"', '""', "a,b", "x\ny"]),
    st.text(max_size=6),
)  # fmt: skip


@SETTINGS
@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), max_size=25))
def test_random_csv_gives_success_or_located_errors(
    base: Path, tmp_path: Path, rows: list[list[str]]
) -> None:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell

    text = "touchpoint,dimension,period,value\n" + "".join(
        ",".join(quote(c) for c in r) + "\n" for r in rows
    )
    checked(base, tmp_path, "data/measurements/r.csv", text.encode("utf-8", "surrogatepass"))
