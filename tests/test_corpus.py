"""The bad-input corpus: each case breaks a small valid project in one way; `check` must exit
with the exact located messages in `expected.txt`, and `build` must leave the old site alone.

A case folder holds `files/` (written over the project), optionally `edits.json` (`replace`,
`append`, `delete` on project files) and `exit_code` (default 1), and `expected.txt`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_project

from cxsite.build import build
from cxsite.cli import main

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
CONFIG = """\
title: Corpus
measurements:
  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}
"""
GOOD_CSV = "touchpoint,dimension,period,value\n" + "".join(
    f"bill-statement,trust,2025-0{1 + i % 3},{1 + i % 5}\n" for i in range(12)
)


def base_project(root: Path) -> Path:
    write_project(root, "folder")
    (root / "cxsite.yaml").write_text(CONFIG)
    (root / "data" / "measurements").mkdir()
    (root / "data" / "measurements" / "r.csv").write_text(GOOD_CSV)
    return root


def apply_case(root: Path, case: Path) -> None:
    files = case / "files"
    for source in sorted(files.rglob("*")):
        if source.is_file():
            target = root / source.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    edits = json.loads((case / "edits.json").read_text()) if (case / "edits.json").is_file() else {}
    for rel in edits.get("delete", []):
        (root / rel).unlink()
    for rel, old, new in edits.get("replace", []):
        path = root / rel
        text = path.read_text()
        assert old in text, (case.name, rel, old)
        path.write_text(text.replace(old, new, 1))
    for rel, extra in edits.get("append", []):
        path = root / rel
        path.write_text(path.read_text() + extra)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_corpus_case(tmp_path: Path, name: str) -> None:
    case = CORPUS / name
    root = base_project(tmp_path / "project")
    first = build(root, today=dt.date(2026, 11, 23))
    assert first.output is not None
    before = {p: p.read_bytes() for p in sorted(first.output.rglob("*")) if p.is_file()}

    apply_case(root, case)
    result = CliRunner().invoke(main, ["--project", str(root), "check"])
    output = result.output
    assert "Traceback" not in output and "internal error" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    expected_file = case / "expected.txt"
    if os.environ.get("CXSITE_UPDATE_CORPUS") == "1":
        expected_file.write_text(output)
    expected = expected_file.read_text().splitlines()
    assert output.splitlines() == expected
    exit_code = int((case / "exit_code").read_text()) if (case / "exit_code").is_file() else 1
    assert result.exit_code == exit_code
    assert any(line.split(":")[0] and ":" in line for line in expected[:-1])  # located

    failed = build(root, today=dt.date(2026, 11, 23))
    assert failed.output is None
    after = {p: p.read_bytes() for p in sorted(first.output.rglob("*")) if p.is_file()}
    assert after == before  # the previous site, untouched
