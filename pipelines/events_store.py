"""``events``, ``feed_links`` and ``article_events``: the event feeds and which articles they list."""

from __future__ import annotations

import sqlite_utils

from pipelines.search_index import refresh_narrowing
from pipelines.writing import now, table
from kinhtedothi.vocab.items import FeedLinkItem
from kinhtedothi.vocab.urls import article_id


def save_event(db: sqlite_utils.Database, slug: str, name: str, feed_url: str | None, found_by: str) -> None:
    """Insert or refresh an event; a known feed URL is never forgotten for want of a new one."""
    record: dict[str, str | None] = {"slug": slug, "name": name, "found_by": found_by, "updated_at": now()}
    rows = table(db, "events")
    if feed_url or not rows.count_where("slug = ?", [slug]):
        record["feed_url"] = feed_url
    rows.upsert(record, pk="slug")


def mark_feed_walked(db: sqlite_utils.Database, slug: str) -> None:
    """The feed was read from its first page to its last in this run."""
    table(db, "events").update(slug, {"walked_to_end_at": now()})


def save_feed_link(db: sqlite_utils.Database, link: FeedLinkItem) -> None:
    """Record that a feed lists an article; link it to the article if already archived (one transaction)."""
    stamp = now()
    with db.conn:
        db.execute(
            "INSERT INTO feed_links (event_slug, url, site_id, feed_page, position, first_seen_at, last_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_slug, url) DO UPDATE SET "
            "feed_page = excluded.feed_page, position = excluded.position, last_seen_at = excluded.last_seen_at",
            [link.event_slug, link.url, article_id(link.url), link.feed_page, link.position, stamp, stamp])
        linked = [r[0] for r in db.execute(
            "SELECT id FROM articles WHERE url = ? OR (site_id IS NOT NULL AND site_id = ?) "
            "OR id IN (SELECT article_id FROM article_urls WHERE url = ?)",
            [link.url, article_id(link.url), link.url])]
        added = [aid for aid in linked if db.execute(
            "INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)",
            [aid, link.event_slug]).rowcount]
        refresh_narrowing(db, added)


def events_for(db: sqlite_utils.Database, article: dict, link_urls: list[str]) -> list[str]:
    """The events whose feeds list one of the article's addresses (or its site id)."""
    urls = sorted({article["url"], *link_urls})
    marks = ", ".join("?" for _ in urls)
    return [r[0] for r in db.execute(
        f"SELECT DISTINCT event_slug FROM feed_links WHERE url IN ({marks}) OR (site_id IS NOT NULL AND site_id = ?)",
        [*urls, article["site_id"]])]


def link_article_events(db: sqlite_utils.Database, aid: int, article: dict, link_urls: list[str]) -> None:
    """File an article under every event whose feed lists one of its addresses (or its site id); a new link
    is a new narrowing word of its search index row."""
    added = [slug for slug in events_for(db, article, link_urls) if db.execute(
        "INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)", [aid, slug]).rowcount]
    if added:
        refresh_narrowing(db, [aid])
