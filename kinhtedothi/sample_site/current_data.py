"""The site as it is today (the 2022 CMS), for ``SampleSite(generation="current")``.

Written from what is known of the live site (its URL forms, card markup, JSON endpoints),
not from the crawler. What the current half holds, and how each story of the three events
lives on:

* every article of the three feeds has a current address: ``/<slug>.html`` (no id), or for
  DOT_KEYS ``/<slug>.<new id>.html`` (the 2025 form): the 2025 CMS numbers its articles anew, so
  the dot id is not the legacy id (NEW_IDS; one of them, c11's, is numerically another story's
  legacy id: equal numbers in two numberings are not one story);
* pictures are rehosted on ``resource.kinhtedothi.vn`` and most captions became the CMS default
  "<headline> - Ảnh n"; KEPT_CAPTIONS stories still show the paper's own caption;
* EDITED_TODAY is the one story the paper really edited after the migration: today's page has one
  more paragraph (EDITED_PARAGRAPH) than its 2021 page;
* its legacy address ``/<slug>-<id>.html`` answers 301 to the current address, except for
  GONE_KEYS, whose legacy address now answers 404 (only the headline and the minute tie
  their two pages together);
* the elections and covid events are tag pages ``/tag/<slug>`` (six cards, then a
  "Xem thêm" button backed by ``/api/category/<id>/paging/<n>``, six items a page, the page
  after the last one an empty array); the contest has no tag page: the site search finds it,
  together with the contest's later years (2021 – 2025, outside the event's dates);
* LEGACY_LINKED articles are linked from the listings by their legacy address (so a crawler
  meets the 301), the others by their current address;
* TRAPS: two more covid-tag stories, one with the headline of another story at another
  minute, one with another headline at the same minute as another story: never to be merged.
"""
from datetime import datetime

from . import content as C

OUR = [a for a in C.ARTICLES if set(a["feeds"]) & set(C.OUR_FEEDS)]
DOT_KEYS = ("e03", "ec4", "c05", "c11", "v01", "v04")  # v01: its Wayback captures carry an older headline
NEW_IDS = {"e03": 704067, "ec4": 704512, "c05": 705101, "c11": 374626, "v01": 715145, "v04": 712004}
KEPT_CAPTIONS = ("e01", "e04", "c03", "c07", "v02", "v11")
EDITED_TODAY = "v01"
EDITED_PARAGRAPH = "Cập nhật: Ban Tổ chức gia hạn nhận tác phẩm đến hết ngày 31/12/2020."
GONE_KEYS = ("e05", "c08", "v07", "cv2")
LEGACY_LINKED = ("e02", "e07", "e10", "ec1", "c02", "c09", "c14", "v02", "v09", "v11")
TAGS = {  # event feed key -> (tag slug, tag name, category id behind its "Xem thêm")
    "elections": ("bau-cu-dai-bieu-quoc-hoi-khoa-xv", "Bầu cử đại biểu Quốc hội khóa XV", 1043),
    "covid": ("dai-dich-covid-19", "Đại dịch Covid-19", 1071),
}
EMPTY_TAGS = {"bau-cu-2026": "Bầu cử 2026"}   # tag pages with no article yet
CARDS_ON_PAGE = 6       # cards on the tag page itself, and items per paging page
SEARCH_WORDS = "bao ve moi truong"   # folded words that find the contest
CONTEST_NAME = "Cuộc thi viết “Bảo vệ môi trường trên địa bàn TP Hà Nội”"
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def current_path(a):
    """Where a story lives today."""
    if a["layout"] == "current":
        return a["path"]
    if a["key"] in DOT_KEYS:
        return "/%s.%d.html" % (a["slug"], NEW_IDS[a["key"]])
    return "/%s.html" % a["slug"]


def _extra(key, title, sapo, when, author, paragraphs, site_id=None, section="Môi trường", tags=("bảo vệ môi trường",),
           slug=None):
    slug = slug or C.slugify(title)
    path = "/%s.%d.html" % (slug, site_id) if site_id else "/%s.html" % slug
    return {"key": key, "title": title, "sapo": sapo, "published": when, "author": author, "layout": "current",
            "feeds": [], "paragraphs": list(paragraphs), "slug": slug, "site_id": site_id, "path": path,
            "section": section, "subsection": None, "tags": list(tags), "images": [], "related": [], "var": {}}


# The contest's later years: found by the search, outside the 2020 event's dates.
REPEATS = [
    _extra("r%d" % year, "Phát động Cuộc thi viết “Bảo vệ môi trường trên địa bàn TP Hà Nội” năm %d" % year,
           "Báo Kinh tế & Đô thị tiếp tục phát động cuộc thi viết về bảo vệ môi trường năm %d." % year,
           datetime(year, 3, 5, 9, 30), "Ban Biên tập",
           ["Cuộc thi nhận tác phẩm đăng trên báo chí trong năm %d." % year,
            "Giải thưởng được trao vào đầu năm sau."], site_id=(692315 if year == 2025 else None))
    for year in (2021, 2022, 2023, 2024, 2025)]
_C03, _C06 = C.BY_KEY["c03"], C.BY_KEY["c06"]
TRAPS = [
    _extra("t1", _C03["title"], "Một năm sau, câu chuyện được nhìn lại.", datetime(2022, 3, 1, 8, 15), "Minh An",
           ["Một năm sau, câu chuyện được nhìn lại với nhiều đổi thay.", "Người dân đã quen với nếp sống mới."],
           section="Y tế", tags=("Covid-19",), slug=_C03["slug"] + "-nhin-lai"),  # the CMS keeps slugs unique
    _extra("t2", "Hà Nội mở lại dịch vụ ăn uống tại chỗ", "Các nhà hàng được phục vụ khách tại chỗ trở lại.",
           _C06["published"], "Thu Hà", ["Các nhà hàng được phục vụ khách tại chỗ trở lại từ hôm nay.",
                                          "Chủ cơ sở phải bảo đảm các điều kiện phòng dịch."],
           section="Y tế", tags=("Covid-19",)),
]
for _t in TRAPS:
    _t["feeds"] = ["covid"]
EXTRAS = REPEATS + TRAPS
STORIES = OUR + TRAPS            # what the current half serves for the three events
BY_CURRENT_PATH = {current_path(a): a for a in OUR}
BY_CURRENT_PATH.update({a["path"]: a for a in EXTRAS})
MOVED = {a["path"]: current_path(a) for a in OUR if a["layout"] == "legacy" and a["key"] not in GONE_KEYS}
MOVED.update({a["redirect_from"]: current_path(a) for a in OUR if a.get("redirect_from")})
GONE = {a["path"] for a in OUR if a["key"] in GONE_KEYS}


def listed_path(a):
    """The address a listing writes for a story."""
    return a["path"] if a["key"] in LEGACY_LINKED else current_path(a)


def tag_entries(feed):
    """The stories of a tag page, newest first."""
    items = [a for a in STORIES if feed in a["feeds"]]
    return sorted(items, key=lambda a: a["published"], reverse=True)


def paging(category, page):
    """The stories of paging page ``page`` (1-based) of a tag's category; [] past the end."""
    feed = next((f for f, (_, _, cid) in TAGS.items() if cid == category), None)
    if feed is None or page < 1:
        return None
    entries = tag_entries(feed)
    return entries[(page - 1) * CARDS_ON_PAGE: page * CARDS_ON_PAGE]


def search(folded_words, page, size):
    """Search results: the contest (2020 feed and later years) for its words, else nothing."""
    if SEARCH_WORDS not in folded_words:
        return []
    found = REPEATS[::-1] + sorted([a for a in OUR if "environment" in a["feeds"]],
                                   key=lambda a: a["published"], reverse=True)
    size = max(1, min(size, 50))
    return found[(page - 1) * size: page * size] if page >= 1 else []


def date_text(a):
    w = a["published"]
    return "%s, %s" % (WEEKDAYS[w.weekday()], w.strftime("%H:%M %d/%m/%Y"))


def images(a):
    """A story's pictures on today's site: rehosted, captioned "<headline> - Ảnh n" unless the story
    kept its own captions (KEPT_CAPTIONS, where it had one)."""
    out = []
    for i, img in enumerate(a["images"]):
        name = img["src"].rsplit("/", 1)[-1]
        kept = a["key"] in KEPT_CAPTIONS and img["caption"]
        out.append({"src": "https://resource.kinhtedothi.vn/%s/%s" % (a["published"].strftime("%Y/%m/%d"), name),
                    "caption": img["caption"] if kept else "%s - Ảnh %d" % (a["title"], i + 1), "after": img["after"]})
    return out


def paragraphs(a):
    """A story's paragraphs on today's site: as in 2021, but for the one the paper edited since."""
    return a["paragraphs"] + ([EDITED_PARAGRAPH] if a["key"] == EDITED_TODAY else [])
