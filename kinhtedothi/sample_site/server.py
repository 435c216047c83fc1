"""A loopback HTTP server for the site slice, with per-instance fault state."""
import re
import time
from datetime import timedelta
from typing import Any

from . import content as C
from . import render as R
from .loopback import Answer, FakeHandler, LoopbackServer, RequestLog
from .render_parts import Ctx
from .render_tag import TAG_PAGE, tag_page
from . import server_current

FEED_RE = re.compile(r"^/su-kien/(\d+)/([a-z0-9-]+)(?:/trang-(\d+))?\.html$")


def fault_urls(event_ids=None, paging="path"):
    """FAULT_URLS for a site served with these event ids / paging style."""
    ctx = Ctx(event_ids, paging)
    urls = dict(C.FAULT_URLS)
    urls["retry_503_feed_page"] = ctx.feed_path(*C.RETRY_503_FEED)
    return urls


class _Site(RequestLog):
    """Routing and fault state, shared by the handler threads of one server."""

    def __init__(self, event_ids, paging, generation="legacy"):
        super().__init__()
        if generation not in ("legacy", "current"):
            raise ValueError("generation must be 'legacy' or 'current'")
        self.generation = generation
        self.ctx = Ctx(event_ids, paging)
        self.hits: dict[Any, int] = {}
        # Changes a test can make to the live copy (SampleSite.edit_article and friends).
        self.edits = {}        # path -> overriding article fields
        self.removed = {}      # path -> status (404 or 410)
        self.published = {}    # path -> new article dict
        self.layout = None     # None, or "unknown": article pages in a template no parser knows
        self.slow = {}         # path -> (seconds, how many more answers are that slow)
        self.failing = {}      # path -> (status, how many more answers are that error)

    def count(self, key):
        with self.lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def feed_for(self, fid, slug):
        for feed, (_, s, *_rest) in C.EVENTS.items():
            if self.ctx.event_ids[feed] == fid and s == slug:
                return feed
        return None

    def route(self, path: str, query: dict[str, list[str]]) -> Answer:
        """-> (status, headers dict, body str) for a path and its parsed query."""
        self.stall(path)
        ctx = self.ctx
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, R.ROBOTS
        if self.generation == "current":
            return server_current.route(path, query, self.not_found, self.layout)
        if path in ("/", "/index.html"):
            return 200, {}, R.home(ctx)
        if path == TAG_PAGE:
            return 200, {}, tag_page(ctx)
        m = FEED_RE.match(path)
        if m:
            feed = self.feed_for(int(m.group(1)), m.group(2))
            if feed is None:
                return self.not_found()
            page = 1
            if m.group(3):
                if ctx.paging != "path":
                    return self.not_found()
                page = int(m.group(3))
                if page < 2:
                    return self.not_found()
            elif ctx.paging == "query" and "page" in query:
                try:
                    page = int(query["page"][0])
                except ValueError:
                    return self.not_found()
            if not 1 <= page <= len(ctx.feeds[feed]):
                return self.not_found()
            if (feed, page) == C.RETRY_503_FEED and self.count(("503", feed, page)) == 1:
                return 503, {"Retry-After": "1"}, "<html><body><h1>503 Service Unavailable</h1></body></html>"
            return 200, {}, R.feed_page(ctx, feed, page)
        if path in ("/du-lich/su-kien/", "/du-lich/su-kien"):
            return 200, {}, R.lookalike(ctx)
        if path in C.REDIRECTS:
            return 301, {"Location": C.REDIRECTS[path]}, ""
        if path == C.FAULT_URLS["gallery"]:
            return 200, {}, R.gallery(ctx)
        if path.startswith("/tim-kiem/"):
            return 200, {}, R.search_page(ctx)
        a = C.BY_PATH.get(path) or self.published.get(path)
        if a is None:
            return self.not_found()
        if path in self.removed:
            status = self.removed[path]
            return status, {}, R.not_found(self.ctx)
        failure = self.fail_once(path)
        if failure:
            return failure, {}, "<html><body><h1>%d Service Unavailable</h1></body></html>" % failure
        if path in self.edits:
            a = {**a, **self.edits[path]}
        if a["var"].get("retry_500") and self.count(("500", path)) <= 2:
            return 500, {}, "<html><body><h1>500 Internal Server Error</h1></body></html>"
        if a["layout"] == "current":
            return 200, {}, R.current_article(ctx, a)
        headers = {"Content-Type": "text/html"} if a["var"].get("no_charset") else {}
        html = R.legacy_article(ctx, a)
        return 200, headers, unknown_layout(html) if self.layout == "unknown" else html

    def stall(self, path):
        """Answer slowly where a test asked for it (a server that hangs)."""
        with self.lock:
            seconds, times = self.slow.get(path, (0, 0))
            if times:
                self.slow[path] = (seconds, times - 1)
        if times:
            time.sleep(seconds)

    def not_found(self):
        return 404, {}, R.not_found(self.ctx)

    def fail_once(self, path):
        """The error status to answer this time, while a test's failures last (SampleSite.fail_article)."""
        with self.lock:
            status, times = self.failing.get(path, (0, 0))
            if times:
                self.failing[path] = (status, times - 1)
        return status if times else None


# A redesign nobody's parser knows yet: the same content under new class names, no articleBody.
UNKNOWN_LAYOUT = {"title_detail_news": "story__headline", "cotent_detail": "story-content",
                  "time_detail_news": "story__time", "sapo_detail": "story__lead", "name_author": "story__byline",
                  "tag_detail": "story__tags", "picture": "story-figure"}


def unknown_layout(html):
    """Rename the legacy template's classes and ids (what a CMS redesign does)."""
    for old, new in UNKNOWN_LAYOUT.items():
        html = re.sub(r'(class|id)="%s"' % old, r'\1="%s"' % new, html)
        html = re.sub(r'(class|id)="%s ' % old, r'\1="%s ' % new, html)
    return html


class _Handler(FakeHandler[_Site]):
    def answer(self) -> None:
        status, headers, body = self.state.route(self.url_path, self.query)
        headers = dict(headers)
        self.reply(status, body, headers.pop("Content-Type", None), headers)


class SampleSite(LoopbackServer[_Site]):
    """The site slice on 127.0.0.1.

    >>> with SampleSite() as site:
    ...     site.url            # 'http://127.0.0.1:54321'

    ``generation="current"`` serves the site as it is today instead (current_data): home page
    without the bar, tag pages with cards and JSON paging, current-layout articles, legacy
    addresses answering 301, the search endpoint. The Wayback copy (FakeWayback) keeps the
    legacy pages of the same stories.
    """

    thread_name = "sample-site"

    def __init__(self, port=0, event_ids=None, paging="path", host="127.0.0.1", generation="legacy"):
        self._site = _Site(event_ids, paging, generation)
        self.generation = generation
        super().__init__(self._site, _Handler, host, port)
        self.event_ids = dict(self._site.ctx.event_ids)
        self.paging = paging
        self.fault_urls = fault_urls(event_ids, paging)

    def reset_faults(self):
        with self._site.lock:
            self._site.hits.clear()

    # -- changes to the live copy, as the newsroom makes them ----------------------
    def edit_article(self, path, **fields):
        """Serve an edited version of an article: ``title``, ``sapo``, ``paragraphs``, ``author``…"""
        with self._site.lock:
            self._site.edits[path] = dict(fields)

    def remove_article(self, path, status=404):
        """The article now answers 404 (or 410)."""
        with self._site.lock:
            self._site.removed[path] = status

    def fail_article(self, path, status=503, times=1):
        """The next ``times`` answers for an article are ``status`` (a server in trouble for a while)."""
        with self._site.lock:
            self._site.failing[path] = (status, times)

    def make_slow(self, path, seconds, times=1):
        """The next ``times`` answers for ``path`` come only after ``seconds`` (a hanging server)."""
        with self._site.lock:
            self._site.slow[path] = (seconds, times)

    def set_layout(self, layout):
        """``"unknown"``: legacy article pages (or, on the current half, listing cards) switch to a
        template the parsers do not know."""
        self._site.layout = layout

    def publish_article(self, feed, title, site_id, like="c01"):
        """A new article on top of ``feed`` (a copy of article ``like`` with a new title and id); its path."""
        base = C.BY_KEY[like]
        slug = C.slugify(title)
        when = max(a["published"] for a in C.ARTICLES) + timedelta(days=1 + len(self._site.published))
        article = {**base, "key": "new%d" % site_id, "title": title, "slug": slug, "site_id": site_id,
                   "path": "/%s-%d.html" % (slug, site_id), "feeds": [feed], "published": when,
                   "var": {}, "related": [], "related_mode": None}
        with self._site.lock:
            self._site.published[article["path"]] = article
            extra = list(self._site.published.values())
            self._site.ctx.feeds = {f: C.feed_pages(f, extra) for f in C.EVENTS}
        return article["path"]

    def feed_url(self, feed, page=1):
        """Loopback URL of an event feed page ('elections', 'covid', 'environment', 'other')."""
        return self.url + self._site.ctx.feed_path(feed, page)


def serve_forever(port=8000, host="127.0.0.1", paging="path", event_ids=None, generation="legacy"):
    """Serve in the foreground (command line)."""
    site = SampleSite(port=port, event_ids=event_ids, paging=paging, host=host, generation=generation)
    httpd = site.make_server()
    site._httpd = httpd
    print(site.url, flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
