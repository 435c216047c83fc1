"""Both generations of the site, end to end: today's site crawled live (sample site, current half)
and the Wayback copy of the legacy pages, merged into one row per story."""

import re
import shutil

import pytest

from kinhtedothi.sample_site import (SampleSite, expected_current_articles, expected_current_events,
                         outside_the_event)
from kinhtedothi.sample_site.current_data import NEW_IDS
from kinhtedothi.sample_site.truth_current import paging_urls
from kinhtedothi.sample_site.wayback_data import EDITED
from tests.support import connect, run_crawl

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_current_articles()}
FIELDS = ("title", "sapo", "author", "published_at", "published_raw", "section", "subsection", "body_text",
          "site_id", "layout")
JOINED = [a for a in EXPECTED.values() if a["joined_by"] in ("site-id", "redirect", "title-minute")]


def rows(db, sql, *args):
    conn = connect(db)
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


# `today`, `today_then_wayback` and `wayback_then_today` are the session's (tests/conftest.py), shared with
# tests/test_one_story.py: read-only.
@pytest.fixture(scope="module")
def live_then_wayback(today_then_wayback):
    """Today's site, then the Wayback copy: (db, the Wayback crawl)."""
    return today_then_wayback[0], today_then_wayback[2]


@pytest.fixture(scope="module")
def wayback_then_live(wayback_then_today):
    return wayback_then_today


# -- today's site alone ------------------------------------------------------------------
def test_a_crawl_of_todays_site_succeeds(today):
    assert today[1].returncode == 0, today[1].stderr[-3000:]


def test_it_finds_the_three_events_by_tag_page_and_by_search(today):
    got = {r["slug"]: r for r in rows(today[0], "select slug, found_by, feed_url from events")}
    for event in expected_current_events():
        assert got[event["slug"]]["found_by"] == event["found_by"]
        if event["feed_url"]:
            assert got[event["slug"]]["feed_url"] == event["feed_url"]


def test_it_archives_every_article_the_truth_lists_and_nothing_else(today):
    assert sorted(r["url"] for r in rows(today[0], "select url from articles")) == sorted(EXPECTED)


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_of_every_current_article(today, field):
    got = {r["url"]: r for r in rows(today[0], "select * from articles")}
    wrong = [(url, got[url][field], a[field]) for url, a in EXPECTED.items() if got[url][field] != a[field]]
    assert not wrong, wrong[:3]


def test_captions_go_to_images_in_order(today):
    for url, a in EXPECTED.items():
        got = rows(today[0], "select i.src, i.caption from images i join articles a on a.id = i.article_id "
                             "where a.url = ? order by position", url)
        assert got == a["images"], url


def test_each_article_is_filed_under_its_events(today):
    got = {}
    for r in rows(today[0], "select a.url, e.event_slug from article_events e join articles a on a.id = e.article_id"):
        got.setdefault(r["url"], []).append(r["event_slug"])
    assert {u: sorted(v) for u, v in got.items()} == {u: a["events"] for u, a in EXPECTED.items()}


def test_search_results_outside_the_events_dates_are_left_out_and_said_why(today):
    errors = rows(today[0], "select url, kind from crawl_errors where kind = 'outside-dates'")
    assert sorted(r["url"] for r in errors) == outside_the_event()


def test_the_json_paging_is_read_to_its_end_and_never_past_an_empty_page(today):
    asked = [r["path"] for r in today[2] if r["path"].startswith("/api/category/")]
    for feed in ("elections", "covid"):
        wanted = paging_urls(feed)
        assert [p for p in asked if p.startswith(wanted[0].rsplit("/", 1)[0] + "/")] == wanted


def test_legacy_links_that_redirect_are_remembered_as_addresses(today):
    learned = {r["url"]: r["learned_by"] for r in rows(today[0], "select url, learned_by from article_urls")}
    for a in EXPECTED.values():
        if a["linked_as"] != a["url"]:
            assert learned.get(a["linked_as"]) == "redirect", a["linked_as"]


def test_a_second_crawl_of_todays_site_fetches_no_article_again(today, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(today[0], db)
    with SampleSite(generation="current") as site:
        process = run_crawl(db, site.url)
        asked = [r["path"] for r in site.requests]
    assert process.returncode == 0, process.stderr[-2000:]
    assert "0 new, 0 updated" in process.stderr
    articles = {a["url"].removeprefix("https://kinhtedothi.vn") for a in EXPECTED.values()}
    assert not articles & set(asked)
    assert len(asked) <= 8  # robots.txt, one page of each feed, at most one search page


# -- both generations, in either order -------------------------------------------------------
def test_the_wayback_crawl_after_the_live_one_succeeds(live_then_wayback):
    assert live_then_wayback[1].returncode == 0, live_then_wayback[1].stderr[-3000:]


@pytest.mark.parametrize("order", ["live_then_wayback", "wayback_then_live"])
def test_each_story_is_one_row_cited_at_its_address_today(order, request):
    db = request.getfixturevalue(order)[0]
    got = rows(db, "select url, source, layout, removed_at from articles")
    assert sorted(r["url"] for r in got) == sorted(EXPECTED)
    assert {(r["source"], r["layout"], r["removed_at"]) for r in got} == {("live", "current", None)}


@pytest.mark.parametrize("order", ["live_then_wayback", "wayback_then_live"])
def test_every_address_of_a_story_leads_to_its_row(order, request):
    db = request.getfixturevalue(order)[0]
    owner = {r["url"]: r["article_url"] for r in rows(
        db, "select u.url, a.url as article_url from article_urls u join articles a on a.id = u.article_id")}
    for a in EXPECTED.values():
        assert owner.get(a["url"]) == a["url"]
        if a["joined_by"] in ("site-id", "redirect", "title-minute"):
            assert owner.get(a["legacy_url"]) == a["url"], (a["legacy_url"], a["joined_by"])


@pytest.mark.parametrize("order", ["live_then_wayback", "wayback_then_live"])
def test_versions_come_from_both_sources(order, request):
    db = request.getfixturevalue(order)[0]
    sources = {}
    for r in rows(db, "select a.url, v.source from article_versions v join articles a on a.id = v.article_id"):
        sources.setdefault(r["url"], set()).add(r["source"])
    for a in JOINED:  # a story at two addresses keeps a reading at each, the Wayback capture and the live page
        assert sources.get(a["url"]) == {"wayback", "live"}, a["url"]
    assert sum(a["differs_from_legacy"] for a in JOINED) > 30
    edited = {r["url"] for r in rows(db, "select url from articles where edit_count > 0")}
    assert edited == {a["url"] for a in JOINED if a["url"].endswith(f".{NEW_IDS[EDITED]}.html")}  # v01 only


def test_how_each_legacy_address_was_learned(live_then_wayback):
    learned = {r["url"]: r["learned_by"]
               for r in rows(live_then_wayback[0], "select url, learned_by from article_urls")}
    for a in JOINED:
        # the story the paper edited between captures: its older capture (another headline) joins by its body
        want = "minute-body" if a["url"].endswith(f".{NEW_IDS[EDITED]}.html") else a["joined_by"]
        assert learned[a["legacy_url"]] == want, (a["legacy_url"], learned[a["legacy_url"]])


def test_the_same_headline_at_another_minute_and_another_headline_at_the_same_minute_stay_apart(live_then_wayback):
    got = rows(live_then_wayback[0], "select title, published_at from articles")
    titles = [r["title"] for r in got]
    minutes = [r["published_at"][:16] for r in got]
    assert len(titles) - len(set(titles)) == 1    # the follow-up with an old headline, a year later
    assert len(minutes) - len(set(minutes)) == 1  # another story at the same minute


# -- finding events, and failing loudly ---------------------------------------------------------
def crawl_today(tmp_path, *extra, layout=None):
    with SampleSite(generation="current") as site:
        if layout:
            site.set_layout(layout)
        process = run_crawl(tmp_path / "archive.db", site.url, *extra)
        return process, site.requests


def test_with_the_search_turned_off_the_contest_is_found_nowhere_and_the_run_says_so(tmp_path):
    process, requests = crawl_today(tmp_path, "-s", "FIND_EVENTS_BY_SEARCH=0")
    assert process.returncode == 5, process.stderr[-2000:]
    found = {r["slug"]: r["found_by"] for r in rows(tmp_path / "archive.db", "select slug, found_by from events")}
    assert found == {"bau-cu-quoc-hoi-khoa-xv": "tag", "dai-dich-covid-19": "tag",
                     "cuoc-thi-bao-ve-moi-truong": "not-found"}
    assert rows(tmp_path / "archive.db", "select url from crawl_errors where url = 'event:cuoc-thi-bao-ve-moi-truong'")
    assert not [r for r in requests if "search-article" in r["path"]]


def test_with_tag_pages_turned_off_each_event_goes_to_the_search_then_the_catalog(tmp_path):
    process, requests = crawl_today(tmp_path, "-s", "FIND_EVENTS_BY_TAG=0")
    assert process.returncode == 5, process.stderr[-2000:]
    found = {r["slug"]: r["found_by"] for r in rows(tmp_path / "archive.db", "select slug, found_by from events")}
    assert found == {"bau-cu-quoc-hoi-khoa-xv": "not-found", "dai-dich-covid-19": "fallback",
                     "cuoc-thi-bao-ve-moi-truong": "search"}
    assert not [r for r in requests if r["path"].startswith("/tag/")]


def test_tag_pages_in_markup_nobody_knows_are_layout_drift(tmp_path):
    process, _ = crawl_today(tmp_path, layout="unknown")
    assert process.returncode == 4, process.stderr[-2000:]
    assert "layout drift" in process.stderr.strip().splitlines()[-1]
    reasons = [r["reason"] for r in rows(tmp_path / "archive.db", "select reason from crawl_errors")]
    assert any("layout drift" in r for r in reasons)


def test_a_listing_with_no_article_link_fails_the_run_with_status_5(tmp_path):
    process, _ = crawl_today(tmp_path, "--feed-url", "https://kinhtedothi.vn/tag/bau-cu-2026")
    assert process.returncode == 5, process.stderr[-2000:]
    assert rows(tmp_path / "archive.db", "select count(*) as n from articles")[0]["n"] == 0
    reasons = [r["reason"] for r in rows(tmp_path / "archive.db", "select reason from crawl_errors")]
    assert reasons == ["feed page lists no article links"]


def test_the_published_archive_cites_the_address_a_reader_can_open_today(live_then_wayback, tmp_path):
    from tests.support.datasette import copy_archive, datasette_for, get

    db = copy_archive(live_then_wayback[0], tmp_path / "published")
    ds = datasette_for(db)
    story = next(a for a in JOINED if a["joined_by"] == "redirect" and a["differs_from_legacy"])
    article_id = rows(db, "select id from articles where url = ?", story["url"])[0]["id"]
    html = get(ds, f"/archive/articles/{article_id}").text
    cite = re.search(r'<p class="kt-cite-text">(.*?)</p>', html, re.S).group(1)
    assert f"{story['legacy_url']} (nay ở {story['url']})" in cite  # the address at publication, then today's
