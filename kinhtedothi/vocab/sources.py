"""Where an archived page came from: the names in the ``source`` columns, which of them are captures, and
how a ``capture_url`` reads.

The facts the pipelines and the Datasette plugins need about a source, and nothing else: the crawler's side
of each source (its options, spider and throttle policy) is ``scraper/sources/<name>.py``. A new source adds
one ``SourceKind`` here and one module there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceKind:
    """What the rest of the archive knows about a source by its name."""

    name: str               # the value of ``source`` in articles, article_versions and raw_pages
    capture: bool           # a copy someone else made (a web archive, a saved file), not our visit to the site
    replayable: bool = False  # its capture_url is a page a reader can open (the Wayback Machine's copy)
    scheme: str | None = None  # the prefix of a capture_url that is not a web address ("warc", "file")

    def address(self, place: str) -> str:
        """The capture_url of a place in a local file: ``warc:<path>#<offset>``, ``file:<name>``."""
        if self.scheme is None:
            raise ValueError(f"a {self.name} capture_url is a web address")
        return f"{self.scheme}:{place}"

    def place(self, capture_url: str | None) -> str | None:
        """The place named by one of this source's capture_urls (``file:Bài viết.mhtml`` -> ``Bài viết.mhtml``),
        None when the URL is not one of its kind."""
        prefix = f"{self.scheme}:"
        if self.scheme is None or not capture_url or not capture_url.startswith(prefix):
            return None
        return capture_url[len(prefix):] or None


LIVE = SourceKind("live", capture=False)
WAYBACK = SourceKind("wayback", capture=True, replayable=True)
COMMONCRAWL = SourceKind("commoncrawl", capture=True)
WARC = SourceKind("warc", capture=True, scheme="warc")
PAGES = SourceKind("pages", capture=True, scheme="file")

KINDS: dict[str, SourceKind] = {kind.name: kind for kind in (LIVE, WAYBACK, COMMONCRAWL, WARC, PAGES)}
# Copies read from somewhere else than the site: filed by capture time, never over a newer copy, and never
# counted as a visit to the site (a re-check, or a reason for the live crawl to skip an address).
CAPTURE_SOURCES = frozenset(name for name, kind in KINDS.items() if kind.capture)


def kind_of(source: str | None) -> SourceKind:
    """The kind of a ``source`` value: NULL (archives made before the column) is a live reading; a name this
    version does not know is taken for a capture, which never claims a visit to the site."""
    if source is None:
        return LIVE
    return KINDS.get(source) or SourceKind(source, capture=True)


def is_capture(source: str | None) -> bool:
    """True for a copy from a web archive or a file, False for our own visit to the site (or its mirror)."""
    return kind_of(source).capture
