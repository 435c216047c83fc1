"""``/-/chart``: articles per month per event, drawn as an inline SVG (no JavaScript, nothing from a CDN).

It takes the search page's arguments (``?q=`` a search, ``event``, ``from``, ``to`` …),
``?db=`` picks the database when several are served. Every point links to the
search page with the same search and filters, for that event and month
(``chart_labels.py``: labels, filters, links).
"""

from __future__ import annotations


from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from datasette_kinhtedothi.archive.chart_labels import (CHART_FILTERED_SQL, chart_rows, chart_state, month_label,
                                                        point_url, tick_labels, year_bounds)
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import language

COLORS = ["#1f6fb2", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#c2255c", "#495057"]
WIDTH, HEIGHT = 960, 340
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 40

# The chart's bounds (docs/security.md): the years the site can have published in and the number of
# lines drawn (chart_labels.year_bounds). Articles dated outside are counted below the chart, never
# plotted: one dated 0001 or 9999 cannot make a 120,000-month axis.
MAX_SERIES = len(COLORS)

async def archive_database(datasette, name: str | None):
    for db_name, db in datasette.databases.items():
        if name and db_name != name:
            continue
        if not db.is_memory and await db.table_exists("articles") and await db.table_exists("article_events"):
            return db_name, db
    raise NotFound("No archive database here")


def months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value <= step * 5:
            return step * 5 if value > step * 4 else step * max(1, -(-value // step))
    return value


def svg(months: list[str], series: list[dict], datasette, database: str, state=None, lang: str = "vi") -> Markup:
    """A line per event; points carry a tooltip and a link to the articles they count."""
    top = nice_max(max([max(s["counts"].values(), default=0) for s in series] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(months) - 1)

    def x(i):
        return LEFT + (i * step if len(months) > 1 else plot_w / 2)

    def y(n):
        return TOP + plot_h - plot_h * n / top

    # a group, not an image: its points are links (the table below the chart holds the same numbers)
    out = [f'<svg class="kt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
           f'aria-labelledby="kt-chart-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="kt-chart-title">{escape(_("chart.title", lang))}</title>']
    for k in range(6):  # horizontal grid and y labels
        value = top * k / 5
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    bottom = TOP + plot_h
    for i, text in tick_labels(months, plot_w):  # thinned so that no two labels overlap
        out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{bottom}" y2="{bottom + 4}" class="axis"/>')
        out.append(f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle" class="kt-tick">{text}</text>')
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" class="axis"/>')
    for s in series:
        points = " ".join(f"{x(i):.1f},{y(s['counts'].get(m, 0)):.1f}" for i, m in enumerate(months))
        out.append(f'<polyline points="{points}" fill="none" stroke="{s["color"]}" stroke-width="2"/>')
        for i, month in enumerate(months):
            n = s["counts"].get(month, 0)
            if not n:
                continue
            href = escape(point_url(datasette, state, s["slug"], month))
            label = escape(_("chart.point", lang, event=s["name"], n=n, month=month_label(month)))
            out.append(f'<a href="{href}" aria-label="{label}"><circle cx="{x(i):.1f}" cy="{y(n):.1f}" r="3.5" '
                       f'fill="{s["color"]}"><title>{label}</title></circle></a>')
    out.append("</svg>")
    return Markup("\n".join(out))


async def chart_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    state, error = chart_state(request, lang)
    if error:
        html = await datasette.render_template("kt_chart.html", {"database": database, "error": error, "lang": lang,
                                                                 "t": lambda k, **f: _(k, lang, **f)},
                                               request=request, view_name="chart")
        return Response.html(html, status=400)
    query = state.q
    rows, outside = await chart_rows(datasette, db, state)
    months = months_between(rows[0]["month"], rows[-1]["month"]) if rows else []
    series: dict[str, dict] = {}
    for row in rows:
        entry = series.setdefault(row["slug"], {"slug": row["slug"], "name": row["name"], "counts": {}})
        entry["counts"][row["month"]] = row["n"]
    ordered = sorted(series.values(), key=lambda s: -sum(s["counts"].values()))
    not_drawn = len(ordered) - MAX_SERIES
    ordered = ordered[:MAX_SERIES]
    for i, s in enumerate(ordered):
        s["color"] = COLORS[i % len(COLORS)]
        s["total"] = sum(s["counts"].values())
        s["href"] = point_url(datasette, state, s["slug"], None)
    # every month the chart plots, those with no article included
    table = [{"month": m, "label": month_label(m),
              "cells": [{"n": s["counts"].get(m, 0), "href": point_url(datasette, state, s["slug"], m)}
                        for s in ordered]} for m in months]
    context = {"database": database, "query": query, "series": ordered, "months": months, "table": table,
               "chart": svg(months, ordered, datasette, database, state, lang) if months else None,
               "outside": outside, "years": year_bounds(), "series_not_drawn": max(0, not_drawn),
               "sql": CHART_FILTERED_SQL.format(covering="").strip(), "lang": lang, "t": lambda k, **f: _(k, lang, **f),
               "hidden": [(k, v) for k, v in state.pairs if k != "q"]}
    html = await datasette.render_template("kt_chart.html", context, request=request, view_name="chart")
    return Response.html(html)
