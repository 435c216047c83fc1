"""An article's child rows: ``article_tags``, ``images`` and ``related_links``, read and replaced."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipelines.normalize import HASHED_FIELDS

CHILD_FIELDS = ("tags", "images", "related_links")


def stored_fields(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any]:
    """An archived article's normalized fields, child rows included, as normalize_article gives them."""
    aid = row["id"]
    fields = {k: row[k] for k in HASHED_FIELDS if k not in CHILD_FIELDS}
    fields["tags"] = [r[0] for r in db.execute(
        "SELECT tag FROM article_tags WHERE article_id = ? ORDER BY rowid", [aid])]
    fields["images"] = [{"src": r[0], "caption": r[1]} for r in db.execute(
        "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [aid])]
    fields["related_links"] = [{"url": r[0], "title": r[1]} for r in db.execute(
        "SELECT url, title FROM related_links WHERE article_id = ? ORDER BY position", [aid])]
    return fields


def replace_children(db: sqlite_utils.Database, aid: int, article: dict[str, Any]) -> None:
    """The article's tags, pictures and related links, as ``article`` has them now (in the caller's transaction)."""
    for name in ("article_tags", "images", "related_links"):
        db.execute(f"DELETE FROM {name} WHERE article_id = ?", [aid])
    for tag in article["tags"]:
        db.execute("INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)", [aid, tag])
    for position, image in enumerate(article["images"], 1):
        db.execute("INSERT INTO images (article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                   [aid, position, image["src"], image["caption"]])
    for position, link in enumerate(article["related_links"], 1):
        db.execute("INSERT INTO related_links (article_id, position, url, title) VALUES (?, ?, ?, ?)",
                   [aid, position, link["url"], link["title"]])
