"""Tests of the sample site server itself (not of the crawler)."""
import re
import unicodedata
import urllib.error
import urllib.request
from html import unescape

import pytest

from kinhtedothi.sample_site import FAULT_URLS, SampleSite, expected_articles, expected_events

pytestmark = pytest.mark.fast

UA = "kinhtedothi-archive-tests/1.0 (+https://example.org/contact)"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(site, path, method="GET", follow=True):
    req = urllib.request.Request(site.url + path, method=method, headers={"User-Agent": UA})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def next_page(html):
    """href of the link right after a.active in .paging, or None."""
    paging = re.search(r'<div class="paging">(.*?)</div>', html, re.S).group(1)
    links = re.findall(r"<a([^>]*)>", paging)
    idx = [i for i, attrs in enumerate(links) if 'class="active"' in attrs]
    assert len(idx) == 1
    if idx[0] + 1 >= len(links):
        return None
    return unescape(re.search(r'href="([^"]+)"', links[idx[0] + 1]).group(1))


def article_links(html):
    pat = (r'<div class="pkg[^"]*">.*?</div>\s*(?=<ul class="list_news_topcate">)'
           r'|<ul class="list_news_topcate">.*?</ul>')
    hrefs = []
    for block in re.findall(pat, html, re.S):
        hrefs += [unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', block)]
    return hrefs


@pytest.fixture(scope="module")
def site():
    with SampleSite() as s:
        yield s


def walk_feed(site, feed):
    path, pages, links = site.feed_url(feed)[len(site.url):], 0, []
    while path:
        status, _, html = get(site, path)
        if status == 503:
            status, _, html = get(site, path)
        assert status == 200, path
        pages += 1
        links += article_links(html)
        nxt = next_page(html)
        path = re.sub(r"^https?://(www\.)?kinhtedothi\.vn", "", nxt) if nxt else None
    return pages, links


def test_home_has_event_bar(site):
    status, headers, html = get(site, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "DÒNG SỰ KIỆN" in html
    for name in ["Bầu cử đại biểu Quốc hội khoá XV và HĐND các cấp", "Đại dịch Covid-19",
                 "Cuộc thi viết “Bảo vệ môi trường trên địa bàn TP Hà Nội”",
                 "Đại hội Đảng bộ các cấp và Đại hội XIII của Đảng"]:
        assert ">%s</a>" % name.upper() in html
    assert "/su-kien/731/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap.html" in html
    assert 'href="/du-lich/su-kien/"' in html


@pytest.mark.parametrize("paging", ["path", "query"])
def test_feeds_paginate(paging):
    with SampleSite(paging=paging) as s:
        counts = {}
        for feed in ("elections", "covid", "environment"):
            pages, links = walk_feed(s, feed)
            counts[feed] = pages
            assert len(links) >= 6 * pages
        assert counts == {"elections": 3, "covid": 4, "environment": 3}
        page2 = s.feed_url("covid", 2)[len(s.url):]
        assert ("trang-2" in page2) == (paging == "path") and ("?page=2" in page2) == (paging == "query")
        bad = "/su-kien/719/dai-dich-covid-19/trang-9.html" if paging == "path" \
            else "/su-kien/719/dai-dich-covid-19.html?page=9"
        assert get(s, bad)[0] == 404


def test_faults(site):
    site.reset_faults()
    assert [get(site, FAULT_URLS["retry_500"])[0] for _ in range(3)] == [500, 500, 200]
    feed2 = site.fault_urls["retry_503_feed_page"]
    status, headers, _ = get(site, feed2)
    assert status == 503 and headers.get("Retry-After") == "1"
    assert get(site, feed2)[0] == 200
    assert get(site, FAULT_URLS["dead"])[0] == 404
    status, headers, _ = get(site, FAULT_URLS["redirect_from"], follow=False)
    assert status == 301 and headers["Location"].startswith("/") and headers["Location"].endswith(
        re.search(r"-\d+\.html$", FAULT_URLS["redirect_from"]).group(0))
    assert get(site, headers["Location"])[0] == 200
    status, _, html = get(site, FAULT_URLS["gallery"])
    assert status == 200 and "cotent_detail" not in html and "title_detail_news" not in html
    status, _, html = get(site, FAULT_URLS["lookalike"])
    assert status == 200 and len(article_links(html)) >= 2
    nocs = [a for a in expected_articles() if "no-charset-header" in a["variations"]][0]
    status, headers, html = get(site, nocs["url"][len("https://kinhtedothi.vn"):])
    assert headers["Content-Type"] == "text/html" and '<meta charset="utf-8">' in html
    assert get(site, "/no-such-page.html")[0] == 404


def test_robots_and_methods(site):
    status, headers, body = get(site, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in body and "Disallow: /tim-kiem/" in body
    status, headers, body = get(site, "/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000
    assert get(site, "/", method="POST")[0] == 405
    log = site.requests
    assert {"method", "path", "user_agent", "status", "time"} <= set(log[-1])
    assert log[-1]["method"] == "POST" and log[-1]["user_agent"] == UA


def test_event_ids_override():
    ids = {"elections": 900, "environment": 901}
    with SampleSite(event_ids=ids) as s:
        _, _, home = get(s, "/")
        assert "/su-kien/900/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap.html" in home
        assert get(s, "/su-kien/731/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap.html")[0] == 404
        assert get(s, "/su-kien/901/cuoc-thi-viet-bao-ve-moi-truong-tren-dia-ban-tp-ha-noi.html")[0] == 200
        assert get(s, "/su-kien/719/dai-dich-covid-19.html")[0] == 200
    urls = [e["feed_url"] for e in expected_events(ids)]
    assert urls[0] == "https://kinhtedothi.vn/su-kien/900/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap.html"


def test_truth_shape(site):
    arts = expected_articles()
    assert len(arts) >= 40 and len({a["url"] for a in arts}) == len(arts)
    keys = {"url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
            "subsection", "body_text", "tags", "images", "related_links", "layout", "events", "variations"}
    assert all(set(a) == keys for a in arts)
    assert sum(len(a["events"]) > 1 for a in arts) >= 5
    for a in arts:
        for v in (a["title"], a["sapo"], a["body_text"]):
            assert unicodedata.is_normalized("NFC", v) and "\xa0" not in v
        assert not a["sapo"].startswith("Kinhtedothi")
    seen = {v for a in arts for v in a["variations"]}
    for v in ["no-author", "multi-author", "nfd", "related-inside", "related-outside", "caption-attr",
              "script-in-body", "en-dash-sapo", "em-dash-sapo", "text-around-date", "seed", "redirected",
              "retry-500", "tracking-query", "current-layout", "sapo-meta-only", "no-charset-header", "nbsp",
              "empty-p"]:
        assert v in seen, v
    assert [e["slug"] for e in expected_events()] == [
        "bau-cu-quoc-hoi-khoa-xv", "dai-dich-covid-19", "cuoc-thi-bao-ve-moi-truong"]
    # the feeds list every expected article (directly or via the redirect)
    listed = set()
    for feed in ("elections", "covid", "environment"):
        for href in walk_feed(site, feed)[1]:
            listed.add(re.sub(r"^https?://(www\.)?kinhtedothi\.vn", "", href).split("?")[0].split("#")[0])
    for a in arts:
        path = a["url"][len("https://kinhtedothi.vn"):]
        assert path in listed or ("redirected" in a["variations"] and FAULT_URLS["redirect_from"] in listed)
    assert FAULT_URLS["robots_disallowed"] in listed and FAULT_URLS["dead"] in listed


def test_seed_article(site):
    seed = [a for a in expected_articles() if "seed" in a["variations"]][0]
    assert seed["url"].endswith("/quan-thanh-xuan-19-19-chi-tieu-chu-yeu-dat-va-vuot-ke-hoach-405813.html")
    assert seed["author"] == "Hồng Thái" and seed["published_at"] == "2021-01-13T20:36:00+07:00"
    assert seed["published_raw"] == "13-01-2021 20:36" and seed["section"] is None and seed["tags"] == []
    assert seed["images"][0]["caption"].startswith("Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI")
    assert seed["body_text"].startswith("Với tinh thần") and "Tin liên quan" not in seed["body_text"]
    status, _, html = get(site, seed["url"][len("https://kinhtedothi.vn"):])
    assert status == 200 and "Tin liên quan" in html and 'id="cotent_detail"' in html
    nfd = [a for a in expected_articles() if "nfd" in a["variations"]][0]
    _, _, html = get(site, nfd["url"][len("https://kinhtedothi.vn"):])
    assert unicodedata.normalize("NFD", nfd["title"]) in html and nfd["title"] not in html
