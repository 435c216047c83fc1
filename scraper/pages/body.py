"""Cleaning an article body fragment with BeautifulSoup.

One pass over the body only (never the whole page): drop scripts and ads,
lift out the related-news box (found by its "Tin liên quan" heading, not by
markup), lift out images with their captions, then read the article's own
paragraphs in order. Also returns a sanitized HTML copy for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipelines.text import clean, fold_name
from scraper.urls import absolute

RELATED_HEADINGS = {"tin lien quan", "tin bai lien quan", "bai lien quan", "xem them"}
DROP_TAGS = ["script", "style", "noscript", "iframe", "ins", "form", "button", "input", "select", "object", "embed", "svg"]
AD_MARKERS = {"adasia", "ads", "adsbygoogle", "advertisement", "quangcao", "qc", "banner", "box-ads", "ad-slot"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "section",
          "article", "table", "tbody", "thead", "tr", "td", "th", "dl", "dd", "dt", "center"}
SAFE_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
             "figure", "img", "figcaption", "table", "tbody", "tr", "td", "th", "sub", "sup"}
SAFE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    related_links: list[dict] = field(default_factory=list)
    html: str | None = None


PICTURES = "table.picture, figure"


def parse_body(fragment: str, base_url: str, pictures: str = PICTURES) -> Body:
    """Split a body fragment into paragraphs, images (with captions) and related links.

    ``pictures`` is the CSS selector of an image block (picture and caption together)."""
    soup = BeautifulSoup(fragment, "lxml")
    root = _container(soup)
    _drop_noise(root)
    body = Body()
    body.related_links = _lift_related(root, base_url)
    body.images = _lift_images(soup, root, base_url, pictures)
    body.paragraphs = [p for p in (clean(t) for t in _paragraphs(root)) if p]
    html = nh3.clean(root.decode_contents(), tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow")
    body.html = clean_html(html)
    return body


def _container(soup: BeautifulSoup) -> Tag:
    """The fragment's own element (the body container), not the <body> lxml wraps it in."""
    outer = soup.body or soup
    elements = outer.find_all(True, recursive=False)
    loose = any(clean(str(s)) for s in outer.find_all(string=True, recursive=False))
    return elements[0] if len(elements) == 1 and not loose else outer


def clean_html(html: str) -> str | None:
    """Trim a sanitized fragment; None when nothing visible is left."""
    return html.strip() if clean(BeautifulSoup(html, "lxml").get_text()) or "<img" in html else None


def related_links_in(fragment: str, base_url: str) -> list[dict]:
    """Related-news links in a fragment of the page outside the body."""
    soup = BeautifulSoup(fragment, "lxml")
    return _lift_related(soup.body or soup, base_url)


def is_related_heading(text: str | None) -> bool:
    return fold_name(text) in RELATED_HEADINGS


def _is_ad(tag: Tag) -> bool:
    names = {tag.get("id") or "", *(tag.get("class") or [])}
    return any(n.lower() in AD_MARKERS or n.lower().startswith(("adasia", "adsbygoogle", "banner_ads")) for n in names)


def _drop_noise(root: Tag) -> None:
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in root.find_all(DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(_is_ad):
        tag.decompose()


def _only_links_besides(node: Tag, heading: Tag) -> bool:
    """True when ``node`` reads as a list of links: besides the heading, its text is
    mostly link text (a date or a bullet beside each link is fine, a paragraph is not)."""
    in_links = other = 0
    for text in node.find_all(string=True):
        size = len(clean(str(text)) or "")
        if not size or heading in text.parents or isinstance(text, Comment):
            continue
        if any(p.name == "a" for p in text.parents if p is not node):
            in_links += size
        else:
            other += size
    return other <= max(20, in_links // 3)


def _lift_related(root: Tag, base_url: str) -> list[dict]:
    """Remove every "Tin liên quan" box from ``root``; return its links."""
    links: list[dict] = []
    for heading in [t for t in root.find_all(True) if _own_text_is_heading(t)]:
        if heading.parent is None:  # already removed with an earlier box
            continue
        parts = _box_parts(root, heading)
        for part in parts:
            for a in part.find_all("a", href=True) if isinstance(part, Tag) else []:
                title = clean(a.get_text()) or clean(a.get("title"))
                if title:
                    links.append({"url": absolute(a["href"], base_url), "title": title})
        for part in parts:
            part.extract()
    return links


def _own_text_is_heading(tag: Tag) -> bool:
    own = " ".join(str(s) for s in tag.find_all(string=True, recursive=False))
    return is_related_heading(own) or (not clean(own) and tag.name in {"h2", "h3", "h4", "div", "p", "span", "strong", "b"}
                                       and is_related_heading(tag.get_text()) and not tag.find("a"))


def _box_parts(root: Tag, heading: Tag) -> list:
    """The heading's box: its largest ancestor below ``root`` holding only links besides it,
    or, when the heading stands directly in ``root``, the heading and the link lists after it."""
    box = heading
    while box.parent is not None and box.parent is not root and _only_links_besides(box.parent, heading):
        box = box.parent
    if box.parent is not root:
        return [box]
    parts = [box]
    for sibling in list(box.next_siblings):
        if isinstance(sibling, NavigableString):
            if clean(str(sibling)):
                break
            continue
        if sibling.find("a") is not None and _only_links_besides(sibling, heading):
            parts.append(sibling)
        elif clean(sibling.get_text()):
            break
    return parts


def _image_src(img: Tag, base_url: str) -> str | None:
    for attr in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return absolute(value, base_url)
    return None


def _lift_images(soup: BeautifulSoup, root: Tag, base_url: str, pictures: str) -> list[dict]:
    """Replace each picture block by a plain <figure>, collecting src and caption in order."""
    images: list[dict] = []
    for block in root.select(pictures):
        if block.parent is None:
            continue
        img = block.find("img")
        cap_node = block.find(class_="caption") or block.find("figcaption")
        caption = clean(cap_node.get_text()) if cap_node else None
        if img is not None and not caption:
            caption = clean(img.get("title-image")) or clean(img.get("data-caption"))
        src = _image_src(img, base_url) if img is not None else None
        if src is None:
            block.decompose()
            continue
        images.append({"src": src, "caption": caption})
        block.replace_with(_figure(soup, src, caption))
    for img in root.find_all("img"):
        if img.find_parent("figure") is not None:
            continue
        src = _image_src(img, base_url)
        caption = clean(img.get("title-image"))
        if src:
            images.append({"src": src, "caption": caption})
            img.replace_with(_figure(soup, src, caption))
        else:
            img.decompose()
    return images


def _figure(soup: BeautifulSoup, src: str, caption: str | None) -> Tag:
    figure = soup.new_tag("figure")
    figure.append(soup.new_tag("img", src=src, alt=caption or ""))
    if caption:
        figcaption = soup.new_tag("figcaption")
        figcaption.string = caption
        figure.append(figcaption)
    return figure


def _has_block(tag: Tag) -> bool:
    return tag.find(lambda t: t.name in BLOCKS or t.name == "figure") is not None


def _paragraphs(node: Tag) -> list[str]:
    """Text of the innermost blocks in document order; loose text between blocks is a paragraph too."""
    out: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        if inline:
            out.append("".join(inline))
            inline.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            inline.append(str(child))
        elif child.name == "figure":
            flush()
        elif child.name == "br":
            if inline and inline[-1] == "\n":
                flush()
            else:
                inline.append("\n")
        elif child.name in BLOCKS or _has_block(child):
            flush()
            if _has_block(child):
                out += _paragraphs(child)
            else:
                out.append(_inline_text(child))
        else:
            inline.append(_inline_text(child))
    flush()
    return out


def _inline_text(tag: Tag) -> str:
    for br in tag.find_all("br"):
        br.replace_with(" ")
    return tag.get_text()
