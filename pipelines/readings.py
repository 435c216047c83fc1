"""``article_versions``: every reading of a story, loaded and stored (``pipelines.history`` judges them).

A story read once is its ``articles`` row and nothing more (no copy: most stories are read once).
From the second distinct reading on, every reading is a row of ``article_versions`` (the first one
copied there from the ``articles`` row), each with the address and layout it was read at, when the
page said it (``read_at``: a capture's time, a fetch's time) and the kind of change it brought;
``articles`` then holds the best copy made from them (``history.best_copy``)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipelines.article_children import CHILD_FIELDS, stored_fields
from pipelines.history import CHANGE_KINDS, PARSER, order_key
from pipelines.normalize import HASHED_FIELDS
from kinhtedothi.vocab.dates import UTC, parse_timestamp
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.sources import is_capture

# A version row's own columns besides the article's fields
READING_COLUMNS = ("url", "layout", "source", "read_at", "fetched_at", "raw_page_id", "capture_timestamp",
                   "capture_url", "cause", "published_raw", "body_html", "content_hash")
assert set(CHANGE_KINDS) >= {PARSER}


def capture_time(stamp: str | None) -> str | None:
    """A web archive's ``YYYYMMDDhhmmss`` as the archive's UTC ISO stamp."""
    moment = parse_timestamp(stamp)
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def page_time(db: sqlite_utils.Database, raw_page_id: int | None) -> str | None:
    """When the stored page was fetched (``raw_pages.fetched_at``)."""
    if raw_page_id is None:
        return None
    row = db.execute("SELECT fetched_at FROM raw_pages WHERE id = ?", [raw_page_id]).fetchone()
    return row[0] if row else None


def from_item(db: sqlite_utils.Database, item: ArticleItem, stamp: str, cause: str) -> dict[str, Any]:
    """The reading an item brings: the page's fields as normalized, where and when it was read."""
    article = item.article
    assert article is not None
    read_at = (capture_time(item.capture_timestamp) if is_capture(item.source) else None) \
        or page_time(db, item.raw_page_id) or stamp
    reading = {k: article.get(k) for k in (*HASHED_FIELDS, "published_raw", "body_html", "content_hash",
                                           "layout", "url", "field_sources")}
    reading.update(id=None, source=item.source or "live", read_at=read_at, fetched_at=stamp,
                   raw_page_id=item.raw_page_id, capture_timestamp=item.capture_timestamp,
                   capture_url=item.capture_url, cause=cause)
    return reading


def from_article_row(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any]:
    """The one reading a story read once holds: its ``articles`` row."""
    reading = stored_fields(db, row)
    capture = capture_time(row.get("capture_timestamp")) if is_capture(row.get("source")) else None
    reading.update({k: row.get(k) for k in ("url", "layout", "published_raw", "body_html", "content_hash",
                                            "raw_page_id", "capture_timestamp", "capture_url")})
    reading.update(id=None, source=row.get("source") or "live", field_sources=_json(row.get("field_sources"), {}),
                   read_at=capture or row.get("last_fetched_at") or row.get("first_seen_at"),
                   fetched_at=row.get("last_fetched_at") or row.get("first_seen_at"),
                   cause=row.get("source") if capture else "crawl")
    return reading


def _json(value: Any, default: Any) -> Any:
    if value in (None, ""):
        return default
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return default


def from_version_row(row: dict[str, Any]) -> dict[str, Any]:
    reading = dict(row)
    for field in CHILD_FIELDS:
        reading[field] = _json(row.get(field), [])
    reading["field_sources"] = _json(row.get("field_sources"), {})
    reading["source"] = row.get("source") or "live"
    if not reading.get("read_at"):
        capture = capture_time(row.get("capture_timestamp")) if is_capture(reading["source"]) else None
        reading["read_at"] = capture or row.get("fetched_at") or row.get("archived_at")
    return reading


def load(db: sqlite_utils.Database, article: dict[str, Any]) -> list[dict[str, Any]]:
    """Every reading of an archived story (its ``articles`` row when it was read once)."""
    rows = [dict(r) for r in db.query("SELECT * FROM article_versions WHERE article_id = ? ORDER BY id",
                                      [article["id"]])]
    if not rows:
        return [from_article_row(db, article)]
    return [from_version_row(r) for r in rows]


def redundant(known: list[dict[str, Any]], reading: dict[str, Any]) -> dict[str, Any] | None:
    """The known reading that makes this one redundant, if any: the same content at the same address as
    the reading just before or just after it in time (a page read again unchanged), or, for a newer
    parser's reading of a stored page, as the reading of that page."""
    if reading["cause"] == "reparse":
        original = reread(known, reading)
        return original if original and original["content_hash"] == reading["content_hash"] else None
    ordered = sorted([*known, reading], key=order_key)
    at = next(i for i, r in enumerate(ordered) if r is reading)
    for neighbour in (ordered[at - 1] if at else None, ordered[at + 1] if at + 1 < len(ordered) else None):
        if neighbour is not None and neighbour.get("effective", True) is not False \
                and neighbour["content_hash"] == reading["content_hash"] and neighbour["url"] == reading["url"] \
                and is_capture(neighbour.get("source")) == is_capture(reading["source"]):
            return neighbour
    return None


def reread(known: list[dict[str, Any]], reading: dict[str, Any]) -> dict[str, Any] | None:
    """The reading a newer parser's reading stands in for: the latest parse of the same stored page, else
    (the page was fetched again unchanged, or an older archive did not record it) the latest reading at
    the same address from the same source."""
    page = reading.get("raw_page_id")
    same_page = [r for r in known if page is not None and r.get("raw_page_id") == page]
    same_place = [r for r in known if r.get("url") == reading.get("url")
                  and (r.get("source") or "live") == reading["source"]]
    candidates = same_page or same_place
    return max(candidates, key=order_key) if candidates else None


def attach_to_fetch(known: list[dict[str, Any]], reading: dict[str, Any]) -> None:
    """A newer parser's reading of a stored page belongs to the fetch it re-reads: its time and stored page."""
    original = reread(known, reading)
    if original is None:
        return
    reading["read_at"] = original["read_at"]
    reading["raw_page_id"] = original.get("raw_page_id") or reading.get("raw_page_id")
    original["raw_page_id"] = reading["raw_page_id"]


def insert(db: sqlite_utils.Database, article_id: int, reading: dict[str, Any], stamp: str) -> int:
    """Store a reading as a row of ``article_versions``; its id."""
    record = {k: reading.get(k) for k in HASHED_FIELDS if k not in CHILD_FIELDS}
    record.update({k: json.dumps(reading.get(k) or [], ensure_ascii=False) for k in CHILD_FIELDS})
    record.update({k: reading.get(k) for k in READING_COLUMNS})
    record.update(article_id=article_id, archived_at=stamp,
                  field_sources=json.dumps(reading.get("field_sources") or {}, ensure_ascii=False))
    columns = ", ".join(record)
    cursor = db.execute(f"INSERT INTO article_versions ({columns}) VALUES ({', '.join('?' for _ in record)})",
                        list(record.values()))
    reading["id"] = cursor.lastrowid
    return reading["id"]


def save_history(db: sqlite_utils.Database, ordered: list[dict[str, Any]]) -> None:
    """Write each reading's judgement: its kind of change, the fields it edited or changed, its number."""
    previous: dict[str, Any] | None = None
    for number, reading in enumerate(ordered, 1):
        changed = [] if previous is None or not reading["effective"] else \
            [k for k in HASHED_FIELDS if previous.get(k) != reading.get(k)]
        db.execute("UPDATE article_versions SET change = ?, edited_fields = ?, changed_fields = ?, effective = ?, "
                   "version = ?, raw_page_id = coalesce(raw_page_id, ?), read_at = ? WHERE id = ?",
                   [reading["change"], json.dumps(reading["edited_fields"]), json.dumps(changed),
                    int(reading["effective"]), number, reading.get("raw_page_id"), reading["read_at"],
                    reading["id"]])
        if reading["effective"]:
            previous = reading
