# ruff: noqa: F811 - the browser fixtures come from test_browser and are named as arguments
"""The executive's glance in a real browser (Debian's chromium via Playwright): what is red is
on the first screen, personas run through the journey page and its URL, phones never scroll
sideways, and every kind of page passes axe."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import yaml
from conftest import REPO
from playwright.sync_api import Browser, Page, ViewportSize
from test_browser import browser, poll, server, site, visit  # noqa: F401 - fixtures

FIRST_SCREEN = ViewportSize(width=1400, height=900)
PHONE = ViewportSize(width=390, height=844)


def latest_red_touchpoints(site: Path) -> dict[str, str]:
    """Each touchpoint red in the latest month (any dimension or all), with its owner's name."""
    rows = list(csv.DictReader(io.StringIO((site / "data" / "scores.csv").read_text())))
    latest = max(r["period"] for r in rows)
    red = {
        r["id"]
        for r in rows
        if r["period"] == latest and r["level"] == "touchpoint" and r["status"] == "red"
    }
    departments = yaml.safe_load((REPO / "data" / "departments.yaml").read_text())
    names = {d["id"]: d["name"] for d in departments}
    owners = {}
    for path in (REPO / "data" / "touchpoints").glob("*.yaml"):
        item = yaml.safe_load(path.read_text())
        if item["id"] in red:
            owners[item["id"]] = names[item["owner"]]
    return owners


def on_first_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= FIRST_SCREEN["height"]


def test_every_red_touchpoint_is_named_with_its_owner_on_the_first_screen(
    browser: Browser,
    server: str,
    site: Path,
) -> None:
    red = latest_red_touchpoints(site)
    assert len(red) >= 3
    page = browser.new_page(viewport=FIRST_SCREEN)
    page.goto(server + "index.html")
    page.wait_for_load_state("networkidle")
    for touchpoint, owner in red.items():
        row = f'table.attention tr:has(a[href="touchpoints/{touchpoint}.html"])'
        assert on_first_screen(page, row), touchpoint
        assert owner in page.locator(row).inner_text(), (touchpoint, owner)
    assert on_first_screen(page, ".headline")
    headline = page.locator(".headline").first.inner_text()
    assert f"at {len(red)} touchpoints" in headline
    page.close()


def journey_score(page: Page) -> str:
    return page.locator(".journey-score .chip-value").first.inner_text()


def test_persona_in_the_url_changes_the_journey_score(
    browser: Browser,
    server: str,
    site: Path,
) -> None:
    payload = (site / "data" / "scores.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(payload)))
    latest = max(r["period"] for r in rows)
    key = ("journey", "fix-a-fault", "all", latest)
    everyone = next(
        r["score"] for r in rows if (r["level"], r["id"], r["dimension"], r["period"]) == key
    )
    breakdown = pd.read_parquet(site / "data" / "persona-scores.parquet")
    persona = breakdown[
        (breakdown["persona"] == "sole-trader") & (breakdown["level"] == "journey")
        & (breakdown["id"] == "fix-a-fault") & (breakdown["dimension"] == "all")
        & (breakdown["period"] == latest)
    ].iloc[0]  # fmt: skip
    page, errors, _ = visit(
        browser, server + "journeys/fix-a-fault.html#persona=sole-trader", server
    )
    poll(lambda: journey_score(page) == f"{persona['score']:.1f}")
    assert page.locator("#persona-switch").input_value() == "sole-trader"
    assert "Sole Trader Sanjay" in page.locator("#persona-note").inner_text()
    # choosing "All customers" restores the page and the URL; choosing a persona sets the URL
    page.select_option("#persona-switch", "")
    poll(lambda: journey_score(page) == f"{float(everyone):.1f}")
    page.select_option("#persona-switch", "student")
    poll(lambda: page.url.endswith("#persona=student"))
    link = page.locator("a.journey-link").first.get_attribute("href") or ""
    assert link.endswith("#persona=student")  # kept on the way to the next journey
    assert errors == []
    page.close()


def test_persona_switch_works_from_file_urls(browser: Browser, site: Path) -> None:
    page, errors, _ = visit(
        browser,
        (site / "journeys" / "fix-a-fault.html").as_uri() + "#persona=student",
        site.as_uri(),
    )
    poll(lambda: page.locator("#persona-switch").input_value() == "student")
    assert "Student Sophie" in page.locator("#persona-note").inner_text()
    assert errors == []
    page.close()


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, server: str, site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    page = browser.new_page(viewport=PHONE)
    wide = []
    for path in pages:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((path, width))
    page.close()
    assert len(pages) > 80 and wide == []
