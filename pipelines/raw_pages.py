"""``raw_pages``: every response exactly as received (zlib-compressed), kept before anything parses it."""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

import sqlite_utils

from pipelines.writing import now, table


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def save_raw_page(db: sqlite_utils.Database, run_id: int | None, url: str, fetched_from: str, status: int,
                  content_type: str | None, body: bytes, kind: str | None = None, source: str = "live",
                  capture_timestamp: str | None = None, decode_errors: int | None = None) -> int:
    """Keep the response exactly as received (compressed), before anything parses it; its row id."""
    rows = table(db, "raw_pages")
    rows.insert({"url": url, "fetched_from": fetched_from, "fetched_at": now(), "status": status,
                 "content_type": content_type, "size": len(body),
                 "sha1": hashlib.sha1(body).hexdigest(), "body": compress(body),
                 "run_id": run_id, "kind": kind, "source": source,
                 "capture_timestamp": capture_timestamp, "decode_errors": decode_errors})
    page_id = rows.last_pk
    assert isinstance(page_id, int)
    return page_id


def stored_capture(db: sqlite_utils.Database, capture_url: str) -> dict[str, Any] | None:
    """A Wayback capture fetched before (status 200), so that it is never fetched again."""
    rows = list(db.query("SELECT id, url, status, content_type, body FROM raw_pages "
                         "WHERE fetched_from = ? AND status = 200 ORDER BY id DESC LIMIT 1", [capture_url]))
    return rows[0] if rows else None


def find_raw_page(db: sqlite_utils.Database, url: str, sha1: str, status: int) -> int | None:
    """A stored response of ``url`` with these exact bytes (a WARC import stores a page only once)."""
    row = db.execute("SELECT id FROM raw_pages WHERE url = ? AND sha1 = ? AND status = ? ORDER BY id LIMIT 1",
                     [url, sha1, status]).fetchone()
    return row[0] if row else None
