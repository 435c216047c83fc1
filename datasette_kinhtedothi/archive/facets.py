"""Facets that fit a newspaper archive, and the filters they toggle.

* ``through``: a many-to-many facet, counting the articles of a linking table
  (``article_events``, ``article_tags``, ``article_authors``, ``article_places``) among those on the page;
  choosing a value adds ``?_event=slug`` / ``?_tag=...`` / ``?_person=...`` / ``?_place=...``;
* ``year`` and ``month``: publication year / month of an ISO date column,
  newest first; choosing one adds ``?published_at__startswith=2021-05``;
* ``kt_column``: a column of ``articles`` with one value per article (``section``), as Datasette's
  column facet counts it.

Which facets the articles list shows, and the linking tables, are the facet definitions
(``facet_defs.FACETS``), handed to Datasette as the list's metadata.

What they cost at a million articles: the list without a filter reads its counts from
``facet_counts`` (kept exact by the archive's triggers) instead of every link row and article; a
list whose full-text search (``?_search=``) matches more than ``search_sample.LAZY`` articles counts
them in a sample of the search index's buckets and scales up, shown with "≈" (``estimated``).
"""

from __future__ import annotations

import urllib.parse

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

from datasette_kinhtedothi.archive import search_sample
from datasette_kinhtedothi.archive.facet_defs import LINKED
from datasette_kinhtedothi.archive.i18n import gettext, language
from datasette_kinhtedothi.archive.list_search import MATCHES
from datasette_kinhtedothi.vi_search import fts_match
from kinhtedothi.vocab import narrowing

ARTICLES = "articles"
COUNTS = "facet_counts"
SAMPLE = search_sample.SAMPLE    # about how many matching articles a sampled facet counts


async def _has(ds, database: str, table: str, column: str | None = None) -> bool:
    db = ds.get_database(database)
    if not await db.table_exists(table):
        return False
    return column is None or column in await db.table_columns(table)


async def counted(facet: Facet, name: str, order: str, size: int, alias: str = "count") -> list | None:
    """The values of facet ``name`` over the whole table, from ``facet_counts`` (each count named ``alias``): None
    when the list is filtered or the archive has no such table."""
    if " where " in facet.sql or not await _has(facet.ds, facet.database, COUNTS):
        return None
    db = facet.ds.get_database(facet.database)
    if not (await db.execute(f"select 1 from {COUNTS} where facet = :f limit 1", {"f": name})).rows:
        return None   # a facet the table does not keep (one added since): counted from the rows
    return list((await db.execute(
        f"select value, n as {alias} from {COUNTS} where facet = :f and n > 0 order by {order} limit {size + 1}",
        {"f": name})).rows)


def scaled(every: float) -> str:
    """A facet's count in SQL, scaled up from a sample (``every`` 1: the count itself)."""
    return "count(*)" if every == 1 else f"cast(round(count(*) * {every}) as integer)"


async def sampled(facet: Facet) -> tuple[str, dict, float]:
    """The list's SQL and parameters to count a facet on, and the factor to scale the counts by: the list's own
    (1) unless its search matches more than ``search_sample.LAZY`` articles, then those in a few of the index's
    buckets."""
    params = facet.params or {}
    if (MATCHES not in facet.sql or not isinstance(params.get("kt_search"), str) or facet.table != ARTICLES
            or not await _has(facet.ds, facet.database, "articles_fts", narrowing.COLUMN)):
        return facet.sql, params, 1
    # the matches (or the sample) looked up one by one: a facet reads their rows anyway
    sql = facet.sql.replace("+" + MATCHES, MATCHES)
    total = facet.row_count
    if total is None:   # the count ran past its time limit: a huge result
        total = narrowing.BUCKETS * SAMPLE
    if total <= search_sample.LAZY:
        return sql, params, 1
    buckets = search_sample.buckets_for(total, SAMPLE)
    sample = search_sample.in_buckets(fts_match(params["kt_search"]), buckets)
    return (sql.replace("escape_fts(:kt_search)", ":kt_sample"), {**params, "kt_sample": sample},
            search_sample.scale(buckets))


def _path(request, add: dict | None = None, remove: dict | None = None) -> str:
    """The current page with arguments added/removed (key and value), back on its first page."""
    pairs = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
             if k != "_next" and not (remove and remove.get(k) == v)]
    pairs += list((add or {}).items())
    query = urllib.parse.urlencode(pairs)
    return request.path + ("?" + query if query else "")


class ThroughFacet(Facet):
    type = "through"

    async def facet_results(self):
        results: list[dict] = []
        timed_out: list[str] = []
        if self.table != ARTICLES:
            return results, timed_out
        pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            name = source_and_config["config"].get("simple") or source_and_config["config"].get("name")
            facet = LINKED.get(name)
            link = facet.link if facet else None
            if facet is None or link is None or not await self.ds.get_database(self.database).table_exists(link.table):
                continue  # e.g. an archive made before article_authors existed, until its next crawl
            # Unfiltered page: every article counts (kept in facet_counts); otherwise only the page's articles (a
            # sample of them, for a huge search). A district takes in its wards (link.within).
            sql, params, every = await sampled(self)
            restrict = "" if " where " not in sql else f"t.article_id in (select id from ({sql}))"
            sql = link.count_sql(f"{link.table} t", restrict, limit=size + 1, every=every)
            try:
                rows = await counted(self, name, "n desc, value", size, alias="n")
                if rows is None:
                    rows = (await self.ds.execute(self.database, sql, params, truncate=False,
                                                  custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(name)
                continue
            labels = {}
            if link.names and rows:
                table, key, column = link.names
                marks = ", ".join("?" for _ in rows[:size])
                labels = dict((await self.ds.execute(
                    self.database, f"select [{key}], [{column}] from [{table}] where [{key}] in ({marks})",
                    [r["value"] for r in rows[:size]])).rows)
            values = []
            for row in rows[:size]:
                value = str(row["value"])
                selected = (facet.list_param, value) in pairs
                toggle = (_path(self.request, remove={facet.list_param: value}) if selected
                          else _path(self.request, add={facet.list_param: value}))
                values.append({"value": row["value"], "label": labels.get(row["value"]) or row["value"],
                               "count": row["n"], "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
            results.append({"name": name, "title": gettext(f"facet.{name}", language(self.request)), "type": self.type,
                            "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": self.ds.urls.path(_path(self.request, remove={"_facet_through": name})),
                            "results": values, "truncated": len(rows) > size, "estimated": every > 1})
        return results, timed_out


class _ValueFacet(Facet):
    """A facet of one column's values on the articles list: counted from ``facet_counts`` when the whole table
    is counted, else by SQL over the (sampled) rows; each value toggles one filter argument."""

    type: str | None = None

    def values_sql(self, col: str, source: str, every: float, size: int) -> str:
        raise NotImplementedError

    def counted_as(self, column: str) -> tuple[str, str] | None:
        """(kind, order) of the column's counts in ``facet_counts``, or None when they are not kept there."""
        raise NotImplementedError

    def argument(self, column: str) -> str:
        """The list's argument a value of the column adds."""
        return column

    def describe(self, column: str) -> dict:
        """The result's name (and title), and under ``hide`` the argument that hides the facet."""
        raise NotImplementedError

    async def facet_results(self):
        results: list[dict] = []
        timed_out: list[str] = []
        pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            source, params, every = await sampled(self)
            try:
                kept = self.counted_as(column)
                rows = await counted(self, kept[0], kept[1], size) if kept else None
                if rows is None:
                    sql = self.values_sql(escape_sqlite(column), source, every, size)
                    rows = (await self.ds.execute(self.database, sql, params, truncate=False,
                                                  custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = self.argument(column)
            values = []
            for row in rows[:size]:
                value = str(row["value"])
                selected = (key, value) in pairs
                toggle = (_path(self.request, remove={key: value}) if selected
                          else _path(self.request, add={key: value}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
            described = self.describe(column)
            hide = described.pop("hide")
            results.append({**described, "type": self.type, "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": self.ds.urls.path(_path(self.request, remove={hide: column})),
                            "results": values, "truncated": len(rows) > size, "estimated": every > 1})
        return results, timed_out


class PeriodFacet(_ValueFacet):
    """Counts per year or month of an ISO 8601 date column, newest first."""

    length = 0
    title = ""

    def values_sql(self, col: str, source: str, every: float, size: int) -> str:
        return (f"select substr({col}, 1, {self.length}) as value, {scaled(every)} as count from ({source}) "
                f"where {col} glob '[0-9][0-9][0-9][0-9]-*' group by value order by value desc limit {size + 1}")

    def counted_as(self, column: str) -> tuple[str, str] | None:
        return (str(self.type), "value desc") if (self.table, column) == (ARTICLES, "published_at") else None

    def argument(self, column: str) -> str:
        return f"{column}__startswith"

    def describe(self, column: str) -> dict:
        return {"name": f"{column}_{self.type}", "title": f"{self.title} ({column})", "hide": f"_facet_{self.type}"}


class YearFacet(PeriodFacet):
    type = "year"
    length = 4
    title = "year"


class MonthFacet(PeriodFacet):
    type = "month"
    length = 7
    title = "month"


class CountedColumnFacet(_ValueFacet):
    """Datasette's column facet (values of one column, most frequent first), counted from ``facet_counts`` on the
    whole table and on a sample of a huge search."""

    type = "kt_column"

    def values_sql(self, col: str, source: str, every: float, size: int) -> str:
        return (f"select {col} as value, {scaled(every)} as count from ({source}) where {col} is not null "
                f"group by {col} order by count desc, value limit {size + 1}")

    def counted_as(self, column: str) -> tuple[str, str] | None:
        return (column, "n desc, value") if self.table == ARTICLES else None

    def describe(self, column: str) -> dict:
        return {"name": column, "hide": "_facet"}


FACET_CLASSES = [ThroughFacet, YearFacet, MonthFacet, CountedColumnFacet]


def through_filters(request, database, table, datasette):
    """``?_event=slug``, ``?_tag=tag``, ``?_person=name``, ``?_place=key`` on the articles table (several values: all
    must hold)."""
    if table != ARTICLES:
        return None
    wanted = [(facet, facet.link, value) for facet in LINKED.values() if facet.link
              for value in request.args.getlist(facet.list_param)]
    if not wanted:
        return None

    async def inner():
        where, params, described = [], {}, []
        for i, (facet, link, value) in enumerate(wanted):
            key = f"through_{facet.name}_{i}"
            if await datasette.get_database(database).table_exists(link.table):
                where.append(f"id in ({link.articles(key)})")   # a district takes in its wards (link.within)
            else:   # an archive made before the table: no article holds the value
                where.append("0")
            params[key] = value
            label = value
            if link.names:
                names_table, names_key, names_column = link.names
                rows = (await datasette.execute(
                    database, f"select [{names_column}] from [{names_table}] where [{names_key}] = ?", [value])).rows
                label = rows[0][0] if rows else value
            # Datasette's human_description_en, English by its name (the page says it in list_search's words)
            described.append(f'{gettext(f"list.described.{facet.name}", "en")} "{label}"')
        return FilterArguments(where, params, described, {})

    return inner
