"""The one sanitizer policy for article HTML: what the crawler stores as ``body_html`` and what the
archive's pages show of it are cleaned by the same allow-list (nh3), so the two cannot drift apart."""

from __future__ import annotations

import nh3

SAFE_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
             "figure", "img", "figcaption", "table", "thead", "tbody", "tr", "td", "th", "sub", "sup"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"},
                   "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https"}
LINK_REL = "noopener noreferrer nofollow"


CLEAN_CONTENT_TAGS = {"script", "style"}
# The policy built once (nh3 >= 0.3), not at every call: the crawl sanitizes every article it parses.
_CLEANER = (nh3.Cleaner(tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=URL_SCHEMES,
                        clean_content_tags=CLEAN_CONTENT_TAGS, strip_comments=True, link_rel=LINK_REL)
            if hasattr(nh3, "Cleaner") else None)


def sanitize_html(html: str, **options) -> str:
    """``html`` reduced to the allow-list: http(s) URLs only, no scripts, styles or comments, links
    without referrer. ``options`` are further nh3.clean arguments (the archive's pages add lazy images)."""
    if _CLEANER is not None and not options:
        return _CLEANER.clean(html)
    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags=CLEAN_CONTENT_TAGS, strip_comments=True, link_rel=LINK_REL, **options)
