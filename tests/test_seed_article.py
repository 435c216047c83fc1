"""The seed article (kinhtedothi/sample_site/data/seed-article.txt: the visible text of a real January 2021 page),
one tiny test per field."""

from pathlib import Path

import pytest

from scraper.parse import parse_page

pytestmark = pytest.mark.fast

ROOT = Path(__file__).parent.parent
SEED_TEXT = (ROOT / "kinhtedothi" / "sample_site" / "data" / "seed-article.txt").read_text(encoding="utf-8")
CAPTION = "Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI, nhiệm kỳ 2020 - 2025 tổ chức Hội nghị lần thứ 5 ngày 13/1"


@pytest.fixture(scope="module")
def seed():
    return parse_page((ROOT / "tests" / "pages" / "legacy_seed_article.html").read_bytes())


def seed_paragraphs() -> list[str]:
    """The article's own paragraphs in the visible text: after 'Tin liên quan', less the caption."""
    after = SEED_TEXT.split("Tin liên quan", 1)[1]
    return [p.strip() for p in after.split("\n\n") if p.strip() and p.strip() != CAPTION]


def test_title(seed):
    assert seed["title"] == "Quận Thanh Xuân: 19/19 chỉ tiêu chủ yếu đạt và vượt kế hoạch"


def test_author(seed):
    assert seed["author"] == "Hồng Thái"


def test_published_at(seed):
    assert seed["published_at"] == "2021-01-13T20:36:00+07:00"
    assert seed["published_raw"] == "13-01-2021 20:36"


def test_sapo_has_no_prefix(seed):
    assert seed["sapo"] == ("Ngày 13/1, Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI, "
                            "nhiệm kỳ 2020 - 2025 đã tổ chức Hội nghị lần thứ 5.")


def test_body_is_the_visible_paragraphs_in_order(seed):
    assert seed["body_text"].split("\n\n") == seed_paragraphs()
    assert len(seed_paragraphs()) == 8


def test_body_holds_no_caption_related_box_or_byline(seed):
    for stray in (CAPTION, "Tin liên quan", "Hồng Thái", "Kinhtedothi", "13-01-2021", "DÒNG SỰ KIỆN"):
        assert stray not in seed["body_text"]


def test_the_one_caption(seed):
    assert [image["caption"] for image in seed["images"]] == [CAPTION]


def test_layout_and_identity(seed):
    assert seed["layout"] == "legacy"
    assert seed["site_id"] == 405813
    assert seed["url"].startswith("https://kinhtedothi.vn/") and seed["url"].endswith("-405813.html")
