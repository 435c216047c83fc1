"""The one sanitizer policy for article HTML: what the crawler stores as ``body_html`` and what the
archive's pages show of it are cleaned by the same allow-list (nh3), so the two cannot drift apart."""

from __future__ import annotations

import re

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


# html5ever, under nh3, takes time growing with the square of the nesting depth (25 s for 100,000 nested
# <blockquote>): markup nested deeper than this is flattened first (see ``bounded_nesting``).
MAX_NESTING = 100
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
             "wbr"}
BLOCK_TAGS = {"p", "li", "blockquote", "h2", "h3", "h4", "figure", "figcaption", "table", "tr", "td", "th", "div",
              "section", "article", "ul", "ol", "pre", "dd", "dt", "dl", "center", "tbody", "thead"}
_TOKEN = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)


def nesting(html: str) -> int:
    """How deep the elements of ``html`` nest (end tags close what they name; void elements do not nest)."""
    depth = deepest = 0
    open_tags: list[str] = []
    for match in _TOKEN.finditer(html):
        closing, name, rest = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        if not name or name in VOID_TAGS or rest.rstrip().endswith("/"):
            continue
        if not closing:
            open_tags.append(name)
            deepest = max(deepest, len(open_tags))
        elif name in open_tags:
            while open_tags.pop() != name:
                pass
        depth = len(open_tags)
    return max(deepest, depth)


def bounded_nesting(html: str, max_depth: int = MAX_NESTING) -> str:
    """``html`` with its elements nested at most ``max_depth`` deep, in one pass: tags the sanitizer would
    drop anyway (not in SAFE_TAGS; their text stays) are left out, and allowed tags deeper than the bound
    too (a block's start and end become a ``<br>``, so that its text stays apart). Markup nested no deeper
    than the bound is returned as it is."""
    if html.count("<") <= max_depth or nesting(html) <= max_depth:
        return html
    out: list[str] = []
    open_tags: list[tuple[str, bool, bool]] = []  # (name, kept, allowed)
    kept_depth, last, text_since_break = 0, 0, False
    for match in _TOKEN.finditer(html):
        text = html[last:match.start()]
        out.append(text)
        text_since_break = text_since_break or bool(text.strip())
        last = match.end()
        closing, name, rest = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        if not name:  # a comment: the sanitizer removes it
            continue
        allowed = name in SAFE_TAGS or name in CLEAN_CONTENT_TAGS
        if name in VOID_TAGS or rest.rstrip().endswith("/"):
            if allowed:
                out.append(match.group(0))
        elif not closing:
            keep = allowed and kept_depth < max_depth
            open_tags.append((name, keep, allowed))
            kept_depth += keep
            if keep:
                out.append(match.group(0))
            elif allowed and name in BLOCK_TAGS and text_since_break:
                out.append("<br>")
                text_since_break = False
        elif any(open_name == name for open_name, _, _ in open_tags):
            while open_tags:
                open_name, keep, was_allowed = open_tags.pop()
                kept_depth -= keep
                if keep:
                    out.append(f"</{open_name}>")
                elif was_allowed and open_name in BLOCK_TAGS and text_since_break:
                    out.append("<br>")  # a block too deep to keep: its text stays apart from the next
                    text_since_break = False
                if open_name == name:
                    break
    out.append(html[last:])
    return "".join(out)


def sanitize_html(html: str, **options) -> str:
    """``html`` reduced to the allow-list: http(s) URLs only, no scripts, styles or comments, links
    without referrer, nested at most MAX_NESTING deep. ``options`` are further nh3.clean arguments (the
    archive's pages add lazy images)."""
    html = bounded_nesting(html)
    if _CLEANER is not None and not options:
        return _CLEANER.clean(html)
    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags=CLEAN_CONTENT_TAGS, strip_comments=True, link_rel=LINK_REL, **options)
