"""Log lines an operator reads: a dropped page is its URL and the reason, not the whole item."""

from __future__ import annotations

from scrapy import logformatter


class ArchiveLogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        url = getattr(item, "fetched_url", None) or getattr(response, "url", "")
        entry["msg"] = "Dropped %(url)s: %(exception)s"
        entry["args"] = {"url": url, "exception": exception}
        return entry
