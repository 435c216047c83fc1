"""Every CSS selector the page objects read the site's markup with, for both of its generations, in
one place: data, each marked as sure as docs/site.md is of it, compiled once by lxml's cssselect.

* **confirmed**: seen in several public scrapers or stored pages;
* **one source**: seen once;
* **guess**: plausible, never seen.

When the site changes, or a guess turns out wrong, this is the file to edit. Parsers never
depend on a guess alone: each field also falls back on page metadata (OpenGraph,
``article:published_time``, ``meta[name=description]``) or on visible text. A selector of
several alternatives (``"a, b"``) finds them in the page's own order, whichever matched.
Page metadata, being no markup of the site's own, is read in ``scraper.pages.article``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from lxml.cssselect import CSSSelector

Sure = Literal["confirmed", "one source", "guess"]


@lru_cache(maxsize=256)
def compiled(css: str) -> CSSSelector:
    """``css`` as a compiled XPath (lxml's cssselect, HTML rules), searching the element it is given and
    below; compiled once per selector."""
    return CSSSelector(css, translator="html")


@dataclass(frozen=True)
class Css:
    """One selector of the site's markup, how sure we are of it, and where it was seen."""

    css: str
    sure: Sure
    seen: str = ""
    xpath: CSSSelector = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "xpath", compiled(self.css))  # a bad selector fails at import

    def __call__(self, root) -> list:
        """The elements matching in ``root`` (an lxml element) and below, in document order."""
        return self.xpath(root)


def select(css: Css | str, root) -> list:
    """The elements matching ``css`` (one of the selectors below, or one written in place) in ``root`` and
    below, in document order."""
    return (css.xpath if isinstance(css, Css) else compiled(css))(root)


_SURENESS: tuple[Sure, ...] = ("guess", "one source", "confirmed")


def any_of(*alternatives: Css) -> Css:
    """One selector matching any of ``alternatives``, in document order, as sure as the surest of them."""
    return Css(", ".join(a.css for a in alternatives), max((a.sure for a in alternatives), key=_SURENESS.index),
               "any of several, each marked where it is defined")


# -- legacy article pages (2018 – early 2022; old.kinhtedothi.vn, the Wayback Machine) ----------
LEGACY_MARKER = Css("h1.title_detail_news, #cotent_detail", "confirmed")   # a page in this layout has one
LEGACY_TITLE = Css("h1.title_detail_news", "confirmed")
LEGACY_AUTHOR = Css(".name_author", "confirmed", "span.name_author")
LEGACY_PUBLISHED = Css(".time_detail_news", "confirmed", 'div.time_detail_news, "13-01-2021 20:36"')
LEGACY_SAPO = Css(".sapo_detail", "confirmed", "div.sapo_detail")
LEGACY_BODY = Css("#cotent_detail", "confirmed", "div#cotent_detail (the site's spelling)")
LEGACY_BREADCRUMB = Css(".breadcump > a", "confirmed", "the section is the first crumb after the home page")
LEGACY_SUBSECTION = Css(".breadcump .bread_right a.active", "confirmed")
LEGACY_TAGS = Css(".tag_detail a", "confirmed", "div.tag_detail a")
# A picture block (picture and caption together); `figure`: any HTML5 picture in a body.
PICTURES = Css("table.picture, figure", "confirmed", "table.picture: image in td.pic, caption in td.caption")
CAPTION = Css(".caption, figcaption", "confirmed", "td.caption in a picture block; or an HTML5 figcaption")

# -- current article pages (2022 – now) ---------------------------------------------------------
CURRENT_MARKER = Css("h1.article-title, div.article-published-on, span.detail__author", "confirmed")
CURRENT_TITLE = Css("h1.article-title", "confirmed")
CURRENT_PUBLISHED = Css("div.article-published-on", "confirmed", '"Thứ tư, 20:36 13/01/2021"')
CURRENT_BODY = Css("[itemprop*=articleBody]", "confirmed", "itemprop *contains* articleBody")
CURRENT_AUTHOR = Css("span.detail__author", "confirmed")
CURRENT_AUTHOR_GUESSES = Css(".detail__author, .article-author, .author", "guess")
CURRENT_SAPO = Css(".detail__sapo, .article-sapo, h2.sapo, .sapo, .article__sapo", "guess",
                   "meta description after")
CURRENT_SECTION = Css(".detail__breadcrumb a, .breadcrumb a, .breadcrumbs a", "guess", "article:section after")
CURRENT_TAGS = Css(".detail__tags a, .article-tags a, .box-tag a, .tags a", "guess", "a[href^='/tag/'] after")
CURRENT_TAG_LINKS = Css("a[href^='/tag/'], a[href*='kinhtedothi.vn/tag/']", "confirmed", "tag pages /tag/<slug>")
CURRENT_PICTURES = Css("table.picture, table.image, figure, div.image, div.photo", "guess")
# "<headline> - Ảnh 1": a caption written as its own paragraph right after the picture (confirmed form).
PHOTO_CAPTION = re.compile(r"\s[-–—]\s*Ảnh\s*\d+\s*$")

# -- listings (category pages, event feeds, tag pages), both generations ---------------------------
LISTING_LINK_BLOCKS = (
    Css(".pkg h2 > a", "confirmed"),
    Css(".pkg h3 > a", "confirmed"),
    Css(".pkg li > .info_cate > a", "confirmed"),
    Css("div.pkg > a", "one source", "the top story linked straight under .pkg"),
    Css("ul.list_news_topcate > li > a", "confirmed"),
    Css("a.news__title", "one source", "current cards, 2022 – now"),
    Css("div.list__news--top a[href]", "one source", "current top block"),
    Css(".box-category-item h3 > a", "guess", "kept for saved pages and older copies of the sample site"),
    Css("article h3 a, .story__title a, .article-title a", "guess", "the same"),
)
LISTING_LINKS = any_of(*LISTING_LINK_BLOCKS)   # one union: links in document order, whatever block holds them
LISTING_PAGES = Css(".paging a", "confirmed", "the current page is a.active; the next page is the link after it")
# Which layout a listing is in (its generation tells whether a story archived from an older generation
# must be read again to learn its address today): the first whose marker the page matches.
LISTING_LAYOUTS = (
    ("current", Css("a.news__title, div.list__news--top, .story__title a, .box-category-item", "one source",
                    "a.news__title and div.list__news--top one source, the others guesses")),
    ("legacy", Css(".pkg, ul.list_news_topcate", "confirmed")),
)

# The JSON paging endpoint behind a "Xem thêm" button: wherever the page names it
# (an attribute or a script). The markup around it is not known, so we match the URL itself.
PAGING_API = re.compile(r"/api/category/(\d+)/paging/")
PAGING_API_PATH = "/api/category/{id}/paging/{page}"
# Attributes that may carry the category id on the button or listing (guesses).
PAGING_ID_ATTRIBUTES = ("data-category-id", "data-cate-id", "data-catid")
# The page number the button asks for next (a guess); without it the endpoint is read from page 1.
PAGING_PAGE_ATTRIBUTE = "data-page"
# The site search endpoint (confirmed shape): object with ``items`` (title, intro, url, thumbnail).
SEARCH_API_PATH = "/api/articles/search-article?site=kinhtedothi&page={page}&fetch={fetch}&freeWord={word}&portal=349"
