"""One `cxsite check` reports every problem: a broken file hides only the follow-on errors it
truly causes, and the measurement files are checked against the definitions that are valid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from conftest import write_project

from cxsite.build import check
from cxsite.cli import main

TODAY = dt.date(2026, 11, 23)
CONFIG = """\
title: One run
measurements:
  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}
"""


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def project_with_five_mistakes(root: Path) -> Path:
    """A YAML syntax error, an unknown department, a bad date, a directive naming an unknown
    touchpoint and a CSV with a bad cell, each in its own file."""
    write_project(root, "folder")
    (root / "cxsite.yaml").write_text(CONFIG)
    (root / "data" / "measurements").mkdir()
    (root / "data" / "measurements" / "r.csv").write_text(
        "touchpoint,dimension,period,value\n"
        "bill-statement,trust,2025-01,3\n"
        "app-login,trust,2025-01,4\n"  # the touchpoint whose file does not parse: not unknown
        "bill-statement,trust,2025-01,good\n"
    )
    (root / "data" / "touchpoints" / "app-login.yaml").write_text(
        'id: app-login\nname: "App login\nchannel: app\nmode: online\nowner: customer-service\n'
    )
    touchpoint = root / "data" / "touchpoints" / "support-call.yaml"
    replace_in(touchpoint, "owner: customer-service", "owner: customer-servise")
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    replace_in(playbook, "review_by: 2099-01-31", "review_by: 31/12/2027")
    about = root / "content" / "about.md"
    about.write_text(
        about.read_text()
        + '\nLogin {{< score touchpoint="app-login" >}}, bills '
        + '{{< score touchpoint="bill-statment" >}}\n'
    )
    return root


EXPECTED = [
    "content/about.md:5:51: error: unknown touchpoint `bill-statment`; did you mean "
    "`bill-statement`?",
    "content/playbooks/billing-trust.md:9:12: error: `review_by`: `31/12/2027` is not a date; "
    "write dates as YYYY-MM-DD, e.g. 2027-12-31",
    "data/measurements/r.csv:4:4: error: column `value`: `good` is not a number; leave the "
    "cell empty when there is no answer",
    'data/touchpoints/app-login.yaml:2:7: error: the double quote `"` that starts this value is '
    'never closed; end the value with `"` on the same line: `name: "App login"`',
    "data/touchpoints/app-login.yaml:2:7: note: references to touchpoint `app-login` are not "
    "checked until this file parses",
    "data/touchpoints/support-call.yaml:5:8: error: unknown department `customer-servise`; did "
    "you mean `customer-service`?",
    "5 errors, 0 warnings",
]


def test_one_check_reports_every_mistake_with_its_place(tmp_path: Path) -> None:
    root = project_with_five_mistakes(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(root), "check"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == EXPECTED


def test_the_check_function_finds_the_same(tmp_path: Path) -> None:
    root = project_with_five_mistakes(tmp_path / "project")
    diagnostics = check(root, TODAY)
    found = [item.format() for item in diagnostics.sorted()]
    assert found == EXPECTED[:-1]
    assert all(item.line >= 1 and item.col >= 1 for item in diagnostics.items)


def test_a_row_naming_an_unknown_touchpoint_is_still_reported(tmp_path: Path) -> None:
    root = project_with_five_mistakes(tmp_path / "project")
    csv = root / "data" / "measurements" / "r.csv"
    csv.write_text(csv.read_text() + "app-logon,trust,2025-01,4\n")
    found = [item.format() for item in check(root, TODAY).errors]
    assert (
        "data/measurements/r.csv:5:1: error: column `touchpoint`: unknown touchpoint "
        "`app-logon`; did you mean `app-login`?"
    ) in found
    assert not any(line.startswith("data/measurements/r.csv:3:") for line in found)


def test_a_list_file_that_does_not_parse_trusts_only_the_ids_it_names(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", "list")
    (root / "data" / "departments.yaml").write_text(
        "- id: billing\n  name: Billing\n- id: customer-service\n  name: Customer: service\n"
    )
    replace_in(root / "data" / "touchpoints.yaml", "owner: billing", "owner: biling")
    found = [item.format() for item in check(root, TODAY).sorted()]
    assert found == [
        "data/departments.yaml:4:17: error: this value holds `: `, which YAML reads as the "
        'start of another key; put the value in quotes: `name: "Customer: service"`',
        "data/departments.yaml:4:17: note: references to departments `billing`, "
        "`customer-service` are not checked until this file parses",
        "data/touchpoints.yaml:5:10: error: unknown department `biling`; did you mean `billing`?",
    ]


def test_directives_are_checked_when_front_matter_does_not_parse(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", "folder")
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    replace_in(playbook, "owner: billing", "owner:billing")
    playbook.write_text(playbook.read_text() + '\n{{< trend touchpoint="suport-call" >}}\n')
    found = [item.format() for item in check(root, TODAY).errors]
    assert found == [
        "content/playbooks/billing-trust.md:3:6: error: `owner:billing` needs a space after the "
        "`:`; write `owner: billing`",
        "content/playbooks/billing-trust.md:15:1: error: unknown touchpoint `suport-call`; did "
        "you mean `support-call`?",
    ]


def test_a_measurement_source_with_errors_is_skipped_with_a_note(tmp_path: Path) -> None:
    root = project_with_five_mistakes(tmp_path / "project")
    (root / "cxsite.yaml").write_text(CONFIG.replace("kind: rating, scale: [1, 5]", "kind: rating"))
    found = [item.format() for item in check(root, TODAY).sorted()]
    assert "cxsite.yaml:3:5: error: a rating source needs a `scale`, e.g. [1, 5]" in found
    assert (
        "cxsite.yaml:3:5: note: `data/measurements/r.csv` is not checked until this source has "
        "no errors"
    ) in found
    assert not any(line.startswith("data/measurements/") for line in found)


def test_rows_naming_a_touchpoint_whose_file_alone_fails_are_not_unknown(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", "folder")
    (root / "cxsite.yaml").write_text(CONFIG)
    (root / "data" / "measurements").mkdir()
    (root / "data" / "measurements" / "r.csv").write_text(
        "touchpoint,dimension,period,value\napp-login,trust,2025-01,4\napp-logn,trust,2025-01,x\n"
    )
    replace_in(root / "data" / "touchpoints" / "app-login.yaml", "owner: ", "owner:")
    found = [item.format() for item in check(root, TODAY).sorted()]
    assert found == [
        "data/measurements/r.csv:3:1: error: column `touchpoint`: unknown touchpoint "
        "`app-logn`; did you mean `app-login`?",
        "data/measurements/r.csv:3:4: error: column `value`: `x` is not a number; leave the "
        "cell empty when there is no answer",
        "data/touchpoints/app-login.yaml:5:6: error: `owner:customer-service` needs a space "
        "after the `:`; write `owner: customer-service`",
        "data/touchpoints/app-login.yaml:5:6: note: references to touchpoint `app-login` are "
        "not checked until this file parses",
    ]
