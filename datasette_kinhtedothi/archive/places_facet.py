"""The "Địa danh" (places) facet of the search page, and the ``place`` filter it toggles (issue 22).

An article is in a place when ``article_places`` has the place for it; a district takes in its wards
(``district_key``), so a district's count is the number of articles that name the district or one of its
wards. The same rule counts the facet, a place's page (``place_page``) and the map (``places_map``).

* ``filters``: the ``place=`` filter as SQL over ``article_places`` (``search_engine._filters`` calls it);
* ``count``: the places of the current search's matches (``temp.kt_hits``, or its sample), one row per
  place and one per district with its wards; ``search_engine._run`` calls it beside the other facets;
* ``facet``: those rows as the page shows them: Hanoi's districts (most articles first), each with its
  wards inside; wards whose district the articles do not say; provinces.
"""

from __future__ import annotations

from typing import Any

from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import register
from datasette_kinhtedothi.archive.search_state import SearchState, link

register({
    "search.facet.place": {"vi": "Địa danh", "en": "Places"},
    "places.provinces": {"vi": "Tỉnh, thành phố", "en": "Provinces"},
    "places.unplaced": {"vi": "Phường, xã chưa rõ quận, huyện", "en": "Wards, district not said"},
    "places.map": {"vi": "Xem trên bản đồ", "en": "See them on the map"},
    "places.level.district": {"vi": "quận, huyện", "en": "district"},
    "places.level.ward": {"vi": "phường, xã", "en": "ward"},
    "places.level.province": {"vi": "tỉnh, thành phố", "en": "province"},
})

DISTRICTS_SHOWN = 12
WARDS_SHOWN = 8
PROVINCES_SHOWN = 8
UNPLACED_SHOWN = 8

# One row per place of the matches, and one per district counting the matches in it (itself or its wards).
PLACES_SQL = """
select p.place_key as value, p.place, p.level, p.kind, p.district, p.district_key, p.province,
  min(p.latitude) as latitude, min(p.longitude) as longitude, count(distinct p.article_id) as n
from {hits} h cross join article_places p on p.article_id = h.id
group by p.place_key
"""
DISTRICTS_SQL = """
select p.district_key as value, count(distinct p.article_id) as n
from {hits} h cross join article_places p on p.article_id = h.id
where p.district_key is not null
group by p.district_key
"""


async def has_places(db) -> bool:
    """The archive has places: an archive made before them has none until ``kinhtedothi reparse``."""
    return await db.table_exists("article_places") and bool(
        (await db.execute("select 1 from article_places limit 1")).rows)


def filters(places: list[str], params: dict) -> list[str]:
    """``a.id in (…)`` for each place wanted (all must hold); a district takes in its wards."""
    where = []
    for i, key in enumerate(places):
        where.append(f"a.id in (select article_id from article_places where place_key = :place{i} "
                     f"union select article_id from article_places where district_key = :place{i})")
        params[f"place{i}"] = key
    return where


def count(conn, hits: str, every: int = 1) -> list[dict[str, Any]]:
    """The places of the articles in ``hits`` (a temp table of ids), with their counts (times ``every``,
    for a sample); a district's row counts its own articles and its wards'."""
    cursor = conn.execute(PLACES_SQL.format(hits=hits))
    names = [d[0] for d in cursor.description]
    rows = {r[0]: dict(zip(names, r)) for r in cursor.fetchall()}
    in_district = dict(conn.execute(DISTRICTS_SQL.format(hits=hits)).fetchall())
    for key, n in in_district.items():
        if key not in rows:   # a district only its wards name
            ward = next(r for r in rows.values() if r["district_key"] == key)
            name = ward["district"]
            rows[key] = {"value": key, "place": name, "level": "district", "kind": key[:-len(name) - 1],
                         "district": name, "district_key": key, "province": ward["province"],
                         "latitude": None, "longitude": None}
        rows[key]["n"] = n
    return [dict(r, n=r["n"] * every) for r in rows.values()]


def _ranked(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["n"], r["place"] or "", r["value"]))


def grouped(rows: list[dict] | None) -> dict[str, list[dict]]:
    """Districts (each with its ``wards``), unplaced wards and provinces, most articles first."""
    rows = rows or []
    districts = [dict(r, wards=[]) for r in _ranked([r for r in rows if r["level"] == "district"])]
    by_key = {d["value"]: d for d in districts}
    unplaced = []
    for ward in _ranked([r for r in rows if r["level"] == "ward"]):
        if ward["district_key"] in by_key:
            by_key[ward["district_key"]]["wards"].append(ward)
        else:
            unplaced.append(ward)
    return {"districts": districts, "unplaced": unplaced,
            "provinces": _ranked([r for r in rows if r["level"] == "province"])}


def _option(row: dict, state: SearchState, path: str) -> dict:
    value = row["value"]
    selected = value in state.places
    href = link(path, state.pairs, remove={"place": value}) if selected else link(path, state.pairs,
                                                                                   add={"place": value})
    return {"value": value, "label": row["place"], "kind": row["kind"], "count": row["n"], "selected": selected,
            "href": href}


def facet(rows: list[dict] | None, state: SearchState, path: str, lang: str, map_path: str) -> dict | None:
    """The facet as the search page's template shows it; None when the matches name no place."""
    if not rows:
        return None
    groups = grouped(rows)
    districts = []
    for district in groups["districts"][:DISTRICTS_SHOWN]:
        option = _option(district, state, path)
        option["wards"] = [_option(w, state, path) for w in district["wards"][:WARDS_SHOWN]]
        option["more_wards"] = len(district["wards"]) > WARDS_SHOWN
        districts.append(option)
    return {
        "title": _("search.facet.place", lang), "districts": districts,
        "more_districts": len(groups["districts"]) > DISTRICTS_SHOWN,
        "unplaced": [_option(w, state, path) for w in groups["unplaced"][:UNPLACED_SHOWN]],
        "unplaced_title": _("places.unplaced", lang),
        "provinces": [_option(p, state, path) for p in groups["provinces"][:PROVINCES_SHOWN]],
        "provinces_title": _("places.provinces", lang),
        "map_href": link(map_path, state.pairs), "map_label": _("places.map", lang),
    }


def as_json(rows: list[dict] | None) -> list[dict]:
    """The facet for ``/-/search.json``: every place with its count, districts first."""
    groups = grouped(rows)
    out = []
    for district in groups["districts"]:
        out.append({"place": district["value"], "name": district["place"], "level": "district",
                     "count": district["n"]})
        out += [{"place": w["value"], "name": w["place"], "level": "ward", "district": district["place"],
                 "count": w["n"]} for w in district["wards"]]
    out += [{"place": w["value"], "name": w["place"], "level": "ward", "district": None, "count": w["n"]}
            for w in groups["unplaced"]]
    out += [{"place": p["value"], "name": p["place"], "level": "province", "count": p["n"]}
            for p in groups["provinces"]]
    return out
