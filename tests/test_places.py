"""Places read from an article (pipelines/places.py): the real 2020 pages, the 90-article check, and each rule
on sentences written the way the paper writes them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.places import places_of
from scraper.cli import cli
from scraper.parse import parse_page
from tests.support import ROOT

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
HN = "Hà Nội"

# What a reader finds on the ten real pages of tests/pages (REAL.md), read from the pages, not from our output:
# (name, level, district). The places named in a shell's own markup (none) do not count.
REAL_PAGES = {
    365434: {(HN, "province", None)},                       # "TP Hà Nội"
    379034: set(),
    385664: {("Quảng Ngãi", "province", None)},             # "(tỉnh Quảng Ngãi)"; Trà Bồng, Tây Trà are its districts
    387781: {(HN, "province", None)},
    395208: {("Hà Đông", "district", "Hà Đông")},           # "Hội LHTN Việt Nam quận Hà Đông"
    395522: {(HN, "province", None), ("Sóc Sơn", "district", "Sóc Sơn")},
    396647: {(HN, "province", None)},                       # "…, Long Biên, Hà Nội": Long Biên is never read bare
    397321: {("Đà Nẵng", "province", None), ("Quảng Ngãi", "province", None), ("Quảng Nam", "province", None),
             ("Quảng Bình", "province", None)},
    399549: {("Hà Tĩnh", "province", None), ("Bắc Ninh", "province", None)},
    400184: {("Bắc Ninh", "province", None), ("Hà Tĩnh", "province", None), ("Bắc Giang", "province", None)},
}


def found(text: str, **fields) -> set[tuple]:
    """(name, level, district, found_by) of every place a body text (and other fields) names."""
    article = {"title": fields.get("title", ""), "sapo": fields.get("sapo"), "body_text": text,
               "images": [{"caption": c} for c in fields.get("captions", [])], "tags": fields.get("tags", [])}
    return {(p.unit.name, p.unit.level, p.unit.district, p.found_by) for p in places_of(article)}


def names(text: str, **fields) -> set[tuple]:
    return {(name, level, district) for name, level, district, _ in found(text, **fields)}


@pytest.mark.parametrize("site_id", sorted(REAL_PAGES))
def test_a_real_page_names_the_places_a_reader_finds_on_it(site_id):
    record = parse_page((PAGES / f"real-{site_id}.html").read_bytes())
    got = {(p["name"], p["level"], p["district"] if p["level"] != "province" else None) for p in record["places"]}
    assert got == REAL_PAGES[site_id]
    assert all(set(p) == {"name", "level", "district", "province"} for p in record["places"])


@pytest.mark.slow   # bench/places_check.py, as `make places-check` runs it: a process of its own
def test_the_ninety_real_articles_give_their_districts_and_wards_and_nothing_their_text_does_not_name():
    expected = json.loads((ROOT / "bench" / "places" / "expected.json").read_text(encoding="utf-8"))
    assert len(expected) == 24 and sum(map(len, expected.values())) == 43   # written by hand from the texts
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "places_check.py"), "--json"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["articles"] == 90 and result["wanted"] == 43
    assert result["found"] >= 40, [r["missed"] for r in result["rows"] if r["missed"]]
    assert result["not_in_text"] == []


def test_kinhtedothi_parse_prints_the_places_of_a_saved_page():
    run = CliRunner().invoke(cli, ["parse", str(PAGES / "real-395522.html")])
    assert run.exit_code == 0, run.output
    record = json.loads(run.stdout)   # one JSON object per page, a line each
    assert {"name": "Sóc Sơn", "level": "district", "district": "Sóc Sơn", "province": HN} in record["places"]


def test_a_type_before_a_name_names_the_place_of_that_type():
    assert found("Công an huyện Đan Phượng cho biết") == {("Đan Phượng", "district", "Đan Phượng", "prefix")}
    assert names("Quận ủy Hoàn Kiếm họp") == {("Hoàn Kiếm", "district", "Hoàn Kiếm")}
    assert names("thị xã Sơn Tây và TX Sơn Tây") == {("Sơn Tây", "district", "Sơn Tây")}
    assert names("UBND TP Hà Nội, tỉnh Bắc Ninh") == {(HN, "province", None), ("Bắc Ninh", "province", None)}
    assert names("phường Quảng An") == {("Quảng An", "ward", "Tây Hồ")}
    assert names("huyện Ứng Hoà") == {("Ứng Hòa", "district", "Ứng Hòa")}   # either tone spelling
    assert names("tỉnh Thừa Thiên Huế") == {("Thừa Thiên Huế", "province", None)}   # its 2020 name


def test_a_type_of_another_kind_or_another_province_names_nothing_in_hanoi():
    assert names("thị xã Hoàng Mai (Nghệ An)") == {("Nghệ An", "province", None)}   # Hanoi's Hoàng Mai is a quận
    assert names("huyện Văn Chấn") == set()
    assert names("xã Kỳ Hà, thị xã Kỳ Anh, tỉnh Hà Tĩnh") == {("Hà Tĩnh", "province", None)}
    assert names("xã Tân Lập, huyện Yên Lập, tỉnh Phú Thọ") == {("Phú Thọ", "province", None)}  # Hanoi has a Tân Lập
    assert names("xã Tân Phú Đông, thành phố Sa Đéc, tỉnh Đồng Tháp") == {("Đồng Tháp", "province", None)}


def test_names_in_a_list_after_a_type_are_places_of_that_type():
    assert found("giúp kết nối các quận Tây Hồ, Đống Đa, Ba Đình và Nam Từ Liêm.") == {
        ("Tây Hồ", "district", "Tây Hồ", "prefix"), ("Đống Đa", "district", "Đống Đa", "list"),
        ("Ba Đình", "district", "Ba Đình", "list"), ("Nam Từ Liêm", "district", "Nam Từ Liêm", "list")}
    assert names("tại 4 huyện: Đông Anh, Gia Lâm, Thanh Trì, Thường Tín.") == {
        (n, "district", n) for n in ("Đông Anh", "Gia Lâm", "Thanh Trì", "Thường Tín")}
    assert names("phường Quảng An và Nhật Tân") == {("Quảng An", "ward", "Tây Hồ"), ("Nhật Tân", "ward", "Tây Hồ")}


def test_a_bare_district_after_one_of_its_wards_is_its_address():
    assert found("phường Quảng An, Tây Hồ") == {("Quảng An", "ward", "Tây Hồ", "prefix"),
                                                ("Tây Hồ", "district", "Tây Hồ", "address")}
    assert names("xã Kim Chung, Đông Anh") == {("Kim Chung", "ward", "Đông Anh"), ("Đông Anh", "district", "Đông Anh")}
    assert names("xã Kim Chung (Hoài Đức)") == {("Kim Chung", "ward", "Hoài Đức"), ("Hoài Đức", "district", "Hoài Đức")}


def test_a_ward_several_districts_have_is_placed_by_the_district_the_article_names_or_by_none():
    assert names("phường Minh Khai") == {("Minh Khai", "ward", None)}
    assert names("phường Minh Khai, quận Bắc Từ Liêm") == {("Minh Khai", "ward", "Bắc Từ Liêm"),
                                                           ("Bắc Từ Liêm", "district", "Bắc Từ Liêm")}
    assert names("Tại phường Minh Khai, người dân xếp hàng.", title="Quận Hai Bà Trưng siết chặt phòng dịch") == {
        ("Minh Khai", "ward", "Hai Bà Trưng"), ("Hai Bà Trưng", "district", "Hai Bà Trưng")}
    assert names("phường Minh Khai … quận Hai Bà Trưng … quận Bắc Từ Liêm") == {
        ("Minh Khai", "ward", None), ("Hai Bà Trưng", "district", "Hai Bà Trưng"),
        ("Bắc Từ Liêm", "district", "Bắc Từ Liêm")}


def test_a_ward_name_of_2020_merged_away_since_is_still_a_ward_spelt_as_the_text_spells_it():
    assert names("Công an phường Nguyễn Trung Trực") == {("Nguyễn Trung Trực", "ward", "Ba Đình")}
    assert names("phường Văn Miếu, quận Đống Đa") == {("Văn Miếu", "ward", "Đống Đa"),
                                                     ("Đống Đa", "district", "Đống Đa")}


def test_a_bare_name_counts_only_where_it_cannot_be_something_else():
    assert found("Người dân tại Gia Lâm được tiêm") == {("Gia Lâm", "district", "Gia Lâm", "name")}
    assert names("Tại Gia Lâm, người dân được tiêm.") == {("Gia Lâm", "district", "Gia Lâm")}
    assert names("Hà Nội và Bắc Ninh") == {(HN, "province", None), ("Bắc Ninh", "province", None)}
    for text in ("dạo quanh hồ Hoàn Kiếm", "Hồ Hoàn Kiếm lung linh", "Hoàn Kiếm đón khách", "Quảng trường Ba Đình",
                 "về Ba Đình họp", "cầu Thanh Trì", "núi Ba Vì", "cầu Long Biên", "phố Hai Bà Trưng",
                 "đường Cầu Giấy", "Bệnh viện Đống Đa", "chị Thanh Xuân", "Điện Biên Phủ", "Chủ tịch Hồ Chí Minh",
                 "tư tưởng Hồ Chí Minh", "Trung tâm Tiêm chủng Vihealth Quốc Oai", "Sân bay Nội Bài - Phú Diễn - "
                 "Hà Đông - Ngọc Hồi", "Hợp tác xã Thanh Xuân", "ga Hà Nội", "hòa bình", "nhà ở xã hội"):
        assert names(text) == set(), text


def test_captions_tags_headline_and_lead_are_read_too():
    assert names("", title="Quận Cầu Giấy họp", sapo="huyện Sóc Sơn", captions=["xã Phú Cát, huyện Quốc Oai"],
                 tags=["Đông Anh"]) == {("Cầu Giấy", "district", "Cầu Giấy"), ("Sóc Sơn", "district", "Sóc Sơn"),
                                        ("Phú Cát", "ward", "Quốc Oai"), ("Quốc Oai", "district", "Quốc Oai"),
                                        ("Đông Anh", "district", "Đông Anh")}


def test_each_place_is_one_row_with_its_first_surest_words_and_its_mentions():
    [place] = places_of({"title": "", "body_text": "Gia Lâm … huyện Gia Lâm … Gia Lâm", "images": [], "tags": []})
    row = place.row()
    assert (row["place_key"], row["found_by"], row["words"], row["mentions"]) == (
        "huyện Gia Lâm", "prefix", "huyện Gia Lâm", 3)
    assert row["latitude"] and row["longitude"] and row["district_key"] == "huyện Gia Lâm"
