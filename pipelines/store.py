"""Writing to archive.db: raw pages, articles (one transaction each), feed links, runs."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from pipelines.schema import ensure_schema
from pipelines.text import fold
from scraper.items import ArticleItem, CrawlErrorItem, EventItem, FeedLinkItem
from scraper.urls import article_id

ARTICLE_COLUMNS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
                   "subsection", "body_text", "body_html", "word_count", "layout", "content_hash")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


class Archive:
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
    def start_run(self, base_url: str | None, events: list[str]) -> int:
        table = self.db["crawl_runs"]
        table.insert({"started_at": now(), "status": "running", "base_url": base_url,
                      "events": ",".join(events)})
        self.run_id = table.last_pk
        return self.run_id

    def finish_run(self, status: str, exit_code: int, reason: str | None, counts: dict[str, Any]) -> None:
        record = {"finished_at": now(), "status": status, "exit_code": exit_code, "reason": reason}
        record.update({k: counts.get(k, 0) for k in ("pages_fetched", "articles_new", "articles_updated",
                                                      "articles_unchanged", "articles_failed")})
        record["stats"] = json.dumps(counts.get("stats", {}), ensure_ascii=False, default=str)
        self.db["crawl_runs"].update(self.run_id, record)

    def record_error(self, url: str, status: int | None, reason: str) -> None:
        self.db["crawl_errors"].insert({"run_id": self.run_id, "url": url, "status": status,
                                        "reason": reason, "at": now()})

    # -- raw pages ---------------------------------------------------------------
    def save_raw_page(self, url: str, fetched_from: str, status: int, content_type: str | None,
                      body: bytes) -> int:
        """Keep the response exactly as received (compressed), before anything parses it."""
        table = self.db["raw_pages"]
        table.insert({"url": url, "fetched_from": fetched_from, "fetched_at": now(), "status": status,
                      "content_type": content_type, "size": len(body),
                      "sha1": hashlib.sha1(body).hexdigest(), "body": compress(body),
                      "run_id": self.run_id})
        return table.last_pk

    # -- events and feed links -------------------------------------------------------
    def save_event(self, slug: str, name: str, feed_url: str | None, found_by: str) -> None:
        self.db["events"].upsert({"slug": slug, "name": name, "feed_url": feed_url, "found_by": found_by,
                                  "updated_at": now()}, pk="slug")

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
                "SELECT id, ? FROM articles WHERE url = ? OR (site_id IS NOT NULL AND site_id = ?)",
                [link.event_slug, link.url, article_id(link.url)])

    # -- articles ------------------------------------------------------------------
    def find_article(self, url: str, site_id: int | None) -> dict | None:
        rows = list(self.db.query(
            "SELECT id, content_hash, first_seen_at FROM articles WHERE url = ? "
            "OR (? IS NOT NULL AND site_id = ?) ORDER BY url = ? DESC LIMIT 1", [url, site_id, site_id, url]))
        return rows[0] if rows else None

    def _new_id(self, site_id: int | None) -> int:
        """The site's id where the URL carries one; otherwise the next negative number."""
        if site_id is not None:
            return site_id
        lowest = self.db.execute("SELECT min(id) FROM articles").fetchone()[0] or 0
        return min(lowest, 0) - 1

    def save_article(self, item: ArticleItem, raw_page_id: int | None = None) -> str:
        """Insert or update one article and its child rows atomically; 'new', 'updated' or 'unchanged'."""
        article = item.article
        assert article is not None
        stamp = now()
        with self.db.conn:
            existing = self.find_article(article["url"], article["site_id"])
            article_id_ = existing["id"] if existing else self._new_id(article["site_id"])
            row = {c: article.get(c) for c in ARTICLE_COLUMNS}
            row.update(id=article_id_, field_sources=json.dumps(article["field_sources"], ensure_ascii=False),
                       first_seen_at=existing["first_seen_at"] if existing else stamp,
                       last_fetched_at=stamp, raw_page_id=raw_page_id)
            columns = ", ".join(row)
            updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
            self.db.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' for _ in row)}) "
                            f"ON CONFLICT(id) DO UPDATE SET {updates}", list(row.values()))
            self._replace_children(article_id_, article)
            self._index(article_id_, article)
            link_urls = sorted({article["url"], *item.link_urls})
            marks = ", ".join("?" for _ in link_urls)
            self.db.execute(
                "INSERT OR IGNORE INTO article_events (article_id, event_slug) SELECT DISTINCT ?, event_slug "
                f"FROM feed_links WHERE url IN ({marks}) OR (site_id IS NOT NULL AND site_id = ?)",
                [article_id_, *link_urls, article["site_id"]])
        if not existing:
            return "new"
        return "unchanged" if existing["content_hash"] == article["content_hash"] else "updated"

    def _replace_children(self, article_id_: int, article: dict) -> None:
        for table in ("article_tags", "images", "related_links"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id_])
        for tag in article["tags"]:
            self.db.execute("INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)", [article_id_, tag])
        for position, image in enumerate(article["images"], 1):
            self.db.execute("INSERT INTO images (article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                            [article_id_, position, image["src"], image["caption"]])
        for position, link in enumerate(article["related_links"], 1):
            self.db.execute("INSERT INTO related_links (article_id, position, url, title) VALUES (?, ?, ?, ?)",
                            [article_id_, position, link["url"], link["title"]])

    def _index(self, article_id_: int, article: dict) -> None:
        """Search index row: folded text, so that 'dang bo' finds 'Đảng bộ'."""
        self.db.execute("DELETE FROM articles_fts WHERE rowid = ?", [article_id_])
        self.db.execute("INSERT INTO articles_fts (rowid, title, sapo, body_text) VALUES (?, ?, ?, ?)",
                        [article_id_, fold(article["title"]), fold(article["sapo"]), fold(article["body_text"])])


class StorePipeline:
    """Writes each valid article, and each feed link, to archive.db."""

    def __init__(self, archive: Archive, stats):
        self.archive = archive
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        from scraper.extensions import archive_for
        return cls(archive_for(crawler), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FeedLinkItem):
            self.archive.save_feed_link(item)
        elif isinstance(item, EventItem):
            self.archive.save_event(item.slug, item.name, item.feed_url, item.found_by)
        elif isinstance(item, CrawlErrorItem):
            self.archive.record_error(item.url, item.status, item.reason)
        elif isinstance(item, ArticleItem):
            outcome = self.archive.save_article(item, item.raw_page_id)
            self.stats.inc_value(f"archive/articles_{outcome}")
        return item
