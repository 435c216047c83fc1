"""The archive's tables (docs/design.md "Schema"; every column: docs/schema.md), created with sqlite-utils.

Public: journalists write SQL against these names. Columns may be added;
existing ones keep their meaning (``metadata.yml`` describes each).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlite_utils
from sqlite_utils.db import Table

from kinhtedothi.vocab import narrowing
from pipelines import facet_counts
from kinhtedothi.vocab.text import fold

# 4: readings judged (edit_count, article_versions.change), ids with their numbering; 5: the source of each run,
# of each feed link and the event of a refused search result (pipelines/upgrade.py names older runs' sources);
# 6: the search index's narrowing words (an older index is filled again) and facet_counts (pipelines/facet_counts.py)
SCHEMA_VERSION = 6

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
                 "source": str, "capture_timestamp": str,
                 "decode_errors": int},
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    ),
    "crawl_errors": dict(
        columns={"id": int, "run_id": int, "url": str, "status": int, "reason": str, "at": str,
                 "permanent": int, "kind": str},
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    ),
    # Every address a story has been read at, across the site's generations (pipelines/identity.py).
    "article_urls": dict(
        columns={"url": str, "article_id": int, "first_seen_at": str, "last_seen_at": str, "learned_by": str},
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
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
    ("article_urls", ["article_id"], False),
    # the search page's facets read date, section and byline of thousands of matches: a dense covering index
    ("articles", ["id", "published_at", "section", "author"], False),
]

# People in bylines (pipelines/bylines.py): one row per person named in an article's byline, in order;
# articles.byline_source names the agency or publication credited. Filled by the store, kept with the article.
TABLES["article_authors"] = dict(
    columns={"article_id": int, "position": int, "name_printed": str, "name": str, "role": str, "office": str},
    pk=("article_id", "position"),
    foreign_keys=[("article_id", "articles", "id")],
)
TABLES["articles"]["columns"]["byline_source"] = str
INDEXES += [("article_authors", ["name"], False)]

# One story, one true history (pipelines/history.py, docs/people-and-edits.md): every reading judged,
# edits by the paper counted apart from new addresses, layouts, sources and parsers; the best copy
# kept field by field, with the reading each field came from; each address's id with its numbering.
TABLES["articles"]["columns"].update(edit_count=int, edited_at=str, field_origin=str)
TABLES["article_versions"]["columns"].update(url=str, layout=str, read_at=str, change=str, edited_fields=str,
                                             effective=int, field_sources=str)
TABLES["article_urls"]["columns"].update(site_id=int, numbering=str)
INDEXES += [("article_urls", ["site_id", "numbering"], False), ("articles", ["edit_count"], False)]

# Places the articles name (pipelines/places.py; docs/search.md, "Places"): Hanoi's districts and wards and
# the provinces, one row per place an article names, written by the store in the article's transaction and
# rebuilt by `kinhtedothi reparse`. A district's articles are those naming it or one of its wards (district_key).
TABLES["article_places"] = dict(
    columns={"article_id": int, "place_key": str, "place": str, "level": str, "kind": str, "district": str,
             "district_key": str, "province": str, "found_by": str, "words": str, "field": str, "mentions": int,
             "latitude": float, "longitude": float, "old_name": int},
    pk=("article_id", "place_key"),
    foreign_keys=[("article_id", "articles", "id")],
)
INDEXES += [("article_places", ["place_key"], False), ("article_places", ["district_key"], False)]
# Completeness (pipelines/coverage.py, docs/sources.md): the source each run read, the sources whose copy of a
# listing showed each feed link, and the event a site-search result outside the event's dates was refused for.
TABLES["crawl_runs"]["columns"]["source"] = str
TABLES["feed_links"]["columns"]["sources"] = str
TABLES["crawl_errors"]["columns"]["event_slug"] = str

# The folded search index: headline, lead, body, picture captions, tags and the people of the byline; then
# the words a search is narrowed by (kinhtedothi.vocab.narrowing: events, day, month, year, section, tags,
# people, places and a sampling bucket), so that narrowing is part of the full-text query.
TEXT_COLUMNS = ("title", "sapo", "body_text", "captions", "tags", "people")
FTS_COLUMNS = (*TEXT_COLUMNS, narrowing.COLUMN)
FTS_SQL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    {", ".join(FTS_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 2'
)
"""
# Filling it from the stored rows (an archive made before a column existed): fold_vi and kt_narrowing are
# registered first. People: the byline as printed, plus the split names of article_authors when that table exists.
FTS_REBUILD_SQL = """
INSERT INTO articles_fts (rowid, title, sapo, body_text, captions, tags, people, narrowing)
SELECT a.id, fold_vi(a.title), fold_vi(a.sapo), fold_vi(a.body_text),
  fold_vi((SELECT group_concat(caption, ' . ') FROM images WHERE article_id = a.id)),
  fold_vi((SELECT group_concat(tag, ' . ') FROM article_tags WHERE article_id = a.id)),
  fold_vi(coalesce(a.author, ''){people}),
  kt_narrowing(a.id, a.published_at, a.section,
    (SELECT group_concat(event_slug, char(31)) FROM article_events WHERE article_id = a.id),
    (SELECT group_concat(tag, char(31)) FROM article_tags WHERE article_id = a.id),
    {names}, {places})
FROM articles a
"""
PEOPLE_FROM_AUTHORS = (" || coalesce(' . ' || (SELECT group_concat(name, ' . ') FROM article_authors "
                       "WHERE article_id = a.id), '')")
NAMES_FROM_AUTHORS = "(SELECT group_concat(name, char(31)) FROM article_authors WHERE article_id = a.id)"
# a place's key and, for a ward, its district's (narrowing to a district takes in its wards)
PLACES_OF_ARTICLE = ("(SELECT group_concat(place_key || char(31) || coalesce(district_key, ''), char(31)) "
                     "FROM article_places WHERE article_id = a.id)")


def fts_values(article: dict, people: list[str] | None = None) -> list[str]:
    """The folded text of an article's index row (the store's fields): one value per ``TEXT_COLUMNS``."""
    captions = " . ".join(i.get("caption") or "" for i in article.get("images") or [] if i.get("caption"))
    derived = people or [p["name"] if isinstance(p, dict) else p for p in article.get("authors") or []]
    names = [article.get("author") or "", *derived]
    return [fold(article.get("title")), fold(article.get("sapo")), fold(article.get("body_text")), fold(captions),
            fold(" . ".join(article.get("tags") or [])), fold(" . ".join(n for n in names if n))]


def _ensure_search_index(db: sqlite_utils.Database) -> None:
    """Create ``articles_fts``; when an older archive's index has other columns, drop it and fill it again."""
    if db["articles_fts"].exists() and tuple(db["articles_fts"].columns_dict) != FTS_COLUMNS:
        db.execute("DROP TABLE articles_fts")
    if db["articles_fts"].exists():
        return
    db.execute(FTS_SQL)
    db.conn.create_function("fold_vi", 1, fold, deterministic=True)
    db.conn.create_function("kt_narrowing", 7, narrowing.grouped_words, deterministic=True)
    authors = db["article_authors"].exists()
    db.execute(FTS_REBUILD_SQL.format(people=PEOPLE_FROM_AUTHORS if authors else "",
                                      names=NAMES_FROM_AUTHORS if authors else "NULL",
                                      places=PLACES_OF_ARTICLE if db["article_places"].exists() else "NULL"))


# A second search index that keeps the diacritics, for searches that must tell "bàn" from
# "bán" (datasette_kinhtedothi/vietnamese.py). It reads the articles table itself, kept in step by triggers.
# Statements one by one (not a script: Python's executescript would commit the schema's transaction).
EXACT_INDEX_SQL = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts_exact USING fts5(
    title, sapo, body_text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
)""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_exact_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts_exact (rowid, title, sapo, body_text) VALUES (new.id, new.title, new.sapo, new.body_text);
END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_exact_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts_exact (articles_fts_exact, rowid, title, sapo, body_text)
    VALUES ('delete', old.id, old.title, old.sapo, old.body_text);
END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_exact_update AFTER UPDATE OF title, sapo, body_text ON articles BEGIN
    INSERT INTO articles_fts_exact (articles_fts_exact, rowid, title, sapo, body_text)
    VALUES ('delete', old.id, old.title, old.sapo, old.body_text);
    INSERT INTO articles_fts_exact (rowid, title, sapo, body_text) VALUES (new.id, new.title, new.sapo, new.body_text);
END""",
    "INSERT INTO articles_fts_exact (articles_fts_exact) VALUES ('rebuild')",
)


def _table(db: sqlite_utils.Database, name: str) -> Table:
    """One of the archive's tables (sqlite-utils answers a View for a name that is a view)."""
    table = db[name]
    if not isinstance(table, Table):
        raise ValueError(f"{name} is a view in this database, where the archive keeps a table")
    return table


def _ensure_tables(db: sqlite_utils.Database) -> None:
    """Every table, with every column; created from sqlite-utils' SQL, run inside the caller's transaction
    (``Table.create`` would commit it)."""
    for name, spec in TABLES.items():
        table = _table(db, name)
        if not table.exists():
            db.execute(db.create_table_sql(name, spec["columns"], pk=spec["pk"], not_null=spec.get("not_null"),
                                           foreign_keys=spec.get("foreign_keys"), if_not_exists=True))
            continue
        missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
        for column, kind in missing.items():
            table.add_column(column, kind)


@contextmanager
def _one_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """All or nothing: a failure (a full disk, a kill) leaves the file as it was before."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def ensure_schema(db: sqlite_utils.Database) -> int:
    """Create whatever is missing (tables, indexes, search indexes, facet counts), all in one transaction:
    a file is either left as it was or gets the whole schema, so a run stopped half-way (a full disk) leaves
    nothing a later run would refuse. Never drops anything but an older search index it rebuilds.
    Returns the schema version the file had before (0 for a new file), for ``pipelines.upgrade``."""
    if db.conn.in_transaction:  # a caller's open transaction is theirs to finish first
        db.conn.commit()
    before = db.execute("PRAGMA user_version").fetchone()[0]
    db.enable_wal()
    with _one_transaction(db):
        _ensure_tables(db)
        for name, columns, unique in INDEXES:
            _table(db, name).create_index(columns, unique=unique, if_not_exists=True)
        _ensure_search_index(db)
        facet_counts.ensure(db)
        if not db["articles_fts_exact"].exists():
            for statement in EXACT_INDEX_SQL:
                db.execute(statement)
        if before != SCHEMA_VERSION:  # unchanged, the header is not written: an up-to-date archive needs no room
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return before
