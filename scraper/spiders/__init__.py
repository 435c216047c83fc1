"""Thin spiders: find URLs, hand responses to page objects."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from twisted.python.failure import Failure

# The spiders that read files (WARC files, saved pages): nothing goes over the network. No robots.txt, no delay, no
# retry, and no HTTP handler at all: a request that no file answers fails ("no handler"), it cannot reach the site
# (and Scrapy's HTTPS machinery is not even loaded: a tenth of a start).
LOCAL_FILE_SETTINGS: dict[str, Any] = {"ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                                       "RETRY_ENABLED": False,
                                       "DOWNLOAD_HANDLERS": {"http": None, "https": None}}


def path_list(paths: str | list[str] | None) -> list[str]:
    """A spider's ``paths`` argument: a comma-separated string (``scrapy crawl -a paths=…``) or a list."""
    return [p for p in (paths.split(",") if isinstance(paths, str) else paths or []) if p]


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about: Scrapy sets ``failure.request``, which Twisted's
    ``Failure`` does not declare."""
    return failure.request  # type: ignore[attr-defined]  # set by Scrapy at run time, unknown to Twisted's types


def failure_name(failure: Failure) -> str:
    """The failure's exception class name (``failure.type``, which Twisted types as optional)."""
    return type(failure.value).__name__
