"""What a correct crawl of today's site (``SampleSite(generation="current")``) must archive,
and how each story must join its legacy reading from the Wayback copy."""
from . import content as C
from . import current_data as D
from .render import iso
from .truth import FEED_SLUGS, expected_articles, expected_events, norm
from .wayback_data import NEVER_CAPTURED

CONTENT = ("title", "sapo", "author", "published_at", "section", "subsection", "body_text", "tags", "images",
           "related_links")
TAG_URLS = {f: C.SITE + "/tag/" + slug for f, (slug, _, _) in D.TAGS.items()}


def joined_by(a):
    """How the archive must recognise the story's legacy reading: site-id, redirect, title-minute, url, or None."""
    if a["key"] in [t["key"] for t in D.TRAPS] or a["key"] == NEVER_CAPTURED:
        return None
    if a["layout"] == "current":
        return "url"   # the same address in both generations
    if a["key"] in D.LEGACY_LINKED:
        return "redirect"
    return "title-minute"   # a 2025 dot id is another numbering: it says nothing of the legacy id


def _article(a, legacy):
    current = D.current_path(a) if a in D.OUR else a["path"]
    dotted = a["key"] in D.DOT_KEYS
    record = {
        "url": C.SITE + current,
        "site_id": D.NEW_IDS[a["key"]] if dotted else a["site_id"] if a in D.EXTRAS and a["site_id"] else None,
        "legacy_url": C.SITE + a["path"] if a in D.OUR and a["layout"] == "legacy" else None,
        "linked_as": C.SITE + D.listed_path(a),
        "title": norm(a["title"]),
        "sapo": norm(a["sapo"]),
        "author": norm(a["author"]),
        "published_at": iso(a["published"]),
        "published_raw": D.date_text(a),
        "section": norm(a["section"]),
        "subsection": norm(a["subsection"]),
        "body_text": "\n\n".join(norm(p) for p in D.paragraphs(a)),
        "tags": [norm(t) for t in a["tags"]],
        "images": [{"src": i["src"], "caption": norm(i["caption"])} for i in D.images(a)],
        "related_links": [],
        "layout": "current",
        "events": sorted(slug for slug in (FEED_SLUGS.get(f) for f in a["feeds"]) if slug),
        "joined_by": joined_by(a),
    }
    old = legacy.get(C.SITE + a["path"])
    record["differs_from_legacy"] = bool(old) and any(old[k] != record[k] for k in CONTENT)
    # the paper's own edits since the legacy page (what the archive must count as edits): only EDITED_TODAY
    record["edited_since_legacy"] = a["key"] == D.EDITED_TODAY
    # the best copy of both readings: the legacy page's own captions where today's shows the CMS default
    record["best_images"] = [{"src": i["src"], "caption": _best_caption(a, old, n, i)} for n, i in enumerate(D.images(a))]
    return record


def _best_caption(a, old, n, image):
    """Today's caption, unless it is the CMS default and the legacy page had the paper's own."""
    if image["caption"] != "%s - Ảnh %d" % (a["title"], n + 1) or not old or n >= len(old["images"]):
        return norm(image["caption"])
    return old["images"][n]["caption"] or norm(image["caption"])


def expected_current_articles():
    """Every story of the three events on today's site (traps included), sorted by url.

    ``differs_from_legacy``: its content today is not what the legacy page said (pictures
    rehosted and captioned anew, no related-news box), so joining both readings leaves an
    earlier version."""
    legacy = {a["url"]: a for a in expected_articles()}
    return sorted((_article(a, legacy) for a in D.STORIES), key=lambda d: d["url"])


def expected_current_events():
    """[{slug, name, found_by, feed_url}]: two events by tag page, the contest by the site search."""
    out = []
    for event in expected_events():
        feed = next(f for f, slug in FEED_SLUGS.items() if slug == event["slug"])
        if feed in TAG_URLS:
            out.append({**event, "found_by": "tag", "feed_url": TAG_URLS[feed]})
        else:
            out.append({**event, "found_by": "search", "feed_url": None})
    return out


def outside_the_event():
    """Search results the crawler must leave out (the contest's later years), as URLs."""
    return sorted(C.SITE + a["path"] for a in D.REPEATS)


def paging_urls(feed):
    """Every paging page a crawler may ask for, the first empty one last."""
    _, _, category = D.TAGS[feed]
    n = len(D.tag_entries(feed))
    last = -(-n // D.CARDS_ON_PAGE) + 1
    return ["/api/category/%d/paging/%d" % (category, p) for p in range(2, last + 1)]
