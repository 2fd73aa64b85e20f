"""Markdown rendering, sanitising, and directives located and checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, ProjectFactory

from cxsite.build import build, load_project
from cxsite.cache import BuildCache, MemoryMemo
from cxsite.directives import Directive
from cxsite.markdown import (
    find_directives,
    find_directives_cached,
    markdown_parser,
    parse_markdown,
    parse_markdown_cached,
    render_markdown,
    render_markdown_cached,
    without_title,
)
from cxsite.site.directive_views import DirectiveRenderer


def plain(directive: Directive) -> str:
    return f'<span class="chip">{directive.name}:{directive.arg("touchpoint")}</span>'


def test_commonmark_plus_extensions() -> None:
    body = (
        "## Who does what\n\n| Step | Owner |\n|---|--:|\n| 1 | Billing |\n\n"
        '- [x] done\n- [ ] open\n\n!!! warning "Careful"\n    Body.\n\nA note[^n].\n\n[^n]: Text.\n'
    )
    result = render_markdown(body, plain)
    assert '<h2 id="who-does-what">Who does what</h2>' in result.html
    assert '<td style="text-align:right">Billing</td>' in result.html
    assert 'type="checkbox"' in result.html and 'checked="checked"' in result.html
    assert '<div class="admonition warning">' in result.html
    assert 'class="footnotes"' in result.html
    assert result.headings == ((2, "who-does-what", "Who does what"),)


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<a href="vbscript:msgbox(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<svg onload=alert(1)>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<object data=x></object>",
    ],
)
def test_raw_html_is_sanitised(attack: str) -> None:
    html = render_markdown(f"Hello {attack} there\n", plain).html.lower()
    forbidden = ["<script", " onerror=", 'href="javascript:', 'href="vbscript:', "<iframe"]
    forbidden += [" onload=", 'href="data:', "<object", "style=", "<svg"]
    for bad in forbidden:
        assert bad not in html


def test_external_links_get_noopener_internal_do_not() -> None:
    html = render_markdown("[a](https://example.com) [b](../touchpoints/x.html)\n", plain).html
    assert '<a href="https://example.com" rel="noopener noreferrer">a</a>' in html
    assert '<a href="../touchpoints/x.html">b</a>' in html


def test_directives_render_inline_and_as_blocks_but_not_in_code() -> None:
    body = (
        'Now {{< score touchpoint="a" >}} today.\n\n{{< trend touchpoint="b" >}}\n\n'
        '```\n{{< score touchpoint="c" >}}\n```\n'
    )
    result = render_markdown(body, plain)
    assert '<p>Now <span class="chip">score:a</span> today.</p>' in result.html
    assert '<span class="chip">trend:b</span>' in result.html
    assert '<p><span class="chip">trend' not in result.html  # a block, not wrapped in <p>
    assert "score:c" not in result.html and "{{&lt; score" in result.html
    assert [(d.line, d.col) for d in result.directives if isinstance(d, Directive)] == [
        (1, 5),
        (3, 1),
    ]


def test_directive_errors_are_located_in_the_file(make_project: ProjectFactory) -> None:
    root = make_project()
    path = root / "content" / "playbooks" / "billing-trust.md"
    path.write_text(
        path.read_text()
        + '\nWait: {{< score touchpoint="suport-call" dimension="speed" >}}\n\n'
        + '{{< chart journey="pay-a-bill" >}}\n{{< table journey="pay-a-bill" colour="red" >}}\n'
        + '{{< score stage="pay-a-bill/query" period="2025-13" >}} {{< score touchpoint="x"\n'
    )
    _, diagnostics = load_project(root, dt.date(2026, 1, 1))
    found = [(e.line, e.col, e.message, e.hint) for e in diagnostics.errors]
    lines = path.read_text().splitlines()
    wait = next(i for i, line in enumerate(lines, 1) if line.startswith("Wait:"))
    assert found == [
        (wait, 7, "unknown dimension `speed`", ""),
        (wait, 7, "unknown touchpoint `suport-call`", "did you mean `support-call`?"),
        (wait + 2, 1, "unknown directive `chart`", ""),
        (
            wait + 3,
            1,
            "unknown argument `colour` for `table`",
            "allowed: department, journey, touchpoint",
        ),
        (wait + 4, 1, "period `2025-13` is not YYYY-MM or `latest`", ""),
        (wait + 4, 57, "directive is not closed with `>}}`", ""),
    ]


def test_example_directives_are_valid() -> None:
    _, diagnostics = load_project(Path(REPO))
    assert diagnostics.errors == []


def test_a_raci_table_is_followed_by_what_its_letters_mean() -> None:
    raci = "| Step | Billing | Sales |\n|---|---|---|\n| Audit | A/R | C |\n| Tell | I | |\n"
    other = "| Step | Note |\n|---|---|\n| Audit | A big one |\n"
    html = render_markdown(raci + "\n" + other, lambda _: "").html
    assert html.count("raci-legend") == 1
    assert html.index("raci-legend") > html.index("</table>")  # after the first table only
    assert "R responsible" in html and "I informed" in html


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies markdown-it parses from now on, in this process (workers off)."""
    monkeypatch.setenv("CXSITE_WORKERS", "1")
    parser = markdown_parser()
    parsed: list[str] = []
    real = parser.parse

    def parse(src: str, env: Any = None) -> Any:
        parsed.append(src)
        return real(src, env)

    monkeypatch.setattr(parser, "parse", parse)
    return parsed


def test_a_build_parses_each_body_once(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_project()
    playbooks = root / "content" / "playbooks"
    source = (playbooks / "billing-trust.md").read_text()
    directive = '{{< score touchpoint="support-call" >}}'
    (playbooks / "with-directive.md").write_text(source + f"\nNow: {directive}\n")
    (playbooks / "untitled.md").write_text(
        source.replace("# When trust in bills drops\n", f"Intro {directive}\n")
    )
    (playbooks / "title-directive.md").write_text(
        source.replace("# When trust in bills drops", f"# Trust {directive}") + "More.\n"
    )
    bodies = len(list(playbooks.glob("*.md"))) + len(list((root / "content").glob("*.md")))
    parsed = count_parses(monkeypatch)
    result = build(root, tmp_path / "out", cache=BuildCache.in_memory(MemoryMemo()))
    assert result.output is not None
    # A directive in the title line changes what follows it (numbering), so that body alone
    # is parsed twice: whole for its check, without its title for its page.
    twice = without_title((playbooks / "title-directive.md").read_text().split("---\n", 2)[2])
    assert len(parsed) == bodies + 1 and twice in parsed
    assert len(set(parsed)) == len(parsed)  # no string parsed twice
    page = (tmp_path / "out" / "playbooks" / "with-directive.html").read_text()
    assert "{{&lt;" not in page and "{{<" not in page


def test_a_body_without_a_directive_is_not_parsed_to_be_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = count_parses(monkeypatch)
    memo = MemoryMemo()
    assert find_directives_cached("# Title\n\nNo directive {{ here }}.\n", memo) == []
    assert find_directives("Only `code`.\n") == []
    assert parsed == [] and memo.values == {}


SHOWN = [
    "\n\nNo title {{< score >}}\n\n## Part\n",
    "Intro {{< score >}}\n\n# Title\n",
    '# Title\n\nText {{< score overall="" >}}.\n\n## Part\n\n## Part\n',
    '\n\n# Title\nStraight on {{< trend journey="j" >}}\n',
    '# Title with a note[^1]\n\n{{< score overall="" >}}[^1] and [^2].\n\n[^1]: One.\n[^2]: Two.\n',
    '# Title {{< score overall="" >}}\n\n{{< trend journey="j" >}}\n',
    '# Title [link][r]\n\n{{< score overall="" >}}\n\n[r]: https://example.com\n',
    "# {{<\n",
    "#  Title  #\n    code {{< score >}}\n",
    "Not a title {{< score >}}\n# Title\n",
    "  # Indented title {{< score >}}\n\nText.\n",
    "# Title\n===\n{{< score >}}\n",
    "# Title\n| a | b |\n|---|---|\n| R | A {{< score >}} |\n",
    "# Title\n- [ ] task {{< score >}}\n> quote\n",
]


@pytest.mark.parametrize("body", SHOWN)
def test_a_body_checked_is_kept_parsed_as_its_page_shows_it(body: str) -> None:
    memo = MemoryMemo()
    found = find_directives_cached(body, memo, shown_without_title=True)
    assert found == find_directives(body)
    shown = without_title(body)
    assert parse_markdown_cached(shown, memo) == parse_markdown(shown)
    assert memo.misses == 1  # the directives; the page's parse was there


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "content").rglob("*.md")))
def test_the_examples_kept_parsed_render_as_parsed_afresh(name: str) -> None:
    path = next((REPO / "content").rglob(name))
    body = path.read_text().split("---\n", 2)[-1]
    memo = MemoryMemo()
    find_directives_cached(body + "{{< score >}}\n", memo, shown_without_title=True)
    shown = without_title(body + "{{< score >}}\n")
    assert parse_markdown_cached(shown, memo) == parse_markdown(shown)
    render = plain
    assert render_markdown_cached(body, render, memo) == render_markdown(body, render)


def test_a_score_directive_is_rendered_once_per_page_depth(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CXSITE_WORKERS", "1")
    root = make_project()
    playbooks = root / "content" / "playbooks"
    source = (playbooks / "billing-trust.md").read_text()
    score = '{{< score touchpoint="support-call" >}}'
    trend = '{{< trend touchpoint="support-call" >}}'
    for name in ("first", "second"):
        (playbooks / f"{name}.md").write_text(f"{source}\nNow {score}.\n\n{trend}\n")
    rendered: list[str] = []
    real = DirectiveRenderer._render

    def counting(self: DirectiveRenderer, directive: Directive, root: str, chart_id: str) -> str:
        rendered.append(directive.name)
        return real(self, directive, root, chart_id)

    monkeypatch.setattr(DirectiveRenderer, "_render", counting)
    built = build(root, tmp_path / "out", cache=BuildCache.in_memory(MemoryMemo()))
    assert built.output is not None
    assert sorted(rendered) == ["score", "trend", "trend"]  # a trend holds its page's chart id
    pages = [
        (tmp_path / "out" / "playbooks" / f"{n}.html").read_text() for n in ("first", "second")
    ]
    chips = [page.split("Now ", 1)[1].split("</p>", 1)[0] for page in pages]
    assert chips[0] == chips[1] and 'class="directive-score"' in chips[0]
    assert all('class="directive-trend"' in page for page in pages)
