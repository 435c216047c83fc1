"""Tests of the fake Wayback Machine and the current-layout tag page (sample_site, not the crawler)."""
import json
import re
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import urlencode

import pytest

from kinhtedothi.sample_site import (FAULT_URLS, TAG_PAGE, WAYBACK_MISSING, FakeWayback, SampleSite, expected_articles,
                         expected_tag_articles, expected_wayback_articles, wayback_captures)
from kinhtedothi.sample_site.wayback_data import digest_of, surt

pytestmark = pytest.mark.fast

UA = "kinhtedothi-archive-tests/1.0 (+https://example.org/contact)"
FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
SITE = "https://kinhtedothi.vn"
ELECTIONS = "kinhtedothi.vn/su-kien/731/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base, path, follow=False):
    """-> (status, headers, body bytes); redirects not followed unless asked."""
    req = urllib.request.Request(base + path, headers={"User-Agent": UA})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def cdx(wb, **params):
    """The JSON answer of a CDX query (list of rows)."""
    params.setdefault("output", "json")
    status, headers, body = fetch(wb.url, "/cdx/search/cdx?" + urlencode(params, doseq=True))
    assert status == 200, body
    return json.loads(body)


def rows_of(answer):
    """Answer without its header row, as dicts."""
    if not answer:
        return []
    assert answer[0] == FIELDS
    return [dict(zip(FIELDS, r)) for r in answer[1:]]


@pytest.fixture(scope="module")
def wb():
    with FakeWayback(throttle=False) as w:
        yield w


def test_cdx_exact_home(wb):
    answer = cdx(wb, url="kinhtedothi.vn/")
    rows = rows_of(answer)
    assert len(rows) == 3 and all(isinstance(v, str) for r in answer for v in r)
    assert [r["urlkey"] for r in rows] == ["vn,kinhtedothi)/"] * 3
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
    assert len({r["digest"] for r in rows}) == 2
    assert {r["original"].split("/")[0] for r in rows} >= {"https:", "http:"}
    for form in ("https://kinhtedothi.vn/", "http://www.kinhtedothi.vn/", "kinhtedothi.vn"):
        assert cdx(wb, url=form, matchType="exact") == answer
    assert rows_of(cdx(wb, url="kinhtedothi.vn/", collapse="digest")) == [rows[0], rows[2]]


def test_cdx_no_match(wb):
    assert cdx(wb, url=WAYBACK_MISSING[0]) == []
    assert cdx(wb, url="kinhtedothi.vn" + FAULT_URLS["robots_disallowed"]) == []


def test_cdx_prefix_filter_collapse(wb):
    everything = rows_of(cdx(wb, url=ELECTIONS, matchType="prefix"))
    assert rows_of(cdx(wb, url=ELECTIONS + "*")) == everything
    keys = [(r["urlkey"], r["timestamp"]) for r in everything]
    assert keys == sorted(keys) and len({r["urlkey"] for r in everything}) == 3
    assert {r["statuscode"] for r in everything} == {"200", "503"}
    ok = rows_of(cdx(wb, url=ELECTIONS, matchType="prefix", filter="statuscode:200"))
    assert ok == [r for r in everything if r["statuscode"] == "200"]
    assert rows_of(cdx(wb, url=ELECTIONS + "*", filter=["!statuscode:503", "mimetype:text/html"])) == ok
    assert rows_of(cdx(wb, url=ELECTIONS + "*", filter="statuscode:[23].*")) == ok
    distinct = rows_of(cdx(wb, url=ELECTIONS + "*", filter="statuscode:200", collapse="digest"))
    assert len(distinct) == 6 and len({r["digest"] for r in distinct}) == 6
    assert len(rows_of(cdx(wb, url=ELECTIONS + "*", collapse="urlkey"))) == 3
    fl = cdx(wb, url=ELECTIONS + "*", fl="timestamp,statuscode")
    assert fl[0] == ["timestamp", "statuscode"] and fl[1:] == [[r["timestamp"], r["statuscode"]] for r in everything]


def test_cdx_from_to(wb):
    rows = rows_of(cdx(wb, url="kinhtedothi.vn/", to="202105"))
    assert [r["timestamp"] for r in rows] == ["20210510013000", "20210510093000"]
    assert rows_of(cdx(wb, url="kinhtedothi.vn/", **{"from": "20210510093000"}))[0]["timestamp"] == "20210510093000"
    assert len(rows_of(cdx(wb, url="kinhtedothi.vn/", **{"from": "202109", "to": "2021"}))) == 1
    assert cdx(wb, url="kinhtedothi.vn/", **{"from": "2022"}) == []


def test_cdx_limit_and_resume_key(wb):
    full = rows_of(cdx(wb, url="kinhtedothi.vn/su-kien/", matchType="prefix", filter="statuscode:200",
                       collapse="digest"))
    assert len(full) > 5
    got, key, calls = [], None, 0
    while True:
        params = dict(url="kinhtedothi.vn/su-kien/", matchType="prefix", filter="statuscode:200",
                      collapse="digest", limit="4", showResumeKey="true")
        if key:
            params["resumeKey"] = key
        answer = cdx(wb, **params)
        calls += 1
        if answer and answer[-2] == []:
            key = answer[-1][0]
            got += rows_of(answer[:-2])
        else:
            got += rows_of(answer)
            break
    assert got == full and calls == -(-len(full) // 4)
    assert len(rows_of(cdx(wb, url="kinhtedothi.vn/su-kien/*", limit="2"))) == 2  # no key unless asked
    assert cdx(wb, url="kinhtedothi.vn/su-kien/*", limit="2")[-1] != []


def test_raw_capture_is_original(wb):
    with SampleSite() as site:
        for art in expected_wayback_articles():
            if "earlier_versions" in art:
                continue
            original = [c[0] for c in wayback_captures() if c[1] == art["capture_timestamp"]
                        and surt(c[0]) == surt(art["url"])][0]
            status, headers, body = fetch(wb.url, "/web/%sid_/%s" % (art["capture_timestamp"], original))
            assert status == 200 and "Memento-Datetime" in headers
            path = art["url"][len(SITE):]
            live = fetch(site.url, path)
            while live[0] == 500:
                live = fetch(site.url, path)
            assert body == live[2], path
            assert headers["Content-Type"] == live[1]["Content-Type"]
    rows = rows_of(cdx(wb, url="kinhtedothi.vn/"))
    status, _, body = fetch(wb.url, "/web/%sid_/%s" % (rows[0]["timestamp"], rows[0]["original"]))
    assert status == 200 and digest_of(body) == rows[0]["digest"] and str(len(body)) == rows[0]["length"]
    assert "DÒNG SỰ KIỆN" in body.decode("utf-8")


def test_raw_capture_statuses(wb):
    moved = rows_of(cdx(wb, url=SITE + FAULT_URLS["redirect_from"]))
    assert [r["statuscode"] for r in moved] == ["301"]
    status, headers, _ = fetch(wb.url, "/web/%sid_/%s" % (moved[0]["timestamp"], moved[0]["original"]))
    target = headers["Location"]
    assert status == 301 and target.startswith(SITE + "/") and target.endswith("-418261.html")
    assert [r["statuscode"] for r in rows_of(cdx(wb, url=target))] == ["200"]
    dead = rows_of(cdx(wb, url=SITE + FAULT_URLS["dead"]))
    assert dead and {r["statuscode"] for r in dead} == {"404"}
    status, headers, _ = fetch(wb.url, "/web/%sid_/%s" % (dead[0]["timestamp"], dead[0]["original"]))
    assert status == 404 and "Memento-Datetime" in headers
    status, headers, _ = fetch(wb.url, "/web/20210601000000id_/" + WAYBACK_MISSING[0])
    assert status == 404 and "Memento-Datetime" not in headers
    nocs = [a for a in expected_articles() if "no-charset-header" in a["variations"]][0]
    status, headers, _ = fetch(wb.url, "/web/2021id_/" + nocs["url"], follow=True)
    assert status == 200 and headers["Content-Type"] == "text/html"


def test_nearest_timestamp_redirect(wb):
    rows = rows_of(cdx(wb, url="kinhtedothi.vn/"))
    status, headers, _ = fetch(wb.url, "/web/20210901000000id_/https://kinhtedothi.vn/")
    assert status == 302 and headers["Location"] == "/web/%sid_/%s" % (rows[2]["timestamp"], rows[2]["original"])
    status, headers, _ = fetch(wb.url, "/web/20210101id_/https://www.kinhtedothi.vn/")
    assert status == 302 and headers["Location"].startswith("/web/%sid_/" % rows[0]["timestamp"])
    status, _, body = fetch(wb.url, "/web/20210101id_/https://kinhtedothi.vn/", follow=True)
    assert status == 200 and b"box_dongsukien" in body


def test_throttle_then_success():
    with FakeWayback() as w:
        home = "/cdx/search/cdx?url=kinhtedothi.vn/&output=json"
        assert [fetch(w.url, home)[0] for _ in range(4)] == [200, 429, 429, 200]
        cap = "/web/20210510013000id_/https://kinhtedothi.vn/"
        statuses = [fetch(w.url, cap)[0] for _ in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 200]
        assert w.throttled == [home, home, cap]
        assert [r["status"] for r in w.requests].count(429) == 3
        assert all(r["user_agent"] == UA and r["method"] == "GET" for r in w.requests)
        w.clear_requests()
        assert w.requests == [] and fetch(w.url, home)[0] == 200
    with FakeWayback(throttle=False) as w:
        assert {fetch(w.url, "/cdx/search/cdx?url=kinhtedothi.vn/&output=json")[0] for _ in range(4)} == {200}


def test_capture_table_covers_the_cases():
    caps = wayback_captures()
    assert all(ts.startswith("2021") and len(ts) == 14 for _, ts, _, _ in caps)
    assert {o.split("/")[2] for o, *_ in caps} == {"kinhtedothi.vn", "www.kinhtedothi.vn"}
    assert {o.split(":")[0] for o, *_ in caps} == {"http", "https"}
    by_key = {}
    for o, ts, status, digest in caps:
        by_key.setdefault(surt(o), []).append((ts, status, digest))
    wanted = expected_wayback_articles()
    assert [a["url"] for a in wanted] == [a["url"] for a in expected_articles() if a["url"] not in WAYBACK_MISSING]
    for art in wanted:
        assert (art["capture_timestamp"], 200) in [(t, s) for t, s, _ in by_key[surt(art["url"])]]
        plain = {k: v for k, v in art.items() if k not in ("capture_timestamp", "earlier_versions")}
        assert plain in expected_articles()
    edited = [a for a in wanted if "earlier_versions" in a]
    assert len(edited) == 1
    old = edited[0]["earlier_versions"][0]
    assert old["title"] != edited[0]["title"] and old["capture_timestamp"] < edited[0]["capture_timestamp"]
    assert old["body_text"].count("\n\n") == edited[0]["body_text"].count("\n\n") - 1
    assert sum(1 for v in by_key.values() if len(v) == 2 and v[0][2] == v[1][2] and v[0][1] == 200) >= 3
    assert all(surt(u) not in by_key for u in WAYBACK_MISSING)
    assert surt(SITE + FAULT_URLS["gallery"]) in by_key


def test_edited_capture_shows_old_version(wb):
    art = [a for a in expected_wayback_articles() if "earlier_versions" in a][0]
    old = art["earlier_versions"][0]
    status, _, body = fetch(wb.url, "/web/%sid_/%s" % (old["capture_timestamp"], art["url"]), follow=True)
    html = body.decode("utf-8")
    assert status == 200 and old["title"] in unescape(html) and art["title"] not in unescape(html)


def test_tag_page_lists_its_articles():
    with SampleSite() as site:
        status, headers, body = fetch(site.url, TAG_PAGE)
        html = body.decode("utf-8")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        cards = re.findall(r'<div class="box-category-item".*?<h3[^>]*>\s*<a [^>]*href="([^"]+)"', html, re.S)
        urls = [SITE + h if h.startswith("/") else h for h in map(unescape, cards)]
        assert urls == expected_tag_articles() and 4 <= len(urls) <= 6
        known = {a["url"]: a for a in expected_articles()}
        assert {known[u]["layout"] for u in urls} == {"legacy", "current"}
        assert all(u in known for u in urls) and "Xem thêm" in html
        others = {SITE + h for h in re.findall(r'href="(/[^"]*)"', html)} - set(urls)
        assert any(u.endswith(".html") for u in others)  # sidebar articles that are not the tag's
        for path in ["/", site.feed_url("covid")[len(site.url):]]:
            assert TAG_PAGE not in fetch(site.url, path)[2].decode("utf-8")
