"""Current-layout (2022 – now) article pages, one small test per field, on saved pages with their expected JSON."""

import json
from pathlib import Path

import pytest

from scraper.pages import article_page_for
from scraper.parse import SavedPage, parse_page

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
CURRENT = ["current_article", "current_2025_dot_id", "current_no_id_metadata_fallback"]
FIELDS = ["url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section", "subsection",
          "body_text", "tags", "images", "layout"]


def parsed(name: str) -> dict:
    return parse_page((PAGES / f"{name}.html").read_bytes())


def sources(name: str) -> dict:
    """Where each field came from: the layout's markup or page metadata."""
    page = article_page_for(SavedPage("https://kinhtedothi.vn/", (PAGES / f"{name}.html").read_bytes()))
    return page.extract(with_html=False)["field_sources"]


def expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", CURRENT)
def test_each_field_of_a_current_page(name, field):
    assert parsed(name)[field] == expected(name)[field]


def test_the_2025_id_after_a_dot_is_the_site_id():
    assert parsed("current_2025_dot_id")["site_id"] == 692315


def test_a_multi_valued_itemprop_holding_articlebody_is_the_body():
    assert sources("current_2025_dot_id")["body"] == "markup"


def test_photo_captions_written_as_paragraphs_go_to_images_not_body():
    record = parsed("current_2025_dot_id")
    assert "Ảnh 2" not in record["body_text"]
    assert [i["caption"] for i in record["images"]] == ["Hà Nội khởi công cầu Tứ Liên - Ảnh 1",
                                                        "Hà Nội khởi công cầu Tứ Liên - Ảnh 2"]


def test_the_sapo_prefix_is_stripped():
    assert not parsed("current_2025_dot_id")["sapo"].startswith("Kinhtedothi")


def test_the_date_is_read_from_weekday_time_day_month_year():
    assert parsed("current_2025_dot_id")["published_raw"] == "Thứ hai, 09:05 19/05/2025"


def test_metadata_supplies_what_the_markup_misses():
    found = sources("current_no_id_metadata_fallback")
    assert found["title"] == "metadata" and found["published_raw"] == "metadata"
    assert found["section"] == "metadata" and found["tags"] == "metadata"
    assert found["author"] == "markup" and found["body"] == "markup"


def test_a_page_without_an_id_in_its_url_has_no_site_id():
    assert parsed("current_no_id_metadata_fallback")["site_id"] is None
