"""Listing pages (event feeds, categories, tag pages) in both layouts: article links and the next page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scraper.pages.base import Page
from scraper.pages.selectors import (LISTING_LAYOUTS, LISTING_LINKS, LISTING_PAGES, PAGING_API, PAGING_API_PATH,
                                     PAGING_ID_ATTRIBUTES, PAGING_PAGE_ATTRIBUTE)
from kinhtedothi.vocab.urls import absolute, article_id, canonical_url, is_site_url, site_url

# Listing pages, never articles, even when they end in .html. Other odd pages (galleries,
# videos) are fetched: validation drops them with a reason, so they show in crawl_errors.
NOT_ARTICLE = re.compile(r"^/(su-kien|tag|api)/")
# A listing whose markup we do not know still links articles: this many article-looking
# links on a page that yields none by our selectors means the layout changed.
DRIFT_MIN_LINKS = 3


def is_article_path(url: str) -> bool:
    """Looks like an article URL: ``/<slug>-<id>.html``, ``/<slug>.<id>.html`` or a current ``/<slug>.html``."""
    path = urlsplit(url).path
    if not path.endswith((".html", ".htm")) or NOT_ARTICLE.match(path):
        return False
    return path.count("/") == 1 or article_id(url) is not None


class ListingPage(Page):
    """A feed, category or tag page, legacy or current layout."""

    def _article(self, href: str | None) -> str | None:
        if not href:
            return None
        url = canonical_url(absolute(href, self.url))
        return url if is_site_url(url) and is_article_path(url) else None

    def article_urls(self) -> list[str]:
        """Article links in document order (one XPath union over every known block), each once,
        as canonical URLs (tracking queries dropped). Empty when the page's markup is unknown."""
        seen: dict[str, None] = {}
        for link in self.nodes(LISTING_LINKS):
            url = self._article(link.get("href"))
            if url:
                seen.setdefault(url)
        return list(seen)

    def layout(self) -> str | None:
        """The layout the listing is in (``LISTING_LAYOUTS``), None when no known block is on the page."""
        return next((name for name, marker in LISTING_LAYOUTS if self.matches(marker)), None)

    def fallback_urls(self) -> list[str]:
        """Any link carrying an article id (unknown listing markup; years closing a slug excluded)."""
        seen: dict[str, None] = {}
        for href in self.sel.css("a::attr(href)").getall():
            url = self._article(href)
            if url and article_id(url) is not None:
                seen.setdefault(url)
        return list(seen)

    def looks_like_drift(self) -> bool:
        """True when the page links articles although our selectors find none (a changed layout),
        False for a page with no article-looking links at all (empty, an error page, a wrong URL)."""
        found = {u for u in (self._article(h) for h in self.sel.css("a::attr(href)").getall()) if u}
        return len(found) >= DRIFT_MIN_LINKS

    def next_page_url(self) -> str | None:
        """The link right after the current page (``a.active``) in ``.paging``; None on the last page."""
        links = self.nodes(LISTING_PAGES)
        for i, link in enumerate(links):
            if "active" in (link.get("class") or "").split():
                for after in links[i + 1:]:
                    href = (after.get("href") or "").strip()
                    if href and not href.startswith(("#", "javascript:")):
                        url = site_url(absolute(href, self.url))
                        return url if url != site_url(self.url) else None
                return None
        return None

    def paging_api(self) -> tuple[int, int] | None:
        """(category id, first page to ask for) of the JSON paging behind "Xem thêm"; None without one."""
        match = PAGING_API.search(self.html)
        category = int(match.group(1)) if match else None
        start = 1
        for node in self.sel.xpath("//*[@%s]" % PAGING_PAGE_ATTRIBUTE):
            value = (node.attrib.get(PAGING_PAGE_ATTRIBUTE) or "").strip()
            if value.isdigit():
                start = int(value)
                break
        if category is None:
            for attribute in PAGING_ID_ATTRIBUTES:
                value = (self.sel.xpath("//*[@%s]/@%s" % (attribute, attribute)).get() or "").strip()
                if value.isdigit():
                    category = int(value)
                    break
        return (category, max(start, 1)) if category is not None else None

    def paging_api_url(self, page: int) -> str | None:
        """The site URL of page ``page`` of this listing's JSON paging, if it has one."""
        api = self.paging_api()
        return site_url(PAGING_API_PATH.format(id=api[0], page=page)) if api else None
