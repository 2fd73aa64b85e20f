"""markdown-it-py (cxsite's parser, with its plugins and directive rule) beside
markdown-it-pyrs (the Rust port) on the same playbook bodies: parse + render + sanitise time,
and how many bodies come out with byte-identical HTML.

    python benchmarks/markdown_parsers.py                   # the large size's 1,000 playbooks
    python benchmarks/markdown_parsers.py --plain 1000      # plain bodies (run.py --plain-playbooks)
    python benchmarks/markdown_parsers.py --project DIR     # a project's playbooks
    python benchmarks/markdown_parsers.py --fuzz 20000      # random bodies: panics, differences

markdown-it-pyrs is not a dependency of cxsite; install it beside, e.g.
`pip install --target /tmp/pyrs-lib markdown-it-pyrs==0.4.0` and add /tmp/pyrs-lib to
PYTHONPATH. Three ways are timed, each the best of --repeat runs in this process:
- markdown-it-py: what cxsite uses (`parse_markdown`: parse, render, sanitise);
- markdown-it-pyrs alone: its closest set of plugins (tables, strikethrough, task lists,
  footnotes), sanitised;
- markdown-it-pyrs made to match (pyrs_path.py): for the bodies it `fits`, with cxsite's
  heading ids, headings and search text; markdown-it-py for the rest.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

try:
    import markdown_it_pyrs
except ImportError:
    raise SystemExit("markdown-it-pyrs is missing: see this script's docstring") from None

import pyrs_path  # noqa: E402
from generate import SIZES, write_playbooks  # noqa: E402
from run import front_matter, plain_body  # noqa: E402

from cxsite.markdown import ParsedMarkdown, parse_markdown, sanitise, without_title  # noqa: E402


def generated_bodies() -> list[str]:
    """The playbooks of the large size, as benchmarks/generate.py writes them."""
    size = SIZES["large"]
    ids = [f"touchpoint-{number:04d}" for number in range(size.touchpoints)]
    with tempfile.TemporaryDirectory() as folder:
        write_playbooks(Path(folder), size, ids, np.random.default_rng(2026))
        return project_bodies(Path(folder))


def project_bodies(root: Path) -> list[str]:
    """The project's playbook bodies as their pages show them (without the title line)."""
    paths = sorted((root / "content" / "playbooks").glob("*.md"))
    return [without_title(front_matter(path.read_text())[1]) for path in paths]


def pyrs_alone() -> Callable[[str], str]:
    parser = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
        ["table", "strikethrough", "tasklist", "footnote"]
    )
    return lambda body: sanitise(parser.render(body))


def pyrs_matched(body: str) -> ParsedMarkdown:
    """pyrs_path's rendering where it takes the body, markdown-it-py's elsewhere."""
    rendered = pyrs_path.render(body) if pyrs_path.fits(body) else None
    if rendered is None:
        return parse_markdown(body)
    html, headings, text = rendered
    return ParsedMarkdown(sanitise(html), headings, text, ())


def best(bodies: list[str], convert: Callable[[str], Any], repeat: int) -> tuple[float, list[Any]]:
    times: list[float] = []
    out: list[Any] = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = [convert(body) for body in bodies]
        times.append(time.perf_counter() - started)
    return min(times), out


def compare(bodies: list[str], what: str, repeat: int) -> None:
    words = sum(len(body.split()) for body in bodies) / max(1, len(bodies))
    print(f"{len(bodies):,} {what}, {words:.0f} words on average")
    for warm in bodies[:5]:  # first-call setup (plugins, lazy imports) is not per-body time
        parse_markdown(warm), pyrs_alone()(warm), pyrs_matched(warm)
    py_time, reference = best(bodies, parse_markdown, repeat)
    rs_time, alone = best(bodies, pyrs_alone(), repeat)
    matched_time, matched = best(bodies, pyrs_matched, repeat)
    taken = sum(pyrs_path.fits(b) and pyrs_path.render(b) is not None for b in bodies)
    html = [parsed.html for parsed in reference]

    def same(outputs: list[str]) -> str:
        equal = sum(a == b for a, b in zip(outputs, html, strict=True))
        return f"{equal:,} of {len(bodies):,} identical to markdown-it-py's HTML"

    rows = [
        ("markdown-it-py (cxsite)", py_time, "the reference"),
        ("markdown-it-pyrs alone", rs_time, same(alone)),
        (
            f"markdown-it-pyrs matched ({taken:,} taken)",
            matched_time,
            same([p.html for p in matched])
            + (", headings and text too" if matched == reference else ", NOT headings and text"),
        ),
    ]
    print(f"{'parser':40} {'parse+render+sanitise':>22}  {'speed':>6}  HTML")
    for name, seconds, note in rows:
        print(f"{name:40} {seconds:>20.3f} s  {py_time / seconds:>5.1f}×  {note}")


ALPHABET = [*"abc xyz 123", *"*_`#>-+ \n\n[]()!<>&;\\~=:.\"'/", "# ", "## ", "### ", "\n- "]
ALPHABET += ["\n1. ", "\n> ", "    ", "```", "<b>", "</b>", "&amp;", "http://x.y", "[a]: /u\n"]
ALPHABET += ["\n\n", "***", "__", "<div>", "é", "—"]


def fuzz(count: int, seed: int = 1) -> None:
    """Random bodies of Markdown's marks: how often the port panics, and how often the
    matched rendering differs from markdown-it-py's where it takes a body."""
    rnd = random.Random(seed)
    fit = taken = panics = different = 0
    for _ in range(count):
        body = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(5, 60))) + "\n"
        if not pyrs_path.fits(body):
            continue
        fit += 1
        try:
            rendered = pyrs_path.render(body)
        except BaseException as panic:  # a Rust panic is a BaseException, not an Exception
            if type(panic).__name__ != "PanicException":
                raise
            panics += 1
            continue
        if rendered is None:
            continue
        taken += 1
        html, headings, text = rendered
        different += ParsedMarkdown(sanitise(html), headings, text, ()) != parse_markdown(body)
    print(f"{count:,} random bodies: {fit:,} fit; markdown-it-pyrs panics on {panics:,};")
    print(f"of the {taken:,} it renders, {different:,} differ from markdown-it-py's")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, help="a project whose playbooks to use")
    parser.add_argument("--plain", type=int, help="this many plain bodies of about 600 words")
    parser.add_argument("--fuzz", type=int, help="this many random bodies instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.fuzz:
        fuzz(args.fuzz)
    elif args.project is not None:
        compare(project_bodies(args.project), f"playbooks of {args.project}", args.repeat)
    elif args.plain:
        plain = [without_title(plain_body(number)) for number in range(args.plain)]
        compare(plain, "plain bodies (headings, paragraphs, lists)", args.repeat)
    else:
        compare(generated_bodies(), "generated playbooks of the large size", args.repeat)


if __name__ == "__main__":
    main()
