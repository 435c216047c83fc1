"""What the plugin adds to each page's template: the reader's language, and per template the
article (row.html), the archives' summaries (index.html), the list's search state (table.html),
localized column descriptions, and the links beside a search's results (query.html)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette_kinhtedothi.archive import column_texts, edits, home, list_search, people
from datasette_kinhtedothi.archive.article import article_context
from datasette_kinhtedothi.archive.facets import filter_url
from datasette_kinhtedothi.archive.i18n import gettext, language

SEARCH_QUERIES = {"search", "exact_search"}
FACET_ORDER = ["event", "published_at_year", "published_at_month", "section", "person", "tag"]


async def template_context(template: str, database: str | None, table: str | None, request: Any,
                           datasette: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"kt_facet_order": FACET_ORDER}
    if request is None:
        return context
    lang = language(request)
    context.update(kt_lang=lang, kt_t=lambda key, **fields: gettext(key, lang, **fields),
                   kt_lang_url=list_search.other_language_url(request, lang))
    if template == "row.html" and table == "articles" and database:
        found = await article_context(datasette, database, request.url_vars.get("pks", ""), lang)
        if found:
            context.update(found)
            context.update(await edits.edit_context(datasette, database, found["article"], request))
            context.update(await people.article_people(datasette, database, found["article"]["id"], request))
    elif template == "index.html":
        archives = []
        for name, db in datasette.databases.items():
            if not db.is_memory and await db.table_exists("articles") and await db.table_exists("events"):
                archives.append(await home.archive_summary(datasette, name, db))
                archives[-1].update(await home.home_extra(datasette, name, db, language(request),
                                                          home.HIDDEN_QUERIES))
                archives[-1]["run_words"] = home.run_words(archives[-1]["last_run"], lang)
        context["archives"] = archives
    elif template == "table.html" and table == "articles":
        context["kt_list"] = list_search.list_context(datasette, request, lang)
        context["human_description_en"] = None  # said in the reader's words by templates/table.html
    if template == "table.html" and database:
        localized = column_texts.localized_metadata(datasette.table_metadata(database, table), table, lang)
        if localized:
            context["metadata"] = localized
    elif template == "query.html" and table in SEARCH_QUERIES and database and request.args.get(
            "q" if table == "search" else "exact"):
        q = request.args.get("q") or request.args.get("exact")
        context["kt_search"] = {
            "q": q,
            "list_url": (filter_url(datasette, database, _search=q) if table == "search"
                         else filter_url(datasette, database, _exact=q)),
            "feed_url": (datasette.urls.query(database, "feed", format="atom") + "?" + urlencode({"q": q})
                         if table == "search" else None),
            "chart_url": datasette.urls.path("/-/chart") + "?" + urlencode({"q": q}) if table == "search" else None,
        }
    return context
