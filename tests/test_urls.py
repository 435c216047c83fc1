from scraper.urls import article_id, canonical_url, feed_id, from_mirror, site_url, to_mirror

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
