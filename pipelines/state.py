"""What an archive already holds, as the crawler needs to know it (incremental and resumed crawls)."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils

from pipelines.recheck import is_due, parse_schedule
from kinhtedothi.vocab.generations import era, newest_era
from kinhtedothi.vocab.sources import CAPTURE_SOURCES, LIVE

# A reading of the site itself: a visit by the crawler (or a row made before the source column).
READ_LIVE = (f"coalesce({{table}}source, '{LIVE.name}') NOT IN "
             f"({', '.join(repr(name) for name in sorted(CAPTURE_SOURCES))})")


class ArchiveState:
    """Read-only questions about the archive; mixed into ``pipelines.archive.Archive``."""

    db: sqlite_utils.Database

    def known_links(self) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
        """Addresses, and ids in their numbering, that need no fetch, each with the era of the site's
        generation the story was last read in (``kinhtedothi.vocab.generations``): a listing of a newer
        generation reads such a story again, to learn its address today. Links settled as errors too."""
        # A story read only from a web archive is not known to the live site: it may live on at a new
        # address (docs/generations.md), so the live crawl reads it.
        live = READ_LIVE.format(table="a.")
        urls: dict[str, int] = {}
        ids: dict[tuple[str, int], int] = {}
        for url, layout in self.db.execute(f"SELECT a.url, a.layout FROM articles a WHERE {live}"):
            urls[url] = era(layout)
        for url, layout, site_id, numbering in self.db.execute(   # every address of a story read live
                f"SELECT u.url, a.layout, u.site_id, u.numbering FROM article_urls u JOIN articles a "
                f"ON a.id = u.article_id WHERE {live}"):
            urls[url] = era(layout)
            if site_id is not None and numbering:
                ids[(numbering, site_id)] = era(layout)
        for (url,) in self.db.execute(  # a gap in the Wayback Machine says nothing of the site
                "SELECT url FROM crawl_errors WHERE permanent = 1 AND coalesce(kind, 'error') != 'missing'"):
            urls.setdefault(url, newest_era())
        return urls, ids

    def due_for_recheck(self, schedule: str, at: datetime | None = None) -> list[str]:
        """Archived, not removed articles whose re-check is due under ``schedule`` (pipelines.recheck)."""
        rules = parse_schedule(schedule)
        at = at or datetime.now(timezone.utc)
        rows = self.db.execute("SELECT url, published_at, first_seen_at, coalesce(last_checked_at, last_fetched_at) "
                               "FROM articles WHERE removed_at IS NULL")
        return [url for url, published, seen, checked in rows if is_due(published, seen, checked, rules, at)]

    def pending_links(self) -> list[str]:
        """Feed links neither archived nor settled: fetched on the next run, whatever stopped this one."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT f.url FROM feed_links f WHERE NOT EXISTS (SELECT 1 FROM articles a "
            "WHERE a.url = f.url OR (f.site_id IS NOT NULL AND a.site_id = f.site_id)) "
            "AND NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = f.url) "
            "AND NOT EXISTS (SELECT 1 FROM crawl_errors e WHERE e.url = f.url AND e.permanent = 1 "
            "AND coalesce(e.kind, 'error') != 'missing') ORDER BY f.url")]

    def feeds_walked(self) -> dict[str, str]:
        """Event slug -> feed URL, for feeds that have been read to their last page at least once."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT slug, feed_url FROM events WHERE walked_to_end_at IS NOT NULL AND feed_url IS NOT NULL")}
