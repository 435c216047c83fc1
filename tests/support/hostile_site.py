"""A hostile copy of the site for the tests: every way a page or a server can try to fool, flood or
make the crawler lose an article (docs/security.md). Its own code: it imports nothing of scraper/,
pipelines/ or datasette_kinhtedothi/, only the loopback server and request handler every fake shares
(kinhtedothi/sample_site/loopback.py).

Three feeds (crawled with --feed-url):

* ``/su-kien/1/hostile.html``: the articles below; its next link points to another host;
* ``/su-kien/2/endless.html?page=N``: pagination that only changes a query parameter, every page
  listing the same article;
* ``/su-kien/3/growing.html?p=N``: endless too, each page listing one new (missing) article.

Articles: a redirect to another host (whose page claims a real article's canonical URL), bad UTF-8
bytes, control characters, a 0-byte answer until ``fix_empty()``, a truncated answer, a date in the
year 9999 UTC, an HTML bomb (a small gzip that inflates past any newspaper page), a connection dropped
before any answer, a page of 9 MiB. Every other answer is gzip-compressed.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from time import sleep

from kinhtedothi.sample_site.loopback import FakeHandler, LoopbackServer, RequestLog

SITE = "https://kinhtedothi.vn"
BAD_BYTES = 5
BOMB_BYTES = 40 * 1024 * 1024
HOLD = 0.02  # seconds each answer is held

ARTICLES = {  # path -> (title, published, body); see the cases above
    "/bai-that-1002.html": ("Bài thật về Hà Nội", "13-01-2021 20:36", "Nội dung thật của bài báo."),
    "/byte-loi-1003.html": ("Hà Nội đón mưa lớn", "14-01-2021 08:00", "Mưa lớn kéo dài ở Hà Nội{bad} suốt đêm."),
    "/ky-tu-dieu-khien-1004.html": ("Hà\x01 Nội\x08 họp\x1b báo\x7f", "15-01-2021 09:00",
                                    "Đoạn\x0b văn\x00 có\x9f ký tự\x1f điều khiển."),
    "/rong-1005.html": ("Bài từng trả về rỗng", "16-01-2021 10:00", "Nội dung đến lần sau."),
    "/ngay-9999-1006.html": ("Bài có ngày năm 9999", "9999-12-31T23:30:00+00:00", "Ngày đăng không thể lưu."),
}
REDIRECT = "/chuyen-huong-1001.html"
TRUNCATED = "/cat-ngang-1008.html"
BOMB = "/bom-1007.html"
RESET = "/ngat-ket-noi-1009.html"
HUGE = "/rat-lon-1010.html"  # 9 MiB, not compressed: past DOWNLOAD_MAXSIZE
FEED_1 = "/su-kien/1/hostile.html"
FEED_2 = "/su-kien/2/endless.html"
FEED_3 = "/su-kien/3/growing.html"


def article_html(path: str, title: str, published: str, body: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="{SITE}{path}"></head><body>'
            f'<div class="breadcump"><a href="/">Trang chủ</a><a href="/xa-hoi">Xã hội</a></div>'
            f'<h1 class="title_detail_news">{title}</h1><div class="time_detail_news">{published}</div>'
            f'<div class="sapo_detail">Tóm tắt bài {title}.</div>'
            f'<div id="cotent_detail"><p>{body}</p></div><div class="name_author">Phóng viên</div></body></html>')


def listing_html(links: list[str], next_href: str | None, page: int = 1) -> str:
    items = "".join(f'<h3><a href="{href}">Bài {i}</a></h3>' for i, href in enumerate(links, 1))
    paging = f'<a class="active" href="#">{page}</a>' + (f'<a href="{next_href}">{page + 1}</a>' if next_href else "")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Dòng sự kiện</title></head><body>'
            f'<div class="pkg">{items}</div><div class="paging">{paging}</div></body></html>')


@lru_cache(maxsize=1)
def bomb() -> bytes:
    """A gzip body of about 40 KB that inflates to BOMB_BYTES of HTML."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = article_html(BOMB, "Bom", "17-01-2021 11:00", "").encode().split(b"<p>")[0] + b"<p>"
    chunk = b"a" * (1024 * 1024)
    parts = [compressor.compress(head)]
    for _ in range(BOMB_BYTES // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts)


class HostileState(RequestLog):
    def __init__(self) -> None:
        super().__init__()
        self.empty_fixed = False
        self.elsewhere_url = ""  # the other host's base URL

    @property
    def max_in_flight(self) -> int:
        """The most requests this site was answering at once."""
        with self.lock:
            return self.most_in_flight.get("all", 0)


class HostileHandler(FakeHandler[HostileState]):
    allowed = ("GET",)

    def send_response(self, code: int, message: str | None = None) -> None:
        sleep(HOLD)  # a held answer: a second request sent meanwhile would be counted in flight
        super().send_response(code, message)  # logged, out of flight, then answered

    def send(self, status: int, body: bytes, content_type="text/html; charset=utf-8", compress=True, headers=()):
        self.reply(status, body, content_type, headers, compress=compress)

    def answer(self) -> None:
        path, query = self.url_path, self.query
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == FEED_1:
            links = [REDIRECT, *ARTICLES, TRUNCATED, BOMB, RESET, HUGE]
            return self.send(200, listing_html(links, self.state.elsewhere_url + "/su-kien/1/trang-2.html").encode())
        if path == FEED_2:
            page = int(query.get("page", ["1"])[0])
            return self.send(200, listing_html(["/bai-that-1002.html"], f"{FEED_2}?page={page + 1}", page).encode())
        if path == FEED_3:
            page = int(query.get("p", ["1"])[0])
            return self.send(200, listing_html([f"/bai-moi-{50000 + page}.html"], f"{FEED_3}?p={page + 1}",
                                               page).encode())
        if path == RESET:  # the connection dropped before any answer
            self.close_connection = True
            return
        if path == HUGE:
            body = article_html(path, "Bài khổng lồ", "19-01-2021 13:00", "chữ " * (9 * 1024 * 1024 // 6)).encode()
            return self.send(200, body, compress=False)
        if path == REDIRECT:
            return self.send(302, b"", compress=False,
                             headers=[("Location", self.state.elsewhere_url + "/gia-1001.html")])
        if path == "/rong-1005.html" and not self.state.empty_fixed:
            return self.send(200, b"", compress=False)
        if path == TRUNCATED:
            body = article_html(path, "Bài bị cắt", "18-01-2021 12:00", "Câu dài " * 500).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.close_connection = True
            return
        if path == BOMB:  # already gzip: sent as it is, with its Content-Encoding
            return self.send(200, bomb(), compress=False, headers=[("Content-Encoding", "gzip")])
        if path in ARTICLES:
            title, published, text = ARTICLES[path]
            html = article_html(path, title, published, text)
            body = html.encode("utf-8")
            if "{bad}" in html:
                left, right = body.split(b"{bad}")
                body = left + b" \xff\xfe \xc3 \xa0\x80" + right  # five byte sequences that are not UTF-8
            return self.send(200, body)
        return self.send(404, b"<html><body>Not found</body></html>")


class ElsewhereHandler(FakeHandler[RequestLog]):
    """Another host: a page that claims to be a real article of the site."""

    allowed = ("GET",)

    def answer(self) -> None:
        body = article_html("/bai-that-1002.html", "Bài giả mạo", "13-01-2021 20:36", "Nội dung giả.").encode()
        self.reply(200, body, "text/html; charset=utf-8")


class HostileSite(LoopbackServer[HostileState]):
    """The hostile site and the other host, both on loopback; ``elsewhere.requests`` should stay empty."""

    thread_name = "hostile-site"

    def __init__(self):
        super().__init__(HostileState(), HostileHandler)
        self.elsewhere = LoopbackServer(RequestLog(), ElsewhereHandler)

    @property
    def state(self) -> HostileState:
        return self._state

    def start(self):
        self.elsewhere.start()
        self._state.elsewhere_url = self.elsewhere.url
        return super().start()

    def stop(self):
        super().stop()
        self.elsewhere.stop()

    def fix_empty(self):
        with self._state.lock:
            self._state.empty_fixed = True

    def feed_urls(self) -> list[str]:
        return [SITE + FEED_1, SITE + FEED_2, SITE + FEED_3]


class BuggyPipeline:
    """An item pipeline with a bug (raises on one article): a run must not lose that article silently.
    Enabled in a test with -s ITEM_PIPELINES=…"""

    def process_item(self, item, spider=None):
        if "bai-that-1002" in (getattr(item, "fetched_url", "") or ""):
            raise RuntimeError("a bug in a pipeline")
        return item
