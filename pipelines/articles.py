"""``articles``: one row per story, saved with its child rows, readings, search index row and event
links in one transaction (``save_article``); ``mark_removed`` when the site drops it.

A story read once is its reading. Read again with other content, every reading goes to
``article_versions`` (``pipelines.readings``), is judged against the one before it in time
(``pipelines.history``: an edit by the paper, or a new address, layout, source or parser), and the
``articles`` row becomes the best copy of them all, field by field, with ``edit_count`` counting
only the paper's edits."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipelines import history, identity, readings
from pipelines.article_children import replace_children, stored_fields
from pipelines.article_places import sync_places
from pipelines.bylines import authors_of
from pipelines.events_store import events_for, link_article_events
from pipelines.normalize import content_hash, word_count
from pipelines.people import sync_authors
from pipelines.search_index import index_article, refresh_narrowing
from pipelines.writing import now
from kinhtedothi.vocab.generations import era
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.sources import LIVE, is_capture
from kinhtedothi.vocab.urls import article_id, numbered_id

LIVE_SOURCE = LIVE.name

ARTICLE_COLUMNS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
                   "subsection", "body_text", "body_html", "word_count", "layout", "content_hash")
REPARSE = "reparse"


def find_article(db: sqlite_utils.Database, url: str, site_id: int | None) -> dict[str, Any] | None:
    """The story this address (or, in its own numbering, its id) belongs to."""
    found = identity.by_url(db, [url])
    return found or identity.by_site_id(db, url)


def new_id(db: sqlite_utils.Database, site_id: int | None) -> int:
    """The site's id where the URL carries one and no story holds it yet; otherwise the next negative number.

    Ids of two numberings may be equal for two stories: the second one gets a negative id."""
    if site_id is not None and db.execute("SELECT 1 FROM articles WHERE id = ?", [site_id]).fetchone() is None:
        return site_id
    lowest = db.execute("SELECT min(id) FROM articles").fetchone()[0] or 0
    return min(lowest, 0) - 1


def save_article(db: sqlite_utils.Database, item: ArticleItem, raw_page_id: int | None = None,
                 cause: str = "crawl") -> str:
    """Insert or update one story and everything that hangs on it atomically: 'new', 'updated' or 'unchanged'.

    ``cause``: 'reparse' for a newer parser's reading of a stored page; any other value is a fetch
    (a capture's source name is recorded for a copy from a web archive)."""
    assert item.article is not None
    if raw_page_id is not None and item.raw_page_id is None:
        item.raw_page_id = raw_page_id
    stamp = now()
    if cause != REPARSE:
        cause = item.source if is_capture(item.source) else "crawl"
    with db.conn:
        others = identity.other_urls(item)
        existing, learned = identity.find(db, item.article, others)
        reading = readings.from_item(db, item, stamp, cause)
        if existing is None:
            aid = new_id(db, item.article["site_id"])
            write_story(db, aid, [{**reading, "effective": True, "change": history.FIRST, "edited_fields": []}],
                        None, stamp, also_events=events_for(db, item.article, item.link_urls))
            outcome = "new"
        else:
            aid = existing["id"]
            outcome = add_reading(db, existing, reading, stamp)
        if not (cause == REPARSE and outcome == "unchanged"):   # a page read again the same teaches nothing new
            identity.remember(db, aid, item.article["url"], existing is not None, learned, others, stamp)
            link_article_events(db, aid, item.article, item.link_urls)
    return outcome


def add_reading(db: sqlite_utils.Database, existing: dict[str, Any], reading: dict[str, Any], stamp: str) -> str:
    """File a reading of an archived story: nothing when it says what its neighbour in time says,
    else judge the whole history again and rewrite the best copy."""
    known = readings.load(db, existing)
    if reading["cause"] == REPARSE:
        readings.attach_to_fetch(known, reading)
    if readings.redundant(known, reading) is not None:
        if reading["cause"] != REPARSE and not is_capture(reading["source"]):  # only a visit to the site is a check
            db.execute("UPDATE articles SET last_checked_at = ?, removed_at = NULL WHERE id = ?",
                       [stamp, existing["id"]])
        sync_authors(db, existing["id"], existing)  # archives made before people were split out
        if reading["cause"] == REPARSE:   # places: rebuilt by a reparse (new rules, or an archive made before them)
            _sync_places_and_words(db, existing["id"], stored_fields(db, existing))
        return "unchanged"
    for old in known:
        if old["id"] is None:   # the story was read once: its reading moves to article_versions
            readings.insert(db, existing["id"], old, old.get("fetched_at") or stamp)
    readings.insert(db, existing["id"], reading, stamp)
    ordered = history.history([*known, reading])
    readings.save_history(db, ordered)
    changed = write_story(db, existing["id"], ordered, existing, stamp)
    return "updated" if changed else "unchanged"


def todays_reading(ordered: list[dict[str, Any]]) -> dict[str, Any]:
    """The reading whose address a reader can open today: the newest generation, a visit to the site
    before a copy, then the newest in time."""
    effective = [r for r in ordered if r["effective"]]
    return max(effective, key=lambda r: (era(r.get("layout")), (r.get("source") or LIVE_SOURCE) == LIVE_SOURCE,
                                         history.order_key(r)))


def write_story(db: sqlite_utils.Database, aid: int, ordered: list[dict[str, Any]], existing: dict[str, Any] | None,
                stamp: str, also_events: list[str] | None = None) -> bool:
    """Write the best copy of a story's readings as its ``articles`` row (child rows, people, places, search
    index too); False when the row already held exactly that. ``also_events``: the events a new story is
    about to be filed under, narrowing words of its index row from the start."""
    best, origin = history.best_copy(ordered)
    newest = [r for r in ordered if r["effective"]][-1]
    today = todays_reading(ordered)
    edits = [r for r in ordered if r["effective"] and r["change"] == history.EDIT]
    best.update(url=today["url"], layout=newest.get("layout"), word_count=word_count(best["body_text"]))
    best["site_id"] = site_id_of([today, newest, *reversed(ordered)], existing)
    best["content_hash"] = content_hash(best)
    if existing is not None and _row_holds(existing, best, newest, len(edits)):
        if newest.get("cause") != REPARSE and not is_capture(newest.get("source")):
            db.execute("UPDATE articles SET last_checked_at = ?, removed_at = NULL WHERE id = ?", [stamp, aid])
        sync_authors(db, aid, existing)
        _sync_places_and_words(db, aid, best)
        return False
    row = {c: best.get(c) for c in ARTICLE_COLUMNS}
    row.update(id=aid, source=newest.get("source") or LIVE_SOURCE, capture_timestamp=newest.get("capture_timestamp"),
               capture_url=newest.get("capture_url"), raw_page_id=newest.get("raw_page_id"),
               field_sources=json.dumps(newest.get("field_sources") or {}, ensure_ascii=False),
               field_origin=json.dumps(origin) if len(ordered) > 1 else None,
               edit_count=len(edits), edited_at=edits[-1]["read_at"] if edits else None,
               version=sum(1 for r in ordered if r["effective"]),
               first_seen_at=existing["first_seen_at"] if existing else stamp,
               last_fetched_at=stamp, last_checked_at=stamp, removed_at=None)
    fetched = newest is ordered[-1] and newest.get("cause") != REPARSE
    if existing and not fetched:   # a copy filed from the past, or a page read again: no visit
        row.update({k: existing[k] for k in ("last_fetched_at", "last_checked_at", "removed_at")})
    if existing and is_capture(newest.get("source")):   # a capture is not a visit to the live site
        row.update({k: existing[k] for k in ("last_checked_at", "removed_at")})
    columns = ", ".join(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
    db.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' for _ in row)}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}", list(row.values()))
    replace_children(db, aid, best)
    people = authors_of(best["author"])
    sync_authors(db, aid, people)
    sync_places(db, aid, best)   # before the index row: its narrowing words name the places
    index_article(db, aid, {**best, **people}, also_events or ())
    return True


def _sync_places_and_words(db: sqlite_utils.Database, aid: int, article: dict[str, Any]) -> None:
    """The article's places from its fields and, when they changed, its narrowing words in the search index."""
    if sync_places(db, aid, article):
        refresh_narrowing(db, [aid])


def _row_holds(existing: dict[str, Any], best: dict[str, Any], newest: dict[str, Any], edits: int) -> bool:
    """The stored row is already this copy, from this reading, with this count of edits."""
    return ((existing.get("source") or LIVE_SOURCE, existing.get("capture_timestamp"), existing.get("layout"),
             existing["content_hash"], existing["url"], existing.get("edit_count"))
            == (newest.get("source") or LIVE_SOURCE, newest.get("capture_timestamp"), newest.get("layout"),
                best["content_hash"], best["url"], edits))


def site_id_of(candidates: list[dict[str, Any]], existing: dict[str, Any] | None) -> int | None:
    """The site id to show: that of the address today, else of the newest address that has one."""
    for reading in candidates:
        if article_id(reading.get("url")) is not None:
            return article_id(reading.get("url"))
    return existing["site_id"] if existing else None


def mark_removed(db: sqlite_utils.Database, url: str) -> bool:
    """An archived story's address today now answers 404/410: note when, keep everything. True if archived.

    An old address gone says nothing of a story read at a newer one (docs/generations.md): only
    the story's address today, or an address with the same id in the same numbering, counts."""
    numbered = numbered_id(url)
    with db.conn:
        cursor = db.execute(
            "UPDATE articles SET removed_at = coalesce(removed_at, ?), last_checked_at = ? WHERE url = ? OR "
            "(? IS NOT NULL AND id IN (SELECT u.article_id FROM article_urls u JOIN articles a "
            "ON a.id = u.article_id AND a.url = u.url WHERE u.site_id = ? AND u.numbering = ?))",
            [now(), now(), url, numbered and numbered.id, numbered and numbered.id,
             numbered and numbered.numbering])
    return cursor.rowcount > 0
