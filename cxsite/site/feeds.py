"""The Atom feed and CSV file of changes, the sitemap and the offline search index."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from cxsite.site.insights import CHANGE_REASONS, Change, PeriodChanges
from cxsite.site.views import Namer


def absolute(base_url: str | None, path: str) -> str:
    """`path` against the site's base URL when there is one; else left relative."""
    if not base_url:
        return path
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path)


def atom_feed(
    title: str,
    base_url: str | None,
    updated: str,
    changes: Sequence[Change],
    namer: Namer,
    link_of: dict[tuple[str, str], str],
) -> bytes:
    """An Atom feed with one entry per change given (the latest month's notable and
    significant ones); an entry's id is its month, level, item and dimension."""
    feed_id = absolute(base_url, "feed.xml") if base_url else "urn:cxsite:feed"
    entries = []
    for change in changes:
        kind = change.level
        name = namer.name(kind, change.id)
        dimension = namer.dimension_name(change.dimension)
        reason = CHANGE_REASONS[change.kind]
        before, now = change.before, change.now
        summary = (
            f"{name} ({kind}, {dimension}): {reason}, {change.delta_text} vs "
            f"{change.compared_with}, from {before.label} ({before.text}) in "
            f"{change.compared_with} to {now.label} ({now.text}) in {now.period}."
        )
        href = absolute(base_url, link_of[(kind, change.id)])
        entry_id = f"{feed_id}#{now.period}/{kind}/{change.id}/{change.dimension}"
        entries.append(
            "<entry>"
            f"<title>{escape(f'{name}: {dimension} {reason}, now {now.label}')}</title>"
            f"<id>{escape(entry_id)}</id>"
            f"<link href={quoteattr(href)}/>"
            f"<updated>{updated}</updated>"
            f"<summary>{escape(summary)}</summary>"
            "</entry>"
        )
    self_link = absolute(base_url, "feed.xml")
    document = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}: what changed</title>"
        f"<id>{escape(feed_id)}</id>"
        f'<link rel="self" href={quoteattr(self_link)}/>'
        f"<link href={quoteattr(absolute(base_url, 'changes.html'))}/>"
        f"<updated>{updated}</updated>"
        f"<author><name>{escape(title)}</name></author>" + "".join(entries) + "</feed>\n"
    )
    return document.encode("utf-8")


CHANGES_CSV_COLUMNS = ("period", "compared_with", "level", "id", "name", "dimension", "kind",
                       "before", "now", "change", "significant")  # fmt: skip


def changes_csv(log: Sequence[PeriodChanges], namer: Namer) -> bytes:
    """Every change of the months given, in the page's order: newest month first, then
    notable, improved and other flips, each as listed; scores and changes to 2 decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANGES_CSV_COLUMNS)
    for month in log:
        for change in month.changes:
            writer.writerow(
                (
                    month.period,
                    month.compared_with,
                    change.level,
                    change.id,
                    namer.name(change.level, change.id),
                    change.dimension,
                    change.kind,
                    change.before.csv,
                    change.now.csv,
                    change.delta_csv,
                    "true" if change.now.change_1_significant else "false",
                )
            )
    return out.getvalue().encode("utf-8")


def sitemap(base_url: str | None, paths: Sequence[str]) -> bytes:
    """Every page, absolute where a base URL is configured."""
    urls = "".join(f"<url><loc>{escape(absolute(base_url, p))}</loc></url>" for p in sorted(paths))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


@dataclass(frozen=True)
class SearchDocument:
    """A page as the offline search sees it: title and headings rank above the text."""

    title: str
    url: str
    kind: str
    headings: tuple[str, ...]
    text: str


def search_index(documents: Sequence[SearchDocument]) -> bytes:
    """A script defining `window.CX_SEARCH`: loads from file:// where fetched JSON cannot."""
    listed = [
        {"headings": list(d.headings), "kind": d.kind, "text": d.text, "title": d.title,
         "url": d.url}
        for d in documents
    ]  # fmt: skip
    text = json.dumps(listed, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return f"window.CX_SEARCH={text};\n".encode()
