"""One story across the site's two generations: the joining rules on a real SQLite archive."""

import sqlite3

import pytest

from pipelines.identity import headline_key, minute_key
from pipelines.normalize import normalize_article
from pipelines.archive import Archive
from kinhtedothi.vocab.items import ArticleItem

LEGACY = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin-409318.html"
CURRENT = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin.html"
TITLE = "Hà Nội tiếp nhận vắc xin"


def item(url, *, title=TITLE, published="13-01-2021 20:36", layout="legacy", source="live", links=(),
         capture=None, body="Đoạn một."):
    raw = published if layout == "legacy" else "Thứ tư, %s" % published.replace("-", "/")
    extracted = {"url": url, "fetched_url": url, "layout": layout, "field_sources": {}, "title": title,
                 "author": "Hồng Thái", "published_raw": raw, "sapo": "Kinhtedothi - Lời dẫn.", "section": None,
                 "subsection": None, "tags": [], "body_paragraphs": [body], "body_html": None,
                 "images": [], "related_links": []}
    it = ArticleItem(fetched_url=url, link_urls=sorted({url, *links}), extracted=extracted, source=source,
                     capture_timestamp=capture, capture_url=capture and f"https://web.archive.org/web/{capture}id_/{url}")
    it.article, _ = normalize_article(extracted)
    return it


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.start_run(None, [])
    yield archive
    archive.close()


def rows(archive):
    conn = sqlite3.connect(archive.path)
    conn.row_factory = sqlite3.Row
    try:
        return ([dict(r) for r in conn.execute("SELECT id, url, site_id, source, layout, body_text FROM articles")],
                {r["url"]: dict(r) for r in conn.execute("SELECT * FROM article_urls")},
                [dict(r) for r in conn.execute("SELECT article_id, source, cause FROM article_versions")])
    finally:
        conn.close()


def test_headline_key_ignores_case_spacing_and_quote_style():
    assert headline_key('Cuộc thi  viết “Bảo vệ”') == headline_key('cuộc thi viết "bảo vệ"')


def test_minute_key_needs_a_time_of_day():
    assert minute_key("2021-01-13T20:36:59+07:00") == "2021-01-13T20:36"
    assert minute_key("2021-01-13") is None


def test_a_redirect_joins_the_wayback_legacy_page_and_the_live_current_page(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000", body="Bản cũ."))
    archive.save_article(item(CURRENT, layout="current", links=[LEGACY], published="20:36 13-01-2021",
                              body="Bản mới."))
    articles, urls, versions = rows(archive)
    assert len(articles) == 1
    assert articles[0]["url"] == CURRENT and articles[0]["site_id"] == 409318 and articles[0]["source"] == "live"
    assert set(urls) == {LEGACY, CURRENT}
    assert versions == [{"article_id": 409318, "source": "wayback", "cause": "recheck"}]


def test_the_live_current_page_first_then_the_wayback_capture_becomes_an_earlier_version(archive):
    archive.save_article(item(CURRENT, layout="current", links=[LEGACY], published="20:36 13-01-2021",
                              body="Bản mới."))
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000", body="Bản cũ."))
    articles, urls, versions = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == CURRENT and articles[0]["body_text"] == "Bản mới."
    assert urls[LEGACY]["learned_by"] == "redirect" and urls[CURRENT]["learned_by"] == "fetched"
    assert [v["source"] for v in versions] == ["wayback"]


def test_the_site_id_joins_a_legacy_url_and_a_2025_url_with_the_same_id(archive):
    dotted = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin.409318.html"
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(dotted, layout="current", published="20:36 13-01-2021", body="Bản mới."))
    articles, urls, _ = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == dotted
    assert urls[dotted]["learned_by"] == "site-id"


def test_headline_and_minute_join_pages_that_share_nothing_else(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(CURRENT, layout="current", published="20:36 13-01-2021", body="Bản mới."))
    articles, urls, _ = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == CURRENT
    assert urls[CURRENT]["learned_by"] == "title-minute"


def test_the_same_headline_at_another_minute_is_another_story(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(CURRENT, layout="current", published="20:37 13-01-2021"))
    assert len(rows(archive)[0]) == 2


def test_another_headline_at_the_same_minute_is_another_story(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(CURRENT, layout="current", published="20:36 13-01-2021", title="Hà Nội tiêm vắc xin"))
    assert len(rows(archive)[0]) == 2


def test_two_candidates_with_the_same_headline_and_minute_join_neither(archive):
    archive.save_article(item(LEGACY))
    archive.save_article(item("https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin-409319.html"))
    archive.save_article(item(CURRENT, layout="current", published="20:36 13-01-2021"))
    assert len(rows(archive)[0]) == 3


def test_different_site_ids_are_never_joined_by_headline(archive):
    archive.save_article(item(LEGACY))
    archive.save_article(item("https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin-409999.html"))
    assert len(rows(archive)[0]) == 2


def test_an_old_address_gone_does_not_mark_the_story_removed(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(CURRENT, layout="current", links=[LEGACY], published="20:36 13-01-2021"))
    assert archive.mark_removed(LEGACY) is False
    assert archive.mark_removed(CURRENT) is True
