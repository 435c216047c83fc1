"""Datasette's own words in the reader's language: its error messages (the rest of its pages are the
archive's templates, whose words are in the catalogs)."""

from __future__ import annotations

import re
from typing import Any

from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup, escape

from datasette_kinhtedothi.archive.i18n import gettext

# Datasette's messages (and the plugin's own English ones) -> catalog key; a named group is a field.
ERRORS = [
    (re.compile(r"^Record not found$"), "error.record_not_found"),
    (re.compile(r"^Table not found: (?P<name>.*)$", re.S), "error.table_not_found"),
    (re.compile(r"^Database not found: (?P<name>.*)$", re.S), "error.database_not_found"),
    (re.compile(r"^Database not found$"), "error.database_not_found_plain"),
    (re.compile(r"^No such article$"), "error.no_article"),
    (re.compile(r"^No archive database here$"), "error.no_archive"),
    (re.compile(r"^This archive has no people yet.*$", re.S), "error.no_people"),
    (re.compile(r"^Page not found$|^Not found$|^404 Not Found$"), "error.page_not_found"),
    (re.compile(r"^Canned query not found: (?P<name>.*)$", re.S), "error.query_not_found"),
]


def error_text(message: object, lang: str) -> Markup:
    """An error in the reader's language; a message the catalogs do not know is shown as Datasette wrote it,
    marked as English."""
    text = str(message or "")
    for pattern, key in ERRORS:
        match = pattern.match(text.strip())
        if match:
            return Markup(escape(gettext(key, lang, **{k: v[:200] for k, v in match.groupdict().items()})))
    if lang != "en" and re.search(r"[A-Za-z]{3}", text) and not re.search(r"[à-ỹđĐ]", text):
        return Markup('<span lang="en">{}</span>').format(text)
    return Markup(escape(text))


def error_page(datasette: Any, request: Any, exception: Exception):
    """A 4xx page in the reader's language, with the language switch (Datasette's own handler renders its
    error page without the plugins' template variables); None for JSON, and for 5xx (Datasette's handler
    prints the traceback)."""
    if request is None or request.path.split("?")[0].endswith(".json"):
        return None
    title = None
    if isinstance(exception, Base400):
        status, message = exception.status, exception.args[0] if exception.args else ""
    elif isinstance(exception, DatasetteError) and exception.status < 500:
        status, message, title = exception.status, exception.message, exception.title
        if exception.message_is_html:
            message = Markup(message)
    else:
        return None

    async def inner():
        html = await datasette.render_template(
            "error.html", {"ok": False, "error": message, "status": status, "title": title}, request=request)
        return Response.html(html, status=status)

    return inner
