"""Every command through click's CliRunner, and once each as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ProjectFactory

from cxsite import __version__
from cxsite.cli import main
from cxsite.write import MARKER


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ("build", "check", "schema"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Usage:" in out and command in out


def test_check_clean_project_exits_0(make_project: ProjectFactory) -> None:
    root = make_project()
    code, out, _ = run("--project", str(root), "check")
    assert code == 0
    assert "no problems found" in out


def test_check_reports_every_problem_and_exits_1(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(
        path.read_text().replace("owner: customer-service", "owner: custmer-service")
        + "colour: red\n"
    )
    code, out, _ = run("--project", str(root), "check")
    assert code == 1
    lines = out.splitlines()
    assert (
        "data/touchpoints/app-login.yaml:5:8: error: unknown department `custmer-service`; "
        "did you mean `customer-service`?" in lines
    )
    assert any(
        line.startswith("data/touchpoints/app-login.yaml:6:1: error: unknown field `colour`")
        for line in lines
    )
    assert lines[-1] == "2 errors, 0 warnings"
    assert "Traceback" not in out


def test_check_json_format(make_project: ProjectFactory) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    code, out, _ = run("--project", str(root), "check", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["errors"] == 1
    item = payload["diagnostics"][0]
    assert (item["path"], item["line"], item["col"], item["severity"]) == (
        "data/touchpoints/app-login.yaml",
        6,
        1,
        "error",
    )


def test_check_strict_fails_on_warnings(make_project: ProjectFactory) -> None:
    root = make_project()
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    playbook.write_text(playbook.read_text().replace("2099-01-31", "2001-01-31"))
    assert run("--project", str(root), "check")[0] == 0
    assert run("--project", str(root), "check", "--strict")[0] == 1


def test_config_error_exits_2(make_project: ProjectFactory) -> None:
    root = make_project()
    (root / "cxsite.yaml").write_text("title: x\nthem: dark\n")
    code, out, _ = run("--project", str(root), "check")
    assert code == 2
    assert "cxsite.yaml:2:1: error: unknown field `them`; did you mean `theme`?" in out


def test_not_a_project_exits_2(tmp_path: Path) -> None:
    code, out, _ = run("--project", str(tmp_path), "check")
    assert code == 2
    assert "no cxsite.yaml" in out


def test_check_finds_the_project_from_a_sub_folder(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("folder")
    path = root / "data" / "touchpoints" / "app-login.yaml"
    path.write_text(path.read_text().replace("owner: customer-service", "owner: custmer-service"))
    monkeypatch.chdir(root / "content" / "playbooks")
    code, out, _ = run("check")
    assert code == 1
    assert out.splitlines()[0] == (
        "data/touchpoints/app-login.yaml:5:8: error: unknown department `custmer-service`; "
        "did you mean `customer-service`?"
    )


def test_project_option_wins_over_the_current_folder(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = make_project(name="broken")
    (broken / "data" / "departments.yaml").write_text("- id: [broken\n")
    clean = make_project(name="clean")
    monkeypatch.chdir(broken / "content")
    assert run("check")[0] == 1
    code, out, _ = run("--project", str(clean), "check")
    assert (code, out) == (0, "no problems found\n")


def test_outside_any_project_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check")
    assert code == 2
    assert out.startswith(f"cxsite.yaml: error: no cxsite.yaml in {tmp_path.resolve()}; ")


def test_missing_project_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("--project", str(tmp_path / "nope"), "check")
    assert code == 2
    assert "does not exist" in err


def test_build_writes_into_the_project_output(
    make_project: ProjectFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run("--project", str(root), "build")
    assert code == 0, out
    index = (root / "output" / "index.html").read_text()
    assert "<title>Test Telecom</title>" in index
    playbooks = (root / "output" / "playbooks" / "index.html").read_text()
    assert "Billing trust recovery" in playbooks
    assert "Support call" in (root / "output" / "touchpoints" / "support-call.html").read_text()
    assert (root / "output" / MARKER).is_file()
    assert (root / "output" / "assets" / "cxsite.css").is_file()
    assert list(elsewhere.iterdir()) == []


def test_build_failure_keeps_previous_output(make_project: ProjectFactory) -> None:
    root = make_project()
    assert run("--project", str(root), "build")[0] == 0
    before = (root / "output" / "index.html").read_bytes()
    (root / "data" / "departments.yaml").write_text("- id: [broken\n")
    code, _, err = run("--project", str(root), "build")
    assert code == 1
    assert "data/departments.yaml:1:7: error: the `[` that starts this list is never closed" in err
    assert "previous site was left as it was" in err
    assert (root / "output" / "index.html").read_bytes() == before


def _output_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "output").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_theme_failing_while_rendering_is_located_not_internal(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    import cxsite.workers

    monkeypatch.setenv("CXSITE_WORKERS", workers)
    monkeypatch.setattr(cxsite.workers, "MIN_PARALLEL_JOBS", 1)  # workers even for a few pages
    monkeypatch.setattr(cxsite.workers, "PROBE_SECONDS", 0.0)
    monkeypatch.setattr(cxsite.workers, "MIN_PARALLEL_SECONDS", 0.0)
    monkeypatch.delenv("CXSITE_DEBUG", raising=False)
    root = make_project()
    assert run("--project", str(root), "build")[0] == 0
    before = _output_files(root)
    templates = root / "themes" / "brand" / "templates"
    templates.mkdir(parents=True)
    # Compiles (check finds nothing); the filter is looked up only when the line runs.
    (templates / "playbook.html").write_text(
        '{% extends "default:playbook.html" %}\n'
        "{% block content %}\n"
        "{% if meta %}{{ meta.title | uppercase }}{% endif %}\n"
        "{% endblock %}\n"
    )
    (root / "cxsite.yaml").write_text((root / "cxsite.yaml").read_text() + "theme: brand\n")
    assert run("--project", str(root), "check")[0] == 0
    code, _, err = run("--project", str(root), "build")
    assert code == 1
    assert (
        "themes/brand/templates/playbook.html:3:1: error: unknown filter `uppercase` "
        "(while rendering playbooks/billing-trust.html); did you mean `upper`?"
    ) in err.splitlines()
    assert "internal error" not in err and "Traceback" not in err
    assert "previous site was left as it was" in err
    assert _output_files(root) == before


def test_theme_check_follows_includes_and_skips_what_may_be_missing(
    make_project: ProjectFactory,
) -> None:
    root = make_project()
    templates = root / "themes" / "brand" / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "base.html").write_text(
        '{% extends "default:base.html" %}\n'
        '{% include "optional.html" ignore missing %}\n'  # allowed to be missing
        "{% include page_template %}\n"  # named at render time: cannot be checked
        '{% from "partials/menu.inc" import menu %}\n'  # the theme's own: checked too
    )
    (templates / "partials" / "menu.inc").write_text("{% macro menu() %}\n{% for %}\n")
    (root / "cxsite.yaml").write_text((root / "cxsite.yaml").read_text() + "theme: brand\n")
    code, out, _ = run("--project", str(root), "check")
    assert code == 1
    assert out.splitlines() == [
        "themes/brand/templates/partials/menu.inc:2:1: error: template syntax error: "
        "Expected an expression, got 'end of statement block'; "
        "see https://jinja.palletsprojects.com/en/stable/templates/",
        "1 error, 0 warnings",
    ]


def test_an_undefined_name_in_a_theme_suggests_the_page_s_own(
    make_project: ProjectFactory,
) -> None:
    root = make_project()
    templates = root / "themes" / "brand" / "templates"
    templates.mkdir(parents=True)
    (templates / "base.html").write_text(
        '{% extends "default:base.html" %}\n{% block header %}\n{{ site_titel }}\n{% endblock %}\n'
    )
    (root / "cxsite.yaml").write_text((root / "cxsite.yaml").read_text() + "theme: brand\n")
    code, _, err = run("--project", str(root), "build")
    assert code == 1
    assert "themes/brand/templates/base.html:3:1: error: `site_titel` is undefined (while " in err
    assert "did you mean `site_title`?" in err
    assert not (root / "output").exists()


def test_build_output_option_and_escaping(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    config = root / "cxsite.yaml"
    config.write_text(config.read_text().replace("Test Telecom", "<script>alert(1)</script>"))
    target = tmp_path / "site"
    code, out, _ = run("--project", str(root), "build", "--output", str(target))
    assert code == 0, out
    index = (target / "index.html").read_text()
    assert "<script>alert(1)</script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_build_refuses_a_foreign_folder(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    code, _, err = run("--project", str(root), "build", "--output", str(foreign))
    assert code == 2
    assert "not written by cxsite" in err
    assert (foreign / "thesis.docx").read_text() == "precious"


def test_build_twice_is_byte_identical(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    run("--project", str(root), "build", "--output", str(tmp_path / "a"))
    run("--project", str(root), "build", "--output", str(tmp_path / "b"))
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_schema_writes_every_kind(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    code, out, _ = run("--project", str(root), "schema", "--out", str(tmp_path / "schemas"))
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == [
        "cxsite.schema.json",
        "department.schema.json",
        "journey.schema.json",
        "persona.schema.json",
        "playbook.schema.json",
        "touchpoint.schema.json",
    ]
    assert len(out.splitlines()) == 6


def test_schema_default_folder(make_project: ProjectFactory) -> None:
    root = make_project()
    assert run("--project", str(root), "schema")[0] == 0
    assert (root / "output" / "schema" / "touchpoint.schema.json").is_file()


def subprocess_cxsite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxsite", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_subprocess_check(make_project: ProjectFactory) -> None:
    root = make_project()
    path = root / "data" / "journeys.yaml"
    path.write_text(path.read_text().replace("- sole-trader", "- sole-trade"))
    result = subprocess_cxsite("check", cwd=root)
    assert result.returncode == 1
    assert "unknown persona `sole-trade`; did you mean `sole-trader`?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_subprocess_check_from_a_sub_folder(make_project: ProjectFactory) -> None:
    root = make_project()
    path = root / "data" / "journeys.yaml"
    path.write_text(path.read_text().replace("- sole-trader", "- sole-trade"))
    result = subprocess_cxsite("check", cwd=root / "content" / "playbooks")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("data/journeys.yaml:")  # relative to the project root
    assert "unknown persona `sole-trade`; did you mean `sole-trader`?" in result.stdout


def test_subprocess_build(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project()
    result = subprocess_cxsite("--project", str(root), "build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (root / "output" / "index.html").is_file()


def test_subprocess_schema(make_project: ProjectFactory) -> None:
    root = make_project()
    result = subprocess_cxsite("schema", cwd=root)
    assert result.returncode == 0, result.stderr
    schema = json.loads((root / "output" / "schema" / "cxsite.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_subprocess_version(tmp_path: Path) -> None:
    result = subprocess_cxsite("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"cxsite, version {__version__}"


def test_an_internal_error_is_one_line_not_a_traceback(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxsite.build

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cxsite.build, "build", broken)
    monkeypatch.delenv("CXSITE_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["--project", str(make_project()), "build"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_base_url_option_is_checked(make_project: ProjectFactory) -> None:
    root = make_project()
    code, _, err = run("--project", str(root), "build", "--base-url", "not a url")
    assert code == 2
    assert "--base-url must be an http(s) URL" in err
    assert run("--project", str(root), "build", "--base-url", "https://intranet/cx/")[0] == 0


def _project_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the project, cache and output included, with its modification time."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


BROKEN = {
    "config": ("cxsite.yaml", "title: [unclosed\n"),
    "content": ("content/playbooks/billing-trust.md", "---\ntitle: [unclosed\n---\nBody.\n"),
    "data": ("data/departments.yaml", "- id: [broken\n"),
}


@pytest.mark.parametrize(
    "refusal",
    ["--output .", "--output data", "--clean --output .", "--base-url nowhere",
     "config", "content", "data"],
)  # fmt: skip
@pytest.mark.parametrize("cached", [True, False])
def test_a_refused_or_failed_build_changes_nothing_in_the_project(
    make_project: ProjectFactory, refusal: str, cached: bool
) -> None:
    root = make_project()
    if cached:
        assert run("--project", str(root), "build")[0] == 0
    options = refusal.split() if refusal.startswith("--") else []
    if refusal in BROKEN:
        name, text = BROKEN[refusal]
        (root / name).write_text(text)
    before = _project_files(root)
    code, _, err = run("--project", str(root), "build", *options)
    assert code in (1, 2), err
    assert _project_files(root) == before
    if not cached:
        assert not (root / ".cxsite-cache").exists()
