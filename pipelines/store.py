"""The Scrapy pipeline that writes each item to the archive (``pipelines.archive.Archive``)."""

from __future__ import annotations

from typing import Any

from pipelines.errors import PERMANENT_STATUSES
from pipelines.component import UsesArchive
from kinhtedothi.vocab.sources import is_capture
from kinhtedothi.vocab.items import ArticleItem, CrawlErrorItem, EventItem, FeedEndItem, FeedLinkItem
from kinhtedothi.vocab.outcomes import SAVE_OUTCOMES, Stat

COVERAGE = {"author": lambda a: a["author"], "published_at": lambda a: a["published_at"],
            "sapo": lambda a: a["sapo"], "section": lambda a: a["section"], "tags": lambda a: a["tags"],
            "images": lambda a: a["images"], "captions": lambda a: any(i["caption"] for i in a["images"]),
            "related_links": lambda a: a["related_links"]}


class StorePipeline(UsesArchive):
    """Writes each valid article, feed link, event and error to archive.db."""

    visits_site = True   # a crawl of the site (or a mirror); False for a crawl of captures (web archives, files)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = super().from_crawler(crawler)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        spider = getattr(getattr(self, "crawler", None), "spider", None)
        self.visits_site = not is_capture(getattr(spider, "source_name", None))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FeedLinkItem):
            self.archive.save_feed_link(item)
        elif isinstance(item, FeedEndItem):
            self.archive.mark_feed_walked(item.event_slug)
        elif isinstance(item, EventItem):
            self.archive.save_event(item.slug, item.name, item.feed_url, item.found_by)
        elif isinstance(item, CrawlErrorItem):
            self.archive.record_error(item.url, item.status, item.reason, item.kind, item.event_slug)
            if item.kind == "missing":
                self.stats.inc_value(Stat.MISSING_CAPTURES)
            # only the site itself saying 404/410 removes a story: a web archive's answer is about its copy
            if self.visits_site and item.kind == "error" and item.status in PERMANENT_STATUSES \
                    and self.archive.mark_removed(item.url):
                self.stats.inc_value(Stat.ARTICLES_REMOVED)
        elif isinstance(item, ArticleItem):
            outcome = self.archive.save_article(item, item.raw_page_id)
            self.stats.inc_value(SAVE_OUTCOMES[outcome])
            for name, has in COVERAGE.items():
                if has(item.article):
                    self.stats.inc_value(f"coverage/{name}")
            self.stats.inc_value("coverage/articles")
        return item
