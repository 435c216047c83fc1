"""People, not bylines: a person's page and the people of an article.

* ``/-/person/<name>``: the person's articles per event and month, with links; the name is the
  normalized one (``article_authors.name``); one typed without diacritics or in other case
  (``/-/person/hong thai``) finds the person when only one name folds alike.
* ``article_people``: the people of an article, each a link to their page (the article page's citation).

The person facet and filter are a facet definition (``facet_defs.FACETS``).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlencode

from datasette.utils.asgi import NotFound, Response

from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.edits import page_url
from datasette_kinhtedothi.archive.i18n import gettext, language, with_lang
from kinhtedothi.vocab.dates import paper_date

MAX_ARTICLES = 2000   # articles listed on a person's page (the list, through ?_person=, has them all)
MAX_NAME = 200
ARTICLES_SQL = f"""
select a.id, a.title, a.url, a.published_at, p.role, p.name_printed, p.office,
  ae.event_slug, coalesce(e.name, ae.event_slug) as event_name
from article_authors p
join articles a on a.id = p.article_id
left join article_events ae on ae.article_id = a.id
left join events e on e.slug = ae.event_slug
where p.name = :name
order by a.published_at desc, a.id desc
limit {MAX_ARTICLES + 1}
"""
# the names folded once each, not once a byline ("materialized": SQLite would push the test into every row)
ALIKE_SQL = ("with names as materialized (select distinct name from article_authors) "
             "select name from names where fold_vi(name) = fold_vi(?) order by name limit 20")
SUMMARY_SQL = """
select count(distinct p.article_id) as articles, min(a.published_at) as first, max(a.published_at) as last,
  group_concat(distinct p.name_printed) as printed
from article_authors p join articles a on a.id = p.article_id where p.name = :name
"""


def person_url(datasette, request, name: str) -> str:
    return page_url(datasette, request, "/-/person/" + quote(name, safe=""))


def _grouped(rows: list[dict], lang: str) -> list[dict]:
    """Rows → events (most articles first) → months (newest first) → articles."""
    events: dict[str, dict] = {}
    for row in rows:
        key = row["event_slug"] or ""
        event = events.setdefault(key, {"slug": key, "name": row["event_name"] or gettext("people.no_event", lang),
                                        "months": {}, "count": 0})
        month = (row["published_at"] or "")[:7]
        event["months"].setdefault(month, []).append(row)
        event["count"] += 1
    ordered = sorted(events.values(), key=lambda e: (not e["slug"], -e["count"], e["name"]))
    for event in ordered:
        event["months"] = [{"month": m, "label": f"{m[5:7]}/{m[:4]}" if m else "—", "articles": items}
                           for m, items in sorted(event["months"].items(), reverse=True)]
    return ordered


async def _known_name(db, name: str) -> tuple[str | None, list[str]]:
    """The stored name for what was typed, and the candidates when it is ambiguous or unknown."""
    if (await db.execute("select 1 from article_authors where name = ? limit 1", [name])).rows:
        return name, []
    alike = [r[0] for r in (await db.execute(ALIKE_SQL, [name])).rows]
    return (alike[0], []) if len(alike) == 1 else (None, alike)


async def person_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    if not await db.table_exists("article_authors"):
        raise NotFound("This archive has no people yet: run kinhtedothi reparse")
    lang = language(request)
    typed = " ".join(unquote(request.url_vars["name"]).split())[:MAX_NAME]
    name, candidates = await _known_name(db, typed)
    context = {"lang": lang, "_": lambda key, **kw: gettext(key, lang, **kw), "database": database,
               "name": name or typed, "paper_date": paper_date}
    if name is None:
        context["candidates"] = [{"name": c, "href": person_url(datasette, request, c)} for c in candidates]
        html = await datasette.render_template("kt_person.html", context, request=request, view_name="person")
        return Response.html(html, status=404)
    rows = [dict(r) for r in (await db.execute(ARTICLES_SQL, {"name": name})).rows]
    summary = dict((await db.execute(SUMMARY_SQL, {"name": name})).rows[0])
    for row in rows:
        row["href"] = with_lang(datasette.urls.row(database, "articles", str(row["id"])), request)
        row["role_label"] = gettext(f"people.role.{row['role']}", lang)
    context.update(
        events=_grouped(rows[:MAX_ARTICLES], lang), cut=len(rows) > MAX_ARTICLES, max_articles=MAX_ARTICLES,
        count=summary["articles"], first=paper_date(summary["first"], with_time=False),
        last=paper_date(summary["last"], with_time=False),
        printed=", ".join(sorted(set((summary["printed"] or "").split(",")) - {name})),
        list_url=with_lang(datasette.urls.path("/-/search") + "?" + urlencode({"person": name}), request),
        top_url=with_lang(datasette.urls.query(database, "top_authors") + "?event=", request))
    html = await datasette.render_template("kt_person.html", context, request=request, view_name="person")
    return Response.html(html)


async def article_people(datasette, database: str, article_id: int, request) -> dict:
    """``kt_people``: the article's people with their role and a link to their page."""
    db = datasette.get_database(database)
    if not await db.table_exists("article_authors"):
        return {}
    lang = language(request)
    rows = (await db.execute("select name, role from article_authors where article_id = ? order by position",
                             [article_id])).rows
    people = [{"name": r["name"], "role": gettext(f"people.role.{r['role']}", lang),
               "href": person_url(datasette, request, r["name"])} for r in rows]
    return {"kt_people": {"label": gettext("people.label", lang), "people": people}} if people else {}


ROUTES = [(r"^/-/person/(?P<name>[^/]{1,600})$", person_page)]
