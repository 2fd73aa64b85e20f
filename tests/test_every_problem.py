"""Issue 14's acceptance test: one mistake of each kind in one project, and one `cxsite check`
reports every one of them, located, in the writer's words."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import ProjectFactory

from cxsite.cli import main

# The whole output of `cxsite check`, line for line (copied into docs/writing.md).
EXPECTED = Path(__file__).parent / "every_problem_expected.txt"

BROKEN_PERSONA = """\
id: busy-parent
name: Busy Parent
  segment: Consumer
"""
THEME_BASE = """\
{% extends "default:base.html" %}
{% block header %}{% if site_title %}<b>{{ site_title }}</b>{% endblock %}
"""
CSV = """\
touchpoint,dimension,period,value
support-call,service,2025-11,4
support-call,service,2025-11,4,5
support-call,service,2025-11,four
suport-call,service,2025-11,3
support-call,service,2025-13,3
support-call,service,2025-11,5
"""


def plant_one_mistake_of_each_kind(root: Path) -> None:
    data = root / "data"
    (data / "personas" / "busy-parent.yaml").write_text(BROKEN_PERSONA)  # YAML syntax
    login = data / "touchpoints" / "app-login.yaml"
    login.write_text(login.read_text().replace("owner: customer-service", "owner: custmer-service"))
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    text = playbook.read_text().replace("review_by: 2099-01-31", "review_by: 31/12/2027")
    playbook.write_text(text + '\nNow: {{< score touchpoint="bil-statement" >}}\n')
    templates = root / "themes" / "brand" / "templates"
    templates.mkdir(parents=True)
    (templates / "base.html").write_text(THEME_BASE)
    (data / "measurements").mkdir()
    (data / "measurements" / "r.csv").write_text(CSV)
    (root / "cxsite.yaml").write_text(
        "title: T\ntheme: brand\nmeasurements:\n"
        "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"
    )


def test_one_check_reports_a_mistake_of_every_kind(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    plant_one_mistake_of_each_kind(root)
    result = CliRunner().invoke(main, ["--project", str(root), "check"])
    out = result.stdout
    assert result.exit_code == 1, out
    assert "Traceback" not in out and "internal error" not in out
    assert out.splitlines() == EXPECTED.read_text().splitlines()
