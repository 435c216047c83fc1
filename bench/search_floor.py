"""What a search page's relevance ranking costs on an archive, tier by tier, beside what FTS5 needs at the least.

    .venv/bin/python bench/search_floor.py bench/out/archive-1m.db
    .venv/bin/python bench/search_floor.py ARCHIVE.db --query "bau cu" --narrowed

For each query (the search page's own tiers, ``search_query.relevance_tiers``: the phrase in the headline,
in the lead, anywhere, then the words apart; ``--narrowed``: to the Covid-19 event and 2021, as
``bench/search_bench.py`` narrows), in one process, best of ``--runs``:

* **phrase alone**: ``count(*)`` of the tier's phrase by itself (``{title}: "bau cu"``): FTS5 reading the
  positions of every article with all the words, the least any ranking that tells the tiers apart pays;
* **tier match**: ``count(*)`` of the tier's whole expression (the phrase, the words, the narrowing);
* **tier ranked**: the tier's 20 best by bm25, as the page asks (bm25 first counts, for every phrase of the
  expression, the articles of the whole index holding it);
* **page**: ``search_rows.ranked_ids``, the tiers in turn until 20 are found (what "rank page" in
  ``timings_ms`` measures).

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasette_kinhtedothi.archive import search_query, search_rows  # noqa: E402
from datasette_kinhtedothi.archive.search_state import SearchState  # noqa: E402

QUERIES = ("bầu cử", "giãn cách xã hội", "dang bo")
NARROWED = {"start": date(2021, 1, 1), "end": date(2021, 12, 31), "chosen": {"event": ["dai-dich-covid-19"]}}
TIER_NAMES = ("headline", "lead", "anywhere", "words apart")


def best_ms(conn: sqlite3.Connection, runs: int, sql: str, params: list) -> tuple[float, list]:
    """The fastest of ``runs`` runs of one statement, in ms, with its rows."""
    best, rows = float("inf"), []
    for _ in range(runs):
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        best = min(best, time.perf_counter() - started)
    return best * 1000, rows


def phrase_of(expression: str) -> str | None:
    """The tier's phrase by itself: its first parenthesised part (``({title}: ("bau cu"))``), None for the
    words-apart tier."""
    found = re.match(r'^\((\{\w+\}: \("[^"]*"\)|"[^"]*")\) AND ', expression)
    return found.group(1) if found else None


def measure(conn: sqlite3.Connection, tables: set[str], q: str, narrowed: bool, runs: int) -> list[str]:
    state = SearchState(pairs=[], q=q, sort="relevance", **(NARROWED if narrowed else {}))
    narrowing = search_query.narrowing_of(conn, state, tables)
    tiers = search_query.relevance_tiers(state, tables, narrowing.expression) or []
    lines = []
    for name, (table, expression) in zip(TIER_NAMES, tiers):
        phrase = phrase_of(expression)
        alone = best_ms(conn, runs, f"select count(*) from {table} where {table} match ?", [phrase])[0] \
            if phrase else None
        match_ms, rows = best_ms(conn, runs, f"select count(*) from {table} where {table} match ?", [expression])
        ranked_ms = best_ms(conn, runs, f"select rowid from {table} where {table} match ? order by "
                                        f"bm25({table}, {search_rows.WEIGHTS}) limit 20", [expression])[0]
        lines.append(f"| {q}{' (narrowed)' if narrowed else ''} | {name} | {rows[0][0]:,} | "
                     f"{'–' if alone is None else f'{alone:.0f}'} | {match_ms:.0f} | {ranked_ms:.0f} |")
    started = time.perf_counter()
    for _ in range(runs):
        search_rows.ranked_ids(conn, tiers, 20, in_hits=False)
    lines.append(f"| {q}{' (narrowed)' if narrowed else ''} | **page** (tiers until 20) | | | | "
                 f"{(time.perf_counter() - started) * 1000 / runs:.0f} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path, help="an archive (bench/out/archive-1m.db)")
    parser.add_argument("--query", action="append", help="a search (repeatable; default: three of the benchmark's)")
    parser.add_argument("--narrowed", action="store_true", help="also each query narrowed to an event and 2021")
    parser.add_argument("--runs", type=int, default=3, help="runs of each statement (the best is shown)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing")
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    tables = {r[0] for r in conn.execute("select name from sqlite_master")}
    tables |= {f"articles_fts.{r[1]}" for r in conn.execute("pragma table_info(articles_fts)")}
    print("| search | tier | matches | phrase alone (ms) | tier match (ms) | tier ranked (ms) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for q in args.query or QUERIES:
        for narrowed in (False, True) if args.narrowed else (False,):
            print("\n".join(measure(conn, tables, q, narrowed, args.runs)), flush=True)


if __name__ == "__main__":
    main()
