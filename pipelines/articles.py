"""``articles``: one row per story, inserted or updated with its child rows, versions, search index
row and event links in one transaction (``save_article``); ``mark_removed`` when the site drops it."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipelines import identity
from pipelines.article_children import replace_children
from pipelines.article_versions import CAPTURE_SOURCES, keep_capture, keep_version, older_capture
from pipelines.events_store import link_article_events
from pipelines.people import sync_authors
from pipelines.search_index import index_article
from pipelines.writing import now
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.urls import article_id

ARTICLE_COLUMNS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
                   "subsection", "body_text", "body_html", "word_count", "layout", "content_hash")


def find_article(db: sqlite_utils.Database, url: str, site_id: int | None) -> dict[str, Any] | None:
    rows = list(db.query(
        "SELECT * FROM articles WHERE url = ? OR (? IS NOT NULL AND site_id = ?) "
        "ORDER BY url = ? DESC LIMIT 1", [url, site_id, site_id, url]))
    return rows[0] if rows else None


def new_id(db: sqlite_utils.Database, site_id: int | None) -> int:
    """The site's id where the URL carries one; otherwise the next negative number."""
    if site_id is not None:
        return site_id
    lowest = db.execute("SELECT min(id) FROM articles").fetchone()[0] or 0
    return min(lowest, 0) - 1


def save_article(db: sqlite_utils.Database, item: ArticleItem, raw_page_id: int | None = None,
                 cause: str = "recheck") -> str:
    """Insert or update one article and its child rows atomically: 'new', 'updated' or 'unchanged'.

    An update first copies the previous version, with the names of the changed fields,
    to ``article_versions``; an unchanged re-check only touches ``last_checked_at``.
    """
    assert item.article is not None
    stamp = now()
    if item.source in CAPTURE_SOURCES and cause != "reparse":
        cause = item.source
    with db.conn:
        other_urls = identity.other_urls(item)
        existing, learned = identity.find(db, item.article, other_urls)
        article = identity.joined(item, existing)
        if existing and cause == "reparse" and existing["url"] != item.article["url"]:
            outcome, aid = "unchanged", existing["id"]  # another address of a joined story: not re-read over it
        elif existing and cause in CAPTURE_SOURCES and older_capture(item, existing):
            keep_capture(db, existing, item, item.article, stamp)
            outcome, aid = "unchanged", existing["id"]
        elif existing and existing["content_hash"] == article["content_hash"]:
            if cause != "reparse" and item.source not in CAPTURE_SOURCES:  # only a visit to the site is a check
                db.execute("UPDATE articles SET last_checked_at = ?, removed_at = NULL, source = 'live', "
                           "capture_timestamp = NULL, capture_url = NULL, url = ?, layout = ? WHERE id = ?",
                           [stamp, article["url"], article["layout"], existing["id"]])
            outcome, aid = "unchanged", existing["id"]
            sync_authors(db, aid, article)  # archives made before people were split out
        else:
            aid = existing["id"] if existing else new_id(db, article["site_id"])
            if existing:
                keep_version(db, existing, article, stamp, cause)
            write_row(db, aid, article, existing, stamp, raw_page_id, cause, item)
            replace_children(db, aid, article)
            sync_authors(db, aid, article)
            index_article(db, aid, article)
            outcome = "updated" if existing else "new"
        identity.remember(db, aid, item.article["url"], existing is not None, learned, other_urls, stamp)
        link_article_events(db, aid, article, item.link_urls)
    return outcome


def write_row(db: sqlite_utils.Database, aid: int, article: dict[str, Any], existing: dict[str, Any] | None,
              stamp: str, raw_page_id: int | None, cause: str, item: ArticleItem | None = None) -> None:
    """Insert or overwrite the article's own row (its child rows are ``replace_children``'s)."""
    row = {c: article.get(c) for c in ARTICLE_COLUMNS}
    if item is not None:
        row.update(source=item.source, capture_timestamp=item.capture_timestamp, capture_url=item.capture_url)
    row.update(id=aid, field_sources=json.dumps(article["field_sources"], ensure_ascii=False),
               first_seen_at=existing["first_seen_at"] if existing else stamp, last_fetched_at=stamp,
               last_checked_at=stamp, raw_page_id=raw_page_id, removed_at=None,
               version=(existing["version"] or 1) + 1 if existing else 1)
    if existing and cause == "reparse":  # same fetch, read better: the visit dates stay
        row.update({k: existing[k] for k in ("last_fetched_at", "last_checked_at", "removed_at")})
    if existing and row.get("source") in CAPTURE_SOURCES:  # a capture is not a visit to the live site
        row.update({k: existing[k] for k in ("last_checked_at", "removed_at")})
    columns = ", ".join(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
    db.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' for _ in row)}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}", list(row.values()))


def mark_removed(db: sqlite_utils.Database, url: str) -> bool:
    """An archived article now answers 404/410: note when, keep everything. True if it was archived.

    An old address gone says nothing of a story read at its current one (docs/generations.md)."""
    with db.conn:
        cursor = db.execute(
            "UPDATE articles SET removed_at = coalesce(removed_at, ?), last_checked_at = ? "
            "WHERE url = ? OR (? IS NOT NULL AND site_id = ? AND NOT (layout = 'current' AND url != ?))",
            [now(), now(), url, article_id(url), article_id(url), url])
    return cursor.rowcount > 0
