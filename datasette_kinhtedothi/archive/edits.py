"""Edits you can see: the edited mark on an article, its versions, a word diff, recent edits.

* ``/-/versions/<article_id>``: every version the archive holds, when it was fetched, what changed;
* ``/-/diff/<article_id>?from=N&to=M``: each changed field, removed words in ``<del>``, added in ``<ins>``
  (default: the previous version against the current one);
* ``/-/edits``: recently edited articles, the diff one click away;
* ``edit_context``: the article page's edited mark and the citation's version line.

``?db=`` picks the database when several are served; ``?lang=en`` for English.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response

from datasette_kinhtedothi.archive import edits_text  # noqa: F401  (registers the words)
from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.i18n import gettext, language
from datasette_kinhtedothi.archive.versions import FIELDS, article_versions, changed, is_edit
from datasette_kinhtedothi.archive.worddiff import MAX_TOKENS, diff_html
from kinhtedothi.vocab.dates import paper_date

RECENT_EDITS = 200   # articles listed on /-/edits
RECENT_SQL = f"""
select v.article_id, max(v.archived_at) as changed_at, count(*) as replaced, a.title, a.url, a.version
from article_versions v join articles a on a.id = v.article_id
where v.cause <> 'reparse'
group by v.article_id
order by changed_at desc, v.article_id desc
limit {RECENT_EDITS}
"""


def page_url(datasette, request, path: str, **args) -> str:
    """A link to one of these pages, keeping ?db= and ?lang= when the visitor chose them."""
    for keep in ("db", "lang"):
        if request is not None and request.args.get(keep):
            args.setdefault(keep, request.args[keep])
    query = urlencode({k: v for k, v in args.items() if v is not None})
    return datasette.urls.path(path) + ("?" + query if query else "")


def field_names(fields: list[str], lang: str) -> str:
    return ", ".join(gettext(f"versions.field.{f}", lang) for f in fields)


async def _article(db, article_id: str) -> dict:
    rows = (await db.execute("select * from articles where id = ?", [int(article_id)])).rows
    if not rows:
        raise NotFound("No such article")
    return dict(rows[0])


def _common(datasette, request, database: str, article: dict) -> dict:
    lang = language(request)
    return {"lang": lang, "_": lambda key, **kw: gettext(key, lang, **kw), "database": database,
            "article": article, "paper_date": paper_date,
            "article_url": datasette.urls.row(database, "articles", str(article["id"])),
            "versions_url": page_url(datasette, request, f"/-/versions/{article['id']}")}


async def versions_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    article = await _article(db, request.url_vars["article_id"])
    versions = await article_versions(db, article)
    for older, newer in zip(versions, versions[1:]):
        newer["changes"] = changed(older, newer)
        newer["diff_url"] = page_url(datasette, request, f"/-/diff/{article['id']}",
                                     **{"from": older["number"], "to": newer["number"]})
    context = _common(datasette, request, database, article)
    context.update(versions=versions, raw_url=datasette.urls.table(database, "article_versions")
                   + "?" + urlencode({"article_id": article["id"]}))
    html = await datasette.render_template("kt_versions.html", context, request=request, view_name="versions")
    return Response.html(html)


def _number(value: str | None, default: int, last: int) -> int | None:
    if not value:  # None or ""
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 1 <= number <= last else None


def _field_diffs(older: dict, newer: dict) -> list[dict]:
    out = []
    for field in changed(older, newer):
        html, cut = diff_html(older["texts"].get(field), newer["texts"].get(field))
        out.append({"field": field, "html": html, "cut": cut})
    return out


async def diff_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    article = await _article(db, request.url_vars["article_id"])
    versions = await article_versions(db, article)
    last = len(versions)
    new = _number(request.args.get("to"), last, last)
    old = _number(request.args.get("from"), max(1, (new or last) - 1), last)
    context = _common(datasette, request, database, article)
    context.update(versions=versions, max_tokens=MAX_TOKENS)
    if old is None or new is None:
        context["error"] = gettext("diff.bad", context["lang"], n=last)
        html = await datasette.render_template("kt_diff.html", context, request=request, view_name="diff")
        return Response.html(html, status=400)
    older, newer = versions[old - 1], versions[new - 1]
    diffs = await asyncio.to_thread(_field_diffs, older, newer)  # bounded, but kept off the event loop
    context.update(old=older, new=newer, diffs=diffs,
                   unchanged=field_names([f for f in FIELDS if f not in {d["field"] for d in diffs}], context["lang"]))
    html = await datasette.render_template("kt_diff.html", context, request=request, view_name="diff")
    return Response.html(html)


async def edits_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    rows = [dict(r) for r in (await db.execute(RECENT_SQL)).rows] if await db.table_exists("article_versions") else []
    for row in rows:
        latest = (await db.execute(
            "select changed_fields from article_versions where article_id = ? and cause <> 'reparse' "
            "order by archived_at desc, id desc limit 1", [row["article_id"]])).rows
        row["fields"] = field_names(json.loads(latest[0][0] or "[]"), lang) if latest else ""
        row["article_url"] = datasette.urls.row(database, "articles", str(row["article_id"]))
        row["diff_url"] = page_url(datasette, request, f"/-/diff/{row['article_id']}")
        row["versions_url"] = page_url(datasette, request, f"/-/versions/{row['article_id']}")
    context = {"lang": lang, "_": lambda key, **kw: gettext(key, lang, **kw), "database": database,
               "rows": rows, "paper_date": paper_date}
    html = await datasette.render_template("kt_edits.html", context, request=request, view_name="edits")
    return Response.html(html)


async def edit_context(datasette, database: str, article: dict, request) -> dict:
    """The article page's edited mark (``kt_edited``) and the citation's version line (``kt_version``)."""
    db = datasette.get_database(database)
    lang = language(request)
    versions = await article_versions(db, article) if await db.table_exists("article_versions") else []
    if not versions:
        return {}
    current = versions[-1]
    when = paper_date(current["fetched_at"])
    context = {"kt_version": {
        "label": gettext("cite.version", lang),
        "text": gettext("cite.version_text", lang, n=current["number"], total=len(versions), when=when),
        "short": gettext("cite.version_short", lang, n=current["number"], when=when),
        "versions_url": page_url(datasette, request, f"/-/versions/{article['id']}")}}
    replaced = [v for v in versions if not v["current"]]
    if replaced:
        # the paper's latest edit (a re-reading by better parsers only when there is no edit)
        pool = [v for v in replaced if is_edit(v)] or replaced
        latest = max(pool, key=lambda v: (v["archived_at"] or "", v["number"]))
        after = versions[latest["number"]]  # the version that replaced it (numbers start at 1)
        kind = "versions.edited" if is_edit(latest) else "versions.reread"
        context["kt_edited"] = {
            "text": gettext(kind, lang, when=paper_date(latest["archived_at"]),
                            fields=field_names(changed(latest, after), lang)),
            "diff_url": page_url(datasette, request, f"/-/diff/{article['id']}",
                                 **({} if after["current"] else {"from": latest["number"], "to": after["number"]})),
            "diff_label": gettext("versions.see_diff", lang),
            "versions_url": context["kt_version"]["versions_url"],
            "versions_label": gettext("versions.all", lang, count=len(versions))}
    return context


ROUTES = [
    (r"^/-/versions/(?P<article_id>-?\d{1,18})$", versions_page),
    (r"^/-/diff/(?P<article_id>-?\d{1,18})$", diff_page),
    (r"^/-/edits$", edits_page),
]
