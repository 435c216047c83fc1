"""The archive database as one crawler process writes it: ``Archive``, a thin facade.

Each job has its module, a few functions taking the sqlite-utils ``Database``:
``runs`` (crawl_runs), ``errors`` (crawl_errors), ``raw_pages``, ``events_store`` (events, feed
links), ``articles`` (one transaction per article: the row, ``article_children``,
``article_versions``, ``search_index``, people and event links) and ``state`` (what the archive
already holds). ``Archive`` opens the database once, upgrades its schema, remembers the current
run and hands each call to its module; ``pipelines.store`` is the Scrapy pipeline that gives it
items, and ``pipelines.component.archive_for`` gives every component of a crawl the same one.
A full disk or a damaged file, wherever a write meets it, is raised as ``pipelines.disk.DiskFull`` or
``ArchiveDamaged`` (and told to ``on_storage_failure``, which stops a crawl): the write's transaction is
rolled back, nothing before it lost."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path
from typing import Any, Callable, TypeVar, cast

import sqlite_utils

from pipelines import articles, errors, events_store, raw_pages, runs, upgrade
from pipelines.disk import ArchiveDamaged, DiskFull, StorageFailure, is_corrupt, is_disk_full
from pipelines.schema import ensure_schema
from pipelines.state import ArchiveState
from kinhtedothi.vocab.items import ArticleItem, FeedLinkItem


Method = TypeVar("Method", bound=Callable[..., Any])


def _writes(method: Method) -> Method:
    """A write whose full disk or damaged file is raised as such (and told to ``on_storage_failure``), not
    as an SQLite error."""
    @functools.wraps(method)
    def writing(self: "Archive", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, OSError) as error:
            failure: StorageFailure
            if is_disk_full(error, self.path):
                failure = DiskFull(self.path)
            elif is_corrupt(error):
                failure = ArchiveDamaged(self.path, str(error))
            else:
                raise
            if self.on_storage_failure is not None:
                self.on_storage_failure(failure)
            raise failure from error

    return cast(Method, writing)


class Archive(ArchiveState):
    """The archive database, opened for writing by one crawler process."""

    on_storage_failure: Callable[[StorageFailure], None] | None = None  # a crawl stops here (pipelines.component)

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.run_id: int | None = None
        self.source: str | None = None   # the source the current run reads
        self._open()

    @_writes
    def _open(self) -> None:
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.execute("PRAGMA busy_timeout = 10000")
        self.db.conn.execute("PRAGMA foreign_keys = ON")
        upgrade.upgrade(self.db, ensure_schema(self.db))
        # WAL (ensure_schema) with synchronous NORMAL: a commit is not flushed to the disk one by one, only at
        # checkpoints; the file can never be corrupted by it, an application crash loses nothing, a power cut
        # may lose the last commits (the next run fetches them again). Halves a WARC import (docs/operators.md).
        self.db.conn.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        self.db.close()

    # -- runs and errors (pipelines.runs, pipelines.errors) ------------------------------
    @_writes
    def start_run(self, base_url: str | None, events: list[str], mode: str = "incremental",
                  source: str | None = None) -> int:
        self.run_id = runs.start_run(self.db, base_url, events, mode, source)
        self.source = source
        return self.run_id

    @_writes
    def finish_run(self, status: str, exit_code: int, reason: str | None, counts: dict[str, Any]) -> None:
        assert self.run_id is not None, "finish_run before start_run"
        runs.finish_run(self.db, self.run_id, status, exit_code, reason, counts)

    @_writes
    def record_error(self, url: str, status: int | None, reason: str, kind: str = "error",
                     event_slug: str | None = None) -> None:
        errors.record_error(self.db, self.run_id, url, status, reason, kind, event_slug)

    # -- raw pages (pipelines.raw_pages) ---------------------------------------------------
    @_writes
    def save_raw_page(self, url: str, fetched_from: str, status: int, content_type: str | None,
                      body: bytes, kind: str | None = None, source: str = "live",
                      capture_timestamp: str | None = None, decode_errors: int | None = None) -> int:
        return raw_pages.save_raw_page(self.db, self.run_id, url, fetched_from, status, content_type, body,
                                       kind, source, capture_timestamp, decode_errors)

    def stored_capture(self, capture_url: str) -> dict[str, Any] | None:
        return raw_pages.stored_capture(self.db, capture_url)

    def find_raw_page(self, url: str, sha1: str, status: int) -> int | None:
        return raw_pages.find_raw_page(self.db, url, sha1, status)

    # -- events and feed links (pipelines.events_store) --------------------------------------
    @_writes
    def save_event(self, slug: str, name: str, feed_url: str | None, found_by: str) -> None:
        events_store.save_event(self.db, slug, name, feed_url, found_by)

    @_writes
    def mark_feed_walked(self, slug: str) -> None:
        events_store.mark_feed_walked(self.db, slug)

    @_writes
    def save_feed_link(self, link: FeedLinkItem) -> None:
        events_store.save_feed_link(self.db, link, self.source)

    # -- articles (pipelines.articles) -------------------------------------------------------
    def find_article(self, url: str, site_id: int | None) -> dict[str, Any] | None:
        return articles.find_article(self.db, url, site_id)

    @_writes
    def save_article(self, item: ArticleItem, raw_page_id: int | None = None, cause: str = "crawl") -> str:
        return articles.save_article(self.db, item, raw_page_id, cause)

    @_writes
    def mark_removed(self, url: str) -> bool:
        return articles.mark_removed(self.db, url)
