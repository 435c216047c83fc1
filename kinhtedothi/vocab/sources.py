"""Where a reading came from: the facts about sources that pipelines and plugins share.

``live`` is a visit to the site (or a mirror of it); the others are copies kept by someone else
(a *capture*): filed by the time they were captured, never taken for a visit to the site."""

from __future__ import annotations

LIVE = "live"
CAPTURE_SOURCES = frozenset({"wayback", "commoncrawl", "warc"})


def is_capture(source: str | None) -> bool:
    """True for a copy from a web archive or a file, False for a visit to the site."""
    return bool(source) and source != LIVE and (source in CAPTURE_SOURCES or ":" in source)  # type: ignore[operator]
