"""Screenshots of the built example for the README: home, a journey map, a scorecard, a playbook.

Run after `make site`: `python scripts/screenshots.py` (needs Debian's chromium and playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "home": "index.html",
    "journey": "journeys/fix-a-fault.html",
    "scorecard": "touchpoints/support-call.html",
    "playbook": "playbooks/billing-trust-recovery.html",
}


def main() -> None:
    site = ROOT / "output"
    target = ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    if not (site / "index.html").is_file():
        sys.exit("build the example first: make site")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for name, path in PAGES.items():
            page.goto((site / path).as_uri())
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            page.screenshot(path=str(target / f"{name}.png"), full_page=False)
            print(target / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
