"""Parsing saved pages without crawling: files → normalized records (``kinhtedothi parse``).

Kept free of Scrapy's engine and Twisted, so that parsing many files starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

from w3lib.encoding import html_to_unicode

from pipelines.normalize import normalize_article
from pipelines.places import places_of, public
from pipelines.validate import problems
from scraper.pages import article_page_for
from kinhtedothi.vocab.urls import SITE

# the crawl's whole per-page work: sanitized HTML and fingerprint; the places the article names
OUTPUT_FIELDS = ("url", "site_id", "title", "sapo", "author", "authors", "byline_source", "published_at",
                 "published_raw", "section", "subsection", "body_text", "tags", "images", "related_links", "places",
                 "layout", "body_html", "content_hash")
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass
class SavedPage:
    """A page read from disk (or from raw_pages), decoded the way Scrapy decodes a response."""

    url: str
    body: bytes
    content_type: str | None = None

    @cached_property
    def _decoded(self) -> tuple[str, str]:
        return html_to_unicode(self.content_type, self.body)

    @property
    def encoding(self) -> str:
        return self._decoded[0]

    @property
    def text(self) -> str:
        return self._decoded[1]


def saved_pages(paths: list[str | Path]) -> Iterator[Path]:
    """The files named, and the saved pages (``*.html``, ``*.htm``) inside folders, sorted."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
        else:
            yield path


def parse_page(body: bytes, url: str | None = None) -> dict[str, Any]:
    """One saved page → the archive's normalized fields (page's own URL unless ``url`` is given)."""
    if not body.strip():
        raise ValueError("empty file")
    page = article_page_for(SavedPage(url or f"{SITE}/", body))
    own = page.own_url() if url is None else url
    if url is None and own:  # read relative links against the page's own URL
        page.rebase(own)
    extracted = page.extract()  # as the crawl does: with body_html
    if url is not None:
        extracted["url"] = url
    article, warnings = normalize_article(extracted)  # and content_hash, as the crawl stores it
    if own is None:
        article["url"] = article["site_id"] = None
        warnings.append("the page names no URL of its own (no canonical link or og:url): use --url")
    missing = [p for p in problems(article) if p.startswith("no ")]
    if missing:
        warnings.append("not an article: " + ", ".join(missing))
    record = {name: article.get(name) for name in OUTPUT_FIELDS}
    record["authors"] = [person["name"] for person in article["authors"]]  # normalized names, in order
    record["places"] = public(places_of(article))   # Hanoi's districts and wards, provinces (pipelines/places.py)
    if warnings:
        record["warnings"] = warnings
    return record
