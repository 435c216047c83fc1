"""A place's page, ``/-/place/<name>`` (issue 22): the articles that name it, by event and month.

``<name>`` is a place as ``article_places.place_key`` writes it (``quận Tây Hồ``, ``phường Minh Khai, quận
Hai Bà Trưng``) or only its name (``Tây Hồ``, ``tay ho``): a name several places have shows the district of
that name when there is one (the others are listed beside it), else a choice. A place's articles are those the
place facet gives it (``facet_defs``: a district takes in its wards), so the page, the search page's facet and
the map (``places_map``) count alike; a district's page lists its wards.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from datasette.utils.asgi import Response

from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.edits import page_url
from datasette_kinhtedothi.archive.facet_defs import BY_NAME, Link
from datasette_kinhtedothi.archive.i18n import gettext, language, with_lang
from datasette_kinhtedothi.archive.people import _grouped
from datasette_kinhtedothi.archive.search_state import link
from kinhtedothi.vocab.dates import paper_date

PLACES: Link = BY_NAME["place"].link   # type: ignore[assignment]
MAX_ARTICLES = 2000   # articles listed (the search page, through ?place=, has them all)
MAX_NAME = 200
IN_PLACE = f"a.id in ({PLACES.articles('key')})"
ARTICLES_SQL = f"""
select a.id, a.title, a.url, a.published_at, ae.event_slug, coalesce(e.name, ae.event_slug) as event_name,
  (select p.words from article_places p where p.article_id = a.id and (p.place_key = :key or p.district_key = :key)
   order by p.rowid limit 1) as words
from articles a
left join article_events ae on ae.article_id = a.id
left join events e on e.slug = ae.event_slug
where {IN_PLACE}
order by a.published_at desc, a.id desc
limit {MAX_ARTICLES + 1}
"""
SUMMARY_SQL = f"""
select count(*) as articles, min(a.published_at) as first, max(a.published_at) as last from articles a where {IN_PLACE}
"""
WARDS_SQL = """
select place_key, place, kind, count(distinct article_id) as n from article_places
where district_key = :key and level = 'ward' group by place_key order by n desc, place
"""
FOUND_SQL = ("select found_by, count(*) as n from article_places where place_key = :key "
             "group by found_by order by n desc")
# every place a typed name may mean: by its key, by its name (diacritics optional), a district named only by its
# wards; the names are compared once a place (one row of each key, "materialized": not once an article's mention)
CANDIDATES_SQL = """
with places as materialized (
  select place_key, place, district_key, district from article_places
  where rowid in (select min(rowid) from article_places group by place_key)
), keys as (
  select place_key from places where place_key = :typed or place = :typed or fold_vi(place) = fold_vi(:typed)
), districts as (
  select district_key from places where district_key is not null
    and (district_key = :typed or district = :typed or fold_vi(district) = fold_vi(:typed))
)
select place_key, min(level) as level, count(distinct article_id) as n from article_places
where place_key in (select place_key from keys) group by place_key
union
select district_key, 'district', count(distinct article_id) from article_places
where district_key in (select district_key from districts) group by district_key
"""


async def has_places(db) -> bool:
    """The archive has places: an archive made before them has none until ``kinhtedothi reparse``."""
    return await db.table_exists(PLACES.table) and bool(
        (await db.execute(f"select 1 from {PLACES.table} limit 1")).rows)


def place_url(datasette, request, key: str) -> str:
    return page_url(datasette, request, "/-/place/" + quote(key, safe=""))


def heading(key: str) -> str:
    """``phường Minh Khai, quận Hai Bà Trưng`` -> ``Phường Minh Khai, quận Hai Bà Trưng``."""
    return key[:1].upper() + key[1:]


async def _candidates(db, typed: str) -> list[dict]:
    rows = [dict(r) for r in (await db.execute(CANDIDATES_SQL, {"typed": typed})).rows]
    merged: dict[str, dict] = {}
    for row in rows:
        merged.setdefault(row["place_key"], row)
    return sorted(merged.values(), key=lambda r: (-r["n"], r["place_key"]))


def _choose(typed: str, candidates: list[dict]) -> tuple[str | None, list[dict]]:
    """The place a typed name means, and the other places of that name."""
    exact = [c for c in candidates if c["place_key"] == typed]
    if exact:
        return typed, [c for c in candidates if c["place_key"] != typed]
    districts = [c for c in candidates if c["level"] == "district"]
    if len(candidates) == 1 or len(districts) == 1:
        chosen = (districts or candidates)[0]["place_key"]
        return chosen, [c for c in candidates if c["place_key"] != chosen]
    return None, candidates


async def _render(datasette, request, context: dict, status: int = 200) -> Response:
    html = await datasette.render_template("kt_place.html", context, request=request, view_name="place")
    return Response.html(html, status=status)


async def place_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    typed = " ".join(unquote(request.url_vars["name"]).split())[:MAX_NAME]
    context = {"_": lambda k, **kw: gettext(k, lang, **kw), "database": database, "typed": typed,
               "paper_date": paper_date, "place": typed}
    if not await has_places(db):   # a page, not NotFound: Datasette redirects a 404 of an escaped path
        return await _render(datasette, request, dict(context, message=gettext("place.no_table", lang)), 404)
    candidates = await _candidates(db, typed)
    key, others = _choose(typed, candidates)
    context.update(place=key or typed, others=[{"label": heading(c["place_key"]), "count": c["n"],
                                                "href": place_url(datasette, request, c["place_key"])}
                                               for c in others])
    if key is None:
        return await _render(datasette, request, context, 404 if not candidates else 200)
    rows = [dict(r) for r in (await db.execute(ARTICLES_SQL, {"key": key})).rows]
    summary = dict((await db.execute(SUMMARY_SQL, {"key": key})).rows[0])
    wards = [dict(r) for r in (await db.execute(WARDS_SQL, {"key": key})).rows]
    found = [dict(r) for r in (await db.execute(FOUND_SQL, {"key": key})).rows]
    level = (await db.execute("select level, old_name from article_places where place_key = ? limit 1", [key])).rows
    for row in rows:
        row["href"] = with_lang(datasette.urls.row(database, "articles", str(row["id"])), request)
    pairs = [("place", key)] + ([("lang", lang)] if request.args.get("lang") else [])
    context.update(
        key=key, count=summary["articles"], first=paper_date(summary["first"], with_time=False),
        last=paper_date(summary["last"], with_time=False),
        is_district=bool(wards) or bool(level and level[0]["level"] == "district"),
        old_name=bool(level and level[0]["old_name"]),
        events=_grouped(rows[:MAX_ARTICLES], lang), cut=len(rows) > MAX_ARTICLES, max_articles=MAX_ARTICLES,
        wards=[{"label": f"{w['kind']} {w['place']}", "count": w["n"],
                "href": place_url(datasette, request, w["place_key"])} for w in wards],
        found=", ".join(gettext(f"place.found.{f['found_by']}", lang, n=f["n"]) for f in found),
        search_href=link(datasette.urls.path("/-/search"), pairs),
        map_href=link(datasette.urls.path("/-/map"), pairs))
    return await _render(datasette, request, context)


ROUTES = [(r"^/-/place/(?P<name>[^/]{1,600})$", place_page)]
