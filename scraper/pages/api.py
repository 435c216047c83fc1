"""The site's JSON endpoints: category paging (``/api/category/<id>/paging/<n>``) and search.

Both answers are hostile input: they are bounded (size, number of items), and anything that is
not the expected shape reads as no items, never as an error that stops the crawl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kinhtedothi.vocab.text import clean
from scraper.pages.listing import is_article_path
from kinhtedothi.vocab.urls import absolute, canonical_url, is_site_url

MAX_JSON_BYTES = 5_000_000
MAX_ITEMS = 500


@dataclass(frozen=True)
class ApiEntry:
    url: str
    title: str | None
    sapo: str | None
    published: str | None    # ISO (paging) or None (search gives no date)


def _load(body: bytes) -> Any:
    if len(body) > MAX_JSON_BYTES:
        raise ValueError(f"JSON answer of {len(body)} bytes is over the {MAX_JSON_BYTES} byte limit")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except RecursionError:  # arrays or objects nested past Python's recursion limit: no answer of the site's
        raise ValueError("JSON answer nested too deep to read") from None


def _field(obj: dict, *names: str) -> Any:
    """A field by any of its spellings (``Url`` / ``url``)."""
    for name in names:
        for key in (name, name.lower(), name[:1].lower() + name[1:]):
            if key in obj:
                return obj[key]
    return None


def _entries(rows: Any, base: str) -> list[ApiEntry]:
    out: dict[str, ApiEntry] = {}
    for row in rows[:MAX_ITEMS] if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        href = _field(row, "Url")
        if not isinstance(href, str) or not href.strip():
            continue
        url = canonical_url(absolute(href, base))
        if not (is_site_url(url) and is_article_path(url)):
            continue
        title, sapo, when = (_field(row, n) for n in ("Title", "Sapo", "PublishedDate"))
        intro = _field(row, "Intro")
        out.setdefault(url, ApiEntry(url, clean(title) if isinstance(title, str) else None,
                                     clean(sapo if isinstance(sapo, str)
                                           else intro if isinstance(intro, str) else None),
                                     when if isinstance(when, str) else None))
    return list(out.values())


def paging_entries(body: bytes, base: str = "https://kinhtedothi.vn/") -> list[ApiEntry]:
    """``/api/category/<id>/paging/<n>``: an array of {Title, Sapo, PublishedDate, Url, CatName}."""
    data = _load(body)
    if isinstance(data, dict):  # tolerate a wrapper object
        data = _field(data, "Data", "Items") or []
    return _entries(data, base)


def search_entries(body: bytes, base: str = "https://kinhtedothi.vn/") -> list[ApiEntry]:
    """``/api/articles/search-article``: an object whose ``items`` are {title, intro, url, thumbnail}."""
    data = _load(body)
    return _entries(_field(data, "Items") if isinstance(data, dict) else data, base)
