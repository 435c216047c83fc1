"""Where the sources disagree, and what a correct coverage report says of it.

The gapped world: the live copy of the legacy site no longer serves three articles of the feeds, and
answers 503 for a while to a fourth; the Wayback Machine and Common Crawl each hold one of the three
that the other lacks:

* WAYBACK_ONLY (in two feeds): 404 on the live site, captured by the Wayback Machine only;
* COMMONCRAWL_ONLY: 404 on the live site, captured by Common Crawl only;
* NOWHERE (the article the Wayback Machine never captured): 404 on the live site, captured by no one;
* FAILING: answers 503 to its first FAILURES requests (a crawl's try and its three retries), then is served;
* the dead link (404 everywhere, captured only as a 404), the gallery (not an article) and the page
  robots.txt forbids, as in the plain sample site;
* on today's site, the site search offers the contest's later years: outside the event's dates.

    with gapped_site() as site, gapped_wayback() as wayback, gapped_commoncrawl() as cc:
        ...   # a live crawl, then `kinhtedothi coverage`, then `kinhtedothi crawl --fill-gaps`
    expected_coverage("live")   # after the live crawl; "filled": and the gap filling; "searched": and
                                # today's site searched for the contest

``expected_coverage`` says, per event: how many stories are known (one story in two forms of its address
counts once), how many are archived and from which source, and each missing or refused address with its
reason, in the words of the coverage report (docs/sources.md).
"""
from . import content as C
from .commoncrawl import FakeCommonCrawl
from .current_data import REPEATS
from .server import SampleSite
from .truth import FEED_SLUGS
from .wayback import FakeWayback
from .wayback_data import CAPTURES, NEVER_CAPTURED, surt

WAYBACK_ONLY = "ec5"
COMMONCRAWL_ONLY = "c10"
NOWHERE = NEVER_CAPTURED
GONE_LIVE = (WAYBACK_ONLY, COMMONCRAWL_ONLY, NOWHERE)
FAILING = "e11"
FAILURES = 4
CONTEST = "environment"
STAGES = ("live", "filled", "searched")
REASONS = {"dead": "gone", "robots": "robots", "gallery": "not-an-article"}


def url_of(key):
    return C.SITE + C.BY_KEY[key]["path"]


def gapped_site(**kwargs):
    """The legacy site's live copy with GONE_LIVE removed (404) and FAILING in trouble (use it with ``with``)."""
    site = SampleSite(**kwargs)
    for key in GONE_LIVE:
        site.remove_article(C.BY_KEY[key]["path"], 404)
    site.fail_article(C.BY_KEY[FAILING]["path"], 503, FAILURES)
    return site


def _without(key):
    wanted = surt(url_of(key))
    return [c for c in CAPTURES if c.urlkey != wanted]


def gapped_wayback(**kwargs):
    """The Wayback Machine lacking COMMONCRAWL_ONLY (and NOWHERE, as always)."""
    return FakeWayback(captures=_without(COMMONCRAWL_ONLY), **kwargs)


def gapped_commoncrawl(**kwargs):
    """Common Crawl lacking WAYBACK_ONLY (and NOWHERE)."""
    return FakeCommonCrawl(captures=_without(WAYBACK_ONLY), **kwargs)


def _entries(feed):
    return [e for page in C.FEEDS[feed] for e in page]


def expected_coverage(stage):
    """{event slug: {"known", "archived": {source: n}, "missing": {url: reason}, "refused": {url: reason}}}."""
    if stage not in STAGES:
        raise ValueError("stage must be one of %s" % (STAGES,))
    filled = stage != "live"
    searched = stage == "searched"
    out = {}
    for feed in C.OUR_FEEDS:
        archived: dict[str, int] = {}
        missing: dict[str, str] = {}
        refused: dict[str, str] = {}
        entries = _entries(feed)
        for entry in entries:
            key = entry["key"]
            if key is None:
                url = C.SITE + entry["path"]
                (missing if REASONS[entry["kind"]] == "gone" else refused)[url] = REASONS[entry["kind"]]
            elif key == NOWHERE:
                missing[url_of(key)] = "gone"
            elif key in (WAYBACK_ONLY, COMMONCRAWL_ONLY) and not filled:
                missing[url_of(key)] = "gone"
            elif key == FAILING and stage == "live":
                missing[url_of(key)] = "failed"
            else:
                source = {WAYBACK_ONLY: "wayback", COMMONCRAWL_ONLY: "commoncrawl"}.get(key, "live")
                archived[source] = archived.get(source, 0) + 1
        if feed == CONTEST and searched:
            refused.update({C.SITE + a["path"]: "outside-dates" for a in REPEATS})
        known = len(entries) + (len(REPEATS) if feed == CONTEST and searched else 0)
        out[FEED_SLUGS[feed]] = {"known": known, "archived": archived, "missing": missing, "refused": refused}
    return out
