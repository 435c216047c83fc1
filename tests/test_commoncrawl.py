"""Rebuilding the feeds from Common Crawl: a real crawl of the fake Common Crawl on loopback."""

import json
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from kinhtedothi.sample_site import WAYBACK_MISSING, FakeCommonCrawl, expected_wayback_articles
from tests.support import ROOT, connect

pytestmark = pytest.mark.slow

WAIT = 0.3   # COMMONCRAWL_THROTTLE_WAIT for the tests (30 s against the real Common Crawl)
DELAY = 0.002  # COMMONCRAWL_DELAY (1 s there): a crawl of the fake makes about 700 requests
POLITE = ["-s", f"COMMONCRAWL_DELAY={DELAY}", "-s", f"COMMONCRAWL_THROTTLE_WAIT={WAIT}",
          "-s", "RETRY_BACKOFF_BASE=0.05"]
EXPECTED = {a["url"]: a for a in expected_wayback_articles()}  # the fake holds the fake Wayback's captures
COMPARED = ("title", "sapo", "author", "published_at", "published_raw", "section", "subsection", "body_text",
            "layout", "site_id")


def cc_crawl(db, cc: FakeCommonCrawl, *extra: str, wait: bool = True):
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--source", "commoncrawl", "--db", str(db),
               "--cc-index-url", cc.url, "--cc-data-url", cc.url, "--crawls", ",".join(cc.crawls), *POLITE, *extra]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    db = tmp_path_factory.mktemp("commoncrawl") / "archive.db"
    with FakeCommonCrawl() as cc:
        process = cc_crawl(db, cc)
        return db, process, cc.requests, cc.throttled, cc.records()


def rows(db, sql, *args):
    return [dict(r) for r in connect(db).execute(sql, args)]


def data_requests(requests):
    return [r for r in requests if r["path"].startswith("/crawl-data/")]


def test_the_common_crawl_crawl_succeeds(rebuilt):
    assert rebuilt[1].returncode == 0, rebuilt[1].stderr[-3000:]


def test_every_article_the_fake_holds_is_archived_once_with_the_fields_of_a_live_crawl(rebuilt):
    db = rebuilt[0]
    articles = rows(db, "select * from articles")
    assert len(articles) == len({a["url"] for a in articles}) == len(EXPECTED)
    for row in articles:
        expected = EXPECTED[row["url"]]
        assert {k: row[k] for k in COMPARED} == {k: expected[k] for k in COMPARED}, row["url"]
        events = sorted(r["event_slug"] for r in rows(db, "select event_slug from article_events where article_id = ?",
                                                       row["id"]))
        assert events == expected["events"], row["url"]


def test_every_article_names_the_record_it_was_read_from(rebuilt):
    db, _, _, _, records = rebuilt
    by_place = {(r["filename"], r["offset"], r["length"]): r for _, r in records}
    for row in rows(db, "select url, source, capture_timestamp, capture_url from articles"):
        assert row["source"] == "commoncrawl" and row["capture_timestamp"] == EXPECTED[row["url"]]["capture_timestamp"]
        parts = urlsplit(row["capture_url"])
        place = dict(p.split("=") for p in parts.fragment.split("&"))
        record = by_place[(parts.path.lstrip("/"), place["offset"], place["length"])]
        assert record["timestamp"] == row["capture_timestamp"] and record["status"] == "200"
    raw = rows(db, "select source, capture_timestamp from raw_pages where kind = 'article'")
    assert raw and all(r["source"] == "commoncrawl" and r["capture_timestamp"] for r in raw)


def test_an_article_no_crawl_holds_is_recorded_missing(rebuilt):
    db = rebuilt[0]
    missing = {m["url"]: m for m in rows(db, "select url, kind, reason from crawl_errors where kind = 'missing'")}
    assert set(WAYBACK_MISSING) <= set(missing) and not set(missing) & set(EXPECTED)
    assert "Common Crawl has no capture" in missing[WAYBACK_MISSING[0]]["reason"]


def test_an_article_edited_between_crawls_has_its_versions_in_capture_order(rebuilt):
    db = rebuilt[0]
    edited = next(a for a in EXPECTED.values() if a.get("earlier_versions"))
    article = rows(db, "select * from articles where url = ?", edited["url"])[0]
    versions = rows(db, "select * from article_versions where article_id = ? order by version", article["id"])
    assert [(v["capture_timestamp"], v["title"], v["body_text"]) for v in versions[:-1]] == [
        (e["capture_timestamp"], e["title"], e["body_text"]) for e in edited["earlier_versions"]]
    assert (versions[-1]["title"], versions[-1]["body_text"]) == (article["title"], article["body_text"])
    assert [v["cause"] for v in versions] == ["commoncrawl", "commoncrawl"] and article["version"] == 2
    assert [v["change"] for v in versions] == ["first", "edit"] and article["edit_count"] == 1


def test_one_request_at_a_time_each_record_by_byte_range(rebuilt):
    _, _, requests, _, _ = rebuilt
    assert requests and all(r["in_flight"] == 0 for r in requests)  # nothing ever overlapped another request
    data = data_requests(requests)
    assert data and all(r["range"] and r["range"].startswith("bytes=") for r in data)
    got = [(r["path"], r["range"]) for r in data if r["status"] == 206]
    assert len(got) == len(set(got))  # no record fetched twice


def test_429_and_503_are_waited_out_with_a_doubling_hold_of_the_one_slot(rebuilt):
    db, _, requests, throttled, _ = rebuilt
    assert len(throttled) == 3  # the fake's two 503s in a row (index) and one 429 (data)
    for path in set(throttled):
        answers = [r["status"] for r in requests if r["path"] == path]
        assert answers[-1] in (200, 206, 404), (path, answers)  # asked again until it answered
    stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    assert stats["archive/commoncrawl_slot"] == {"concurrency": 1, "delay": DELAY}
    assert stats["archive/commoncrawl_holds"] == [WAIT, 2 * WAIT, WAIT]  # 503, 503 in a row, then the 429


def test_a_killed_common_crawl_crawl_resumes_without_fetching_any_record_twice(tmp_path):
    db = tmp_path / "archive.db"
    with FakeCommonCrawl(throttle=False) as cc:
        crawler = cc_crawl(db, cc, wait=False)
        deadline = time.time() + 120
        while len(data_requests(cc.requests)) < 25 and time.time() < deadline:
            time.sleep(0.01)
        crawler.send_signal(signal.SIGKILL)
        assert crawler.wait() == -signal.SIGKILL, "the first crawl ended before it could be killed"
        before_kill = [(r["path"], r["range"]) for r in data_requests(cc.requests)]
        assert len(before_kill) >= 25
        again = cc_crawl(db, cc)
        assert again.returncode == 0, again.stderr[-2000:]
        fetched = [(r["path"], r["range"]) for r in data_requests(cc.requests)]
    twice = sorted({f for f in fetched if fetched.count(f) > 1})
    # only the record in flight when the process died may be asked for again (its answer was never stored)
    assert twice in ([], [before_kill[-1]]), f"fetched twice: {twice}"
    articles = [r["url"] for r in rows(db, "select url from articles")]
    assert sorted(articles) == sorted(EXPECTED)


def test_the_default_crawl_list_covers_the_events_years_and_bad_names_are_refused(tmp_path):
    from scraper.commoncrawl import CRAWLS, crawl_list

    assert {c[8:12] for c in CRAWLS} == {"2020", "2021", "2022"} and len(CRAWLS) == len(set(CRAWLS))
    assert crawl_list(None) == list(CRAWLS) and crawl_list(" CC-MAIN-2021-17,CC-MAIN-2021-21") == [
        "CC-MAIN-2021-17", "CC-MAIN-2021-21"]
    process = subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--source", "commoncrawl", "--db",
                              str(tmp_path / "a.db"), "--crawls", "2021-17"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert process.returncode == 1 and "--crawls" in process.stderr and not (tmp_path / "a.db").exists()


def test_a_common_crawl_archive_exported_to_warc_keeps_capture_times_and_reimports_with_its_versions(rebuilt,
                                                                                                  tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    db = rebuilt[0]
    out = tmp_path / "cc.warc.gz"
    kinhtedothi = [sys.executable, "-m", "scraper.cli"]
    done = subprocess.run([*kinhtedothi, "export-warc", "--db", str(db), str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    stamps = {r["url"]: r["capture_timestamp"] for r in rows(db, "select url, capture_timestamp from articles")}
    dates, provenance, types = {}, [], set()
    with open(out, "rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if uri in stamps:
                types.add(record.rec_type)
            if record.rec_type == "response" and uri in stamps:
                dates.setdefault(uri, []).append(record.rec_headers.get_header("WARC-Date"))
            if record.rec_type == "metadata" and uri in stamps:
                provenance.append(dict(line.split(": ", 1) for line in record.content_stream().read().decode()
                                       .splitlines()))
    assert types == {"response", "metadata"}  # Common Crawl sent the site requests, not we: none is made up
    for url, stamp in stamps.items():
        iso = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:]}Z"
        assert iso in dates[url], url
    assert provenance and all(p["source"] == "commoncrawl" and "#offset=" in p["fetched-from"] for p in provenance)
    copy = tmp_path / "copy.db"
    again = subprocess.run([*kinhtedothi, "crawl", "--source", "warc", "--db", str(copy), str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr[-2000:]
    fields = ("url", *COMPARED, "body_html", "content_hash", "version", "capture_timestamp")
    query = f"select {', '.join(fields)} from articles order by url"
    assert rows(copy, query) == rows(db, query)
    versions = "select a.url, v.title, v.capture_timestamp from article_versions v join articles a on a.id = " \
               "v.article_id order by 1, 3"
    assert rows(copy, versions) == rows(db, versions)
