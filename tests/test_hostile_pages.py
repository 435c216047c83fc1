"""Odd pages (tests/support/hostile_site.py, ``ODD_PAGES``): bodies nested thousands of levels deep, meta
refreshes to javascript:, mailto: and tel:, a redirect there, links over Scrapy's URL limit. Every article
archived or named, never lost in silence (docs/security.md, "Pages"). The page objects and the sanitizer in
this process (fast), then real crawls of the hostile site (slow)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import lxml.html
import pytest
from click.testing import CliRunner
from lxml.html import HtmlElement

from kinhtedothi.vocab.sanitize import MAX_NESTING, SAFE_TAGS, nesting, sanitize_html
from scraper.pages.body import parse_body
from scraper.parse import parse_page
from tests.support import FAST, ROOT, connect
from tests.support.cost import lines_run
from tests.support.hostile_site import DEEP_TEXT, LONG_LINK, ODD_PAGES, SITE, HostileSite, odd_page

pytestmark = pytest.mark.fast


def read(path: str, deepened: bool = False) -> dict:
    """An odd page through the page objects and normalization, as a crawl reads it."""
    _, html, _ = odd_page(path, deepened)
    return parse_page(html.encode(), SITE + path)


# -- the page objects ------------------------------------------------------------------------------------


def test_a_body_nested_1100_levels_deep_is_read_whole():
    record = read("/sau-1100-1017.html")
    assert record["body_text"].split("\n\n") == [f"Tầng {n}." for n in range(1, 1100)] + [f"Tầng 1100. {DEEP_TEXT}"]
    assert record["title"] == "Bài lồng 1.100 tầng" and record["author"] == "Phóng viên"


def test_a_body_nested_100000_levels_deep_is_read_as_far_as_the_html_parser_goes():
    record = read("/sau-100000-1018.html")  # libxml2 reads 2,048 levels; the article keeps what it read
    assert record["title"] == "Bài lồng 100.000 tầng" and "Tầng 2000." in record["body_text"]
    assert DEEP_TEXT not in record["body_text"]


def test_1200_unclosed_div_p_are_1200_paragraphs():
    record = read("/div-p-mo-1019.html")
    paragraphs = record["body_text"].split("\n\n")  # the byline after them is inside the unclosed divs too
    assert paragraphs[:1200] == [f"Đoạn số {n} của một bài dài." for n in range(1, 1201)]
    assert record["body_html"].count("<p>Đoạn số") == 1200 and record["author"] == "Phóng viên"


def test_a_meta_refresh_to_another_scheme_leaves_the_page_readable():
    for path in ("/lam-moi-js-1013.html", "/lam-moi-mailto-1014.html", "/lam-moi-tel-1015.html",
                 "/lam-moi-hong-1024.html"):
        record = read(path)
        assert record["title"] == ODD_PAGES[path][0] and record["body_text"].startswith("Đoạn mở đầu")


def deep_related(levels: int) -> HtmlElement:
    """A body whose every level holds a "Xem thêm" box title: each one a candidate related box."""
    html = "<div>" + "<div><span>Xem thêm</span> chữ" * levels + "</div>" * levels + "<p>Đoạn cuối.</p></div>"
    return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))  # as parsel parses a page


def test_the_work_of_reading_a_body_grows_with_its_depth_not_its_square():
    parse_body(deep_related(5), SITE)  # what a first call sets up once
    work = {levels: lines_run(parse_body, deep_related(levels), SITE) for levels in (400, 800, 1600)}
    # linear: each doubling adds twice what the last added (quadratic: four times; it was more)
    assert work[1600] - work[800] <= 2.5 * (work[800] - work[400])


def test_a_json_answer_nested_too_deep_reads_as_unreadable_not_as_a_crash():
    from scraper.pages.api import paging_entries, search_entries

    for read_answer in (paging_entries, search_entries):
        with pytest.raises(ValueError, match="JSON answer nested too deep to read"):
            read_answer(b"[" * 200_000 + b"]" * 200_000)


# -- the sanitizer -----------------------------------------------------------------------------------------


def test_the_sanitizer_flattens_markup_nested_past_its_bound_and_keeps_the_text():
    deep = "".join(f"<blockquote>Đoạn {n}" for n in range(100_000)) + "</blockquote>" * 100_000
    clean = sanitize_html(deep)
    assert nesting(clean) == MAX_NESTING
    assert clean.count("Đoạn") == 100_000
    assert "Đoạn 99998<br>Đoạn 99999" in clean  # blocks too deep to keep still stand apart


def test_the_sanitizer_leaves_ordinary_markup_as_nh3_cleans_it():
    import nh3

    body = "<p>Một <b>đoạn</b></p>" + "<div>" * 30 + "<blockquote><p>Trích</p></blockquote>" + "</div>" * 30
    assert sanitize_html(body) == nh3.clean(body, tags=SAFE_TAGS, attributes={"a": {"href", "title"}},
                                            url_schemes={"http", "https"}, clean_content_tags={"script", "style"},
                                            strip_comments=True, link_rel="noopener noreferrer nofollow")


def test_the_sanitizers_flattening_works_in_time_linear_in_the_depth():
    def deep(levels: int) -> str:
        return "<div><p>x" * levels + "</p></div>" * levels

    work = {levels: lines_run(sanitize_html, deep(levels)) for levels in (2_000, 4_000, 8_000)}
    assert work[8_000] - work[4_000] <= 2.5 * (work[4_000] - work[2_000])


# -- real crawls ---------------------------------------------------------------------------------------------


def crawl(db, site, feed_url: str, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url, *FAST,
               "--feed-url", feed_url, "--event", "hostile", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=ROOT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    """Two crawls of the odd pages' feed: as it is, then after one article gained 1,100 nested levels."""
    db = tmp_path_factory.mktemp("odd") / "archive.db"
    with HostileSite() as site:
        feed, long_next = site.page_feed_urls()
        first = crawl(db, site, feed)
        with sqlite3.connect(db) as conn:
            first_titles = {url: title for url, title in conn.execute("select url, title from articles")}
        site.deepen()
        second = crawl(db, site, feed, "--full")
        other = db.parent / "long-next.db"
        third = crawl(other, site, long_next)
    return dict(db=db, first=first, first_titles=first_titles, second=second, long_next=third, long_next_db=other)


@pytest.mark.slow
def test_every_odd_page_is_archived_or_named_and_the_run_is_ok(odd):
    assert odd["first"].returncode == 0, odd["first"].stderr[-3000:]
    archived = set(odd["first_titles"])
    conn = connect(odd["db"])
    named = {url: reason for url, reason in conn.execute("select url, reason from crawl_errors")}
    assert archived == {SITE + p for p, (_, odd_kind) in ODD_PAGES.items() if not odd_kind.startswith("location")}
    assert named[SITE + "/chuyen-huong-js-1016.html"] == \
        "IgnoreRequest: redirect not followed (not an http(s) address): javascript:alert(1)"
    assert named[SITE + "/chuyen-huong-hong-1025.html"] == \
        "IgnoreRequest: redirect not followed (not an http(s) address): http://[khong-hop-le"
    (long_link,) = [url for url in named if len(url) > 2083]
    assert len(long_link) > LONG_LINK - 10
    assert named[long_link] == f"address of {len(long_link):,} characters, over URLLENGTH_LIMIT (2,083): never " \
                               f"requested (linked from {SITE}/su-kien/4/odd-pages.html)"
    listed = {r[0] for r in conn.execute("select url from feed_links")}
    assert listed and listed <= archived | set(named)
    stats = json.loads(conn.execute("select stats from crawl_runs order by id").fetchone()[0])
    assert stats["archive/links_too_long"] == 1


@pytest.mark.slow
def test_an_article_that_gains_deep_markup_gets_its_edit(odd):
    assert odd["second"].returncode == 0, odd["second"].stderr[-3000:]
    row = connect(odd["db"]).execute("select version, body_text from articles where url = ?",
                                     [SITE + "/them-tang-1020.html"]).fetchone()
    assert row["version"] == 2 and row["body_text"].endswith(DEEP_TEXT)


@pytest.mark.slow
def test_reparse_reads_the_deep_pages(odd, tmp_path):
    import shutil

    from scraper.cli import cli

    db = tmp_path / "archive.db"
    with sqlite3.connect(odd["db"]) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(odd["db"], db)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "0 failed, 0 unreadable" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_a_next_page_link_over_the_url_limit_is_named_and_the_feed_incomplete(odd):
    process = odd["long_next"]
    assert process.returncode == 5, process.stderr[-3000:]
    assert process.stderr.strip().splitlines()[-1] == \
        "Error: 1 feed page(s) could not be fetched; the feeds were not read to the end"
    conn = connect(odd["long_next_db"])
    (reason,) = [r[0] for r in conn.execute("select reason from crawl_errors where length(url) > 2083")]
    assert reason.startswith("address of 3,0") and "never requested" in reason
    assert [r[0] for r in conn.execute("select url from articles")] == [SITE + "/bai-that-1002.html"]
