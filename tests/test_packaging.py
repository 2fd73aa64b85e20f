"""A non-editable install of the wheel builds a project from any folder (the theme ships inside)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import REPO, ProjectFactory


def test_wheel_install_builds_a_project_from_another_folder(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheel_dir),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheels = list(wheel_dir.glob("cxsite-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheels[0])],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Dependencies come from this interpreter's site-packages; cxsite only from the wheel.
    environment = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    root = make_project()
    workdir = tmp_path / "somewhere-else"
    workdir.mkdir()
    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import cxsite; print(cxsite.__file__)"],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(env_dir)
    result = subprocess.run(
        [str(env_dir / "bin" / "cxsite"), "--project", str(root), "build"],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "output" / "index.html").is_file()
    assert (root / "output" / "assets" / "cxsite.css").is_file()
    assert list(workdir.iterdir()) == []
