"""The built site: determinism, golden pages, what each page must show, escaping, themes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html import escape as html_escape
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import REPO, ProjectFactory
from scoring_support import long_csv

from cxsite import __version__
from cxsite.build import build

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_PAGES = {
    "home": "index.html",
    "journey": "journeys/fix-a-fault.html",
    "scorecard": "touchpoints/support-call.html",
    "playbook": "playbooks/billing-trust-recovery.html",
    "department": "departments/customer-service.html",
}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(REPO, tmp_path_factory.mktemp("site") / "out")
    assert result.output is not None
    return result.output


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(example_site: Path, tmp_path: Path) -> None:
    again = build(REPO, tmp_path / "again")
    assert again.output is not None
    first, second = files_of(example_site), files_of(again.output)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_a_cold_build_in_another_process_is_byte_identical(
    example_site: Path, tmp_path: Path
) -> None:
    """A copy of the example (no build cache), built in a new process with another hash seed."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("cxsite.yaml", "data", "content", "themes"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, project / name)
    done = subprocess.run(
        [sys.executable, "-m", "cxsite", "--project", str(project), "build"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
    )
    assert done.returncode == 0, done.stderr
    first, second = files_of(example_site), files_of(project / "output")
    downloads = ["scores.csv", "scores.json", "scores.parquet", "persona-scores.parquet"]
    assert all(first[f"data/{name}"] for name in downloads)
    assert sorted(first) == sorted(second) and len(first) > 100
    assert [name for name in first if first[name] != second[name]] == []


def test_the_only_date_comes_from_source_date_epoch_or_the_data(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "<updated>2026-10-01T00:00:00Z</updated>" in (example_site / "feed.xml").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    result = build(REPO, tmp_path / "dated")
    assert result.output is not None
    assert "<updated>2026-01-01T00:00:00Z</updated>" in (result.output / "feed.xml").read_text()


def normalise(html: str) -> str:
    """HTML without the version number and with whitespace between tags collapsed."""
    html = html.replace(__version__, "VERSION")
    html = re.sub(r">\s+<", ">\n<", html)
    return re.sub(r"[ \t]+", " ", html).strip() + "\n"


@pytest.mark.parametrize("name", list(GOLDEN_PAGES))
def test_golden_pages(example_site: Path, name: str) -> None:
    actual = normalise((example_site / GOLDEN_PAGES[name]).read_text())
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("CXSITE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual)
    assert golden.is_file(), "run with CXSITE_UPDATE_GOLDEN=1 once to create the golden files"
    assert actual == golden.read_text(), (
        f"{name} differs; review and rerun with CXSITE_UPDATE_GOLDEN=1"
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def latest_rows(site: Path) -> list[dict[str, str]]:
    """The latest month's rows of the built site's scores.csv."""
    rows = list(csv.DictReader(io.StringIO((site / "data" / "scores.csv").read_text())))
    latest = max(r["period"] for r in rows)
    return [r for r in rows if r["period"] == latest]


def owners() -> dict[str, str]:
    """Each example touchpoint's owning department's name, read from the YAML."""
    names = {
        d["id"]: d["name"] for d in yaml.safe_load((REPO / "data/departments.yaml").read_text())
    }
    return {
        item["id"]: names[item["owner"]]
        for path in sorted((REPO / "data" / "touchpoints").glob("*.yaml"))
        for item in [yaml.safe_load(path.read_text())]
    }


def test_home_leads_with_what_is_red_where_and_whose(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    rows = latest_rows(example_site)
    red = [r for r in rows if r["level"] == "touchpoint" and r["status"] == "red"]
    red_touchpoints = sorted({r["id"] for r in red})
    brief = text_of(html[html.index('class="brief"') : html.index('id="attention-heading"')])
    headline = f"{len(red)} scores are red at {len(red_touchpoints)} touchpoints"
    assert headline in brief
    attention = html[html.index('id="attention-heading"') : html.index('id="dimensions-heading"')]
    owner_of = owners()
    for touchpoint in red_touchpoints:  # every red touchpoint named with its owner, once
        row = attention[attention.index(f'href="touchpoints/{touchpoint}.html"') :]
        row = row[: row.index("</tr>")]
        assert html_escape(owner_of[touchpoint]) in text_of(row), touchpoint
        assert attention.count(f'href="touchpoints/{touchpoint}.html"') == 1
    call = text_of(attention[attention.index('href="touchpoints/support-call.html">') + 37 :])
    assert call.startswith("Support call (phone) Response time 32.9 Red below the amber threshold")
    assert "Phone wait times" in call[: call.index("Broadband")]
    heatmap = html[
        html.index('class="heatmap"') : html.index("</table>", html.index('class="heatmap"'))
    ]
    assert heatmap.count("<tr>") == 1 + 7  # header + one row per journey
    blind = text_of(html[html.index('id="blind-heading"') : html.index('id="ip-heading"')])
    assert "Broadband installation visit" in blind
    for quadrant in ("Fix first", "Keep up", "Low priority", "Possible overkill"):
        assert f"<h3>{quadrant} <small>" in html
    assert "Badge" not in html and 'class="badge' not in html  # one way to show a status


def test_journey_map_is_a_blueprint_with_persona_scores(example_site: Path) -> None:
    html = (example_site / "journeys" / "switch-to-us.html").read_text()
    assert "Pre-sale" in html and "Post-sale" in html
    assert html.count('class="lane"') >= 3  # one swimlane per department involved
    assert 'class="role role-owns"' in html and "(supports)" in html
    assert 'class="cell-' in html  # lane cells tinted by the worst owned status
    assert 'id="persona-switch"' in html and 'id="chart-curve-switch-to-us"' in html
    assert 'href="../touchpoints/' in html
    data = html[html.index('id="persona-scores">') + 20 :]
    switch = json.loads(data[: data.index("</script>")])
    personas, reasons = switch["personas"], switch["reasons"]
    breakdown = pd.read_parquet(example_site / "data" / "persona-scores.parquet")
    latest = max(breakdown["period"])
    expectations = {  # (touchpoint, dimension) -> expectation, from the YAML
        (item["id"], dimension): value
        for path in (REPO / "data" / "touchpoints").glob("*.yaml")
        for item in [yaml.safe_load(path.read_text())]
        for dimension, value in item.get("expectations", {}).items()
    }

    def status(level: str, item: str, dimension: str, score: float) -> str:
        """docs/scoring.md §7 by hand: against the expectation E (green ≥ E, amber ≥ E − 10),
        else the thresholds 75 and 60."""
        bar = expectations.get((item, dimension)) if level == "touchpoint" else None
        green, amber = (75, 60) if bar is None else (bar, bar - 10)
        return "green" if score >= green else "amber" if score >= amber else "red"

    expected = {
        (p["persona"], p["level"], p["id"], p["dimension"]): (
            f"{p['score']:.2f}",
            status(p["level"], p["id"], p["dimension"], p["score"]),
        )
        for p in breakdown.to_dict("records")
        if p["period"] == latest
    }
    checked = 0
    for persona, entry in personas.items():
        for slot, value in entry["scores"].items():
            level, item, dimension = slot.split("|")
            key = (persona, level, item, dimension)
            if isinstance(value, list):  # [csv, status, text, reason, n, low n, interval]
                assert (value[0], value[1]) == expected[key], key
                assert value[2] == f"{float(value[0]):.1f}"
                reason = reasons[value[3]]
                assert ("threshold" in reason) or ("expectation" in reason), reason
                checked += 1
            else:  # a reason in words, where that persona has no score
                assert key not in expected and value.startswith("No score"), key
    assert checked > 50


def test_scorecard_says_why_each_colour_and_lists_firing_playbooks(example_site: Path) -> None:
    html = (example_site / "touchpoints" / "equipment-return.html").read_text()
    assert (
        "Low sample (“low n”, under 30 answers):" in html and "Read these scores with care." in html
    )
    call = text_of((example_site / "touchpoints" / "support-call.html").read_text())
    assert "Phone wait times (active) firing now: Response time 32.9 Red" in call
    assert "Response time 32.9 Red below the amber threshold 60" in call
    assert "3 min" in call and "vs 2026-09" in call
    bill = text_of((example_site / "touchpoints" / "bill-statement.html").read_text())
    assert re.search(r"Trust \d+\.\d (Green|Amber|Red) \S.*?\(set on this touchpoint\)", bill)
    assert "Expectation applied" in bill and " 85 " in bill


def test_dimension_pages_order_agrees_with_colours(example_site: Path) -> None:
    rank = {"red": 0, "amber": 1, "green": 2}
    for page in (example_site / "dimensions").glob("*.html"):
        if page.name == "index.html":
            continue
        html = page.read_text()
        statuses = re.findall(r'<td><span class="chip status-(\w+)"', html)
        assert statuses, page
        assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses), page


def test_playbook_has_header_card_live_scores_and_one_h1(example_site: Path) -> None:
    html = (example_site / "playbooks" / "billing-trust-recovery.html").read_text()
    assert html.count("<h1") == 1
    assert '<dl class="facts">' in html and "score below 60" in html
    assert 'class="directive-score"' in html and 'class="directive-trend"' in html
    assert "{{&lt;" not in html and "{{<" not in html


def change_sections(html: str) -> list[tuple[str, str, str]]:
    """(period, compared month, section HTML) of each month on the changes page."""
    return re.findall(
        r'<section class="change-period"[^>]*>\s*<h2[^>]*>(\d{4}-\d\d) compared with '
        r"(\d{4}-\d\d)</h2>(.*?)</section>",
        html,
        re.S,
    )


def listed_changes(section: str) -> list[tuple[str, str, str]]:
    """(kind, key of the score now as level|id|dimension|period, text) of each table row."""
    rows = re.findall(r'<tr class="change change-([a-z-]+)">(.*?)</tr>', section, re.S)
    return [(kind, re.findall(r'data-key="([^"]+)"', row)[1], text_of(row)) for kind, row in rows]


def test_changes_page_and_feed_agree(example_site: Path) -> None:
    feed = (example_site / "feed.xml").read_text()
    entry_ids = re.findall(r"<entry><title>[^<]*</title><id>[^<#]*#([^<]+)</id>", feed)
    period, compared, section = change_sections((example_site / "changes.html").read_text())[0]
    assert (period, compared) == ("2026-10", "2026-09")
    rows = listed_changes(section)
    kinds = [kind for kind, _, _ in rows]
    keys = []
    for key in (key.split("|") for _, key, _ in rows):
        keys.append(f"{key[3]}/{key[0]}/{key[1]}/{key[2]}")
    # The feed has one entry per notable or improved change of the newest month, in page order.
    assert set(kinds) == {"new-red", "drop", "improved"}
    assert entry_ids == keys and len(entry_ids) == len(set(entry_ids)) == feed.count("<entry>")
    assert all(key.startswith("2026-10/") for key in entry_ids)
    summaries = re.findall(r"<summary>([^<]+)</summary>", feed)
    assert len(summaries) == len(entry_ids)
    assert all(" vs 2026-09, from " in s and " in 2026-10." in s for s in summaries)


def test_changes_page_lists_new_reds_first_and_names_the_month_compared(
    example_site: Path,
) -> None:
    html = (example_site / "changes.html").read_text()
    sections = change_sections(html)
    assert [(p, c) for p, c, _ in sections] == [
        ("2026-10", "2026-09"), ("2026-09", "2026-08"), ("2026-08", "2026-07"),
        ("2026-07", "2026-06"), ("2026-06", "2026-05"), ("2026-05", "2026-04"),
    ]  # fmt: skip
    kinds = [kind for kind, _, _ in listed_changes(sections[0][2])]
    reds = kinds.count("new-red")
    assert reds >= 1 and len(kinds) > reds
    assert kinds[:reds] == ["new-red"] * reds  # new reds before every other row
    assert kinds == sorted(kinds, key=["new-red", "drop", "improved"].index)
    for period, compared, section in sections:
        listed = [text for _, _, text in listed_changes(section)]
        listed += [text_of(li) for li in re.findall(r'<li class="change[^>]*>.*?</li>', section)]
        assert listed, period
        assert all(f" vs {compared}" in text for text in listed), period
        assert all(re.search(r"(\u2212|\+|±)\d+\.\d vs ", text) for text in listed), period
    assert 'href="data/changes.csv"' in html and 'href="feed.xml"' in html


def test_changes_csv_holds_every_change_the_page_counts(example_site: Path) -> None:
    text = (example_site / "data" / "changes.csv").read_text()
    assert text.splitlines()[0] == (
        "period,compared_with,level,id,name,dimension,kind,before,now,change,significant"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    html = (example_site / "changes.html").read_text()
    capped = 0
    for period, compared, section in change_sections(html):
        of_period = [r for r in rows if r["period"] == period]
        assert {r["compared_with"] for r in of_period} == {compared}
        listed = [(kind, key) for kind, key, _ in listed_changes(section)]
        for kinds, more in (
            (("new-red", "drop"), "new reds and significant drops"),
            (("improved",), "significant improvements"),
            (("flip-worse", "flip-better"), "changes of status"),
        ):
            in_csv = [
                (r["kind"], f"{r['level']}|{r['id']}|{r['dimension']}|{period}")
                for r in of_period
                if r["kind"] in kinds
            ]
            found = re.search(rf"And (\d+) more {more} in", section)
            not_listed = int(found.group(1)) if found else 0
            capped += not_listed
            if kinds[0] == "flip-worse":  # folded: a count, then at most 50 listed
                summary = re.search(r"<summary>(\d+) other changes of status", section)
                assert summary is not None and int(summary.group(1)) == len(in_csv) > 0
                items = re.findall(r'<li class="change change-([a-z-]+)"', section)
                assert items == [kind for kind, _ in in_csv[:50]]
                assert not_listed == len(in_csv) - len(items)
            else:
                shown = [row for row in listed if row[0] in kinds]
                assert shown == in_csv[: len(shown)]
                assert len(shown) + not_listed == len(in_csv)
    assert capped > 0  # some month of the example lists fewer than it has
    # −13.13 is 57.02 − 70.15 (Student Sophie's response time, a new red in 2026-10).
    assert text.splitlines()[1] == (
        "2026-10,2026-09,persona,student,Student Sophie,response_time,new-red,70.15,57.02,"
        "-13.13,true"
    )


def test_hand_offs_are_grouped_by_stage_boundary_and_department(example_site: Path) -> None:
    journey = (example_site / "journeys" / "fix-a-fault.html").read_text()
    table = journey[
        journey.index("<h2>Hand-offs") : journey.index("</table>", journey.index("<h2>Hand-offs"))
    ]
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table, re.S)
    assert len(rows) == 8  # 23 touchpoint pairs before; see test_insights for the groups
    boundaries = [unescape(text_of(row.split("</td>")[0])).strip() for row in rows]
    assert (
        boundaries
        == ["Check whether it's us → Report the fault"] * 4
        + ["Report the fault → Get it repaired"] * 4
    )
    department = (example_site / "departments" / "customer-service.html").read_text()
    start = department.index("<h2>Hand-offs")
    assert department[start : department.index("</table>", start)].count("<tr><td>") == 12


def test_downloads_sitemap_404_and_search_index(example_site: Path) -> None:
    for name in (
        "data/scores.csv",
        "data/scores.json",
        "data/scores.parquet",
        "data/persona-scores.parquet",
        "404.html",
        "sitemap.xml",
        "assets/vendor/vega-bundle.js",
    ):
        assert (example_site / name).is_file(), name
    sitemap = (example_site / "sitemap.xml").read_text()
    assert (
        "<loc>https://intranet.northwind.example/cx/touchpoints/support-call.html</loc>" in sitemap
    )
    playbooks = [d for d in search_documents(example_site) if d["kind"] == "playbook"]
    assert len(playbooks) == 10 and all(d["text"] for d in playbooks)


def search_documents(site: Path) -> list[dict[str, Any]]:
    index = (site / "assets" / "search-index.js").read_text()
    documents: list[dict[str, Any]] = json.loads(
        index.removeprefix("window.CX_SEARCH=").removesuffix(";\n")
    )
    return documents


def test_search_index_documents_carry_their_h2_and_h3_headings(example_site: Path) -> None:
    by_url = {d["url"]: d for d in search_documents(example_site)}
    assert by_url["playbooks/phone-wait-times.html"]["headings"] == [
        "What the data is telling us",
        "Runbook",
        "Who does what",
        "Escalation",
        "Checklist",
    ]
    # The page's `# About this site` is its h1: the title's business, not a heading's.
    assert by_url["pages/about.html"]["headings"] == [
        "What you will find",
        "How the scores work",
        "Who to contact",
    ]
    assert by_url["touchpoints/support-call.html"]["headings"] == []
    assert all(sorted(d) == ["headings", "kind", "text", "title", "url"] for d in by_url.values())


def test_search_headings_leave_out_h4_and_deeper(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project()
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    playbook.write_text(
        playbook.read_text()
        + "\n## Runbook\n\nSteps.\n\n### First hour\n\nCall.\n\n#### Fine print\n\nNone.\n"
    )
    result = build(root, tmp_path / "out")
    assert result.output is not None, [d.format() for d in result.diagnostics.errors]
    by_url = {d["url"]: d for d in search_documents(result.output)}
    assert by_url["playbooks/billing-trust.html"]["headings"] == ["Runbook", "First hour"]
    assert "Fine print" in by_url["playbooks/billing-trust.html"]["text"]


class _Elements(HTMLParser):
    """Event-handler attributes, embeds, and scripts that are neither external nor JSON data."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        attributes = dict(attrs)
        if tag in ("iframe", "object", "embed"):
            self.scripts.append(tag)
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != "application/json"
        ):
            self.scripts.append("inline script")


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_values_from_data_and_front_matter_are_escaped(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project("folder")
    touchpoint = root / "data" / "touchpoints" / "app-login.yaml"
    touchpoint.write_text(
        touchpoint.read_text().replace("name: App login", f"name: '{XSS}'")
        + f"description: '{XSS}'\n"
    )
    persona = root / "data" / "personas" / "busy-parent.yaml"
    persona.write_text(persona.read_text().replace("quote: Just make it work.", f"quote: '{XSS}'"))
    playbook = root / "content" / "playbooks" / "billing-trust.md"
    playbook.write_text(
        playbook.read_text().replace("title: Billing trust recovery", f"title: '{XSS}'")
    )
    (root / "data" / "measurements").mkdir()
    rows = [("app-login", "quality", "2025-01", 4)] * 12
    (root / "data" / "measurements" / "r.csv").write_text(long_csv(rows))
    (root / "cxsite.yaml").write_text(
        "title: T\nmeasurements:\n"
        "  - {path: data/measurements/r.csv, layout: long, kind: rating, scale: [1, 5]}\n"
    )
    result = build(root, tmp_path / "out")
    assert result.output is not None, [d.format() for d in result.diagnostics.items]
    for page in result.output.rglob("*.html"):
        parser = _Elements()
        parser.feed(page.read_text())
        assert parser.handlers == [], page
        assert parser.scripts == [], page
    home = (result.output / "index.html").read_text()
    assert "\\u003cscript\\u003e" in home or "&lt;script&gt;" in home


def test_a_project_theme_overrides_a_template_and_an_asset(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project()
    theme = root / "themes" / "brand"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "base.html").write_text(
        '{% extends "default:base.html" %}'
        '{% block header %}<span class="brand-mark">BRAND</span>{% endblock %}'
    )
    (theme / "static" / "cxsite.css").write_text("body { color: rebeccapurple; }\n")
    (root / "cxsite.yaml").write_text("title: T\ntheme: brand\n")
    result = build(root, tmp_path / "out")
    assert result.output is not None
    assert '<span class="brand-mark">BRAND</span>' in (result.output / "index.html").read_text()
    assert "rebeccapurple" in (result.output / "assets" / "cxsite.css").read_text()
    assert 'class="skip-link"' in (result.output / "touchpoints" / "app-login.html").read_text()


def test_scores_only_project_without_measurements_builds(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    result = build(make_project(), tmp_path / "out")
    assert result.output is not None
    assert "no data" in (result.output / "touchpoints" / "app-login.html").read_text()


def test_every_page_has_a_strict_content_security_policy(example_site: Path) -> None:
    for page in example_site.rglob("*.html"):
        html = page.read_text()
        match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert match, page
        policy = dict(part.strip().split(" ", 1) for part in match.group(1).split(";"))
        assert policy["script-src"] == "'self'", page  # no unsafe-inline, no unsafe-eval
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
        assert "unsafe" not in policy["style-src"]


def test_theme_files_linking_outside_are_not_copied(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project()
    (tmp_path / "private.txt").write_text("salary data")
    static = root / "themes" / "brand" / "static"
    static.mkdir(parents=True)
    (static / "leak.txt").symlink_to(tmp_path / "private.txt")
    (static / "ok.css").write_text("a { color: red; }\n")
    (root / "cxsite.yaml").write_text("title: T\ntheme: brand\n")
    result = build(root, tmp_path / "out")
    assert result.output is not None
    assert (result.output / "assets" / "ok.css").is_file()
    assert not (result.output / "assets" / "leak.txt").exists()


def test_every_build_writes_current_editor_schemas(example_site: Path) -> None:
    schema = json.loads((example_site / "schema" / "touchpoint.schema.json").read_text())
    owner = schema["$defs"]["Touchpoint"]["properties"]["owner"]
    assert "customer-service" in owner["enum"]
    assert (example_site / "schema" / "playbook.schema.json").is_file()


def test_only_active_playbooks_fire(example_site: Path) -> None:
    index = (example_site / "playbooks" / "index.html").read_text()
    rows = re.findall(
        r'data-touchpoints="[^"]*" data-status="(\w+)" data-firing="(\w+)">',
        index,
    )
    assert rows and all(status == "active" for status, firing in rows if firing == "yes")
    assert any(status != "active" for status, _ in rows)
