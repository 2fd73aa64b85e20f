"""The built example in a real browser (Debian's chromium driven by Playwright): served from a
sub-path over HTTP and opened from file://, no console errors, no request leaving the site."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from cxsite.build import build

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
KEY_PAGES = [
    "index.html",
    "journeys/fix-a-fault.html",
    "touchpoints/support-call.html",
    "playbooks/billing-trust-recovery.html",
    "playbooks/index.html",
    "search.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built into <tmp>/www/cx, to be served at the sub-path /cx/."""
    output = tmp_path_factory.mktemp("www") / "cx"
    result = build(REPO, output)
    assert result.output is not None, [d.format() for d in result.diagnostics.errors]
    return output


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/cx/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def visit(browser: Browser, url: str, allowed_prefix: str) -> tuple[Page, list[str], list[str]]:
    """Open `url`; return the page, console errors and requests outside `allowed_prefix`."""
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(allowed_prefix) else None
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors, outside


def poll(condition: Callable[[], bool], timeout: float = 20) -> None:
    """Wait until `condition` holds, asking from Python: Playwright's wait_for_function
    evaluates strings in the page, which the site's CSP (rightly) forbids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except PlaywrightError:  # the page is navigating (a reload) or not ready yet
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting in the browser")


def charts_drawn(page: Page) -> bool:
    return page.locator(".vega-chart svg").count() >= page.locator(".vega-chart").count()


def all_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def check_page(browser: Browser, base: str, path: str) -> None:
    page, errors, outside = visit(browser, base + path, base)
    try:
        assert errors == [], (path, errors)
        assert outside == [], (path, outside)
        charts = page.locator(".vega-chart")
        if charts.count():
            poll(lambda: charts_drawn(page))
            for index in range(charts.count()):
                assert charts.nth(index).locator("svg").count() >= 1, (path, index)
    finally:
        page.close()


def test_every_page_served_at_a_sub_path(browser: Browser, server: str, site: Path) -> None:
    pages = all_pages(site)
    assert len(pages) > 80
    for path in pages:
        check_page(browser, server, path)


@pytest.mark.parametrize("path", KEY_PAGES)
def test_key_pages_from_file_urls(browser: Browser, site: Path, path: str) -> None:
    check_page(browser, site.as_uri() + "/", path)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        for name in ("href", "src"):
            value = attributes.get(name)
            if value and tag in ("a", "link", "script", "img"):
                self.links.append(value)


def test_every_internal_link_resolves(site: Path) -> None:
    checked = 0
    for path in site.rglob("*.html"):
        parser = _Links()
        parser.feed(path.read_text())
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), (path, link)
                continue
            assert not link.endswith("/"), (path, link)  # links point at files
            if not parts.path:
                assert parts.fragment in parser.ids, (path, link)
                continue
            if parts.path.startswith("/"):  # 404.html links from the base URL's path
                assert path.name == "404.html" and parts.path.startswith("/cx/"), (path, link)
                target = (site / unquote(parts.path.removeprefix("/cx/"))).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (path, link)
            assert target.is_relative_to(site.resolve()), (path, link)
            checked += 1
    assert checked > 2000


def test_search_finds_a_playbook_by_a_word_from_its_body(browser: Browser, server: str) -> None:
    page, errors, _ = visit(browser, server + "search.html", server)
    page.fill("#search-input", "Sunderland")
    results = page.locator(".search-results a")
    results.first.wait_for()
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert "playbooks/phone-wait-times.html" in hrefs
    assert errors == []
    page.close()


def test_search_works_from_file_urls(browser: Browser, site: Path) -> None:
    page, errors, _ = visit(
        browser, (site / "search.html").as_uri() + "?q=direct+debit", site.as_uri()
    )
    page.locator(".search-results a").first.wait_for()
    assert page.locator(".search-results a").count() >= 1
    assert errors == []
    page.close()


class _HeaderSearch(HTMLParser):
    """Whether the page's site header holds a search form for search.html with its box."""

    def __init__(self) -> None:
        super().__init__()
        self.open_headers = 0  # depth of <header class="site-header"> around the position
        self.form_action = ""
        self.box = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "header" and attributes.get("class") == "site-header":
            self.open_headers += 1
        elif tag == "header" and self.open_headers:
            self.open_headers += 1
        if not self.open_headers:
            return
        if tag == "form" and attributes.get("role") == "search":
            self.form_action = str(attributes.get("action"))
        if tag == "input" and attributes.get("id") == "site-search":
            self.box = (attributes.get("type"), attributes.get("name")) == ("search", "q")

    def handle_endtag(self, tag: str) -> None:
        if tag == "header" and self.open_headers:
            self.open_headers -= 1


def test_every_page_has_the_search_box_in_its_header(site: Path) -> None:
    pages = all_pages(site)
    assert len(pages) > 80
    for path in pages:
        parser = _HeaderSearch()
        parser.feed((site / path).read_text())
        assert parser.box, path
        if path != "404.html":  # 404.html links from the base URL's path, /cx/
            assert parser.form_action == "../" * path.count("/") + "search.html", path
        else:
            assert parser.form_action == "/cx/search.html"


def hrefs(page: Page, selector: str) -> list[str]:
    links = page.locator(selector)
    return [str(links.nth(i).get_attribute("href")) for i in range(links.count())]


def header_results(page: Page, query: str) -> list[str]:
    """Type `query` into the header's search box; the links its results list shows."""
    page.fill("#site-search", query)
    panel = page.locator("#site-search-panel")
    poll(lambda: panel.is_visible() and panel.locator("a").count() > 0)
    return hrefs(page, "#site-search-panel .site-search-list a")


def focused_href(page: Page) -> str:
    return str(page.evaluate("document.activeElement.getAttribute('href')"))


def test_header_search_finds_a_playbook_and_follows_it_by_keyboard(
    browser: Browser, server: str
) -> None:
    page, errors, _ = visit(browser, server + "touchpoints/support-call.html", server)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.wait_for_timeout(300)
    assert not any("search-index.js" in url for url in requested)  # loaded on first use only
    found = header_results(page, "Sunderland")
    assert "../playbooks/phone-wait-times.html" in found
    assert any(url.endswith("/cx/assets/search-index.js") for url in requested)
    status = page.locator("#site-search-status")
    poll(lambda: bool(re.fullmatch(r"\d+ results? for “Sunderland”", status.text_content() or "")))
    all_link = page.locator("#site-search-panel .site-search-all")
    assert all_link.get_attribute("href") == "../search.html?q=Sunderland"
    assert all_link.text_content() == f"All {len(found)} results"

    page.keyboard.press("ArrowDown")
    assert focused_href(page) == found[0]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.press("ArrowDown")
    while focused_href(page) != "../playbooks/phone-wait-times.html":
        before = focused_href(page)
        page.keyboard.press("ArrowDown")
        assert focused_href(page) != before, "ArrowDown stopped before the playbook"
    page.keyboard.press("Escape")
    assert page.locator("#site-search-panel").is_hidden()
    assert page.evaluate("document.activeElement.id") == "site-search"
    assert page.input_value("#site-search") == "Sunderland"

    page.keyboard.press("ArrowDown")  # opens the results again, then moves into them
    poll(lambda: page.locator("#site-search-panel").is_visible())
    page.keyboard.press("ArrowDown")
    while focused_href(page) != "../playbooks/phone-wait-times.html":
        page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server + "playbooks/phone-wait-times.html"
    assert errors == []
    page.close()


def test_header_search_closes_on_a_click_elsewhere_and_enter_opens_the_search_page(
    browser: Browser, server: str
) -> None:
    page, errors, _ = visit(browser, server + "playbooks/index.html", server)
    header_results(page, "router")
    page.click("main h1", position={"x": 5, "y": 5})  # left of the results list
    assert page.locator("#site-search-panel").is_hidden()
    page.focus("#site-search")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server + "search.html?q=router"
    poll(lambda: page.locator(".search-results a").count() > 0)
    assert errors == []
    page.close()


def test_header_search_works_from_file_urls(browser: Browser, site: Path) -> None:
    page, errors, outside = visit(browser, (site / "index.html").as_uri(), site.as_uri())
    found = header_results(page, "direct debit")
    assert found and all(not href.startswith(("/", "file:", "http")) for href in found)
    assert all((site / href).is_file() for href in found)
    assert errors == [] and outside == []
    page.close()


def search_page_results(browser: Browser, server: str, query: str) -> list[str]:
    page, errors, _ = visit(browser, server + "search.html?q=" + query, server)
    poll(lambda: page.locator(".search-results a").count() > 0)
    found = hrefs(page, ".search-results a")
    assert errors == []
    page.close()
    return found


def test_search_ranks_title_matches_first_then_headings_then_the_body(
    browser: Browser, server: str
) -> None:
    # "Router setup" has the word in its title; pages sorting before it only in their text.
    router = search_page_results(browser, server, "router")
    assert router[0] == "touchpoints/router-setup.html"
    assert "touchpoints/device-delivery.html" in router[1:]
    # A whole word in a title ranks above a part of one ("Fault reporting (app)").
    porting = search_page_results(browser, server, "porting")
    assert set(porting[:2]) == {
        "touchpoints/number-porting.html",
        "playbooks/number-porting-failures.html",
    }
    assert porting[2] == "touchpoints/fault-reporting-app.html"
    # A heading ("Why the two views disagree") ranks above the body of "About this site".
    disagree = search_page_results(browser, server, "disagree")
    assert disagree == ["playbooks/installation-reality-check.html", "pages/about.html"]


def test_search_page_shows_snippets_with_the_match_marked(browser: Browser, server: str) -> None:
    page, errors, _ = visit(browser, server + "search.html?q=sunderland", server)
    poll(lambda: page.locator(".search-results li").count() > 0)
    assert page.locator(".search-status").text_content() == "3 results for “sunderland”"
    playbook = page.locator('.search-results li:has(a[href="playbooks/phone-wait-times.html"])')
    snippet = playbook.locator(".search-snippet")
    assert "Attrition in Sunderland" in (snippet.text_content() or "")
    assert snippet.locator("mark").all_text_contents() == ["Sunderland"]
    assert len(snippet.text_content() or "") <= 170
    assert errors == []
    page.close()


def test_keyboard_reaches_the_navigation(browser: Browser, server: str) -> None:
    page, _, _ = visit(browser, server + "index.html", server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    reached = False
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('nav.site-nav')"):
            reached = True
            break
    assert reached
    page.close()


def test_playbook_filters(browser: Browser, server: str) -> None:
    page, _, _ = visit(browser, server + "playbooks/index.html", server)
    rows = page.locator("table.playbook-index tbody tr")
    total = rows.count()
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(total)]
    texts = [
        (rows.nth(i).locator("td").nth(1).inner_text() + " "
         + (rows.nth(i).get_attribute("data-touchpoints") or "")).lower()
        for i in range(total)
    ]  # fmt: skip
    drafts = [i for i, status in enumerate(statuses) if status == "draft"]
    bills = [i for i, text in enumerate(texts) if "bill" in text]
    assert drafts and bills and len(drafts) < total and len(bills) < total  # filters can bite
    page.select_option('select[data-filter="status"]', "draft")
    assert [i for i in range(total) if rows.nth(i).is_visible()] == drafts
    page.select_option('select[data-filter="status"]', "")
    page.fill('input[data-filter="touchpoint-text"]', "bill")  # Monthly bill statement, ...
    assert [i for i in range(total) if rows.nth(i).is_visible()] == bills
    page.close()


def test_a_scorecard_prints_on_one_a4_page(browser: Browser, server: str) -> None:
    page, _, _ = visit(browser, server + "touchpoints/support-call.html", server)
    poll(lambda: page.locator(".vega-chart svg").count() >= 1)
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, pages
    page.close()


def test_a_trend_chart_draws_every_row_of_its_data_table(browser: Browser, server: str) -> None:
    """The spec carries no data: the page's script reads it from the table, so the chart
    draws one point per month and series with a score, and a marker per significant change,
    counted from the table itself."""
    page, _, _ = visit(browser, server + "touchpoints/support-call.html", server)
    chart = "#chart-trend-support-call"
    spec = json.loads(page.locator(f"{chart}-spec").text_content() or "")
    assert "values" not in spec["datasets"] and "data-field" in page.content()
    poll(lambda: page.locator(f"{chart} svg").count() >= 1)
    table = page.locator(f"{chart} ~ details tbody tr")
    columns = [h.text_content() for h in page.locator(f"{chart} ~ details thead th").all()]
    score, significant = columns.index("Score"), columns.index("Significant change")
    cells = [[c.text_content() for c in row.locator("td").all()] for row in table.all()]
    with_score = sum(1 for row in cells if row[score])
    marked = sum(1 for row in cells if row[significant] == "yes")
    assert with_score > 12 and marked >= 1  # enough to tell a drawing from a blank
    symbols = page.eval_on_selector_all(
        f"{chart} svg g.mark-symbol.role-mark", "groups => groups.map(g => g.children.length)"
    )
    assert symbols == [with_score, marked]
    page.close()
