"""Do the search page's shortcuts for a huge result give the page the copied ids give, on an archive of any size?

    .venv/bin/python bench/search_paths_check.py bench/out/archive-1m.db
    .venv/bin/python bench/search_paths_check.py ARCHIVE.db --query "bau cu" --query "HĐND"

A huge result (more than ``search_sample.LAZY`` matches) is read from the index alone (``search_huge``):
ranked tier by tier, sorted by date from a walk of the articles in date order, or, for an exact spelling
alone, from one pass over its index. For each query this runs the same pages both ways, in one process
(``search_engine.run``): once with ``LAZY`` so high that every id is copied into ``temp.kt_hits`` (the
reference), once as the server runs them, and compares the total, the page's articles in order and which
of them hold the phrase (the facets are sampled on one side, so they are not compared). Pages: ranked,
exact spelling (ranked and newest first), newest and oldest first on pages 1 and 7, newest first in the
Covid-19 event, oldest first in the election event from March to June 2021.

Prints one line a page (equal or not, the matches, both times in ms); exit status 1 when a page differs.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasette_kinhtedothi import vi_search  # noqa: E402
from datasette_kinhtedothi.archive import search_engine, search_sample  # noqa: E402
from datasette_kinhtedothi.archive.search_state import SearchState, read_state  # noqa: E402

QUERIES = ("bầu cử", "giãn cách xã hội", "khóa XV", "vắc xin", "thanh xuan", "HĐND")


def pages_of(q: str) -> list[list[tuple[str, str]]]:
    """The pages compared for one query."""
    pages = [[("q", q)], [("q", q), ("exact", "1")], [("q", q), ("exact", "1"), ("sort", "newest")]]
    pages += [[("q", q), ("sort", sort), ("page", page)] for sort in ("newest", "oldest") for page in ("1", "7")]
    pages += [[("q", q), ("sort", "newest"), ("event", "dai-dich-covid-19")],
              [("q", q), ("sort", "oldest"), ("event", "bau-cu-quoc-hoi-khoa-xv"), ("from", "1/3/2021"),
               ("to", "2021-06-30")]]
    return pages


def answer(conn: sqlite3.Connection, tables: set[str], state: SearchState) -> tuple[tuple, float]:
    """(total, the page's ids, their phrase marks) and the time it took, in ms."""
    started = time.perf_counter()
    found = search_engine.run(conn, state, tables, 20, (state.page - 1) * 20, 60_000)
    took = (time.perf_counter() - started) * 1000
    return (found["count"], [a["id"] for a in found["articles"]], [a["phrase"] for a in found["articles"]]), took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path, help="an archive (bench/out/archive-1m.db)")
    parser.add_argument("--query", action="append", help="a search (repeatable; default: six of the benchmark's)")
    parser.add_argument("--lazy", type=int, default=search_sample.LAZY,
                        help="matches past which the shortcuts are taken (lower it to check them on a small archive)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing")
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.create_function("vi_exact", 2, vi_search.exact)
    tables = {r[0] for r in conn.execute("select name from sqlite_master")}
    tables |= {f"articles_fts.{r[1]}" for r in conn.execute("pragma table_info(articles_fts)")}
    lazy, differ = args.lazy, 0
    search_sample.LAZY = lazy
    for q in args.query or QUERIES:
        for pairs in pages_of(q):
            state = read_state(pairs, "vi")
            try:
                search_sample.LAZY = 10**12
                copied, slow = answer(conn, tables, state)
            finally:
                search_sample.LAZY = lazy
            shortcut, fast = answer(conn, tables, state)
            differ += copied != shortcut
            print(f"{'equal ' if copied == shortcut else 'DIFFER'} {copied[0]:>9,} matches  copied {slow:6.0f} ms  "
                  f"as served {fast:6.0f} ms  {pairs}", flush=True)
    print(f"{differ} page(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
