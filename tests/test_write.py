"""Atomic output: the swap, leftovers, and the folders cxsite refuses to replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxsite.write import MARKER, UnsafeOutputError, check_output_dir, write_site


def test_write_replaces_the_previous_site_and_drops_stale_files(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    output = root / "output"
    write_site({"index.html": b"one", "old/page.html": b"gone soon"}, output, root)
    write_site({"index.html": b"two"}, output, root)
    assert (output / "index.html").read_bytes() == b"two"
    assert not (output / "old").exists()
    assert (output / MARKER).is_file()
    assert sorted(p.name for p in root.iterdir()) == ["output"]


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / ".output.cxsite-tmp-999").mkdir()
    (root / ".output.cxsite-tmp-999" / "half.html").write_text("half")
    (root / ".output.cxsite-old-998").mkdir()
    write_site({"index.html": b"x"}, root / "output", root)
    assert sorted(p.name for p in root.iterdir()) == ["output"]


@pytest.mark.parametrize("name", [".", "content", "data", "themes", "data/sub", ".."])
def test_refuses_sources_and_parents(tmp_path: Path, name: str) -> None:
    root = tmp_path / "project"
    (root / "data" / "sub").mkdir(parents=True)
    with pytest.raises(UnsafeOutputError):
        check_output_dir(root / name, root)


def test_refuses_a_non_empty_foreign_folder_but_accepts_an_empty_one(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    check_output_dir(foreign, root)
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(UnsafeOutputError, match="not written by cxsite"):
        write_site({"index.html": b"x"}, foreign, root)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_refuses_paths_escaping_the_output(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    with pytest.raises(UnsafeOutputError):
        write_site({"../escape.html": b"x"}, root / "output", root)
    assert not (root / "escape.html").exists()
    assert not (root / "output").exists()
