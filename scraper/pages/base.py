"""What every page object shares: an NFC selector over the response and metadata lookups."""

from __future__ import annotations

import unicodedata

from parsel import Selector
from scrapy.http import TextResponse

from pipelines.text import clean


def decoded(response: TextResponse) -> str:
    """The page's text. A body that is valid UTF-8 but declared as something else
    (a misconfigured server saying ISO-8859-1) is read as UTF-8, as browsers end up showing it."""
    if response.encoding.lower().replace("-", "") in ("utf8",):
        return response.text
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.text
    return text if any(ord(ch) > 127 for ch in text) else response.text


class Page:
    """A page object: pure functions of one response, no network, no database."""

    def __init__(self, response: TextResponse, sel: Selector | None = None):
        self.response = response
        self.url = response.url
        # Pages come in NFC or NFD; matching visible text is only reliable in one form.
        self.sel = sel or Selector(text=unicodedata.normalize("NFC", decoded(response)), base_url=response.url)

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
