import pytest

from kinhtedothi.vocab.urls import article_id, canonical_url, feed_id, from_mirror, site_url, to_mirror

pytestmark = pytest.mark.fast

MIRROR = "http://127.0.0.1:8000"


def test_canonical_url_is_https_bare_host_without_query_or_fragment():
    for link in ("http://kinhtedothi.vn/a-405813.html?utm_source=zalo#top",
                 "https://www.kinhtedothi.vn/a-405813.html",
                 "//kinhtedothi.vn/a-405813.html",
                 "/a-405813.html"):
        assert canonical_url(link) == "https://kinhtedothi.vn/a-405813.html"


def test_site_url_keeps_the_query_for_feed_pages():
    assert site_url("/su-kien/719/dai-dich-covid-19.html?page=2") == \
        "https://kinhtedothi.vn/su-kien/719/dai-dich-covid-19.html?page=2"


def test_article_id_comes_from_the_url():
    assert article_id("https://kinhtedothi.vn/quan-thanh-xuan-405813.html") == 405813
    assert article_id("https://kinhtedothi.vn/ha-noi-don-tet.html") is None


def test_feed_id():
    assert feed_id("https://kinhtedothi.vn/su-kien/719/dai-dich-covid-19.html") == 719
    assert feed_id("https://kinhtedothi.vn/du-lich/su-kien/") is None


def test_mirror_mapping_goes_both_ways():
    site = "https://kinhtedothi.vn/su-kien/719/x.html?page=2"
    mirrored = to_mirror(site, MIRROR)
    assert mirrored == "http://127.0.0.1:8000/su-kien/719/x.html?page=2"
    assert from_mirror(mirrored, MIRROR) == site


def test_mirror_with_a_path_prefix():
    mirrored = to_mirror("https://kinhtedothi.vn/a-1234.html", "http://127.0.0.1:9000/copy")
    assert mirrored == "http://127.0.0.1:9000/copy/a-1234.html"
    assert from_mirror(mirrored, "http://127.0.0.1:9000/copy") == "https://kinhtedothi.vn/a-1234.html"


def test_other_hosts_are_not_mirrored():
    assert to_mirror("https://cdn.kinhtedothi.vn/a.jpg", MIRROR) == "https://cdn.kinhtedothi.vn/a.jpg"


def test_article_id_reads_the_legacy_form_with_a_hyphen():
    assert article_id("https://kinhtedothi.vn/ha-noi-tiep-nhan-vac-xin-409318.html") == 409318


def test_article_id_reads_the_2025_form_with_a_dot():
    assert article_id("https://kinhtedothi.vn/ha-noi-khoi-cong-cau-tu-lien.692315.html") == 692315
    assert article_id("/ha-noi-khoi-cong-cau-tu-lien.692315.html") == 692315


def test_a_current_url_without_an_id_has_none():
    assert article_id("https://kinhtedothi.vn/nhung-nguoi-lang-tham-nhat-rac-tren-song-hong.html") is None
    assert article_id("https://kinhtedothi.vn/tag/bau-cu-2021") is None


def test_a_year_range_at_the_end_of_a_slug_is_not_an_id():
    assert article_id("https://kinhtedothi.vn/cong-bo-ket-qua-bau-cu-nhiem-ky-2021-2026.html") is None
    assert article_id("https://kinhtedothi.vn/ke-hoach-giai-doan-2020-2025.html") is None
    assert article_id("https://kinhtedothi.vn/cuoc-thi-viet-bao-ve-moi-truong-nam-2025.html") is None
    assert article_id("https://kinhtedothi.vn/du-an-1999-2000.html") is None


def test_a_four_digit_id_that_is_no_year_is_still_an_id():
    assert article_id("https://kinhtedothi.vn/tin-cu-8123.html") == 8123
    assert article_id("https://kinhtedothi.vn/bai-viet-so-1-2020.html") == 2020  # no year before it, no period word
