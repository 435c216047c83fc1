"""Unattended crawling: incremental runs, revisions, removals, the lock, kill -9, layout drift, reparse."""

import asyncio
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from kinhtedothi.sample_site import SampleSite, expected_articles
from kinhtedothi.sample_site import content as C
from scraper.cli import cli
from scraper.pages import ArticlePage, register_layout
from scraper.pages.article import LAYOUTS
from tests.support import FAST, ROOT, connect, run_crawl
from tests.support.datasette import copy_archive, datasette_for
from tests.support.edits import EDITED, NEW_TITLE

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_articles()}
SITE = "https://kinhtedothi.vn"


@pytest.fixture
def fresh(crawled, tmp_path):
    """A copy of a complete archive, and a sample site of its own (changes stay in the test)."""
    db, process, _ = crawled
    assert process.returncode == 0
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    with SampleSite() as site:
        yield copy, site


def test_a_second_crawl_of_an_unchanged_site_reads_only_the_feeds_first_pages(fresh):
    db, site = fresh
    process = run_crawl(db, site.url)
    assert process.returncode == 0, process.stderr[-2000:]
    first_pages = {site.feed_url(f).removeprefix(site.url) for f in ("elections", "covid", "environment")}
    assert {r["path"] for r in site.requests} <= first_pages | {"/robots.txt"}
    assert {r["path"] for r in site.requests} >= first_pages
    assert len(site.requests) <= len(first_pages) + 1


def test_a_new_article_is_found_and_filed_under_its_feed(fresh):
    db, site = fresh
    path = site.publish_article("covid", "Hà Nội mở lại dịch vụ ăn uống tại chỗ", 451234)
    process = run_crawl(db, site.url)
    assert process.returncode == 0, process.stderr[-2000:]
    row = connect(db).execute("select a.title, e.event_slug from articles a join article_events e "
                              "on e.article_id = a.id where a.url = ?", [SITE + path]).fetchone()
    assert tuple(row) == ("Hà Nội mở lại dịch vụ ăn uống tại chỗ", "dai-dich-covid-19")
    assert [r["path"] for r in site.requests].count(path) == 1


def test_an_interrupted_first_walk_is_finished_by_the_next_run(site, tmp_path):
    db = tmp_path / "archive.db"
    site.reset_faults()
    # the first run reads one feed page only: as if it had been stopped there
    first = run_crawl(db, site.url, "--events", "dai-dich-covid-19", "-s", "CLOSESPIDER_PAGECOUNT=2")
    assert connect(db).execute("select walked_to_end_at from events").fetchone()[0] is None, first.stderr[-1500:]
    second = run_crawl(db, site.url, "--events", "dai-dich-covid-19")
    assert second.returncode == 0, second.stderr[-2000:]
    covid = {a["url"] for a in expected_articles(["dai-dich-covid-19"])}
    assert {r[0] for r in connect(db).execute("select url from articles")} == covid


def test_an_edited_article_keeps_its_previous_version_with_the_changed_fields(edited, tmp_path):
    # the session's crawl, c02 edited on the site (a new title, a paragraph added), then a re-check crawl
    db, article = copy_archive(edited, tmp_path), EDITED
    conn = connect(db)
    versions = conn.execute("select * from article_versions order by version").fetchall()
    assert [v["change"] for v in versions] == ["first", "edit"]   # both readings, the paper's edit labelled
    assert json.loads(versions[1]["edited_fields"]) == ["title", "body_text"]
    assert json.loads(versions[1]["changed_fields"]) == ["title", "body_text"]
    assert versions[0]["title"] == EXPECTED[SITE + article["path"]]["title"]
    current = conn.execute("select title, version, edit_count from articles where url = ?",
                           [SITE + article["path"]]).fetchone()
    assert tuple(current) == (NEW_TITLE, 2, 1)
    run = conn.execute("select * from crawl_runs order by id desc").fetchone()
    assert (run["articles_updated"], run["articles_unchanged"]) == (1, len(EXPECTED) - 1)
    changed = asyncio.run(datasette_for(db).client.get("/archive/recently_changed.json?_shape=array")).json()
    assert [(c["article_id"], c["edited_fields"], c["previous_title"]) for c in changed] == [
        (article["site_id"], "title, body_text", versions[0]["title"])]
    page = asyncio.run(datasette_for(db).client.get(f"/archive/articles/{article['site_id']}")).text
    assert f"/-/versions/{article['site_id']}" in page and "2 lần đọc đã lưu" in page


def test_an_unchanged_recheck_only_updates_last_checked_at(fresh):
    db, site = fresh
    conn = connect(db)
    before = {r["url"]: dict(r) for r in conn.execute("select * from articles")}
    process = run_crawl(db, site.url, "-s", "RECHECK_SCHEDULE=*:0s")
    assert process.returncode == 0
    for url, row in {r["url"]: dict(r) for r in conn.execute("select * from articles")}.items():
        changed = {k for k in row if row[k] != before[url][k]}
        assert changed == {"last_checked_at"}, (url, changed)
    assert conn.execute("select count(*) from article_versions").fetchone()[0] == 0


def test_a_removed_article_is_marked_never_deleted(fresh):
    db, site = fresh
    path = C.BY_KEY["c05"]["path"]
    site.remove_article(path, status=410)
    process = run_crawl(db, site.url, "-s", "RECHECK_SCHEDULE=*:0s")
    assert process.returncode == 0, process.stderr[-2000:]
    row = connect(db).execute("select removed_at, title from articles where url = ?", [SITE + path]).fetchone()
    assert row["removed_at"] and row["title"] == EXPECTED[SITE + path]["title"]


def test_two_crawls_started_together_one_runs_the_other_exits_75(site, tmp_path):
    db = tmp_path / "archive.db"
    site.reset_faults()
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url,
               *FAST, "--delay", "0.02"]
    runs = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = sorted((run.wait(timeout=120), run.stderr.read()) for run in runs)
    assert [code for code, _ in results] == [0, 75]
    assert results[1][1].strip().splitlines()[-1].startswith("Error: another crawl holds")


@pytest.mark.parametrize("after_requests", [3, 25, 50])  # of the 67 requests a whole crawl makes
def test_a_crawl_killed_at_any_moment_and_run_again_ends_complete(after_requests, tmp_path):
    db = tmp_path / "archive.db"
    with SampleSite() as site:
        # 10 ms between requests, so that the crawl is still running when the count is reached; AutoThrottle
        # off, or it would start at AUTOTHROTTLE_START_DELAY (2 s) and spend seconds on the first requests
        command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url,
                   *FAST, "--delay", "0.01", "-s", "AUTOTHROTTLE_ENABLED=False"]
        crawler = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while len(site.requests) < after_requests and crawler.poll() is None and time.time() < deadline:
            time.sleep(0.005)
        crawler.send_signal(signal.SIGKILL)
        assert crawler.wait() == -signal.SIGKILL, "the first crawl ended before it could be killed"
        again = run_crawl(db, site.url)
        assert again.returncode == 0, again.stderr[-2000:]
    conn = connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in conn.execute("select url from articles")} == set(EXPECTED)
    for url, expected in EXPECTED.items():
        events = sorted(r[0] for r in conn.execute(
            "select event_slug from article_events e join articles a on a.id = e.article_id where a.url = ?", [url]))
        assert events == expected["events"], url
    assert conn.execute("select count(*) from articles_fts").fetchone()[0] == len(EXPECTED)
    statuses = [r[0] for r in conn.execute("select status from crawl_runs order by id")]
    assert statuses[-1] == "ok" and "running" not in statuses


class RedesignPage(ArticlePage):
    """The sample site's 'unknown' layout, as a developer would teach it to the parsers."""

    layout = "redesign"
    body_css = "#story-content"
    pictures_css = "table.story-figure"

    def title(self):
        return self.text(".story__headline")

    def author(self):
        return self.text(".story__byline")

    def published_raw(self):
        return self.text(".story__time")

    def sapo(self):
        return self.text(".story__lead")

    def section(self):
        crumbs = [c for c in self.texts(".breadcump > a") if c != "Trang chủ"]
        return crumbs[0] if crumbs else None

    def subsection(self):
        return self.text(".breadcump .bread_right a.active")

    def tags(self):
        return self.texts(".story__tags a")


def test_an_unknown_layout_is_reported_as_drift_and_reparse_repairs_the_archive(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    with SampleSite() as site:
        site.set_layout("unknown")
        process = run_crawl(db, site.url)
    assert process.returncode == 4, process.stderr[-2000:]
    reason = process.stderr.strip().splitlines()[-1]
    assert reason.startswith("Error: layout drift") and "missing body_text" in reason
    conn = connect(db)
    legacy = {u for u, a in EXPECTED.items() if a["layout"] == "legacy"}
    assert not legacy & {r[0] for r in conn.execute("select url from articles")}
    assert conn.execute("select count(*) from raw_pages where kind = 'article'").fetchone()[0] >= len(EXPECTED)

    monkeypatch.setattr("scraper.pages.article.LAYOUTS", list(LAYOUTS))
    register_layout(RedesignPage, ".story__headline")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    for url in legacy:
        got = connect(db).execute("select * from articles where url = ?", [url]).fetchone()
        expected = EXPECTED[url]
        assert got is not None, url
        assert (got["title"], got["body_text"], got["published_at"], got["author"]) == (
            expected["title"], expected["body_text"], expected["published_at"], expected["author"])
        assert got["layout"] == "redesign"
    again = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--quiet"])
    assert "0 new, 0 updated" in again.output


def test_every_run_records_counts_and_field_coverage(crawled):
    db, _, _ = crawled
    run = connect(db).execute("select * from crawl_runs order by id").fetchone()
    coverage = json.loads(run["coverage"])
    authors = sum(1 for a in EXPECTED.values() if a["author"])
    assert coverage["articles"] == len(EXPECTED) and coverage["author"] == authors
    assert coverage["captions"] == sum(1 for a in EXPECTED.values() if any(i["caption"] for i in a["images"]))
    assert run["pages_fetched"] > len(EXPECTED) and run["mode"] == "incremental"


def test_a_page_that_hangs_is_retried_and_one_that_never_answers_is_recorded(fresh):
    db, site = fresh
    once, always = C.BY_KEY["c02"]["path"], C.BY_KEY["c05"]["path"]
    site.edit_article(once, title="Trả lời chậm, lần sau thì được")
    site.make_slow(once, seconds=3, times=1)
    site.make_slow(always, seconds=3, times=10)
    process = run_crawl(db, site.url, "-s", "RECHECK_SCHEDULE=*:0s", "-s", "DOWNLOAD_TIMEOUT=1",
                        "-s", "RETRY_TIMES=2")
    assert process.returncode == 0, process.stderr[-2000:]
    conn = connect(db)
    assert conn.execute("select title from articles where url = ?", [SITE + once]).fetchone()[0] == \
        "Trả lời chậm, lần sau thì được"
    error = conn.execute("select status, reason from crawl_errors where url = ?", [SITE + always]).fetchone()
    assert error["status"] is None and "TimeoutError" in error["reason"]
    assert conn.execute("select title from articles where url = ?", [SITE + always]).fetchone()[0] == \
        EXPECTED[SITE + always]["title"]  # what was archived stays
