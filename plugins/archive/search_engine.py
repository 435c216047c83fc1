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

import re
import time
from dataclasses import dataclass

from datasette.utils import sqlite_timelimit

from plugins.archive.search_state import SearchState
from plugins.vi_search import exact_match, fts_match, fts_match_in, phrase_match

FIELDS = {"title": "title", "tag": "tags", "author": "people", "caption": "captions"}
# a field prefix applies to everything after it, up to the next prefix: "tag:vắc xin" is the tag "vắc xin"
_FIELD = re.compile(r'(?<!\S)(title|tag|author|caption):', re.IGNORECASE)
WEIGHTS = "10.0, 4.0, 1.0, 1.0, 3.0, 3.0"   # title, sapo, body_text, captions, tags, people
ARTICLE_COLUMNS = ("a.published_at", "a.section", "instr(", "vi_exact")  # filters that read the articles row
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


def split_query(q: str) -> Query:
    parts = _FIELD.split(q)
    fields = [(FIELDS[name.lower()], text.strip()) for name, text in zip(parts[1::2], parts[2::2]) if text.strip()]
    return Query(general=parts[0].strip(), fields=fields)


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
    where = []
    low, high = state.bounds
    if low:
        where.append("a.published_at >= :low")
        params["low"] = low
    if high:
        where.append("a.published_at < :high")
        params["high"] = high
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
            where.append(f"instr(' - ' || a.author || ' - ', ' - ' || :person{i} || ' - ') > 0")
        params[f"person{i}"] = person
    if state.sections:
        marks = ", ".join(f":section{i}" for i in range(len(state.sections)))
        where.append(f"a.section in ({marks})")
        params.update({f"section{i}": s for i, s in enumerate(state.sections)})
    return where


def match_sql(state: SearchState, tables: set[str]) -> tuple[str, dict]:
    """The statement that fills ``temp.kt_hits`` with the ids of every matching article."""
    params: dict = {}
    where = _filters(state, tables, params)
    query = split_query(state.q)
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
        where = [w.replace("a.id in", "f.rowid in") for w in where]
        params["fts"] = expression
        return ("insert into temp.kt_hits (id) select f.rowid from articles_fts f where articles_fts match :fts"
                + "".join(" and " + w for w in where)), params
    if expression:
        where.insert(0, "a.id in (select rowid from articles_fts where articles_fts match :fts)")
        params["fts"] = expression
    return ("insert into temp.kt_hits (id) select a.id from articles a"
            + (" where " + " and ".join(where) if where else "")), params


def page_sql(state: SearchState, tables: set[str]) -> tuple[str, dict]:
    """The ids of one page of results, in the order asked."""
    params = {"limit": 0, "offset": 0}
    query = split_query(state.q)
    if state.sort == "relevance" and state.exact and "articles_fts_exact" in tables and query.general:
        params["xfts"] = exact_match(query.general)
        return ("select f.rowid as id from articles_fts_exact f where articles_fts_exact match :xfts "
                "and f.rowid in (select id from temp.kt_hits) order by bm25(articles_fts_exact, 10.0, 4.0, 1.0) "
                "limit :limit offset :offset"), params
    if state.sort == "relevance" and not state.exact:
        expression = folded_expression(query)
        if expression:
            text = query.general or query.words
            params.update(fts=expression, p_title=fts_match_in(text, 2, "title"),
                          p_sapo=fts_match_in(text, 2, "sapo"), p_any=fts_match(text, 2))
            tier = ("case when f.rowid in (select rowid from articles_fts where articles_fts match :p_title) then 1 "
                    "when f.rowid in (select rowid from articles_fts where articles_fts match :p_sapo) then 2 "
                    "when f.rowid in (select rowid from articles_fts where articles_fts match :p_any) then 3 "
                    "else 4 end")
            return (f"select f.rowid as id, {tier} as tier, bm25(articles_fts, {WEIGHTS}) as score "
                    "from articles_fts f where articles_fts match :fts and f.rowid in (select id from temp.kt_hits) "
                    "order by tier, score, f.rowid desc limit :limit offset :offset"), params
    direction = "asc" if state.sort == "oldest" else "desc"
    return (f"select h.id from temp.kt_hits h join articles a on a.id = h.id "
            f"order by a.published_at {direction}, a.id {direction} limit :limit offset :offset"), params


def facet_sqls(tables: set[str]) -> dict[str, str]:
    person = ("select p.name as value, count(distinct p.article_id) as n from temp.kt_hits h "
              "join article_authors p on p.article_id = h.id where p.name is not null and p.name <> '' "
              "group by p.name order by n desc, value limit 16" if "article_authors" in tables else
              "select a.author as value, count(*) as n from temp.kt_hits h join articles a on a.id = h.id "
              "where a.author is not null and a.author <> '' group by a.author order by n desc, value limit 16")
    return {
        "event": "select ae.event_slug as value, count(*) as n from temp.kt_hits h "
                 "join article_events ae on ae.article_id = h.id group by ae.event_slug order by n desc, value limit 11",
        "tag": "select t.tag as value, count(*) as n from temp.kt_hits h join article_tags t on t.article_id = h.id "
               "group by t.tag order by n desc, value limit 16",
        "person": person,
        # one pass over the articles gives months, years and sections
        "month_section": "select substr(a.published_at, 1, 7) as month, a.section as section, count(*) as n "
                         "from temp.kt_hits h join articles a on a.id = h.id group by month, section",
    }


def _rows(conn, sql: str, params: dict | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _period_facets(rows: list[dict]) -> dict[str, list[dict]]:
    months, years, sections = {}, {}, {}
    for row in rows:
        if row["month"] and re.match(r"^\d{4}-\d{2}$", row["month"]):
            months[row["month"]] = months.get(row["month"], 0) + row["n"]
            years[row["month"][:4]] = years.get(row["month"][:4], 0) + row["n"]
        if row["section"]:
            sections[row["section"]] = sections.get(row["section"], 0) + row["n"]
    by_count = sorted(sections.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"year": [{"value": k, "n": v} for k, v in sorted(years.items(), reverse=True)],
            "month": [{"value": k, "n": v} for k, v in sorted(months.items(), reverse=True)],
            "section": [{"value": k, "n": v} for k, v in by_count[:FACET_SIZE["section"] + 1]]}


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
    timings = {}
    with sqlite_timelimit(conn, time_limit_ms):
        started = time.perf_counter()
        conn.execute("create temp table if not exists kt_hits (id integer primary key)")
        conn.execute("delete from temp.kt_hits")
        sql, params = match_sql(state, tables)
        conn.execute(sql, params)
        count = conn.execute("select count(*) from temp.kt_hits").fetchone()[0]
        timings["match"] = time.perf_counter() - started
        facet_rows = {}
        if facets:
            started = time.perf_counter()
            for name, facet_sql in facet_sqls(tables).items():
                facet_rows[name] = _rows(conn, facet_sql)
            facet_rows.update(_period_facets(facet_rows.pop("month_section")))
            timings["facets"] = time.perf_counter() - started
        started = time.perf_counter()
        sql, params = page_sql(state, tables)
        params.update(limit=limit if limit else -1, offset=offset)
        ids = [row[0] for row in conn.execute(sql, params).fetchall()]
        timings["page"] = time.perf_counter() - started
        started = time.perf_counter()
        articles = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for row in _rows(conn, ARTICLE_SQL.format(marks=", ".join("?" for _ in part)), part):
                articles[row["id"]] = row
        timings["rows"] = time.perf_counter() - started
        conn.execute("delete from temp.kt_hits")
    return {"count": count, "facets": facet_rows, "articles": [articles[i] for i in ids if i in articles],
            "timings": {k: round(v * 1000, 1) for k, v in timings.items()}}
