"""Validation: a page that is not an article is dropped with a reason, and counted."""

from __future__ import annotations

from typing import Any

from pipelines.component import UsesArchive
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.outcomes import Stat, StatFamily
from kinhtedothi.vocab.urls import is_site_url

REQUIRED = ("title", "body_text")
# Kept when missing, but counted: a run where many pages lack them is a layout drift.
EXPECTED = ("published_at",)


def problems(article: dict[str, Any]) -> list[str]:
    """Why a normalized record is not an archivable article (empty when it is)."""
    found = [f"no {field}" for field in REQUIRED if not article.get(field)]
    if not is_site_url(article.get("url") or ""):
        found.append(f"not a kinhtedothi.vn URL: {article.get('url')}")
    return found


class ValidatePipeline(UsesArchive):
    """Drops non-articles (a gallery, an index page, a broken page) and records why."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        article = item.article or {}
        found = problems(article)
        if found:
            from scrapy.exceptions import DropItem  # here, so that `kinhtedothi parse` never loads Scrapy

            reason = f"not an article ({item.extracted.get('layout')} layout): " + ", ".join(found)
            self.stats.inc_value(Stat.ARTICLES_FAILED)
            for name in found:
                self.stats.inc_value(StatFamily.MISSING.of(name.removeprefix("no ")))
            self.archive.record_error(item.fetched_url, 200, reason)
            raise DropItem(reason)
        lacking = [name for name in EXPECTED if not article.get(name)]
        if lacking:
            self.stats.inc_value(Stat.ARTICLES_INCOMPLETE)
            for name in lacking:
                self.stats.inc_value(StatFamily.MISSING.of(name))
        return item
