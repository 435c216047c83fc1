"""The pipelines on their own: normalize → validate → store, on a real SQLite file."""

import sqlite3

import pytest
from scrapy.exceptions import DropItem

from pipelines.normalize import NormalizePipeline, normalize_article, strip_sapo_prefix
from pipelines.archive import Archive
from pipelines.raw_pages import decompress
from pipelines.store import StorePipeline
from kinhtedothi.vocab.text import fold
from pipelines.validate import ValidatePipeline
from kinhtedothi.vocab.items import ArticleItem, FeedLinkItem

pytestmark = pytest.mark.fast

URL = "https://kinhtedothi.vn/quan-thanh-xuan-405813.html"


def extracted(**changes):
    fields = {
        "url": URL, "fetched_url": URL, "layout": "legacy", "field_sources": {"title": "markup"},
        "title": "Quận Thanh Xuân:  19/19 chỉ tiêu", "author": "Hồng Thái",
        "published_raw": "13-01-2021 20:36", "sapo": "Kinhtedothi - Ngày 13/1, Đảng bộ họp.",
        "section": "Chính trị", "subsection": None, "tags": ["Thanh Xuân", "Thanh Xuân"],
        "body_paragraphs": ["Đoạn\u00a0một.", "", "Đoạn hai."], "body_html": "<p>Đoạn một.</p>",
        "images": [{"src": "//cdn.kinhtedothi.vn/a.jpg", "caption": " Ảnh "}],
        "related_links": [{"url": "http://kinhtedothi.vn/b-1234.html?utm_source=x", "title": "Bài B"}],
    }
    fields.update(changes)
    return fields


class Crawl:
    """The three pipelines as Scrapy would chain them, over one archive."""

    def __init__(self, path):
        self.archive = Archive(path)
        self.archive.start_run(None, [])
        self.stats = _Stats()
        self.pipes = [NormalizePipeline(), ValidatePipeline(self.archive, self.stats),
                      StorePipeline(self.archive, self.stats)]

    def feed(self, item):
        for pipe in self.pipes:
            item = pipe.process_item(item)
        return item


class _Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count


@pytest.fixture
def crawl(tmp_path):
    crawl = Crawl(tmp_path / "archive.db")
    crawl.archive.save_event("dai-dich-covid-19", "Đại dịch Covid-19", None, "bar")
    crawl.archive.save_event("bau-cu-quoc-hoi-khoa-xv", "Bầu cử", None, "bar")
    yield crawl
    crawl.archive.close()


def test_sapo_prefix_goes_whatever_the_dash():
    for dash in "-–—":
        assert strip_sapo_prefix(f"Kinhtedothi {dash} Ngày 13/1") == "Ngày 13/1"


def test_normalize_gives_every_field_its_meaning():
    article, warnings = normalize_article(extracted())
    assert warnings == []
    assert article["title"] == "Quận Thanh Xuân: 19/19 chỉ tiêu"
    assert article["sapo"] == "Ngày 13/1, Đảng bộ họp."
    assert article["published_at"] == "2021-01-13T20:36:00+07:00"
    assert article["body_text"] == "Đoạn một.\n\nĐoạn hai."
    assert article["tags"] == ["Thanh Xuân"]
    assert article["images"] == [{"src": "https://cdn.kinhtedothi.vn/a.jpg", "caption": "Ảnh"}]
    assert article["related_links"] == [{"url": "https://kinhtedothi.vn/b-1234.html", "title": "Bài B"}]
    assert article["site_id"] == 405813
    assert article["word_count"] == 4


def test_a_garbled_date_is_kept_raw_with_a_warning():
    article, warnings = normalize_article(extracted(published_raw="hôm qua"))
    assert article["published_at"] is None and article["published_raw"] == "hôm qua"
    assert warnings and "hôm qua" in warnings[0]


def test_a_page_without_body_is_dropped_with_a_reason_and_recorded(crawl):
    item = ArticleItem(URL, [URL], extracted(body_paragraphs=[]))
    with pytest.raises(DropItem, match="no body_text"):
        crawl.feed(item)
    errors = list(crawl.archive.db["crawl_errors"].rows)
    assert errors[0]["url"] == URL and "no body_text" in errors[0]["reason"]
    assert crawl.archive.db["articles"].count == 0


def test_storing_twice_updates_the_row_and_never_duplicates(crawl):
    assert crawl.stats == {}
    crawl.feed(ArticleItem(URL, [URL], extracted()))
    crawl.feed(ArticleItem(URL, [URL], extracted()))
    crawl.feed(ArticleItem(URL, [URL], extracted(title="Tiêu đề mới")))
    db = crawl.archive.db
    assert db["articles"].count == 1
    assert db["articles"].get(405813)["title"] == "Tiêu đề mới"
    assert crawl.stats["archive/articles_new"] == 1
    assert crawl.stats["archive/articles_unchanged"] == 1
    assert crawl.stats["archive/articles_updated"] == 1
    assert db["images"].count == 1 and db["article_tags"].count == 1


def test_an_article_in_two_feeds_is_one_row_with_two_events(crawl):
    crawl.feed(FeedLinkItem("dai-dich-covid-19", URL + "", "https://kinhtedothi.vn/su-kien/719/x.html", 1))
    crawl.feed(ArticleItem(URL, [URL], extracted()))
    crawl.feed(FeedLinkItem("bau-cu-quoc-hoi-khoa-xv", URL, "https://kinhtedothi.vn/su-kien/731/y.html", 3))
    rows = list(crawl.archive.db.query("select event_slug from article_events where article_id = 405813 order by 1"))
    assert [r["event_slug"] for r in rows] == ["bau-cu-quoc-hoi-khoa-xv", "dai-dich-covid-19"]


def test_a_redirected_link_still_files_the_article_under_its_feed(crawl):
    old = "https://kinhtedothi.vn/ten-cu-405813.html"
    crawl.feed(FeedLinkItem("dai-dich-covid-19", old, "https://kinhtedothi.vn/su-kien/719/x.html", 1))
    crawl.feed(ArticleItem(URL, [old], extracted()))
    assert crawl.archive.db["article_events"].count == 1


def test_articles_without_site_id_get_negative_ids(crawl):
    url = "https://kinhtedothi.vn/ha-noi-moi.html"
    crawl.feed(ArticleItem(url, [url], extracted(url=url, fetched_url=url)))
    crawl.feed(ArticleItem(url, [url], extracted(url=url, fetched_url=url)))
    ids = [r["id"] for r in crawl.archive.db["articles"].rows]
    assert ids == [-1]


def test_search_index_matches_with_and_without_diacritics(crawl):
    crawl.feed(ArticleItem(URL, [URL], extracted()))
    conn = sqlite3.connect(crawl.archive.path)
    conn.create_function("fold_vi", 1, fold)
    for query in ("Đảng bộ", "dang bo", "ĐẢNG BỘ", "đang bo"):
        rows = conn.execute("select rowid from articles_fts where articles_fts match fold_vi(?)", [query]).fetchall()
        assert rows == [(405813,)], query


def test_raw_pages_are_kept_compressed(crawl):
    body = "<html>Hà Nội</html>".encode()
    raw_id = crawl.archive.save_raw_page(URL, "http://127.0.0.1:1/x", 200, "text/html", body)
    row = crawl.archive.db["raw_pages"].get(raw_id)
    assert decompress(row["body"]) == body and row["size"] == len(body) and row["status"] == 200


def test_word_count_counts_the_words_of_the_body_text_whatever_spaces_the_paragraphs_had():
    import random
    pieces = ["Đoạn", "một.", "Hà", "Nội", "\xa0", " ", "\t", "\n", "\u2003", "\u200b", "\x0b", "\x85", "\u3000"]
    rng = random.Random(11)
    for _ in range(300):
        paragraphs = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(0, 5))]
        article, _ = normalize_article(extracted(body_paragraphs=paragraphs))
        body_text = article["body_text"]
        assert article["word_count"] == (len(body_text.split()) if body_text else 0), paragraphs


def test_only_the_site_saying_404_marks_an_archived_story_removed(crawl):
    from kinhtedothi.vocab.items import CrawlErrorItem

    crawl.feed(ArticleItem(URL, [URL], extracted()))
    store = crawl.pipes[-1]
    store.visits_site = False   # a crawl of the Wayback Machine: its 404 is about its copy, not the site today
    crawl.feed(CrawlErrorItem(URL, 404, "captured only with status 404", kind="missing"))
    crawl.feed(CrawlErrorItem(URL, 404, "HTTP 404"))
    assert crawl.archive.db["articles"].get(405813)["removed_at"] is None
    store.visits_site = True    # the site itself
    crawl.feed(CrawlErrorItem(URL, 404, "dead link (404)"))
    assert crawl.archive.db["articles"].get(405813)["removed_at"] is not None
