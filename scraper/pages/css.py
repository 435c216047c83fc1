"""CSS lookups for page objects: simple selectors and chains from a one-pass class/id index, others by XPath.

A page object asks for a handful of selectors (``h1.title_detail_news``,
``.breadcump > a``, ``#cotent_detail``, ``.breadcump .bread_right a.active``);
walking the whole tree once to index classes and ids and answering from the
index is several times cheaper than one XPath evaluation per selector.
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


# Every class and id attribute, in document order (the attribute's parent is the element carrying it).
_CLASS_AND_ID = etree.XPath("descendant-or-self::*/@class | descendant-or-self::*/@id")


def class_index(root) -> dict[str, list]:
    """``.class`` and ``#id`` -> elements carrying it, in document order."""
    index: dict[str, list] = {}
    # One XPath for the attributes: only the elements that carry one become Python objects (a walk
    # makes one for every element of the page, most of which carry neither).
    for value in _CLASS_AND_ID(root):
        element = value.getparent()
        if value.attrname == "class":
            for name in value.split():
                index.setdefault("." + name, []).append(element)
        elif value:
            index.setdefault("#" + value.strip(), []).append(element)
    return index


_COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:[.#][\w-]+)*)$")
_COMBINATOR = re.compile(r"\s*(>)\s*|\s+")
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() collapses (the CSS classes' split)
Compound = tuple[str | None, tuple[str, ...], tuple[str, ...]]  # tag, classes, ids


@lru_cache(maxsize=256)
def chain_parts(css: str) -> tuple[list[Compound], list[str]] | None:
    """``".a .b > p.c"`` -> ([(None, ("a",), ()), (None, ("b",), ()), ("p", ("c",), ())], [" ", ">"]):
    compounds of a tag and classes or ids joined by descendant or child combinators, the last one
    naming a class or id (it is looked up in the index); None for any other selector."""
    pieces = _COMBINATOR.split(css.strip())
    compounds: list[Compound] = []
    combinators: list[str] = []
    for i, piece in enumerate(pieces):
        if i % 2:    # the separator: ">" or None (a descendant)
            combinators.append(">" if piece else " ")
            continue
        match = _COMPOUND.match(piece or "")
        if not piece or not match:
            return None
        names = re.findall(r"[.#][\w-]+", match.group(2))
        compounds.append((match.group(1), tuple(n[1:] for n in names if n[0] == "."),
                          tuple(n[1:] for n in names if n[0] == "#")))
    last = compounds[-1] if compounds else None
    if last is None or not (last[1] or last[2]) or len(combinators) != len(compounds) - 1:
        return None
    return compounds, combinators


def _compound_matches(element, compound: Compound) -> bool:
    tag, classes, ids = compound
    if tag is not None and element.tag != tag:
        return False
    if classes:
        have = _XML_SPACE.split((element.get("class") or "").strip(" \t\r\n"))
        if any(c not in have for c in classes):
            return False
    return all(element.get("id") == i for i in ids)


def _ancestry_matches(element, compounds: list[Compound], combinators: list[str], i: int) -> bool:
    """``element`` matched compound ``i``: do its ancestors match the compounds before it?"""
    if i == 0:
        return True
    if combinators[i - 1] == ">":
        parent = element.getparent()
        return (parent is not None and _compound_matches(parent, compounds[i - 1])
                and _ancestry_matches(parent, compounds, combinators, i - 1))
    return any(_compound_matches(a, compounds[i - 1]) and _ancestry_matches(a, compounds, combinators, i - 1)
               for a in element.iterancestors())


def _select_chain(index: dict[str, list], compounds: list[Compound], combinators: list[str]) -> list:
    """What the XPath of the chain finds, from the index: candidates for the last compound (in document
    order), kept when their ancestors match the rest."""
    tag, classes, ids = compounds[-1]
    key = "." + classes[0] if classes else "#" + ids[0]
    last = len(compounds) - 1
    found = (e for e in index.get(key, ()) if _compound_matches(e, compounds[-1])
             and _ancestry_matches(e, compounds, combinators, last))
    return list(dict.fromkeys(found))


def select(root, index: dict[str, list], css: str) -> list:
    """Elements matching ``css``: from the index when the selector is simple, by XPath otherwise."""
    parts = simple_parts(css)
    if parts is None:
        chain = chain_parts(css) if "," not in css else None
        if chain is not None:
            return _select_chain(index, *chain)
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
