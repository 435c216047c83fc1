"""A gate for the expensive requests (searches, SQL, the chart): a few at a time, a bounded wait.

Datasette runs every query on a small pool of threads (three by default), and the search functions
are Python, which holds the interpreter while it runs. Without a gate, a handful of visitors sending
long searches or SQL in a loop occupy every thread, and a plain article page waits behind them. With
it, at most MAX_EXPENSIVE such requests run at once; the next ones wait up to WAIT_SECONDS for a turn,
then get 503 with Retry-After. Pages without a search (home, lists, articles) never wait here.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

MAX_EXPENSIVE = 2          # searches / SQL running at once, per server process
WAIT_SECONDS = 10.0        # longest wait for a turn before 503
RETRY_AFTER = "5"          # seconds, told to a client turned away
EXPENSIVE_ARGS = {"q", "exact", "term", "_search", "_kt_search", "_exact", "sql"}


def is_expensive(path: str, query_string: bytes) -> bool:
    """A search, an exact search, SQL, or the chart: the requests that run the search functions."""
    if path == "/-/chart":
        return True
    if not query_string:
        return False
    keys = {k for k, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)}
    return bool(keys & EXPENSIVE_ARGS) or any(k.startswith("_search_") for k in keys)


class Gate:
    """An asyncio semaphore made on first use (inside the server's loop)."""

    def __init__(self, size: int = MAX_EXPENSIVE, wait: float = WAIT_SECONDS):
        self.size, self.wait = size, wait
        self._semaphore: asyncio.Semaphore | None = None

    async def run(self, handler, refuse) -> None:
        """``await handler()`` when a turn comes, ``await refuse()`` if none comes in time."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.size)
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.wait)
        except asyncio.TimeoutError:
            return await refuse()
        try:
            await handler()
        finally:
            self._semaphore.release()


async def send_busy(send) -> None:
    body = b"The archive is busy with other searches: try again in a few seconds.\n"
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", RETRY_AFTER.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
