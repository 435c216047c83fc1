"""``articles_fts``: an article's row in the full-text index, with folded text and its narrowing words."""

from __future__ import annotations

from typing import Iterable

import sqlite_utils

from pipelines.schema import FTS_COLUMNS, fts_values
from kinhtedothi.vocab import narrowing


def narrowing_words(db: sqlite_utils.Database, aid: int, also_events: Iterable[str] = ()) -> str:
    """The article's ``narrowing`` column as the archive holds it now: its row's date and section, its
    events (and ``also_events``, about to be linked), tags, people and places (a ward's district too)."""
    row = db.execute("SELECT published_at, section FROM articles WHERE id = ?", [aid]).fetchone()
    published_at, section = row if row else (None, None)
    events = [r[0] for r in db.execute("SELECT event_slug FROM article_events WHERE article_id = ?", [aid])]
    tags = [r[0] for r in db.execute("SELECT tag FROM article_tags WHERE article_id = ?", [aid])]
    people = [r[0] for r in db.execute("SELECT name FROM article_authors WHERE article_id = ? ORDER BY position",
                                       [aid])] if db["article_authors"].exists() else []
    places = [key for row in db.execute("SELECT place_key, district_key FROM article_places WHERE article_id = ?",
                                        [aid]) for key in row if key] if db["article_places"].exists() else []
    return narrowing.words(aid, published_at, section, [*events, *also_events], tags, people, places)


def index_article(db: sqlite_utils.Database, aid: int, article: dict, also_events: Iterable[str] = ()) -> None:
    """Replace the article's search index row: folded text, so that 'dang bo' finds 'Đảng bộ', and the words
    it can be narrowed by (read after its row and child rows are written)."""
    db.execute("DELETE FROM articles_fts WHERE rowid = ?", [aid])
    columns = ", ".join(FTS_COLUMNS)
    db.execute(f"INSERT INTO articles_fts (rowid, {columns}) VALUES (?, {', '.join('?' for _ in FTS_COLUMNS)})",
               [aid, *fts_values(article), narrowing_words(db, aid, also_events)])


def refresh_narrowing(db: sqlite_utils.Database, aids: Iterable[int]) -> None:
    """Rewrite the narrowing words of articles whose events or places changed (only where they differ)."""
    for aid in aids:
        stored = db.execute(f"SELECT {narrowing.COLUMN} FROM articles_fts WHERE rowid = ?", [aid]).fetchone()
        if stored is None:
            continue
        fresh = narrowing_words(db, aid)
        if stored[0] != fresh:
            db.execute(f"UPDATE articles_fts SET {narrowing.COLUMN} = ? WHERE rowid = ?", [fresh, aid])
