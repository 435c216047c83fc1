"""``/-/map``: the archive on a map (issue 22). Each district and ward the matching articles name is a circle
sized by its article count, for the search page's search and filters (the same arguments); a click opens the
search filtered to that place. ``/-/map.json`` gives the same places and counts.

Counts are exact (every match, no sample) and follow the place facet's rule (``facet_defs``, as the search page
and a place's page count): a district counts the articles that name it or one of its wards. A ward whose
district the articles do not say has no coordinates and is listed under the map only.

Leaflet comes from the ``datasette-leaflet`` package, served at ``/-/leaflet/<file>``. Its Datasette hook
(an inline script on every page, which the article page's Content-Security-Policy refuses) is switched off:
``take_over_leaflet``. The background tiles are OpenStreetMap's, which the reader's browser loads; set
``plugins: kinhtedothi-archive: map_tiles:`` in metadata.yml to another tile URL, or to ``""`` for none.
Without tiles the circles still show.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sqlite3
import sys
from pathlib import Path

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import NotFound, Response

from datasette_kinhtedothi.archive import search_engine, search_query
from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.i18n import gettext, language
from datasette_kinhtedothi.archive.place_page import PLACES, has_places
from datasette_kinhtedothi.archive.search_state import BadState, link, read_state

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
LEAFLET_PLUGIN = "leaflet"          # datasette-leaflet's entry point name
LEAFLET_PACKAGE = "datasette_leaflet"
LEAFLET_JS, LEAFLET_CSS = "leaflet-v1.7.1.min.js", "leaflet-v1.7.1.css"
_FILE = re.compile(r"^(images/)?[\w-]+(\.[\w-]+)*\.(js|css|png)$")
TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "png": "image/png"}
MIN_RADIUS, MAX_RADIUS = 6, 30

def take_over_leaflet(loading: bool = False) -> None:
    """Serve datasette-leaflet's files ourselves and switch its hook off (see the module's docstring).

    ``loading``: called as our plugin's module is read. When Datasette is loading its plugins (the usual way
    in), its plugin manager exists and datasette-leaflet is blocked before or after it registers; when our
    module is imported first, it is left to Datasette's startup (importing ``datasette.plugins`` from here
    would load the plugins while ours is half read)."""
    plugins = sys.modules.get("datasette.plugins")
    if loading and getattr(plugins, "pm", None) is None:
        return
    from datasette.plugins import pm

    pm.set_blocked(LEAFLET_PLUGIN)


def leaflet_dir() -> Path:
    spec = importlib.util.find_spec(LEAFLET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise NotFound("datasette-leaflet is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "static"


async def leaflet_file(datasette, request):
    """One of datasette-leaflet's files (its script, stylesheet and images), never anything else."""
    name = request.url_vars["file"]
    path = leaflet_dir() / name
    if not _FILE.match(name) or not path.is_file():
        raise NotFound("no such file")
    return Response(path.read_bytes(), content_type=TYPES[name.rsplit(".", 1)[1]],
                    headers={"cache-control": "max-age=86400"})


async def _tables(db) -> set[str]:
    tables = set(await db.table_names()) | {r[0] for r in (await db.execute(
        "select name from sqlite_master where type = 'index'")).rows}
    if "articles_fts" in tables:
        tables |= {f"articles_fts.{c}" for c in await db.table_columns("articles_fts")}
    return tables


# what the map shows of each place the counts name (a district only its wards name has no row of its own)
DETAILS_SQL = """
select place_key as value, min(place) as place, min(level) as level, min(kind) as kind, min(district) as district,
  min(district_key) as district_key, min(latitude) as latitude, min(longitude) as longitude
from article_places where place_key in ({marks}) group by place_key
"""
CHUNK = 500


def _count(conn, state, tables: set[str], limit_ms: int) -> tuple[int, list[dict]]:
    """The matches' count and their places, counted as the place facet counts them (``facet_defs``: a district
    takes in its wards), exact (no sample); each with what the map needs, districts given their coordinates."""
    with search_engine.hits_table(conn), sqlite_timelimit(conn, limit_ms):
        sql, params = search_query.match_sql(state, tables, conn)
        conn.execute(sql, params)
        matches = conn.execute("select count(*) from temp.kt_hits").fetchone()[0]
        counts = dict(conn.execute(PLACES.count_sql(
            f"temp.kt_hits h cross join {PLACES.table} t on t.article_id = h.id")).fetchall())
        rows = {}
        keys = list(counts)
        for start in range(0, len(keys), CHUNK):
            part = keys[start:start + CHUNK]
            cursor = conn.execute(DETAILS_SQL.format(marks=", ".join("?" for _ in part)), part)
            names = [d[0] for d in cursor.description]
            rows.update({r[0]: dict(zip(names, r)) for r in cursor.fetchall()})
        for key in keys:
            if key not in rows:   # a district only its wards name here
                rows[key] = _district(conn, key, [r for r in rows.values() if r["district_key"] == key])
            rows[key]["n"] = counts[key]
    return matches, list(rows.values())


def _district(conn, key: str, wards: list[dict]) -> dict:
    """A district the matches name only by its wards: its name from them, its place from any article that names
    it, else the middle of its wards."""
    name = next((w["district"] for w in wards if w["district"]), key)
    row = {"value": key, "place": name, "level": "district", "kind": key[:-len(name) - 1].strip() or None,
           "district": name, "district_key": key, "latitude": None, "longitude": None}
    found = conn.execute(f"select latitude, longitude from {PLACES.table} where place_key = ? and latitude is not "
                         "null limit 1", [key]).fetchone()
    placed = [w for w in wards if w["latitude"] is not None]
    if found:
        row["latitude"], row["longitude"] = found
    elif placed:
        row["latitude"] = sum(w["latitude"] for w in placed) / len(placed)
        row["longitude"] = sum(w["longitude"] for w in placed) / len(placed)
    return row


def _markers(rows: list[dict], pairs: list, search_path: str, lang: str) -> list[dict]:
    hanoi = [r for r in rows if r["level"] in ("district", "ward")]
    biggest = max((r["n"] for r in hanoi), default=1)
    out = []
    for row in sorted(hanoi, key=lambda r: (r["level"] != "district", -r["n"], r["value"])):
        on_map = row["latitude"] is not None and row["longitude"] is not None
        out.append({"key": row["value"], "name": row["place"], "kind": row["kind"], "level": row["level"],
                    "level_label": gettext(f"map.level.{row['level']}", lang),
                    "district": row["district"], "count": row["n"], "on_map": on_map,
                    "latitude": row["latitude"], "longitude": row["longitude"],
                    "radius": round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(row["n"] / biggest), 1),
                    "href": link(search_path, pairs, add={"place": row["value"]})})
    return out


async def map_page(datasette, request):
    """``/-/map`` and ``/-/map.json``."""
    fmt = request.url_vars.get("format") or "html"
    lang = language(request)
    database, db = await archive_database(datasette, request.args.get("db"))
    if not await has_places(db):
        raise NotFound(gettext("map.no_table", lang))
    try:
        state = read_state(request.args, lang)
    except BadState as error:
        if fmt == "json":
            return Response.json({"ok": False, "error": str(error), "field": error.field}, status=400)
        return Response.text(str(error), status=400)
    tables = await _tables(db)
    limit_ms = datasette.setting("sql_time_limit_ms")
    try:
        matches, rows = await db.execute_fn(lambda conn: _count(conn, state, tables, limit_ms))
    except (QueryInterrupted, sqlite3.OperationalError) as error:
        if not isinstance(error, QueryInterrupted) and "interrupt" not in str(error):
            raise
        if fmt == "json":
            return Response.json({"ok": False, "error": gettext("search.timeout", lang)}, status=400)
        return Response.text(gettext("search.timeout", lang), status=400)
    search_path = datasette.urls.path("/-/search")
    markers = _markers(rows, state.pairs, search_path, lang)
    if fmt == "json":
        return Response.json({"ok": True, "query": dict(state.pairs), "count": matches, "places": markers})
    config = datasette.plugin_config("kinhtedothi-archive") or {}
    tiles = config.get("map_tiles", OSM_TILES)
    data = {"places": [m for m in markers if m["on_map"]], "tiles": tiles,
            "attribution": config.get("map_attribution", OSM_ATTRIBUTION) if tiles else ""}
    context = {
        "_": lambda key, **kw: gettext(key, lang, **kw), "database": database, "count": matches, "q": state.q,
        "markers": markers, "on_map": len(data["places"]),
        "data": json.dumps(data, ensure_ascii=False).replace("</", "<\\/"),
        "search_href": link(search_path, state.pairs),
        "leaflet_js": datasette.urls.path(f"/-/leaflet/{LEAFLET_JS}"),
        "leaflet_css": datasette.urls.path(f"/-/leaflet/{LEAFLET_CSS}"),
    }
    html = await datasette.render_template("kt_map.html", context, request=request, view_name="map")
    return Response.html(html)


ROUTES = [(r"^/-/map(\.(?P<format>json))?$", map_page),
          (r"^/-/leaflet/(?P<file>[\w./-]{1,80})$", leaflet_file)]
