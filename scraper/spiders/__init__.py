"""Thin spiders: find URLs, hand responses to page objects."""

from __future__ import annotations

from scrapy import Request
from twisted.python.failure import Failure


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about: Scrapy sets ``failure.request``, which Twisted's
    ``Failure`` does not declare."""
    return failure.request  # type: ignore[attr-defined]  # set by Scrapy at run time, unknown to Twisted's types


def failure_name(failure: Failure) -> str:
    """The failure's exception class name (``failure.type``, which Twisted types as optional)."""
    return type(failure.value).__name__
