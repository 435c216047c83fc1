"""The search page's SQL: the matching articles once, then the count, the facets and one page of results.

All on one read-only connection (``Database.execute_fn``): the ids of the
matching articles go into a temporary table, ``temp.kt_hits``; the count, the
six facets and the page read that table instead of running the search again.
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
from typing import Any, Sequence

from datasette.utils import sqlite_timelimit

from datasette_kinhtedothi.archive import places_facet
from datasette_kinhtedothi.archive.search_state import SearchState
from datasette_kinhtedothi.vi_search import exact_match, fts_match, fts_match_in, phrase_match

FIELDS = {"title": "title", "tag": "tags", "author": "people", "caption": "captions"}
# a field prefix applies to everything after it, up to the next prefix: "tag:vắc xin" is the tag "vắc xin"
_FIELD = re.compile(r'(?<!\S)(title|tag|author|caption):', re.IGNORECASE)
WEIGHTS = "10.0, 4.0, 1.0, 1.0, 3.0, 3.0"   # title, sapo, body_text, captions, tags, people
ARTICLE_COLUMNS = ("vi_exact",)  # filters that read the articles row itself
FACET_INDEX = "idx_articles_id_published_at_section_author"
DENSE = 5_000           # more matches than this: date pages read the date index; facets count a sample
FACET_SAMPLE = 5_000    # about how many matching articles the facets of a huge result count
FACET_SIZE = {"event": 10, "tag": 15, "person": 15, "section": 12}


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


def _filters(state: SearchState, tables: set[str], params: dict) -> list[str]:
    """Filters as ``a.id in (…)`` sets read from indexes (dates, sections, bylines): no article row is read."""
    where = []
    low, high = state.bounds
    dates = []
    if low:
        dates.append("published_at >= :low")
        params["low"] = low
    if high:
        dates.append("published_at < :high")
        params["high"] = high
    if dates:
        where.append(f"a.id in (select id from articles where {' and '.join(dates)})")
    for i, slug in enumerate(state.events):
        where.append(f"a.id in (select article_id from article_events where event_slug = :event{i})")
        params[f"event{i}"] = slug
    for i, tag in enumerate(state.tags):
        where.append(f"a.id in (select article_id from article_tags where tag = :tag{i})")
        params[f"tag{i}"] = tag
    for i, person in enumerate(state.people):
        if "article_authors" in tables:
            where.append(f"a.id in (select article_id from article_authors where name = :person{i})")
        else:  # no people table yet: the byline, split at " - " as printed
            where.append(f"a.id in (select id from articles where author = :person{i} or "
                         f"instr(' - ' || author || ' - ', ' - ' || :person{i} || ' - ') > 0)")
        params[f"person{i}"] = person
    if state.places:
        where += places_facet.filters(state.places, params)
    if state.sections:
        marks = ", ".join(f":section{i}" for i in range(len(state.sections)))
        where.append(f"a.id in (select id from articles where section in ({marks}))")
        params.update({f"section{i}": s for i, s in enumerate(state.sections)})
    return where


def match_sql(state: SearchState, tables: set[str]) -> tuple[str, dict]:
    """The statement that fills ``temp.kt_hits`` with the ids of every matching article."""
    params: dict = {}
    where = _filters(state, tables, params)
    query = split_query(state.q, tables)
    if state.q and state.exact and query.general:
        if "articles_fts_exact" in tables:
            where.insert(0, "a.id in (select rowid from articles_fts_exact where articles_fts_exact match :xfts)")
            params["xfts"] = exact_match(query.general)
        else:  # an archive without the diacritics-keeping index: candidates, then the spelling checked
            where.insert(0, "a.id in (select rowid from articles_fts where articles_fts match :pfts) and "
                            "vi_exact(coalesce(a.title, '') || ' ' || coalesce(a.sapo, '') || ' ' || "
                            "coalesce(a.body_text, ''), :xq)")
            params.update(pfts=phrase_match(query.general), xq=query.general)
        expression = folded_expression(query, include_general=False)
    else:
        expression = folded_expression(query) if state.q else None
    if expression and not any(c in w for w in where for c in ARTICLE_COLUMNS):
        # nothing to read from the articles rows: the ids come from the index alone (no row is touched)
        # "+": a filter on the index's rows, never a constraint FTS5 would answer one rowid at a time
        where = [w.replace("a.id in", "+f.rowid in", 1) for w in where]
        params["fts"] = expression
        return ("insert into temp.kt_hits (id) select f.rowid from articles_fts f where articles_fts match :fts"
                + "".join(" and " + w for w in where)), params
    if expression:
        where.insert(0, "a.id in (select rowid from articles_fts where articles_fts match :fts)")
        params["fts"] = expression
    return ("insert into temp.kt_hits (id) select a.id from articles a"
            + (" where " + " and ".join(where) if where else "")), params


def date_page_sql(state: SearchState, count: int) -> str:
    """One page by publication date: few matches are sorted after a lookup each; many are read in date order
    from the published_at index, stopping at the page (no sort of every match)."""
    direction = "asc" if state.sort == "oldest" else "desc"
    if count <= DENSE:
        return (f"select h.id from temp.kt_hits h cross join articles a on a.id = h.id "
                f"order by a.published_at {direction}, a.id {direction} limit :limit offset :offset")
    return (f"select a.id from articles a where +a.id in (select id from temp.kt_hits) "
            f"order by a.published_at {direction}, a.id {direction} limit :limit offset :offset")


def relevance_tiers(state: SearchState, tables: set[str]) -> list[tuple[str, str]] | None:
    """(index, FTS5 expression) for each ranking tier, best first; None when the page sorts by date."""
    query = split_query(state.q, tables)
    if state.sort != "relevance" or not state.q:
        return None
    if state.exact:
        if "articles_fts_exact" in tables and query.general:
            spelled = exact_match(query.general)
            return [("articles_fts_exact", f"{{{column}}}: ({spelled})") for column in ("title", "sapo")] + \
                [("articles_fts_exact", spelled)]
        return None
    expression = folded_expression(query)
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


def ranked_ids(conn, tiers: list[tuple[str, str]], need: int) -> list[int]:
    """The ``need`` best ids: tier after tier (phrase in the headline, in the lead, anywhere, words apart),
    each by bm25, until the page is full; a tier past the page is never scored."""
    found: dict[int, None] = {}
    for table, expression in tiers:
        weights = WEIGHTS if table == "articles_fts" else "10.0, 4.0, 1.0"
        rows = conn.execute(
            f"select f.rowid from {table} f where {table} match :m and +f.rowid in (select id from temp.kt_hits) "
            f"order by bm25({table}, {weights}), f.rowid desc limit :k", {"m": expression, "k": need + len(found)})
        for (rowid,) in rows:
            found.setdefault(rowid)
        if len(found) >= need:
            break
    return list(found)[:need]


def facet_sqls(tables: set[str]) -> dict[str, str]:
    """Facet queries over ``{hits}`` (the matches, or a sample of them)."""
    covering = f" indexed by {FACET_INDEX}" if FACET_INDEX in tables else ""
    sqls = {
        "event": "select ae.event_slug as value, count(*) as n from {hits} h "
                 "cross join article_events ae on ae.article_id = h.id group by ae.event_slug",
        "tag": "select t.tag as value, count(*) as n from {hits} h cross join article_tags t on t.article_id = h.id "
               "group by t.tag order by n desc, value limit 16",
        # one pass over the matching rows (a covering index) gives months, years, sections and bylines
        "articles": f"select a.published_at, a.section, a.author from {{hits}} h cross join articles a{covering} "
                    "on a.id = h.id",
    }
    if "article_authors" in tables:
        sqls["person"] = ("select p.name as value, count(distinct p.article_id) as n from {hits} h "
                          "cross join article_authors p on p.article_id = h.id where p.name is not null "
                          "and p.name <> '' group by p.name order by n desc, value limit 16")
    return sqls


def _rows(conn, sql: str, params: dict | Sequence[Any] | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _article_facets(rows: list[dict], every: int, people: bool) -> dict[str, list[dict]]:
    """Year, month, section (and byline, without a people table) counted from the matching rows."""
    months: Counter[str] = Counter()
    years: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    bylines: Counter[str] = Counter()
    for row in rows:
        published = row["published_at"] or ""
        if len(published) >= 7 and published[:4].isdigit() and published[4] == "-":
            months[published[:7]] += every
            years[published[:4]] += every
        if row["section"]:
            sections[row["section"]] += every
        if row["author"]:
            bylines[row["author"]] += every

    def ranked(counter, size):
        return [{"value": k, "n": v} for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:size]]

    out = {"year": [{"value": k, "n": v} for k, v in sorted(years.items(), reverse=True)],
           "month": [{"value": k, "n": v} for k, v in sorted(months.items(), reverse=True)],
           "section": ranked(sections, FACET_SIZE["section"] + 1)}
    if not people:
        out["person"] = ranked(bylines, FACET_SIZE["person"] + 1)
    return out


ARTICLE_SQL = """
select a.id, a.title, a.sapo, a.body_text, a.author, a.published_at, a.section, a.url,
  (select group_concat(coalesce(e.name, ae.event_slug), ' | ') from article_events ae
     left join events e on e.slug = ae.event_slug where ae.article_id = a.id) as events,
  (select group_concat(tag, ' | ') from article_tags where article_id = a.id) as tags
from articles a where a.id in ({marks})
"""


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
    timings = {}
    with sqlite_timelimit(conn, time_limit_ms):
        started = time.perf_counter()
        sql, params = match_sql(state, tables)
        conn.execute(sql, params)
        count = conn.execute("select count(*) from temp.kt_hits").fetchone()[0]
        timings["match"] = time.perf_counter() - started
        facet_rows, estimated = {}, False
        if facets:
            started = time.perf_counter()
            every = 1 if count <= DENSE else math.ceil(count / FACET_SAMPLE)
            hits = "temp.kt_hits"
            if every > 1:  # a huge result: count one article in `every` (ids spread evenly) and scale
                conn.execute("create temp table if not exists kt_sample (id integer primary key)")
                conn.execute("delete from temp.kt_sample")
                conn.execute("insert into temp.kt_sample select id from temp.kt_hits where id % ? = 0", [every])
                hits = "temp.kt_sample"
            for name, facet_sql in facet_sqls(tables).items():
                rows = _rows(conn, facet_sql.format(hits=hits))
                facet_rows[name] = rows if name == "articles" else [dict(r, n=r["n"] * every) for r in rows]
            facet_rows["event"].sort(key=lambda r: (-r["n"], r["value"]))
            facet_rows.update(_article_facets(facet_rows.pop("articles"), every, "article_authors" in tables))
            if "article_places" in tables:   # the places facet (issue 22): districts with their wards, provinces
                facet_rows["place"] = places_facet.count(conn, hits, every)
            estimated = every > 1
            timings["facets"] = time.perf_counter() - started
        started = time.perf_counter()
        tiers = relevance_tiers(state, tables)
        if tiers:
            ids = ranked_ids(conn, tiers, offset + limit if limit else count)[offset:]
        else:
            params = {"limit": limit if limit else -1, "offset": offset}
            ids = [row[0] for row in conn.execute(date_page_sql(state, count), params).fetchall()]
        timings["page"] = time.perf_counter() - started
        started = time.perf_counter()
        articles = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for row in _rows(conn, ARTICLE_SQL.format(marks=", ".join("?" for _ in part)), part):
                articles[row["id"]] = row
        timings["rows"] = time.perf_counter() - started
    return {"count": count, "facets": facet_rows, "facets_estimated": estimated,
            "articles": [articles[i] for i in ids if i in articles],
            "timings": {k: round(v * 1000, 1) for k, v in timings.items()}}
