"""The ``request.meta`` keys of our own, by name: what a spider tells the middlewares (and its own later
callbacks) about a request. Scrapy's own keys (``download_slot``, ``dont_redirect``, ``max_retry_times``,
``handle_httpstatus_list`` …) keep the names Scrapy documents."""

from typing import Final

# What the request is for (spiders -> RawPageMiddleware, the retry middleware)
PAGE_KIND: Final = "page_kind"              # "home", "feed", "article", "cdx", "redirect", "robots" …
SOURCE: Final = "source"                    # the source the page is filed under (kinhtedothi.vocab.sources)
THROTTLE: Final = "throttle"                # the name of the source's throttle policy (scraper.throttle)
# Where the bytes come from (spiders and middlewares -> RawPageMiddleware)
ORIGINAL_URL: Final = "original_url"        # the site page a capture or a file holds
CAPTURE_TIMESTAMP: Final = "capture_timestamp"  # when a capture or a file was made (YYYYMMDDhhmmss, UTC)
FETCHED_FROM: Final = "fetched_from"        # where the bytes were read: the mirror, the capture, the file
LOCAL_RECORD: Final = "local_record"        # a record of a local file that answers the request (LocalRecord)
CC_RECORD: Final = "cc_record"              # a byte range of Common Crawl's data host: one WARC record
CC_TARGET: Final = "cc_target"              # the address the index named for it: the record's WARC-Target-URI
# What became of it (middlewares -> spiders)
RAW_PAGE_ID: Final = "raw_page_id"          # the raw_pages row holding the response
FROM_ARCHIVE: Final = "from_archive"        # answered from raw_pages: stored already
RAW_DEFERRED: Final = "raw_deferred"        # a compressed answer, stored once decoded
# The live crawl's walk (EventsSpider and its TodaysSite half)
LINK_URL: Final = "link_url"                # the article link that led here (before redirects)
EVENT_SLUG: Final = "event_slug"
STORED_FEED_URL: Final = "stored_feed_url"  # a feed read from the address stored by an earlier run
WALK: Final = "walk"                        # the first page of the feed walk this page belongs to
SEARCH_EVENT: Final = "search_event"        # found by the site search for this event: checked against its dates
FEED_PAGE: Final = "feed_page"              # the listing page a search result was on
POSITION: Final = "position"                # its position there
LISTING: Final = "listing"                  # the listing page a "Xem thêm" JSON page continues
# The web archives' walk (WaybackSpider, CommonCrawlSpider)
SUBJECT: Final = "subject"                  # what a CDX or index query is about
PAGINATION: Final = "pagination"            # a query for a next page the prefix listing did not name
CC_STATE: Final = "cc_state"                # an index query's progress through the crawls and their pages
CC_CAPTURES: Final = "cc_captures"          # the captures gathered from every crawl
