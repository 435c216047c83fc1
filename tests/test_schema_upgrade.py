"""An archive made by an older version (the first schema's tables, fewer columns, user_version 1) is upgraded
in place by the next crawl: nothing in it is lost, everything new is added, and the crawl succeeds."""

import sqlite3

import pytest

from pipelines.schema import SCHEMA_VERSION, TABLES
from pipelines.archive import Archive
from kinhtedothi.sample_site import expected_articles
from tests.support import connect, run_crawl

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
