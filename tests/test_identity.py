"""One story across the site's two generations: the joining rules on a real SQLite archive."""

import sqlite3

import pytest

from pipelines.identity import headline_key, minute_key
from pipelines.normalize import normalize_article
from pipelines.archive import Archive
from kinhtedothi.vocab.items import ArticleItem

pytestmark = pytest.mark.fast

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
                [dict(r) for r in conn.execute("SELECT article_id, source, cause, change FROM article_versions "
                                               "ORDER BY version")])
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
    assert versions == [{"article_id": 409318, "source": "wayback", "cause": "wayback", "change": "first"},
                        {"article_id": 409318, "source": "live", "cause": "crawl", "change": "edit"}]


def test_the_live_current_page_first_then_the_wayback_capture_becomes_an_earlier_version(archive):
    archive.save_article(item(CURRENT, layout="current", links=[LEGACY], published="20:36 13-01-2021",
                              body="Bản mới."))
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000", body="Bản cũ."))
    articles, urls, versions = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == CURRENT and articles[0]["body_text"] == "Bản mới."
    assert urls[LEGACY]["learned_by"] == "redirect" and urls[CURRENT]["learned_by"] == "fetched"
    assert [(v["source"], v["change"]) for v in versions] == [("wayback", "first"), ("live", "edit")]


def test_a_2025_dot_id_equal_to_a_legacy_hyphen_id_proves_nothing_headline_and_minute_join_them(archive):
    dotted = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin.409318.html"
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(dotted, layout="current", published="20:36 13-01-2021", body="Bản mới."))
    articles, urls, _ = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == dotted
    assert urls[dotted]["learned_by"] == "title-minute"
    assert (urls[dotted]["numbering"], urls[LEGACY]["numbering"]) == ("cms2022", "legacy")


def test_an_equal_id_in_another_numbering_never_joins_two_stories(archive):
    other = "https://kinhtedothi.vn/mot-chuyen-khac.409318.html"
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(other, layout="current", title="Một chuyện khác", published="08:00 02-05-2025"))
    articles = rows(archive)[0]
    assert len(articles) == 2
    assert sorted(a["id"] for a in articles)[1] == 409318  # the second story cannot take the first one's id


def test_a_2025_id_joins_the_same_2025_id(archive):
    dotted = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin.692315.html"
    archive.save_article(item(dotted, layout="current", published="20:36 13-01-2021"))
    archive.save_article(item("https://kinhtedothi.vn/ten-moi.692315.html", layout="current", title="Tên mới",
                              published="20:36 13-01-2021"))
    articles, urls, _ = rows(archive)
    assert len(articles) == 1 and urls["https://kinhtedothi.vn/ten-moi.692315.html"]["learned_by"] == "site-id"


def test_a_2025_id_and_another_legacy_id_join_by_headline_and_minute(archive):
    dotted = "https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin.712004.html"
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000"))
    archive.save_article(item(dotted, layout="current", published="20:36 13-01-2021"))
    articles, urls, _ = rows(archive)
    assert len(articles) == 1 and articles[0]["url"] == dotted and articles[0]["site_id"] == 712004
    assert urls[dotted]["learned_by"] == "title-minute"


LONG = ("Sáng nay, Thành phố Hà Nội tiếp nhận lô vắc xin đầu tiên để tiêm cho người dân ở các quận huyện "
        "có nguy cơ cao, theo kế hoạch của Sở Y tế, với sự tham gia của hàng trăm nhân viên y tế và tình "
        "nguyện viên tại các điểm tiêm trên địa bàn")


def test_a_rewritten_headline_at_the_same_minute_joins_by_its_body(archive):
    archive.save_article(item(LEGACY, source="wayback", capture="20210601000000", body=LONG))
    archive.save_article(item(CURRENT, layout="current", title="Hà Nội đã nhận lô vắc xin đầu tiên",
                              published="20:36 13-01-2021", body=LONG))
    articles, urls, versions = rows(archive)
    assert len(articles) == 1 and urls[CURRENT]["learned_by"] == "minute-body"
    assert [v["change"] for v in versions] == ["first", "edit"]


def test_a_page_whose_canonical_names_another_story_keeps_its_own_address(archive):
    archive.save_article(item(LEGACY))
    other = "https://kinhtedothi.vn/chuyen-khac-han.html"
    page = item(other, layout="current", title="Chuyện khác hẳn", published="09:00 14-01-2021")
    page.extracted["url"] = LEGACY  # the page's canonical link names the first story
    page.article, warnings = normalize_article(page.extracted)
    assert page.article["url"] == other and any("canonical" in w for w in warnings)
    archive.save_article(page)
    assert len(rows(archive)[0]) == 2


def test_percent_encoded_and_raw_vietnamese_addresses_are_one_story(archive):
    raw = "https://kinhtedothi.vn/bầu-cử-sớm-418620.html"
    encoded = "https://kinhtedothi.vn/b%E1%BA%A7u-c%E1%BB%AD-s%E1%BB%9Bm-418620.html"
    archive.save_article(item(raw))
    archive.save_article(item(encoded.lower(), body="Đoạn một."))
    articles = rows(archive)[0]
    assert len(articles) == 1 and articles[0]["url"] == encoded


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


def test_a_feed_listing_a_2025_id_never_files_the_legacy_story_with_that_number(archive):
    from kinhtedothi.vocab.items import FeedLinkItem

    archive.save_event("dai-dich-covid-19", "Đại dịch Covid-19", None, "tag")
    archive.save_article(item(LEGACY))                         # legacy id 409318
    other = "https://kinhtedothi.vn/mot-chuyen-khac.409318.html"   # a 2025 id of the same number: another story
    archive.save_feed_link(FeedLinkItem("dai-dich-covid-19", other, "https://kinhtedothi.vn/tag/covid", 1))
    conn = sqlite3.connect(archive.path)
    try:
        assert conn.execute("SELECT count(*) FROM article_events").fetchone()[0] == 0
    finally:
        conn.close()
    archive.save_article(item(other, layout="current", title="Một chuyện khác", published="08:00 02-05-2025"))
    conn = sqlite3.connect(archive.path)
    try:
        filed = conn.execute("SELECT a.url FROM article_events e JOIN articles a ON a.id = e.article_id").fetchall()
    finally:
        conn.close()
    assert filed == [(other,)]
