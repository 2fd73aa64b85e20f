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
