"""Routing of today's site (``SampleSite(generation="current")``): see current_data."""
import re
import unicodedata

from . import current_data as D
from . import render_current as R

JSON = "application/json; charset=utf-8"
TAG_RE = re.compile(r"^/tag/([a-z0-9-]+)/?$")
PAGING_RE = re.compile(r"^/api/category/(\d+)/paging/(\d+)$")
SEARCH_PATH = "/api/articles/search-article"


def fold(text):
    """Lower case, no diacritics, đ -> d, words separated by one space."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _int(query, name, default):
    try:
        return int(query.get(name, [default])[0])
    except (TypeError, ValueError):
        return default


def route(path, query, not_found, layout=None):
    """-> (status, headers, body) for a path of today's site; ``layout="unknown"``: listings in a redesign."""
    if path in ("/", "/index.html"):
        return 200, {}, R.home()
    m = TAG_RE.match(path)
    if m:
        feed = next((f for f, (slug, _, _) in D.TAGS.items() if slug == m.group(1)), None)
        if m.group(1) in D.EMPTY_TAGS:
            return 200, {}, R.empty_tag_page(m.group(1))
        if feed is None:
            return not_found()
        html = R.tag_page(feed)
        return 200, {}, R.unknown_cards(html) if layout == "unknown" else html
    m = PAGING_RE.match(path)
    if m:
        stories = D.paging(int(m.group(1)), int(m.group(2)))
        if stories is None:
            return not_found()
        name = next(n for _, n, cid in D.TAGS.values() if cid == int(m.group(1)))
        return 200, {"Content-Type": JSON}, R.paging_json(stories, name)
    if path == SEARCH_PATH:
        words, page, size = fold(query.get("freeWord", [""])[0]), _int(query, "page", 1), _int(query, "fetch", 10)
        found = D.search(words, page, size)
        return 200, {"Content-Type": JSON}, R.search_json(found, len(D.search(words, 1, 10 ** 6)))
    if path in D.MOVED:
        return 301, {"Location": D.MOVED[path]}, ""
    if path in D.GONE:
        return not_found()
    a = D.BY_CURRENT_PATH.get(path)
    return (200, {}, R.article(a)) if a else not_found()
