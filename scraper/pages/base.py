"""What every page object shares: an NFC selector over the response and metadata lookups."""

from __future__ import annotations

import unicodedata

from parsel import Selector
from scrapy.http import TextResponse

from pipelines.text import clean


class Page:
    """A page object: pure functions of one response, no network, no database."""

    def __init__(self, response: TextResponse, sel: Selector | None = None):
        self.response = response
        self.url = response.url
        # Pages come in NFC or NFD; matching visible text is only reliable in one form.
        self.sel = sel or Selector(text=unicodedata.normalize("NFC", response.text), base_url=response.url)

    # -- small lookups -------------------------------------------------------
    def text(self, css: str) -> str | None:
        """Visible text of the first element matching ``css``, cleaned."""
        node = self.sel.css(css)
        return clean(" ".join(node[0].css("::text").getall())) if node else None

    def texts(self, css: str) -> list[str]:
        """Cleaned visible text of every element matching ``css``, empty ones dropped."""
        out = (clean(" ".join(n.css("::text").getall())) for n in self.sel.css(css))
        return [t for t in out if t]

    def meta(self, *names: str) -> str | None:
        """First non-empty ``<meta>`` content among ``property``/``name``/``itemprop`` names."""
        for name in names:
            for attr in ("property", "name", "itemprop"):
                value = clean(self.sel.xpath(f"//meta[@{attr}=$n]/@content", n=name).get())
                if value:
                    return value
        return None

    def link_rel(self, rel: str) -> str | None:
        return clean(self.sel.xpath("//link[@rel=$r]/@href", r=rel).get())
