"""The example organisation checks clean, and planted mistakes in a copy are all located."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import REPO

from cxsite.build import load_project
from cxsite.cli import main


def test_example_checks_clean_with_no_warnings() -> None:
    project, diagnostics = load_project(REPO)
    assert [item.format() for item in diagnostics.items] == []
    assert project is not None
    assert len(project.departments) >= 6
    assert len(project.personas) >= 4
    assert len({p.personality for p in project.personas.values()}) >= 4
    assert len(project.journeys) >= 4
    assert len(project.touchpoints) >= 30
    assert len(project.playbooks) >= 8
    modes = {t.mode for t in project.touchpoints.values()}
    phases = {s.phase for j in project.journeys.values() for s in j.stages}
    assert modes == {"online", "offline"} and phases == {"pre-sale", "post-sale"}


def test_example_measurements_are_small_and_span_18_months() -> None:
    files = sorted((REPO / "data" / "measurements").glob("*.csv"))
    assert sum(f.stat().st_size for f in files) < 5 * 1024 * 1024
    survey = (REPO / "data" / "measurements" / "survey.csv").read_text().splitlines()
    header = survey[0].split(",")
    periods = {line.split(",")[header.index("period")] for line in survey[1:]}
    assert len(periods) >= 18


def plant(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new))


def find(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the n-th `needle`, by plain text search."""
    text = path.read_text()
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def pure_python_yaml_error_start(path: Path) -> tuple[int, int]:
    """Where PyYAML's pure-Python parser (a second method) says the failing part started."""
    try:
        yaml.load(path.read_text(), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        assert exc.context_mark is not None
        return exc.context_mark.line + 1, exc.context_mark.column + 1
    raise AssertionError("no syntax error planted")


def test_planted_mistakes_are_all_reported_with_file_line_col(example_copy: Path) -> None:
    data = example_copy / "data"
    expected: list[str] = []

    app_login = data / "touchpoints" / "app-login.yaml"
    plant(app_login, "owner: it\n", "owner: itt\n")
    line, col = find(app_login, "itt")
    expected.append(
        f"data/touchpoints/app-login.yaml:{line}:{col}: error: unknown department `itt`"
    )

    departments = data / "departments.yaml"
    departments.write_text(departments.read_text() + "- id: billing\n  name: Billing (copy)\n")
    line, col = find(departments, "id: billing", 2)
    first_line, first_col = find(departments, "id: billing", 1)
    expected.append(
        f"data/departments.yaml:{line}:{col + 4}: error: duplicate department id `billing` "
        f"(first defined at data/departments.yaml:{first_line}:{first_col + 4})"
    )

    student = data / "personas" / "student.yaml"
    plant(student, "  value: 80", "  valeu: 80")
    line, col = find(student, "valeu")
    expected.append(
        f"data/personas/student.yaml:{line}:{col}: error: unknown dimension `valeu`; "
        "did you mean `value`?"
    )

    roaming = data / "touchpoints" / "roaming.yaml"
    roaming.write_text(roaming.read_text() + "extra: [unclosed, list\n")
    line, col = pure_python_yaml_error_start(roaming)  # the unclosed `[`, not the end
    assert (line, col) == find(roaming, "[unclosed")
    expected.append(
        f"data/touchpoints/roaming.yaml:{line}:{col}: error: the `[` that starts this list is "
        "never closed with `]`"
    )

    playbook = example_copy / "content" / "playbooks" / "phone-wait-times.md"
    plant(playbook, "trigger: {status: red}", "trigger: {status: red, below: 50}")
    line, col = find(playbook, "{status: red, below: 50}")
    expected.append(
        f"content/playbooks/phone-wait-times.md:{line}:{col}: error: `trigger`: a trigger needs "
        "exactly one of"
    )

    chat = data / "touchpoints" / "support-chat.yaml"
    chat.write_text(chat.read_text() + "importance: 2\n")
    line, col = find(chat, "importance", 2)
    first_line, first_col = find(chat, "importance", 1)
    expected.append(
        f"data/touchpoints/support-chat.yaml:{line}:{col}: error: duplicate key `importance` "
        f"(first defined at line {first_line}, column {first_col})"
    )

    store = data / "touchpoints" / "store-visit.yaml"
    store.write_text(store.read_text() + "descripton: Visiting a shop.\n")
    line, col = find(store, "descripton")
    expected.append(
        f"data/touchpoints/store-visit.yaml:{line}:{col}: error: unknown field `descripton`; "
        "did you mean `description`?"
    )

    result = CliRunner().invoke(main, ["--project", str(example_copy), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    for message in expected:
        assert any(line.startswith(message) for line in lines), (message, lines)
    assert lines[-1] == f"{len(expected)} errors, 0 warnings"
