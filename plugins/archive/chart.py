"""``/-/chart``: articles per month per event, drawn as an inline SVG (no JavaScript, nothing from a CDN).

``?q=`` restricts it to articles matching a search (the same search language
as everywhere else), ``?db=`` picks the database when several are served.
Every point links to the list of that event's articles of that month.
"""

from __future__ import annotations

from datetime import date

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from plugins.archive.facets import filter_url

COLORS = ["#1f6fb2", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#c2255c", "#495057"]
WIDTH, HEIGHT = 960, 340
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 40

# The chart's bounds (docs/security.md): the years the site can have published in (it started in
# 2008; next year allows for a clock ahead) and the number of lines drawn. Articles dated outside
# are counted below the chart, never plotted: one dated 0001 or 9999 cannot make a 120,000-month axis.
FIRST_YEAR = 2008
MAX_SERIES = len(COLORS)

SQL = """
select ae.event_slug as slug, coalesce(e.name, ae.event_slug) as name,
       substr(a.published_at, 1, 7) as month, count(*) as n
from article_events ae
join articles a on a.id = ae.article_id
left join events e on e.slug = ae.event_slug
where a.published_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
  and substr(a.published_at, 1, 4) between :first_year and :last_year {search}
group by ae.event_slug, month
order by month
"""
OUTSIDE_SQL = """
select count(distinct a.id) from article_events ae join articles a on a.id = ae.article_id
where a.published_at is not null
  and not (a.published_at glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
           and substr(a.published_at, 1, 4) between :first_year and :last_year) {search}
"""


def year_bounds() -> dict[str, str]:
    return {"first_year": f"{FIRST_YEAR:04d}", "last_year": f"{date.today().year + 1:04d}"}


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


def svg(months: list[str], series: list[dict], datasette, database: str) -> Markup:
    """A line per event; points carry a tooltip and a link to the articles they count."""
    top = nice_max(max([max(s["counts"].values(), default=0) for s in series] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(months) - 1)

    def x(i):
        return LEFT + (i * step if len(months) > 1 else plot_w / 2)

    def y(n):
        return TOP + plot_h - plot_h * n / top

    out = [f'<svg class="kt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-labelledby="kt-chart-title" xmlns="http://www.w3.org/2000/svg">',
           '<title id="kt-chart-title">Articles per month, per event</title>']
    for k in range(6):  # horizontal grid and y labels
        value = top * k / 5
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    every = max(1, len(months) // 12)
    for i, month in enumerate(months):
        if i % every == 0 or i == len(months) - 1:
            bottom = TOP + plot_h
            out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{bottom}" y2="{bottom + 4}" class="axis"/>')
            out.append(f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle">{month[5:]}/{month[:4]}</text>')
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" class="axis"/>')
    for s in series:
        points = " ".join(f"{x(i):.1f},{y(s['counts'].get(m, 0)):.1f}" for i, m in enumerate(months))
        out.append(f'<polyline points="{points}" fill="none" stroke="{s["color"]}" stroke-width="2"/>')
        for i, month in enumerate(months):
            n = s["counts"].get(month, 0)
            if not n:
                continue
            href = escape(filter_url(datasette, database, event=s["slug"], published_at__startswith=month))
            label = escape(f"{s['name']}: {n} article{'s' if n != 1 else ''} in {month[5:]}/{month[:4]}")
            out.append(f'<a href="{href}"><circle cx="{x(i):.1f}" cy="{y(n):.1f}" r="3.5" fill="{s["color"]}">'
                       f"<title>{label}</title></circle></a>")
    out.append("</svg>")
    return Markup("\n".join(out))


async def chart_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    query = (request.args.get("q") or "").strip()
    search = "and a.id in (select rowid from articles_fts where articles_fts match vi_match(:q))" if query else ""
    params = {**year_bounds(), **({"q": query} if query else {})}
    rows = (await db.execute(SQL.format(search=search), params)).rows
    outside = (await db.execute(OUTSIDE_SQL.format(search=search), params)).rows[0][0]
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
        s["href"] = filter_url(datasette, database, event=s["slug"])
    table = [{"month": m, "cells": [{"n": s["counts"].get(m, 0),
                                      "href": filter_url(datasette, database, event=s["slug"],
                                                         published_at__startswith=m)} for s in ordered]}
             for m in months if any(s["counts"].get(m) for s in ordered)]
    context = {"database": database, "query": query, "series": ordered, "months": months, "table": table,
               "chart": svg(months, ordered, datasette, database) if months else None,
               "outside": outside, "years": year_bounds(), "series_not_drawn": max(0, not_drawn),
               "sql": SQL.format(search=search).strip()}
    html = await datasette.render_template("kt_chart.html", context, request=request, view_name="chart")
    return Response.html(html)
