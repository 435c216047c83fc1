"""Atom feeds of any query that returns ``atom_id``, ``atom_title`` and ``atom_updated``.

The column convention is datasette-atom's (``atom_link``, ``atom_content``,
``atom_author_name`` are optional), so queries written for it work here. Our
own renderer because a saved search must be subscribable before it has any
match: datasette-atom 0.9 fails on a query with no rows. Content is plain
text (``type="text"``), never HTML, so a feed reader has nothing to run.
Extra: ``atom_archive_id`` links each entry to its page in this archive.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from datasette.utils.asgi import Response

from datasette_kinhtedothi.archive.i18n import gettext, has, language
from kinhtedothi.vocab.dates import UTC, parse_iso

ATOM = "http://www.w3.org/2005/Atom"
REQUIRED = {"atom_id", "atom_title", "atom_updated"}
# An entry's id is the story's archive id, never its address: a story whose address changes (the site's
# 2022 and 2025 CMS moved every story) is the same entry to a feed reader. metadata.yml's feed query
# calls it as the SQL function kt_entry_id(id).
ENTRY_ID_PREFIX = "tag:kinhtedothi-archive,2026:article/"


def entry_id(article_id: int) -> str:
    """The Atom entry id of a story (RFC 4151 tag URI), unchanged when its address changes."""
    return f"{ENTRY_ID_PREFIX}{article_id}"


def can_render(columns) -> bool:
    return REQUIRED.issubset(columns or [])


def _moment(value) -> datetime:
    """Any ISO 8601 date (without offset: UTC); now if unreadable."""
    return parse_iso(str(value), assume=UTC) or datetime.now(UTC)


def _rfc3339(value) -> str:
    return _moment(value).isoformat(timespec="seconds")


# Characters XML 1.0 forbids (control characters an older crawl may have stored): a feed must parse.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF], None)


def _text(parent, tag, text, **attributes):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = "" if text is None else str(text).translate(_NOT_XML)
    return element


async def render(datasette, request, columns, rows, database, table, query_name, data):
    if not can_render(columns):
        return Response.text("This query needs the columns atom_id, atom_title and atom_updated", status=400)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    lang = language(request)   # the feed's title in the reader's language (the catalogs')
    key = f"query.{query_name}.title" if query_name else "home.title"
    title = gettext(key, lang) if has(key, lang) else None
    if title is None and query_name:
        title = ((await datasette.get_canned_query(database, query_name, request.actor)) or {}).get("title")
    title = title or datasette.metadata("title") or "Datasette"
    search = request.args.get("q") or request.args.get("term")
    _text(feed, "title", f"{title}: {search}" if search else title)
    _text(feed, "id", request.url)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": request.url})
    html_url = request.url.replace(".atom", "", 1)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": html_url})
    # the latest moment, whatever offset each row writes it with (not the greatest text)
    updated = max((_moment(row["atom_updated"]) for row in rows if row["atom_updated"]), default=datetime.now(UTC))
    _text(feed, "updated", updated.isoformat(timespec="seconds"))
    _text(feed, "generator", "Datasette")
    for row in rows:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", row["atom_id"])
        _text(entry, "title", row["atom_title"])
        _text(entry, "updated", _rfc3339(row["atom_updated"]))
        if "atom_archive_id" in columns and row["atom_archive_id"] is not None:
            path = datasette.urls.row(database, "articles", str(row["atom_archive_id"]))
            href = datasette.absolute_url(request, path)
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": href})
            if "atom_link" in columns and row["atom_link"]:
                ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "related", "href": row["atom_link"]})
        elif "atom_link" in columns and row["atom_link"]:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": row["atom_link"]})
        if "atom_author_name" in columns and row["atom_author_name"]:
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            _text(author, "name", row["atom_author_name"])
        if "atom_content" in columns and row["atom_content"]:
            _text(entry, "summary", row["atom_content"], type="text")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                    content_type="application/atom+xml; charset=utf-8")
