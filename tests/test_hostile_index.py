"""A Common Crawl that lies (tests/support/hostile_archives.py): an index claiming a billion pages, answering
500 or 20 MB, records of another page or that inflate to a 256 MB header line. What an index answer may
hold, read in this process (fast); real crawls of it (slow): each lie bounded, named in crawl_errors, and the
run incomplete (docs/security.md, "Web-archive files and indexes")."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from scraper.commoncrawl import parse_index, parse_num_pages
from scraper.spiders.commoncrawl import MAX_INDEX_PAGES
from tests.support import ROOT, connect
from tests.support.hostile_archives import (CRAWL, FEED, GOOD, HEADER_BOMB, INDEX_500, INDEX_HUGE, OTHER_PAGE,
                                            RECORD_500, HostileCommonCrawl)
from tests.support.hostile_site import SITE

pytestmark = pytest.mark.fast

MEASURE = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, status, usage = os.wait4(p.pid, 0); "
           "print(usage.ru_maxrss, file=sys.stderr); sys.exit(os.waitstatus_to_exitcode(status))")


def cc_crawl(db, cc: HostileCommonCrawl) -> tuple[subprocess.CompletedProcess, int]:
    """`kinhtedothi crawl --source commoncrawl` of the hostile one's feed; the process and its peak RSS in KB."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), *cc.argv()]
    process = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT,
                             timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return process, int(process.stderr.strip().splitlines()[-1])


def errors(db) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for url, reason in connect(db).execute("select url, reason from crawl_errors"):
        found.setdefault(url, []).append(reason)
    return found


def stats(db) -> dict:
    return json.loads(connect(db).execute("select stats from crawl_runs").fetchone()["stats"])


def archived(db) -> list[str]:
    return [r[0] for r in connect(db).execute("select url from articles")]


def integrity(db) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]


def test_an_index_answer_holds_captures_only_in_their_shape():
    good = {"timestamp": "20210420080000", "url": SITE + GOOD, "filename": "f.warc.gz", "offset": "10",
            "length": "99", "status": "200", "digest": "sha1:X", "mime": "text/html"}
    odd = [{**good, "timestamp": "yesterday"}, {**good, "timestamp": ["2021"]}, {**good, "url": "javascript:x"},
           {**good, "offset": "-1"}, {**good, "length": "0"}, {**good, "filename": ""}, {**good, "offset": "1e999"}]
    lines = [json.dumps(good), *map(json.dumps, odd), "[" * 100_000, "not json", "1"]
    assert [(c.original, c.offset, c.length) for c in parse_index("\n".join(lines), CRAWL)] == [(SITE + GOOD, 10, 99)]
    assert len(parse_index("\n".join([json.dumps(good)] * 10), CRAWL, limit=3)) == 3


def test_a_page_count_that_is_no_count_reads_as_none():
    assert parse_num_pages('{"pages": 3}') == 3 and parse_num_pages('{"pages": "12"}') == 12
    for body in ('{"pages": 1e999}', '{"pages": -3}', "[" * 100_000, '{"pages": [1]}', "x", "[]"):
        assert parse_num_pages(body) == 0, body


@pytest.mark.slow
def test_a_claim_of_a_billion_index_pages_is_read_up_to_the_bound_and_said(tmp_path):
    db = tmp_path / "archive.db"
    with HostileCommonCrawl(claimed_pages=1_000_000_000, articles=(GOOD,)) as cc:
        process, _ = cc_crawl(db, cc)
        feed_queries = [r for r in cc.requests if "su-kien" in r["path"] and "-index?" in r["path"]]
    assert process.returncode == 5, process.stderr[-3000:]
    assert len(feed_queries) == MAX_INDEX_PAGES + 1  # the page count, then the pages read
    stem = SITE + FEED.rsplit(".htm", 1)[0]
    assert errors(db)[stem] == [f"Common Crawl's index of {CRAWL} claims 1,000,000,000 pages of captures under "
                                f"this address: only the first {MAX_INDEX_PAGES} are read (MAX_INDEX_PAGES)"]
    assert archived(db) == [SITE + GOOD]
    assert stats(db)["archive/index_queries_unread"] == 1 and integrity(db) == "ok"


@pytest.mark.slow
def test_an_index_query_answered_500_makes_the_run_incomplete_not_missing(tmp_path):
    db = tmp_path / "archive.db"
    with HostileCommonCrawl(claimed_pages=1, articles=(GOOD, INDEX_500)) as cc:
        process, _ = cc_crawl(db, cc)
    assert process.returncode == 5, process.stderr[-3000:]
    assert process.stderr.strip().splitlines()[-2].endswith(
        "Error: 1 index quer(ies) of the web archive could not be read whole (see crawl_errors): the captures they "
        "list are not all known")
    assert archived(db) == [SITE + GOOD]
    assert errors(db)[SITE + INDEX_500] == [f"Common Crawl's index of {CRAWL} could not be read (HTTP 500): its "
                                            f"captures of this address are not known"]
    row = connect(db).execute("select kind, permanent from crawl_errors where url = ?", [SITE + INDEX_500]).fetchone()
    assert tuple(row) == ("error", 0)  # asked again next run; never "missing"


@pytest.mark.slow
def test_an_index_answer_too_large_a_record_of_another_page_and_a_header_bomb_are_refused(tmp_path):
    db = tmp_path / "archive.db"
    with HostileCommonCrawl(claimed_pages=1, articles=(GOOD, INDEX_HUGE, OTHER_PAGE, HEADER_BOMB)) as cc:
        process, peak = cc_crawl(db, cc)
    assert process.returncode == 5, process.stderr[-3000:]
    assert archived(db) == [SITE + GOOD]
    found = errors(db)
    assert len(found[SITE + INDEX_HUGE]) == 1 and "could not be read" in found[SITE + INDEX_HUGE][0] \
        and "16777216" in found[SITE + INDEX_HUGE][0]  # Scrapy's words for the answer cut at MAX_INDEX_ANSWER
    (other,) = found[SITE + OTHER_PAGE]
    assert other.startswith("RecordRefused: the record at ") and "holds https://example.org/quang-cao.html, not the " \
        f"capture the index named ({SITE + OTHER_PAGE})" in other
    (bomb,) = found[SITE + HEADER_BOMB]
    assert bomb.startswith("RecordRefused: not a whole WARC record at ") and "header line over 64 KiB" in bomb
    conn = connect(db)
    assert [r[0] for r in conn.execute("select url from raw_pages where kind = 'article'")] == [SITE + GOOD]
    assert conn.execute("select count(*) from raw_pages where url like '%example.org%'").fetchone()[0] == 0
    counts = stats(db)
    assert counts["archive/index_queries_unread"] == 1 and counts["archive/commoncrawl_records_unread"] == 2
    assert peak < 400 * 1024  # KB; the 250 KB record inflating to a 256 MB header line took 900 MB before
    assert integrity(db) == "ok"


@pytest.mark.slow
def test_a_record_the_data_host_fails_to_send_is_recorded_and_the_run_incomplete(tmp_path):
    db = tmp_path / "archive.db"
    with HostileCommonCrawl(claimed_pages=1, articles=(GOOD, RECORD_500)) as cc:
        process, _ = cc_crawl(db, cc)
    assert process.returncode == 5, process.stderr[-3000:]
    assert process.stderr.strip().splitlines()[-2].endswith(
        "Error: 1 Common Crawl record(s) could not be read (see crawl_errors): an error, damaged, over a bound, or "
        "not the page the index named")
    assert errors(db)[SITE + RECORD_500] == ["Common Crawl answered HTTP 500"]
    assert archived(db) == [SITE + GOOD] and stats(db)["archive/commoncrawl_records_unread"] == 1
