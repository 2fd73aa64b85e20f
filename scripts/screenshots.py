"""Screenshots of the built example for the README: home, a journey map seen by one persona, a
scorecard, a department and a playbook, each as its reader first sees it (1400x900), and the
home page, a journey, a scorecard and a playbook on a phone (390 px wide).

Run after `make site`: `python scripts/screenshots.py` (needs Debian's chromium and playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

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
    "journey": "journeys/fix-a-fault.html#persona=sole-trader",
    "scorecard": "touchpoints/support-call.html",
    "department": "departments/customer-service.html",
    "playbook": "playbooks/billing-trust-recovery.html",
}
PHONE = {
    "home-phone": "index.html",
    "journey-phone": "journeys/fix-a-fault.html",
    "scorecard-phone": "touchpoints/support-call.html",
    "playbook-phone": "playbooks/billing-trust-recovery.html",
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
        desktop, phone = ViewportSize(width=1400, height=900), ViewportSize(width=390, height=844)
        for viewport, pages in ((desktop, PAGES), (phone, PHONE)):
            page = browser.new_page(viewport=viewport)
            for name, path in pages.items():
                file, _, fragment = path.partition("#")
                page.goto((site / file).as_uri() + (f"#{fragment}" if fragment else ""))
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                page.screenshot(path=str(target / f"{name}.png"), full_page=False)
                print(target / f"{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
