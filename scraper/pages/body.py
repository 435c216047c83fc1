"""Cleaning an article body on the lxml tree the page was already parsed into.

One pass over a copy of the body element only (never the whole page): drop
scripts and ads, lift out the related-news box (found by its "Tin liên quan"
heading, not by markup), lift out images with their captions, then read the
article's own paragraphs in order. Also returns a sanitized HTML copy (nh3).
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from kinhtedothi.vocab.sanitize import sanitize_html
from kinhtedothi.vocab.text import clean, fold_name
from kinhtedothi.vocab.urls import absolute
from scraper.pages.selectors import CAPTION, PICTURES, Css, select

RELATED_HEADINGS = {"tin lien quan", "tin bai lien quan", "bai lien quan", "xem them"}
RELATED_HINTS = ("liên quan", "xem thêm")  # in lower-cased NFC text: a cheap test before the real one
DROP_TAGS = {"script", "style", "noscript", "iframe", "ins", "form", "button", "input", "select", "object",
             "embed", "svg", "template"}
AD_MARKERS = {"adasia", "ads", "adsbygoogle", "advertisement", "quangcao", "qc", "banner", "box-ads", "ad-slot"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "section",
          "article", "table", "tbody", "thead", "tr", "td", "th", "dl", "dd", "dt", "center", "figure"}
HEADING_TAGS = {"h2", "h3", "h4", "div", "p", "span", "strong", "b"}  # may head a box with no text of their own
_TAGS = re.compile(r"<[^>]+>")
# XPaths compiled once (element.xpath() compiles its expression at every call).
_LINKS = etree.XPath(".//a")
_HREF_LINKS = etree.XPath(".//a[@href]")


def _first_caption(block: HtmlElement) -> HtmlElement | None:
    """The first caption below a picture block, in document order."""
    return next((element for element in CAPTION(block) if element is not block), None)


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    related_links: list[dict] = field(default_factory=list)
    tree: HtmlElement | None = None   # the cleaned body, for ``html``

    @cached_property
    def html(self) -> str | None:
        """The cleaned body as sanitized HTML (kinhtedothi.vocab.sanitize); None when nothing is left."""
        if self.tree is None:
            return None
        sanitized = sanitize_html(etree.tostring(self.tree, encoding="unicode", method="html",
                                                 with_tail=False)).strip()
        if "<img" in sanitized:
            return sanitized
        # Any text a reader sees: the text between two tags, one piece at a time (no entity spans a tag).
        visible = any(clean(html_lib.unescape(piece)) for piece in _TAGS.split(sanitized))
        return sanitized if visible else None


def parse_body(node: HtmlElement | str, base_url: str, pictures: Css | str = PICTURES) -> Body:
    """Split a body element (or HTML fragment) into paragraphs, images (with captions) and related links.

    ``pictures`` is the CSS selector of an image block (picture and caption together)."""
    root = _own_copy(node)
    _drop_noise(root)
    body = Body()
    body.related_links = _lift_related(root, base_url)
    body.images = _lift_images(root, base_url, pictures)
    body.paragraphs = paragraphs_of(root)
    body.tree = root
    return body


def paragraphs_of(root: HtmlElement) -> list[str]:
    """The cleaned, non-empty paragraphs of a cleaned body tree, in order."""
    return [p for p in (clean(t) for t in _paragraphs(root)) if p]


def related_links_in(node: HtmlElement, base_url: str) -> list[dict]:
    """Related-news links in a part of the page outside the body."""
    return _lift_related(_own_copy(node), base_url)


def is_related_heading(text: str | None) -> bool:
    return bool(text and len(text) < 40 and fold_name(text) in RELATED_HEADINGS)


def _own_copy(node: HtmlElement | str) -> HtmlElement:
    if isinstance(node, str):
        return fragment_fromstring(node, create_parent="div")
    root = copy.deepcopy(node)
    root.tail = None
    return root


def _remove(element: HtmlElement) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


AD_PREFIXES = ("adasia", "adsbygoogle", "banner_ads")


def _is_ad(element: HtmlElement) -> bool:
    ident, classes = element.get("id"), element.get("class")
    if not ident and not classes:  # most elements: no name to test
        return False
    for name in [ident or "", *(classes or "").split()]:
        if name:
            lower = name.lower()
            if lower in AD_MARKERS or lower.startswith(AD_PREFIXES):
                return True
    return False


def _drop_noise(root: HtmlElement) -> None:
    doomed = [e for e in root.iter() if e is not root and (
        not isinstance(e.tag, str) or e.tag in DROP_TAGS or _is_ad(e))]
    for element in doomed:
        _remove(element)


def _own_text(element: HtmlElement) -> str:
    """The text directly inside an element, not inside its children."""
    return " ".join(t for t in [element.text, *(c.tail for c in element)] if t)


def _text_pieces(node: HtmlElement):
    """(text, element that holds it) for every piece of text under ``node``."""
    for element in node.iter():
        if element.text:
            yield element.text, element
        if element is not node and element.tail:
            yield element.tail, element.getparent()


def _only_links_besides(node: HtmlElement, heading: HtmlElement) -> bool:
    """True when ``node`` reads as a list of links: besides the heading, its text is
    mostly link text (a date or a bullet beside each link is fine, a paragraph is not)."""
    in_links = other = 0
    for text, holder in _text_pieces(node):
        size = len(text.strip())
        if not size:
            continue
        lineage = [holder, *holder.iterancestors()]
        lineage = lineage[: lineage.index(node) + 1] if node in lineage else lineage
        if heading in lineage:
            continue
        if any(e.tag == "a" for e in lineage):
            in_links += size
        else:
            other += size
    return other <= max(20, in_links // 3)


def _short_text(element: HtmlElement, limit: int = 40) -> str | None:
    """``element.text_content()`` when shorter than ``limit`` characters, else None (read no further)."""
    pieces, size = [], 0
    for piece in element.itertext():  # (the text nodes text_content() joins: no comment, no tail)
        size += len(piece)
        if size >= limit:
            return None
        pieces.append(piece)
    return "".join(pieces)


def _is_heading(element: HtmlElement) -> bool:
    own = _own_text(element)
    if is_related_heading(own):
        return True
    # A heading whose text is in its children: only a short text can be one (is_related_heading)
    return (element.tag in HEADING_TAGS and not clean(own)
            and is_related_heading(_short_text(element)) and not _LINKS(element))


def _lift_related(root: HtmlElement, base_url: str) -> list[dict]:
    """Remove every "Tin liên quan" box from ``root``; return its links."""
    text = root.text_content().lower()
    if not any(hint in text for hint in RELATED_HINTS):
        return []
    links: list[dict] = []
    for heading in [e for e in root.iter() if isinstance(e.tag, str) and _is_heading(e)]:
        if heading is not root and heading.getparent() is None:  # gone with an earlier box
            continue
        parts = _box_parts(root, heading)
        for part in parts:
            for a in _HREF_LINKS(part):
                title = clean(a.text_content()) or clean(a.get("title"))
                if title:
                    links.append({"url": absolute(a.get("href"), base_url), "title": title})
        for part in parts:
            _remove(part)
    return links


def _box_parts(root: HtmlElement, heading: HtmlElement) -> list[HtmlElement]:
    """The heading's box: its largest ancestor below ``root`` holding only links besides it,
    or, when the heading stands directly in ``root``, the heading and the link lists after it."""
    box = heading
    while box.getparent() is not None and box.getparent() is not root and \
            _only_links_besides(box.getparent(), heading):
        box = box.getparent()
    if box.getparent() is not root:
        return [box]
    parts = [box]
    sibling = box.getnext() if not clean(box.tail) else None
    while sibling is not None:
        if _LINKS(sibling) and _only_links_besides(sibling, heading):
            parts.append(sibling)
        elif clean(sibling.text_content()):
            break
        if clean(sibling.tail):
            break
        sibling = sibling.getnext()
    return parts


def _image_src(img: HtmlElement, base_url: str) -> str | None:
    for attr in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return absolute(value, base_url)
    return None


def _lift_images(root: HtmlElement, base_url: str, pictures: Css | str) -> list[dict]:
    """Replace each picture block by a plain <figure>, collecting src and caption in order."""
    images: list[dict] = []
    for block in select(pictures, root):
        if block is not root and block.getparent() is None:
            continue
        imgs = list(block.iterdescendants("img"))
        first_caption = _first_caption(block)
        caption = clean(first_caption.text_content()) if first_caption is not None else None
        if imgs and not caption:
            caption = clean(imgs[0].get("title-image")) or clean(imgs[0].get("data-caption"))
        src = _image_src(imgs[0], base_url) if imgs else None
        if src is None:
            _remove(block)
            continue
        images.append({"src": src, "caption": caption})
        _replace(block, _figure(src, caption))
    for img in list(root.iter("img")):
        if any(a.tag == "figure" and a.get("data-lifted") for a in img.iterancestors()):
            continue
        src = _image_src(img, base_url)
        if src:
            caption = clean(img.get("title-image"))
            images.append({"src": src, "caption": caption})
            _replace(img, _figure(src, caption))
        else:
            _remove(img)
    return images


def _replace(old: HtmlElement, new: HtmlElement) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _figure(src: str, caption: str | None) -> HtmlElement:
    figure = etree.Element("figure", {"data-lifted": "1"})
    etree.SubElement(figure, "img", {"src": src, "alt": caption or ""})
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return figure


def _has_block(element: HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCKS for d in element.iterdescendants())


def _inline_text(element: HtmlElement) -> str:
    """Text of an inline element in document order, a <br> counting as a space."""
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    return "".join(element.itertext())


def _block_holders(root: HtmlElement) -> set[HtmlElement]:
    """The elements of ``root``'s tree (``root`` included) that hold a block below them: one walk,
    instead of a walk below every child for ``_has_block``."""
    holders: set[HtmlElement] = set()
    for block in root.iter(*BLOCKS):
        if block is root:
            continue
        for holder in block.iterancestors():
            if holder in holders:
                break  # its ancestors are in already
            holders.add(holder)
            if holder is root:
                break
    return holders


def _paragraphs(node: HtmlElement, holders: set[HtmlElement] | None = None) -> list[str]:
    """Text of the innermost blocks in document order; loose text between blocks is a paragraph too."""
    if holders is None:
        holders = _block_holders(node)
    out: list[str] = []
    inline: list[str] = [node.text or ""]

    def flush() -> None:
        text = "".join(inline)
        if text.strip():
            out.append(text)
        inline.clear()

    for child in node:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "figure":
            flush()
        elif child.tag == "br":
            if inline and inline[-1] == "\n":
                flush()
            else:
                inline.append("\n")
        else:
            nested = child in holders
            if nested or child.tag in BLOCKS:
                flush()
                if nested:
                    out += _paragraphs(child, holders)
                else:
                    out.append(_inline_text(child))
            else:
                inline.append(_inline_text(child))
        inline.append(child.tail or "")
    flush()
    return out
