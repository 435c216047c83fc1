"""The captures held by the fake Wayback Machine (deterministic, all in 2021).

Pages are rendered with the same functions as SampleSite, so a crawler reading
the captures archives the same articles and fields as a live crawl.  What is
captured, and how, is decided here and nowhere else:

* home page ``/``: 3 captures, the first two identical by digest;
* every page of the three feeds (default ids, ``paging="path"``): 3 captures
  each (the first two identical by digest), plus non-200 captures: elections
  page 2 a 503 before its good ones, covid page 3 a 404 before its good ones,
  environment page 1 a 503 *after* its good ones;
* every article of ``expected_articles()`` captured 200 at least once, except
  NEVER_CAPTURED; TWICE_SAME are captured twice identically; EDITED is captured
  with an older title and one paragraph fewer, then as it is now; the
  ``retry_500`` article has a 500 capture before its 200 one;
* the redirected article: its old URL only as a 301 capture (Location: the new
  https URL), the new URL 200;
* the dead link only as 404; the gallery 200; ``/tim-kiem/…`` never.
"""
import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from . import content as C
from . import render as R
from .render_parts import Ctx

FORMS = ("https://kinhtedothi.vn", "http://kinhtedothi.vn", "http://www.kinhtedothi.vn")
HTML = "text/html; charset=utf-8"
NEVER_CAPTURED = "c13"
EDITED = "v01"
EDITED_OLD_TITLE = "Phát động cuộc thi viết về bảo vệ môi trường trên địa bàn Thủ đô"
TWICE_SAME = ("e01", "c09", "v06")
FEED_START = {"elections": datetime(2021, 6, 10, 3, 0), "covid": datetime(2021, 9, 5, 3, 0),
              "environment": datetime(2021, 2, 1, 3, 0)}
HOME_TIMES = ("20210510013000", "20210510093000", "20210915020000")
UTC_OFFSET = timedelta(hours=7)  # Hanoi time = UTC + 7; Wayback timestamps are UTC


def surt(url):
    """SURT urlkey of a URL: ``vn,kinhtedothi)/path?query``, lower case, no scheme, no www."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/")
    if parts.query:
        key += "?" + parts.query
    return key.lower()


def digest_of(body):
    """Base32 SHA-1 of the body, as the real CDX shows it."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


@dataclass
class Capture:
    """One capture: the original URL, when, and the bytes and headers the site answered."""
    original: str
    timestamp: str
    status: int
    body: bytes
    headers: dict = field(default_factory=dict)
    mimetype: str = "text/html"

    @property
    def urlkey(self):
        return surt(self.original)

    @property
    def digest(self):
        return digest_of(self.body)

    @property
    def length(self):
        return len(self.body)

    def content_type(self):
        return self.headers.get("Content-Type", HTML)


def ts(when):
    """datetime (UTC) -> 14-digit Wayback timestamp."""
    return when.strftime("%Y%m%d%H%M%S")


def stamp_date(html, timestamp):
    """Put the capture day (Hanoi time) in the page header, as the live page showed it."""
    when = datetime.strptime(timestamp, "%Y%m%d%H%M%S") + UTC_OFFSET
    today = "%s, %s" % (C.WEEKDAYS[when.weekday()], when.strftime("%d/%m/%Y"))
    return html.replace('<span class="date_now">Thứ Tư, 13/01/2021</span>',
                        '<span class="date_now">%s</span>' % today, 1)


def _page(form, path, when, status, html, headers=None):
    return Capture(FORMS[form % 3] + path, when if isinstance(when, str) else ts(when), status,
                   html.encode("utf-8"), dict(headers or {}))


def _home(ctx):
    return [_page(i, "/", t, 200, stamp_date(R.home(ctx), t)) for i, t in enumerate(HOME_TIMES)]


def _feeds(ctx):
    caps = []
    bad = {("elections", 2): (503, -2), ("covid", 3): (404, -1), ("environment", 1): (503, 50)}
    for fi, feed in enumerate(C.OUR_FEEDS):
        for p in range(1, len(ctx.feeds[feed]) + 1):
            path = ctx.feed_path(feed, p)
            first = FEED_START[feed] + timedelta(days=10 * p, minutes=17 * p)
            times = [ts(first), ts(first + timedelta(hours=5)), ts(first + timedelta(days=40))]
            for j, t in enumerate(times):
                caps.append(_page(fi + p + j, path, t, 200, stamp_date(R.feed_page(ctx, feed, p), t)))
            if (feed, p) in bad:
                status, days = bad[(feed, p)]
                html = R.not_found(ctx) if status == 404 else \
                    "<html><body><h1>503 Service Unavailable</h1></body></html>"
                caps.append(_page(fi + p, path, first + timedelta(days=days), status, html))
    caps.append(_page(0, ctx.feed_path("other"), "20210301040506", 200,
                      stamp_date(R.feed_page(ctx, "other", 1), "20210301040506")))
    return caps


def _article_html(ctx, a):
    if a["layout"] == "current":
        return R.current_article(ctx, a)
    return R.legacy_article(ctx, a)


def edited_earlier(a):
    """The EDITED article as first captured: another title, one paragraph fewer."""
    return {**a, "title": EDITED_OLD_TITLE, "paragraphs": a["paragraphs"][:-1]}


def _article(ctx, i, a):
    """Captures of one article (index i in C.ARTICLES)."""
    published = a["published"] - UTC_OFFSET
    first = max(published, datetime(2021, 1, 4)) + timedelta(
        days=1 + i % 5, hours=(7 * i) % 24, minutes=(13 * i) % 60, seconds=(29 * i) % 60)
    headers = {"Content-Type": "text/html"} if a["var"].get("no_charset") else {}
    html = _article_html(ctx, a)
    if a["key"] == EDITED:
        return [_page(i, a["path"], first, 200, _article_html(ctx, edited_earlier(a)), headers),
                _page(i + 1, a["path"], first + timedelta(days=60), 200, html, headers)]
    if a.get("redirect_from"):
        moved = "<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently</h1></body></html>"
        return [_page(i, a["redirect_from"], first, 301, moved, {"Location": C.SITE + a["path"]}),
                _page(i + 1, a["path"], first + timedelta(days=1), 200, html, headers)]
    caps = [_page(i, a["path"], first, 200, html, headers)]
    if a["var"].get("retry_500"):
        caps.insert(0, _page(i + 2, a["path"], first - timedelta(days=3), 500,
                             "<html><body><h1>500 Internal Server Error</h1></body></html>"))
    if a["key"] in TWICE_SAME:
        caps.append(_page(i + 1, a["path"], first + timedelta(days=30), 200, html, headers))
    return caps


def _specials(ctx):
    dead = R.not_found(ctx)
    return [_page(0, C.FAULT_URLS["dead"], "20210215081500", 404, dead),
            _page(2, C.FAULT_URLS["dead"], "20210615081500", 404, dead),
            _page(1, C.FAULT_URLS["gallery"], "20210220101010", 200, R.gallery(ctx))]


def build_captures():
    """Every capture, sorted by urlkey then timestamp (the CDX order)."""
    ctx = Ctx()
    caps = _home(ctx) + _feeds(ctx) + _specials(ctx)
    for i, a in enumerate(C.ARTICLES):
        if a["feeds"] and a["key"] != NEVER_CAPTURED:
            caps += _article(ctx, i, a)
    caps.sort(key=lambda c: (c.urlkey, c.timestamp, c.original))
    seen = set()
    for c in caps:
        assert (c.urlkey, c.timestamp) not in seen and c.timestamp.startswith("2021"), c
        seen.add((c.urlkey, c.timestamp))
    return caps


CAPTURES = build_captures()
