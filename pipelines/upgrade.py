"""Upgrading the data of an archive made by an older version (the tables and columns are ``schema``'s).

Schema 4 judges every reading (``pipelines.history``): an archive made before it holds, for an edited
story, the versions an update replaced in ``article_versions`` and the newest one in ``articles``.
The upgrade files that newest reading beside the others, names each address's id with its numbering,
judges each story's history again (so a new address, layout or source is no longer shown as an edit)
and keeps the best copy. Each story is upgraded in its own transaction; a rerun finishes the rest.
Schema 5 names the source each earlier run read (``crawl_runs.source``, from the pages it stored).
Schema 6 is ``pipelines.schema``'s own, done in its one transaction before anything here: the search
index filled again with the words a search is narrowed by (places included) and ``facet_counts`` counted.
Each step leaves alone what it already did: run twice, it changes nothing the second time."""

from __future__ import annotations

import logging

import sqlite_utils

from pipelines import articles, history, readings
from pipelines.writing import now
from kinhtedothi.vocab.generations import LEGACY
from kinhtedothi.vocab.sources import LIVE
from kinhtedothi.vocab.urls import numbered_id

logger = logging.getLogger(__name__)
READINGS = 4   # the schema version from which every reading is judged
SOURCES = 5    # the schema version from which each run records its source


def upgrade(db: sqlite_utils.Database, before: int) -> None:
    """Bring the data of an archive made at schema ``before`` up to date (nothing for a new file)."""
    if before == 0 or "articles" not in db.table_names():
        return
    if before < READINGS:
        judge_readings(db)
    if before < SOURCES:
        name_run_sources(db)


def name_run_sources(db: sqlite_utils.Database) -> None:
    """The source each earlier run read, from the pages it stored: a capture source when it stored any (a web
    archive's runs also store its index answers, as live pages); a run that stored nothing stays unnamed."""
    with db.conn:
        db.execute("UPDATE crawl_runs SET source = (SELECT p.source FROM raw_pages p WHERE p.run_id = crawl_runs.id "
                   "AND p.source IS NOT NULL GROUP BY p.source ORDER BY p.source = ?, count(*) DESC LIMIT 1) "
                   "WHERE source IS NULL", [LIVE.name])


def judge_readings(db: sqlite_utils.Database) -> None:
    """Schema 4: every address numbered, every edited story's history judged again."""
    number_addresses(db)
    stories = [r[0] for r in db.execute(
        "SELECT DISTINCT article_id FROM article_versions WHERE change IS NULL ORDER BY article_id")]
    for article_id in stories:
        judge_again(db, article_id)
    with db.conn:
        db.execute("UPDATE articles SET edit_count = 0 WHERE edit_count IS NULL")
    if stories:
        logger.info("archive upgraded: the history of %d edited stories judged again", len(stories))


def number_addresses(db: sqlite_utils.Database) -> None:
    """Every address of a story in ``article_urls``, with its id and the numbering it belongs to."""
    with db.conn:
        db.execute("INSERT OR IGNORE INTO article_urls (url, article_id, first_seen_at, last_seen_at, learned_by) "
                   "SELECT url, id, first_seen_at, coalesce(last_fetched_at, first_seen_at), 'fetched' FROM articles")
        for (url,) in db.execute("SELECT url FROM article_urls WHERE numbering IS NULL").fetchall():
            numbered = numbered_id(url)
            if numbered:
                db.execute("UPDATE article_urls SET site_id = ?, numbering = ? WHERE url = ?",
                           [numbered.id, numbered.numbering, url])


def judge_again(db: sqlite_utils.Database, article_id: int) -> None:
    """One story made before schema 4: its newest reading filed with the others, all judged again."""
    row = db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return
    columns = [d[0] for d in db.execute("SELECT * FROM articles LIMIT 0").description]
    article = dict(zip(columns, row))
    stamp = now()
    with db.conn:
        known = readings.load(db, article)
        for reading in known:
            _fill_address(db, reading, article)
        newest = readings.from_article_row(db, article)
        if readings.redundant(known, newest) is None:
            readings.insert(db, article_id, newest, article.get("last_fetched_at") or stamp)
            known.append(newest)
        ordered = history.history(known)
        readings.save_history(db, ordered)
        articles.write_story(db, article_id, ordered, article, stamp)


def _fill_address(db: sqlite_utils.Database, reading: dict, article: dict) -> None:
    """An old version row names no address or layout: its stored page's address, the layout its address
    form belongs to."""
    if reading.get("url"):
        return
    page = db.execute("SELECT url FROM raw_pages WHERE id = ?", [reading.get("raw_page_id")]).fetchone() \
        if reading.get("raw_page_id") is not None else None
    url = page[0] if page else article["url"]
    numbered = numbered_id(url)
    layout = LEGACY.layouts[0] if numbered and numbered.numbering == LEGACY.numbering else \
        article.get("layout") if url == article["url"] else None
    reading.update(url=url, layout=layout)
    db.execute("UPDATE article_versions SET url = ?, layout = ? WHERE id = ?", [url, layout, reading["id"]])
