"""The archive's Datasette plugin: a newspaper archive's pages on top of Datasette.

This module holds only the hook implementations (the ``kinhtedothi_archive`` entry point); each
hands its work to the module of that job:

* the facets, defined once (``facet_defs.py``) for the search page and the articles list; the list's
  facet classes and the ``?_event=`` / ``?_tag=`` / ``?_person=`` filters they toggle (``facets.py``),
  with the list's search (``list_search.py``);
* the article page: the body sanitized again, pictures with captions, events
  and tags as links, a citation block (``article.py``, ``templates/row.html``);
* a home page with a search box and the events (``home.py``, ``templates/index.html``);
  what every template is given (``template_vars.py``);
* ``/-/chart``: articles per month per event (``chart.py``); ``/-/search`` (``search_page.py``);
  ``/-/coverage``: per event, the articles archived of those known, the missing ones and why (``coverage.py``);
  people, edits and the CSV export (``people.py``, ``edits.py``, ``export.py``);
* places (the place facet is a facet definition): a place's page ``/-/place/<name>`` (``place_page.py``), the
  map ``/-/map`` (``places_map.py``, which also serves Leaflet);
* Atom feeds of saved searches (``atom.py``);
* ``/robots.txt`` (no crawling, ``robots.py``); security headers and a strict Content-Security-
  Policy on the pages that show scraped markup (``headers.py``); a 405 for anything but a read
  (``guard.py``); memory-mapped reads and the exact-search fallback (``reads.py``); table cells
  (``cells.py``); CSV cells no spreadsheet runs (``csv_cells.py``);
* bounds in bytes on every query (``datasette_kinhtedothi/limits.py``), and a clear message instead of a
  500 for what a visitor sent or a damaged file (``failures.py``).

Nothing here writes to the database.
"""

from __future__ import annotations

from datasette import hookimpl

from datasette_kinhtedothi import limits
from datasette_kinhtedothi.archive import (atom, cells, chart, chrome, coverage, edits, export, failures, guard,
                                           list_search, people, place_page, places_map, reads, search_page)
from datasette_kinhtedothi.archive.facet_defs import list_metadata, merged_metadata
from datasette_kinhtedothi.archive.facets import FACET_CLASSES, through_filters
from datasette_kinhtedothi.archive.robots import robots
from datasette_kinhtedothi.archive.template_vars import template_context


@hookimpl
def startup(datasette):
    places_map.take_over_leaflet()   # Leaflet's files without datasette-leaflet's inline script on every page
    failures.quiet_datasette_tracebacks()   # no traceback with local variables for each refused request


@hookimpl
def prepare_connection(conn):
    limits.bound(conn)
    reads.memory_map(conn)
    conn.create_function("kt_entry_id", 1, atom.entry_id, deterministic=True)  # metadata.yml's feed query


@hookimpl
def canned_queries(datasette, database):
    async def inner():
        return await reads.fallback_queries(datasette, database)

    return inner


@hookimpl
def get_metadata(datasette, key, database, table):
    """The articles list's facets, from the facet definitions (``facet_defs``)."""
    names = [database] if database else [name for name in datasette.databases if name != "_internal"]
    return merged_metadata(list_metadata(name) for name in names)


@hookimpl
def register_facet_classes():
    return FACET_CLASSES


@hookimpl
def filters_from_request(request, database, table, datasette):
    return list_search.combine(through_filters(request, database, table, datasette),
                               list_search.date_filters(request, table),
                               list_search.search_filter(request, database, table, datasette))


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "atom", "render": atom.render, "can_render": atom.can_render}


@hookimpl
def register_routes():
    return [
        (r"^/robots\.txt$", robots),
        (r"^/-/chart$", chart.chart_page),
        *edits.ROUTES, *people.ROUTES, *export.ROUTES,  # people, edits and the search export (issue 8)
        *place_page.ROUTES, *places_map.ROUTES,  # places: a place's page, the map, Leaflet's files (issue 22)
        *coverage.ROUTES,  # is this all of it? (issue 21)
        (r"^/-/search(\.(?P<format>json|atom))?$", search_page.search_page),
    ]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        return guard.read_only(datasette, app)

    return wrap


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("kinhtedothi-archive", "archive.css")]


@hookimpl
def handle_exception(datasette, request, exception):
    async def inner():
        answer = await failures.response_for(datasette, request, exception)  # what a visitor or the file caused
        if answer is None:
            page = chrome.error_page(datasette, request, exception)  # Datasette's 4xx in the reader's language
            answer = await page() if page is not None else None
        failures.log_failure(request, exception, failures.status_of(exception, answer.status if answer else None))
        return answer

    return inner


@hookimpl
def extra_js_urls(datasette):
    return [datasette.urls.static_plugins("kinhtedothi-archive", "archive.js")]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render(row, value, column, table, database, datasette)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        return await template_context(template, database, table, request, datasette)

    return inner


places_map.take_over_leaflet(loading=True)   # datasette-leaflet's hook off as Datasette loads its plugins
