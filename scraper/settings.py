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

# Retries with backoff on 429 and 5xx (and timeouts, connection errors).
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

# Share of article pages that may fail extraction before the run reports layout drift.
DRIFT_THRESHOLD = 0.2

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.middlewares.BackoffRetryMiddleware": 550,
    "scraper.middlewares.RawPageMiddleware": 940,
    "scraper.middlewares.CaptureCacheMiddleware": 945,
    "scraper.middlewares.MirrorMiddleware": 950,
}
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "scraper.extensions.ArchiveExtension": 500,
}

# Scrapy's telnet console (a remote-control port on localhost) stays closed; open it for debugging
# with -s TELNETCONSOLE_ENABLED=True (it prints the port and a password at start).
TELNETCONSOLE_ENABLED = False

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "scraper.logformat.ArchiveLogFormatter"

# KINHTEDOTHI_<NAME> environment variables override the defaults above.
for _name, _value in os.environ.items():
    if _name.startswith("KINHTEDOTHI_") and _name[len("KINHTEDOTHI_"):] in globals():
        globals()[_name[len("KINHTEDOTHI_"):]] = _value
