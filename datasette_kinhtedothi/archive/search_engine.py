"""The search page run: the matching articles once, then the count, the facets and one page of results.

All on one read-only connection (``Database.execute_fn``): the ids of the
matching articles go into a temporary table, ``temp.kt_hits``; the count, the
facets and the page read that table instead of running the search again.
Every statement runs under the server's SQL time limit.

Ranking (``sort=relevance``): first the articles with the phrase as typed in the
headline, then in the lead, then anywhere else; then those with the words apart;
within each group by bm25 with column weights (headline 10, lead 4, tags and
people 3, body and captions 1).

What a search asks is built in ``search_query``, a page is read in ``search_rows``, and a huge result is
read from the index alone in ``search_huge``.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

from datasette.utils import sqlite_timelimit

from datasette_kinhtedothi.archive import search_groups, search_huge, search_sample
from datasette_kinhtedothi.archive.search_query import (
    DENSE, Query, and_narrowing, date_page_sql, folded_expression, match_sql, narrowing_of, relevance_tiers,
    split_query)
from datasette_kinhtedothi.archive.search_rows import Laps, count_facets, page_articles, ranked_ids
from datasette_kinhtedothi.archive.search_state import SearchState

FACET_SAMPLE = 5_000    # about how many matching articles the facets of a huge result count


def run(conn, state: SearchState, tables: set[str], limit: int, offset: int, time_limit_ms: int,
        facets: bool = True) -> dict:
    """Count, facets and one page of articles (``limit`` 0: all of them, for exports)."""
    with hits_table(conn):
        return _run(conn, state, tables, limit, offset, time_limit_ms, facets)


@contextmanager
def hits_table(conn):
    """``temp.kt_hits``, emptied before and after; the implicit transaction its writes open is always ended,
    or the connection would keep reading the snapshot of that moment and miss what a crawl writes later."""
    try:
        conn.execute("create temp table if not exists kt_hits (id integer primary key)")
        conn.execute("delete from temp.kt_hits")
        yield
    finally:
        if conn.in_transaction:
            conn.rollback()


def _run(conn, state: SearchState, tables: set[str], limit: int, offset: int, time_limit_ms: int,
         facets: bool) -> dict:
    with sqlite_timelimit(conn, time_limit_ms):
        laps = Laps()
        narrowed = narrowing_of(conn, state, tables)
        index_only, expression = search_huge.index_only(state, tables, narrowed) if limit else (False, None)
        if index_only and search_sample.count(conn, expression, search_sample.LAZY) > search_sample.LAZY:
            found = search_huge.from_index(conn, state, tables, narrowed, expression, limit, offset, facets, laps)
            if found is not None:
                return found
        spelled = search_huge.exact_alone(state, tables, narrowed) if limit else None
        lazy = search_sample.LAZY
        if spelled and search_sample.count(conn, spelled, lazy, "articles_fts_exact") > lazy:
            found = search_huge.exact_from_index(conn, state, tables, spelled, limit, offset, facets, laps)
            if found is not None:
                return found
        sql, params = match_sql(state, tables, conn, narrowed)
        conn.execute(sql, params)
        count = conn.execute("select count(*) from temp.kt_hits").fetchone()[0]
        laps.lap("match")
        facet_rows, estimated = {}, False
        if facets:
            every = 1 if count <= DENSE else math.ceil(count / FACET_SAMPLE)
            hits = "temp.kt_hits"
            if every > 1:  # a huge result: count one article in `every` (ids spread evenly) and scale
                search_sample.empty_sample(conn)
                conn.execute("insert into temp.kt_sample select id from temp.kt_hits where id % ? = 0", [every])
                hits = "temp.kt_sample"
            facet_rows = count_facets(conn, tables, hits, every)
            estimated = every > 1
            laps.lap("facets")
        query = split_query(state.q, tables) if state.q else None
        phrase_count = None
        if query and query.general and not state.exact:
            fields = folded_expression(Query("", query.fields)) if query.fields else None
            phrase_count = search_groups.split(conn, query.general, and_narrowing(fields, narrowed.expression))
        laps.lap("phrase")
        pages = max(1, -(-count // limit)) if limit else 1
        offset = min(offset, (pages - 1) * limit) if limit else offset   # past the last page: the last page
        tiers = relevance_tiers(state, tables, narrowed.expression)
        if tiers:   # the phrase's tiers come first: the groups are in order already
            ids = ranked_ids(conn, tiers, offset + limit if limit else count)[offset:]
        elif phrase_count and phrase_count < count:
            def page_of(table: str, size: int, take: int, skip: int) -> list[int]:
                return [r[0] for r in conn.execute(date_page_sql(state, size, table),
                                                   {"limit": take, "offset": skip}).fetchall()]
            ids = search_groups.grouped_page([phrase_count, count - phrase_count], limit or count, offset, page_of)
        else:
            params = {"limit": limit if limit else -1, "offset": offset}
            ids = [row[0] for row in conn.execute(date_page_sql(state, count), params).fetchall()]
        phrase_ids = set()
        if phrase_count and ids:
            marks = ", ".join("?" for _ in ids)
            phrase_ids = {r[0] for r in conn.execute(f"select id from temp.kt_phrase where id in ({marks})", ids)}
        spellings = search_groups.spellings(conn, query.general, phrase_count, "articles_fts_exact" in tables,
                                            count) if query and query.general and not state.exact and limit else []
        laps.lap("page")
        articles = page_articles(conn, tables, ids, phrase_ids if phrase_count else None)
        laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": estimated,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1 if limit else 1,
            "pages": pages, "phrase_count": phrase_count, "phrase_estimated": False, "spellings": spellings,
            "timings": laps.ms}
