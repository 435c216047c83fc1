"""Polite defaults for crawling kinhtedothi.vn.

Every setting can be overridden with ``-s NAME=value`` (scrapy or kinhtedothi
crawl) or with an environment variable ``KINHTEDOTHI_<NAME>``.
"""

import os

BOT_NAME = "kinhtedothi-archive"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# Where the archive lives and where the site is fetched from (None = the live site).
ARCHIVE_DB = "archive.db"
BASE_URL = None

# Manners (docs/site.md): say who we are, obey robots.txt, one request at a time per host.
CONTACT_URL = "https://github.com/kinhtedothi-archive/kinhtedothi-archive"
USER_AGENT = f"kinhtedothi-archive/0.1 (newsroom event archive; +{CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False

# What a site can make us do (docs/security.md). A newspaper page is 100-400 KB; anything over
# DOWNLOAD_MAXSIZE (also once decompressed: Scrapy's HttpCompressionMiddleware checks it while
# inflating) is refused and recorded in crawl_errors, never held in memory.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# One feed walk reads at most this many pages, and stops early at a page whose links were all
# seen before in the same walk (a pagination that only changes a query parameter).
MAX_FEED_PAGES = 300

# One request at a time per host, whatever --delay says: with a delay of exactly 0, Scrapy's
# downloader hands a host's queued requests out in a burst before any counts as in flight (seen:
# 3-4 at once); any positive delay makes it take one at a time. `kinhtedothi crawl` never goes
# below this.
MIN_DOWNLOAD_DELAY = 0.001

# Retries with backoff on 429 and 5xx (and timeouts, connection errors, empty answers).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0
HTTPERROR_ALLOW_ALL = False

# How often archived articles are fetched again to catch edits (pipelines/recheck.py).
RECHECK_SCHEDULE = "2d:6h, 7d:1d, 30d:7d, 365d:30d, *:180d"

# The Wayback Machine (kinhtedothi crawl --source wayback): its published limits are about
# 60 CDX requests a minute; a 429 ignored for a minute blocks the IP for an hour (docs/site.md).
WAYBACK_URL = "https://web.archive.org"
WAYBACK_CDX_DELAY = 3.0        # seconds between CDX queries
WAYBACK_CAPTURE_DELAY = 1.0    # seconds between capture downloads
WAYBACK_429_WAIT = 60.0        # first wait after a 429, doubled for each 429 in a row
WAYBACK_RETRY_TIMES = 8        # retries of one Wayback request (429s included)

# How a live crawl finds each event (docs/generations.md): the "Dòng sự kiện" bar by name
# (legacy pages), else the event's tag page, else the site search bounded by the event's dates.
# Each way can be turned off alone; the catalog's fallback URL comes last.
FIND_EVENTS_BY_BAR = True
FIND_EVENTS_BY_TAG = True
FIND_EVENTS_BY_SEARCH = True
SEARCH_PAGE_SIZE = 20          # results asked for per search page
SEARCH_MAX_PAGES = 50          # bound on search pages read for one event
PAGING_API_MAX_PAGES = 2000    # bound on "Xem thêm" JSON pages read for one listing

# Common Crawl (kinhtedothi crawl --source commoncrawl; crawl list in scraper/commoncrawl.py). Its index
# server is shared by many users and its data host answers 503 "slow down" when overloaded: one request
# at a time to either, and on a 429 or 503 nothing more for COMMONCRAWL_THROTTLE_WAIT, doubled for each in a row.
COMMONCRAWL_DELAY = 1.0              # seconds between two requests (index or data)
COMMONCRAWL_THROTTLE_WAIT = 30.0     # first wait after a 429 or 503
COMMONCRAWL_RETRY_TIMES = 8          # retries of one Common Crawl request

# kinhtedothi crawl --fill-gaps (docs/sources.md): a source that said no to an article (a 404, no capture) is not
# asked again for it before this long; at most this many missing articles are asked of each source in one run.
FILL_GAPS_RETRY_AFTER = "30d"
FILL_GAPS_MAX = 500

# Share of article pages that may fail extraction before the run reports layout drift.
DRIFT_THRESHOLD = 0.2

DOWNLOADER_MIDDLEWARES = {
    "scraper.middlewares.OffSiteMiddleware": 50,   # before robots.txt (100): another host is never asked
    "scraper.middlewares.DecodedRawPageMiddleware": 585,  # compressed answers, once HttpCompression (590) decoded
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.middlewares.BackoffRetryMiddleware": 550,
    "scraper.middlewares.RawPageMiddleware": 940,
    "scraper.middlewares.CaptureCacheMiddleware": 945,
    "scraper.archive_middlewares.CommonCrawlRecordMiddleware": 942,
    "scraper.archive_middlewares.LocalRecordMiddleware": 946,  # WARC records, saved pages
    "scraper.middlewares.MirrorMiddleware": 950,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scraper.middlewares.MetaRefreshMiddleware": 580,   # a refresh to javascript:, mailto:, tel: … is ignored
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scraper.middlewares.RedirectMiddleware": 600,      # a redirect to such an address is recorded, not a crash
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scraper.spider_middlewares.LongLinkMiddleware": 800,  # a link over URLLENGTH_LIMIT: a crawl error, not dropped
}
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "scraper.progress.ProgressExtension": 400,   # before the archive extension: its last figures before the close
    "scraper.extensions.ArchiveExtension": 500,
}
# On a terminal, per event a bar of the articles archived of those known, and the time left (scraper/progress.py):
# "auto" (only when standard error is a terminal; cron keeps the plain log), "on" or "off".
PROGRESS = "auto"
PROGRESS_INTERVAL = 2.0   # seconds between two readings of the figures

# Scrapy's telnet console (a remote-control port on localhost) stays closed; open it for debugging
# with -s TELNETCONSOLE_ENABLED=True (it prints the port and a password at start).
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control (an HTTP server on localhost that runs Python code sent to it, its token in a
# job file under the user's state directory) is off too: an unattended crawler needs no such door. Closed, `crawl`
# does not even load it (scraper/cli.py; its import, aiohttp, is a tenth of a start).
# Open it with -s REMOTE_CONTROL_ENABLED=True.
REMOTE_CONTROL_ENABLED = False

# Scrapy's per-response work that buys nothing here (bench/e2e_bench.py: -15% CPU for a crawl, -14% for a
# WARC import): it starts CONCURRENT_ITEMS tasks for each callback's output (the pipelines are synchronous: one
# does the same), and checks that the callback is no generator returning a value by parsing its source again
# for every response (the check's cache is keyed on the bound method, a new object each time).
CONCURRENT_ITEMS = 1
WARN_ON_GENERATOR_RETURN_VALUE = False

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "scraper.logformat.ArchiveLogFormatter"

# KINHTEDOTHI_<NAME> environment variables override the defaults above.
for _name, _value in os.environ.items():
    if _name.startswith("KINHTEDOTHI_") and _name[len("KINHTEDOTHI_"):] in globals():
        globals()[_name[len("KINHTEDOTHI_"):]] = _value
