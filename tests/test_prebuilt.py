"""The chart templates and the Vega bundle ship prebuilt (cxsite/prebuilt/): they must be what
the installed altair and vl-convert make now, and a build that uses them loads neither."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest
from conftest import REPO, ProjectFactory

from cxsite.cache import MemoryMemo
from cxsite.site import charts
from cxsite.theme import PREBUILT, make_vega_bundle, shipped_vega_bundle_name, vendor_assets

FOLDER = REPO / "cxsite" / PREBUILT
REGENERATE = "run `.venv/bin/python scripts/prebuild.py` and commit cxsite/prebuilt/"


# CI installs the newest altair and vl-convert. When they are newer than the shipped files,
# the shipped files must not be used (the build makes and caches its own, slower but right);
# when they are the same, the shipped files must be exactly what they make.
CURRENT = (FOLDER / shipped_vega_bundle_name(version("vl-convert-python"))).is_file()


def test_shipped_chart_templates_are_what_altair_builds_or_are_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = json.loads((FOLDER / charts.SHIPPED_TEMPLATES).read_text("utf-8"))
    if shipped["key"] == charts.templates_key():
        assert shipped["templates"] == charts.build_templates(), REGENERATE
    else:  # another altair: what a build uses is what this altair builds
        charts.chart_templates.cache_clear()
        assert charts.chart_templates() == charts.build_templates()


def test_shipped_vega_bundle_is_what_vl_convert_makes_or_is_not_used() -> None:
    shipped = list(FOLDER.glob(shipped_vega_bundle_name("*")))
    assert len(shipped) == 1  # one bundle ships: made by the vl-convert of scripts/prebuild.py
    if CURRENT:
        assert shipped[0].read_bytes() == make_vega_bundle(), REGENERATE
    assert vendor_assets(MemoryMemo())["vendor/vega-bundle.js"] == make_vega_bundle()


def test_without_a_shipped_bundle_it_is_made_and_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = vendor_assets()
    monkeypatch.setattr("cxsite.theme.shipped_vega_bundle_name", lambda _: "missing.js")
    memo = MemoryMemo()
    assert vendor_assets(memo) == shipped
    assert [namespace for namespace, _ in memo.values] == ["vendor"]
    assert vendor_assets(memo) == shipped and memo.hits == 1


def test_without_shipped_templates_they_are_built(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = charts.shipped_templates()["templates"]
    built: list[int] = []
    build_templates = charts.build_templates

    def counted() -> dict[str, str]:
        built.append(1)
        return build_templates()

    monkeypatch.setattr(charts, "shipped_templates", dict)
    monkeypatch.setattr(charts, "build_templates", counted)
    charts.chart_templates.cache_clear()
    try:
        assert charts.chart_templates() == shipped
        assert charts.chart_templates() == shipped
        assert built == [1]  # built once in a process
    finally:
        charts.chart_templates.cache_clear()


PROBE = """
import sys
from pathlib import Path
from cxsite.build import build
result = build(Path(sys.argv[1]))
assert result.output is not None, result.diagnostics
print(" ".join(sorted(name for name in ("altair", "vl_convert") if name in sys.modules)))
"""


def test_a_fresh_build_imports_neither_altair_nor_vl_convert(
    make_project: ProjectFactory,
) -> None:
    root = make_project()
    assert not (root / ".cxsite-cache").exists()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert (root / "output" / "assets" / "vendor" / "vega-bundle.js").is_file()
    shipped = json.loads((FOLDER / charts.SHIPPED_TEMPLATES).read_text("utf-8"))
    if CURRENT and shipped["key"] == charts.templates_key():
        assert done.stdout.strip() == ""
    else:  # a newer altair or vl-convert than the shipped files: the build made its own
        assert done.stdout.strip() != ""
