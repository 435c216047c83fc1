"""What every fake server shares: a threaded HTTP server on loopback, its request log, and one
request handler (FakeHandler) that answers, logs and counts requests the same way for all of them.

A fake is three small things:

* a state (a RequestLog subclass): whatever its handler threads share, beside the lock, the log
  and the requests in flight;
* a handler (a FakeHandler subclass): ``answer()`` routes ``self.url_path`` / ``self.query`` and
  answers with ``self.reply(...)`` (or ``self.reply_range(...)``);
* a LoopbackServer (or a subclass) running that handler over that state in a background thread.

The request log (``LoopbackServer.requests``) holds one dict per request: ``method``, ``path``
(with its query), ``status`` (None when no answer was sent), ``time`` (its arrival, ``time.time()``),
``user_agent``, ``range`` (the Range header or None) and ``in_flight`` (how many other requests of
its kind were being answered when it arrived). An entry is written before the answer's status line
leaves, so the log is complete when the client sees the answer, and a request stops counting as in
flight at that moment too: a client that waits for each answer never overlaps two requests.
"""
from __future__ import annotations

import gzip
import re
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, Self, TypeVar, Union, cast
from urllib.parse import parse_qs, urlsplit

HTML = "text/html; charset=utf-8"
Headers = Union[Mapping[str, str], Iterable[tuple[str, str]]]
Answer = tuple[int, dict[str, str], Union[bytes, str]]  # (status, headers, body): what a fake's router returns
RANGE_RE = re.compile(r"^bytes=(\d+)-(\d+)$")
# How often an idle server looks whether it was told to stop: ``stop()`` waits up to this long
# (socketserver's default, 0.5 s, made every fake a test started cost half a second to stop).
POLL_INTERVAL = 0.02


class RequestLog:
    """The lock, the request log and the in-flight counters one server's handler threads share.

    ``in_flight[kind]``: requests of that kind being answered now; ``most_in_flight[kind]``: the most
    ever answered at once. ``kinds`` start at 0 (others appear when first seen)."""

    def __init__(self, kinds: Iterable[str] = ()) -> None:
        self.lock = threading.Lock()
        self.log: list[dict[str, Any]] = []
        self.in_flight: dict[str, int] = {k: 0 for k in kinds}
        self.most_in_flight: dict[str, int] = {k: 0 for k in kinds}

    def enter(self, kind: str) -> int:
        """A request of ``kind`` arrives: how many others of its kind were being answered."""
        with self.lock:
            before = self.in_flight.get(kind, 0)
            self.in_flight[kind] = before + 1
            self.most_in_flight[kind] = max(self.most_in_flight.get(kind, 0), before + 1)
            return before

    def leave(self, kind: str, entry: dict[str, Any]) -> None:
        """A request of ``kind`` is answered: out of flight, into the log (in one step)."""
        with self.lock:
            self.in_flight[kind] -= 1
            self.log.append(entry)


S = TypeVar("S", bound=RequestLog)


class LoopbackHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the fake's ``state``; quiet about clients that hang up."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], state: RequestLog) -> None:
        super().__init__(address, handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a crawler's timeout) is expected here: say nothing of it."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def ranged(blob: bytes, range_header: str | None, content_type: str = "application/octet-stream") -> Answer:
    """The answer to a GET of ``blob`` with this Range header: 200 (no Range), 206 with the bytes
    ``bytes=a-b`` asks for (``b`` cut to the end), or 416 (a range past the end or not understood)."""
    if not range_header:
        return 200, {"Content-Type": content_type}, blob
    match = RANGE_RE.match(range_header)
    start, end = (int(match.group(1)), int(match.group(2))) if match else (len(blob), 0)
    if start >= len(blob) or end < start:
        return 416, {"Content-Range": "bytes */%d" % len(blob)}, b""
    end = min(end, len(blob) - 1)
    return 206, {"Content-Type": content_type, "Content-Range": "bytes %d-%d/%d" % (start, end, len(blob))}, \
        blob[start:end + 1]


class FakeHandler(BaseHTTPRequestHandler, Generic[S]):
    """One request of a fake server. Subclasses write ``answer()`` and may set:

    ``allowed``: methods answered (others: 405 with ``Allow``, logged); ``default_type``: the
    Content-Type of ``reply`` when none is given; ``kind()``: the in-flight class of this request
    (None: not counted)."""

    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: an answer leaves as two writes (the headers, then the body); with Nagle's algorithm on,
    # the body of every keep-alive answer waited for the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True
    allowed: ClassVar[tuple[str, ...]] = ("GET", "HEAD")
    default_type: ClassVar[str] = HTML
    server: LoopbackHTTPServer

    _kind: str | None = None
    _entry: dict[str, Any] | None = None  # the log entry of the request being answered, until it is logged

    # -- what a subclass writes ---------------------------------------------------------------
    def answer(self) -> None:
        """Answer the request (``self.reply``…). An exception answers 500 (a bug in the fake)."""
        self.reply(404, "<html><body>Not found</body></html>")

    def kind(self) -> str | None:
        """The class of requests counted in flight together; None: not counted."""
        return "all"

    # -- what it reads ------------------------------------------------------------------------
    @property
    def state(self) -> S:
        """The state the server's handler threads share."""
        return cast(S, self.server.state)

    @property
    def url_path(self) -> str:
        """The request's path without its query."""
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The request's query string, parsed (``parse_qs``)."""
        return parse_qs(urlsplit(self.path).query)

    # -- how it answers -----------------------------------------------------------------------
    def reply(self, status: int, body: bytes | str = b"", content_type: str | None = None, headers: Headers = (),
              compress: bool = False) -> None:
        """Send a whole answer: status, Content-Type (``default_type`` unless given; ``""``: none),
        the headers, Content-Length, the body (gzip-compressed with Content-Encoding if ``compress``
        and the body is not empty; not sent to a HEAD)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        compress = compress and bool(data)
        if compress:
            data = gzip.compress(data, 6)
        self.send_response(status)
        content_type = self.default_type if content_type is None else content_type
        if content_type:
            self.send_header("Content-Type", content_type)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def reply_answer(self, answer: Answer) -> None:
        """Send a router's (status, headers, body); its Content-Type header, if any, is the type."""
        status, headers, body = answer
        headers = dict(headers)
        self.reply(status, body, headers.pop("Content-Type", ""), headers)

    def reply_range(self, blob: bytes, content_type: str = "application/octet-stream") -> None:
        """Answer the request's Range header (see ``ranged``)."""
        self.reply_answer(ranged(blob, self.headers.get("Range"), content_type))

    def send_response(self, code: int, message: str | None = None) -> None:
        """The status line goes: the request is logged and out of flight first."""
        self._logged(code)
        super().send_response(code, message)

    # -- the request's life ---------------------------------------------------------------------
    def _handle(self) -> None:
        if self.command not in self.allowed:
            return self._not_allowed()
        self._kind = self.kind()
        in_flight = self.state.enter(self._kind) if self._kind is not None else 0
        self._entry = {"method": self.command, "path": self.path, "status": None, "time": time.time(),
                       "user_agent": self.headers.get("User-Agent"), "range": self.headers.get("Range"),
                       "in_flight": in_flight}
        try:
            self.answer()
        except Exception:
            if self._entry is None:  # the answer had begun: nothing sensible can follow it
                raise
            self.reply(500, "internal error", "text/plain")
        finally:
            self._logged(None)  # an answer never sent (a dropped connection) is logged too

    def _logged(self, status: int | None) -> None:
        entry, self._entry = self._entry, None
        if entry is None:
            return
        entry["status"] = status
        if self._kind is None:
            with self.state.lock:
                self.state.log.append(entry)
        else:
            self.state.leave(self._kind, entry)

    def _not_allowed(self) -> None:
        self._kind = None
        self._entry = {"method": self.command, "path": self.path, "status": None, "time": time.time(),
                       "user_agent": self.headers.get("User-Agent"), "range": self.headers.get("Range"),
                       "in_flight": 0}
        self.close_connection = True
        self.reply(405, b"", "", [("Allow", ", ".join(self.allowed)), ("Connection", "close")])

    def do_GET(self) -> None:  # noqa: N802 - the names BaseHTTPRequestHandler calls
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


class LoopbackServer(Generic[S]):
    """Serves ``handler`` over ``state`` in a background thread; the handler finds it as ``self.state``."""

    thread_name = "loopback"

    def __init__(self, state: S, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self._state: S = state
        self._handler = handler
        self._host, self._port = host, port
        self._httpd: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        host, port = self._httpd.server_address[:2]
        return "http://%s:%d" % (str(host), int(port))

    @property
    def port(self) -> int | None:
        return int(self._httpd.server_address[1]) if self._httpd else None

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Snapshot (a new list) of the request log (see the module docstring)."""
        with self._state.lock:
            return list(self._state.log)

    def clear_requests(self) -> None:
        with self._state.lock:
            self._state.log.clear()

    def make_server(self) -> LoopbackHTTPServer:
        return LoopbackHTTPServer((self._host, self._port), self._handler, self._state)

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._httpd = self.make_server()
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": POLL_INTERVAL},
                                        name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
