"""Page objects on saved pages: every field against the expected JSON beside each page."""

import json
from pathlib import Path

import pytest

from scrapy.http import HtmlResponse

from pipelines.validate import problems
from scraper.pages import article_page_for
from scraper.parse import parse_page

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
CASES = sorted(p.stem for p in PAGES.glob("*.json"))


def parsed(name: str) -> dict:
    return parse_page((PAGES / f"{name}.html").read_bytes())


@pytest.mark.parametrize("name", CASES)
def test_every_field_matches_the_expected_output(name):
    expected = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    got = parsed(name)
    wrong = {field: (value, got.get(field)) for field, value in expected.items() if got.get(field) != value}
    assert not wrong, "\n".join(f"{f}: expected {e!r}\n{' ' * len(f)}  got      {g!r}" for f, (e, g) in wrong.items())


def test_a_gallery_page_is_not_an_article():
    record = parsed("gallery_not_an_article")
    assert "no body_text" in problems(record)


def test_a_page_that_names_no_url_says_so():
    record = parse_page(b"<html><h1 class='title_detail_news'>T</h1><div id='cotent_detail'><p>x</p></div></html>")
    assert record["url"] is None
    assert "use --url" in record["warnings"][0]


def test_the_url_option_wins_over_the_page(tmp_path):
    html = (PAGES / "legacy_seed_article.html").read_bytes()
    record = parse_page(html, url="https://kinhtedothi.vn/ten-khac-111111.html")
    assert record["url"] == "https://kinhtedothi.vn/ten-khac-111111.html" and record["site_id"] == 111111


def test_utf8_served_as_latin1_is_still_read_as_utf8():
    html = (PAGES / "legacy_seed_article.html").read_bytes()
    response = HtmlResponse("https://kinhtedothi.vn/a-405813.html", body=html,
                            headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    assert article_page_for(response).author() == "Hồng Thái"


def test_a_page_in_a_legacy_vietnamese_codepage_is_decoded_by_its_declaration():
    html = "<html><h1 class='title_detail_news'>Hà Nô\u0323i</h1></html>".encode("cp1258")  # ộ = ô + dot below
    response = HtmlResponse("https://kinhtedothi.vn/a-1234.html", body=html,
                            headers={"Content-Type": "text/html; charset=windows-1258"})
    assert article_page_for(response).title() == "Hà Nội"


def test_a_vietnamese_codepage_page_labelled_utf8_is_decoded_all_the_same():
    html = "<html><h1 class='title_detail_news'>Hà Nô\u0323i mùa thu</h1></html>".encode("cp1258")
    response = HtmlResponse("https://kinhtedothi.vn/a-1234.html", body=html,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert article_page_for(response).title() == "Hà Nội mùa thu"


def test_a_truncated_page_still_gives_what_it_has():
    html = (PAGES / "legacy_seed_article.html").read_bytes()
    cut = html[: html.index("Công tác quản lý đô thị".encode())]  # the connection dropped mid-body
    record = parse_page(cut)
    assert record["title"] == "Quận Thanh Xuân: 19/19 chỉ tiêu chủ yếu đạt và vượt kế hoạch"
    assert record["published_at"] == "2021-01-13T20:36:00+07:00"
    assert record["body_text"].startswith("Với tinh thần làm việc dân chủ")
    assert "Đáng chú ý" in record["body_text"]
