"""One story, one true history, end to end: the sample site's two generations crawled into one archive,
in every order (the legacy site then today's, the Wayback copy then today's, today's then the Wayback
copy). Each story is one row; only the paper's own edit counts as an edit (the sample site edits one
story, v01: between two Wayback captures, and again on today's site); the captions the migration
replaced by the CMS default are kept; both addresses are cited; Atom entry ids never move."""

from __future__ import annotations

import re
import shutil
from html import unescape
from xml.etree import ElementTree

import pytest

from kinhtedothi.sample_site import SampleSite, expected_articles, expected_current_articles
from kinhtedothi.sample_site import content as C
from kinhtedothi.sample_site import current_data as D
from kinhtedothi.sample_site.wayback_data import EDITED as EDITED_BETWEEN_CAPTURES, NEVER_CAPTURED
from tests.support import connect, run_crawl
from tests.support.datasette import copy_archive, datasette_for, get

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_current_articles()}
LEGACY = {a["url"]: a for a in expected_articles()}
KEY = {C.SITE + D.current_path(a): a["key"] for a in D.OUR} | {C.SITE + a["path"]: a["key"] for a in D.EXTRAS}
JOINED = [a for a in EXPECTED.values() if a["joined_by"] in ("redirect", "title-minute")]
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def rows(db, sql, *args):
    conn = connect(db)
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def atom_ids(db, tmp_path, q="covid"):
    """{archive id: Atom entry id} of the saved search's feed."""
    ds = datasette_for(copy_archive(db, tmp_path))
    feed = ElementTree.fromstring(get(ds, "/archive/feed.atom", params={"q": q}).content)
    out = {}
    for entry in feed.findall("a:entry", ATOM):
        alternate = next(link.get("href") for link in entry.findall("a:link", ATOM) if link.get("rel") == "alternate")
        out[int(alternate.rsplit("/", 1)[-1])] = entry.find("a:id", ATOM).text
    return out


@pytest.fixture(scope="module")
def legacy_then_current(crawled, tmp_path_factory):
    """The legacy site crawled live (2021: the session's `crawled`, copied), then today's site into the same
    archive: (db, first process, second process, Atom ids after the first crawl)."""
    folder = tmp_path_factory.mktemp("legacy-then-current")
    db = copy_archive(crawled[0], folder)
    before = atom_ids(db, folder / "before")
    with SampleSite(generation="current") as site:
        second = run_crawl(db, site.url)
    return db, crawled[1], second, before


# The other two orders are the session's (tests/conftest.py), shared with tests/test_generations.py: read-only.
@pytest.fixture(scope="module")
def wayback_then_current(wayback_then_today):
    return wayback_then_today


@pytest.fixture(scope="module")
def current_then_wayback(today_then_wayback):
    return today_then_wayback


ORDERS = ["legacy_then_current", "wayback_then_current", "current_then_wayback"]


def expected_edits(order: str, key: str) -> int:
    """The paper's edits the archive can see: v01 changed on today's site (seen in every order), and
    between its two Wayback captures (seen when the Wayback copy is read)."""
    edits = int(key == D.EDITED_TODAY)
    if order != "legacy_then_current" and key == EDITED_BETWEEN_CAPTURES:
        edits += 1
    return edits


def had_legacy_reading(order: str, key: str) -> bool:
    return not (order != "legacy_then_current" and key == NEVER_CAPTURED)


@pytest.mark.parametrize("order", ORDERS)
def test_both_crawls_succeed(order, request):
    found = request.getfixturevalue(order)
    for process in found[1:3]:
        assert process.returncode == 0, process.stderr[-3000:]


@pytest.mark.parametrize("order", ORDERS)
def test_each_story_is_exactly_one_row(order, request):
    db = request.getfixturevalue(order)[0]
    urls = [r["url"] for r in rows(db, "select url from articles")]
    assert sorted(urls) == sorted(EXPECTED)


@pytest.mark.parametrize("order", ORDERS)
def test_no_story_is_shown_edited_but_the_one_the_paper_edited(order, request):
    db = request.getfixturevalue(order)[0]
    got = {r["url"]: r["edit_count"] for r in rows(db, "select url, edit_count from articles")}
    want = {url: expected_edits(order, KEY[url]) for url in EXPECTED}
    assert got == want
    assert sum(1 for n in got.values() if n) == 1


@pytest.mark.parametrize("order", ORDERS)
def test_every_reading_is_kept_and_labelled(order, request):
    db = request.getfixturevalue(order)[0]
    kinds = {}
    for r in rows(db, "select a.url, v.change from article_versions v join articles a on a.id = v.article_id "
                      "where v.effective = 1 order by v.version"):
        kinds.setdefault(r["url"], []).append(r["change"])
    for a in JOINED:
        if not had_legacy_reading(order, KEY[a["url"]]):
            continue
        got = kinds.get(a["url"], [])
        assert got[0] == "first" and len(got) >= 2, (a["url"], got)
        assert got.count("edit") == expected_edits(order, KEY[a["url"]]), (a["url"], got)
        assert set(got) <= {"first", "edit", "migration", "source", "presentation"}
    assert sum(k.count("migration") for k in kinds.values()) >= 30


@pytest.mark.parametrize("order", ORDERS)
def test_the_papers_own_captions_are_kept_where_todays_page_shows_the_default(order, request):
    db = request.getfixturevalue(order)[0]
    wrong = []
    for url, a in EXPECTED.items():
        got = rows(db, "select i.src, i.caption from images i join articles a on a.id = i.article_id "
                       "where a.url = ? order by position", url)
        joined = bool(a["legacy_url"] or a["joined_by"] == "url") and had_legacy_reading(order, KEY[url])
        want = a["best_images"] if joined else a["images"]
        if a["joined_by"] == "url" and order == "legacy_then_current":
            want = LEGACY[url]["images"]   # at the same address in the same generation: not read again
        if got != want:
            wrong.append((url, got, want))
    assert not wrong, wrong[:2]
    default = rows(db, "select count(*) as n from images where caption like '% - Ảnh _'")[0]["n"]
    assert default <= 8   # only stories that never had a caption of their own, or no legacy reading


def test_a_caption_search_finds_as_many_stories_after_the_migration(legacy_then_current, tmp_path):
    db = legacy_then_current[0]
    ds = datasette_for(copy_archive(db, tmp_path))
    found = get(ds, "/archive/articles.json", params={"_search": "Quang cảnh hội nghị", "_shape": "array"}).json()
    legacy = [a for a in D.OUR if any((i["caption"] or "").startswith("Quang cảnh hội nghị") for i in a["images"])]
    assert len(found) >= len(legacy) >= 5


def test_todays_crawl_into_a_legacy_archive_is_a_good_run_and_says_the_feeds_moved(legacy_then_current):
    db, _, second, _ = legacy_then_current
    assert second.returncode == 0, second.stderr[-3000:]
    moved = rows(db, "select url, kind from crawl_errors where kind = 'moved-feed'")
    assert moved and all("/su-kien/" in r["url"] for r in moved)
    found = {r["slug"]: r["found_by"] for r in rows(db, "select slug, found_by from events")}
    assert set(found.values()) <= {"tag", "search"}
    runs = rows(db, "select exit_code, status from crawl_runs order by id")
    assert [r["exit_code"] for r in runs] == [0, 0]


def test_atom_entry_ids_do_not_move_when_the_address_does(legacy_then_current, tmp_path):
    db, _, _, before = legacy_then_current
    after = atom_ids(db, tmp_path)
    assert before and set(before) <= set(after)
    assert {aid: after[aid] for aid in before} == before
    moved = rows(db, "select id from articles where url not like '%-' || id || '.html'")
    assert {r["id"] for r in moved} & set(before)  # some of those stories did change address


def test_the_article_page_cites_the_address_at_publication_and_today(legacy_then_current, tmp_path):
    db = legacy_then_current[0]
    ds = datasette_for(copy_archive(db, tmp_path))
    story = next(a for a in JOINED if a["joined_by"] == "title-minute" and a["legacy_url"])
    aid = rows(db, "select id from articles where url = ?", story["url"])[0]["id"]
    html = unescape(get(ds, f"/archive/articles/{aid}").text)
    citation = re.search(r'<section class="kt-citation".*?</section>', html, re.S).group(0)
    assert "Địa chỉ khi đăng" in citation and "Địa chỉ hiện nay" in citation
    text = re.search(r'<p class="kt-cite-text">(.*?)</p>', citation, re.S).group(1)
    assert f"{story['legacy_url']} (nay ở {story['url']})" in text
    lists = re.findall(r'class="kt-wayback-list" href="([^"]+)"', citation)
    assert f"https://web.archive.org/web/*/{story['legacy_url']}" in lists
    assert f"https://web.archive.org/web/*/{story['url']}" in lists
    assert "kt-edited" not in html and "Báo không sửa bài này" in html
    english = unescape(get(ds, f"/archive/articles/{aid}?lang=en").text)
    assert f"{story['legacy_url']} (now at {story['url']})" in english


def test_the_edited_story_is_the_only_one_on_the_edits_page_and_its_diff_shows_the_edit(legacy_then_current,
                                                                                           tmp_path):
    db = legacy_then_current[0]
    ds = datasette_for(copy_archive(db, tmp_path))
    html = get(ds, "/-/edits").text
    edited = [a for a in EXPECTED.values() if a["edited_since_legacy"]]
    aid = rows(db, "select id from articles where url = ?", edited[0]["url"])[0]["id"]
    assert re.findall(r'<a class="kt-diff-link" href="([^"]+)"', html) == [f"/-/diff/{aid}"]
    diff = unescape(get(ds, f"/-/diff/{aid}").text)
    assert f"<ins>{D.EDITED_PARAGRAPH}</ins>" in " ".join(diff.split()).replace("<ins> ", "<ins>")
    versions = unescape(get(ds, f"/-/versions/{aid}").text)
    assert "báo sửa bài" in versions and "Các lần đọc khác" not in versions.split("Các phiên bản báo đăng")[0]


def test_a_migrated_storys_versions_page_shows_no_edit_and_labels_the_migration(legacy_then_current, tmp_path):
    db = legacy_then_current[0]
    ds = datasette_for(copy_archive(db, tmp_path))
    story = next(a for a in JOINED if not a["edited_since_legacy"] and a["differs_from_legacy"])
    aid = rows(db, "select id from articles where url = ?", story["url"])[0]["id"]
    html = unescape(get(ds, f"/-/versions/{aid}").text)
    assert "Bài này chưa từng được sửa" in html
    assert "chuyển địa chỉ hoặc giao diện mới (không sửa chữ)" in html
    assert story["legacy_url"] in html and story["url"] in html


def test_reparsing_the_merged_archive_changes_no_history(legacy_then_current, tmp_path):
    from click.testing import CliRunner

    from scraper.cli import cli

    db = tmp_path / "archive.db"
    shutil.copy(legacy_then_current[0], db)
    before = rows(db, "select url, edit_count, content_hash from articles order by url")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert rows(db, "select url, edit_count, content_hash from articles order by url") == before


def test_the_home_page_says_in_one_line_why_the_last_run_did_not_succeed(legacy_then_current, tmp_path):
    db = copy_archive(legacy_then_current[0], tmp_path)
    ds = datasette_for(db)
    assert "kt-run-why" not in get(ds, "/").text   # the last run was good
    conn = connect(db)
    with conn:
        conn.execute("insert into crawl_runs (started_at, finished_at, status, exit_code, reason) values "
                     "('2026-12-05T01:00:00+00:00', '2026-12-05T01:05:00+00:00', 'failed', 5, "
                     "'event feed not found for: dai-dich-covid-19')")
    conn.close()
    vi = unescape(get(datasette_for(db), "/").text)
    line = re.search(r'<p class="kt-notice kt-run-why">(.*?)</p>', vi, re.S).group(1)
    assert "Chưa đọc hết các dòng sự kiện" in line and "dai-dich-covid-19" in line and "crawl_errors" in line
    assert "(chưa trọn vẹn)" in vi and "08:05" in vi   # the time in Hanoi's, not UTC
    en = unescape(get(datasette_for(db), "/?lang=en").text)
    assert "The feeds were not read to the end" in en
