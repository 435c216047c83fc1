"""``article_versions``: the copies an article's row no longer holds, each naming the fields that changed.

Two ways in: an update keeps the version it replaces (``keep_version``); a capture from a web archive
older than the row is filed beside it without replacing it (``keep_capture``). Both run inside the
transaction of ``pipelines.articles.save_article``."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipelines.article_children import CHILD_FIELDS, stored_fields
from pipelines.normalize import HASHED_FIELDS
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.sources import CAPTURE_SOURCES as CAPTURE_SOURCES  # noqa: F401 (articles.py's, from here)
from kinhtedothi.vocab.sources import is_capture, kind_of


def older_capture(item: ArticleItem, existing: dict[str, Any]) -> bool:
    """A Wayback capture older than what the archive holds (a live copy, or a later capture)."""
    if not is_capture(item.source) or item.capture_timestamp is None:
        return False
    return not is_capture(existing["source"]) or (existing["capture_timestamp"] or "") > item.capture_timestamp


def keep_capture(db: sqlite_utils.Database, existing: dict[str, Any], item: ArticleItem, article: dict[str, Any],
                 stamp: str) -> None:
    """File an older capture (``item``, normalized as ``article``) with other content under
    article_versions; the current row stays."""
    known = {r[0] for r in db.execute(
        "SELECT content_hash FROM article_versions WHERE article_id = ?", [existing["id"]])}
    if article["content_hash"] == existing["content_hash"] or article["content_hash"] in known:
        return
    current = stored_fields(db, existing)
    record = {k: article[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
    record.update({k: json.dumps(article[k], ensure_ascii=False) for k in CHILD_FIELDS})
    record.update(article_id=existing["id"], version=None, archived_at=stamp, cause=item.source,
                  changed_fields=json.dumps([k for k in HASHED_FIELDS if current.get(k) != article.get(k)]),
                  published_raw=article["published_raw"], body_html=article["body_html"],
                  content_hash=article["content_hash"], fetched_at=stamp, raw_page_id=item.raw_page_id,
                  source=item.source, capture_timestamp=item.capture_timestamp, capture_url=item.capture_url)
    insert_version(db, record)


def keep_version(db: sqlite_utils.Database, existing: dict[str, Any], article: dict[str, Any], stamp: str,
                 cause: str) -> None:
    """Copy the version being replaced to article_versions, naming what changed."""
    old = stored_fields(db, existing)
    changed = [k for k in HASHED_FIELDS if old.get(k) != article.get(k)]
    record = {k: old[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
    record.update({k: json.dumps(old[k], ensure_ascii=False) for k in CHILD_FIELDS})
    record.update(article_id=existing["id"], version=existing["version"] or 1, archived_at=stamp,
                  cause=cause, changed_fields=json.dumps(changed), published_raw=existing["published_raw"],
                  body_html=existing["body_html"], content_hash=existing["content_hash"],
                  fetched_at=existing["last_fetched_at"], raw_page_id=existing["raw_page_id"],
                  source=kind_of(existing["source"]).name, capture_timestamp=existing["capture_timestamp"],
                  capture_url=existing["capture_url"])
    insert_version(db, record)


def insert_version(db: sqlite_utils.Database, record: dict[str, Any]) -> None:
    columns = ", ".join(record)
    db.execute(f"INSERT INTO article_versions ({columns}) VALUES ({', '.join('?' for _ in record)})",
               list(record.values()))
