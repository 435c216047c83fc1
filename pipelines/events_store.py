"""``events``, ``feed_links`` and ``article_events``: the event feeds and which articles they list."""

from __future__ import annotations

import sqlite_utils

from pipelines.search_index import refresh_narrowing
from pipelines.writing import now, table
from kinhtedothi.vocab.items import FeedLinkItem
from kinhtedothi.vocab.urls import article_id, numbered_id


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


# A source name joins the link's ``sources`` (comma-separated, in the order they first showed it) once.
ADD_SOURCE = ("CASE WHEN excluded.sources IS NULL OR instr(',' || coalesce(feed_links.sources, '') || ',', "
              "',' || excluded.sources || ',') THEN feed_links.sources "
              "ELSE coalesce(feed_links.sources || ',', '') || excluded.sources END")


def save_feed_link(db: sqlite_utils.Database, link: FeedLinkItem, source: str | None = None) -> None:
    """Record that a feed lists an article (and which source's copy of the listing showed it); link it to the
    article if already archived (one transaction)."""
    stamp = now()
    with db.conn:
        db.execute(
            "INSERT INTO feed_links (event_slug, url, site_id, feed_page, position, first_seen_at, last_seen_at, "
            "sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_slug, url) DO UPDATE SET "
            "feed_page = excluded.feed_page, position = excluded.position, last_seen_at = excluded.last_seen_at, "
            f"sources = {ADD_SOURCE}",
            [link.event_slug, link.url, article_id(link.url), link.feed_page, link.position, stamp, stamp, source])
        numbered = numbered_id(link.url)   # an id says something only within its own numbering
        linked = [r[0] for r in db.execute(
            "SELECT id FROM articles WHERE url = ? OR id IN (SELECT article_id FROM article_urls WHERE url = ? "
            "OR (? IS NOT NULL AND site_id = ? AND numbering = ?))",
            [link.url, link.url, numbered and numbered.id, numbered and numbered.id,
             numbered and numbered.numbering])]
        added = [aid for aid in linked if db.execute(
            "INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)",
            [aid, link.event_slug]).rowcount]
        refresh_narrowing(db, added)   # a new link is a new narrowing word of the article's search index row


def events_for(db: sqlite_utils.Database, article: dict, link_urls: list[str], aid: int | None = None) -> list[str]:
    """The events whose feed lists one of the article's addresses (those of story ``aid`` too, when archived), or
    an address with the same id in the same numbering (a legacy id says nothing of a 2025 one)."""
    known = [r[0] for r in db.execute("SELECT url FROM article_urls WHERE article_id = ?", [aid])] \
        if aid is not None else []
    urls = sorted({article["url"], *link_urls, *known})
    ids = {n for n in (numbered_id(u) for u in urls) if n}
    slugs = set()
    for chunk in range(0, len(urls), 500):
        part = urls[chunk:chunk + 500]
        slugs |= {r[0] for r in db.execute(
            f"SELECT event_slug FROM feed_links WHERE url IN ({', '.join('?' for _ in part)})", part)}
    for numbered in ids:
        slugs |= {slug for slug, url in db.execute("SELECT event_slug, url FROM feed_links WHERE site_id = ?",
                                                   [numbered.id]) if numbered_id(url) == numbered}
    return sorted(slugs)


def link_article_events(db: sqlite_utils.Database, aid: int, article: dict, link_urls: list[str]) -> None:
    """File an article under every event whose feed lists it (``events_for``); a new link is a new narrowing
    word of its search index row."""
    added = [slug for slug in events_for(db, article, link_urls, aid) if db.execute(
        "INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)", [aid, slug]).rowcount]
    if added:
        refresh_narrowing(db, [aid])
