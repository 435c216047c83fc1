"""An article's versions, rebuilt from ``article_versions`` and the current row (the newest version).

The store copies the version being replaced to ``article_versions`` whole (every field, the child
lists as JSON) with the fields that changed; a capture older than the archived copy is filed
there too, without a version number. Here every version the archive holds is numbered in the order it
was fetched (a capture by its capture time), oldest = 1, the current row last; for an article only
ever fetched from the site this is the ``version`` column's numbering.
"""

from __future__ import annotations

import json
from typing import Any

from kinhtedothi.vocab.sources import is_capture, kind_of

# Fields shown and compared, in page order.
FIELDS = ("title", "sapo", "author", "published_at", "section", "subsection", "body_text", "tags", "images",
          "related_links")
MAX_VERSIONS = 500   # versions read for one article (an article edited more often shows its latest 500)
VERSION_SQL = f"""
select id, version, archived_at, cause, changed_fields, fetched_at, source, capture_timestamp, capture_url,
  {", ".join(FIELDS)}
from article_versions where article_id = ? order by id desc limit {MAX_VERSIONS}
"""


def capture_iso(stamp: str | None) -> str | None:
    """Wayback timestamp '20210523101500' → '2021-05-23T10:15:00+00:00'."""
    if not stamp or not stamp.isdigit() or len(stamp) < 8:
        return None
    s = stamp.ljust(14, "0")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}+00:00"


def _list_text(field: str, value: Any) -> str | None:
    """A child list as text, one item per paragraph, for reading and diffing."""
    items = json.loads(value) if isinstance(value, str) else (value or [])
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


async def _current(db, article: dict) -> dict:
    aid = article["id"]
    tags = [r[0] for r in (await db.execute("select tag from article_tags where article_id = ? order by rowid",
                                            [aid])).rows]
    images = [dict(r) for r in (await db.execute(
        "select src, caption from images where article_id = ? order by position", [aid])).rows]
    related = [dict(r) for r in (await db.execute(
        "select url, title from related_links where article_id = ? order by position", [aid])).rows]
    row = dict(article, tags=tags, images=images, related_links=related)
    capture = is_capture(article.get("source"))  # dated by its capture time, not by when we read it
    return {"current": True, "cause": None, "changed_fields": [], "source": kind_of(article.get("source")).name,
            "fetched_at": (capture_iso(article.get("capture_timestamp")) if capture else None)
            or article.get("last_fetched_at") or article.get("first_seen_at"),
            "archived_at": None, "stored_version": article.get("version"), "row_id": None, "texts": _texts(row)}


async def article_versions(db, article: dict) -> list[dict]:
    """Every version of the article the archive holds, oldest first, numbered from 1; the current last."""
    rows = [dict(r) for r in (await db.execute(VERSION_SQL, [article["id"]])).rows]
    versions = []
    for row in rows:
        capture = is_capture(row.get("source"))
        versions.append({
            "current": False, "cause": row["cause"], "source": kind_of(row.get("source")).name,
            "changed_fields": json.loads(row["changed_fields"] or "[]"),
            "fetched_at": (capture_iso(row.get("capture_timestamp")) if capture else None) or row["fetched_at"],
            "archived_at": row["archived_at"], "stored_version": row["version"], "row_id": row["id"],
            "texts": _texts(row)})
    versions.sort(key=lambda v: (v["fetched_at"] or "", v["stored_version"] or 0, v["row_id"]))
    versions.append(await _current(db, article))
    for number, version in enumerate(versions, 1):
        version["number"] = number
    return versions


def changed(older: dict, newer: dict) -> list[str]:
    """The fields whose text differs between two versions, in page order."""
    return [f for f in FIELDS if (older["texts"].get(f) or "") != (newer["texts"].get(f) or "")]


def is_edit(version: dict) -> bool:
    """A version replaced because the paper changed the article (not because parsers read it better)."""
    return not version["current"] and version["cause"] != "reparse"
