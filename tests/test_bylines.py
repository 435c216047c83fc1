"""Bylines as the paper prints them, split into people (as printed, normalized, role) and a source."""

import unicodedata

import pytest

from pipelines.bylines import PAPER, ROLES, normalize_name, split_byline

pytestmark = pytest.mark.fast

NFD = unicodedata.normalize("NFD", "Bài và ảnh: Tiểu Thúy")

# byline -> ([(name as printed, normalized name, role), ...], byline_source)
BYLINES = [
    ("Thảo Trần", [("Thảo Trần", "Thảo Trần", "author")], None),
    ("Hồng Thái", [("Hồng Thái", "Hồng Thái", "author")], None),
    ("Bài, ảnh: Ngọc Ánh", [("Ngọc Ánh", "Ngọc Ánh", "text and photos")], None),
    ("Bài và ảnh: Ngọc Ánh", [("Ngọc Ánh", "Ngọc Ánh", "text and photos")], None),
    ("Bài & ảnh: Hồng Thái", [("Hồng Thái", "Hồng Thái", "text and photos")], None),
    ("Tin và ảnh: Minh An", [("Minh An", "Minh An", "text and photos")], None),
    ("Tin, ảnh: Minh An", [("Minh An", "Minh An", "text and photos")], None),
    ("Bài: Hồng Thái", [("Hồng Thái", "Hồng Thái", "author")], None),
    ("Ảnh: Hải Linh", [("Hải Linh", "Hải Linh", "photos")], None),
    ("Bài: Hồng Thái - Ảnh: Minh An",
     [("Hồng Thái", "Hồng Thái", "author"), ("Minh An", "Minh An", "photos")], None),
    ("Bài: Hồng Thái; Ảnh: Hồng Thái", [("Hồng Thái", "Hồng Thái", "text and photos")], None),
    ("Trần Hà (thực hiện)", [("Trần Hà", "Trần Hà", "interviewer")], None),
    ("Doãn Thành thực hiện", [("Doãn Thành", "Doãn Thành", "interviewer")], None),
    ("Thực hiện: Doãn Thành", [("Doãn Thành", "Doãn Thành", "interviewer")], None),
    ("Hà Bình - Hồng Thái ghi", [("Hà Bình", "Hà Bình", "recorder"), ("Hồng Thái", "Hồng Thái", "recorder")], None),
    ("Đạt Lê - Hoàng Tuấn", [("Đạt Lê", "Đạt Lê", "author"), ("Hoàng Tuấn", "Hoàng Tuấn", "author")], None),
    ("Phạm Hùng - Kim Nhuệ", [("Phạm Hùng", "Phạm Hùng", "author"), ("Kim Nhuệ", "Kim Nhuệ", "author")], None),
    ("Hà Bình và Hồng Thái", [("Hà Bình", "Hà Bình", "author"), ("Hồng Thái", "Hồng Thái", "author")], None),
    ("Hồng Thái, Minh An", [("Hồng Thái", "Hồng Thái", "author"), ("Minh An", "Minh An", "author")], None),
    ("TIỂU THÚY", [("TIỂU THÚY", "Tiểu Thúy", "author")], None),
    ("Tiểu Thuý - Thanh Hoà", [("Tiểu Thuý", "Tiểu Thúy", "author"), ("Thanh Hoà", "Thanh Hòa", "author")], None),
    ("Quý Khoa - Kim Nhuệ", [("Quý Khoa", "Quý Khoa", "author"), ("Kim Nhuệ", "Kim Nhuệ", "author")], None),
    ("ĐẠT LÊ - HOÀNG TUẤN", [("ĐẠT LÊ", "Đạt Lê", "author"), ("HOÀNG TUẤN", "Hoàng Tuấn", "author")], None),
    ("Tiểu Thúy/Tieudung.vn", [("Tiểu Thúy", "Tiểu Thúy", "author")], "Tieudung.vn"),
    ("Thu Hà (TTXVN)", [("Thu Hà", "Thu Hà", "author")], "TTXVN"),
    ("Minh An (theo Vietnamplus)", [("Minh An", "Minh An", "author")], "Vietnamplus"),
    ("Theo TTXVN", [], "TTXVN"),
    ("Theo Vietnamplus", [], "Vietnamplus"),
    ("theo VnExpress", [], "VnExpress"),
    ("Nguồn: Chinhphu.vn", [], "Chinhphu.vn"),
    ("TTXVN", [], "TTXVN"),
    ("Kinh tế & Đô thị", [], PAPER),
    ("Kinhtedothi", [], PAPER),
    ("KTĐT", [], PAPER),
    ("Ban Biên tập", [], PAPER),
    ("Nhóm PV", [], PAPER),
    ("PGS.TS Bùi Thị An - Phó Chủ tịch Liên hiệp các Hội Khoa học và Kỹ thuật Hà Nội",
     [("PGS.TS Bùi Thị An", "Bùi Thị An", "author")], None),
    ("TS Nguyễn Văn Minh, Giám đốc Sở Xây dựng Hà Nội",
     [("TS Nguyễn Văn Minh", "Nguyễn Văn Minh", "author")], None),
    ("Nhà báo Hữu Thọ", [("Nhà báo Hữu Thọ", "Hữu Thọ", "author")], None),
    # titles written out in full before a name, apart from it: titles, not people
    ("Phó Giáo sư, Tiến sĩ Nguyễn Văn An", [("Phó Giáo sư, Tiến sĩ Nguyễn Văn An", "Nguyễn Văn An", "author")], None),
    ("Giáo sư - Tiến sĩ Trần Ngọc Hà", [("Giáo sư - Tiến sĩ Trần Ngọc Hà", "Trần Ngọc Hà", "author")], None),
    ("Phó Giáo sư - Tiến sĩ Lê Minh - Hồng Thái",
     [("Phó Giáo sư - Tiến sĩ Lê Minh", "Lê Minh", "author"), ("Hồng Thái", "Hồng Thái", "author")], None),
    ("Thạc sĩ, Luật sư Phạm Thu Hà", [("Thạc sĩ, Luật sư Phạm Thu Hà", "Phạm Thu Hà", "author")], None),
    ("Hồng Thái - Giáo sư", [("Hồng Thái", "Hồng Thái", "author")], None),
    ("Sở Y tế Hà Nội", [], "Sở Y tế Hà Nội"),
    ("D. Tùng", [("D. Tùng", "D. Tùng", "author")], None),
    ("Bài: D.Tùng - Ảnh: N.Ánh", [("D.Tùng", "D.Tùng", "author"), ("N.Ánh", "N.Ánh", "photos")], None),
    (NFD, [("Tiểu Thúy", "Tiểu Thúy", "text and photos")], None),
    ("  Hồng   Thái \u00a0-\u00a0 Minh  An ", [("Hồng Thái", "Hồng Thái", "author"), ("Minh An", "Minh An", "author")],
     None),
    ("Trường Giang - Hà Bình", [("Trường Giang", "Trường Giang", "author"), ("Hà Bình", "Hà Bình", "author")], None),
    ("Hồng Thái - Minh An (ảnh)", [("Hồng Thái", "Hồng Thái", "author"), ("Minh An", "Minh An", "photos")], None),
    ("Lược dịch: Thu Hằng", [("Thu Hằng", "Thu Hằng", "translator")], None),
    ("Video: Quang Hưng", [("Quang Hưng", "Quang Hưng", "video")], None),
    ("", [], None),
    (None, [], None),
]


@pytest.mark.parametrize("byline, people, source", BYLINES, ids=[str(b[0])[:40] for b in BYLINES])
def test_a_byline_is_split_into_people_with_roles_and_a_source(byline, people, source):
    found, found_source = split_byline(byline)
    assert [(p.printed, p.name, p.role) for p in found] == people
    assert found_source == source


def test_there_are_at_least_thirty_bylines_in_the_table():
    assert len(BYLINES) >= 30


def test_every_role_given_is_in_the_documented_vocabulary():
    for byline, _, _ in BYLINES:
        assert {p.role for p in split_byline(byline)[0]} <= set(ROLES)


def test_a_guest_keeps_the_office_beside_the_name_not_as_a_second_person():
    people, _ = split_byline("PGS.TS Bùi Thị An - Phó Chủ tịch Liên hiệp các Hội Khoa học và Kỹ thuật Hà Nội")
    assert [p.office for p in people] == ["Phó Chủ tịch Liên hiệp các Hội Khoa học và Kỹ thuật Hà Nội"]


def test_a_normalized_name_is_nfc_with_each_syllable_capitalized():
    name = normalize_name(unicodedata.normalize("NFD", "  nguyễn   THỊ  hà "))
    assert name == "Nguyễn Thị Hà" and unicodedata.is_normalized("NFC", name)


def test_a_huge_byline_is_read_only_to_its_first_characters():
    people, _ = split_byline("Hồng Thái - " + "Minh An - " * 10_000)
    assert people[0].name == "Hồng Thái" and len(people) == 2
