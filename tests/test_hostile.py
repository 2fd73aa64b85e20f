"""A hostile project, everything at once: every problem is listed, nothing is written outside
the output folder, and nothing hostile reaches a page once the errors are fixed."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from conftest import ProjectFactory

from cxsite.build import build
from cxsite.cli import main

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` except cxsite's own output and build cache (symlinks as
    their target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if {"output", ".cxsite-cache"} & set(path.relative_to(folder).parts):
            continue
        if path.is_symlink():
            found[rel] = os.readlink(path).encode()
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def test_hostile_project(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project("folder")
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: stolen\nname: Stolen\n")
    data = root / "data"
    (root / "cxsite.yaml").write_text(
        "title: Hostile\nmeasurements:\n"
        "  - {path: ../../etc/passwd, layout: long, kind: percent}\n"
        "  - {path: data/measurements/wide.csv, layout: long, kind: percent}\n"
    )
    (data / "measurements").mkdir()
    (data / "measurements" / "wide.csv").write_bytes(
        "touchpoint,dimension,period,value\n".encode("utf-16")
    )
    (data / "departments" / "bomb.yaml").write_text(
        "id: bomb\nname: B\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7))
    )
    (data / "departments" / "link.yaml").symlink_to(outside)
    (data / "personas" / "deep.yaml").write_text(
        "id: deep\nname: D\nx: " + "[" * 100 + "]" * 100 + "\n"
    )
    (data / "departments" / "tab.yaml").write_text("id: tab\nname: T\n\tlead: web\n")
    (data / "personas" / "dup.yaml").write_text(f"id: dup\nname: '{XSS}'\nshare: 0.1\nshare: 0.1\n")
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    playbook.write_text(
        playbook.read_text()
        + f'\n{XSS}\n[click](javascript:alert(3)) <a href="vbscript:x">v</a>\n'
        + '{{< score touchpoint="../../etc/passwd" >}}\n'
    )
    (root / "content" / "playbooks" / "evil.md").write_text("---\ntitle: [unclosed\n---\n")
    before = snapshot(tmp_path)

    result = CliRunner().invoke(main, ["--project", str(root), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = [
        "cxsite.yaml:3:12: error: measurement path `../../etc/passwd` is outside the project",
        "data/departments/bomb.yaml:1:1: error: YAML document expands to more than",
        "data/departments/link.yaml: error: links outside the project; refusing to read it",
        "data/personas/deep.yaml:1:1: error: YAML is nested more than 64 levels deep",
        "data/departments/tab.yaml:3:1: error: this line is indented with a tab",
        "data/personas/dup.yaml:4:1: error: duplicate key `share`",
        "content/playbooks/billing-trust.md:",
        "content/playbooks/evil.md:2:8: error: the `[` that starts this list is never closed",
    ]
    lines = result.output.splitlines()
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert any("unknown touchpoint `../../etc/passwd`" in line for line in lines)
    # Measurement files are checked in the same run, except a source with errors of its own
    # (its path is outside the project): it is never read.
    measurement_lines = [line for line in lines if line.startswith("data/measurements/")]
    assert measurement_lines == [
        'data/measurements/wide.csv:1:1: error: the file is UTF-16 (Excel\'s "Unicode Text"); '
        'save it as "CSV UTF-8" (Excel) or UTF-8 (other tools)'
    ]
    assert not any("passwd:" in line for line in lines)

    failed = build(root)
    assert failed.output is None
    assert not (root / "output").exists()
    assert snapshot(tmp_path) == before  # nothing written, moved or deleted outside output/


def test_hostile_values_never_reach_a_page_once_the_project_is_valid(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project("folder")
    tp = root / "data" / "touchpoints" / "app-login.yaml"
    tp.write_text(
        tp.read_text().replace("name: App login", f"name: '{XSS}'") + f"description: '{XSS}'\n"
    )
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    playbook.write_text(
        playbook.read_text().replace("title: Billing trust recovery", f"title: '{XSS}'")
        + f'\n{XSS}\n[click](javascript:alert(3)) <a href="vbscript:x">v</a> '
        + '<iframe src="https://evil.example"></iframe> <a href="https://ok.example">ok</a>\n'
    )
    result = build(root, tmp_path / "site")
    assert result.output is not None, [d.format() for d in result.diagnostics.items]
    for page in result.output.rglob("*.html"):
        html = page.read_text().lower()
        for bad in (
            "<script>alert",
            "onerror=alert(2)>",
            'href="javascript:',
            'href="vbscript:',
            "<iframe",
        ):
            assert bad not in html, (page, bad)
    html = (result.output / "playbooks" / "billing-trust.html").read_text()
    assert '<a href="https://ok.example" rel="noopener noreferrer">ok</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title, escaped and visible
