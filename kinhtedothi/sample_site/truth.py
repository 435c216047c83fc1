"""What a correct crawler of the three event feeds must archive."""
import re
import unicodedata

from . import content as C
from .render import current_date_text, legacy_date_text, iso
from .server import fault_urls
from . import wayback_data as W
from .render_tag import TAG_PAGE, expected_tag_articles

FAULT_URLS = C.FAULT_URLS
FEED_SLUGS: dict[str, str] = {f: slug for f in C.OUR_FEEDS if (slug := C.EVENTS[f][4])}


def norm(text):
    """NFC, no non-breaking spaces, whitespace collapsed, trimmed; '' -> None."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def absolute(src):
    if src.startswith("//"):
        return "https:" + src
    if src.startswith("/"):
        return C.SITE + src
    return src


def _article(a):
    current = a["layout"] == "current"
    return {
        "url": C.SITE + a["path"],
        "site_id": a["site_id"],
        "title": norm(a["title"]),
        "sapo": norm(a["sapo"]),
        "author": norm(a["author"]),
        "published_at": iso(a["published"]),
        "published_raw": norm(current_date_text(a) if current else legacy_date_text(a)),
        "section": norm(a["section"]),
        "subsection": norm(a["subsection"]),
        "body_text": "\n\n".join(norm(p) for p in a["paragraphs"]),
        "tags": [norm(t) for t in a["tags"]],
        "images": [{"src": absolute(i["src"]), "caption": norm(i["caption"])} for i in a["images"]],
        "related_links": [{"url": C.SITE + C.BY_KEY[k]["path"], "title": norm(C.BY_KEY[k]["title"])}
                          for k in a["related"]],
        "layout": a["layout"],
        "events": sorted(FEED_SLUGS[f] for f in a["feeds"]),
        "variations": list(a["variations"]),
    }


def _want(event_ids):
    """Feed keys selected: None -> all three; else feed keys or truth slugs."""
    if event_ids is None:
        return set(C.OUR_FEEDS)
    if isinstance(event_ids, dict):
        return set(C.OUR_FEEDS)
    by_slug = {v: k for k, v in FEED_SLUGS.items()}
    return set(by_slug.get(e, e) for e in event_ids) & set(C.OUR_FEEDS)


def expected_articles(event_ids=None):
    """Articles reachable from the three feeds, sorted by url.

    ``event_ids``: None (all three feeds), or an iterable of feed keys
    ('elections', 'covid', 'environment') or truth slugs
    ('bau-cu-quoc-hoi-khoa-xv', ...) to restrict to those feeds.  A dict
    (the one given to SampleSite) does not change the articles: ids only
    change feed URLs.  ``events`` always lists every feed an article is in.
    """
    want = _want(event_ids)
    arts = [_article(a) for a in C.ARTICLES if set(a["feeds"]) & want]
    return sorted(arts, key=lambda d: d["url"])


def expected_events(event_ids=None):
    """[{slug, name, feed_url}] for the three feeds; ``event_ids`` is the dict given to SampleSite."""
    from .render_parts import Ctx
    ctx = Ctx(event_ids if isinstance(event_ids, dict) else None)
    return [{"slug": FEED_SLUGS[f], "name": norm(C.EVENTS[f][2]), "feed_url": C.SITE + ctx.feed_path(f)}
            for f in C.OUR_FEEDS]


# -- the fake Wayback Machine (wayback_data decides what is captured) -------------------

WAYBACK_MISSING = [C.SITE + C.BY_KEY[W.NEVER_CAPTURED]["path"]]


def wayback_captures():
    """[(original url, timestamp, status, digest)] of every capture, in CDX order."""
    return [(c.original, c.timestamp, c.status, c.digest) for c in W.CAPTURES]


def _latest_200(path):
    key = W.surt(C.SITE + path)
    stamps = [c.timestamp for c in W.CAPTURES if c.urlkey == key and c.status == 200]
    return max(stamps) if stamps else None


def expected_wayback_articles(event_ids=None):
    """What a Wayback crawl of the feeds must archive: expected_articles() minus WAYBACK_MISSING.

    Same keys and values as expected_articles(), plus ``capture_timestamp`` (the
    latest 200 capture) and, for the edited article only, ``earlier_versions``:
    [{capture_timestamp, title, body_text}] of its earlier, differing captures.
    """
    out = []
    for art in expected_articles(event_ids):
        if art["url"] in WAYBACK_MISSING:
            continue
        art = dict(art, capture_timestamp=_latest_200(art["url"][len(C.SITE):]))
        if art["url"] == C.SITE + C.BY_KEY[W.EDITED]["path"]:
            old = W.edited_earlier(C.BY_KEY[W.EDITED])
            first = min(c.timestamp for c in W.CAPTURES if c.urlkey == W.surt(art["url"]))
            art["earlier_versions"] = [{"capture_timestamp": first, "title": norm(old["title"]),
                                        "body_text": "\n\n".join(norm(p) for p in old["paragraphs"])}]
        out.append(art)
    return out


__all__ = ["expected_articles", "expected_events", "FAULT_URLS", "fault_urls", "norm",
           "expected_wayback_articles", "wayback_captures", "WAYBACK_MISSING",
           "TAG_PAGE", "expected_tag_articles"]
