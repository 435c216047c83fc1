"""An offline copy of a slice of the legacy kinhtedothi.vn site, served on loopback.

    from kinhtedothi.sample_site import SampleSite, expected_articles, expected_events
    with SampleSite() as site:
        ...  # crawl site.url; site.requests is the request log

    with SampleSite(generation="current") as site:
        ...  # today's site; expected_current_articles(), expected_current_events()

    with FakeWayback() as wb:
        ...  # crawl wb.url as if it were https://web.archive.org; expected_wayback_articles()

    with FakeCommonCrawl() as cc:
        ...  # crawl with --cc-index-url cc.url --cc-data-url cc.url (the same captures)

    warc_files()  # {name: bytes}: the same captures as WARC files

    with gapped_site() as site, gapped_wayback() as wb, gapped_commoncrawl() as cc:
        ...  # sources that disagree: expected_coverage("live" | "current" | "filled")
    write_saved_pages(folder)  # articles saved from a browser (.html, .html with _files/, .mhtml)

Standard library only (and warcio, for the fake Common Crawl's WARC files); imports nothing
from the project's crawler.
"""
from .server import SampleSite, serve_forever, fault_urls
from .truth import (expected_articles, expected_events, FAULT_URLS, expected_wayback_articles, wayback_captures,
                    WAYBACK_MISSING, TAG_PAGE, expected_tag_articles)
from .wayback import FakeWayback
from .truth_current import expected_current_articles, expected_current_events, outside_the_event
from .commoncrawl import FakeCommonCrawl, warc_files
from .saved_pages import write_saved_pages
from .truth_gaps import expected_coverage, gapped_commoncrawl, gapped_site, gapped_wayback

__all__ = ["SampleSite", "serve_forever", "expected_articles", "expected_events", "FAULT_URLS", "fault_urls",
           "FakeWayback", "expected_wayback_articles", "wayback_captures", "WAYBACK_MISSING",
           "TAG_PAGE", "expected_tag_articles", "expected_current_articles", "expected_current_events",
           "outside_the_event", "FakeCommonCrawl", "warc_files", "write_saved_pages", "expected_coverage",
           "gapped_site", "gapped_wayback", "gapped_commoncrawl"]
