"""Site URLs: canonical form, article ids, and mapping onto a mirror.

The archive always stores the site's own URL (``https://kinhtedothi.vn/...``);
a mirror (``--base-url``) only changes where the bytes are fetched from.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from kinhtedothi.vocab.generations import GENERATIONS, NUMBERING_BY_SEPARATOR, newest_era

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
    """True for any URL on the newspaper's own hosts (not its sister sites); False for one that cannot be
    parsed (``http://[…``, as a damaged WARC record may hold)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
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


# Escapes that stand for characters with a meaning in a path: kept escaped (upper case), never decoded.
_RESERVED_ESCAPE = re.compile(r"(%(?:2[fF]|25|3[fF]|23))")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def normal_path(path: str) -> str:
    """One spelling of a path: percent escapes decoded, Unicode NFC, then percent-encoded as UTF-8.

    ``/bầu-cử.html``, ``/b%E1%BA%A7u-c%E1%BB%AD.html`` and its lower-case or decomposed (NFD)
    spellings are one address. Escapes of ``/``, ``%``, ``?`` and ``#`` stay as they are."""
    if path.isascii() and "%" not in path:
        return path
    parts = _RESERVED_ESCAPE.split(path)
    for i in range(0, len(parts), 2):
        text = unicodedata.normalize("NFC", unquote(parts[i], errors="surrogateescape"))
        parts[i] = quote(text, safe=_PATH_SAFE, errors="surrogateescape")
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].upper()
    return "".join(parts)


def canonical_url(url: str) -> str:
    """An article's identity: https, bare host, no query string, no fragment, one spelling of the path."""
    parts = urlsplit(site_url(url, keep_query=False))
    return urlunsplit((parts.scheme, parts.netloc, normal_path(parts.path), "", ""))


class NumberedId(NamedTuple):
    """A site id with the numbering it belongs to: ids compare only within one numbering."""
    numbering: str
    id: int


def numbered_id(url: str | None) -> NumberedId | None:
    """The address's id and its numbering (``legacy`` after a hyphen, ``cms2022`` after a dot); None without."""
    site_id = article_id(url)
    if site_id is None or not url:
        return None
    match = _ARTICLE_ID.search(urlsplit(url).path)
    assert match is not None  # article_id found it
    return NumberedId(NUMBERING_BY_SEPARATOR[match.group("sep")], site_id)


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


def address_era(url: str | None) -> int:
    """How recent the generation of the site an address belongs to is, by its form: an id in a numbering
    belongs to that numbering's generation; an address without an id to today's site."""
    numbered = numbered_id(url)
    if numbered is None:
        return newest_era()
    return next(g.era for g in GENERATIONS if g.numbering == numbered.numbering)
