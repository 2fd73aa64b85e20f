"""Valid HTML (W3C Nu HTML Checker) on every page and accessibility (axe-core) on a page of
every kind.

Both checkers come from the npm registry into tests/validators/ (`make test` installs them);
a missing checker fails these tests rather than skipping them.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from playwright.sync_api import Browser, sync_playwright
from test_browser import ARGS, CHROMIUM, poll

from cxsite.build import build

# One page of every kind, for axe.
KINDS = {
    "home": "index.html",
    "journey": "journeys/fix-a-fault.html",
    "touchpoint": "touchpoints/support-call.html",
    "department": "departments/customer-service.html",
    "persona": "personas/student.html",
    "dimension": "dimensions/trust.html",
    "playbook": "playbooks/billing-trust-recovery.html",
    "changes": "changes.html",
    "search": "search.html",
    "attention": "attention.html",
    "listing": "touchpoints/index.html",
}
VALIDATORS = Path(__file__).parent / "validators" / "node_modules"
VNU = VALIDATORS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = VALIDATORS / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(REPO, tmp_path_factory.mktemp("standards") / "site")
    assert result.output is not None
    return result.output


def test_every_page_is_valid_html(site: Path) -> None:
    assert VNU.is_file(), "run `make test` (npm ci --prefix tests/validators) to install vnu"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) > 80
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [m for m in messages if m.get("type") == "error"] == []
    assert result.returncode == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_serious_or_critical_accessibility_violations(
    browser: Browser, site: Path, kind: str
) -> None:
    assert AXE.is_file(), "run `make test` (npm ci --prefix tests/validators) to install axe-core"
    context = browser.new_context(bypass_csp=True)  # axe is injected by the test, not the site
    page = context.new_page()
    page.goto((site / KINDS[kind]).as_uri())
    page.wait_for_load_state("networkidle")
    poll(lambda: page.locator(".vega-chart svg").count() >= page.locator(".vega-chart").count())
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    context.close()
