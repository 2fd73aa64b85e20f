"""Every validation rule, on small projects in both file layouts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ProjectFactory, dump

from cxsite.build import load_project
from cxsite.errors import ExitCode, LocatedError
from cxsite.model import Project

TODAY = dt.date(2026, 11, 23)


def problems(root: Path) -> list[LocatedError]:
    _, diagnostics = load_project(root, TODAY)
    return diagnostics.sorted()


def position_of(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Line and column (1-based) of the n-th occurrence of `needle`, found by plain text search."""
    text = path.read_text()
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def only(root: Path, severity: str = "error") -> LocatedError:
    found = [p for p in problems(root) if p.severity == severity]
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


@pytest.mark.parametrize("layout", ["list", "folder"])
def test_valid_project_loads_in_both_layouts(make_project: ProjectFactory, layout: str) -> None:
    root = make_project(layout)
    project, diagnostics = load_project(root, TODAY)
    assert diagnostics.items == []
    assert isinstance(project, Project)
    assert list(project.touchpoints) == ["app-login", "bill-statement", "support-call"] or list(
        project.touchpoints
    ) == ["bill-statement", "support-call", "app-login"]
    assert project.journeys["pay-a-bill"].stages[1].touchpoints == ("support-call", "app-login")
    assert project.playbooks["billing-trust"].meta.trigger.below == 60
    assert project.pages["about"].title == "About"
    assert list(project.dimensions) == ["trust", "value", "response_time", "service", "quality"]


def test_both_layouts_give_equal_items(make_project: ProjectFactory) -> None:
    listed, _ = load_project(make_project("list", "a"), TODAY)
    folders, _ = load_project(make_project("folder", "b"), TODAY)
    assert listed is not None and folders is not None
    assert dict(listed.touchpoints) == dict(folders.touchpoints)
    assert dict(listed.personas) == dict(folders.personas)


def test_model_is_frozen(make_project: ProjectFactory) -> None:
    project, _ = load_project(make_project(), TODAY)
    assert project is not None
    with pytest.raises(ValueError, match="frozen"):
        project.touchpoints["app-login"].importance = 1  # type: ignore[misc]


def test_mixing_layouts_for_one_kind_is_an_error(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    (root / "data" / "departments.yaml").write_text(dump([{"id": "x", "name": "X"}]))
    error = only(root)
    assert error.path == "data/departments.yaml"
    assert "both" in error.message


def test_unknown_field_suggests_the_closest(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text() + "importnce: 4\n")
    error = only(root)
    assert (error.line, error.col) == position_of(path, "importnce")
    assert error.message == "unknown field `importnce`"
    assert error.hint == "did you mean `importance`?"


def test_wrong_type_is_located_at_the_value(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text() + "importance: very\n")
    error = only(root)
    assert (error.line, error.col) == position_of(path, "very")
    assert "importance" in error.message and "integer" in error.message


def test_out_of_range_and_bad_choice(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text().replace("channel: app", "channel: ap") + "importance: 9\n")
    found = [p for p in problems(root) if p.severity == "error"]
    assert [(p.line, p.col) for p in found] == sorted(
        [position_of(path, "ap\n"), position_of(path, "9")]
    )
    channel = next(p for p in found if "channel" in p.message)
    assert channel.hint == "did you mean `app`?"


def test_invalid_id_suggests_a_slug(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "departments" / "billing.yaml"
    path.write_text(path.read_text().replace("id: billing", "id: Billing Team"))
    errors = [p for p in problems(root) if p.path == "data/departments/billing.yaml"]
    assert (
        errors[0].message
        == "`Billing Team` is not a valid id: use lowercase letters, digits and hyphens"
    )
    assert errors[0].hint == "for example `billing-team`"


def test_missing_required_field(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text().replace("owner: customer-service\n", ""))
    error = only(root)
    assert error.message == "missing required field `owner`"
    assert error.line == 1


def test_duplicate_id_in_one_file_names_the_first(make_project: ProjectFactory) -> None:
    root = make_project("list")
    path = root / "data" / "departments.yaml"
    path.write_text(path.read_text() + dump([{"id": "billing", "name": "Billing again"}]))
    error = only(root)
    assert (error.line, error.col) == position_of(path, "billing", 2)
    first_line, first_col = position_of(path, "billing", 1)
    assert error.message == (
        f"duplicate department id `billing` (first defined at "
        f"data/departments.yaml:{first_line}:{first_col})"
    )


def test_duplicate_id_across_files(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    copy = root / "data" / "touchpoints" / "zz-copy.yaml"
    copy.write_text((root / "data" / "touchpoints" / "app-login.yaml").read_text())
    error = only(root)
    assert error.path == "data/touchpoints/zz-copy.yaml"
    assert "first defined at data/touchpoints/app-login.yaml:1:5" in error.message


@pytest.mark.parametrize(
    ("file", "old", "new", "message", "hint"),
    [
        (
            "touchpoints/app-login.yaml",
            "owner: customer-service",
            "owner: customer-servce",
            "unknown department `customer-servce`",
            "did you mean `customer-service`?",
        ),
        (
            "touchpoints/support-call.yaml",
            "- billing",
            "- biling",
            "unknown department `biling`",
            "did you mean `billing`?",
        ),
        (
            "journeys/pay-a-bill.yaml",
            "- sole-trader",
            "- sole-trade",
            "unknown persona `sole-trade`",
            "did you mean `sole-trader`?",
        ),
        (
            "journeys/pay-a-bill.yaml",
            "- app-login",
            "- app-logon",
            "unknown touchpoint `app-logon`",
            "did you mean `app-login`?",
        ),
        (
            "touchpoints/support-call.yaml",
            "response_time: 2",
            "respons_time: 2",
            "unknown dimension `respons_time`",
            "did you mean `response_time`?",
        ),
        (
            "personas/busy-parent.yaml",
            "trust: 80",
            "trusst: 80",
            "unknown dimension `trusst`",
            "did you mean `trust`?",
        ),
    ],
)
def test_unknown_references_suggest_the_closest_id(
    make_project: ProjectFactory, file: str, old: str, new: str, message: str, hint: str
) -> None:
    root = make_project("folder")
    path = root / "data" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    error = only(root)
    assert error.path == f"data/{file}"
    bad = message.split("`")[1]
    assert (error.line, error.col) == position_of(path, bad)
    assert (error.message, error.hint) == (message, hint)


def test_touchpoint_in_no_journey_is_a_warning(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "journeys" / "pay-a-bill.yaml"
    path.write_text(path.read_text().replace("  - app-login\n", ""))
    warning = only(root, "warning")
    assert warning.path == "data/touchpoints/app-login.yaml"
    assert "in no journey" in warning.message
    _, diagnostics = load_project(root, TODAY)
    assert diagnostics.exit_code() == ExitCode.OK
    assert diagnostics.exit_code(strict=True) == ExitCode.CONTENT_ERROR


def test_persona_shares_over_one(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "personas" / "sole-trader.yaml"
    path.write_text(path.read_text().replace("share: 0.3", "share: 0.5"))
    error = only(root)
    assert error.path == "data/personas/sole-trader.yaml"
    assert (error.line, error.col) == position_of(path, "0.5")
    assert "add up to 1.1" in error.message


def playbook_with(root: Path, old: str, new: str) -> Path:
    path = root / "content" / "playbooks" / "billing-trust.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "touchpoints: [bill-statement]",
            "touchpoints: [bill-statment]",
            "unknown touchpoint `bill-statment`",
        ),
        ("owner: billing", "owner: billng", "unknown department `billng`"),
        (
            "departments: [billing, customer-service]",
            "departments: [billing, custmer-service]",
            "unknown department `custmer-service`",
        ),
        ("dimensions: [trust]", "dimensions: [trsut]", "unknown dimension `trsut`"),
    ],
)
def test_playbook_references(
    make_project: ProjectFactory, old: str, new: str, message: str
) -> None:
    root = make_project()
    path = playbook_with(root, old, new)
    error = only(root)
    assert error.path == "content/playbooks/billing-trust.md"
    bad = message.split("`")[1]
    assert (error.line, error.col) == position_of(path, bad)
    assert error.message == message
    assert error.hint.startswith("did you mean")


@pytest.mark.parametrize(
    "trigger",
    ["{below: 60, status: red}", "{}", "{below: 120}", "{status: green}", "{abov: 50}", "red"],
)
def test_malformed_trigger(make_project: ProjectFactory, trigger: str) -> None:
    root = make_project()
    path = playbook_with(root, "trigger: {below: 60}", f"trigger: {trigger}")
    found = [p for p in problems(root) if p.severity == "error"]
    assert found, trigger
    line, _ = position_of(path, "trigger:")
    assert all(p.line == line for p in found)
    assert all(p.path == "content/playbooks/billing-trust.md" for p in found)


def test_review_date_in_the_past_is_a_warning(make_project: ProjectFactory) -> None:
    root = make_project()
    path = playbook_with(root, "review_by: 2099-01-31", "review_by: 2026-01-31")
    warning = only(root, "warning")
    assert (warning.line, warning.col) == position_of(path, "2026-01-31")
    assert warning.message == "review date 2026-01-31 has passed"


def test_front_matter_never_closed(make_project: ProjectFactory) -> None:
    root = make_project()
    path = root / "content" / "playbooks" / "billing-trust.md"
    path.write_text(path.read_text().replace("---\n# When", "# When"))
    error = only(root)
    assert (error.path, error.line, error.col) == ("content/playbooks/billing-trust.md", 1, 1)
    assert "never closed" in error.message


def test_front_matter_yaml_error_has_the_file_line(make_project: ProjectFactory) -> None:
    root = make_project()
    path = playbook_with(root, "status: active", "status: [active")
    error = only(root)
    assert error.path == "content/playbooks/billing-trust.md"
    assert (error.line, error.col) == position_of(path, "[active")  # where the list opens
    assert error.message == "the `[` that starts this list is never closed with `]`"


def test_playbook_without_front_matter(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "content" / "playbooks" / "empty.md").write_text("# Nothing here\n")
    error = only(root)
    assert error.path == "content/playbooks/empty.md"
    assert "needs front matter" in error.message


def test_duplicate_key_in_data(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text() + "name: Again\n")
    error = only(root)
    assert (error.line, error.col) == position_of(path, "name: Again")
    assert error.message.startswith("duplicate key `name` (first defined at line")


def test_empty_and_undecodable_files(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    (root / "data" / "departments" / "empty.yaml").write_text("")
    (root / "data" / "personas" / "latin1.yaml").write_bytes(
        "id: caf\xe9\nname: Café\n".encode("latin-1")
    )
    found = {p.path: p for p in problems(root) if p.severity == "error"}
    assert found["data/departments/empty.yaml"].message == "file is empty"
    latin = found["data/personas/latin1.yaml"]
    assert (latin.line, latin.col) == (1, 8)
    assert "not UTF-8 text (byte 0xe9)" in latin.message


def test_bom_is_accepted(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "departments" / "billing.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems(root) == []


def test_all_problems_are_reported_at_once(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    tp = root / "data" / "touchpoints"
    (tp / "app-login.yaml").write_text((tp / "app-login.yaml").read_text() + "colour: red\n")
    (tp / "support-call.yaml").write_text(
        (tp / "support-call.yaml").read_text().replace("owner: customer-service", "owner: nobody")
    )
    playbook_with(root, "trigger: {below: 60}", "trigger: {}")
    (root / "data" / "personas" / "bad.yaml").write_text("id: [\n")
    files = {p.path for p in problems(root) if p.severity == "error"}
    assert files == {
        "data/touchpoints/app-login.yaml",
        "data/touchpoints/support-call.yaml",
        "content/playbooks/billing-trust.md",
        "data/personas/bad.yaml",
    }


def test_custom_dimensions_are_checked(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    config = root / "cxsite.yaml"
    config.write_text(
        config.read_text()
        + "dimensions:\n"
        + "".join(
            f"  - {{id: {d}, name: {d.title()}}}\n"
            for d in ["trust", "value", "response_time", "effort"]
        )
    )
    project, diagnostics = load_project(root, TODAY)
    errors = diagnostics.errors
    # `service` is no longer declared... but the fixture uses only trust, value, response_time.
    assert errors == []
    assert project is not None and list(project.dimensions)[-1] == "effort"
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text() + "weights: {quality: 2, effort: 3}\n")
    error = only(root)
    assert error.message == "unknown dimension `quality`"


def test_reserved_and_duplicate_dimensions(make_project: ProjectFactory) -> None:
    root = make_project()
    config = root / "cxsite.yaml"
    config.write_text(
        config.read_text()
        + "dimensions: [{id: all, name: All}, {id: x, name: X}, {id: x, name: Y}]\n"
    )
    messages = {p.message for p in problems(root)}
    assert "`all` is reserved for the overall score" in messages
    assert "duplicate dimension id `x`" in messages


def test_config_errors_exit_2(make_project: ProjectFactory) -> None:
    root = make_project()
    config = root / "cxsite.yaml"
    config.write_text(config.read_text() + "titel: oops\n")
    _, diagnostics = load_project(root, TODAY)
    assert diagnostics.exit_code() == ExitCode.USAGE_ERROR
    assert diagnostics.errors[0].hint == "did you mean `title`?"


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    _, diagnostics = load_project(tmp_path, TODAY)
    assert diagnostics.exit_code() == ExitCode.USAGE_ERROR
    assert "no cxsite.yaml" in diagnostics.errors[0].message


def test_broken_config_still_checks_the_data(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    (root / "cxsite.yaml").write_text("title: [broken\n")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text().replace("owner: customer-service", "owner: nobody"))
    files = {p.path for p in problems(root)}
    assert files == {"cxsite.yaml", "data/touchpoints/app-login.yaml"}


def test_unknown_data_kind_is_a_warning(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "data" / "touchpoint.yaml").write_text("[]\n")
    warning = only(root, "warning")
    assert warning.hint == "did you mean `touchpoints`?"


def test_stage_problems(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "journeys" / "pay-a-bill.yaml"
    text = path.read_text().replace("  - app-login\n", "  - app-login\n  - app-login\n")
    text = text.replace("id: query", "id: receive")
    path.write_text(text)
    messages = [p.message for p in problems(root)]
    assert "duplicate stage id `receive` in journey `pay-a-bill`" in messages
    assert "touchpoint `app-login` is listed twice in stage `receive`" in messages


def test_targets_and_score_ranges(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(
        path.read_text() + "targets: {trust: {target: 140}}\nexpectations: {all: 101}\n"
    )
    messages = " | ".join(p.message for p in problems(root))
    assert "a score target must be between 0 and 100" in messages
    assert "less than or equal to 100" in messages


def test_nan_and_infinity_are_refused(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "personas" / "sole-trader.yaml"
    path.write_text(path.read_text().replace("share: 0.3", "share: .nan"))
    error = only(root)
    assert "finite" in error.message


def test_symlinks_leading_outside_the_project_are_refused(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project("folder")
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\nname: Secret\n")
    (root / "data" / "departments" / "link.yaml").symlink_to(secret)
    error = only(root)
    assert (error.path, error.message) == (
        "data/departments/link.yaml",
        "links outside the project; refusing to read it",
    )


def test_a_scalar_where_a_mapping_belongs_says_so(make_project: ProjectFactory) -> None:
    root = make_project()
    playbook_with(root, "trigger: {below: 60}", "trigger: below 60")
    error = only(root)
    assert error.message == (
        "`trigger`: expected fields (`name: value`, or `{name: value}`), found str"
    )
