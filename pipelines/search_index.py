"""``articles_fts``: an article's row in the full-text index, with folded text."""

from __future__ import annotations

import sqlite_utils

from pipelines.schema import FTS_COLUMNS, fts_values


def index_article(db: sqlite_utils.Database, aid: int, article: dict) -> None:
    """Replace the article's search index row: folded text, so that 'dang bo' finds 'Đảng bộ'."""
    db.execute("DELETE FROM articles_fts WHERE rowid = ?", [aid])
    columns = ", ".join(FTS_COLUMNS)
    db.execute(f"INSERT INTO articles_fts (rowid, {columns}) VALUES (?, {', '.join('?' for _ in FTS_COLUMNS)})",
               [aid, *fts_values(article)])
