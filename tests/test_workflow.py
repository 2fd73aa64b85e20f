"""The writer's and publisher's workflow end to end: init → new → check → build → edit → build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cxsite.cli import main


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_init_new_check_build_edit_build(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    code, out, _ = cli("init", str(root), "--title", "Acme CX")
    assert code == 0 and "created" in out
    assert cli("--project", str(root), "check", "--strict")[0] == 0  # no warnings at all
    code, _, err = cli("--project", str(root), "build", "--strict")
    assert code == 0
    assert (root / "output" / "index.html").is_file()

    code, out, _ = cli(
        "--project",
        str(root),
        "new",
        "playbook",
        "Chat queue overflow",
        "--touchpoint",
        "support-chat",
    )
    assert code == 0
    created = Path(out.strip())
    assert created == root / "content" / "playbooks" / "chat-queue-overflow.md"
    assert cli("--project", str(root), "check")[0] == 0

    code, out, _ = cli(
        "--project",
        str(root),
        "new",
        "touchpoint",
        "Shop visit",
        "--owner",
        "customer-service",
        "--channel",
        "store",
    )
    assert code == 0 and out.strip().endswith("data/touchpoints/shop-visit.yaml")
    code, out, _ = cli("--project", str(root), "check")
    assert code == 0 and "shop-visit` is in no journey" in out  # a warning, not an error
    assert cli("--project", str(root), "build", "--strict")[0] == 1

    code, out, _ = cli(
        "--project", str(root), "new", "persona", "Student Sam", "--personality", "expressive"
    )
    assert code == 0 and out.strip().endswith("data/personas/student-sam.yaml")

    created.write_text(created.read_text().replace("status: draft", "status: active"))
    code, out, err = cli("--project", str(root), "build")
    assert code == 0 and "built" in out
    assert "Chat queue overflow" in (root / "output" / "playbooks" / "index.html").read_text()

    created.unlink()
    assert cli("--project", str(root), "build")[0] == 0
    assert not (root / "output" / "playbooks" / "chat-queue-overflow.html").exists()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    (root / "cxsite.yaml").write_text("title: Mine\n")
    code, _, err = cli("init", str(root))
    assert code == 2 and "use --force" in err
    assert (root / "cxsite.yaml").read_text() == "title: Mine\n"
    assert cli("init", str(root), "--force")[0] == 0
    assert (root / "cxsite.yaml").read_text() != "title: Mine\n"


def test_new_refuses_unknown_ids_and_existing_files(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    code, _, err = cli(
        "--project", str(root), "new", "playbook", "X", "--touchpoint", "suport-call"
    )
    assert code == 2 and "unknown touchpoint `suport-call`; did you mean `support-call`?" in err
    code, _, err = cli(
        "--project", str(root), "new", "playbook", "X", "--touchpoint", "app", "--owner", "digtal"
    )
    assert code == 2 and "did you mean `digital`?" in err
    code, _, err = cli("--project", str(root), "new", "touchpoint", "Y", "--owner", "nobody")
    assert code == 2 and "unknown department `nobody`" in err
    assert cli("--project", str(root), "new", "playbook", "Same", "--touchpoint", "app")[0] == 0
    code, _, err = cli("--project", str(root), "new", "playbook", "Same", "--touchpoint", "app")
    assert code == 2 and "already exists" in err
    code, _, err = cli("--project", str(root), "new", "touchpoint", "Website", "--owner", "digital")
    assert code == 2 and "already exists" in err


def test_new_suggests_the_id_a_word_is_part_of(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    code, out, err = cli("--project", str(root), "new", "playbook", "X", "--touchpoint", "chat")
    assert (code, out) == (2, "")
    assert err == "cxsite new: unknown touchpoint `chat`; did you mean `support-chat`?\n"
    code, _, err = cli("--project", str(root), "new", "touchpoint", "Y", "--owner", "service")
    assert code == 2
    assert err == "cxsite new: unknown department `service`; did you mean `customer-service`?\n"
    assert not (root / "content" / "playbooks" / "x.md").exists()
    assert not (root / "data" / "touchpoints" / "y.yaml").exists()


def test_placeholder_text_left_from_new_is_a_warning_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    cli("--project", str(root), "new", "playbook", "Chat queue overflow", "--touchpoint", "app")
    path = root / "content" / "playbooks" / "chat-queue-overflow.md"
    lines = path.read_text().splitlines()
    why = lines.index("Why this playbook exists, in one paragraph.") + 1
    code, out, _ = cli("--project", str(root), "check")
    assert code == 0
    assert out.splitlines() == [
        f"content/playbooks/chat-queue-overflow.md:{why}:1: warning: placeholder text from "
        "`cxsite new` is still here: `Why this playbook exists, in one paragraph.`; "
        "replace it, and any other placeholder line, with the playbook's own words",
        "0 errors, 1 warning",
    ]
    # The paragraph written, the steps still placeholders: the warning moves to the steps.
    path.write_text(path.read_text().replace(lines[why - 1], "The queue overflows at lunch."))
    code, out, _ = cli("--project", str(root), "check")
    step = lines.index("1. **Owner**: first step, within a day.") + 1
    assert (
        f"chat-queue-overflow.md:{step}:1: warning: placeholder text from `cxsite new` is " in out
    )
    text = path.read_text()
    for placeholder in (
        "1. **Owner**: first step, within a day.",
        "2. **Supporting team**: next step.",
    ):
        text = text.replace(placeholder, "1. **Digital**: add a chat agent.")
    path.write_text(text)
    assert cli("--project", str(root), "check", "--strict")[:2] == (0, "no problems found\n")


def test_a_draft_playbook_shows_a_draft_banner_and_is_labelled_draft(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    cli("--project", str(root), "new", "playbook", "Chat queue overflow", "--touchpoint", "app")
    assert cli("--project", str(root), "build")[0] == 0
    page = (root / "output" / "playbooks" / "chat-queue-overflow.html").read_text()
    assert '<p class="draft-banner" role="note"><strong>Draft</strong>: ' in page
    index = (root / "output" / "playbooks" / "index.html").read_text()
    row = next(line for line in index.splitlines() if "chat-queue-overflow.html" in line)
    assert "<td>draft</td>" in row
    active = (root / "output" / "playbooks" / "slow-support.html").read_text()
    assert "draft-banner" not in active
    path = root / "content" / "playbooks" / "chat-queue-overflow.md"
    path.write_text(path.read_text().replace("status: draft", "status: active"))
    assert cli("--project", str(root), "build")[0] == 0
    page = (root / "output" / "playbooks" / "chat-queue-overflow.html").read_text()
    assert "draft-banner" not in page


def test_new_appends_to_a_list_file(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    before = (root / "data" / "departments.yaml").read_text()
    personas = root / "data" / "personas"
    listed = "".join(
        "- " + p.read_text().replace("\n", "\n  ").rstrip() + "\n"
        for p in sorted(personas.glob("*.yaml"))
    )
    for p in personas.glob("*.yaml"):
        p.unlink()
    personas.rmdir()
    (root / "data" / "personas.yaml").write_text(listed)
    assert cli("--project", str(root), "check")[0] == 0
    code, out, _ = cli("--project", str(root), "new", "persona", "Night Owl")
    assert code == 0 and out.strip().endswith("data/personas.yaml")
    assert "id: night-owl" in (root / "data" / "personas.yaml").read_text()
    assert cli("--project", str(root), "check")[0] == 0
    assert (root / "data" / "departments.yaml").read_text() == before


def test_new_needs_a_valid_project(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    (root / "data" / "journeys.yaml").write_text("- id: [\n")
    code, _, err = cli("--project", str(root), "new", "persona", "Z")
    assert code == 1 and "fix these problems first" in err


def test_check_json_for_editors_and_ci(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    (root / "data" / "touchpoints" / "app.yaml").write_text("id: app\nname: App\n")
    code, out, _ = cli("--project", str(root), "check", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert {d["message"] for d in payload["diagnostics"]} >= {
        "missing required field `channel`",
        "missing required field `mode`",
        "missing required field `owner`",
    }


def test_build_summary_clean_and_quiet(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    cli("init", str(root))
    code, out, _ = cli("--project", str(root), "build", "--clean")
    assert code == 0 and "4 touchpoints" in out and "red score" in out
    assert (root / ".cxsite-cache").is_dir()
    code, out, err = cli("--project", str(root), "build", "--quiet")
    assert code == 0 and out == "" and err == ""
    code, out, _ = cli("--project", str(root), "build", "--verbose")
    assert "  index.html" in out.splitlines()


def test_subprocess_init_new_and_serve_help(tmp_path: Path) -> None:
    root = tmp_path / "cx"
    run = [sys.executable, "-m", "cxsite"]
    assert (
        subprocess.run([*run, "init", str(root)], capture_output=True, timeout=60).returncode == 0
    )
    new = subprocess.run(
        [*run, "new", "playbook", "From a shell", "--touchpoint", "app"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert new.returncode == 0 and new.stdout.strip().endswith("from-a-shell.md")
    serve = subprocess.run([*run, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert serve.returncode == 0 and "--port" in serve.stdout


def test_pre_commit_hook_runs_check_on_project_files() -> None:
    import re

    import yaml
    from conftest import REPO

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cxsite-check" and hook["entry"] == "cxsite check"
    pattern = re.compile(hook["files"])
    assert all(
        pattern.match(p) for p in ["cxsite.yaml", "data/journeys.yaml", "content/playbooks/a.md"]
    )
    assert not pattern.match("README.md")
