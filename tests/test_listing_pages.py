"""Listing page objects on saved pages (both layouts) and the JSON endpoints, against the expected JSON beside each."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from scraper.pages import ListingPage
from scraper.pages.api import MAX_JSON_BYTES, paging_entries, search_entries

pytestmark = pytest.mark.fast

LISTINGS = Path(__file__).parent / "pages" / "listings"
API = Path(__file__).parent / "pages" / "api"
CASES = sorted(p.stem for p in LISTINGS.glob("*.json"))
URL = "https://kinhtedothi.vn/tag/bau-cu-2021"


def listing(name: str) -> ListingPage:
    return ListingPage(HtmlResponse(URL, body=(LISTINGS / f"{name}.html").read_bytes(), encoding="utf-8"))


def expected(name: str) -> dict:
    return json.loads((LISTINGS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_article_links_are_in_document_order(name):
    assert listing(name).article_urls() == expected(name)["article_urls"]


@pytest.mark.parametrize("name", CASES)
def test_next_page_link(name):
    assert listing(name).next_page_url() == expected(name)["next_page_url"]


@pytest.mark.parametrize("name", CASES)
def test_json_paging_endpoint(name):
    api = listing(name).paging_api()
    assert (list(api) if api else None) == expected(name)["paging_api"]


@pytest.mark.parametrize("name", CASES)
def test_drift_is_told_from_an_empty_listing(name):
    assert listing(name).looks_like_drift() == expected(name)["looks_like_drift"]


def test_list_news_topcate_before_pkg_keeps_the_page_order():
    urls = listing("legacy_topcate_before_pkg").article_urls()
    assert [u.rsplit("-", 1)[-1] for u in urls] == ["411001.html", "411002.html", "411003.html", "411004.html"]


def test_current_cards_yield_links_with_and_without_ids():
    urls = listing("current_tag_cards").article_urls()
    assert "https://kinhtedothi.vn/cu-tri-thu-do-di-bau.703118.html" in urls
    assert "https://kinhtedothi.vn/ha-noi-san-sang-cho-ngay-bau-cu.html" in urls
    assert not any("doc-nhieu" in u or "lien-he" in u for u in urls)


def test_paging_api_url_is_built_from_the_id_the_page_names():
    assert listing("current_tag_cards").paging_api_url(3) == expected("current_tag_cards")["paging_api_url_3"]


def test_the_fallback_never_takes_a_year_range_for_an_id():
    assert listing("unknown_markup").fallback_urls() == []


@pytest.mark.parametrize("name,read", [("category_paging", paging_entries), ("search_contest", search_entries)])
def test_json_endpoint_entries(name, read):
    got = [asdict(e) for e in read((API / f"{name}.json").read_bytes())]
    assert got == json.loads((API / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_an_empty_paging_page_has_no_entries():
    assert paging_entries(b"[]") == []


def test_a_json_answer_of_the_wrong_shape_has_no_entries():
    assert paging_entries(b'{"error": "not found"}') == []
    assert search_entries(b'[1, 2, 3]') == []


def test_an_oversized_json_answer_is_refused():
    with pytest.raises(ValueError, match="limit"):
        paging_entries(b"[" + b" " * MAX_JSON_BYTES + b"]")
