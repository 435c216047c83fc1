"""What spiders hand to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArticleItem:
    """One fetched article page: raw extraction in, normalized record out."""

    fetched_url: str                   # site URL the bytes came from (after redirects)
    link_urls: list[str]               # the URLs that led here (feed link, redirect chain)
    extracted: dict[str, Any]          # page object output, raw text
    raw_page_id: int | None = None     # the stored response it was parsed from
    source: str = "live"               # a name of kinhtedothi.vocab.sources.KINDS: "live" (the site or a mirror) …
    capture_timestamp: str | None = None   # capture time in a web archive (YYYYMMDDhhmmss)
    capture_url: str | None = None         # where the capture's bytes were read
    article: dict[str, Any] | None = None   # set by NormalizePipeline
    warnings: list[str] = field(default_factory=list)


@dataclass
class FeedLinkItem:
    """An article link seen on a page of an event feed."""

    event_slug: str
    url: str          # canonical article URL as linked
    feed_page: str    # the listing page it was on
    position: int     # 1-based order on that page


@dataclass
class EventItem:
    """An event of the catalog, and the feed URL the crawl found for it."""

    slug: str
    name: str
    feed_url: str | None
    found_by: str     # "bar" (matched by name), "tag", "search", "fallback" (catalog URL) or "not-found"


@dataclass
class CrawlErrorItem:
    """A URL the crawl could not archive, and why."""

    url: str
    status: int | None
    reason: str
    kind: str = "error"   # "error"; "missing": the Wayback Machine has no capture of it;
                          # "outside-dates": a search result published outside the event's dates
    event_slug: str | None = None   # the event an "outside-dates" result was refused for


@dataclass
class FeedEndItem:
    """A feed was walked from its first page to its last (no next link) in this run."""

    event_slug: str
