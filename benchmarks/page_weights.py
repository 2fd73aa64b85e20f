"""Page weights of a built site: the largest HTML page, the median page, pages over a limit,
and the whole output, with the largest pages named.

    python benchmarks/page_weights.py output/            # a built site
    python benchmarks/page_weights.py output/ --json     # the same figures as JSON

Issue 13 asks that no HTML page be over 300 KB on a project of 2,000 touchpoints; this
script is how that is measured (the figures go into benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

LIMIT = 300 * 1000  # bytes: "no HTML page is over 300 KB"


def weights(site: Path, limit: int = LIMIT) -> dict[str, Any]:
    """The page-weight figures of the site built into `site`."""
    pages = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    if not pages:
        raise SystemExit(f"{site}: no HTML pages (build the site first)")
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = sorted(pages.items(), key=lambda item: (-item[1], item[0]))
    return {
        "pages": len(pages),
        "largest_page": largest[0][0],
        "largest_bytes": largest[0][1],
        "median_bytes": int(statistics.median(pages.values())),
        "html_bytes": sum(pages.values()),
        "output_bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "over_limit": [name for name, size in largest if size > limit],
        "top": largest[:8],
    }


def kb(size: int) -> str:
    return f"{size / 1000:,.0f} KB" if size < 10_000_000 else f"{size / 1e6:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = weights(args.site)
    if args.json:
        json.dump(figures, sys.stdout, indent=1)
        print()
        return
    print(f"{figures['pages']} pages; largest {figures['largest_page']} {kb(figures['largest_bytes'])};"
          f" median {kb(figures['median_bytes'])}; HTML {kb(figures['html_bytes'])};"
          f" whole output {kb(figures['output_bytes'])} in {figures['files']} files")  # fmt: skip
    print(f"pages over {kb(LIMIT)}: {len(figures['over_limit'])}")
    for name, size in figures["top"]:
        print(f"  {kb(size):>9}  {name}")


if __name__ == "__main__":
    main()
