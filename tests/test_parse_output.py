"""`kinhtedothi parse` does the crawl's whole per-page work: its body_html and content_hash are the ones
the crawl stored for the same page."""

import pytest

from pipelines.raw_pages import decompress
from scraper.parse import parse_page
from tests.support import connect

pytestmark = pytest.mark.fast


def test_parse_gives_the_body_html_and_fingerprint_the_crawl_stored(crawled):
    db, _, _ = crawled
    conn = connect(db)
    stored = conn.execute("select a.url, a.body_html, a.content_hash, r.body from articles a "
                          "join raw_pages r on r.id = a.raw_page_id").fetchall()
    assert len(stored) > 40
    for row in stored:
        record = parse_page(decompress(row["body"]), row["url"])
        assert (record["body_html"], record["content_hash"]) == (row["body_html"], row["content_hash"]), row["url"]
