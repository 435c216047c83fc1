"""A story's readings, as the crawler judged them (``article_versions``), for the versions and diff pages.

A story read once has no row in ``article_versions``: its one reading is its ``articles`` row. From
the second distinct reading on, every reading is a row there, numbered in time (``version``: 1 the
oldest), with the kind of change it brought (``change``): ``first``, ``edit`` (the paper changed
the words), ``migration`` (another address or generation of the site), ``source`` (another
source), ``presentation`` (pictures, default captions, tags, related links, markup), ``parser`` (an
older parser's reading of a page newer parsers read again). The paper's versions are the first
reading and each edit; the ``articles`` row is the best copy of them all.

An archive made before readings were judged (no ``change`` column) is shown as it was kept: the
replaced versions, then the row.
"""

from __future__ import annotations

import json
from typing import Any

from kinhtedothi.vocab.sources import is_capture, kind_of

# Fields shown and compared, in page order.
FIELDS = ("title", "sapo", "author", "published_at", "section", "subsection", "body_text", "tags", "images",
          "related_links")
PAPER_CHANGES = ("first", "edit")   # the readings that are the paper's own versions
MAX_VERSIONS = 500   # readings read for one story (a story read more often shows its latest 500)
VERSION_SQL = f"""
select * from article_versions where article_id = ? order by coalesce(version, 0) desc, id desc
limit {MAX_VERSIONS}
"""


def capture_iso(stamp: str | None) -> str | None:
    """Wayback timestamp '20210523101500' → '2021-05-23T10:15:00+00:00'."""
    if not stamp or not stamp.isdigit() or len(stamp) < 8:
        return None
    s = stamp.ljust(14, "0")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}+00:00"


def _list(value: Any) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


def _list_text(field: str, value: Any) -> str | None:
    """A child list as text, one item per paragraph, for reading and diffing."""
    items = _list(value)
    if field == "tags":
        lines = [str(t) for t in items]
    elif field == "images":
        lines = [" ".join(x for x in (i.get("caption"), f"({i.get('src')})") if x) for i in items]
    else:
        lines = [f"{i.get('title') or ''} ({i.get('url')})".strip() for i in items]
    return "\n\n".join(lines) or None


def _texts(row: dict) -> dict[str, str | None]:
    return {f: _list_text(f, row.get(f)) if f in ("tags", "images", "related_links") else row.get(f)
            for f in FIELDS}


async def _children(db, article: dict) -> dict:
    aid = article["id"]
    tags = [r[0] for r in (await db.execute("select tag from article_tags where article_id = ? order by rowid",
                                            [aid])).rows]
    images = [dict(r) for r in (await db.execute(
        "select src, caption from images where article_id = ? order by position", [aid])).rows]
    related = [dict(r) for r in (await db.execute(
        "select url, title from related_links where article_id = ? order by position", [aid])).rows]
    return dict(article, tags=tags, images=images, related_links=related)


def _when(row: dict) -> str | None:
    capture = capture_iso(row.get("capture_timestamp")) if is_capture(row.get("source")) else None
    return row.get("read_at") or capture or row.get("fetched_at") or row.get("last_fetched_at") \
        or row.get("first_seen_at")


async def _the_row(db, article: dict, change: str = "first") -> dict:
    """The ``articles`` row as a reading: a story read once, or the newest copy of an old archive."""
    return {"row_id": None, "current": True, "change": change, "effective": True, "edited_fields": [],
            "source": kind_of(article.get("source")).name, "url": article.get("url"), "layout": article.get("layout"),
            "fetched_at": _when(article), "archived_at": None, "texts": _texts(await _children(db, article))}


def _reading(row: dict) -> dict:
    return {"row_id": row["id"], "current": False, "change": row.get("change"),
            "effective": row.get("effective") in (None, 1),
            "edited_fields": _list(row.get("edited_fields")), "source": kind_of(row.get("source")).name,
            "url": row.get("url"), "layout": row.get("layout"), "cause": row.get("cause"),
            "fetched_at": _when(row), "archived_at": row.get("archived_at"), "stored_version": row.get("version"),
            "texts": _texts(row)}


async def article_versions(db, article: dict) -> list[dict]:
    """Every reading of the story the archive holds, oldest first, numbered from 1."""
    rows = [dict(r) for r in (await db.execute(VERSION_SQL, [article["id"]])).rows]
    if not rows:
        versions = [await _the_row(db, article)]
    elif "change" in rows[0] and any(r.get("change") for r in rows):
        versions = [_reading(r) for r in rows]
        versions.sort(key=lambda v: (v["stored_version"] or 0, v["row_id"]))
    else:   # made before readings were judged: replaced versions, the row last, each replacement an edit
        versions = [dict(_reading(r), change="parser" if r.get("cause") == "reparse" else "edit",
                         effective=r.get("cause") != "reparse") for r in rows]
        versions.sort(key=lambda v: (v["fetched_at"] or "", v["stored_version"] or 0, v["row_id"]))
        versions.append(await _the_row(db, article, change="edit"))
        versions[0]["change"] = "first"
    for number, version in enumerate(versions, 1):
        version["number"] = number
    paper = 0
    for version in versions:
        if version["effective"] and version["change"] in PAPER_CHANGES:
            paper += 1
        version["paper_version"] = paper
    return versions


def changed(older: dict, newer: dict) -> list[str]:
    """The fields whose text differs between two readings, in page order."""
    return [f for f in FIELDS if (older["texts"].get(f) or "") != (newer["texts"].get(f) or "")]


def is_edit(version: dict) -> bool:
    """A reading in which the paper changed the words (not a new address, layout, source or parser)."""
    return version["effective"] and version["change"] == "edit"


def previous_effective(versions: list[dict], version: dict) -> dict | None:
    """The reading this one was judged against: the effective one before it."""
    earlier = [v for v in versions[:version["number"] - 1] if v["effective"]]
    return earlier[-1] if earlier else None


def paper_versions(versions: list[dict]) -> int:
    """How many versions the paper published: the first, and one per edit."""
    return versions[-1]["paper_version"] if versions else 0
