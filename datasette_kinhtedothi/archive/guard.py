"""The ASGI wrapper round Datasette: only reads are answered (405 otherwise), every answer carries
the security headers (``headers``), list pages take the search state (``list_search.wrap``), and
Datasette's CSV cannot carry a spreadsheet formula (``csv_cells.wrap``)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from datasette_kinhtedothi.archive import csv_cells, failures, list_search
from datasette_kinhtedothi.archive.headers import COMMON_HEADERS, Send, is_strict, with_headers

App = Callable[[dict[str, Any], Any, Send], Awaitable[None]]
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


async def refuse(send: Send) -> None:
    body = b"This archive is read-only: only GET requests are answered.\n"
    await send({"type": "http.response.start", "status": 405,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS"),
                            (b"content-length", str(len(body)).encode()), *COMMON_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def read_only(datasette: Any, app: App) -> App:
    """``app`` answering reads only, with our headers on every HTTP response."""
    guarded = list_search.wrap(datasette, csv_cells.wrap(app))

    async def with_guard(scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        if scope.get("method", "GET") not in READ_METHODS:
            # Nothing here takes a write: no writable canned query, no login, no upload.
            return await refuse(send)
        if failures.has_nul(scope.get("query_string", b"")):
            return await failures.nul_refusal(scope, with_headers(send, False))
        await guarded(scope, receive, with_headers(send, is_strict(scope.get("path", ""))))

    return with_guard
