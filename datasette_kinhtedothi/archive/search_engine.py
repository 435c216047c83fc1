"""The search page's SQL: the matching articles once, then the count, the facets and one page of results.

All on one read-only connection (``Database.execute_fn``): the ids of the
matching articles go into a temporary table, ``temp.kt_hits``; the count, the
facets and the page read that table instead of running the search again.
Every statement runs under the server's SQL time limit.

Ranking (``sort=relevance``): first the articles with the phrase as typed in the
headline, then in the lead, then anywhere else; then those with the words apart;
within each group by bm25 with column weights (headline 10, lead 4, tags and
people 3, body and captions 1).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from datasette.utils import sqlite_timelimit

from datasette_kinhtedothi.archive import matches, search_groups, search_sample
from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS
from datasette_kinhtedothi.archive.search_state import SearchState
from datasette_kinhtedothi.vi_search import exact_match, fts_match, fts_match_in, phrase_match
from kinhtedothi.vocab import narrowing
from kinhtedothi.vocab.dates import parse_day

FIELDS = {"title": "title", "tag": "tags", "author": "people", "caption": "captions"}
# a field prefix applies to everything after it, up to the next prefix: "tag:vắc xin" is the tag "vắc xin"
_FIELD = re.compile(r'(?<!\S)(title|tag|author|caption):', re.IGNORECASE)
# title, sapo, body_text, captions, tags, people, and the narrowing words (no part of a score)
WEIGHTS = "10.0, 4.0, 1.0, 1.0, 3.0, 3.0, 0.0"
ARTICLE_COLUMNS = ("vi_exact",)  # filters that read the articles row itself
EXACT_IN = "a.id in (select rowid from articles_fts_exact where articles_fts_exact match :xfts)"
FACET_INDEX = "idx_articles_id_published_at_section_author"
DENSE = 5_000           # more matches than this: date pages read the date index; facets count a sample
FACET_SAMPLE = 5_000    # about how many matching articles the facets of a huge result count


@dataclass
class Query:
    """A query as typed, split into free text and ``field:`` parts."""

    general: str
    fields: list[tuple[str, str]]

    @property
    def words(self) -> str:
        """Everything to highlight."""
        return " ".join([self.general, *(text for _, text in self.fields)]).strip()


def split_query(q: str, tables: set[str] | None = None) -> Query:
    """Free text and ``field:`` parts; a field the index does not have yet (an archive not yet upgraded:
    ``tables`` lists ``articles_fts.<column>``) is searched as free text."""
    parts = _FIELD.split(q)
    general, fields = [parts[0].strip()], []
    for name, text in zip(parts[1::2], parts[2::2]):
        column = FIELDS[name.lower()]
        if not text.strip():
            continue
        if tables is None or f"articles_fts.{column}" in tables:
            fields.append((column, text.strip()))
        else:
            general.append(text.strip())
    return Query(general=" ".join(g for g in general if g), fields=fields)


def folded_expression(query: Query, include_general: bool = True) -> str | None:
    """FTS5 expression over the folded index, or None when there is nothing to match."""
    parts = []
    if include_general and query.general:
        parts.append(fts_match(query.general))
    parts += [fts_match_in(text, 0, column) for column, text in query.fields]
    if not parts:
        return None
    if any(p == '""' for p in parts):
        return '""'
    return " AND ".join(f"({p})" for p in parts)


# the facets whose values are words of the index's narrowing column (kinhtedothi.vocab.narrowing), by kind; a
# place's word is on the articles naming it or one of its wards (the facet's Link.within), as the tables say
NARROWING_KINDS = {"event": "event", "section": "section", "tag": "tag", "person": "person", "place": "place"}
DATES = "dates"


@dataclass
class Narrowing:
    """The filters of a search answered by the index itself: ``handled`` (facet names, and ``DATES``) and the
    FTS5 expression over the ``narrowing`` column (None when no filter is)."""

    handled: frozenset[str] = frozenset()
    expression: str | None = None


def _archive_days(conn) -> tuple[date, date] | None:
    """The first and last day of publication in the archive (two lookups of the ``published_at`` index)."""
    ends = []
    for sql in ("select published_at from articles where published_at >= '0' order by published_at limit 1",
                "select published_at from articles where published_at < ':' order by published_at desc limit 1"):
        row = conn.execute(sql).fetchone()
        ends.append(parse_day(row[0][:10]) if row else None)
    if ends[0] is None or ends[1] is None:   # none, or not a day of the calendar: the tables answer
        return None
    return ends[0], ends[1]


def narrowing_of(conn, state: SearchState, tables: set[str]) -> Narrowing:
    """Which of the state's filters the index answers (every one, on an archive whose index has the column),
    as one FTS5 expression: each event, tag, person and place must hold, any of the sections, any day of the
    dates."""
    if conn is None or f"articles_fts.{narrowing.COLUMN}" not in tables:
        return Narrowing()
    handled, parts = set(), []
    low, high = state.bounds
    if low or high:
        days = _archive_days(conn)
        if days is not None:
            years = {r[0] for r in conn.execute("select value from facet_counts where facet = 'year' and n > 0")} \
                if "facet_counts" in tables else None
            terms = narrowing.period_terms(low, high, *days, years=years)
            parts.append("(" + " OR ".join(f'"{t}"' for t in terms or [NOTHING]) + ")")
            handled.add(DATES)
    for facet in FACETS:
        values, kind = state.values(facet.name), NARROWING_KINDS.get(facet.name)
        if not values or facet.period or kind is None or (facet.link and facet.link.table not in tables):
            continue
        terms = [f'"{narrowing.term(kind, v)}"' for v in values]
        parts.append(" AND ".join(terms) if facet.link else "(" + " OR ".join(terms) + ")")
        handled.add(facet.name)
    if not parts:
        return Narrowing()
    return Narrowing(frozenset(handled), f"{{{narrowing.COLUMN}}}: ({' AND '.join(parts)})")


NOTHING = narrowing.PREFIX["day"] + "none"   # a word no article has: a date range holding no day


def _filters(state: SearchState, tables: set[str], params: dict, handled: frozenset[str] = frozenset()) -> list[str]:
    """Filters as ``a.id in (…)`` sets read from indexes (dates, facets): no article row is read. ``handled``:
    those the search index answers already (``narrowing_of``)."""
    where = []
    low, high = state.bounds
    dates = []
    if low and DATES not in handled:
        dates.append("published_at >= :low")
        params["low"] = low
    if high and DATES not in handled:
        dates.append("published_at < :high")
        params["high"] = high
    if dates:
        where.append(f"a.id in (select id from articles where {' and '.join(dates)})")
    for facet in FACETS:
        values = state.values(facet.name)
        if not values or facet.period or facet.name in handled:   # a period is a date range: state.bounds
            continue
        keys = [f"f_{facet.name}{i}" for i in range(len(values))]
        params.update(zip(keys, values))
        link = facet.link
        if link and link.table in tables:   # each value must hold
            where += [f"a.id in ({link.articles(key)})" for key in keys]
        elif link and link.without:
            where += [f"a.id in (select a.id from articles a where {link.without.format(key=key)})" for key in keys]
        elif link:                          # an archive without the table: no article holds the value
            where.append("a.id in (select null where 0)")
        elif facet.column:                  # one value per article: any may hold
            marks = ", ".join(f":{key}" for key in keys)
            where.append(f"a.id in (select id from articles where {facet.column} in ({marks}))")
    return where


def _and(expression: str | None, narrow: str | None) -> str | None:
    """A folded-index expression narrowed (``'""'``, which matches nothing, stays as it is)."""
    if not narrow or expression == '""':
        return expression
    return f"({expression}) AND {narrow}" if expression else narrow


def match_sql(state: SearchState, tables: set[str], conn=None, narrowed: Narrowing | None = None) -> tuple[str, dict]:
    """The statement that fills ``temp.kt_hits`` with the ids of every matching article (with ``conn``, the
    filters the index can answer are part of the full-text query)."""
    params: dict = {}
    narrowed = narrowed if narrowed is not None else narrowing_of(conn, state, tables)
    where = _filters(state, tables, params, narrowed.handled)
    query = split_query(state.q, tables)
    if state.q and state.exact and query.general:
        if "articles_fts_exact" in tables:
            where.insert(0, EXACT_IN)
            params["xfts"] = exact_match(query.general)
        else:  # an archive without the diacritics-keeping index: candidates, then the spelling checked
            where.insert(0, "a.id in (select rowid from articles_fts where articles_fts match :pfts) and "
                            "vi_exact(coalesce(a.title, '') || ' ' || coalesce(a.sapo, '') || ' ' || "
                            "coalesce(a.body_text, ''), :xq)")
            params.update(pfts=phrase_match(query.general), xq=query.general)
        expression = folded_expression(query, include_general=False)
    else:
        expression = folded_expression(query) if state.q else None
    expression = _and(expression, narrowed.expression)
    if expression and not any(c in w for w in where for c in ARTICLE_COLUMNS):
        # nothing to read from the articles rows: the ids come from the index alone (no row is touched)
        # "+": a filter on the index's rows, never a constraint FTS5 would answer one rowid at a time
        where = [w.replace("a.id in", "+f.rowid in", 1) for w in where]
        params["fts"] = expression
        return ("insert into temp.kt_hits (id) select f.rowid from articles_fts f where articles_fts match :fts"
                + "".join(" and " + w for w in where)), params
    if not expression and where and where[0] == EXACT_IN and not any(c in w for w in where for c in ARTICLE_COLUMNS):
        # the exact spelling alone: its ids from its index, never a lookup of each article's row
        rest = [w.replace("a.id in", "+f.rowid in", 1) for w in where[1:]]
        return ("insert into temp.kt_hits (id) select f.rowid from articles_fts_exact f "
                "where articles_fts_exact match :xfts" + "".join(" and " + w for w in rest)), params
    if expression:
        where.insert(0, "a.id in (select rowid from articles_fts where articles_fts match :fts)")
        params["fts"] = expression
    return ("insert into temp.kt_hits (id) select a.id from articles a"
            + (" where " + " and ".join(where) if where else "")), params


def date_page_sql(state: SearchState, count: int, hits: str = "temp.kt_hits") -> str:
    """One page by publication date: few matches are sorted after a lookup each; many are read in date order
    from the published_at index, stopping at the page (no sort of every match)."""
    direction = "asc" if state.sort == "oldest" else "desc"
    if count <= DENSE:
        return (f"select h.id from {hits} h cross join articles a on a.id = h.id "
                f"order by a.published_at {direction}, a.id {direction} limit :limit offset :offset")
    return (f"select a.id from articles a where +a.id in (select id from {hits}) "
            f"order by a.published_at {direction}, a.id {direction} limit :limit offset :offset")


def relevance_tiers(state: SearchState, tables: set[str], narrow: str | None = None) -> list[tuple[str, str]] | None:
    """(index, FTS5 expression) for each ranking tier, best first; None when the page sorts by date. ``narrow``:
    the filters the folded index answers, part of each of its tiers (a tier reads only narrowed matches)."""
    query = split_query(state.q, tables)
    if state.sort != "relevance" or not state.q:
        return None
    if state.exact:
        if "articles_fts_exact" in tables and query.general:
            spelled = exact_match(query.general)
            return [("articles_fts_exact", f"{{{column}}}: ({spelled})") for column in ("title", "sapo")] + \
                [("articles_fts_exact", spelled)]
        return None
    expression = _and(folded_expression(query), narrow)
    if not expression:
        return None
    text = query.general or query.words
    tiers = [fts_match_in(text, 2, "title"), fts_match_in(text, 2, "sapo"), fts_match(text, 2), expression]
    out = []
    for tier in tiers:
        combined = expression if tier == expression else f"({tier}) AND ({expression})"
        if tier != '""' and ("articles_fts", combined) not in out:
            out.append(("articles_fts", combined))
    return out


def ranked_ids(conn, tiers: list[tuple[str, str]], need: int, in_hits: bool = True) -> list[int]:
    """The ``need`` best ids: tier after tier (phrase in the headline, in the lead, anywhere, words apart),
    each by bm25, until the page is full; a tier past the page is never scored. ``in_hits`` False: the tiers
    hold every filter already (``search_sample``), no ``temp.kt_hits`` to check."""
    found: dict[int, None] = {}
    hits = " and +f.rowid in (select id from temp.kt_hits)" if in_hits else ""
    for table, expression in tiers:
        weights = WEIGHTS if table == "articles_fts" else "10.0, 4.0, 1.0"
        rows = conn.execute(
            f"select f.rowid from {table} f where {table} match :m{hits} "
            f"order by bm25({table}, {weights}), f.rowid desc limit :k", {"m": expression, "k": need + len(found)})
        for (rowid,) in rows:
            found.setdefault(rowid)
        if len(found) >= need:
            break
    return list(found)[:need]


def _row_columns(tables: set[str]) -> list[str]:
    """The articles columns the facets count from the matching rows (one pass over a covering index)."""
    columns = ["published_at"] + [f.column for f in FACETS if f.column]
    columns += [f.link.without_column for f in FACETS
                if f.link and f.link.table not in tables and f.link.without_column]
    return list(dict.fromkeys(columns))


def facet_sqls(tables: set[str]) -> dict[str, str]:
    """Facet queries over ``{hits}`` (the matches, or a sample of them): one per linked facet, and one pass over
    the matching rows for the periods and the columns."""
    sqls = {}
    for facet in FACETS:
        link = facet.link
        if link and link.table in tables:   # a nested facet counts every value (its page shows them by group)
            sqls[facet.name] = link.count_sql(f"{{hits}} h cross join {link.table} t on t.article_id = h.id",
                                              limit=0 if facet.nesting else facet.size + 1)
    covering = f" indexed by {FACET_INDEX}" if FACET_INDEX in tables else ""
    columns = ", ".join(f"a.{c}" for c in _row_columns(tables))
    sqls["articles"] = f"select {columns} from {{hits}} h cross join articles a{covering} on a.id = h.id"
    return sqls


def _rows(conn, sql: str, params: dict | Sequence[Any] | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _article_facets(rows: list[dict], every: float, tables: set[str]) -> dict[str, list[dict]]:
    """Periods, columns (and a linked facet whose table the archive lacks yet) counted from the matching rows."""
    counters: dict[str, Counter[str]] = {}   # counts of the sample: scaled by ``every`` at the end
    for facet in FACETS:
        if facet.period:
            counters[facet.name] = Counter()
        elif facet.column:
            counters[facet.name] = Counter()
        elif facet.link and facet.link.table not in tables and facet.link.without_column:
            counters[facet.name] = Counter()
    for row in rows:
        published = row["published_at"] or ""
        dated = len(published) >= 7 and published[:4].isdigit() and published[4] == "-"
        for facet in FACETS:
            if facet.name not in counters:
                continue
            if facet.period:
                if dated:
                    counters[facet.name][published[:facet.period]] += 1
                continue
            value = row[facet.column] if facet.column else row[facet.link.without_column]  # type: ignore[union-attr]
            if value:
                counters[facet.name][value] += 1
    out = {}
    for name, counter in counters.items():
        facet = BY_NAME[name]
        if facet.period:   # newest first, every one
            out[name] = [{"value": k, "n": round(v * every)} for k, v in sorted(counter.items(), reverse=True)]
        else:
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:facet.size + 1]
            out[name] = [{"value": k, "n": round(v * every)} for k, v in ranked]
    return out


ARTICLE_SQL = """
select a.id, a.title, a.sapo, a.body_text, a.author, a.published_at, a.section, a.url,
  (select group_concat(coalesce(e.name, ae.event_slug), ' | ') from article_events ae
     left join events e on e.slug = ae.event_slug where ae.article_id = a.id) as events,
  (select group_concat(tag, ' | ') from article_tags where article_id = a.id) as tags,
  (select group_concat(caption, char(31)) from images where article_id = a.id and caption <> '') as captions
  {people}
from articles a where a.id in ({marks})
"""
PEOPLE_SQL = ", (select group_concat(name, char(31)) from article_authors where article_id = a.id) as people"


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


def _index_only(state: SearchState, tables: set[str], narrowed: Narrowing) -> tuple[bool, str | None]:
    """(True, the folded-index expression holding the whole search, None for every article) when the index alone
    can answer this page (``search_sample``): no exact spelling, every filter in the full-text query (a date sort
    then walks the articles in date order: ``_date_walk``; without search nor filter, every article by date);
    (False, None) otherwise."""
    if state.exact or _filters(state, tables, {}, narrowed.handled):
        return False, None
    if not state.q:
        return narrowed.expression is None, None
    expression = _and(folded_expression(split_query(state.q, tables)), narrowed.expression)
    if not expression or expression == '""':
        return False, None
    return True, expression


class Laps:
    """How long each step of a page took, one after the other, in ms (``timings_ms`` of ``/-/search.json``)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        """The time since the last lap (or the start) is ``step``'s."""
        now = time.perf_counter()
        self.ms[step] = round((now - self._last) * 1000, 1)
        self._last = now


def _exact_alone(state: SearchState, tables: set[str], narrowed: Narrowing) -> str | None:
    """The exact index's expression of an exact spelling with no filter nor field, ranked by relevance (what
    ``_run_exact_from_index`` answers); None for any other search."""
    if not state.exact or state.sort != "relevance" or "articles_fts_exact" not in tables:
        return None
    query = split_query(state.q, tables)
    if not query.general or query.fields or narrowed.expression or _filters(state, tables, {}, narrowed.handled):
        return None
    return exact_match(query.general)


def _run(conn, state: SearchState, tables: set[str], limit: int, offset: int, time_limit_ms: int,
         facets: bool) -> dict:
    with sqlite_timelimit(conn, time_limit_ms):
        laps = Laps()
        narrowed = narrowing_of(conn, state, tables)
        index_only, expression = _index_only(state, tables, narrowed) if limit else (False, None)
        if index_only and search_sample.count(conn, expression, search_sample.LAZY) > search_sample.LAZY:
            found = _run_from_index(conn, state, tables, narrowed, expression, limit, offset, facets, laps)
            if found is not None:
                return found
        spelled = _exact_alone(state, tables, narrowed) if limit else None
        if spelled and search_sample.exact_count(conn, spelled, search_sample.LAZY) > search_sample.LAZY:
            return _run_exact_from_index(conn, state, tables, spelled, limit, offset, facets, laps)
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
            facet_rows = _count_facets(conn, tables, hits, every)
            estimated = every > 1
            laps.lap("facets")
        query = split_query(state.q, tables) if state.q else None
        phrase_count = None
        if query and query.general and not state.exact:
            fields = folded_expression(Query("", query.fields)) if query.fields else None
            phrase_count = search_groups.split(conn, query.general, _and(fields, narrowed.expression))
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
        articles = _articles(conn, tables, ids, phrase_ids if phrase_count else None)
        laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": estimated,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1 if limit else 1,
            "pages": pages, "phrase_count": phrase_count, "phrase_estimated": False, "spellings": spellings,
            "timings": laps.ms}


def _run_from_index(conn, state: SearchState, tables: set[str], narrowed: Narrowing, expression: str | None,
                    limit: int, offset: int, facets: bool, laps: Laps) -> dict | None:
    """A huge result whose filters are all in its full-text query, from the index alone (``search_sample``):
    exact total, facets and the phrase's count on a sample of buckets (≈), the page ranked from the index, or
    by date from a walk of the articles in date order (None when that walk finds no full page: ``_run`` copies
    the ids instead)."""
    count = search_sample.count(conn, expression)
    pages = max(1, -(-count // limit))
    offset = min(offset, (pages - 1) * limit)
    query = split_query(state.q, tables) if state.q else None
    phrase = None
    if query and query.general and matches.query_words(query.general):
        fields = folded_expression(Query("", query.fields)) if query.fields else None
        phrase = _and(_and(fts_match(query.general, 2), fields), narrowed.expression)
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
        facet_rows = _count_facets(conn, tables, "temp.kt_sample", every)
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
    articles = _articles(conn, tables, ids, phrase_ids if phrase_count else None)
    laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": bool(facets) and every > 1,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1,
            "pages": pages, "phrase_count": phrase_count, "phrase_estimated": phrase_count is not None and every > 1,
            "spellings": spellings, "timings": laps.ms}


def _first_month(conn, tables: set[str], expression: str, direction: str) -> str | None:
    """Where a walk in date order can start: newest first, the first day after the newest month with a match
    (``published_at <`` it); oldest first, the oldest such month (``>=``); found by asking the index year by
    year, then month by month (its narrowing words). None when it cannot say: no kept year counts, or some
    article's ``published_at`` sorts where no month word reaches (a missing date, oldest first; a value that is
    no date, newest first)."""
    outside = "published_at >= ':'" if direction == "desc" else "published_at is null or published_at < '0'"
    if "facet_counts" not in tables or conn.execute(f"select 1 from articles where {outside} limit 1").fetchone():
        return None
    years = sorted((r[0] for r in conn.execute("select value from facet_counts where facet = 'year' and n > 0")),
                   reverse=direction == "desc")

    def any_in(word: str) -> bool:
        return conn.execute("select 1 from articles_fts where articles_fts match ? limit 1",
                            [f'({expression}) AND {{{narrowing.COLUMN}}}: "{word}"']).fetchone() is not None

    year = next((y for y in years if re.fullmatch(r"\d{4}", y) and any_in(narrowing.PREFIX["year"] + y)), None)
    if year is None:
        return None
    months = range(12, 0, -1) if direction == "desc" else range(1, 13)
    month = next((m for m in months if any_in(f"{narrowing.PREFIX['month']}{year}{m:02d}")), None)
    if month is None:
        return None
    if direction == "asc":
        return f"{year}-{month:02d}"
    return f"{int(year) + 1:04d}-01" if month == 12 else f"{year}-{month + 1:02d}"


def _date_walk(conn, state: SearchState, tables: set[str], narrowed: Narrowing, expression: str, phrase: str | None,
               need: int) -> list[int] | None:
    """The first ``need`` matches in the page's date order, those with the phrase first (as the copied ids give
    them: ``search_groups.grouped_page``), from a walk of the articles in date order within the dates chosen
    (``search_sample.date_walk``); None when the walk finds no full page."""
    direction = "asc" if state.sort == "oldest" else "desc"
    low, high = state.bounds if DATES in narrowed.handled else (None, None)
    where, params = [], {}
    if low:
        where.append("published_at >= :low")
        params["low"] = low
    if high:
        where.append("published_at < :high")
        params["high"] = high
    start = _first_month(conn, tables, expression, direction)
    if start:   # no match before it in the walk's order: start there
        where.append("published_at < :start" if direction == "desc" else "published_at >= :start")
        params["start"] = start
    walk_sql = (f"select id from articles{' where ' + ' and '.join(where) if where else ''} "
                f"order by published_at {direction}, id {direction}")
    groups = [f"({phrase}) AND ({expression})", f"({expression}) NOT ({phrase})"] if phrase else [expression]
    return search_sample.date_walk(conn, groups, walk_sql, params, need)


def _run_exact_from_index(conn, state: SearchState, tables: set[str], spelled: str, limit: int, offset: int,
                          facets: bool, laps: Laps) -> dict:
    """A huge result of an exact spelling alone: its count and a sample of its ids in one pass over its index
    (``search_sample.exact_scan``, no copy of every id), the facets counted on the sample (≈), the page ranked
    from the index."""
    count, kept = search_sample.exact_scan(conn, spelled)
    laps.lap("match")
    every = search_sample.exact_every(count, DENSE, search_sample.SAMPLE)
    facet_rows = {}
    if facets:
        search_sample.fill_ids(conn, [i for i in kept if i % every == 0])
        facet_rows = _count_facets(conn, tables, "temp.kt_sample", every)
    laps.lap("facets")
    laps.lap("phrase")   # an exact spelling has no phrase count
    pages = max(1, -(-count // limit))
    offset = min(offset, (pages - 1) * limit)
    ids = ranked_ids(conn, relevance_tiers(state, tables) or [], offset + limit, in_hits=False)[offset:]
    laps.lap("page")
    articles = _articles(conn, tables, ids, None)
    laps.lap("rows")
    return {"count": count, "facets": facet_rows, "facets_estimated": bool(facets) and every > 1,
            "articles": [articles[i] for i in ids if i in articles], "page": offset // limit + 1,
            "pages": pages, "phrase_count": None, "phrase_estimated": False, "spellings": [],
            "timings": laps.ms}


def _count_facets(conn, tables: set[str], hits: str, every: float) -> dict[str, list[dict]]:
    """Every facet counted over ``hits`` (the matches, or one in ``every`` of them), scaled by ``every``."""
    facet_rows = {}
    for name, facet_sql in facet_sqls(tables).items():
        rows = _rows(conn, facet_sql.format(hits=hits))
        facet_rows[name] = rows if name == "articles" else [dict(r, n=round(r["n"] * every)) for r in rows]
    facet_rows.update(_article_facets(facet_rows.pop("articles"), every, tables))
    return facet_rows


def _articles(conn, tables: set[str], ids: list[int], phrase_ids: set[int] | None) -> dict[int, dict]:
    """The page's articles with their events, tags, captions and people; ``phrase``: whether each holds the
    phrase (None when the query is no phrase)."""
    articles = {}
    people = PEOPLE_SQL if "article_authors" in tables else ""
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for row in _rows(conn, ARTICLE_SQL.format(marks=", ".join("?" for _ in part), people=people), part):
            row["phrase"] = row["id"] in phrase_ids if phrase_ids is not None else None
            articles[row["id"]] = row
    return articles
