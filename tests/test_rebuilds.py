"""Fast rebuilds stay exact: nothing-changed builds, files linked rather than written, and
pages rendered in worker processes give the bytes a clean one-process build gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental import age_files, fresh_project, project_with_an_export, tree

from cxsite import render, workers
from cxsite.build import build
from cxsite.cache import BuildCache
from cxsite.uptodate import InputStamps, changed_inputs, input_stamps
from cxsite.write import MARKER, Deferred, Output, write_site


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_build_with_nothing_changed_reports_the_last_one_and_touches_nothing(
    tmp_path: Path,
) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)
    first = build(root)
    assert first.output is not None and not first.unchanged
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in first.output.rglob("*")}
    again = build(root)
    assert again.unchanged
    assert (again.files, again.pages, again.touchpoints, again.red) == (
        first.files,
        first.pages,
        first.touchpoints,
        first.red,
    )
    assert again.diagnostics.items == first.diagnostics.items  # warnings are reported again
    assert before == {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in first.output.rglob("*")}
    content = tree(first.output)
    served = build(root, reuse=False)  # as `serve` starts: a real build, kept in memory
    assert not served.unchanged and served.files == first.files
    assert tree(first.output) == content


@pytest.mark.parametrize("change", ["edit-input", "delete-output", "edit-output", "base-url"])
def test_any_change_in_or_out_means_a_real_build(tmp_path: Path, change: str) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)
    first = build(root)
    assert first.output is not None
    clean = tree(first.output)
    base_url = None
    if change == "edit-input":
        page = root / "content" / "about.md"
        page.write_text(page.read_text() + "\nOne more line.\n")
    elif change == "delete-output":
        (first.output / "index.html").unlink()
    elif change == "edit-output":
        (first.output / "index.html").write_text("changed by hand")
    else:
        base_url = "/elsewhere/"
    again = build(root, base_url=base_url)
    assert again.output is not None and not again.unchanged
    if change in ("delete-output", "edit-output"):
        assert tree(again.output) == clean  # the output is repaired


DOWNLOADS = ["scores.csv", "scores.json", "scores.parquet", "persona-scores.parquet"]


def test_the_downloads_are_linked_not_made_again_when_only_a_page_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)
    first = build(root)
    assert first.output is not None
    before = inodes(first.output)
    page = root / "content" / "about.md"
    page.write_text(page.read_text() + "\nOne more line.\n")

    def made_again(*args: object) -> bytes:
        raise AssertionError("a download was made again")

    for maker in ("scores_csv", "latest_scores_json_pieces", "scores_parquet_pieces",
                  "persona_parquet_pieces"):  # fmt: skip
        monkeypatch.setattr(render, maker, made_again)
    again = build(root)
    assert again.output is not None and not again.unchanged
    after = inodes(again.output)
    assert [after[f"data/{name}"] for name in DOWNLOADS] == [
        before[f"data/{name}"] for name in DOWNLOADS
    ]
    assert after["pages/about.html"] != before["pages/about.html"]


def test_unchanged_files_are_linked_and_changed_ones_written(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    output = root / "output"
    made: list[str] = []

    def deferred(name: str, data: bytes) -> Deferred:
        def make() -> bytes:
            made.append(name)
            return data

        return Deferred(f"key-of-{data.decode()}", make)

    files: dict[str, Output] = {
        "a.html": deferred("a", b"one"),
        "b.html": deferred("b", b"two"),
        "c.css": b"x",
    }
    manifest = write_site(files, output, root)
    first = inodes(output)
    assert made == ["a", "b"]
    made.clear()
    files["b.html"] = deferred("b", b"changed")
    manifest = write_site(files, output, root, manifest)
    second = inodes(output)
    assert made == ["b"]  # a's bytes were not even made
    assert second["a.html"] == first["a.html"] and second["c.css"] == first["c.css"]
    assert (output / "b.html").read_bytes() == b"changed"
    assert (output / MARKER).is_file()
    made.clear()
    assert write_site(files, output, root, manifest) == manifest  # nothing to do
    assert made == [] and inodes(output) == second


def test_pages_rendered_by_workers_equal_one_process(
    example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXSITE_WORKERS", "1")
    alone = build(example_copy, tmp_path / "one", cache=BuildCache.none())
    monkeypatch.setenv("CXSITE_WORKERS", "2")
    monkeypatch.setattr(workers, "PROBE_SECONDS", 0.0)  # workers however quick the pages
    monkeypatch.setattr(workers, "MIN_PARALLEL_SECONDS", 0.0)
    shared = build(example_copy, tmp_path / "two")  # workers also fill the cache
    again = build(example_copy, tmp_path / "three")  # ... which a rebuild reads
    assert alone.output and shared.output and again.output
    assert alone.pages > 64  # enough pages to use the workers
    assert tree(alone.output) == tree(shared.output) == tree(again.output)


def test_the_build_command_with_nothing_to_do_loads_no_heavy_library(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)
    assert build(root).output is not None
    probe = (
        "import sys; from cxsite.cli import main\n"
        "try:\n    main(['--project', sys.argv[1], 'build'])\n"
        "except SystemExit as exit:\n"
        "    heavy = sorted({'pandas', 'pyarrow', 'jinja2', 'pydantic'} & set(sys.modules))\n"
        "    print(exit.code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
        check=True,
    )
    assert "nothing changed since the last build" in done.stdout
    assert done.stdout.strip().endswith("0 []")


def test_a_playbook_text_edit_in_one_process_replaces_only_its_page_and_the_index(
    example_copy: Path, tmp_path: Path
) -> None:
    root = example_copy
    first = build(root)
    assert first.output is not None
    before = inodes(first.output)
    playbook = root / "content" / "playbooks" / "leaving-well.md"
    playbook.write_text(playbook.read_text() + "\nCall the customer back within a day.\n")
    again = build(root)
    assert again.output is not None and again.files == first.files
    after = inodes(again.output)
    replaced = sorted(path for path in after if after[path] != before[path])
    assert replaced == ["assets/search-index.js", "playbooks/leaving-well.html"]
    clean = build(root, tmp_path / "clean", cache=BuildCache.none())
    assert clean.output is not None
    assert tree(again.output) == tree(clean.output)


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        ('{{< score touchpoint="nowhere" >}}\n', "unknown touchpoint `nowhere`"),
        ("", "title"),  # a front-matter edit: the full build shows the new title everywhere
    ],
)
def test_edits_a_quick_rebuild_cannot_take_go_through_the_full_build(
    example_copy: Path, tmp_path: Path, addition: str, expected: str
) -> None:
    root = example_copy
    assert build(root).output is not None
    playbook = root / "content" / "playbooks" / "leaving-well.md"
    text = playbook.read_text()
    if addition:
        playbook.write_text(text + "\n" + addition)
        result = build(root)
        assert result.output is None
        assert any(expected in item.message for item in result.diagnostics.errors)
        lines = text.count("\n") + 2
        assert [e.line for e in result.diagnostics.errors] == [lines]
    else:
        playbook.write_text(text.replace("title: Leaving well", "title: Leaving with grace"))
        result = build(root)
        assert result.output is not None
        index = (result.output / "playbooks" / "index.html").read_text()
        assert "Leaving with grace" in index  # a page other than the playbook's own
        clean = build(root, tmp_path / "clean", cache=BuildCache.none())
        assert clean.output is not None
        assert tree(result.output) == tree(clean.output)


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (as long) and put the modification time back, as rsync -t does."""
    assert len(old) == len(new)
    stat = path.stat()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("content/playbooks/billing-trust.md", "checks the last", "reruns the last"),
        ("data/measurements/b.csv", ",70,", ",41,"),
    ],
)
def test_a_same_size_edit_with_its_modification_time_put_back_is_rebuilt(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    root = fresh_project(tmp_path / "project")
    age_files(root)  # stamps old enough to be trusted
    served = BuildCache.of_project(root)  # one process building again, as serve does
    assert build(root, cache=served).output is not None
    same_size_edit(root / name, old, new)
    for process in ("same", "new"):
        # the same process keeps its values in memory; a new one starts without them
        cache = served if process == "same" else BuildCache.of_project(root)
        again = build(root, cache=cache)
        assert again.output is not None and not again.unchanged
        clean = build(root, tmp_path / f"clean-{process}", cache=BuildCache.none())
        assert clean.output is not None
        assert tree(again.output) == tree(clean.output)
        same_size_edit(root / name, new, old)
        old, new = new, old


def test_a_racy_stamp_is_compared_by_content(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "project")
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    recorded = input_stamps(root, [])  # right after the save: the stamp is racy
    assert "content/playbooks/billing-trust.md" in recorded.hashes
    assert changed_inputs(root, recorded, input_stamps(root, [])) == set()
    playbook.write_text(playbook.read_text().replace("checks the last", "reruns the last"))
    # An edit within the same clock tick keeps every part of the stamp
    now = input_stamps(root, [])
    now = InputStamps({**now.stamps, **recorded.stamps}, now.hashes)
    assert changed_inputs(root, recorded, now) == {"content/playbooks/billing-trust.md"}


def test_the_build_after_an_edit_build_has_nothing_to_do(tmp_path: Path) -> None:
    root = project_with_an_export(tmp_path / "project")
    assert build(root).output is not None
    edits = ("content/playbooks/billing-trust.md", "data/measurements/a.csv", "exports/survey.csv")
    for edited in edits:
        path = root / edited
        path.write_text(path.read_text() + "\n")  # no aging: its stamp is racy
        after_edit = build(root)
        assert after_edit.output is not None and not after_edit.unchanged
        again = build(root)
        assert again.unchanged, edited
