"""Keeping ``article_authors`` and ``articles.byline_source`` in step with an article's byline.

Called by the store inside the article's transaction. The rows are derived from
the byline (``pipelines.bylines``), so they are rewritten only when what the
byline says differs from what is stored: a new or edited article, or an archive
made before people were split out (``kinhtedothi reparse`` fills those).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipelines.bylines import authors_of

COLUMNS = ("name_printed", "name", "role", "office")


def sync_authors(db: sqlite_utils.Database, article_id: int, article: dict[str, Any]) -> bool:
    """Write the article's people and byline source when they differ from the stored ones; True if written."""
    derived = article if "authors" in article else authors_of(article.get("author"))
    people = [(p["printed"], p["name"], p["role"], p.get("office")) for p in derived["authors"]]
    stored = [tuple(r) for r in db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM article_authors WHERE article_id = ? ORDER BY position", [article_id])]
    source = db.execute("SELECT byline_source FROM articles WHERE id = ?", [article_id]).fetchone()
    if stored == people and source is not None and source[0] == derived["byline_source"]:
        return False
    db.execute("DELETE FROM article_authors WHERE article_id = ?", [article_id])
    for position, person in enumerate(people, 1):
        db.execute(f"INSERT INTO article_authors (article_id, position, {', '.join(COLUMNS)}) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [article_id, position, *person])
    db.execute("UPDATE articles SET byline_source = ? WHERE id = ?", [derived["byline_source"], article_id])
    return True
