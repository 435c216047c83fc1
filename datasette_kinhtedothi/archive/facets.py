"""Facets that fit a newspaper archive, and the filters they toggle.

* ``through``: a many-to-many facet, counting the rows of a linking table
  (``article_events``, ``article_tags``) for the articles on the page;
  choosing a value adds ``?_event=slug`` / ``?_tag=...`` (see ``THROUGH``).
* ``year`` and ``month``: publication year / month of an ISO date column,
  newest first; choosing one adds ``?published_at__startswith=2021-05``.

Configured in metadata.yml, e.g. ``facets: [{through: event}, {year: published_at}]``.
"""

from __future__ import annotations

import urllib.parse

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

# name -> how the articles table reaches it
THROUGH = {
    "event": {"table": "article_events", "key": "article_id", "column": "event_slug", "param": "_event",
              "title": "event", "label_table": "events", "label_key": "slug", "label_column": "name",
              "describe": "in the event feed"},
    "tag": {"table": "article_tags", "key": "article_id", "column": "tag", "param": "_tag",
            "title": "tag", "describe": "tagged"},
    # people of the byline (article_authors): "Phạm Hùng - Kim Nhuệ" counts under each of them
    "person": {"table": "article_authors", "key": "article_id", "column": "name", "param": "_person",
               "title": "person", "describe": "by"},
}
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
            spec = THROUGH.get(name)
            if not spec or not await self.ds.get_database(self.database).table_exists(spec["table"]):
                continue  # e.g. an archive made before article_authors existed, until its next crawl
            # Unfiltered page: every link row counts; otherwise only those of the page's articles.
            restrict = "" if " where " not in self.sql else f"where t.[{spec['key']}] in (select id from ({self.sql}))"
            sql = (f"select t.[{spec['column']}] as value, count(*) as count from [{spec['table']}] t {restrict} "
                   f"group by t.[{spec['column']}] order by count desc, value limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(name)
                continue
            labels = {}
            if spec.get("label_table") and rows:
                marks = ", ".join("?" for _ in rows[:size])
                labels = dict((await self.ds.execute(
                    self.database, f"select [{spec['label_key']}], [{spec['label_column']}] from "
                                   f"[{spec['label_table']}] where [{spec['label_key']}] in ({marks})",
                    [r["value"] for r in rows[:size]])).rows)
            values = []
            for row in rows[:size]:
                value = str(row["value"])
                selected = (spec["param"], value) in pairs
                toggle = (_path(self.request, remove={spec["param"]: value}) if selected
                          else _path(self.request, add={spec["param"]: value}))
                values.append({"value": row["value"], "label": labels.get(row["value"]) or row["value"],
                               "count": row["count"], "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
            results.append({"name": name, "title": spec["title"], "type": self.type,
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
    """``?_event=slug`` and ``?_tag=tag`` on the articles table (several values: all must hold)."""
    if table != ARTICLES:
        return None
    wanted = [(name, spec, value) for name, spec in THROUGH.items()
              for value in request.args.getlist(spec["param"])]
    if not wanted:
        return None

    async def inner():
        where, params, described = [], {}, []
        for i, (name, spec, value) in enumerate(wanted):
            key = f"through_{name}_{i}"
            where.append(f"id in (select [{spec['key']}] from [{spec['table']}] where [{spec['column']}] = :{key})")
            params[key] = value
            label = value
            if spec.get("label_table"):
                rows = (await datasette.execute(
                    database, f"select [{spec['label_column']}] from [{spec['label_table']}] "
                              f"where [{spec['label_key']}] = ?", [value])).rows
                label = rows[0][0] if rows else value
            described.append(f'{spec["describe"]} "{label}"')
        return FilterArguments(where, params, described, {})

    return inner


def filter_url(datasette, database: str, **args) -> str:
    """Link to the articles list filtered by ``event=``/``tag=``/any column filter."""
    params = {THROUGH[k]["param"] if k in THROUGH else k: v for k, v in args.items()}
    return datasette.urls.table(database, ARTICLES) + "?" + urllib.parse.urlencode(params)
