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
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response

from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.i18n import gettext, language, with_lang
from datasette_kinhtedothi.archive.versions import (FIELDS, PAPER_CHANGES, article_versions, changed, is_edit,
                                                    paper_versions, previous_effective)
from datasette_kinhtedothi.archive.worddiff import MAX_TOKENS, diff_html
from kinhtedothi.vocab.dates import paper_date

RECENT_EDITS = 200   # articles listed on /-/edits
RECENT_SQL = f"""
select a.id as article_id, coalesce(a.edited_at, a.last_fetched_at) as changed_at, a.edit_count, a.title, a.url,
  a.version
from articles a
where a.edit_count > 0
order by changed_at desc, a.id desc
limit {RECENT_EDITS}
"""
# An archive made before readings were judged: every replaced version but a re-read counts, as it did then.
OLD_RECENT_SQL = f"""
select v.article_id, max(v.archived_at) as changed_at, count(*) as edit_count, a.title, a.url, a.version
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
        raise NotFound("No such article")  # said in the reader's words by the error page (chrome.py)
    return dict(rows[0])


def source_label(source: str | None, lang: str) -> str:
    """A source in words: the site, the Wayback Machine…; a file's provenance (``file:<name>``) as its name."""
    key = f"versions.source.{source or 'live'}"
    text = gettext(key, lang)
    return (source or "").split(":", 1)[-1] if text == key else text


def _common(datasette, request, database: str, article: dict) -> dict:
    lang = language(request)
    return {"lang": lang, "_": lambda key, **kw: gettext(key, lang, **kw), "database": database,
            "source_label": lambda source: source_label(source, lang),
            "article": article, "paper_date": paper_date,
            "article_url": with_lang(datasette.urls.row(database, "articles", str(article["id"])), request),
            "versions_url": page_url(datasette, request, f"/-/versions/{article['id']}")}


def kind_label(version: dict, lang: str) -> str:
    """What a reading brought, in words (``versions.change.<kind>``)."""
    return gettext(f"versions.change.{version['change'] or 'edit'}", lang)


def _origins(article: dict) -> dict[Any, list[str]]:
    """Which reading (its row id) each field of the kept copy came from: {row id: [fields]}."""
    try:
        origin = json.loads(article.get("field_origin") or "{}")
    except ValueError:
        return {}
    out: dict[Any, list[str]] = {}
    for field, source in origin.items():
        if field == "captions":
            for rid in dict.fromkeys(source if isinstance(source, list) else [source]):
                out.setdefault(rid, []).append("captions")
        elif field in FIELDS:
            out.setdefault(source, []).append(field)
    return out


async def versions_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    article = await _article(db, request.url_vars["article_id"])
    versions = await article_versions(db, article)
    context = _common(datasette, request, database, article)
    lang = context["lang"]
    kept = _origins(article)
    for version in versions:
        version["kind"] = kind_label(version, lang)
        version["kept"] = field_names(kept.get(version["row_id"], []), lang) if len(versions) > 1 else ""
        version["edited"] = field_names(version["edited_fields"], lang)
        before = previous_effective(versions, version)
        if before is not None:
            version["changes"] = changed(before, version)
            version["diff_url"] = page_url(datasette, request, f"/-/diff/{article['id']}",
                                           **{"from": before["number"], "to": version["number"]})
    paper = [v for v in versions if v["effective"] and v["change"] in PAPER_CHANGES]
    context.update(versions=versions, paper=paper, others=[v for v in versions if v not in paper],
                   show_others=request.args.get("all") == "1",
                   all_url=page_url(datasette, request, f"/-/versions/{article['id']}", all="1"),
                   raw_url=with_lang(datasette.urls.table(database, "article_versions")
                                     + "?" + urlencode({"article_id": article["id"]}), request))
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
    edits = [v for v in versions if is_edit(v)]
    shown = edits[-1] if edits else versions[-1]    # by default: the paper's latest edit, else the newest reading
    before = previous_effective(versions, shown)
    new = _number(request.args.get("to"), shown["number"], last)
    old = _number(request.args.get("from"), before["number"] if before and new == shown["number"]
                  else max(1, (new or last) - 1), last)
    context = _common(datasette, request, database, article)
    for version in versions:
        version["kind"] = kind_label(version, context["lang"])
    paper = [v for v in versions if v["effective"] and v["change"] in PAPER_CHANGES]
    context.update(versions=versions, paper=paper, others=[v for v in versions if v not in paper],
                   max_tokens=MAX_TOKENS)
    if old is None or new is None:
        context["error"] = gettext("diff.bad", context["lang"], n=last)
        html = await datasette.render_template("kt_diff.html", context, request=request, view_name="diff")
        return Response.html(html, status=400)
    older, newer = versions[old - 1], versions[new - 1]
    diffs = await asyncio.to_thread(_field_diffs, older, newer)  # bounded, but kept off the event loop
    consecutive = previous_effective(versions, newer) is older
    context.update(old=older, new=newer, diffs=diffs,
                   kind=kind_label(newer, context["lang"]) if consecutive else None,
                   unchanged=field_names([f for f in FIELDS if f not in {d["field"] for d in diffs}], context["lang"]))
    html = await datasette.render_template("kt_diff.html", context, request=request, view_name="diff")
    return Response.html(html)


async def edits_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    judged = "edit_count" in await db.table_columns("articles")
    rows = []
    if await db.table_exists("article_versions"):
        rows = [dict(r) for r in (await db.execute(RECENT_SQL if judged else OLD_RECENT_SQL)).rows]
    for row in rows:
        latest = (await db.execute(
            "select edited_fields from article_versions where article_id = ? and change = 'edit' and effective = 1 "
            "order by version desc limit 1" if judged else
            "select changed_fields from article_versions where article_id = ? and cause <> 'reparse' "
            "order by archived_at desc, id desc limit 1", [row["article_id"]])).rows
        row["fields"] = field_names(json.loads(latest[0][0] or "[]"), lang) if latest else ""
        row["article_url"] = with_lang(datasette.urls.row(database, "articles", str(row["article_id"])), request)
        row["diff_url"] = page_url(datasette, request, f"/-/diff/{row['article_id']}")
        row["versions_url"] = page_url(datasette, request, f"/-/versions/{row['article_id']}")
    context = {"lang": lang, "_": lambda key, **kw: gettext(key, lang, **kw), "database": database,
               "rows": rows, "paper_date": paper_date}
    html = await datasette.render_template("kt_edits.html", context, request=request, view_name="edits")
    return Response.html(html)


async def edit_context(datasette, database: str, article: dict, request) -> dict:
    """The article page's edited mark (``kt_edited``), the citation's version line (``kt_version``) and
    which earlier reading each kept field came from (``kt_kept``)."""
    db = datasette.get_database(database)
    lang = language(request)
    versions = await article_versions(db, article) if await db.table_exists("article_versions") else []
    if not versions:
        return {}
    versions_url = page_url(datasette, request, f"/-/versions/{article['id']}")
    newest = versions[-1]
    when = paper_date(newest["fetched_at"])
    total = paper_versions(versions)
    context: dict[str, Any] = {"kt_version": {
        "label": gettext("cite.version", lang),
        "text": gettext("cite.version_text", lang, n=total, total=total, when=when, readings=len(versions)),
        "short": gettext("cite.version_short", lang, n=total, when=when),
        "versions_url": versions_url}}
    edits = [v for v in versions if is_edit(v)]
    if edits:
        latest = edits[-1]
        before = previous_effective(versions, latest)
        context["kt_edited"] = {
            "text": gettext("versions.edited", lang, when=paper_date(latest["fetched_at"]),
                            fields=field_names(latest["edited_fields"] or changed(before, latest) if before else [],
                                               lang)),
            "diff_url": page_url(datasette, request, f"/-/diff/{article['id']}"),  # its default: the latest edit
            "diff_label": gettext("versions.see_diff", lang),
            "versions_url": versions_url,
            "versions_label": gettext("versions.all", lang, count=len(versions))}
    elif len(versions) > 1:
        context["kt_readings"] = {"text": gettext("versions.not_edited", lang, count=len(versions)),
                                  "versions_url": versions_url}
    by_number = {v["row_id"]: v for v in versions}
    kept = []
    for rid, fields in _origins(article).items():
        reading = by_number.get(rid)
        if reading is None or reading is newest:
            continue
        kept.append({"fields": field_names(fields, lang), "number": reading["number"],
                     "source": source_label(reading["source"], lang),
                     "when": paper_date(reading["fetched_at"]), "url": reading["url"]})
    if kept:
        context["kt_kept"] = {"label": gettext("article.kept", lang), "readings": kept}
    return context


ROUTES = [
    (r"^/-/versions/(?P<article_id>-?\d{1,18})$", versions_page),
    (r"^/-/diff/(?P<article_id>-?\d{1,18})$", diff_page),
    (r"^/-/edits$", edits_page),
]
