"""A huge result read from the search index alone (``search_sample``), without copying the ids of every match:
a folded search whose filters are all in its full-text query, ranked or sorted by date, and an exact
spelling alone. ``search_engine`` asks here first; None or False sends it to the copied ids."""

from __future__ import annotations

import re

from datasette_kinhtedothi.archive import matches, search_groups, search_sample
from datasette_kinhtedothi.archive.search_query import (
    DATES, DENSE, Narrowing, Query, and_narrowing, filters, folded_expression, relevance_tiers, split_query)
from datasette_kinhtedothi.archive.search_rows import Laps, count_facets, page_articles, ranked_ids
from datasette_kinhtedothi.archive.search_state import SearchState
from datasette_kinhtedothi.vi_search import exact_match, fts_match, phrase_match
from kinhtedothi.vocab import narrowing


def index_only(state: SearchState, tables: set[str], narrowed: Narrowing) -> tuple[bool, str | None]:
    """(True, the folded-index expression holding the whole search, None for every article) when the index alone
    can answer this page (``search_sample``): no exact spelling, every filter in the full-text query (a date sort
    then walks the articles in date order: ``_date_walk``; without search nor filter, every article by date);
    (False, None) otherwise."""
    if state.exact or filters(state, tables, {}, narrowed.handled):
        return False, None
    if not state.q:
        return narrowed.expression is None, None
    expression = and_narrowing(folded_expression(split_query(state.q, tables)), narrowed.expression)
    if not expression or expression == '""':
        return False, None
    return True, expression


def exact_alone(state: SearchState, tables: set[str], narrowed: Narrowing) -> str | None:
    """The exact index's expression of an exact spelling with no filter nor field (what ``exact_from_index``
    answers); None for any other search."""
    if not state.exact or "articles_fts_exact" not in tables:
        return None
    query = split_query(state.q, tables)
    if not query.general or query.fields or narrowed.expression or filters(state, tables, {}, narrowed.handled):
        return None
    return exact_match(query.general)


def from_index(conn, state: SearchState, tables: set[str], narrowed: Narrowing, expression: str | None,
               limit: int, offset: int, facets: bool, laps: Laps) -> dict | None:
    """A huge result whose filters are all in its full-text query, from the index alone (``search_sample``):
    exact total, facets and the phrase's count on a sample of buckets (≈), the page ranked from the index, or
    by date from a walk of the articles in date order (None when that walk finds no full page: ``search_engine``
    copies the ids instead)."""
    count = search_sample.count(conn, expression)
    pages = max(1, -(-count // limit))
    offset = min(offset, (pages - 1) * limit)
    query = split_query(state.q, tables) if state.q else None
    phrase = None
    if query and query.general and matches.query_words(query.general):
        fields = folded_expression(Query("", query.fields)) if query.fields else None
        phrase = and_narrowing(and_narrowing(fts_match(query.general, 2), fields), narrowed.expression)
    tiers = relevance_tiers(state, tables, narrowed.expression)
    dated = None
    if not tiers and expression is not None:   # a search sorted by date
        dated = _date_walk(conn, state, tables, narrowed, expression, phrase, offset + limit)
        if dated is None:
            return None
    laps.lap("match")
    buckets = search_sample.buckets_for(count, search_sample.SAMPLE)
    every = search_sample.scale(buckets)
    facet_rows = {}
    if facets:
        search_sample.fill_sample(conn, expression, buckets)
        facet_rows = count_facets(conn, tables, "temp.kt_sample", every)
    laps.lap("facets")
    phrase_count = search_sample.phrase_estimate(conn, phrase, buckets, count) if phrase else None
    laps.lap("phrase")
    if tiers:
        ids = ranked_ids(conn, tiers, offset + limit, in_hits=False)[offset:]
    elif dated is not None:
        ids = dated[offset:]
    else:   # every article, by date
        direction = "asc" if state.sort == "oldest" else "desc"
        ids = [r[0] for r in conn.execute(
            f"select id from articles order by published_at {direction}, id {direction} limit ? offset ?",
            [limit, offset])]
    phrase_ids = search_sample.with_phrase(conn, phrase, ids) if phrase else set()
    spellings = []
    source = phrase if phrase and phrase_count else expression
    if query and query.general and matches.is_unmarked(query.general) and source:
        sample = search_sample.first_ids(conn, source, search_groups.SPELLING_SAMPLE)
        spellings = search_groups.spellings(conn, query.general, phrase_count, "articles_fts_exact" in tables,
                                            count, sample_ids=sample)
    laps.lap("page")
    articles = page_articles(conn, tables, ids, phrase_ids if phrase_count else None)
    laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": bool(facets) and every > 1,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1,
            "pages": pages, "phrase_count": phrase_count, "phrase_estimated": phrase_count is not None and every > 1,
            "spellings": spellings, "timings": laps.ms}


def _first_month(conn, tables: set[str], expression: str, direction: str, low: str | None, high: str | None
                 ) -> str | None:
    """Where a walk in date order can start: newest first, the first day after the newest month with a match
    (``published_at <`` it); oldest first, the oldest such month (``>=``); found by asking the index year by
    year, then month by month (its narrowing words). None when it cannot say: no kept year counts, or some
    article's ``published_at`` sorts where no month word reaches (a missing date, oldest first; a value that is
    no date, newest first). ``low`` and ``high``: the dates chosen (``SearchState.bounds``), outside which no
    year nor month is asked about."""
    outside = "published_at >= ':'" if direction == "desc" else "published_at is null or published_at < '0'"
    if "facet_counts" not in tables or conn.execute(f"select 1 from articles where {outside} limit 1").fetchone():
        return None
    years = sorted((r[0] for r in conn.execute("select value from facet_counts where facet = 'year' and n > 0")
                    if (not low or r[0] >= low[:4]) and (not high or r[0] <= high[:4])), reverse=direction == "desc")

    def any_in(word: str) -> bool:
        return conn.execute("select 1 from articles_fts where articles_fts match ? limit 1",
                            [f'({expression}) AND {{{narrowing.COLUMN}}}: "{word}"']).fetchone() is not None

    year = next((y for y in years if re.fullmatch(r"\d{4}", y) and any_in(narrowing.PREFIX["year"] + y)), None)
    if year is None:
        return None
    months = [m for m in (range(12, 0, -1) if direction == "desc" else range(1, 13))
              if (not low or f"{year}-{m:02d}" >= low[:7]) and (not high or f"{year}-{m:02d}" <= high[:7])]
    month = next((m for m in months if any_in(f"{narrowing.PREFIX['month']}{year}{m:02d}")), None)
    if month is None:
        return None
    if direction == "asc":
        return f"{year}-{month:02d}"
    return f"{int(year) + 1:04d}-01" if month == 12 else f"{year}-{month + 1:02d}"


def _date_walk(conn, state: SearchState, tables: set[str], narrowed: Narrowing, expression: str, phrase: str | None,
               need: int, spelled: str | None = None) -> list[int] | None:
    """The first ``need`` matches in the page's date order, those with the phrase first (as the copied ids give
    them: ``search_groups.grouped_page``), from a walk of the articles in date order within the dates chosen
    (``search_sample.date_walk``); None when the walk finds no full page. ``spelled``: the matches are those of
    this exact-index expression (``expression``, folded, only says where the walk may start; empty: from the
    end)."""
    direction = "asc" if state.sort == "oldest" else "desc"
    low, high = state.bounds if DATES in narrowed.handled else (None, None)
    where, params = [], {}
    if low:
        where.append("published_at >= :low")
        params["low"] = low
    if high:
        where.append("published_at < :high")
        params["high"] = high
    start = _first_month(conn, tables, expression, direction, low, high) if expression else None
    if start:   # no match before it in the walk's order: start there (newest first, the undated come last)
        where.append("(published_at < :start or published_at is null)" if direction == "desc"
                     else "published_at >= :start")
        params["start"] = start
    walk_sql = (f"select id from articles{' where ' + ' and '.join(where) if where else ''} "
                f"order by published_at {direction}, id {direction}")
    if spelled:
        return search_sample.date_walk(conn, [spelled], walk_sql, params, need, table="articles_fts_exact")
    groups = [f"({phrase}) AND ({expression})", f"({expression}) NOT ({phrase})"] if phrase else [expression]
    return search_sample.date_walk(conn, groups, walk_sql, params, need)


def exact_from_index(conn, state: SearchState, tables: set[str], spelled: str, limit: int, offset: int,
                     facets: bool, laps: Laps) -> dict | None:
    """A huge result of an exact spelling alone: its count and a sample of its ids in one pass over its index
    (``search_sample.exact_scan``, no copy of every id), the facets counted on the sample (≈), the page ranked
    from the index, or by date from a walk (None when the walk finds no full page)."""
    count, kept = search_sample.exact_scan(conn, spelled)
    pages = max(1, -(-count // limit))
    offset = min(offset, (pages - 1) * limit)
    dated = None
    if state.sort != "relevance":   # the spelling folded, as one phrase, finds every article it finds, and more
        folded = phrase_match(split_query(state.q, tables).general)
        dated = _date_walk(conn, state, tables, Narrowing(), "" if folded == '""' else folded, None, offset + limit,
                           spelled=spelled)
        if dated is None:
            return None
    laps.lap("match")
    every = search_sample.exact_every(count, DENSE, search_sample.SAMPLE)
    facet_rows = {}
    if facets:
        search_sample.fill_ids(conn, [i for i in kept if i % every == 0])
        facet_rows = count_facets(conn, tables, "temp.kt_sample", every)
    laps.lap("facets")
    laps.lap("phrase")   # an exact spelling has no phrase count
    if dated is not None:
        ids = dated[offset:]
    else:
        ids = ranked_ids(conn, relevance_tiers(state, tables) or [], offset + limit, in_hits=False)[offset:]
    laps.lap("page")
    articles = page_articles(conn, tables, ids, None)
    laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": bool(facets) and every > 1,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1,
            "pages": pages, "phrase_count": None, "phrase_estimated": False, "spellings": [],
            "timings": laps.ms}
