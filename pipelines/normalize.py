"""Normalization: what each stored value means (docs/design.md, "Normalization rules").

``normalize_article`` is a pure function from a page object's raw fields to
the archive's record; the Scrapy pipeline and ``kinhtedothi parse`` share it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit


from pipelines.bylines import authors_of
from kinhtedothi.vocab.dates import GarbledDate, parse_published
from kinhtedothi.vocab.text import clean, clean_paragraphs, strip_controls
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.urls import absolute, article_id, canonical_url, is_site_url, numbered_id

logger = logging.getLogger(__name__)

SAPO_PREFIX = re.compile(r"^\(?\s*kinh\s*te\s*do\s*thi\s*\)?\s*[-–—:]+\s*|^\(?kinhtedothi\)?\s*[-–—:]+\s*", re.I)
HASHED_FIELDS = ("title", "sapo", "author", "published_at", "section", "subsection", "body_text",
                 "tags", "images", "related_links")


def strip_sapo_prefix(sapo: str | None) -> str | None:
    """'Kinhtedothi - Ngày 13/1, …' -> 'Ngày 13/1, …' (any dash)."""
    return clean(SAPO_PREFIX.sub("", sapo)) if sapo else None


def slug_of(url: str) -> str:
    """``/ha-noi-409318.html``, ``/ha-noi.692315.html`` and ``/ha-noi.html`` -> ``ha-noi``."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    name = re.sub(r"\.html?$", "", name)
    return re.sub(r"[-.]\d{4,}$", "", name) if article_id(url) is not None else name


def names_same_story(own: str, fetched: str) -> bool:
    """A page's canonical address may stand for where it was fetched when it names the same story: the
    same path, the same id in the same numbering, or the same slug (another form of one address)."""
    if urlsplit(own).path == urlsplit(fetched).path:
        return True
    own_id, fetched_id = numbered_id(own), numbered_id(fetched)
    if own_id and fetched_id and own_id.numbering == fetched_id.numbering:
        return own_id == fetched_id
    return slug_of(own) == slug_of(fetched)


def identity(extracted: dict[str, Any], warnings: list[str] | None = None) -> str:
    """The article's canonical URL: the page's own canonical link when it is a site article URL that
    names the same story as the address it was fetched from (never another story's address)."""
    own, fetched = extracted.get("url"), extracted.get("fetched_url")
    fetched = canonical_url(fetched) if fetched else None
    if own and is_site_url(own) and own.endswith((".html", ".htm")):
        own = canonical_url(own)
        if not fetched or not is_site_url(fetched) or names_same_story(own, fetched):
            return own
        if warnings is not None:
            warnings.append(f"the page's canonical address {own} names another story: kept {fetched}")
    url = fetched or own
    if not url:
        raise ValueError("an extraction with no URL (neither the page's own nor the fetched one)")
    return canonical_url(url)


def _images(images: list[dict] | None) -> list[dict]:
    seen, out = set(), []
    for image in images or []:
        src = image.get("src") and absolute(image["src"])
        if src and src not in seen:
            seen.add(src)
            out.append({"src": src, "caption": clean(image.get("caption"))})
    return out


def _links(links: list[dict] | None) -> list[dict]:
    seen, out = set(), []
    for link in links or []:
        url = absolute(link["url"])
        url = canonical_url(url) if is_site_url(url) else url
        title = clean(link.get("title"))
        if url not in seen and title:
            seen.add(url)
            out.append({"url": url, "title": title})
    return out


def _unique(values: list[str | None] | None) -> list[str]:
    return list(dict.fromkeys(v for v in (clean(x) for x in values or []) if v))


def word_count(body_text: str | None) -> int:
    """``len(body_text.split())`` of a text made by ``clean_paragraphs``: its paragraphs are cleaned (words
    one space apart, no other space) and one blank line apart, so counting needs no list of words."""
    return body_text.count(" ") + body_text.count("\n\n") + 1 if body_text else 0


def content_hash(article: dict[str, Any]) -> str:
    """A fingerprint of the normalized content, to tell an edit from a re-fetch."""
    payload = json.dumps({k: article.get(k) for k in HASHED_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def normalize_article(extracted: dict[str, Any], fingerprint: bool = True) -> tuple[dict[str, Any], list[str]]:
    """Raw page-object fields -> (normalized record, warnings); ``content_hash`` unless told not to."""
    warnings: list[str] = []
    url = identity(extracted, warnings)
    published_raw = clean(extracted.get("published_raw"))
    try:
        published_at = parse_published(published_raw)
    except GarbledDate as error:
        published_at = None
        warnings.append(f"garbled date: {error}")
    body_text = clean_paragraphs(extracted.get("body_paragraphs") or [])
    article: dict[str, Any] = {
        "url": url,
        "site_id": article_id(url) or article_id(extracted.get("fetched_url")),
        "title": clean(extracted.get("title")),
        "sapo": strip_sapo_prefix(extracted.get("sapo")),
        "author": clean(extracted.get("author")),
        "published_at": published_at,
        "published_raw": published_raw,
        "section": clean(extracted.get("section")),
        "subsection": clean(extracted.get("subsection")),
        "body_text": body_text,
        "body_html": strip_controls(extracted.get("body_html") or "") or None,
        "word_count": word_count(body_text),
        "tags": _unique(extracted.get("tags")),
        "images": _images(extracted.get("images")),
        "related_links": _links(extracted.get("related_links")),
        "layout": extracted.get("layout"),
        "field_sources": extracted.get("field_sources") or {},
    }
    article.update(authors_of(article["author"]))  # people in the byline: derived, not fingerprinted
    article["content_hash"] = content_hash(article) if fingerprint else None
    return article, warnings


class NormalizePipeline:
    """Gives each extracted article its normalized record."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            item.article, warnings = normalize_article(item.extracted)
            item.warnings += warnings
            for warning in warnings:
                logger.warning("%s: %s", item.article["url"], warning)
        return item
