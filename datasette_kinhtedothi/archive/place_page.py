"""A place's page, ``/-/place/<name>`` (issue 22): the articles that name it, by event and month.

``<name>`` is a place as ``article_places.place_key`` writes it (``quận Tây Hồ``, ``phường Minh Khai, quận
Hai Bà Trưng``) or only its name (``Tây Hồ``, ``tay ho``): a name several places have shows the district of
that name when there is one (the others are listed beside it), else a choice. A district's page counts the
articles that name the district or one of its wards, as the search page's facet and the map do
(``places_facet``), and lists its wards.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from datasette.utils.asgi import Response

from datasette_kinhtedothi.archive import places_facet
from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.edits import page_url
from datasette_kinhtedothi.archive.i18n import gettext, language, register
from datasette_kinhtedothi.archive.people import _grouped
from datasette_kinhtedothi.archive.search_state import link
from kinhtedothi.vocab.dates import paper_date

MAX_ARTICLES = 2000   # articles listed (the search page, through ?place=, has them all)
MAX_NAME = 200
IN_PLACE = "(place_key = :key or district_key = :key)"
ARTICLES_SQL = f"""
with firsts as (
  select article_id, min(rowid) as first from article_places where {IN_PLACE} group by article_id
)
select a.id, a.title, a.url, a.published_at, p.words, p.found_by, ae.event_slug,
  coalesce(e.name, ae.event_slug) as event_name
from firsts f
join article_places p on p.rowid = f.first
join articles a on a.id = f.article_id
left join article_events ae on ae.article_id = a.id
left join events e on e.slug = ae.event_slug
order by a.published_at desc, a.id desc
limit {MAX_ARTICLES + 1}
"""
SUMMARY_SQL = f"""
select count(distinct p.article_id) as articles, min(a.published_at) as first, max(a.published_at) as last
from article_places p join articles a on a.id = p.article_id where {IN_PLACE}
"""
WARDS_SQL = """
select place_key, place, kind, count(distinct article_id) as n from article_places
where district_key = :key and level = 'ward' group by place_key order by n desc, place
"""
FOUND_SQL = ("select found_by, count(*) as n from article_places where place_key = :key "
             "group by found_by order by n desc")
# every place a typed name may mean: by its key, by its name (diacritics optional), a district named only by its wards
CANDIDATES_SQL = """
select place_key, min(level) as level, count(distinct article_id) as n from article_places
where place_key = :typed or place = :typed or fold_vi(place) = fold_vi(:typed) group by place_key
union
select district_key, 'district', count(distinct article_id) from article_places
where (district_key = :typed or district = :typed or fold_vi(district) = fold_vi(:typed)) and district_key is not null
group by district_key
"""

register({
    "place.title": {"vi": "Bài nói đến {place}", "en": "Articles naming {place}"},
    "place.summary": {"vi": "{count} bài, từ {first} đến {last}.", "en": "{count} articles, from {first} to {last}."},
    "place.district_note": {"vi": "Tính cả các bài nói đến một phường, xã của nó.",
                            "en": "Articles naming one of its wards count too."},
    "place.old_name": {"vi": "Tên phường, xã năm 2020–2021, nay đã sáp nhập.",
                       "en": "A ward's name of 2020–2021, merged into another ward since."},
    "place.wards": {"vi": "Phường, xã", "en": "Wards"},
    "place.found": {"vi": "Cách tìm thấy: {ways}.", "en": "How it was found: {ways}."},
    "place.found.prefix": {"vi": "có tên loại đứng trước {n}", "en": "named with its type {n}"},
    "place.found.list": {"vi": "trong một danh sách {n}", "en": "in a list {n}"},
    "place.found.address": {"vi": "sau một phường, xã của nó {n}", "en": "after one of its wards {n}"},
    "place.found.name": {"vi": "chỉ có tên {n}", "en": "by its bare name {n}"},
    "place.search": {"vi": "Tìm trong các bài này (bộ lọc, xuất dữ liệu)",
                     "en": "Search these articles (filters, export)"},
    "place.map": {"vi": "Bản đồ", "en": "Map"},
    "place.also": {"vi": "Cùng tên:", "en": "Same name:"},
    "place.unknown": {"vi": "Không có bài nào nói đến “{name}”.", "en": "No article names “{name}”."},
    "place.choose": {"vi": "Nhiều nơi có tên “{name}”:", "en": "Several places are called “{name}”:"},
    "place.no_table": {"vi": "Kho lưu trữ chưa có địa danh: hãy chạy kinhtedothi reparse.",
                       "en": "This archive has no places yet: run kinhtedothi reparse."},
    "place.no_event": {"vi": "Ngoài các dòng sự kiện", "en": "Outside the event feeds"},
    "place.cut": {"vi": "Chỉ hiện {n} bài mới nhất; trang tìm kiếm có đủ.",
                  "en": "Only the latest {n} articles are shown; the search page has them all."},
})


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


async def place_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    typed = " ".join(unquote(request.url_vars["name"]).split())[:MAX_NAME]
    if not await places_facet.has_places(db):   # a page, not NotFound: Datasette redirects a 404 of an escaped path
        html = await datasette.render_template("kt_place.html", {
            "lang": lang, "_": lambda k, **kw: gettext(k, lang, **kw), "database": database, "place": typed,
            "message": gettext("place.no_table", lang)}, request=request, view_name="place")
        return Response.html(html, status=404)
    candidates = await _candidates(db, typed)
    key, others = _choose(typed, candidates)
    context = {"lang": lang, "_": lambda k, **kw: gettext(k, lang, **kw), "database": database, "typed": typed,
               "paper_date": paper_date, "place": key or typed,
               "others": [{"label": heading(c["place_key"]), "count": c["n"],
                           "href": place_url(datasette, request, c["place_key"])} for c in others]}
    if key is None:
        html = await datasette.render_template("kt_place.html", context, request=request, view_name="place")
        return Response.html(html, status=404 if not candidates else 200)
    rows = [dict(r) for r in (await db.execute(ARTICLES_SQL, {"key": key})).rows]
    summary = dict((await db.execute(SUMMARY_SQL, {"key": key})).rows[0])
    wards = [dict(r) for r in (await db.execute(WARDS_SQL, {"key": key})).rows]
    found = [dict(r) for r in (await db.execute(FOUND_SQL, {"key": key})).rows]
    level = (await db.execute("select level, old_name from article_places where place_key = ? limit 1", [key])).rows
    is_district = bool(wards) or (level and level[0]["level"] == "district")
    for row in rows:
        row["href"] = datasette.urls.row(database, "articles", str(row["id"]))
    search, map_path = datasette.urls.path("/-/search"), datasette.urls.path("/-/map")
    pairs = [("place", key)] + ([("lang", lang)] if request.args.get("lang") else [])
    context.update(
        key=key, count=summary["articles"], first=paper_date(summary["first"], with_time=False),
        last=paper_date(summary["last"], with_time=False), is_district=is_district,
        old_name=bool(level and level[0]["old_name"]),
        events=_grouped(rows[:MAX_ARTICLES], lang), cut=len(rows) > MAX_ARTICLES, max_articles=MAX_ARTICLES,
        wards=[{"label": f"{w['kind']} {w['place']}", "count": w["n"],
                "href": place_url(datasette, request, w["place_key"])} for w in wards],
        found=", ".join(gettext(f"place.found.{f['found_by']}", lang, n=f["n"]) for f in found),
        search_href=link(search, pairs), map_href=link(map_path, pairs))
    html = await datasette.render_template("kt_place.html", context, request=request, view_name="place")
    return Response.html(html)


ROUTES = [(r"^/-/place/(?P<name>[^/]{1,600})$", place_page)]
