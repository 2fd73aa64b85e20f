"""Incremental builds equal clean builds byte for byte, whatever is edited, added or deleted;
and a build killed halfway leaves the previous site intact."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxsite.build import build
from cxsite.cache import CACHE_DIR, BuildCache, MemoryMemo
from cxsite.serve import LiveServer

CONFIG = """\
title: Incremental
measurements:
  - {path: data/measurements/a.csv, layout: long, kind: rating, scale: [1, 5]}
  - {path: data/measurements/b.csv, layout: long, kind: percent}
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fresh_project(root: Path) -> Path:
    write_project(root, "folder")
    (root / "cxsite.yaml").write_text(CONFIG)
    folder = root / "data" / "measurements"
    folder.mkdir()
    rows = [f"bill-statement,trust,2025-0{1 + i % 3},{1 + i % 5}" for i in range(40)]
    rows += [f"support-call,service,2025-0{1 + i % 3},{1 + (i * 3) % 5}" for i in range(40)]
    (folder / "a.csv").write_text("touchpoint,dimension,period,value\n" + "\n".join(rows) + "\n")
    (folder / "b.csv").write_text(
        "touchpoint,dimension,period,value,n\napp-login,quality,2025-02,70,20\n"
    )
    return root


def project_with_an_export(root: Path) -> Path:
    """`fresh_project`, with one more measurement file outside data/ (as the config allows)."""
    fresh_project(root)
    config = root / "cxsite.yaml"
    config.write_text(
        config.read_text() + "  - {path: exports/survey.csv, layout: long, kind: percent}\n"
    )
    (root / "exports").mkdir()
    (root / "exports" / "survey.csv").write_text(
        "touchpoint,dimension,period,value,n\nsupport-call,quality,2025-03,64,30\n"
    )
    return root


def edit(root: Path, action: str, number: int) -> None:
    """One change a writer or an export might make."""
    playbooks = root / "content" / "playbooks"
    if action == "edit-playbook":
        path = sorted(playbooks.glob("*.md"))[0]
        path.write_text(path.read_text() + f"\nMore text {number}.\n")
    elif action == "add-playbook":
        source = sorted(playbooks.glob("*.md"))[0].read_text()  # any, even if renamed
        (playbooks / f"extra-{number}.md").write_text(
            re.sub(r"(?m)^title: .*$", f"title: Extra {number}", source, count=1)
            + f'\n{{{{< score touchpoint="support-call" dimension="service" >}}}} {number}\n'
        )
    elif action == "delete-playbook":
        extras = sorted(playbooks.glob("extra-*.md"))
        if extras:
            extras[0].unlink()
    elif action == "rename-touchpoint":
        path = root / "data" / "touchpoints" / "app-login.yaml"
        text = path.read_text()
        path.write_text(text.replace(text.split("\n")[1], f"name: App login {number}"))
    elif action == "append-csv":
        path = root / "data" / "measurements" / "a.csv"
        path.write_text(path.read_text() + f"bill-statement,value,2025-03,{1 + number % 5}\n")
    elif action == "change-csv-value":
        path = root / "data" / "measurements" / "b.csv"
        path.write_text(
            path.read_text().replace(",70,", f",{10 + number % 90},").replace(",20\n", ",20\n")
        )
    elif action == "retitle":
        config = root / "cxsite.yaml"
        config.write_text(
            config.read_text().replace(config.read_text().split("\n")[0], f"title: Site {number}")
        )
    elif action == "add-page":
        (root / "content" / f"note-{number}.md").write_text(f"# Note {number}\n\nHello.\n")


ACTIONS = st.sampled_from(
    ["edit-playbook", "add-playbook", "delete-playbook", "rename-touchpoint", "append-csv",
     "change-csv-value", "retitle", "add-page"]
)  # fmt: skip


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(ACTIONS, st.integers(0, 999)), min_size=1, max_size=4))
def test_incremental_build_equals_clean_build(tmp_path: Path, steps: list[tuple[str, int]]) -> None:
    workdir = tmp_path / f"run-{time.monotonic_ns()}"
    root = fresh_project(workdir / "project")
    first = build(root)  # fills .cxsite-cache/
    assert first.output is not None
    for action, number in steps:
        edit(root, action, number)
        incremental = build(root)
        clean = build(root, workdir / "clean", cache=BuildCache.none())
        assert (incremental.output is None) == (clean.output is None)
        if incremental.output is None or clean.output is None:
            continue
        assert tree(incremental.output) == tree(clean.output), (action, number)
    shutil.rmtree(workdir)


def age_files(root: Path) -> None:
    """Date every file back to one fixed moment: files saved within the last seconds are
    always rehashed (racy timestamps), which a fast build would otherwise count as misses."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (1_700_000_000, 1_700_000_000))


class MissLog(MemoryMemo):
    """A memo that lists the namespace of every miss."""

    def __init__(self) -> None:
        super().__init__()
        self.missed: list[str] = []

    def get(self, namespace: str, key: str) -> bytes | None:
        value = super().get(namespace, key)
        if value is None:
            self.missed.append(namespace)
        return value


def test_a_rebuild_after_one_edit_reuses_everything_else(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)
    memo = MissLog()  # a store that each build opens afresh, as new processes would
    build(root, cache=BuildCache.in_memory(memo))
    memo.hits, memo.missed = 0, []
    build(root, cache=BuildCache.in_memory(memo), reuse=False)
    assert memo.missed == [] and memo.hits > 20  # nothing recomputed
    edit(root, "edit-playbook", 1)
    age_files(root)
    memo.hits, memo.missed = 0, []
    build(root, cache=BuildCache.in_memory(memo))
    # only the edited playbook: its body (which holds no directive, so is parsed only to be
    # rendered), the record of its page job and its page
    assert sorted(memo.missed) == ["md-parsed", "page", "page-job"]


def test_cache_survives_corruption(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "project")
    first = build(root, tmp_path / "a")
    (root / CACHE_DIR / "cache.sqlite").write_bytes(b"this is not a database")
    second = build(root, tmp_path / "b")
    assert first.output is not None and second.output is not None
    assert tree(first.output) == tree(second.output)


def test_a_killed_build_leaves_the_old_site_and_the_next_build_is_clean(example_copy: Path) -> None:
    root = example_copy
    assert build(root).output is not None
    before = tree(root / "output")
    (root / "content" / "playbooks" / "leaving-well.md").write_text(
        (root / "content" / "playbooks" / "leaving-well.md").read_text() + "\nChanged.\n"
    )
    killed_midway = False
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "cxsite", "--project", str(root), "build", "--clean"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if any(p.name.startswith(".output.cxsite-tmp-") for p in root.iterdir()):
                os.kill(process.pid, signal.SIGKILL)
                killed_midway = True
                break
            time.sleep(0.0005)
        process.wait()
        if killed_midway:
            break
        # the build finished before we caught it: put the old site back and try again
        shutil.rmtree(root / "output")
        for name, data in before.items():
            (root / "output" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "output" / name).write_bytes(data)
    assert killed_midway, "never caught the build while it was writing"
    assert tree(root / "output") == before  # the old site, untouched
    assert build(root).output is not None
    assert not [p.name for p in root.iterdir() if ".output.cxsite-" in p.name]  # no leftovers
    assert tree(root / "output") != before
    assert b"Changed." in (root / "output" / "assets" / "search-index.js").read_bytes()


@pytest.mark.parametrize("name", ["content", "data", "themes", "."])
def test_build_refuses_to_write_over_sources(tmp_path: Path, name: str) -> None:
    root = fresh_project(tmp_path / "project")
    before = tree(root / "data")
    result = build(root, root / name)
    assert result.output is None
    assert "refusing" in result.diagnostics.errors[-1].message
    assert tree(root / "data") == before


# Edits that stamps alone can miss, and the files they touch (for what serve must watch).
TRICKY = st.sampled_from(
    ["same-size-playbook", "same-size-data-csv", "same-size-export", "same-second-playbook",
     "append-export", "delete-page", "rename-playbook", "add-playbook", "edit-playbook"]
)  # fmt: skip


def replace_last_character(path: Path, character: str) -> None:
    """Replace the character before the final newline: the file keeps its size."""
    text = path.read_text()
    path.write_text(text[:-2] + character + "\n")


def tricky_edit(root: Path, action: str, number: int) -> list[Path]:
    """One change, made the hard way for stamps; returns the paths it touched."""
    playbooks = root / "content" / "playbooks"
    if action.startswith("same-size-"):  # then the modification time is put back
        path, character = {
            "same-size-playbook": (sorted(playbooks.glob("*.md"))[0], "abcdefgh"[number % 8]),
            "same-size-data-csv": (root / "data" / "measurements" / "a.csv", str(1 + number % 5)),
            "same-size-export": (root / "exports" / "survey.csv", str(1 + number % 9)),
        }[action]
        stat = path.stat()
        replace_last_character(path, character)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # rsync -t, sync tools
        return [path]
    if action == "same-second-playbook":  # two saves in one second, on a 1 s file system
        path = sorted(playbooks.glob("*.md"))[0]
        second = time.time_ns() // 1_000_000_000 * 1_000_000_000
        for character in "xy":
            replace_last_character(path, character)
            os.utime(path, ns=(second, second))
        return [path]
    if action == "append-export":
        path = root / "exports" / "survey.csv"
        path.write_text(
            path.read_text() + f"app-login,quality,2025-0{1 + number % 3},{number % 100},5\n"
        )
        return [path]
    if action == "delete-page":
        pages = sorted((root / "content").glob("*.md"))
        if pages:
            pages[-1].unlink()
        return pages[-1:]
    if action == "rename-playbook":
        path = sorted(playbooks.glob("*.md"))[-1]
        target = playbooks / f"renamed-{number}.md"
        if target.exists():
            return []
        path.rename(target)
        return [path, target]
    if action == "add-playbook":
        edit(root, action, number)
        return [playbooks / f"extra-{number}.md"]
    edit(root, action, number)
    return sorted(playbooks.glob("*.md"))[:1]


@settings(
    max_examples=15,  # about 25 s on 2 cores: each step builds three ways
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(TRICKY, st.integers(0, 999)), min_size=1, max_size=4))
def test_no_edit_sequence_fools_the_incremental_build_or_serve(
    tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    workdir = tmp_path / f"run-{time.monotonic_ns()}"
    root = project_with_an_export(workdir / "project")
    server = LiveServer(root, "127.0.0.1", 0, lambda result: None)
    try:
        assert server.rebuild().output is not None
        assert build(root).output is not None  # a new cache: as a new process
        for action, number in steps:
            touched = tricky_edit(root, action, number)
            assert all(server.watched(str(path)) for path in touched), action
            served = server.rebuild()
            incremental = build(root)
            clean = build(root, workdir / "clean", cache=BuildCache.none())
            assert (incremental.output is None) == (clean.output is None) == (served.output is None)
            if incremental.output is None or clean.output is None:
                continue
            expected = tree(clean.output)
            assert tree(incremental.output) == expected, action
            assert tree(server.state.folder) == expected, action
            assert build(root).unchanged, action  # and the next build has nothing to do
    finally:
        server.httpd.server_close()
    shutil.rmtree(workdir)
