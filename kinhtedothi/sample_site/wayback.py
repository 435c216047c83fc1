"""A fake Wayback Machine on loopback, holding captures of the sample legacy pages.

    from kinhtedothi.sample_site import FakeWayback
    with FakeWayback() as wb:
        wb.url + "/cdx/search/cdx?url=kinhtedothi.vn/&output=json"
        wb.url + "/web/20210510013000id_/https://kinhtedothi.vn/"

Endpoints (the real shapes): ``/cdx/search/cdx`` (see wayback_cdx) and
``/web/<timestamp>id_/<original url>`` (raw capture: original status, bytes
and Content-Type / Location; another timestamp of a captured URL -> 302 to the
nearest capture; a URL never captured -> 404).  Every replayed capture carries
a ``Memento-Datetime`` header; a "not in archive" 404 does not.

Politeness testing (``throttle=True``): the 2nd and 3rd CDX requests and the
5th capture request this server ever receives are answered 429 (no
Retry-After).  ``.throttled`` lists their paths.
"""
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit, parse_qs

from .loopback import Answer, FakeHandler, LoopbackServer, RequestLog
from .wayback_cdx import cdx_answer
from .wayback_data import CAPTURES, Capture, surt

CAPTURE_RE = re.compile(r"^/web/(\d{1,14})([a-z]{2}_)?/(.+)$", re.S)
THROTTLE_CDX = (2, 3)      # n-th CDX request answered 429
THROTTLE_CAPTURE = (5,)    # n-th capture request answered 429
NOT_IN_ARCHIVE = b"<html><body><p>Wayback Machine doesn't have that page archived.</p></body></html>"


def _when(timestamp):
    """A timestamp (any prefix of YYYYMMDDhhmmss) as a datetime, missing digits from 19700101000000."""
    return datetime.strptime(timestamp + "19700101000000"[len(timestamp):], "%Y%m%d%H%M%S")


class _Archive(RequestLog):
    """Captures, request log and throttle counters shared by the handler threads."""

    def __init__(self, captures, throttle):
        super().__init__(kinds=("cdx", "capture"))
        self.captures = list(captures)
        self.by_key: dict[str, list[Capture]] = {}
        for c in self.captures:
            self.by_key.setdefault(c.urlkey, []).append(c)
        self.throttle = throttle
        self.throttled: list[str] = []
        self.counts = {"cdx": 0, "capture": 0}
        self.page_size = None  # rows per CDX answer at most (a resume key then says where to go on)

    def _throttled(self, kind, path):
        """Count this request; True when it is one to answer 429."""
        with self.lock:
            self.counts[kind] += 1
            n = self.counts[kind]
            hit = self.throttle and n in (THROTTLE_CDX if kind == "cdx" else THROTTLE_CAPTURE)
            if hit:
                self.throttled.append(path)
            return hit

    def route(self, raw_path: str) -> Answer:
        """-> (status, headers dict, body bytes)."""
        path = urlsplit(raw_path).path
        if path in ("/cdx/search/cdx", "/cdx/search/cdx/"):
            if self._throttled("cdx", raw_path):
                return 429, {"Content-Type": "text/html"}, b""
            query = parse_qs(urlsplit(raw_path).query)
            if self.page_size and int((query.get("limit") or ["0"])[-1] or 0) not in range(1, self.page_size + 1):
                query["limit"] = [str(self.page_size)]  # the server's own cap, as the real one has
            status, ctype, text = cdx_answer(self.captures, query)
            return status, {"Content-Type": ctype}, text.encode("utf-8")
        m = CAPTURE_RE.match(raw_path)
        if m:
            if self._throttled("capture", raw_path):
                return 429, {"Content-Type": "text/html"}, b""
            return self.replay(m.group(1), m.group(2) or "", m.group(3))
        return 404, {"Content-Type": "text/html"}, NOT_IN_ARCHIVE

    def replay(self, timestamp: str, flag: str, original: str) -> Answer:
        """A raw capture, a 302 to the nearest capture of the URL, or 404."""
        original = re.sub(r"^(https?):/+", r"\1://", original)
        caps = self.by_key.get(surt(original), [])
        if not caps:
            return 404, {"Content-Type": "text/html"}, NOT_IN_ARCHIVE
        exact = [c for c in caps if c.timestamp == timestamp]
        if not exact:
            want = _when(timestamp)
            best = min(caps, key=lambda c: (abs((_when(c.timestamp) - want).total_seconds()), c.timestamp))
            return 302, {"Location": "/web/%s%s/%s" % (best.timestamp, flag, best.original),
                         "Content-Type": "text/plain; charset=utf-8"}, b""
        cap = exact[0]
        headers = {"Content-Type": cap.content_type(),
                   "Memento-Datetime": format_datetime(_when(cap.timestamp).replace(tzinfo=timezone.utc), usegmt=True)}
        if "Location" in cap.headers:
            headers["Location"] = cap.headers["Location"]
        return cap.status, headers, cap.body


class _Handler(FakeHandler[_Archive]):
    def kind(self) -> str | None:
        """CDX queries and captures are counted in flight apart."""
        return "cdx" if self.path.startswith("/cdx/") else "capture" if self.path.startswith("/web/") else None

    def answer(self) -> None:
        self.reply_answer(self.state.route(self.path))


class FakeWayback(LoopbackServer[_Archive]):
    """The fake archive on 127.0.0.1 (see the module docstring).

    >>> with FakeWayback() as wb:
    ...     wb.url              # 'http://127.0.0.1:54321'
    """

    thread_name = "fake-wayback"

    def __init__(self, port=0, host="127.0.0.1", throttle=True, captures=None, page_size=None):
        self._archive = _Archive(CAPTURES if captures is None else captures, throttle)
        self._archive.page_size = page_size  # e.g. 2: every CDX answer longer than that is cut, with a resume key
        super().__init__(self._archive, _Handler, host, port)

    @property
    def most_in_flight(self):
        """{"cdx": n, "capture": n}: the most requests of each kind this server was answering at once."""
        with self._archive.lock:
            return dict(self._archive.most_in_flight)

    @property
    def captures(self):
        """The captures held (wayback_data.Capture objects, CDX order)."""
        return list(self._archive.captures)

    @property
    def throttled(self):
        """Paths of the requests answered 429, in order."""
        with self._archive.lock:
            return list(self._archive.throttled)
