"""Listing pages (event feeds and categories): article links and the next page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scraper.pages.base import Page
from scraper.urls import absolute, article_id, canonical_url, is_site_url, site_url

# Confirmed legacy listing markup (docs/site.md); current-layout listings use article cards (inferred).
ARTICLE_LINKS = (
    ".pkg h2 > a",
    ".pkg h3 > a",
    ".pkg li > .info_cate > a",
    "ul.list_news_topcate > li > a",
    ".box-category-item h3 > a",   # current layout (2022+) listings and /tag/ pages
    "article h3 a, .story__title a, .article-title a",
)
# Listing pages, never articles, even when they end in .html. Other odd pages (galleries,
# videos) are fetched: validation drops them with a reason, so they show in crawl_errors.
NOT_ARTICLE = re.compile(r"^/(su-kien|tag)/")


def is_article_path(url: str) -> bool:
    """Looks like an article URL: ``/<slug>-<id>.html`` or a current ``/<slug>.html``."""
    path = urlsplit(url).path
    if not path.endswith((".html", ".htm")) or NOT_ARTICLE.match(path):
        return False
    return path.count("/") == 1 or article_id(url) is not None


class ListingPage(Page):
    """A feed or category page in the legacy layout."""

    def article_urls(self) -> list[str]:
        """Article links in page order, each once, as canonical URLs (tracking queries dropped)."""
        hrefs: list[str] = []
        for css in ARTICLE_LINKS:
            hrefs += self.sel.css(css).xpath("@href").getall()
        if not hrefs:  # unknown listing markup: any link that carries an article id
            hrefs = [h for h in self.sel.css("a::attr(href)").getall() if article_id(h)]
        seen: dict[str, None] = {}
        for href in hrefs:
            url = canonical_url(absolute(href, self.url))
            if is_site_url(url) and is_article_path(url):
                seen.setdefault(url)
        return list(seen)

    def next_page_url(self) -> str | None:
        """The link right after the current page (``a.active``) in ``.paging``; None on the last page."""
        links = self.sel.css(".paging a")
        for i, link in enumerate(links):
            if "active" in (link.attrib.get("class") or "").split():
                for after in links[i + 1:]:
                    href = (after.attrib.get("href") or "").strip()
                    if href and not href.startswith(("#", "javascript:")):
                        url = site_url(absolute(href, self.url))
                        return url if url != site_url(self.url) else None
                return None
        return None
