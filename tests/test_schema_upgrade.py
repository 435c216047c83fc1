"""An archive made by an older version (the first schema's tables, fewer columns, user_version 1) is upgraded
in place by the next crawl: nothing in it is lost, everything new is added, and the crawl succeeds. An archive
at schema 3, 4 or 5 is upgraded step by step (each step changing nothing when run again), and the step to 6
(the search index's narrowing words, facet_counts) is made whole or not at all."""

import sqlite3

import pytest
import sqlite_utils

from kinhtedothi.vocab import narrowing
from pipelines.disk import is_disk_full
from pipelines.schema import SCHEMA_VERSION, TABLES, TEXT_COLUMNS, ensure_schema
from pipelines.archive import Archive
from pipelines.upgrade import upgrade
from kinhtedothi.sample_site import expected_articles
from tests.support import connect, run_crawl
from tests.support.datasette import copy_archive, fresh_facet_counts

pytestmark = pytest.mark.slow

OLD_SCHEMA = """
CREATE TABLE events (slug TEXT PRIMARY KEY, name TEXT, feed_url TEXT);
CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT NOT NULL, site_id INTEGER, title TEXT, sapo TEXT,
    author TEXT, published_at TEXT, section TEXT, body_text TEXT, body_html TEXT, content_hash TEXT,
    first_seen_at TEXT, last_fetched_at TEXT);
CREATE TABLE article_events (article_id INTEGER REFERENCES articles(id), event_slug TEXT REFERENCES events(slug),
    PRIMARY KEY (article_id, event_slug));
CREATE TABLE feed_links (event_slug TEXT REFERENCES events(slug), url TEXT, position INTEGER,
    PRIMARY KEY (event_slug, url));
CREATE TABLE crawl_runs (id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, exit_code INTEGER,
    reason TEXT, base_url TEXT, events TEXT, pages_fetched INTEGER, articles_new INTEGER, articles_updated INTEGER,
    articles_unchanged INTEGER, articles_failed INTEGER, stats TEXT);
CREATE TABLE raw_pages (id INTEGER PRIMARY KEY, url TEXT, fetched_from TEXT, fetched_at TEXT, status INTEGER,
    content_type TEXT, size INTEGER, sha1 TEXT, body BLOB, run_id INTEGER REFERENCES crawl_runs(id));
CREATE TABLE crawl_errors (id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES crawl_runs(id), url TEXT,
    status INTEGER, reason TEXT, at TEXT);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, sapo, body_text, tokenize = 'unicode61 remove_diacritics 2');
PRAGMA user_version = 1;
"""
OLD_ARTICLE = (999001, "https://kinhtedothi.vn/bai-cu-999001.html", 999001, "Bài cũ còn trong bản lưu trữ",
               "Tóm tắt cũ.", "Phóng viên", "2020-03-01T08:00:00+07:00", "Xã hội", "Nội dung của bài cũ.",
               "<p>Nội dung của bài cũ.</p>", "hash-old", "2020-03-02T00:00:00+00:00", "2020-03-02T00:00:00+00:00")


@pytest.fixture
def old_archive(tmp_path):
    db = tmp_path / "archive.db"
    conn = sqlite3.connect(db)
    conn.executescript(OLD_SCHEMA)
    conn.execute(f"INSERT INTO articles VALUES ({', '.join('?' * len(OLD_ARTICLE))})", OLD_ARTICLE)
    conn.execute("INSERT INTO articles_fts (rowid, title, sapo, body_text) VALUES (999001, 'bai cu con trong ban "
                 "luu tru', 'tom tat cu.', 'noi dung cua bai cu.')")
    conn.execute("INSERT INTO events VALUES ('dai-dich-covid-19', 'Đại dịch Covid-19', NULL)")
    conn.execute("INSERT INTO article_events VALUES (999001, 'dai-dich-covid-19')")
    conn.commit()
    conn.close()
    return db


def test_opening_an_old_archive_adds_every_table_and_column_and_keeps_its_rows(old_archive):
    Archive(old_archive).close()
    conn = connect(old_archive)
    for table, spec in TABLES.items():
        columns = {row[1] for row in conn.execute(f"pragma table_info({table})")}
        assert set(spec["columns"]) <= columns, table
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    row = dict(conn.execute("select * from articles where id = 999001").fetchone())
    assert (row["title"], row["body_text"], row["content_hash"]) == (OLD_ARTICLE[3], OLD_ARTICLE[8], "hash-old")
    assert row["removed_at"] is None and row["capture_url"] is None
    exact = conn.execute("select rowid from articles_fts_exact where articles_fts_exact match 'cũ'").fetchall()
    assert [r[0] for r in exact] == [999001]  # the exact index is built from the rows already there
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_crawl_into_an_old_archive_succeeds_and_loses_nothing(old_archive, site):
    process = run_crawl(old_archive, site.url)
    assert process.returncode == 0, process.stderr[-2000:]
    conn = connect(old_archive)
    urls = {r[0] for r in conn.execute("select url from articles")}
    assert urls == {a["url"] for a in expected_articles()} | {OLD_ARTICLE[1]}
    assert conn.execute("select title from articles where id = 999001").fetchone()[0] == OLD_ARTICLE[3]
    assert conn.execute("select count(*) from crawl_runs where exit_code = 0").fetchone()[0] == 1


def test_an_archive_that_showed_a_migration_as_an_edit_is_judged_again_on_upgrade(tmp_path):
    """Schema 3 kept the legacy reading as a replaced version and today's page in articles: a false edit
    (pictures rehosted, the caption replaced by the CMS default). Opening it upgrades and judges again."""
    db = tmp_path / "archive.db"
    Archive(db).close()
    title, body = "Hà Nội tiếp nhận vắc xin", "Sáng nay Hà Nội tiếp nhận lô vắc xin đầu tiên."
    legacy, today = "https://kinhtedothi.vn/ha-noi-409318.html", "https://kinhtedothi.vn/ha-noi.html"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("insert into articles (id, url, site_id, title, sapo, author, published_at, body_text, layout, "
                     "source, first_seen_at, last_fetched_at, content_hash, version) values (409318, ?, 409318, ?, "
                     "'Lời dẫn.', 'Hồng Thái', '2021-01-13T20:36:00+07:00', ?, 'current', 'live', "
                     "'2026-01-01T00:00:00+00:00', '2026-06-01T00:00:00+00:00', 'h-today', 2)", [today, title, body])
        conn.execute("insert into images values (409318, 1, 'https://resource.kinhtedothi.vn/a.jpg', ?)",
                     [title + " - Ảnh 1"])
        conn.execute("insert into article_versions (article_id, version, archived_at, cause, changed_fields, title, "
                     "sapo, author, published_at, body_text, tags, images, related_links, content_hash, fetched_at, "
                     "source) values (409318, 1, '2026-06-01T00:00:00+00:00', 'recheck', '[\"images\"]', ?, "
                     "'Lời dẫn.', 'Hồng Thái', '2021-01-13T20:36:00+07:00', ?, '[]', ?, '[]', 'h-legacy', "
                     "'2026-01-01T00:00:00+00:00', 'live')",
                     [title, body, '[{"src": "https://cdn.kinhtedothi.vn/a.jpg", '
                                   '"caption": "Lô vắc xin tại sân bay"}]'])
        conn.execute("insert into article_urls (url, article_id, first_seen_at, last_seen_at, learned_by) values "
                     "(?, 409318, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 'fetched')", [legacy])
        conn.execute("update articles set edit_count = null")
        conn.execute("update article_versions set change = null")
        conn.execute("pragma user_version = 3")
    conn.close()
    Archive(db).close()
    conn = connect(db)
    assert conn.execute("select edit_count, url from articles").fetchone()[:] == (0, today)
    assert [r[0] for r in conn.execute("select change from article_versions order by version")] == ["first",
                                                                                                   "presentation"]
    assert conn.execute("select caption from images").fetchone()[0] == "Lô vắc xin tại sân bay"
    assert conn.execute("select numbering, site_id from article_urls where url = ?", [legacy]).fetchone()[:] == (
        "legacy", 409318)
    Archive(db).close()   # a second opening changes nothing more
    assert conn.execute("select count(*) from article_versions").fetchone()[0] == 2


# -- from schema 4 and 5 to 6: the narrowing words (places included) and facet_counts, step by step ------------
WORDS = "select rowid, narrowing from articles_fts order by rowid"
COUNTS = "select facet, value, n from facet_counts where n > 0 order by 1, 2"


def _as_schema(path, version: int) -> None:
    """Make a copy of today's archive what an older version left: main's schema 5 (the search index without its
    narrowing column, no facet_counts), or schema 4 (nor the sources of runs and feed links, nor places)."""
    conn = sqlite3.connect(path)
    with conn:
        for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' "
                                    "and name like 'facet_counts%'").fetchall():
            conn.execute(f"drop trigger {name}")
        conn.execute("drop table facet_counts")
        rows = conn.execute(f"select rowid, {', '.join(TEXT_COLUMNS)} from articles_fts").fetchall()
        conn.execute("drop table articles_fts")
        conn.execute(f"create virtual table articles_fts using fts5({', '.join(TEXT_COLUMNS)}, "
                     "tokenize = 'unicode61 remove_diacritics 2')")
        conn.executemany(f"insert into articles_fts (rowid, {', '.join(TEXT_COLUMNS)}) values "
                         f"(?{', ?' * len(TEXT_COLUMNS)})", rows)
        if version == 4:
            for table, column in (("crawl_runs", "source"), ("feed_links", "sources"), ("crawl_errors", "event_slug")):
                conn.execute(f"alter table {table} drop column {column}")
            conn.execute("drop table article_places")
        conn.execute(f"pragma user_version = {version}")
    conn.execute("vacuum")   # no free pages left over: what the upgrade needs, it needs from the disk
    conn.close()


def _upgraded_twice(path) -> sqlite_utils.Database:
    """Open the archive as every command does (the schema, then the data's upgrade), then once more: the second
    opening writes nothing."""
    Archive(path).close()
    db = sqlite_utils.Database(path)
    changes = db.conn.total_changes
    upgrade(db, ensure_schema(db))
    assert db.conn.total_changes == changes
    return db


def _positive(conn) -> list[tuple]:
    return [row for row in fresh_facet_counts(conn) if row[2] > 0]


def test_an_archive_at_schema_5_gets_the_narrowing_words_with_its_places_and_the_facet_counts(crawled, tmp_path):
    """The index is filled again with the words the store writes (a ward's district among them), every facet is
    counted (places too: a district once per article naming it or one of its wards); a second opening changes
    nothing."""
    made = crawled[0]
    path = copy_archive(made, tmp_path)
    with sqlite3.connect(made) as conn:
        words, counts = conn.execute(WORDS).fetchall(), conn.execute(COUNTS).fetchall()
    assert any(narrowing.PREFIX["place"] in w for _, w in words) and any(f == "place" for f, _, _ in counts)
    _as_schema(path, 5)
    db = _upgraded_twice(path)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute(WORDS).fetchall() == words
    assert db.execute(COUNTS).fetchall() == counts == _positive(db.conn)
    ward, district = db.execute("select place_key, district_key from article_places where level = 'ward' "
                                "and district_key is not null").fetchone()
    for key in (ward, district):   # the index narrows a place as the tables do: a district takes in its wards
        from_index = {r[0] for r in db.execute("select rowid from articles_fts where articles_fts match ?",
                                               [f'{{narrowing}}: "{narrowing.term("place", key)}"'])}
        from_tables = {r[0] for r in db.execute("select article_id from article_places where place_key = ? "
                                                "or district_key = ?", [key, key])}
        assert from_index == from_tables != set(), key


def test_an_archive_at_schema_4_is_upgraded_step_by_step(crawled, tmp_path):
    """Schema 5's step names each run's source from the pages it stored, then schema 6's fills the index's words
    and the counts; no place is known until reparse (the archive predates them), so none is a word or a count."""
    path = copy_archive(crawled[0], tmp_path)
    with sqlite3.connect(path) as conn:
        sources = conn.execute("select id, source from crawl_runs order by id").fetchall()
        words = conn.execute(WORDS).fetchall()
    assert sources and all(s for _, s in sources)
    _as_schema(path, 4)
    db = _upgraded_twice(path)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("select id, source from crawl_runs order by id").fetchall() == sources
    assert db.execute("select count(*) from article_places").fetchone()[0] == 0
    place = narrowing.PREFIX["place"]
    assert db.execute(WORDS).fetchall() == [(aid, " ".join(w for w in text.split() if not w.startswith(place)))
                                            for aid, text in words]
    assert db.execute(COUNTS).fetchall() == _positive(db.conn) != []
    assert not db.execute("select 1 from facet_counts where facet = 'place' and n > 0").fetchall()


def test_a_facet_counted_since_is_counted_once_on_upgrade(crawled, tmp_path):
    """An archive whose facet_counts predates a facet (its triggers missing, as the place facet's were): the
    facet is counted from its rows, then kept; the other facets' counts are left as they are."""
    path = copy_archive(crawled[0], tmp_path)
    with sqlite3.connect(path) as conn:
        counts = conn.execute(COUNTS).fetchall()
        for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' "
                                    "and name like 'facet_counts_place%'").fetchall():
            conn.execute(f"drop trigger {name}")
        conn.execute("delete from facet_counts where facet = 'place'")
        conn.execute("pragma user_version = 5")
    db = _upgraded_twice(path)
    assert db.execute(COUNTS).fetchall() == counts
    with db.conn:
        db.execute("delete from article_places where rowid = (select min(rowid) from article_places)")
    assert db.execute(COUNTS).fetchall() == _positive(db.conn) != counts


def test_an_upgrade_cut_short_by_a_full_disk_leaves_the_archive_as_it_was_and_a_rerun_finishes_it(crawled, tmp_path):
    """The index's rebuild and the counts are made in the schema's one transaction: at every size too small
    for them the archive stays at schema 5 as it was; with room again, the same file upgrades."""
    source = copy_archive(crawled[0], tmp_path / "source")
    _as_schema(source, 5)
    with sqlite3.connect(source) as conn:
        pages = conn.execute("pragma page_count").fetchone()[0]
        words = conn.execute("select rowid, title from articles_fts order by rowid").fetchall()
    cut = 0
    for extra in (0, 2, 8, 30, 100, 400, 2000):
        path = copy_archive(source, tmp_path / f"extra-{extra}")
        db = sqlite_utils.Database(path)
        db.execute(f"pragma max_page_count = {pages + extra}")
        try:
            upgrade(db, ensure_schema(db))
        except sqlite3.OperationalError as error:
            assert is_disk_full(error, path), error
            cut += 1
            assert db.execute("pragma user_version").fetchone()[0] == 5
            assert "facet_counts" not in db.table_names()
            assert tuple(db["articles_fts"].columns_dict) == TEXT_COLUMNS
            assert db.execute("select rowid, title from articles_fts order by rowid").fetchall() == words
        db.close()
        db = _upgraded_twice(path)   # with room again
        assert tuple(db["articles_fts"].columns_dict) == (*TEXT_COLUMNS, narrowing.COLUMN)
        assert db.execute(COUNTS).fetchall() == _positive(db.conn)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        db.close()
    assert cut, "no size tried was too small for the upgrade: try smaller ones"
