"""The "Dòng sự kiện" bar: links to the running event feeds, on any legacy page."""

from __future__ import annotations

from dataclasses import dataclass

from kinhtedothi.vocab.text import clean, fold_name
from scraper.pages.base import Page
from kinhtedothi.vocab.urls import absolute, is_feed_url, site_url

BAR_HEADING = "dong su kien"


@dataclass(frozen=True)
class EventLink:
    name: str
    url: str


class EventBarPage(Page):
    """Finds event feed links (``/su-kien/<id>/<slug>.html``), preferring the bar itself."""

    def bar(self):
        """The smallest element holding the "Dòng sự kiện" heading and feed links, if any."""
        for node in self.sel.xpath("//body//*[not(self::script) and not(self::style)][text()]"):
            own = " ".join(node.xpath("text()").getall())
            if fold_name(own) != BAR_HEADING:
                continue
            for ancestor in [node, *node.xpath("ancestor::*")[::-1]]:
                if any(is_feed_url(absolute(h, self.url)) for h in ancestor.css("a::attr(href)").getall()):
                    return ancestor
        return None

    def event_links(self) -> list[EventLink]:
        scope = self.bar() or self.sel
        seen: dict[str, EventLink] = {}
        for a in scope.css("a[href]"):
            url = site_url(absolute(a.attrib["href"], self.url))
            name = clean(" ".join(a.css("::text").getall())) or clean(a.attrib.get("title"))
            if is_feed_url(url) and name and url not in seen:
                seen[url] = EventLink(name=name, url=url)
        return list(seen.values())
