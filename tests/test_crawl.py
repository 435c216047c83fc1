"""End to end: a real Scrapy crawl over HTTP of the sample site into a real SQLite archive."""

import fcntl
import shutil
import subprocess
import sys

import pytest

from kinhtedothi.sample_site import FAULT_URLS, SampleSite, expected_articles, expected_events
from tests.support import ROOT, connect, free_port, run_crawl

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_articles()}


def stored(conn, url: str) -> dict:
    """An article as the archive holds it, in the shape of the sample site's truth."""
    row = conn.execute("select * from articles where url = ?", [url]).fetchone()
    if row is None:
        return {}
    article = dict(row)
    aid = article["id"]
    article["tags"] = [r[0] for r in conn.execute("select tag from article_tags where article_id = ? order by rowid",
                                                  [aid])]
    article["images"] = [dict(r) for r in conn.execute(
        "select src, caption from images where article_id = ? order by position", [aid])]
    article["related_links"] = [dict(r) for r in conn.execute(
        "select url, title from related_links where article_id = ? order by position", [aid])]
    article["events"] = sorted(r[0] for r in conn.execute(
        "select event_slug from article_events where article_id = ?", [aid]))
    return article


def paths(requests) -> list[str]:
    return [r["path"] for r in requests]


def test_the_crawl_exits_zero_and_records_the_run(crawled):
    db, process, _ = crawled
    assert process.returncode == 0, process.stderr[-3000:]
    run = connect(db).execute("select * from crawl_runs").fetchone()
    assert run["status"] == "ok" and run["exit_code"] == 0 and run["articles_new"] == len(EXPECTED)


def test_exactly_the_articles_of_the_three_feeds_are_archived(crawled):
    db, _, _ = crawled
    urls = {r[0] for r in connect(db).execute("select url from articles")}
    assert urls == set(EXPECTED)


@pytest.mark.parametrize("url", sorted(EXPECTED), ids=lambda u: u.rsplit("/", 1)[-1][:50])
def test_every_field_of_every_article_matches_the_site(crawled, url):
    db, _, _ = crawled
    got, expected = stored(connect(db), url), EXPECTED[url]
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if k != "variations" and got.get(k) != v}
    assert not wrong, f"{expected['variations']}: " + "; ".join(f"{k}: expected {e!r}, got {g!r}"
                                                              for k, (e, g) in wrong.items())


def test_events_are_found_in_the_bar_by_name(crawled):
    db, _, _ = crawled
    rows = {r["slug"]: dict(r) for r in connect(db).execute("select * from events")}
    for event in expected_events():
        assert rows[event["slug"]]["feed_url"] == event["feed_url"]
        assert rows[event["slug"]]["found_by"] == "bar"
        assert rows[event["slug"]]["name"] == event["name"]


def test_other_events_and_lookalikes_are_not_crawled(crawled):
    _, _, requests = crawled
    assert not [p for p in paths(requests) if p.startswith(("/su-kien/720/", "/du-lich/"))]


def test_every_feed_page_is_walked_by_its_next_link(crawled, site):
    _, _, requests = crawled
    fetched = set(paths(requests))
    for feed, pages in (("elections", 3), ("covid", 4), ("environment", 3)):
        for page in range(1, pages + 1):
            assert site.feed_url(feed, page).split(site.url, 1)[-1] in fetched


def test_a_feed_page_answering_503_once_is_retried(crawled):
    _, _, requests = crawled
    statuses = [r["status"] for r in requests if r["path"] == FAULT_URLS["retry_503_feed_page"]]
    assert statuses == [503, 200]


def test_a_page_answering_500_twice_is_retried_until_it_works(crawled):
    db, _, requests = crawled
    statuses = [r["status"] for r in requests if r["path"] == FAULT_URLS["retry_500"]]
    assert statuses == [500, 500, 200]
    assert stored(connect(db), "https://kinhtedothi.vn" + FAULT_URLS["retry_500"])["title"]


def test_a_dead_link_is_recorded_not_archived(crawled):
    db, _, _ = crawled
    conn = connect(db)
    url = "https://kinhtedothi.vn" + FAULT_URLS["dead"]
    assert conn.execute("select status, reason from crawl_errors where url = ?", [url]).fetchone()[0] == 404
    assert not stored(conn, url)


def test_a_redirected_link_is_archived_under_its_final_url_and_filed_under_its_feed(crawled):
    db, _, _ = crawled
    conn = connect(db)
    old = "https://kinhtedothi.vn" + FAULT_URLS["redirect_from"]
    assert not stored(conn, old)
    final = next(a for a in EXPECTED.values() if "redirected" in a["variations"])
    assert stored(conn, final["url"])["events"] == final["events"]


def test_a_page_that_is_not_an_article_is_dropped_with_a_reason(crawled):
    db, _, _ = crawled
    reason = connect(db).execute("select reason from crawl_errors where url like '%/video/%'").fetchone()[0]
    assert "not an article" in reason and "body_text" in reason


def test_robots_txt_is_obeyed_and_the_crawler_names_itself(crawled):
    _, _, requests = crawled
    assert FAULT_URLS["robots_disallowed"] not in paths(requests)
    assert "/robots.txt" in paths(requests)
    agents = {r["user_agent"] for r in requests}
    assert len(agents) == 1 and "kinhtedothi-archive" in agents.pop()


def test_every_response_is_kept_raw(crawled):
    db, _, requests = crawled
    conn = connect(db)
    assert conn.execute("select count(*) from raw_pages").fetchone()[0] == len(requests)
    assert conn.execute("select count(*) from articles where raw_page_id is null").fetchone()[0] == 0


def test_search_index_has_one_row_per_article(crawled):
    db, _, _ = crawled
    conn = connect(db)
    assert conn.execute("select count(*) from articles_fts").fetchone()[0] == len(EXPECTED)
    hits = conn.execute("select count(*) from articles_fts where articles_fts match 'dang bo'").fetchone()[0]
    assert hits > 0


def test_crawling_again_in_full_updates_without_duplicates(crawled, site, tmp_path):
    db, _, _ = crawled
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    conn = connect(copy)
    before = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("articles", "article_events", "article_tags", "images", "related_links", "events")}
    site.reset_faults()
    process = run_crawl(copy, site.url, "--full")
    assert process.returncode == 0, process.stderr[-2000:]
    after = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in before}
    assert after == before
    run = conn.execute("select * from crawl_runs order by id desc").fetchone()
    assert (run["articles_new"], run["articles_unchanged"]) == (0, len(EXPECTED))


def test_another_copy_with_other_event_ids_and_query_pagination_comes_out_just_as_right(tmp_path):
    ids = {"elections": 1801, "covid": 1802, "environment": 1803, "other": 1804}
    with SampleSite(event_ids=ids, paging="query") as other:
        process = run_crawl(tmp_path / "archive.db", other.url)
    assert process.returncode == 0, process.stderr[-2000:]
    conn = connect(tmp_path / "archive.db")
    for url, expected in {a["url"]: a for a in expected_articles(ids)}.items():
        got = stored(conn, url)
        assert {k: got.get(k) for k in expected if k != "variations"} == \
            {k: v for k, v in expected.items() if k != "variations"}
    assert conn.execute("select count(*) from articles").fetchone()[0] == len(EXPECTED)


def test_an_unreachable_site_exits_3_and_loses_nothing(crawled, tmp_path):
    db, _, _ = crawled
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    process = run_crawl(copy, f"http://127.0.0.1:{free_port()}", "-s", "RETRY_TIMES=0")  # nobody listens there
    assert process.returncode == 3
    assert process.stderr.strip().splitlines()[-1].startswith("Error: site unreachable")
    assert connect(copy).execute("select count(*) from articles").fetchone()[0] == len(EXPECTED)


def test_a_second_crawl_while_one_runs_exits_75(site, tmp_path):
    db = tmp_path / "archive.db"
    with open(tmp_path / "archive.db.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        process = run_crawl(db, site.url)
    assert process.returncode == 75
    assert "another crawl" in process.stderr


def test_scrapy_crawl_events_works_the_same(site, tmp_path):
    db = tmp_path / "archive.db"
    site.reset_faults()
    process = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "events", "-a", f"base_url={site.url}",
         "-s", f"ARCHIVE_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "RETRY_BACKOFF_BASE=0.05", "-a", "events=dai-dich-covid-19"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr[-2000:]
    covid = {a["url"] for a in expected_articles(["dai-dich-covid-19"])}
    assert {r[0] for r in connect(db).execute("select url from articles")} == covid


def test_without_the_home_page_the_catalog_url_is_used_and_unknown_feeds_exit_5(tmp_path):
    with SampleSite() as site:
        site.make_slow("/", seconds=3, times=10)  # the home page never answers in time
        process = run_crawl(tmp_path / "archive.db", site.url, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=2")
    assert process.returncode == 5
    reason = process.stderr.strip().splitlines()[-1]
    assert reason == "Error: event feed not found for: bau-cu-quoc-hoi-khoa-xv, cuoc-thi-bao-ve-moi-truong"
    conn = connect(tmp_path / "archive.db")
    found = {r["slug"]: r["found_by"] for r in conn.execute("select slug, found_by from events")}
    assert found["dai-dich-covid-19"] == "fallback"
    covid = {a["url"] for a in expected_articles(["dai-dich-covid-19"])}
    assert {r[0] for r in conn.execute("select url from articles")} == covid
