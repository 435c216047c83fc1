"""``article_places``: the places an article names (``pipelines.places``), kept with the article.

Called by the store inside the article's transaction, from the article's best copy; the rows are
rewritten only when what the article names differs from what is stored. ``kinhtedothi reparse``
rebuilds them for every article (an archive made before places existed, or new rules)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from pipelines.places import places_of

COLUMNS = ("place_key", "place", "level", "kind", "district", "district_key", "province", "found_by", "words",
           "field", "mentions", "latitude", "longitude", "old_name")


def sync_places(db: sqlite_utils.Database, article_id: int, article: dict[str, Any]) -> bool:
    """Write the places the article (its normalized fields) names when they differ from the stored ones."""
    rows = [tuple(place.row()[c] for c in COLUMNS) for place in places_of(article)]
    stored = [tuple(r) for r in db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM article_places WHERE article_id = ? ORDER BY rowid", [article_id])]
    if stored == rows:
        return False
    db.execute("DELETE FROM article_places WHERE article_id = ?", [article_id])
    marks = ", ".join("?" for _ in range(len(COLUMNS) + 1))
    for row in rows:
        db.execute(f"INSERT INTO article_places (article_id, {', '.join(COLUMNS)}) VALUES ({marks})",
                   [article_id, *row])
    return True
