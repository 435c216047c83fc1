"""The archive's tables (docs/design.md "Schema"; every column: docs/schema.md), created with sqlite-utils.

Public: journalists write SQL against these names. Columns may be added;
existing ones keep their meaning (``metadata.yml`` describes each).
"""

from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = 3

TABLES: dict[str, dict] = {
    "events": dict(
        columns={"slug": str, "name": str, "feed_url": str, "found_by": str, "updated_at": str,
                 "walked_to_end_at": str},
        pk="slug",
    ),
    "articles": dict(
        columns={
            "id": int, "url": str, "site_id": int, "title": str, "sapo": str, "author": str,
            "published_at": str, "published_raw": str, "section": str, "subsection": str,
            "body_text": str, "body_html": str, "word_count": int, "layout": str,
            "field_sources": str, "first_seen_at": str, "last_fetched_at": str,
            "content_hash": str, "raw_page_id": int, "last_checked_at": str, "removed_at": str,
            "version": int, "source": str, "capture_timestamp": str, "capture_url": str,
        },
        pk="id",
        not_null={"url"},
    ),
    "feed_links": dict(
        columns={"event_slug": str, "url": str, "site_id": int, "feed_page": str, "position": int,
                 "first_seen_at": str, "last_seen_at": str},
        pk=("event_slug", "url"),
        foreign_keys=[("event_slug", "events", "slug")],
    ),
    "article_events": dict(
        columns={"article_id": int, "event_slug": str},
        pk=("article_id", "event_slug"),
        foreign_keys=[("article_id", "articles", "id"), ("event_slug", "events", "slug")],
    ),
    "article_tags": dict(
        columns={"article_id": int, "tag": str},
        pk=("article_id", "tag"),
        foreign_keys=[("article_id", "articles", "id")],
    ),
    "images": dict(
        columns={"article_id": int, "position": int, "src": str, "caption": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
    ),
    "related_links": dict(
        columns={"article_id": int, "position": int, "url": str, "title": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
    ),
    "article_versions": dict(
        columns={"id": int, "article_id": int, "version": int, "archived_at": str, "cause": str,
                 "changed_fields": str, "title": str, "sapo": str, "author": str, "published_at": str,
                 "published_raw": str, "section": str, "subsection": str, "body_text": str, "body_html": str,
                 "tags": str, "images": str, "related_links": str, "content_hash": str,
                 "fetched_at": str, "raw_page_id": int, "source": str, "capture_timestamp": str,
                 "capture_url": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    ),
    "crawl_runs": dict(
        columns={"id": int, "started_at": str, "finished_at": str, "status": str, "exit_code": int,
                 "reason": str, "base_url": str, "events": str, "pages_fetched": int,
                 "articles_new": int, "articles_updated": int, "articles_unchanged": int,
                 "articles_failed": int, "articles_removed": int, "mode": str, "coverage": str,
                 "stats": str},
        pk="id",
    ),
    "raw_pages": dict(
        columns={"id": int, "url": str, "fetched_from": str, "fetched_at": str, "status": int,
                 "content_type": str, "size": int, "sha1": str, "body": bytes, "run_id": int, "kind": str,
                 "source": str, "capture_timestamp": str},
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    ),
    "crawl_errors": dict(
        columns={"id": int, "run_id": int, "url": str, "status": int, "reason": str, "at": str,
                 "permanent": int, "kind": str},
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    ),
}

INDEXES: list[tuple[str, list[str], bool]] = [
    ("articles", ["url"], True),
    ("articles", ["site_id"], False),
    ("articles", ["published_at"], False),
    ("articles", ["author"], False),
    ("articles", ["section"], False),
    ("article_events", ["event_slug"], False),
    ("article_tags", ["tag"], False),
    ("feed_links", ["url"], False),
    ("feed_links", ["site_id"], False),
    ("raw_pages", ["url"], False),
    ("raw_pages", ["kind", "url"], False),
    ("article_versions", ["article_id"], False),
    ("crawl_errors", ["url"], False),
    ("raw_pages", ["fetched_from"], False),
    ("crawl_errors", ["run_id"], False),
]

FTS_SQL = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, sapo, body_text,
    tokenize = 'unicode61 remove_diacritics 2'
)
"""


# A second search index that keeps the diacritics, for searches that must tell "bàn" from
# "bán" (plugins/vietnamese.py). It reads the articles table itself, kept in step by triggers.
EXACT_INDEX_SQL = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts_exact USING fts5(
    title, sapo, body_text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER IF NOT EXISTS articles_fts_exact_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts_exact (rowid, title, sapo, body_text) VALUES (new.id, new.title, new.sapo, new.body_text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_exact_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts_exact (articles_fts_exact, rowid, title, sapo, body_text)
    VALUES ('delete', old.id, old.title, old.sapo, old.body_text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_exact_update AFTER UPDATE OF title, sapo, body_text ON articles BEGIN
    INSERT INTO articles_fts_exact (articles_fts_exact, rowid, title, sapo, body_text)
    VALUES ('delete', old.id, old.title, old.sapo, old.body_text);
    INSERT INTO articles_fts_exact (rowid, title, sapo, body_text) VALUES (new.id, new.title, new.sapo, new.body_text);
END;
"""


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create whatever is missing (tables, indexes, search index); never drops anything."""
    db.enable_wal()
    for name, spec in TABLES.items():
        db[name].create(spec["columns"], pk=spec["pk"], not_null=spec.get("not_null"),
                        foreign_keys=spec.get("foreign_keys"), if_not_exists=True)
        missing = {c: t for c, t in spec["columns"].items() if c not in db[name].columns_dict}
        for column, kind in missing.items():
            db[name].add_column(column, kind)
    for table, columns, unique in INDEXES:
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    db.execute(FTS_SQL)
    if not db["articles_fts_exact"].exists():
        db.conn.executescript(EXACT_INDEX_SQL)
        db.execute("INSERT INTO articles_fts_exact (articles_fts_exact) VALUES ('rebuild')")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.conn.commit()  # the index rebuild opened a transaction: leave none open (nor lose the above on close)
