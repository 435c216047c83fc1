"""A gate for the expensive requests (searches, SQL, the chart): a few at a time, a bounded wait.

Datasette runs every query on a small pool of threads (three by default), and the search functions
are Python, which holds the interpreter while it runs. Without a gate, a handful of visitors sending
long searches or SQL in a loop occupy every thread, and a plain article page waits behind them. With
it, at most MAX_EXPENSIVE such requests run at once; the next ones wait up to WAIT_SECONDS for a turn,
then get 503 with Retry-After. Pages a reader opens without choosing SQL (home, lists and their own
filters, articles) never wait here; ``is_expensive`` says which do.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

MAX_EXPENSIVE = 2          # searches / SQL running at once, per server process
WAIT_SECONDS = 10.0        # longest wait for a turn before 503
RETRY_AFTER = "5"          # seconds, told to a client turned away
PAGE_SIZE = 100            # a longer page (``_size=max``) is a heavy answer
# Arguments that run SQL a visitor chose: searches (the list's ``_search`` is ``_kt_search`` once renamed, see
# archive/list_search.py), SQL, a WHERE clause, a sort, facets, a streamed export.
EXPENSIVE_ARGS = {"q", "exact", "term", "_search", "_kt_search", "_exact", "sql", "_where", "_sort", "_sort_desc",
                  "_sortdesc", "_facet", "_stream"}
EXPENSIVE_PREFIXES = ("_search_", "_facet_", "_sort")
# What an ordinary list page may carry without waiting: paging, shape and columns shown, the language, and
# the interface's own filters (indexed: an event, a tag, a person, a section, a byline, a year or month,
# a day range; archive/facet_defs.py's list arguments).
CHEAP_ARGS = {"_next", "_shape", "_labels", "_json", "_nl", "_col", "_nocol", "_nofacet", "_nocount", "_facet_size",
              "_dl", "_header", "_bom", "lang", "_lang", "db", "_event", "_tag", "_person", "_from", "_to", "from",
              "to", "event", "tag", "person", "section", "section__exact", "author", "author__exact",
              "published_at__startswith", "year", "month", "all", "_context"}
ALWAYS = ("/-/chart", "/-/export.csv")   # our own pages that run the search functions or many rows


def is_expensive(path: str, query_string: bytes, canned: frozenset[str] = frozenset()) -> bool:
    """A request that runs SQL a visitor chose (or our heaviest pages): it waits for a turn at the gate.

    Expensive: the chart and the CSV export; any search, SQL, ``_where``, sort, facet or streamed CSV; a
    page longer than PAGE_SIZE rows; a ready-made query (``canned``: ``/<database>/<query>`` paths, whose
    SQL may read the whole archive); on Datasette's own pages, any argument that is not paging, shape,
    language or the interface's own filters (a column filter such as ``body_text__contains`` scans the
    table). Our other pages under ``/-/`` run only their own bounded SQL."""
    if path in ALWAYS or path.split(".")[0] in canned:
        return True
    if not query_string:
        return False
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    keys = {k for k, _ in pairs}
    if keys & EXPENSIVE_ARGS or any(k.startswith(EXPENSIVE_PREFIXES) and k != "_facet_size" for k in keys):
        return True
    if any(k == "_size" and not (v.isdigit() and int(v) <= PAGE_SIZE) for k, v in pairs):
        return True
    return not path.startswith("/-/") and bool(keys - CHEAP_ARGS - {"_size"})


def canned_paths(datasette) -> frozenset[str]:
    """``/<database>/<query>`` of every ready-made query in the metadata (asked once, at start)."""
    paths = set()
    for name in datasette.databases:
        for query in datasette.metadata("queries", database=name, fallback=False) or {}:
            paths.add(f"/{name}/{query}")
    return frozenset(paths)


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
