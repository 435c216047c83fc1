"""What the plugin adds to each page's template: the reader's language and its helpers (``kt_t`` a string
of the catalog, ``kt_has``, ``kt_href`` a link of ours keeping the chosen language, ``kt_lang_url`` this page in
the other language, ``kt_error_text`` an error in the reader's words), and per template the article
(row.html), the archives' summaries (index.html), the list's search state (table.html), localized column
descriptions, and the links beside a search's results (query.html)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from datasette_kinhtedothi.archive import column_texts, edits, home, list_search, people
from datasette_kinhtedothi.archive.article import article_context
from datasette_kinhtedothi.archive.chrome import error_text
from datasette_kinhtedothi.archive.facet_defs import FACETS, LIST_ORDER
from datasette_kinhtedothi.archive.i18n import gettext, gettext_markup, has, language, other_language_url, with_lang

SEARCH_QUERIES = {"search", "exact_search"}
# On an element holding the archive's words (a headline, a name, a passage): Vietnamese, never translated.
VI_DATA = Markup(' lang="vi" translate="no"')


def language_context(request: Any) -> dict[str, Any]:
    """The helpers every template of ours uses, for the visitor's language."""
    lang = language(request)
    return {"kt_lang": lang, "kt_other_lang": "en" if lang == "vi" else "vi",
            "kt_t": lambda key, **fields: gettext(key, lang, **fields),
            "kt_tm": lambda key, **fields: gettext_markup(key, lang, **fields),
            "kt_data": lambda value: Markup('<span lang="vi" translate="no">{}</span>').format(value),
            "kt_has": lambda key: has(key, lang),
            "kt_href": lambda url: with_lang(url, request),
            "kt_error_text": lambda message: error_text(message, lang),
            "kt_lang_url": other_language_url(request, lang) if request is not None else None,
            "kt_vi": VI_DATA,
            "kt_facet_titles": {f.list_name: gettext(f"facet.{f.name}", lang) for f in FACETS}}


async def template_context(template: str, database: str | None, table: str | None, request: Any,
                           datasette: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"kt_facet_order": LIST_ORDER, **language_context(request)}
    if request is None:
        return context
    lang = context["kt_lang"]
    if template == "row.html" and table == "articles" and database:
        found = await article_context(datasette, database, request.url_vars.get("pks", ""), lang, request)
        if found:
            context.update(found)
            context.update(await edits.edit_context(datasette, database, found["article"], request))
            context.update(await people.article_people(datasette, database, found["article"]["id"], request))
    elif template == "index.html":
        archives = []
        for name, db in datasette.databases.items():
            if not db.is_memory and await db.table_exists("articles") and await db.table_exists("events"):
                archives.append(await home.archive_summary(datasette, name, db, request))
                archives[-1].update(await home.home_extra(datasette, name, db, request, home.HIDDEN_QUERIES))
                archives[-1]["run_words"] = home.run_words(archives[-1]["last_run"], lang)
        context["archives"] = archives
    elif template == "table.html" and database and table:
        context["kt_list"] = list_search.list_context(datasette, request, lang, table)
    if template == "table.html" and database and table:
        localized = column_texts.localized_metadata(datasette.table_metadata(database, table), table, lang)
        if localized:
            context["metadata"] = localized
    elif template == "query.html" and database and table == "recently_changed":
        context["kt_query_page"] = {"href": with_lang(datasette.urls.path("/-/edits"), request),
                                    "label": gettext("home.edits_page", lang)}
    elif template == "query.html" and table in SEARCH_QUERIES and database and request.args.get(
            "q" if table == "search" else "exact"):
        q = request.args.get("q") or request.args.get("exact")
        search = datasette.urls.path("/-/search") + "?" + urlencode(
            {"q": q, **({"exact": "1"} if table == "exact_search" else {})})
        context["kt_search"] = {
            "q": q, "list_url": search,
            "feed_url": (datasette.urls.path("/-/search.atom") + "?" + urlencode({"q": q})
                         if table == "search" else None),
            "chart_url": datasette.urls.path("/-/chart") + "?" + urlencode({"q": q}) if table == "search" else None,
        }
    return context
