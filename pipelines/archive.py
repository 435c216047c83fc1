"""Writing to archive.db: raw pages, articles (one transaction each, with versions), feed links, runs.

``Archive`` is the database as one crawler process writes it; ``pipelines.store`` is the Scrapy
pipeline that hands it items, and ``pipelines.component.archive_for`` gives every component of a
crawl the same one."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from pipelines import identity
from pipelines.normalize import HASHED_FIELDS
from pipelines.people import sync_authors
from pipelines.schema import FTS_COLUMNS, ensure_schema, fts_values
from pipelines.state import ArchiveState
from scraper.items import ArticleItem, FeedLinkItem
from scraper.urls import article_id

ARTICLE_COLUMNS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
                   "subsection", "body_text", "body_html", "word_count", "layout", "content_hash")
CHILD_FIELDS = ("tags", "images", "related_links")
# Errors that will not go away by asking again: the link is settled, an incremental crawl skips it.
PERMANENT_STATUSES = {404, 410}
# Copies read from a web archive (not a visit to the site): filed by capture time, never over a newer copy.
CAPTURE_SOURCES = frozenset({"wayback", "commoncrawl", "warc"})


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def is_permanent(status: int | None, reason: str, kind: str = "error") -> bool:
    return kind == "missing" or status in PERMANENT_STATUSES or reason.startswith(("not an article", "IgnoreRequest"))


class Archive(ArchiveState):
    """The archive database, opened for writing by one crawler process."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.execute("PRAGMA busy_timeout = 10000")
        self.db.conn.execute("PRAGMA foreign_keys = ON")
        ensure_schema(self.db)
        self.run_id: int | None = None

    def close(self) -> None:
        self.db.close()

    # -- runs and errors -----------------------------------------------------------
    def start_run(self, base_url: str | None, events: list[str], mode: str = "incremental") -> int:
        """A new crawl_runs row; runs left 'running' by a killed crawler become 'interrupted'."""
        self.db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
        table = self.db["crawl_runs"]
        table.insert({"started_at": now(), "status": "running", "base_url": base_url,
                      "events": ",".join(events), "mode": mode})
        self.db.conn.commit()
        self.run_id = table.last_pk
        return self.run_id

    def finish_run(self, status: str, exit_code: int, reason: str | None, counts: dict[str, Any]) -> None:
        record = {"finished_at": now(), "status": status, "exit_code": exit_code, "reason": reason}
        record.update({k: counts.get(k, 0) for k in ("pages_fetched", "articles_new", "articles_updated",
                                                      "articles_unchanged", "articles_failed", "articles_removed")})
        record["coverage"] = json.dumps(counts.get("coverage", {}), ensure_ascii=False)
        record["stats"] = json.dumps(counts.get("stats", {}), ensure_ascii=False, default=str)
        self.db["crawl_runs"].update(self.run_id, record)

    def record_error(self, url: str, status: int | None, reason: str, kind: str = "error") -> None:
        """A URL not archived: ``kind`` 'error', or 'missing' (the Wayback Machine never captured it)."""
        self.db["crawl_errors"].insert({"run_id": self.run_id, "url": url, "status": status, "reason": reason,
                                        "at": now(), "permanent": int(is_permanent(status, reason, kind)),
                                        "kind": kind})

    # -- raw pages ---------------------------------------------------------------
    def save_raw_page(self, url: str, fetched_from: str, status: int, content_type: str | None,
                      body: bytes, kind: str | None = None, source: str = "live",
                      capture_timestamp: str | None = None, decode_errors: int | None = None) -> int:
        """Keep the response exactly as received (compressed), before anything parses it."""
        table = self.db["raw_pages"]
        table.insert({"url": url, "fetched_from": fetched_from, "fetched_at": now(), "status": status,
                      "content_type": content_type, "size": len(body),
                      "sha1": hashlib.sha1(body).hexdigest(), "body": compress(body),
                      "run_id": self.run_id, "kind": kind, "source": source,
                      "capture_timestamp": capture_timestamp, "decode_errors": decode_errors})
        return table.last_pk

    def stored_capture(self, capture_url: str) -> dict | None:
        """A Wayback capture fetched before (status 200), so that it is never fetched again."""
        rows = list(self.db.query("SELECT id, url, status, content_type, body FROM raw_pages "
                                  "WHERE fetched_from = ? AND status = 200 ORDER BY id DESC LIMIT 1", [capture_url]))
        return rows[0] if rows else None

    def find_raw_page(self, url: str, sha1: str, status: int) -> int | None:
        """A stored response of ``url`` with these exact bytes (a WARC import stores a page only once)."""
        row = self.db.execute("SELECT id FROM raw_pages WHERE url = ? AND sha1 = ? AND status = ? ORDER BY id LIMIT 1",
                              [url, sha1, status]).fetchone()
        return row[0] if row else None

    # -- events and feed links -------------------------------------------------------
    def save_event(self, slug: str, name: str, feed_url: str | None, found_by: str) -> None:
        record = {"slug": slug, "name": name, "found_by": found_by, "updated_at": now()}
        if feed_url or not self.db["events"].count_where("slug = ?", [slug]):
            record["feed_url"] = feed_url
        self.db["events"].upsert(record, pk="slug")

    def mark_feed_walked(self, slug: str) -> None:
        """The feed was read from its first page to its last in this run."""
        self.db["events"].update(slug, {"walked_to_end_at": now()})

    def save_feed_link(self, link: FeedLinkItem) -> None:
        """Record that a feed lists an article; link it to the article if already archived."""
        stamp = now()
        with self.db.conn:
            self.db.execute(
                "INSERT INTO feed_links (event_slug, url, site_id, feed_page, position, first_seen_at, last_seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_slug, url) DO UPDATE SET "
                "feed_page = excluded.feed_page, position = excluded.position, last_seen_at = excluded.last_seen_at",
                [link.event_slug, link.url, article_id(link.url), link.feed_page, link.position, stamp, stamp])
            self.db.execute(
                "INSERT OR IGNORE INTO article_events (article_id, event_slug) "
                "SELECT id, ? FROM articles WHERE url = ? OR (site_id IS NOT NULL AND site_id = ?) "
                "OR id IN (SELECT article_id FROM article_urls WHERE url = ?)",
                [link.event_slug, link.url, article_id(link.url), link.url])

    # -- articles ------------------------------------------------------------------
    def find_article(self, url: str, site_id: int | None) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM articles WHERE url = ? OR (? IS NOT NULL AND site_id = ?) "
            "ORDER BY url = ? DESC LIMIT 1", [url, site_id, site_id, url]))
        return rows[0] if rows else None

    def _new_id(self, site_id: int | None) -> int:
        """The site's id where the URL carries one; otherwise the next negative number."""
        if site_id is not None:
            return site_id
        lowest = self.db.execute("SELECT min(id) FROM articles").fetchone()[0] or 0
        return min(lowest, 0) - 1

    def stored_fields(self, row: dict) -> dict[str, Any]:
        """An archived article's normalized fields, child rows included, as normalize_article gives them."""
        aid = row["id"]
        fields = {k: row[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
        fields["tags"] = [r[0] for r in self.db.execute(
            "SELECT tag FROM article_tags WHERE article_id = ? ORDER BY rowid", [aid])]
        fields["images"] = [{"src": r[0], "caption": r[1]} for r in self.db.execute(
            "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [aid])]
        fields["related_links"] = [{"url": r[0], "title": r[1]} for r in self.db.execute(
            "SELECT url, title FROM related_links WHERE article_id = ? ORDER BY position", [aid])]
        return fields

    def save_article(self, item: ArticleItem, raw_page_id: int | None = None, cause: str = "recheck") -> str:
        """Insert or update one article and its child rows atomically: 'new', 'updated' or 'unchanged'.

        An update first copies the previous version, with the names of the changed fields,
        to ``article_versions``; an unchanged re-check only touches ``last_checked_at``.
        """
        assert item.article is not None
        stamp = now()
        if item.source in CAPTURE_SOURCES and cause != "reparse":
            cause = item.source
        with self.db.conn:
            other_urls = identity.other_urls(item)
            existing, learned = identity.find(self.db, item.article, other_urls)
            article = identity.joined(item, existing)
            if existing and cause == "reparse" and existing["url"] != item.article["url"]:
                outcome, aid = "unchanged", existing["id"]  # another address of a joined story: not re-read over it
            elif existing and cause in CAPTURE_SOURCES and self._older_capture(item, existing):
                self._keep_capture(existing, item, stamp)
                outcome, aid = "unchanged", existing["id"]
            elif existing and existing["content_hash"] == article["content_hash"]:
                if cause != "reparse" and item.source not in CAPTURE_SOURCES:  # only a visit to the site is a check
                    self.db.execute("UPDATE articles SET last_checked_at = ?, removed_at = NULL, source = 'live', "
                                    "capture_timestamp = NULL, capture_url = NULL, url = ?, layout = ? WHERE id = ?",
                                    [stamp, article["url"], article["layout"], existing["id"]])
                outcome, aid = "unchanged", existing["id"]
                sync_authors(self.db, aid, article)  # archives made before people were split out
            else:
                aid = existing["id"] if existing else self._new_id(article["site_id"])
                if existing:
                    self._keep_version(existing, article, stamp, cause)
                self._write_row(aid, article, existing, stamp, raw_page_id, cause, item)
                self._replace_children(aid, article)
                sync_authors(self.db, aid, article)
                self._index(aid, article)
                outcome = "updated" if existing else "new"
            identity.remember(self.db, aid, item.article["url"], existing is not None, learned, other_urls, stamp)
            self._link_events(aid, article, item.link_urls)
        return outcome

    @staticmethod
    def _older_capture(item: ArticleItem, existing: dict) -> bool:
        """A Wayback capture older than what the archive holds (a live copy, or a later capture)."""
        if item.source not in CAPTURE_SOURCES or item.capture_timestamp is None:
            return False
        return existing["source"] in (None, "live") or (existing["capture_timestamp"] or "") > item.capture_timestamp

    def _keep_capture(self, existing: dict, item: ArticleItem, stamp: str) -> None:
        """File an older capture with other content under article_versions; the current row stays."""
        article = item.article
        known = {r[0] for r in self.db.execute(
            "SELECT content_hash FROM article_versions WHERE article_id = ?", [existing["id"]])}
        if article["content_hash"] == existing["content_hash"] or article["content_hash"] in known:
            return
        current = self.stored_fields(existing)
        record = {k: article[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
        record.update({k: json.dumps(article[k], ensure_ascii=False) for k in CHILD_FIELDS})
        record.update(article_id=existing["id"], version=None, archived_at=stamp, cause=item.source,
                      changed_fields=json.dumps([k for k in HASHED_FIELDS if current.get(k) != article.get(k)]),
                      published_raw=article["published_raw"], body_html=article["body_html"],
                      content_hash=article["content_hash"], fetched_at=stamp, raw_page_id=item.raw_page_id,
                      source=item.source, capture_timestamp=item.capture_timestamp, capture_url=item.capture_url)
        self._insert_version(record)

    def _insert_version(self, record: dict) -> None:
        columns = ", ".join(record)
        self.db.execute(f"INSERT INTO article_versions ({columns}) VALUES ({', '.join('?' for _ in record)})",
                        list(record.values()))

    def _write_row(self, aid: int, article: dict, existing: dict | None, stamp: str, raw_page_id: int | None,
                   cause: str, item: ArticleItem | None = None) -> None:
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
        self.db.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' for _ in row)}) "
                        f"ON CONFLICT(id) DO UPDATE SET {updates}", list(row.values()))

    def _keep_version(self, existing: dict, article: dict, stamp: str, cause: str) -> None:
        """Copy the version being replaced to article_versions, naming what changed."""
        old = self.stored_fields(existing)
        changed = [k for k in HASHED_FIELDS if old.get(k) != article.get(k)]
        record = {k: old[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
        record.update({k: json.dumps(old[k], ensure_ascii=False) for k in CHILD_FIELDS})
        record.update(article_id=existing["id"], version=existing["version"] or 1, archived_at=stamp,
                      cause=cause, changed_fields=json.dumps(changed), published_raw=existing["published_raw"],
                      body_html=existing["body_html"], content_hash=existing["content_hash"],
                      fetched_at=existing["last_fetched_at"], raw_page_id=existing["raw_page_id"],
                      source=existing["source"] or "live", capture_timestamp=existing["capture_timestamp"],
                      capture_url=existing["capture_url"])
        self._insert_version(record)

    def _link_events(self, aid: int, article: dict, link_urls: list[str]) -> None:
        urls = sorted({article["url"], *link_urls})
        marks = ", ".join("?" for _ in urls)
        self.db.execute(
            "INSERT OR IGNORE INTO article_events (article_id, event_slug) SELECT DISTINCT ?, event_slug "
            f"FROM feed_links WHERE url IN ({marks}) OR (site_id IS NOT NULL AND site_id = ?)",
            [aid, *urls, article["site_id"]])

    def mark_removed(self, url: str) -> bool:
        """An archived article now answers 404/410: note when, keep everything. True if it was archived.

        An old address gone says nothing of a story read at its current one (docs/generations.md)."""
        with self.db.conn:
            cursor = self.db.execute(
                "UPDATE articles SET removed_at = coalesce(removed_at, ?), last_checked_at = ? "
                "WHERE url = ? OR (? IS NOT NULL AND site_id = ? AND NOT (layout = 'current' AND url != ?))",
                [now(), now(), url, article_id(url), article_id(url), url])
        return cursor.rowcount > 0

    def _replace_children(self, aid: int, article: dict) -> None:
        for table in ("article_tags", "images", "related_links"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [aid])
        for tag in article["tags"]:
            self.db.execute("INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)", [aid, tag])
        for position, image in enumerate(article["images"], 1):
            self.db.execute("INSERT INTO images (article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                            [aid, position, image["src"], image["caption"]])
        for position, link in enumerate(article["related_links"], 1):
            self.db.execute("INSERT INTO related_links (article_id, position, url, title) VALUES (?, ?, ?, ?)",
                            [aid, position, link["url"], link["title"]])

    def _index(self, aid: int, article: dict) -> None:
        """Search index row: folded text, so that 'dang bo' finds 'Đảng bộ'."""
        self.db.execute("DELETE FROM articles_fts WHERE rowid = ?", [aid])
        columns = ", ".join(FTS_COLUMNS)
        self.db.execute(f"INSERT INTO articles_fts (rowid, {columns}) "
                        f"VALUES (?, {', '.join('?' for _ in FTS_COLUMNS)})",
                        [aid, *fts_values(article)])
