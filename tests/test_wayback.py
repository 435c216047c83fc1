"""Rebuilding the feeds from the Wayback Machine: a real crawl of the fake archive on loopback."""

import json
import signal
import subprocess
import sys
import time

import pytest

from kinhtedothi.sample_site import (TAG_PAGE, WAYBACK_MISSING, FakeWayback, SampleSite, expected_articles,
                         expected_tag_articles, expected_wayback_articles)
from tests.support import ROOT, connect
from tests.support.crawls import WAYBACK_429_WAIT as WAIT
from tests.support.crawls import WAYBACK_CAPTURE_DELAY, WAYBACK_CDX_DELAY, wayback_crawl

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_wayback_articles()}
COMPARED = ("title", "sapo", "author", "published_at", "published_raw", "section", "subsection", "body_text",
            "layout", "site_id")


@pytest.fixture(scope="module")
def rebuilt_with_archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("wayback") / "archive.db"
    with FakeWayback() as archive:
        process = wayback_crawl(db, archive)
        return (db, process, archive.requests, archive.throttled), archive.most_in_flight


@pytest.fixture(scope="module")
def rebuilt(rebuilt_with_archive):
    return rebuilt_with_archive[0]


@pytest.fixture(scope="module")
def rebuilt_in_flight(rebuilt_with_archive):
    return rebuilt_with_archive[1]


def rows(db, sql, *args):
    return [dict(r) for r in connect(db).execute(sql, args)]


def test_the_wayback_crawl_succeeds(rebuilt):
    _, process, _, _ = rebuilt
    assert process.returncode == 0, process.stderr[-3000:]


def test_it_archives_the_same_articles_and_fields_as_a_live_crawl(rebuilt):
    db, _, _, _ = rebuilt
    got = {r["url"]: r for r in rows(db, "select * from articles")}
    assert set(got) == set(EXPECTED)
    for url, expected in EXPECTED.items():
        assert {k: got[url][k] for k in COMPARED} == {k: expected[k] for k in COMPARED}, url
        events = sorted(r["event_slug"] for r in rows(db, "select event_slug from article_events where article_id = ?",
                                                       got[url]["id"]))
        assert events == expected["events"], url


def test_every_article_records_where_it_came_from(rebuilt):
    db, _, _, _ = rebuilt
    for row in rows(db, "select url, source, capture_timestamp, capture_url from articles"):
        assert row["source"] == "wayback"
        assert row["capture_timestamp"] == EXPECTED[row["url"]]["capture_timestamp"]
        assert f"/web/{row['capture_timestamp']}id_/" in row["capture_url"]
    raw = rows(db, "select source, capture_timestamp from raw_pages where kind = 'article'")
    assert raw and all(r["source"] == "wayback" and r["capture_timestamp"] for r in raw)


def test_an_uncaptured_article_is_recorded_missing_not_as_an_error(rebuilt):
    db, _, _, _ = rebuilt
    missing = {m["url"]: m for m in rows(db, "select url, kind, reason from crawl_errors where kind = 'missing'")}
    assert set(WAYBACK_MISSING) <= set(missing) and not set(missing) & set(EXPECTED)
    assert "no capture" in missing[WAYBACK_MISSING[0]]["reason"]


def test_an_article_edited_between_captures_has_two_versions(rebuilt):
    db, _, _, _ = rebuilt
    edited = next(a for a in EXPECTED.values() if a.get("earlier_versions"))
    article = rows(db, "select * from articles where url = ?", edited["url"])[0]
    versions = rows(db, "select * from article_versions where article_id = ? order by version", article["id"])
    earlier = edited["earlier_versions"]
    assert [(v["capture_timestamp"], v["title"], v["body_text"]) for v in versions[:-1]] == [
        (e["capture_timestamp"], e["title"], e["body_text"]) for e in earlier]
    assert [v["cause"] for v in versions] == ["wayback"] * len(versions)
    assert [v["change"] for v in versions] == ["first"] + ["edit"] * len(earlier)   # the paper's own edit
    assert "title" in json.loads(versions[-1]["edited_fields"])
    assert "title" in json.loads(versions[-1]["changed_fields"])
    assert (versions[-1]["title"], versions[-1]["body_text"]) == (article["title"], article["body_text"])
    assert article["version"] == len(earlier) + 1 and article["edit_count"] == len(earlier)


def run_stats(db) -> dict:
    """The stats the crawl recorded in crawl_runs (what it decided, not when things happened)."""
    return json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0]["stats"])


def test_429s_are_retried_until_answered(rebuilt):
    _, _, requests, throttled = rebuilt
    assert throttled
    for path in set(throttled):
        tries = [r for r in requests if r["path"] == path]
        assert [t["status"] for t in tries][:1] == [429] and tries[-1]["status"] == 200, path


def test_each_429_makes_the_crawler_hold_the_archive_for_the_configured_wait(rebuilt):
    db, _, _, throttled = rebuilt
    holds = run_stats(db)["archive/wayback_429_holds"]
    assert len(holds) == len(throttled)
    # WAYBACK_429_WAIT, doubled for each 429 in a row (the doubling itself: test_middlewares.py)
    assert all(any(abs(hold - WAIT * 2 ** k) < 1e-6 for k in range(4)) for hold in holds), holds


def test_cdx_queries_go_one_at_a_time_through_a_slot_with_the_polite_delay(rebuilt):
    db, _, _, _ = rebuilt
    stats = run_stats(db)
    assert stats["archive/slot/wayback-cdx"] == {"delay": WAYBACK_CDX_DELAY, "jitter": 0, "concurrency": 1}
    assert stats["archive/slot/wayback-capture"] == {"delay": WAYBACK_CAPTURE_DELAY, "jitter": 0, "concurrency": 1}


def test_the_archive_never_sees_two_cdx_queries_or_two_captures_at_once(rebuilt_in_flight):
    assert rebuilt_in_flight == {"cdx": 1, "capture": 1}


def test_a_cdx_listing_cut_into_pages_is_followed_by_its_resume_keys(tmp_path):
    db = tmp_path / "archive.db"
    with FakeWayback(page_size=2) as archive:
        process = wayback_crawl(db, archive)
        cdx = [r["path"] for r in archive.requests if r["path"].startswith("/cdx/")]
    assert process.returncode == 0, process.stderr[-3000:]
    assert sum("resumeKey=" in path for path in cdx) >= 3, "the feed listings should span several pages"
    assert {r["url"] for r in rows(db, "select url from articles")} == set(EXPECTED)


# The first crawl keeps the delays this test was written with (0.1 s, 0.05 s): a capture answered with an
# archived redirect (a 3xx raw page) is fetched again by the next run, so a kill that lands between such a
# capture and its target's would see it twice. With these delays the kill lands where none is pending.
KILLED_AT = ["-s", "WAYBACK_CDX_DELAY=0.1", "-s", "WAYBACK_CAPTURE_DELAY=0.05"]


def test_a_killed_wayback_crawl_resumes_without_fetching_any_capture_twice(tmp_path):
    db = tmp_path / "archive.db"
    with FakeWayback() as archive:
        crawler = wayback_crawl(db, archive, *KILLED_AT, wait=False)
        deadline = time.time() + 60
        while sum(r["path"].startswith("/web/") for r in archive.requests) < 40 and time.time() < deadline:
            time.sleep(0.01)
        crawler.send_signal(signal.SIGKILL)
        assert crawler.wait() == -signal.SIGKILL, "the first crawl ended before it could be killed"
        before_kill = [r["path"] for r in archive.requests if r["path"].startswith("/web/")]
        again = wayback_crawl(db, archive)
        assert again.returncode == 0, again.stderr[-2000:]
        fetched = [r["path"] for r in archive.requests if r["path"].startswith("/web/") and r["status"] != 429]
    twice = sorted({p for p in fetched if fetched.count(p) > 1})
    # only the capture in flight when the process died may be asked for again (its answer was never stored)
    assert twice in ([], [before_kill[-1]]), f"fetched twice: {twice}"
    assert {r["url"] for r in rows(db, "select url from articles")} == set(EXPECTED)


def test_live_and_wayback_copies_of_an_article_are_one_article(rebuilt, crawled, tmp_path):
    import shutil

    db = tmp_path / "archive.db"
    shutil.copy(rebuilt[0], db)
    with SampleSite() as site:
        process = subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url",
                                  site.url, "--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05", "--full"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr[-2000:]
    live = {a["url"] for a in expected_articles()}
    articles = rows(db, "select url, source from articles")
    assert len(articles) == len({a["url"] for a in articles}) == len(live)
    assert {a["source"] for a in articles} == {"live"}, [a for a in articles if a["source"] != "live"]


def test_a_tag_page_can_be_crawled_by_url_and_filed_under_an_event(tmp_path):
    db = tmp_path / "archive.db"
    with SampleSite() as site:
        process = subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url",
                                  site.url, "--delay", "0", "--feed-url", "https://kinhtedothi.vn" + TAG_PAGE,
                                  "--event", "bau-cu-quoc-hoi-khoa-xv"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr[-2000:]
    filed = rows(db, "select a.url from articles a join article_events e on e.article_id = a.id "
                     "where e.event_slug = 'bau-cu-quoc-hoi-khoa-xv'")
    assert {r["url"] for r in filed} == set(expected_tag_articles())
    order = [r["url"] for r in rows(db, "select url from feed_links order by position")]
    assert order == list(expected_tag_articles())


def test_a_hop_to_the_nearest_capture_is_followed_and_an_archived_redirect_is_not(tmp_path):
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from scraper.spiders.wayback import WaybackSpider

    spider = WaybackSpider(wayback_url="http://wb.test")
    spider._set_crawler(get_crawler(WaybackSpider, {"ARCHIVE_DB": str(tmp_path / "a.db")}))
    original = "https://kinhtedothi.vn/bai-viet-405813.html"
    meta = {"original_url": original, "capture_timestamp": "20210101000000", "page_kind": "article"}

    def answer(location):
        request = Request(f"http://wb.test/web/20210101000000id_/{original}", meta=dict(meta))
        return HtmlResponse(request.url, status=302, headers={"Location": location}, request=request)

    hop = list(spider.on_capture(answer("/web/20210105000000id_/http://www.kinhtedothi.vn/bai-viet-405813.html"),
                                 "parse_article", url=original, link_urls=[original], rest=[]))
    assert [r.url for r in hop] == ["http://wb.test/web/20210105000000id_/http://www.kinhtedothi.vn/bai-viet-405813.html"]
    assert hop[0].meta["capture_timestamp"] == "20210105000000"
    moved = list(spider.on_capture(answer("https://kinhtedothi.vn/ten-moi-405813.html"),
                                   "parse_article", url=original, link_urls=[original], rest=[]))
    assert len(moved) == 1 and "url=kinhtedothi.vn%2Ften-moi-405813.html" in moved[0].url  # a CDX query for the target
