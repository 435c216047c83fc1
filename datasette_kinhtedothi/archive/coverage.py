"""``/-/coverage``: is this all of it? Per event, a bar of the articles archived against those known to belong to
it, then each missing one with why and a link to the Wayback Machine's list of its captures (to check by hand),
and the ones the archive refused. ``/-/coverage.json`` is what ``kinhtedothi coverage --json`` prints.

``pipelines.coverage`` decides everything (what is known, one story under several addresses counted once, the
state of each); this page only says it in the reader's language (the ``coverage.*`` words of the catalogs).
``?event=`` shows one event, ``?db=`` picks the database when several are served, ``?lang=en`` for English.
"""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import NotFound, Response

from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.edits import page_url, source_label
from datasette_kinhtedothi.archive.i18n import gettext, language
from kinhtedothi.vocab.coverage import Missing
from kinhtedothi.vocab.dates import paper_date
from pipelines.coverage import events_of, report

MAX_LISTED = 500      # missing (and refused) articles listed per event; the JSON has them all
MAX_SLUG = 200

def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def _entries(entries: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The missing or refused articles in the reader's words (at most MAX_LISTED)."""
    out = []
    for entry in entries[:MAX_LISTED]:
        notes = [gettext("coverage.learned", lang, when=paper_date(entry["learned_at"]))] if entry["learned_at"] \
            else []
        if entry.get("untried") and entry["reason"] != Missing.NOT_FETCHED:
            notes.append(gettext("coverage.untried", lang,
                                 sources=", ".join(source_label(s, lang) for s in entry["untried"])))
        out.append({**entry, "why": gettext(f"coverage.reason.{entry['reason']}", lang),
                    "last": paper_date(entry["last_try"]) if entry["last_try"] else "",
                    "notes": "; ".join(notes)})
    return out


def _event(event: dict[str, Any], lang: str) -> dict[str, Any]:
    known = event["known"]
    sources = ", ".join(f"{source_label(s, lang)} {n}" for s, n in event["archived_by_source"].items())
    span = None
    if event["oldest"] and event["newest"]:
        span = gettext("coverage.span", lang, oldest=paper_date(event["oldest"]["published_at"], with_time=False),
                       newest=paper_date(event["newest"]["published_at"], with_time=False))
    return {**event, "sources_text": gettext("coverage.sources", lang, sources=sources) if sources else "",
            "span": span, "missing_list": _entries(event["missing"], lang),
            "refused_list": _entries(event["refused"], lang),
            "cut": max(len(event["missing"]), len(event["refused"])) > MAX_LISTED,
            "widths": {"archived": _percent(event["archived"], known),
                       "refused": _percent(event["refused_count"], known),
                       "missing": _percent(event["missing_count"], known)}}


async def coverage_page(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    lang = language(request)
    slug = request.args.get("event") or None
    if slug is not None and len(slug) > MAX_SLUG:
        raise NotFound("No such event")

    def read(conn):
        if slug is not None and slug not in dict(events_of(conn)):
            return None
        return report(conn, [slug] if slug else None)

    found = await db.execute_fn(read)
    if found is None:
        raise NotFound("No such event")
    if request.url_vars.get("format") == "json":
        return Response.json(found)
    context = {"database": database, "lang": lang, "t": lambda key, **f: gettext(key, lang, **f),
               "events": [_event(e, lang) for e in found["events"]], "totals": found["totals"], "slug": slug,
               "json_url": page_url(datasette, request, "/-/coverage.json", event=slug),
               "all_url": page_url(datasette, request, "/-/coverage") if slug else None,
               "max_listed": MAX_LISTED}
    html = await datasette.render_template("kt_coverage.html", context, request=request, view_name="coverage")
    return Response.html(html)


ROUTES = [(r"^/-/coverage(\.(?P<format>json))?$", coverage_page)]
