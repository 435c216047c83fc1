"""How long the crawler decides to wait before a retry: Retry-After, the doubling backoff and its cap."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from scraper.meta import THROTTLE
from scraper.middlewares import BackoffRetryMiddleware

pytestmark = pytest.mark.fast


def middleware(**settings) -> BackoffRetryMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_BACKOFF_BASE": 2.0, "RETRY_BACKOFF_MAX": 120.0,
                                         "WAYBACK_429_WAIT": 60.0, **settings})
    return BackoffRetryMiddleware.from_crawler(crawler)


def answer(status: int, retries: int = 0, throttle: str | None = None, **headers) -> tuple[Request, Response]:
    request = Request("https://kinhtedothi.vn/a-1.html", meta={"retry_times": retries, THROTTLE: throttle})
    return request, Response(request.url, status=status, headers=headers, request=request)


def test_the_wait_doubles_with_each_retry_from_the_base():
    mw = middleware()
    assert [mw.delay_for(*answer(503, retries=n)) for n in range(4)] == [2.0, 4.0, 8.0, 16.0]


def test_the_doubling_stops_at_the_cap():
    mw = middleware(RETRY_BACKOFF_MAX=10.0)
    assert [mw.delay_for(*answer(503, retries=n)) for n in range(2, 7)] == [8.0, 10.0, 10.0, 10.0, 10.0]


def test_retry_after_in_seconds_is_obeyed_when_longer_than_the_backoff():
    mw = middleware()
    assert mw.delay_for(*answer(429, **{"Retry-After": "30"})) == 30.0
    assert mw.delay_for(*answer(429, retries=3, **{"Retry-After": "1"})) == 16.0  # never shorter than the backoff


def test_retry_after_as_an_http_date_is_counted_from_now():
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=45), usegmt=True)
    wait = middleware().delay_for(*answer(503, **{"Retry-After": when}))
    assert 30 < wait <= 45


def test_a_garbled_retry_after_falls_back_to_the_backoff():
    assert middleware().delay_for(*answer(503, **{"Retry-After": "soon, maybe"})) == 2.0


def test_a_huge_retry_after_from_the_site_is_capped():
    assert middleware().delay_for(*answer(429, **{"Retry-After": "86400"})) == 120.0


def test_wayback_429s_in_a_row_double_the_hold_and_a_success_resets_it():
    mw = middleware(WAYBACK_429_WAIT=60.0)
    waits = []
    for status in (429, 429, 429, 200, 429):
        request, response = answer(status, throttle="wayback")
        mw.note_answer(request, response)  # as process_response counts them
        if status == 429:
            waits.append(mw.delay_for(request, response))
    assert waits == [60.0, 120.0, 240.0, 60.0]  # beyond RETRY_BACKOFF_MAX: the archive's rules come first


def test_common_crawl_holds_on_503s_and_429s_in_a_row_and_a_wayback_503_is_an_ordinary_retry():
    mw = middleware(COMMONCRAWL_THROTTLE_WAIT=30.0)
    waits = []
    for status in (503, 429, 200, 503):
        request, response = answer(status, throttle="commoncrawl")
        mw.note_answer(request, response)
        if status != 200:
            waits.append(mw.delay_for(request, response))
    assert waits == [30.0, 60.0, 30.0]
    assert mw.delay_for(*answer(503, throttle="wayback")) == 2.0  # only its 429 means "slow down"
    assert mw.delay_for(*answer(429)) == 2.0  # the site's own 429: the backoff
