"""CSS lookups for page objects: simple selectors from a one-pass class/id index, others by XPath.

A page object asks for a handful of selectors (``h1.title_detail_news``,
``.breadcump > a``, ``#cotent_detail``); walking the whole tree once to index
classes and ids and answering from the index is several times cheaper than
one XPath evaluation per selector.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_NAMES = re.compile(r"[.#]([\w-]+)")
# tag.class / .class / tag#id / #id, optionally followed by "> tag" or " tag"
_SIMPLE = re.compile(r"^\s*([a-z][a-z0-9]*)?([.#][\w-]+)\s*(?:(>|\s)\s*([a-z][a-z0-9]*))?\s*$")


@lru_cache(maxsize=256)
def css_names(css: str) -> tuple[str, ...]:
    """Per comma-separated alternative, one class or id it needs ("" when it needs none).

    ``"h1.a, #b"`` -> ("a", "b"); ``"ul > li a"`` -> ("",): the empty name is in every page."""
    needs = []
    for alternative in css.split(","):
        names = _NAMES.findall(alternative)
        needs.append(max(names, key=len) if names else "")
    return tuple(needs)


@lru_cache(maxsize=256)
def css_xpath(css: str) -> etree.XPath:
    """A compiled XPath for a CSS selector, searching the element it runs on and below."""
    return etree.XPath(HTMLTranslator().css_to_xpath(css, prefix="descendant-or-self::"))


@lru_cache(maxsize=256)
def simple_parts(css: str) -> tuple | None:
    """``"div.a > p"`` -> ("div", ".a", ">", "p"); None when the selector is not that simple."""
    match = _SIMPLE.match(css)
    return match.groups() if match else None


def class_index(root) -> dict[str, list]:
    """``.class`` and ``#id`` -> elements carrying it, in document order."""
    index: dict[str, list] = {}
    for element in root.iter(etree.Element):  # (a walk: several times cheaper than an XPath for them)
        classes = element.get("class")
        if classes:
            for name in classes.split():
                index.setdefault("." + name, []).append(element)
        ident = element.get("id")
        if ident:
            index.setdefault("#" + ident.strip(), []).append(element)
    return index


def select(root, index: dict[str, list], css: str) -> list:
    """Elements matching ``css``: from the index when the selector is simple, by XPath otherwise."""
    parts = simple_parts(css)
    if parts is None:
        return css_xpath(css)(root)
    tag, name, combinator, child_tag = parts
    found = [e for e in index.get(name, ()) if tag is None or e.tag == tag]
    if combinator is None:
        return found
    if combinator.strip() == ">":
        return [c for e in found for c in e if c.tag == child_tag]
    seen: dict = {}
    for e in found:
        for d in e.iter(child_tag):
            if d is not e:
                seen.setdefault(d, None)
    return list(seen)
