"""markdown-it-py (cxsite's parser, with its plugins and directive rule) beside
markdown-it-pyrs (the Rust port) on the same playbook bodies: parse + render + sanitise time,
and how many bodies come out with byte-identical HTML.

    .venv/bin/python benchmarks/markdown_parsers.py                  # the large size's 1,000 playbooks
    .venv/bin/python benchmarks/markdown_parsers.py --plain 1000     # plain bodies (run.py --plain-playbooks)
    .venv/bin/python benchmarks/markdown_parsers.py --project DIR    # a project's playbooks

Three ways are timed, each the best of --repeat runs in this process:
- markdown-it-py: what cxsite used for every body before (`markdown_parser()`, sanitised);
- markdown-it-pyrs alone: its closest set of plugins (tables, strikethrough, task lists,
  footnotes), sanitised; its HTML compared with markdown-it-py's;
- cxsite now (`parse_markdown`): markdown-it-pyrs for the bodies it renders exactly as
  markdown-it-py does (cxsite/markdown_pyrs.py), markdown-it-py for the rest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown_it_pyrs
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SIZES, write_playbooks  # noqa: E402
from run import front_matter, plain_body  # noqa: E402

from cxsite import markdown_pyrs  # noqa: E402
from cxsite.markdown import (  # noqa: E402
    _parsed,
    markdown_parser,
    parse_markdown,
    sanitise,
    without_title,
)


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


def by_markdown_it_py(body: str) -> str:
    env: dict[str, Any] = {}
    return _parsed(markdown_parser().parse(body, env), env).html


def pyrs_alone() -> Callable[[str], str]:
    parser = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
        ["table", "strikethrough", "tasklist", "footnote"]
    )
    return lambda body: sanitise(parser.render(body))


def best(bodies: list[str], convert: Callable[[str], str], repeat: int) -> tuple[float, list[str]]:
    times, out = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        out = [convert(body) for body in bodies]
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, help="a project whose playbooks to use")
    parser.add_argument("--plain", type=int, help="this many plain bodies of about 600 words")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.project is not None:
        bodies, what = project_bodies(args.project), f"playbooks of {args.project}"
    elif args.plain:
        bodies = [without_title(plain_body(number)) for number in range(args.plain)]
        what = "plain bodies (headings, paragraphs, lists)"
    else:
        bodies, what = generated_bodies(), "generated playbooks of the large size"
    words = sum(len(body.split()) for body in bodies) / max(1, len(bodies))
    print(f"{len(bodies):,} {what}, {words:.0f} words on average")

    for warm in bodies[:5]:  # first-call setup (plugins, lazy imports) is not per-body time
        by_markdown_it_py(warm), parse_markdown(warm), pyrs_alone()(warm)
    py_time, reference = best(bodies, by_markdown_it_py, args.repeat)
    rs_time, alone = best(bodies, pyrs_alone(), args.repeat)
    cx_time, now = best(bodies, lambda body: parse_markdown(body).html, args.repeat)
    taken = sum(markdown_pyrs.fits(b) and markdown_pyrs.render(b) is not None for b in bodies)

    def same(htmls: list[str]) -> str:
        equal = sum(a == b for a, b in zip(htmls, reference, strict=True))
        return f"{equal:,} of {len(bodies):,} identical to markdown-it-py's HTML"

    rows = [
        ("markdown-it-py (cxsite before)", py_time, "the reference"),
        ("markdown-it-pyrs alone", rs_time, same(alone)),
        (f"cxsite now (pyrs for {taken:,})", cx_time, same(now)),
    ]
    print(f"{'parser':34} {'parse+render+sanitise':>22}  {'vs markdown-it-py':>17}  HTML")
    for name, seconds, note in rows:
        print(f"{name:34} {seconds:>20.3f} s  {py_time / seconds:>16.1f}×  {note}")


if __name__ == "__main__":
    main()
