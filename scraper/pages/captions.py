"""Captions written as paragraphs ("<headline> - Ảnh 1", current layout): they belong to pictures, not the body."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from kinhtedothi.vocab.text import clean
from scraper.pages.body import BLOCKS, Body, _has_block, _remove, paragraphs_of


def lift_text_captions(body: Body, pattern: re.Pattern) -> Body:
    """Move paragraphs matching ``pattern`` out of the body: each becomes the caption of the
    nearest picture before it that has none (or the next one); the paragraphs are read again."""
    root = body.tree
    if root is None:
        return body
    figures = [f for f in root.iter("figure") if f.get("data-lifted")]
    srcs = [f[0].get("src") for f in figures]
    found = False
    for block in [e for e in root.iter() if isinstance(e.tag, str) and e.tag in BLOCKS and e is not root
                  and e.tag != "figure" and not _has_block(e)]:
        text = clean(block.text_content())
        if not text or not pattern.search(text) or block.getparent() is None:
            continue
        found = True
        before = [i for i, f in enumerate(figures) if _precedes(f, block)]
        for i in before[::-1] + [i for i in range(len(figures)) if i not in before]:
            image = next((im for im in body.images if im["src"] == srcs[i]), None)
            if image is not None and not image["caption"]:
                image["caption"] = text
                etree.SubElement(figures[i], "figcaption").text = text
                break
        _remove(block)
    if found:
        body.paragraphs = paragraphs_of(root)
        body.__dict__.pop("html", None)  # the sanitized copy is made from the tree as it is now
    return body


def _precedes(a: HtmlElement, b: HtmlElement) -> bool:
    """True when element ``a`` comes before ``b`` in document order."""
    for element in a.getroottree().getroot().iter():
        if element is a:
            return True
        if element is b:
            return False
    return False
