"""The one place that touches Scrapy's inner state, so that a Scrapy upgrade that changes it breaks here
only: the downloader's slots (hold one, read the delay it uses) and the retry of a request the way
Scrapy's RetryMiddleware makes it."""

from __future__ import annotations

from time import monotonic
from typing import Any, Iterable

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request


def retry_request(middleware: RetryMiddleware, request: Request, reason: str | Exception) -> Request | None:
    """A copy of ``request`` to send again, or None when its retries are spent: what RetryMiddleware's private
    ``_retry`` does, through Scrapy's public ``get_retry_request`` (the request's meta may override the
    middleware's numbers)."""
    assert middleware.crawler.spider is not None
    return get_retry_request(
        request, reason=reason, spider=middleware.crawler.spider,
        max_retry_times=request.meta.get("max_retry_times", middleware.max_retry_times),
        priority_adjust=request.meta.get("priority_adjust", middleware.priority_adjust),
        give_up_log_level=request.meta.get("give_up_log_level", middleware.give_up_log_level))


def hold_slots(crawler: Any, names: Iterable[str], wait: float) -> None:
    """Let the named download slots send nothing for ``wait`` seconds: a slot's delay counts from the
    moment it last sent a request (``lastseen``), so that moment is moved into the future."""
    wanted = set(names)
    for key, slot in crawler.engine.downloader.slots.items():
        if key in wanted:
            slot.lastseen = max(slot.lastseen, monotonic() + wait)


def slot_state(crawler: Any, key: str | None) -> dict[str, Any] | None:
    """The delay, jitter and concurrency the downloader uses for a slot (None before its first request)."""
    slot = crawler.engine.downloader.slots.get(key) if key else None
    if slot is None:
        return None
    return {"delay": slot.delay, "jitter": slot.jitter, "concurrency": slot.concurrency}
