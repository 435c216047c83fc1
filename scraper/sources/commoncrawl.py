"""Common Crawl: the feeds and articles in its monthly crawls (its index, its WARC records by byte range)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import COMMONCRAWL
from scraper.sources.base import CAPTURES, EVENTS, FEED_EVENT, FEED_URLS, Plan, Source, with_option
from scraper.throttle import ThrottlePolicy

SLOT = "commoncrawl"  # one download slot for the index and the data host: one request at a time in all
# Its index server is shared by many users and its data host answers 503 "slow down" when overloaded.
THROTTLE = ThrottlePolicy(
    name="commoncrawl", slots={SLOT: "COMMONCRAWL_DELAY"}, statuses=frozenset({429, 503}),
    wait_setting="COMMONCRAWL_THROTTLE_WAIT", retry_times_setting="COMMONCRAWL_RETRY_TIMES",
    holds_stat=Stat.COMMONCRAWL_HOLDS, message="Common Crawl asked us to slow down: sending it nothing for %.1f s")

CRAWLS = click.Option(["--crawls"], metavar="CC-MAIN-…,…", help="Common Crawl: the monthly crawls to read "
                                                                "(default: every crawl of 2020-2022)")
INDEX_URL = click.Option(["--cc-index-url"], default="https://index.commoncrawl.org", show_default=True,
                         help="Common Crawl: the index server (or a mirror, or a fake)")
DATA_URL = click.Option(["--cc-data-url"], default="https://data.commoncrawl.org", show_default=True,
                        help="Common Crawl: where the WARC files are read by byte range")
# No delays: the tests that use the fake check that a crawl runs; politeness is tests/test_commoncrawl.py's.
FAKE_SETTINGS = ["-s", "COMMONCRAWL_DELAY=0", "-s", "COMMONCRAWL_THROTTLE_WAIT=0.05", "-s", "RETRY_BACKOFF_BASE=0.05"]


def plan(options: dict[str, Any], settings: Any, db: Path) -> Plan:
    from scraper.commoncrawl import crawl_list

    try:
        crawl_list(options.get("crawls"))
    except ValueError as error:
        raise click.ClickException(f"--crawls: {error}") from None
    index_url, data_url = options["cc_index_url"], options["cc_data_url"]
    arguments = dict(index_url=index_url, data_url=data_url, crawls=options.get("crawls"),
                     events=options.get("events"), captures=options.get("captures", "all"),
                     feed_urls=list(options.get("feed_urls") or ()), event=options.get("feed_event"))
    return Plan(arguments, f"reading Common Crawl ({index_url}, {data_url}) into {db} (one request at a time, "
                           f"{settings.getfloat('COMMONCRAWL_DELAY')}s apart at least)")


@contextmanager
def fake(argv: list[str], paths: list[Path]) -> Iterator[list[str]]:
    """The fake Common Crawl on loopback (the fake Wayback Machine's captures), every crawl it holds."""
    from kinhtedothi.sample_site import FakeCommonCrawl

    with FakeCommonCrawl() as cc:
        argv = with_option(with_option(argv, "--cc-index-url", cc.url), "--cc-data-url", cc.url)
        yield [*with_option(argv, "--crawls", ",".join(cc.crawls)), *FAKE_SETTINGS]


SOURCE = Source(
    kind=COMMONCRAWL, summary="its captures in Common Crawl",
    spider_path="scraper.spiders.commoncrawl:CommonCrawlSpider",
    options=(CRAWLS, INDEX_URL, DATA_URL, CAPTURES, EVENTS, FEED_URLS, FEED_EVENT), plan=plan, fake=fake,
    throttle=THROTTLE, examples=("kinhtedothi crawl --source commoncrawl --crawls CC-MAIN-2021-17,CC-MAIN-2021-21",),
    address_options=("cc_index_url", "cc_data_url"))
