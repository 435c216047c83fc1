"""Article page objects, one per layout, with a metadata fallback for every field.

Each field has a method returning what the layout's own markup says; when it
says nothing, ``meta_<field>`` reads page metadata (OpenGraph, ``meta``,
``itemprop``). ``extract()`` records which of the two supplied each field.
Values are raw text here; ``pipelines.normalize`` gives them their meaning.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, ClassVar

from lxml import etree

from kinhtedothi.vocab.text import clean
from scraper.pages.base import Page
from scraper.pages.body import Body, parse_body, related_links_in
from scraper.pages.captions import lift_text_captions
from scraper.pages import selectors as S
from scraper.pages.selectors import Css
from kinhtedothi.vocab.urls import absolute, site_url

# Text nodes that may head a related-news box (plain contains: translate() is slow on big pages).
RELATED_TEXT = etree.XPath("//body//text()[contains(., 'iên quan') or contains(., 'IÊN QUAN') "
                           "or contains(., 'iên Quan')]")
FIELDS = ("title", "author", "published_raw", "sapo", "section", "subsection", "tags", "body")


class ArticlePage(Page):
    """Fields every layout can fall back on: page metadata."""

    layout: ClassVar[str] = "metadata"
    body_css: ClassVar[Css | str] = S.CURRENT_BODY
    pictures_css: ClassVar[Css | str] = S.PICTURES
    caption_text: ClassVar[re.Pattern[str] | None] = None   # a pattern for captions written as paragraphs

    def __init__(self, response, parsed=None):
        super().__init__(response, parsed)
        self._body: Body | None = None

    # -- identity ------------------------------------------------------------
    @cached_property
    def _own_url(self) -> str | None:
        for candidate in (self.link_rel("canonical"), self.meta("og:url")):
            if candidate and candidate.startswith(("http", "/")):
                return site_url(absolute(candidate, self.url))
        return None

    def own_url(self) -> str | None:
        """The URL the page gives itself: canonical link, then og:url."""
        return self._own_url

    def page_url(self) -> str:
        """The page's own URL, else where it was fetched from."""
        return self.own_url() or site_url(self.url)

    # -- layout markup (overridden per layout) ---------------------------------
    def title(self) -> str | None:
        return None

    def author(self) -> str | None:
        return None

    def published_raw(self) -> str | None:
        return None

    def sapo(self) -> str | None:
        return None

    def section(self) -> str | None:
        return None

    def subsection(self) -> str | None:
        return None

    def tags(self) -> list[str]:
        return []

    def body(self) -> Body | None:
        """The layout's body container, cleaned; None when the page has none."""
        if self._body is None:
            found = self.nodes(self.body_css)
            if found:
                self._body = parse_body(found[0], self.url, self.pictures_css)
                if self.caption_text is not None:
                    lift_text_captions(self._body, self.caption_text)
                if not self._body.related_links:
                    self._body.related_links = self.related_links_outside()
        return self._body

    def related_links_outside(self) -> list[dict]:
        """A "Tin liên quan" box beside the body (outside its container)."""
        if not any(hint in self.html for hint in ("iên quan", "IÊN QUAN", "iên Quan")):
            return []
        bodies = self.nodes(self.body_css)
        for text in RELATED_TEXT(self.sel.root):
            heading = text.getparent()
            if heading is None or heading.tag in ("script", "style"):
                continue
            if any(b is heading or b in heading.iterancestors() for b in bodies):
                continue
            for box in [heading, *heading.iterancestors()][:4]:
                links = related_links_in(box, self.url)
                if links:
                    return links
        return []

    # -- metadata fallbacks ----------------------------------------------------
    def meta_title(self) -> str | None:
        return self.meta("og:title", "twitter:title") or clean(self.sel.css("title::text").get())

    def meta_author(self) -> str | None:
        return self.meta("author", "article:author", "dable:author") or self.text("[itemprop=author]")

    def meta_published_raw(self) -> str | None:
        return (self.meta("article:published_time", "datePublished", "pubdate", "og:article:published_time")
                or clean(self.sel.css("time::attr(datetime)").get()))

    def meta_sapo(self) -> str | None:
        return self.meta("description", "og:description", "twitter:description")

    def meta_section(self) -> str | None:
        return self.meta("article:section")

    def meta_subsection(self) -> str | None:
        return None

    def meta_tags(self) -> list[str]:
        keywords = self.meta("news_keywords", "keywords") or ""
        tags = self.sel.xpath("//meta[@property='article:tag']/@content").getall() if "article:tag" in self.html else []
        return [t for t in (clean(x) for x in tags or keywords.split(",")) if t]

    def meta_body(self) -> Body | None:
        found = self.nodes(S.CURRENT_BODY)
        return parse_body(found[0], self.url) if found else None

    # -- the whole record ----------------------------------------------------------
    def extract(self, with_html: bool = True) -> dict[str, Any]:
        """All fields, each from the layout's markup first, then from metadata
        (``body_html``, the costliest, only when asked)."""
        item: dict[str, Any] = {"url": self.page_url(), "fetched_url": site_url(self.url),
                                "layout": self.layout, "field_sources": {}}
        for name in FIELDS:
            value, source = getattr(self, name)(), "markup"
            if not value:
                value, source = getattr(self, f"meta_{name}")(), "metadata"
            item["field_sources"][name] = source if value else None
            item[name] = value
        body: Body = item.pop("body") or Body()
        item.update(body_paragraphs=body.paragraphs, body_html=body.html if with_html else None,
                    images=body.images, related_links=body.related_links)
        return item


class LegacyArticlePage(ArticlePage):
    """2018 – early 2022 template (also on old.kinhtedothi.vn and the Wayback Machine)."""

    layout = "legacy"
    body_css = S.LEGACY_BODY

    def title(self) -> str | None:
        return self.text(S.LEGACY_TITLE)

    def author(self) -> str | None:
        return self.text(S.LEGACY_AUTHOR)

    def published_raw(self) -> str | None:
        return self.text(S.LEGACY_PUBLISHED)

    def sapo(self) -> str | None:
        return self.text(S.LEGACY_SAPO)

    def section(self) -> str | None:
        crumbs = [c for c in self.texts(S.LEGACY_BREADCRUMB) if c.lower() not in {"trang chủ", "home"}]
        return crumbs[0] if crumbs else None

    def subsection(self) -> str | None:
        return self.text(S.LEGACY_SUBSECTION)

    def tags(self) -> list[str]:
        return self.texts(S.LEGACY_TAGS)


class CurrentArticlePage(ArticlePage):
    """2022 – now template (confirmed selectors first, guesses after)."""

    layout = "current"
    body_css = S.CURRENT_BODY
    pictures_css = S.CURRENT_PICTURES
    caption_text = S.PHOTO_CAPTION

    def title(self) -> str | None:
        return self.text(S.CURRENT_TITLE)

    def author(self) -> str | None:
        return self.text(S.CURRENT_AUTHOR) or self.text(S.CURRENT_AUTHOR_GUESSES)

    def published_raw(self) -> str | None:
        return self.text(S.CURRENT_PUBLISHED)

    def sapo(self) -> str | None:
        return self.text(S.CURRENT_SAPO)

    def section(self) -> str | None:
        crumbs = [c for c in self.texts(S.CURRENT_SECTION) if c.lower() not in {"trang chủ", "home"}]
        return crumbs[0] if crumbs else None

    def subsection(self) -> str | None:
        crumbs = [c for c in self.texts(S.CURRENT_SECTION) if c.lower() not in {"trang chủ", "home"}]
        return crumbs[1] if len(crumbs) > 1 else None

    def tags(self) -> list[str]:
        return self.texts(S.CURRENT_TAGS)

    def meta_tags(self) -> list[str]:
        """Keywords metadata, then any link to a tag page."""
        return super().meta_tags() or self.texts(S.CURRENT_TAG_LINKS)


# Each layout with the CSS that tells a page is in it; the first that matches wins.
LAYOUTS: list[tuple[type[ArticlePage], Css | str]] = [
    (LegacyArticlePage, S.LEGACY_MARKER),
    (CurrentArticlePage, S.CURRENT_MARKER),
]


def register_layout(page_class: type[ArticlePage], marker_css: Css | str) -> None:
    """Teach the parsers a new layout (a redesign): its page object and the CSS that marks it."""
    LAYOUTS.insert(0, (page_class, marker_css))


def article_page_for(response) -> ArticlePage:
    """The page object for the layout the response is in; metadata-only when none is recognised."""
    page = ArticlePage(response)
    for cls, marker in LAYOUTS:
        if page.matches(marker):
            return cls(response, parsed=page)
    return page
