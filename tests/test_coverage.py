"""Completeness you can see and fill: a live crawl of a site that lost articles, `kinhtedothi coverage`, then
`kinhtedothi crawl --fill-gaps` over the fake Wayback Machine and the fake Common Crawl (each holding one lost
article the other lacks), then today's site searched for the contest (results outside its dates). Every count
and reason is checked against the sample site's truth (kinhtedothi/sample_site/truth_gaps.py)."""

import asyncio
import json
import re
import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from kinhtedothi.sample_site import (SampleSite, expected_coverage, gapped_commoncrawl, gapped_site, gapped_wayback,
                                     outside_the_event)
from kinhtedothi.sample_site.truth_gaps import COMMONCRAWL_ONLY, FAILING, NOWHERE, WAYBACK_ONLY, url_of
from kinhtedothi.vocab.outcomes import CoverageStatus
from tests.support.crawls import ROOT, connect, run_crawl
from tests.support.datasette import copy_archive, datasette_for

pytestmark = pytest.mark.slow   # crawls of the gapped world, a pseudo-terminal, Chromium

DEAD = "https://kinhtedothi.vn/ha-noi-xet-nghiem-dien-rong-cho-cong-nhan-cac-khu-cong-nghiep-407120.html"
WEB_ARCHIVES = ["-s", "WAYBACK_CDX_DELAY=0", "-s", "WAYBACK_CAPTURE_DELAY=0", "-s", "WAYBACK_429_WAIT=0.05",
                "-s", "COMMONCRAWL_DELAY=0", "-s", "COMMONCRAWL_THROTTLE_WAIT=0.05"]
CONTEST = "cuoc-thi-bao-ve-moi-truong"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def coverage(db, *extra: str) -> tuple[int, dict]:
    done = cli("coverage", "--db", str(db), "--json", *extra)
    return done.returncode, json.loads(done.stdout)


def logs(*servers):
    return [len(server.requests) for server in servers]


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The whole story, once: each stage's coverage, each fill run, what each source was asked."""
    db = tmp_path_factory.mktemp("coverage") / "archive.db"
    out: dict = {"db": db}
    with gapped_site() as site, gapped_wayback() as wayback, gapped_commoncrawl() as cc:
        servers = (site, wayback, cc)
        fill = ["crawl", "--fill-gaps", "--db", str(db), "--base-url", site.url, "--wayback-url", wayback.url,
                "--cc-index-url", cc.url, "--cc-data-url", cc.url, "--crawls", ",".join(cc.crawls),
                "--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05", *WEB_ARCHIVES]
        out["crawl"] = run_crawl(db, site.url)
        out["live"] = coverage(db)
        out["live_text"] = cli("coverage", "--db", str(db))
        for name, extra in (("fill", []), ("again", []), ("later", ["-s", "FILL_GAPS_RETRY_AFTER=0s"])):
            before = logs(*servers)
            out[name] = cli(*fill, *extra)
            out[f"{name}_requests"] = [s.requests[n:] for s, n in zip(servers, before)]
            out[f"{name}_coverage"] = coverage(db)
        out["in_flight"] = (wayback.most_in_flight, max(r["in_flight"] for r in cc.requests))
    with SampleSite(generation="current") as today:
        out["search"] = run_crawl(db, today.url, "--events", CONTEST)
    out["searched"] = coverage(db)
    out["contest_only"] = coverage(db, "--event", CONTEST)
    return out


def summary(report: dict) -> dict:
    """The report in the shape of the truth's expected_coverage."""
    return {e["slug"]: {"known": e["known"], "archived": e["archived_by_source"],
                        "missing": {m["url"]: m["reason"] for m in e["missing"]},
                        "refused": {r["url"]: r["reason"] for r in e["refused"]}} for e in report["events"]}


def rows(db, sql, *args):
    return [dict(r) for r in connect(db).execute(sql, args)]


def asked_about(requests, path: str) -> set[str]:
    """The addresses a web archive's index was asked about (its url= parameter, scheme dropped)."""
    return {parse_qs(urlsplit(r["path"]).query)["url"][0] for r in requests if urlsplit(r["path"]).path.endswith(path)}


def bare(*urls: str) -> set[str]:
    return {u.split("://", 1)[1] for u in urls}


def test_the_crawls_and_every_fill_run_succeed(story):
    for name in ("crawl", "fill", "again", "later", "search"):
        assert story[name].returncode == 0, (name, story[name].stderr[-3000:])


def test_after_the_live_crawl_coverage_names_each_missing_article_with_its_reason(story):
    code, report = story["live"]
    assert code == CoverageStatus.MISSING
    assert summary(report) == expected_coverage("live")
    for event in report["events"]:
        assert event["known"] == event["archived"] + event["missing_count"] + event["refused_count"]
        assert sum(event["missing_by_reason"].values()) == len(event["missing"]) == event["missing_count"]


def test_a_404_on_the_site_is_gone_with_the_web_archives_not_asked_yet_and_a_5xx_failed(story):
    event = next(e for e in story["live"][1]["events"] if e["slug"] == "dai-dich-covid-19")
    lost = next(m for m in event["missing"] if m["url"] == url_of(NOWHERE))
    assert lost["tried"]["live"]["status"] == 404 and lost["untried"] == ["wayback", "commoncrawl"]
    elections = next(e for e in story["live"][1]["events"] if e["slug"] == "bau-cu-quoc-hoi-khoa-xv")
    failing = next(m for m in elections["missing"] if m["url"] == url_of(FAILING))
    assert failing["reason"] == "failed" and failing["tried"]["live"]["status"] == 503


def test_the_text_report_names_the_same_missing_articles_and_exits_3(story):
    done = story["live_text"]
    assert done.returncode == CoverageStatus.MISSING
    for event in expected_coverage("live").values():
        for url, reason in event["missing"].items():
            assert re.search(rf"missing\s+{reason}\s+{re.escape(url)}", done.stdout), url
        for url, reason in event["refused"].items():
            assert re.search(rf"refused\s+{reason}\s+{re.escape(url)}", done.stdout), url


def test_each_known_article_says_where_and_when_it_was_learned_and_when_last_tried(story):
    for event in story["live"][1]["events"]:
        for entry in event["missing"] + event["refused"]:
            assert entry["learned_from"].startswith("https://kinhtedothi.vn/su-kien/"), entry
            assert entry["listed_by"] == ["live"] and entry["learned_at"] <= entry["last_try"]
            assert entry["wayback_captures"] == "https://web.archive.org/web/*/" + entry["url"]


def test_the_gap_filling_archives_every_article_some_source_has(story):
    code, report = story["fill_coverage"]
    assert code == CoverageStatus.MISSING
    assert summary(report) == expected_coverage("filled")
    db = story["db"]
    for key, source in ((FAILING, "live"), (WAYBACK_ONLY, "wayback"), (COMMONCRAWL_ONLY, "commoncrawl")):
        article = rows(db, "select id, source from articles where url = ?", url_of(key))
        assert [a["source"] for a in article] == [source], key
    events = rows(db, "select event_slug from article_events e join articles a on a.id = e.article_id "
                      "where a.url = ?", url_of(WAYBACK_ONLY))
    assert sorted(e["event_slug"] for e in events) == ["bau-cu-quoc-hoi-khoa-xv", "dai-dich-covid-19"]


def test_the_report_then_shows_only_the_articles_no_source_has(story):
    missing = [m for e in story["fill_coverage"][1]["events"] for m in e["missing"]]
    assert {m["url"] for m in missing} == {url_of(NOWHERE), DEAD}
    for entry in missing:
        assert entry["reason"] == "gone" and entry["untried"] == []
        assert {s: t["verdict"] for s, t in entry["tried"].items()} == {"live": "no", "wayback": "no",
                                                                       "commoncrawl": "no"}


def test_each_source_is_asked_in_turn_only_for_what_the_ones_before_lacked(story):
    site, wayback, cc = story["fill_requests"]
    assert {r["path"] for r in site} == {"/robots.txt", urlsplit(url_of(FAILING)).path}
    assert asked_about(wayback, "/cdx/search/cdx") == bare(url_of(NOWHERE), url_of(WAYBACK_ONLY),
                                                           url_of(COMMONCRAWL_ONLY), DEAD)
    assert asked_about(cc, "-index") == bare(url_of(NOWHERE), url_of(COMMONCRAWL_ONLY), DEAD)
    runs = rows(story["db"], "select source, mode, exit_code, stats from crawl_runs where mode = 'fill-gaps' "
                             "order by id")
    assert [(r["source"], r["exit_code"]) for r in runs[:3]] == [("live", 0), ("wayback", 0), ("commoncrawl", 0)]


def test_each_source_keeps_its_own_politeness(story):
    runs = {r["source"]: json.loads(r["stats"]) for r in rows(
        story["db"], "select source, stats from crawl_runs where mode = 'fill-gaps' order by id limit 3")}
    assert runs["wayback"]["archive/wayback_429_holds"] and runs["commoncrawl"]["archive/commoncrawl_holds"]
    assert "archive/wayback_429_holds" not in runs["live"]
    wayback, cc = story["in_flight"]
    assert max(wayback.values()) == 1 and cc == 0   # one request at a time to each web archive


def test_a_second_run_with_nothing_new_to_learn_sends_no_request(story):
    assert story["again_requests"] == [[], [], []]
    assert story["again"].stderr.count("nothing to ask") == 3
    assert summary(story["again_coverage"][1]) == expected_coverage("filled")


def test_once_the_interval_has_passed_every_source_is_asked_again(story):
    site, wayback, cc = story["later_requests"]
    lost = bare(url_of(NOWHERE), DEAD)
    assert {urlsplit(u).path for u in (url_of(NOWHERE), DEAD)} <= {r["path"] for r in site}
    assert asked_about(wayback, "/cdx/search/cdx") == lost and asked_about(cc, "-index") == lost
    assert summary(story["later_coverage"][1]) == expected_coverage("filled")


def test_search_results_outside_the_events_dates_are_refused_not_missing(story):
    code, report = story["searched"]
    assert code == CoverageStatus.MISSING and summary(report) == expected_coverage("searched")
    contest = story["contest_only"]
    assert contest[0] == CoverageStatus.COMPLETE and [e["slug"] for e in contest[1]["events"]] == [CONTEST]
    refused = {r["url"]: r for r in contest[1]["events"][0]["refused"]}
    assert set(outside_the_event()) <= set(refused)
    assert all(refused[u]["listed_by"] == ["live"] and "outside" in refused[u]["detail"] for u in outside_the_event())


def test_no_refused_address_is_ever_a_target_of_the_gap_filling(story):
    import sqlite3
    from datetime import datetime, timezone

    from pipelines.coverage import gap_targets

    conn = sqlite3.connect(story["db"])
    refused = {r["url"] for e in story["searched"][1]["events"] for r in e["refused"]}
    for source in ("live", "wayback", "commoncrawl"):
        asked = gap_targets(conn, source, retry_after=timedelta(0), limit=100, now=datetime.now(timezone.utc))
        assert set(asked) == {url_of(NOWHERE), DEAD} and not set(asked) & refused
    conn.close()


def test_an_unknown_event_is_refused_with_the_known_ones_named(story):
    done = cli("coverage", "--db", str(story["db"]), "--event", "khong-co")
    assert done.returncode == 1 and "no event khong-co" in done.stderr and CONTEST in done.stderr


# -- the archive's page ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def published(story, tmp_path_factory):
    return datasette_for(copy_archive(story["db"], tmp_path_factory.mktemp("published")))


def fetch(ds, path: str):
    return asyncio.run(ds.client.get(path))


def test_the_coverage_page_shows_per_event_a_bar_and_each_missing_article_with_why(published, story):
    report = story["searched"][1]
    for lang, gone in (("vi", "trang báo đã gỡ (404)"), ("en", "gone from the site (404)")):
        response = fetch(published, f"/-/coverage?lang={lang}")
        assert response.status_code == 200
        html = response.text
        for event in report["events"]:
            section = html.split(f'id="{event["slug"]}"', 1)[1].split("</section>", 1)[0]
            assert f'data-known="{event["known"]}" data-archived="{event["archived"]}"' in section
            archived = round(100 * event["archived"] / event["known"], 2)
            assert f'class="kt-cov-archived" style="width: {archived}%"' in section
            for entry in event["missing"]:
                assert f'data-url="{entry["url"]}" data-reason="gone"' in section and gone in section
                assert f'href="https://web.archive.org/web/*/{entry["url"]}"' in section
            for entry in event["refused"]:
                assert f'data-url="{entry["url"]}" data-reason="{entry["reason"]}"' in section
    assert "Is this all of it?" in fetch(published, "/-/coverage?lang=en").text


def test_the_coverage_json_is_the_commands(published, story):
    assert fetch(published, "/-/coverage.json").json() == story["searched"][1]
    one = fetch(published, f"/-/coverage.json?event={CONTEST}").json()
    assert one == story["contest_only"][1]
    assert fetch(published, "/-/coverage?event=khong-co").status_code == 404


def test_the_home_page_links_each_events_count_to_its_coverage(published, story):
    html = fetch(published, "/?lang=en").text
    for event in story["searched"][1]["events"]:
        assert f'href="/-/coverage?lang=en#{event["slug"]}">complete?</a>' in html


# -- progress on a terminal --------------------------------------------------------------------------------------
def crawl_on_a_terminal(db, base_url: str) -> tuple[int, str]:
    """`kinhtedothi crawl` with its standard error on a pseudo-terminal (160 columns); what the terminal showed."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", base_url,
                                "--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05", "-s", "PROGRESS_INTERVAL=0.2"],
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
                               env={**os.environ, "COLUMNS": "160", "LINES": "40"})
    os.close(slave)
    shown = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 1)
            chunk = b""
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the crawl closed its end
                    break
                shown += chunk
            if not chunk and process.poll() is not None:
                break
        process.wait(timeout=300)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))


def test_a_crawl_on_a_terminal_shows_per_event_the_articles_archived_of_those_known_and_the_time_left(tmp_path):
    db = tmp_path / "archive.db"
    with SampleSite() as site:
        code, shown = crawl_on_a_terminal(db, site.url)
    assert code == 0, shown[-3000:]
    _, report = coverage(db)
    for event in report["events"]:
        wanted = event["known"] - event["refused_count"]
        bars = re.findall(rf"{re.escape(event['name'])}[^\n]*?(\d+)/(\d+) archived, left: (\S+)", shown)
        assert bars and bars[-1][:2] == (str(event["archived"]), str(wanted)), event["slug"]
    assert "crawl ok" in shown   # the log goes on, above the bars


def test_without_a_terminal_the_log_stays_plain(story):
    for name in ("crawl", "fill", "search"):
        assert "archived, left:" not in story[name].stderr and "\x1b[" not in story[name].stderr


# -- what --fill-gaps refuses ------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, says", [
    (["--source", "warc"], "--fill-gaps asks live, wayback, commoncrawl; not --source warc"),
    (["--feed-url", "https://kinhtedothi.vn/tag/x"], "--feed-url is not an option of --fill-gaps"),
    (["--full"], "--full is not an option of --fill-gaps"),
    (["--source", "live", "--wayback-url", "http://127.0.0.1:9"], "--wayback-url is not an option of --fill-gaps"),
    (["-s", "FILL_GAPS_RETRY_AFTER=soon"], "FILL_GAPS_RETRY_AFTER: not a duration: 'soon'"),
    (["-s", "FILL_GAPS_MAX=0"], "FILL_GAPS_MAX: at least 1, not 0"),
])
def test_fill_gaps_refuses_what_it_would_otherwise_ignore(tmp_path, argv, says):
    db = tmp_path / "archive.db"
    done = cli("crawl", "--fill-gaps", "--db", str(db), "--base-url", "http://127.0.0.1:9", *argv)
    assert done.returncode in (1, 2) and says in done.stderr, done.stderr[-2000:]
    assert not db.exists() or rows(db, "select count(*) as n from crawl_runs")[0]["n"] == 0


# -- in a real browser -------------------------------------------------------------------------------------------
def test_in_a_browser_the_home_pages_link_leads_to_the_events_bar_and_its_missing_articles(story, tmp_path):
    import os
    import shutil

    from tests.support.servers import served

    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    db = copy_archive(story["db"], tmp_path / "served")
    event = next(e for e in story["searched"][1]["events"] if e["slug"] == "dai-dich-covid-19")
    with served(db) as base, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       else route.abort())
            page.goto(base + "/?lang=en")
            page.locator(f'a.kt-coverage-link[href$="#{event["slug"]}"]').click()
            page.wait_for_url(f"**/-/coverage?lang=en#{event['slug']}")
            section = page.locator(f"section#{event['slug']}")
            assert section.is_visible()
            bar = section.locator(".kt-cov-bar").bounding_box()
            archived = section.locator(".kt-cov-archived").bounding_box()
            assert bar and archived
            assert abs(archived["width"] / bar["width"] - event["archived"] / event["known"]) < 0.02
            rows = section.locator("tr[data-reason]")
            assert rows.count() == event["missing_count"]
            for entry in event["missing"]:
                row = section.locator(f'tr[data-url="{entry["url"]}"]')
                assert "gone from the site (404)" in row.inner_text()
                assert row.locator("a.kt-cov-wayback").get_attribute("href") == entry["wayback_captures"]
        finally:
            browser.close()


def test_an_archive_made_before_runs_named_their_source_names_them_from_the_pages_they_stored(tmp_path):
    from pipelines.archive import Archive

    db = tmp_path / "archive.db"
    Archive(db).close()
    conn = connect(db)
    with conn:
        for run in (1, 2, 3):
            conn.execute("insert into crawl_runs (id, started_at, status) values (?, '2025-01-01', 'ok')", [run])
        pages = [(1, "live"), (1, "live"), (2, "live"), (2, "live"), (2, "live"), (2, "wayback")]  # CDX answers: live
        conn.executemany("insert into raw_pages (run_id, url, source) values (?, 'https://kinhtedothi.vn/', ?)", pages)
        conn.execute("pragma user_version = 4")
    conn.close()
    Archive(db).close()
    assert [r["source"] for r in rows(db, "select source from crawl_runs order by id")] == ["live", "wayback", None]
