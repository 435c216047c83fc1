"""What every page object shares: an NFC selector over the response and metadata lookups."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Protocol

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, HTMLParser
from parsel import Selector

from kinhtedothi.vocab.text import clean
from kinhtedothi.vocab.decoding import page_text
from scraper.pages.selectors import Css, select

# The parser parsel would make for a page (recovering, UTF-8, huge trees), made once, with one
# element class for every tag: lxml.html's own lookup calls back into Python for each element
# the code touches (forms and inputs get their own classes there, which no page object uses).
_PARSER = HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
_XML_DECLARATION = re.compile(r"[\s\ufeff]*<\?xml\s")  # parsel reads such a text as XML


def html_selector(text: str, base_url: str) -> Selector:
    """``Selector(text=text, base_url=base_url)``, the same tree, parsed by the parser above.

    Texts parsel would not read as HTML (an XML declaration, JSON, nothing) go to parsel itself."""
    data = text.strip()
    if not data.startswith("<") or _XML_DECLARATION.match(text):
        return Selector(text=text, base_url=base_url)
    root = etree.fromstring(data.replace("\x00", "").encode("utf-8"), parser=_PARSER, base_url=base_url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=_PARSER, base_url=base_url)
    return Selector(root=root, type="html")


def _utf8_text(body: bytes) -> str | None:
    """``decoded()``'s text when the page is UTF-8 without a byte-order mark (kinhtedothi.vocab.decoding reads
    valid UTF-8 as UTF-8, whatever the page's label); None otherwise."""
    if type(body) is not bytes or body.startswith(codecs.BOM_UTF8):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _utf8_selector(body: bytes, text: str, base_url: str) -> Selector | None:
    """``html_selector(text, base_url)`` parsed straight from ``body`` when ``text`` is exactly
    ``body.decode("utf-8")`` (no text to strip and encode again); None when that is not sure to hold."""
    data = body.strip()
    if not (data.startswith(b"<") and data.endswith(b">")) or b"\x00" in data or _XML_DECLARATION.match(text):
        return None  # (between "<" and ">" bytes.strip and str.strip strip the same: ASCII spaces only)
    root = etree.fromstring(data, parser=_PARSER, base_url=base_url)
    return None if root is None else Selector(root=root, type="html")


class Response(Protocol):
    """What a page object reads of a response: its URL and bytes (Scrapy's Response, or a saved page).

    Read-only, so that Scrapy's properties satisfy it; the bytes are decoded by ``kinhtedothi.vocab.decoding``
    (which also reads ``headers`` or ``content_type`` when there are any)."""

    @property
    def url(self) -> str: ...

    @property
    def body(self) -> bytes: ...


def decoded(response: Response) -> str:
    """The page's text, decoded page by page (kinhtedothi.vocab.decoding: UTF-8 first, bad bytes replaced)."""
    return page_text(response)


class Page:
    """A page object: pure functions of one response, no network, no database."""

    html: str
    sel: Selector
    _meta: dict[str, str] | None

    def __init__(self, response: Response, parsed: Page | None = None):
        self.response = response
        self.url = response.url
        if parsed is not None:  # another page object over the same response: share its parse
            self.html, self.sel, self._meta = parsed.html, parsed.sel, parsed._meta
            return
        # Pages come in NFC or NFD; matching visible text is only reliable in one form.
        body, text = response.body, _utf8_text(response.body)  # what decoded() reads first, when it can
        self.html = unicodedata.normalize("NFC", decoded(response) if text is None else text)
        selector = None
        if text is not None and self.html is text:  # (NFC gives back the same string when it is NFC)
            selector = _utf8_selector(body, text, response.url)  # the page's own bytes are the parser's
        self.sel = html_selector(self.html, response.url) if selector is None else selector
        self._meta = None

    def rebase(self, url: str) -> None:
        """Read relative links against ``url`` (the page's own address) from now on."""
        self.url = url

    # -- small lookups -------------------------------------------------------
    def nodes(self, css: Css | str) -> list:
        """lxml elements matching ``css`` (scraper.pages.selectors, or a selector of its own), in document order."""
        return select(css, self.sel.root)

    def matches(self, css: Css | str) -> bool:
        """True when the page has an element matching ``css``."""
        return bool(self.nodes(css))

    def text(self, css: Css | str) -> str | None:
        """Visible text of the first element matching ``css``, cleaned."""
        found = self.nodes(css)
        return clean(" ".join(found[0].itertext())) if found else None

    def texts(self, css: Css | str) -> list[str]:
        """Cleaned visible text of every element matching ``css``, empty ones dropped."""
        out = (clean(" ".join(n.itertext())) for n in self.nodes(css))
        return [t for t in out if t]

    def meta(self, *names: str) -> str | None:
        """First non-empty ``<meta>`` content among ``property``/``name``/``itemprop`` names."""
        if self._meta is None:
            self._meta = {}
            for node in self.sel.root.iter("meta"):
                content = node.get("content")
                if not content or not content.strip():
                    continue
                for attr in ("property", "name", "itemprop"):
                    key = node.get(attr)
                    if key:
                        self._meta.setdefault(key.strip().lower(), content)
        for name in names:
            if name.lower() in self._meta:
                return clean(self._meta[name.lower()])
        return None

    def link_rel(self, rel: str) -> str | None:
        for link in self.sel.root.iter("link"):
            if (link.get("rel") or "").strip().lower() == rel:
                return clean(link.get("href"))
        return None
