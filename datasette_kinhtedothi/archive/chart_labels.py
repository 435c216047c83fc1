"""The chart's month labels, its filters and its links (``chart.py`` draws).

* :func:`tick_labels`: which months get a label so that no two overlap, at any span:
  every month, every 2, 3 or 6 months (``05/2021``), then years only (``2021``),
  then every 2nd, 5th … year.
* The chart takes the search page's arguments (``q``, ``event``, ``from``, ``to`` …,
  see ``search_state``) and counts only the articles they select.
* Every point, legend entry and table cell links to the search page with the
  chart's search and filters, plus that event (and month).
"""

from __future__ import annotations

from datetime import date

import math

from datasette.utils import sqlite_timelimit

from datasette_kinhtedothi.archive import search_engine, search_query, search_rows
from datasette_kinhtedothi.archive.search_state import BadState, link, read_state

MONTH_LABEL_GAP = 60   # viewBox units a "05/2021" label needs (11px text, about 43 units wide)
YEAR_LABEL_GAP = 40    # for "2021"
CHART_FILTERED_SQL = """
select ae.event_slug as slug, coalesce(e.name, ae.event_slug) as name,
       substr(a.published_at, 1, 7) as month, count(*) as n
from temp.kt_hits h
cross join article_events ae on ae.article_id = h.id
cross join articles a{covering} on a.id = h.id
left join events e on e.slug = ae.event_slug
where a.published_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
  and substr(a.published_at, 1, 4) between :first_year and :last_year
group by ae.event_slug, month
order by month
"""

OUTSIDE_FILTERED_SQL = """
select count(distinct a.id) from temp.kt_hits h
cross join article_events ae on ae.article_id = h.id
cross join articles a{covering} on a.id = h.id
where a.published_at is not null
  and not (a.published_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
           and substr(a.published_at, 1, 4) between :first_year and :last_year)
"""
# The years the site can have published in (it started in 2008; next year allows for a clock ahead).
FIRST_YEAR = 2008


def year_bounds() -> dict[str, str]:
    return {"first_year": f"{FIRST_YEAR:04d}", "last_year": f"{date.today().year + 1:04d}"}


def month_label(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def tick_labels(months: list[str], plot_width: float) -> list[tuple[int, str]]:
    """(index, text) of the months to label: as many as fit without two labels touching."""
    if not months:
        return []
    if len(months) == 1:
        return [(0, month_label(months[0]))]
    spacing = plot_width / (len(months) - 1)
    for step in (1, 2, 3, 6):
        if step * spacing >= MONTH_LABEL_GAP:
            return [(i, month_label(m)) for i, m in enumerate(months) if (int(m[5:7]) - 1) % step == 0]
    every = max(1, math.ceil(YEAR_LABEL_GAP / (12 * spacing)))
    every = next(n for n in (1, 2, 5, 10, 20, 50, 100, every) if n >= every)
    return [(i, m[:4]) for i, m in enumerate(months) if m[5:7] == "01" and int(m[:4]) % every == 0]


def chart_state(request, lang: str):
    """(state, None) from the page's arguments, or (None, the reason) when one is wrong."""
    try:
        state = read_state(request.args, lang)
    except BadState as error:
        return None, str(error)
    state.pairs = [(k, v) for k, v in state.pairs if k not in ("sort", "page")]
    return state, None


def point_url(datasette, state, slug: str, month: str | None) -> str:
    """The search page for the chart's search and filters, in this event (and month)."""
    return link(datasette.urls.path("/-/search"), state.pairs, set_={"month": month} if month else None,
                add={"event": slug})


async def chart_rows(datasette, db, state) -> tuple[list[dict], int]:
    """Articles per event and month among those the state selects, and how many are dated outside the site's years."""
    tables = set(await db.table_names()) | {r[0] for r in (await db.execute(
        "select name from sqlite_master where type = 'index'")).rows}
    if "articles_fts" in tables:
        tables |= {f"articles_fts.{c}" for c in await db.table_columns("articles_fts")}
    limit_ms = datasette.setting("sql_time_limit_ms")
    # the dates of many matches from the dense covering index, not from each article's (large) row
    covering = f" indexed by {search_rows.FACET_INDEX}" if search_rows.FACET_INDEX in tables else ""

    def work(conn):
        with search_engine.hits_table(conn), sqlite_timelimit(conn, limit_ms):
            sql, params = search_query.match_sql(state, tables, conn)
            conn.execute(sql, params)
            cursor = conn.execute(CHART_FILTERED_SQL.format(covering=covering), year_bounds())
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r)) for r in cursor.fetchall()]
            return rows, conn.execute(OUTSIDE_FILTERED_SQL.format(covering=covering), year_bounds()).fetchone()[0]

    return await db.execute_fn(work)
