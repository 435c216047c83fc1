"""Facets that fit a newspaper archive, and the filters they toggle.

* ``through``: a many-to-many facet, counting the articles of a linking table
  (``article_events``, ``article_tags``, ``article_authors``, ``article_places``) among those on the page;
  choosing a value adds ``?_event=slug`` / ``?_tag=...`` / ``?_person=...`` / ``?_place=...``;
* ``year`` and ``month``: publication year / month of an ISO date column,
  newest first; choosing one adds ``?published_at__startswith=2021-05``.

Which facets the articles list shows, and the linking tables, are the facet definitions
(``facet_defs.FACETS``), handed to Datasette as the list's metadata.
"""

from __future__ import annotations

import urllib.parse

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

from datasette_kinhtedothi.archive.facet_defs import LINKED
from datasette_kinhtedothi.archive.i18n import gettext, language

ARTICLES = "articles"


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
            # Unfiltered page: every link row counts; otherwise only those of the page's articles.
            restrict = "" if " where " not in self.sql else f"t.article_id in (select id from ({self.sql}))"
            sql = link.count_sql(f"{link.table} t", restrict, limit=size + 1)
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
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
                            "results": values, "truncated": len(rows) > size})
        return results, timed_out


class PeriodFacet(Facet):
    """Counts per year or month of an ISO 8601 date column, newest first."""

    type: str | None = None   # set by each kind of period (YearFacet, MonthFacet)
    length = 0
    title = ""

    async def facet_results(self):
        results: list[dict] = []
        timed_out: list[str] = []
        pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            col = escape_sqlite(column)
            sql = (f"select substr({col}, 1, {self.length}) as value, count(*) as count from ({self.sql}) "
                   f"where {col} glob '[0-9][0-9][0-9][0-9]-*' group by value order by value desc limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows[:size]:
                selected = (key, row["value"]) in pairs
                toggle = (_path(self.request, remove={key: row["value"]}) if selected
                          else _path(self.request, add={key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
            results.append({"name": f"{column}_{self.type}", "title": f"{self.title} ({column})",
                             "type": self.type, "hideable": source_and_config["source"] != "metadata",
                             "toggle_url": self.ds.urls.path(
                                 _path(self.request, remove={f"_facet_{self.type}": column})),
                             "results": values, "truncated": len(rows) > size})
        return results, timed_out


class YearFacet(PeriodFacet):
    type = "year"
    length = 4
    title = "year"


class MonthFacet(PeriodFacet):
    type = "month"
    length = 7
    title = "month"


FACET_CLASSES = [ThroughFacet, YearFacet, MonthFacet]


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
