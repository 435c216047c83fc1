"""What a search asks, as SQL and FTS5 expressions: the query split into free text and ``field:`` parts, the
filters the search index answers itself (its narrowing words) and those the tables answer, the statement that
finds every match, a page by date, and the relevance tiers (``search_engine`` runs them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from datasette_kinhtedothi.archive.facet_defs import FACETS
from datasette_kinhtedothi.archive.search_state import SearchState
from datasette_kinhtedothi.vi_search import exact_match, fts_match, fts_match_in, phrase_match
from kinhtedothi.vocab import narrowing
from kinhtedothi.vocab.dates import parse_day

FIELDS = {"title": "title", "tag": "tags", "author": "people", "caption": "captions"}
# a field prefix applies to everything after it, up to the next prefix: "tag:vắc xin" is the tag "vắc xin"
_FIELD = re.compile(r'(?<!\S)(title|tag|author|caption):', re.IGNORECASE)
ARTICLE_COLUMNS = ("vi_exact",)  # filters that read the articles row itself
EXACT_IN = "a.id in (select rowid from articles_fts_exact where articles_fts_exact match :xfts)"
DENSE = 5_000           # more matches than this: date pages read the date index; facets count a sample


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


def filters(state: SearchState, tables: set[str], params: dict, handled: frozenset[str] = frozenset()) -> list[str]:
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


def and_narrowing(expression: str | None, narrow: str | None) -> str | None:
    """A folded-index expression narrowed (``'""'``, which matches nothing, stays as it is)."""
    if not narrow or expression == '""':
        return expression
    return f"({expression}) AND {narrow}" if expression else narrow


def match_sql(state: SearchState, tables: set[str], conn=None, narrowed: Narrowing | None = None) -> tuple[str, dict]:
    """The statement that fills ``temp.kt_hits`` with the ids of every matching article (with ``conn``, the
    filters the index can answer are part of the full-text query)."""
    params: dict = {}
    narrowed = narrowed if narrowed is not None else narrowing_of(conn, state, tables)
    where = filters(state, tables, params, narrowed.handled)
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
    expression = and_narrowing(expression, narrowed.expression)
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
    expression = and_narrowing(folded_expression(query), narrow)
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
