"""A real crawl of a hostile site (tests/hostile_site.py), then the archive checked: what must be there
is, what must not be is not, and nothing vanished without a word."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zlib

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.support import FAST, ROOT, connect
from tests.support.hostile_site import BAD_BYTES, HostileSite

pytestmark = pytest.mark.slow

SITE = "https://kinhtedothi.vn"
# The hostile feeds: a few articles, so one missing date is not a layout drift; 5 pages per walk at most.
LIMITS = ["-s", "DRIFT_THRESHOLD=0.5", "-s", "MAX_FEED_PAGES=5"]
MEASURE = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def hostile_crawl(db, site) -> tuple[subprocess.CompletedProcess, int]:
    """`kinhtedothi crawl` of the three hostile feeds; (process, the crawler's peak RSS in KB)."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url, *FAST,
               *LIMITS, "--event", "hostile"]
    for url in site.feed_urls():
        command += ["--feed-url", url]
    process = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                             timeout=240, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    peak = int(process.stderr.strip().splitlines()[-1])
    return process, peak


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Two runs: the first against the site as it is, the second after the 0-byte page is fixed."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    with HostileSite() as site:
        first, peak = hostile_crawl(db, site)
        first_copy = db.parent / "first.db"
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(db, first_copy)
        first_requests = site.requests
        max_in_flight = site.state.max_in_flight
        site.clear_requests()
        site.fix_empty()
        second, _ = hostile_crawl(db, site)
        yield dict(db=db, first=first, first_db=first_copy, peak=peak, first_requests=first_requests,
                   second=second, second_requests=site.requests, elsewhere=site.elsewhere.requests,
                   max_in_flight=max_in_flight)


def errors(db, url_part: str) -> list[sqlite3.Row]:
    return connect(db).execute("select * from crawl_errors where url like ?", [f"%{url_part}%"]).fetchall()


def test_the_other_host_is_never_asked_and_its_page_never_archived(hostile):
    assert hostile["elsewhere"] == []
    conn = connect(hostile["first_db"])
    real = conn.execute("select title, version from articles where id = 1002").fetchone()
    assert tuple(real) == ("Bài thật về Hà Nội", 1)
    assert conn.execute("select count(*) from article_versions").fetchone()[0] == 0
    assert conn.execute("select count(*) from articles where title like '%giả mạo%'").fetchone()[0] == 0
    assert conn.execute("select count(*) from raw_pages where url like '%gia-1001%'").fetchone()[0] == 0


def test_an_off_site_redirect_and_next_link_are_recorded(hostile):
    redirect = errors(hostile["first_db"], "chuyen-huong-1001")
    assert redirect and "off-site" in redirect[0]["reason"] and "gia-1001" in redirect[0]["reason"]
    next_link = errors(hostile["first_db"], "/su-kien/1/trang-2.html")
    assert next_link and "off-site" in next_link[0]["reason"]
    assert hostile["first"].returncode == 5  # the first feed could not be read to its end


def test_bad_bytes_are_replaced_not_turned_into_mojibake(hostile):
    conn = connect(hostile["first_db"])
    row = conn.execute("select title, body_text from articles where id = 1003").fetchone()
    assert row["title"] == "Hà Nội đón mưa lớn"
    assert "\ufffd" in row["body_text"] and "Mưa lớn kéo dài ở Hà Nội" in row["body_text"]
    assert "Ă" not in row["title"] + row["body_text"]
    raw = conn.execute("select decode_errors from raw_pages where url like '%byte-loi-1003%'").fetchone()
    assert raw["decode_errors"] == BAD_BYTES


def test_control_characters_are_removed_from_every_field(hostile):
    conn = connect(hostile["first_db"])
    row = conn.execute("select * from articles where id = 1004").fetchone()
    assert row["title"] == "Hà Nội họp báo"
    for column in ("title", "sapo", "body_text", "body_html", "author", "published_raw", "section"):
        value = row[column] or ""
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) < 0xA0 for c in value), column


def test_a_zero_byte_answer_is_temporary_and_fetched_again(hostile):
    first = errors(hostile["first_db"], "rong-1005")
    assert first and first[0]["permanent"] == 0 and "empty" in first[0]["reason"]
    assert connect(hostile["first_db"]).execute("select count(*) from articles where id = 1005").fetchone()[0] == 0
    assert "/rong-1005.html" in [r["path"] for r in hostile["second_requests"]]
    fixed = connect(hostile["db"]).execute("select title from articles where id = 1005").fetchone()
    assert fixed["title"] == "Bài từng trả về rỗng"


def test_a_truncated_answer_is_temporary_and_fetched_again(hostile):
    first = errors(hostile["first_db"], "cat-ngang-1008")
    assert first and first[0]["permanent"] == 0
    assert "/cat-ngang-1008.html" in [r["path"] for r in hostile["second_requests"]]
    assert connect(hostile["db"]).execute("select count(*) from articles where id = 1008").fetchone()[0] == 0


def test_a_date_past_the_last_day_is_kept_as_printed_and_the_article_archived(hostile):
    row = connect(hostile["first_db"]).execute("select * from articles where id = 1006").fetchone()
    assert row is not None and row["published_at"] is None
    assert row["published_raw"] == "9999-12-31T23:30:00+00:00"
    assert "date out of range" in hostile["first"].stderr


def test_an_html_bomb_is_refused_without_a_memory_spike(hostile):
    bomb = errors(hostile["first_db"], "bom-1007")
    assert bomb and "DOWNLOAD_MAXSIZE" in bomb[0]["reason"]
    conn = connect(hostile["first_db"])
    assert conn.execute("select max(size) from raw_pages").fetchone()[0] < 1024 * 1024
    assert hostile["peak"] < 400 * 1024  # KB: the crawler never held the 40 MB page


def test_a_page_past_the_size_limit_is_an_error_not_a_download(hostile):
    huge = errors(hostile["first_db"], "rat-lon-1010")
    assert huge and "max size" in huge[0]["reason"]
    assert connect(hostile["first_db"]).execute(
        "select count(*) from raw_pages where url like '%rat-lon-1010%'").fetchone()[0] == 0


def test_endless_pagination_stops(hostile):
    paths = [r["path"] for r in hostile["first_requests"]]
    assert paths.count("/su-kien/2/endless.html?page=2") == 1
    assert not any(p.startswith("/su-kien/2/endless.html?page=3") for p in paths)  # only repeats: stop
    growing = [p for p in paths if p.startswith("/su-kien/3/growing.html")]
    assert len(growing) == 5  # MAX_FEED_PAGES
    reasons = [r["reason"] for r in connect(hostile["first_db"]).execute("select reason from crawl_errors")]
    assert any("MAX_FEED_PAGES" in r for r in reasons) and any("seen before" in r for r in reasons)


def test_one_request_at_a_time_with_delay_zero(hostile):
    assert hostile["max_in_flight"] == 1


def test_every_article_page_ends_as_an_article_or_an_error(hostile):
    conn = connect(hostile["first_db"])
    listed = {r[0] for r in conn.execute("select url from feed_links")}
    settled = {r[0] for r in conn.execute("select url from articles")} | {
        r[0] for r in conn.execute("select url from crawl_errors")}
    assert listed and listed <= settled


def test_raw_pages_hold_the_decompressed_page_and_reparse_reads_them(hostile):
    conn = connect(hostile["db"])
    for (body,) in conn.execute("select body from raw_pages where kind = 'article' and status = 200 and size > 0"):
        assert zlib.decompress(body).lstrip().startswith(b"<!DOCTYPE html>")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(hostile["db"]), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "0 failed, 0 unreadable" in result.output


def test_reparse_names_the_pages_it_cannot_read_and_fails(hostile, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(hostile["first_db"], db)
    with sqlite3.connect(db) as conn:  # as an older crawler stored a gzip answer, but cut short
        conn.execute("update raw_pages set body = ? where url like '%bai-that-1002%'",
                     [zlib.compress(b"\x1f\x8b\x08\x00garbage")])
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--quiet"])
    assert result.exit_code == 1
    assert f"could not read {SITE}/bai-that-1002.html" in result.output
    assert "1 unreadable" in result.output


def test_the_run_is_recorded_with_its_counts(hostile):
    run = connect(hostile["first_db"]).execute("select * from crawl_runs").fetchone()
    stats = json.loads(run["stats"])
    assert stats["archive/offsite_refused"] == 2 and stats["archive/pages_with_bad_bytes"] == 1


def test_an_article_a_pipeline_loses_fails_the_run_and_is_fetched_again(tmp_path):
    db = tmp_path / "archive.db"
    pipelines = {"pipelines.normalize.NormalizePipeline": 100, "tests.support.hostile_site.BuggyPipeline": 150,
                 "pipelines.validate.ValidatePipeline": 200, "pipelines.store.StorePipeline": 300}
    with HostileSite() as site:
        base = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url, *FAST,
                *LIMITS, "--feed-url", site.feed_urls()[1], "--event", "hostile"]
        buggy = subprocess.run([*base, "-s", "ITEM_PIPELINES=" + json.dumps(pipelines)], capture_output=True,
                               text=True, timeout=120, cwd=ROOT)
        assert buggy.returncode == 1, buggy.stderr[-2000:]
        assert "ended in neither an article nor a crawl error" in buggy.stderr.strip().splitlines()[-1]
        lost = errors(db, "bai-that-1002")
        assert lost and lost[0]["permanent"] == 0 and "a bug in a pipeline" in lost[0]["reason"]
        fixed = subprocess.run(base, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert connect(db).execute("select title from articles where id = 1002").fetchone()[0] == "Bài thật về Hà Nội"


def test_a_dropped_connection_is_retried_with_backoff_and_recorded(hostile):
    log = hostile["first"].stderr
    waits = [line.split("retrying in ")[1].split("s")[0] for line in log.splitlines()
             if "ngat-ket-noi-1009" in line and "retrying in" in line]
    assert waits == ["0.1", "0.1", "0.2"]  # RETRY_BACKOFF_BASE (0.05 here) x 2^n, as for a 5xx
    dropped = errors(hostile["first_db"], "ngat-ket-noi-1009")
    assert dropped and dropped[0]["permanent"] == 0
