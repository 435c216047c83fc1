"""The words of completeness: what state a known article is in, why one is missing or refused, and the order
in which ``kinhtedothi crawl --fill-gaps`` asks the sources (docs/sources.md, "What the archive knows it lacks").

``pipelines.coverage`` decides the state of each known article; ``kinhtedothi coverage``, its JSON and the
archive's ``/-/coverage`` page speak of it with these names.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from kinhtedothi.vocab.sources import COMMONCRAWL, LIVE, WAYBACK


class State(StrEnum):
    """Where a known article stands."""

    ARCHIVED = "archived"   # a reading of it is in ``articles`` (from one source or more)
    MISSING = "missing"     # known to belong to the event, not archived
    REFUSED = "refused"     # known, and left out on purpose: not counted as missing


class Missing(StrEnum):
    """Why a known article is not archived."""

    NOT_FETCHED = "not-fetched"   # no source has been asked for it yet
    FAILED = "failed"             # the last try ended in an error that may pass (5xx, timeout, a damaged record)
    GONE = "gone"                 # the site answers 404 or 410, and no web archive asked has a copy
    NO_CAPTURE = "no-capture"     # no web archive asked has a copy; the site was not asked (or not yet)


class Refused(StrEnum):
    """Why the archive leaves a known address out (it is never asked for again by --fill-gaps)."""

    OUTSIDE_DATES = "outside-dates"     # a site-search result published outside the event's dates
    OFF_SITE = "off-site"               # it leads to another site
    TOO_LONG = "too-long"               # an address over MAX_URL_LENGTH, or a page over DOWNLOAD_MAXSIZE
    ROBOTS = "robots"                   # the site's robots.txt forbids it
    NOT_AN_ARTICLE = "not-an-article"   # the page is a gallery, a video, an index: no headline or no body


# The sources asked for a missing article, in this order: the site, then the web archives.
FILL_ORDER: tuple[str, ...] = (LIVE.name, WAYBACK.name, COMMONCRAWL.name)
# Scrapy's URLLENGTH_LIMIT: a longer address is never requested.
MAX_URL_LENGTH = 2083
WAYBACK_CALENDAR = "https://web.archive.org/web/*/"


def wayback_calendar(url: str) -> str:
    """The Wayback Machine's list of captures of an address, for a reader to check by hand."""
    return WAYBACK_CALENDAR + quote(url, safe=":/?&=%-._~")
