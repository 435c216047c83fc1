"""Site URLs: canonical form, article ids, and mapping onto a mirror.

The archive always stores the site's own URL (``https://kinhtedothi.vn/...``);
a mirror (``--base-url``) only changes where the bytes are fetched from.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

SITE = "https://kinhtedothi.vn"
SITE_HOST = "kinhtedothi.vn"
# Hosts that serve the same newspaper's pages; all map to SITE_HOST.
SITE_HOSTS = frozenset({"kinhtedothi.vn", "www.kinhtedothi.vn", "old.kinhtedothi.vn", "m.kinhtedothi.vn"})

# Legacy ``/<slug>-409318.html`` (id after a hyphen) and 2025 ``/<slug>.692315.html`` (id after a dot).
_ARTICLE_ID = re.compile(r"(?P<sep>[-.])(?P<id>\d{4,})\.html?$")
# A slug ending in a year is not an article id: ``…-nhiem-ky-2021-2026.html``, ``…-giai-doan-2020-2025.html``.
_YEAR = re.compile(r"^(19|20)\d\d$")
_YEAR_BEFORE = re.compile(r"(?:^|[-/])(?:19|20)\d\d$")
_FEED = re.compile(r"^/su-kien/(\d+)/[^/]+\.html?$")


def is_site_url(url: str) -> bool:
    """True for any URL on the newspaper's own hosts (not its sister sites)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in SITE_HOSTS


def absolute(url: str, base: str = SITE) -> str:
    """Resolve a link as the site writes it (relative, protocol-relative, http, www)."""
    url = url.strip()
    if url.startswith(("https://", "http://")) and " " not in url:
        return url  # already absolute: no need for urljoin's full parse
    return urljoin(base, url)


def site_url(url: str, *, keep_query: bool = True) -> str:
    """The site's https URL for a link, fragment dropped; query kept unless asked."""
    parts = urlsplit(absolute(url))
    host = (parts.hostname or "").lower()
    if host in SITE_HOSTS:
        host = SITE_HOST
        scheme = "https"
    else:
        scheme = parts.scheme
        host = parts.netloc
    query = parts.query if keep_query else ""
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def canonical_url(url: str) -> str:
    """An article's identity: https, bare host, no query string, no fragment."""
    return site_url(url, keep_query=False)


def article_id(url: str | None) -> int | None:
    """The site's article id: ``…-405813.html`` (legacy) or ``….692315.html`` (2025); None for ``/<slug>.html``.

    A 4-digit year closing a slug after another year (``…-nhiem-ky-2021-2026.html``) is not an id."""
    if not url:
        return None
    path = urlsplit(url).path
    match = _ARTICLE_ID.search(path)
    if not match:
        return None
    digits = match.group("id")
    if _YEAR.match(digits) and (_YEAR_BEFORE.search(path[:match.start()])
                                or match.group("sep") == "-" and len(digits) == 4
                                and _looks_like_year_slug(path[:match.start()])):
        return None
    return int(digits)


def _looks_like_year_slug(head: str) -> bool:
    """A slug whose words before a trailing 4-digit year read as a period (``nam``, ``giai-doan``, ``nhiem-ky``)."""
    words = head.rsplit("/", 1)[-1].split("-")
    return bool(words) and words[-1] in {"nam", "ky", "doan", "den", "tu", "khoa", "dot", "mua", "quy", "thang"}


def feed_id(url: str) -> int | None:
    """The numeric id of an event feed URL (``/su-kien/719/dai-dich-covid-19.html``)."""
    match = _FEED.match(urlsplit(url).path)
    return int(match.group(1)) if match else None


def is_feed_url(url: str) -> bool:
    return feed_id(url) is not None


def to_mirror(url: str, base_url: str | None) -> str:
    """Where to fetch a site URL from: the mirror's scheme and host, same path and query."""
    if not base_url or not is_site_url(url):
        return url
    parts, mirror = urlsplit(url), urlsplit(base_url)
    prefix = mirror.path.rstrip("/")
    return urlunsplit((mirror.scheme, mirror.netloc, prefix + (parts.path or "/"), parts.query, ""))


def from_mirror(url: str, base_url: str | None) -> str:
    """The site URL that a mirror URL stands for (inverse of ``to_mirror``)."""
    if not base_url:
        return url
    parts, mirror = urlsplit(url), urlsplit(base_url)
    if parts.netloc.lower() != mirror.netloc.lower():
        return url
    prefix = mirror.path.rstrip("/")
    path = parts.path[len(prefix):] if prefix and parts.path.startswith(prefix) else parts.path
    return urlunsplit(("https", SITE_HOST, path or "/", parts.query, ""))
