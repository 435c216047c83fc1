"""Every selector the page objects use for the site's markup, in one place, each marked as
confirmed (seen in several public scrapers or stored pages) or a guess.

When the site changes, or a guess turns out wrong, this is the file to edit. Parsers never
depend on a guess alone: each field also falls back on page metadata (OpenGraph,
``article:published_time``, ``meta[name=description]``) or on visible text.
"""

from __future__ import annotations

import re

# -- listings (category pages, event feeds, tag pages) ------------------------------------
# All alternatives are evaluated as one XPath union, so links come in document order
# whatever block they are in.
LISTING_LINKS = (
    # legacy (confirmed)
    ".pkg h2 > a",
    ".pkg h3 > a",
    ".pkg li > .info_cate > a",
    "div.pkg > a",                      # top story linked straight under .pkg (confirmed in one source)
    "ul.list_news_topcate > li > a",
    # current, 2022 – now (confirmed in one source)
    "a.news__title",
    "div.list__news--top a[href]",
    # current (guesses kept for saved pages and older copies of the sample site)
    ".box-category-item h3 > a",
    "article h3 a, .story__title a, .article-title a",
)
# Which layout a listing is in (its generation tells whether a story archived from an older generation
# must be read again to learn its address today): the first whose marker the page matches.
LISTING_LAYOUTS = (
    ("current", "a.news__title, div.list__news--top, .story__title a, .box-category-item"),
    ("legacy", ".pkg, ul.list_news_topcate"),
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

# -- current article pages (2022 – now) --------------------------------------------------
CURRENT_MARKER = "h1.article-title, div.article-published-on, span.detail__author"
CURRENT_TITLE = "h1.article-title"                    # confirmed
CURRENT_PUBLISHED = "div.article-published-on"        # confirmed: "Thứ tư, 20:36 13/01/2021"
CURRENT_BODY = "[itemprop*=articleBody]"              # confirmed: itemprop *contains* articleBody
CURRENT_AUTHOR = "span.detail__author"                # confirmed
CURRENT_AUTHOR_GUESSES = ".detail__author, .article-author, .author"
CURRENT_SAPO = ".detail__sapo, .article-sapo, h2.sapo, .sapo, .article__sapo"   # guesses; meta description after
CURRENT_SECTION = ".detail__breadcrumb a, .breadcrumb a, .breadcrumbs a"       # guesses; article:section after
CURRENT_TAGS = ".detail__tags a, .article-tags a, .box-tag a, .tags a"         # guesses; a[href^='/tag/'] after
CURRENT_TAG_LINKS = "a[href^='/tag/'], a[href*='kinhtedothi.vn/tag/']"
CURRENT_PICTURES = "table.picture, table.image, figure, div.image, div.photo"   # guesses
# "<headline> - Ảnh 1": a caption written as its own paragraph right after the picture (confirmed form).
PHOTO_CAPTION = re.compile(r"\s[-–—]\s*Ảnh\s*\d+\s*$")
