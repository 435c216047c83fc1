"""The site's content as data: articles, events, feeds and fault paths.

This module is the truth.  Everything is deterministic (seeded random).
"""
import os
import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from . import data_articles as D
from . import data_text as T

SITE = "https://kinhtedothi.vn"
HERE = os.path.dirname(os.path.abspath(__file__))

# feed key -> (default id, slug, catalog name, name shown in the home bar, truth slug)
EVENTS = {
    "elections": (731, "bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap",
                  "Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp",
                  "Bầu cử đại biểu Quốc hội khoá XV và HĐND các cấp", "bau-cu-quoc-hoi-khoa-xv"),
    "covid": (719, "dai-dich-covid-19", "Đại dịch Covid-19", "Đại dịch Covid-19", "dai-dich-covid-19"),
    "environment": (736, "cuoc-thi-viet-bao-ve-moi-truong-tren-dia-ban-tp-ha-noi",
                    'Cuộc thi viết "Bảo vệ môi trường trên địa bàn TP Hà Nội"',
                    "Cuộc thi viết “Bảo vệ môi trường trên địa bàn TP Hà Nội”", "cuoc-thi-bao-ve-moi-truong"),
    "other": (720, "dai-hoi-dang-bo-cac-cap-va-dai-hoi-xiii-cua-dang",
              "Đại hội Đảng bộ các cấp và Đại hội XIII của Đảng",
              "Đại hội Đảng bộ các cấp và Đại hội XIII của Đảng", None),
}
OUR_FEEDS = ("elections", "covid", "environment")
FEED_PAGES = {"elections": 3, "covid": 4, "environment": 3, "other": 1}

FAULT_URLS: dict[str, str] = {
    "dead": "/ha-noi-xet-nghiem-dien-rong-cho-cong-nhan-cac-khu-cong-nghiep-407120.html",
    "redirect_from": "",  # filled below (old slug of e07)
    "retry_500": "",      # filled below (c04)
    "retry_503_feed_page": "/su-kien/731/bau-cu-dai-bieu-quoc-hoi-khoa-xv-va-hdnd-cac-cap/trang-2.html",
    "gallery": "/video/toan-canh-ha-noi-ra-quan-don-ve-sinh-moi-truong-392415.html",
    "robots_disallowed": "/tim-kiem/bau-cu-2021-999999.html",
    "lookalike": "/du-lich/su-kien/",
}
RETRY_503_FEED = ("elections", 2)

SECTIONS = {
    "Chính trị": ("/chinh-tri", [("Thời sự", "/chinh-tri/thoi-su"), ("Xây dựng Đảng", "/chinh-tri/xay-dung-dang"),
                                 ("Bầu cử", "/chinh-tri/bau-cu")]),
    "Y tế": ("/y-te", [("Phòng dịch", "/y-te/phong-dich"), ("Sức khỏe", "/y-te/suc-khoe")]),
    "Xã hội": ("/xa-hoi", [("Đời sống", "/xa-hoi/doi-song"), ("Giáo dục", "/xa-hoi/giao-duc")]),
    "Môi trường": ("/moi-truong", [("Xanh - Sạch - Đẹp", "/moi-truong/xanh-sach-dep"),
                                   ("Tài nguyên", "/moi-truong/tai-nguyen")]),
    "Đô thị": ("/do-thi", [("Quy hoạch", "/do-thi/quy-hoach"), ("Hạ tầng", "/do-thi/ha-tang")]),
    "Du lịch": ("/du-lich", [("Sự kiện", "/du-lich/su-kien/"), ("Điểm đến", "/du-lich/diem-den/")]),
}

TAGS = {
    "e": ["bầu cử", "Quốc hội khóa XV", "HĐND các cấp", "cử tri", "Hà Nội"],
    "c": ["Covid-19", "phòng chống dịch", "Hà Nội", "giãn cách xã hội", "vắc xin"],
    "v": ["bảo vệ môi trường", "cuộc thi viết", "rác thải", "Hà Nội", "ô nhiễm"],
}
CAPTIONS = {
    "e": ["Quang cảnh hội nghị tại {place}", "Cử tri {place} tìm hiểu thông tin về người ứng cử",
          "Tổ bầu cử kiểm tra hòm phiếu trước giờ khai mạc"],
    "c": ["Lực lượng y tế lấy mẫu xét nghiệm cho người dân {place}", "Chốt kiểm soát dịch tại {place}",
          "Nhân viên y tế phun khử khuẩn khu vực công cộng"],
    "v": ["Một góc {place} sau khi được cải tạo", "Rác thải tập kết chờ thu gom tại {place}",
          "Tình nguyện viên ra quân làm sạch môi trường"],
}

# Per-article variations (the page markup each one exercises).
VARIANTS: dict[str, dict[str, Any]] = {
    "e01": {"related": "inside-a"}, "e02": {"related": "outside-a"}, "e03": {"images": 0},
    "e04": {"dash": "–"}, "e05": {"img": "protocol"}, "e06": {"around_date": True},
    "e07": {"redirect_old": "thanh-nien-thu-do-tuyen-truyen-bau-cu"}, "e08": {"cap": "none"},
    "e09": {"empty_p": True, "nbsp": True}, "e10": {"inline": True}, "e11": {"related": "outside-b"},
    "ec1": {"related": "inside-b"}, "ec2": {"nfd": True}, "ec4": {"img": "relative"},
    "ec5": {"author": "Phạm Hùng - Kim Nhuệ"}, "ec6": {"no_sub": True},
    "c01": {"cap": "attr"}, "c02": {"script": True}, "c03": {"nfd": True}, "c04": {"retry_500": True},
    "c05": {"nbsp": True, "empty_p": True}, "c06": {"related": "outside-a"}, "c07": {"related": "inside-a"},
    "c08": {"img": "relative", "cap": "p"}, "c09": {"no_tags": True}, "c10": {"dash": "—"},
    "c11": {"around_date": True}, "c12": {"ad_label": True}, "c14": {"images": 0},
    "cv1": {"related": "inside-b"}, "v02": {"related": "outside-b"}, "v03": {"cap": "attr"},
    "v04": {"no_charset": True}, "v05": {"nbsp": True}, "v06": {"dash": "—"}, "v07": {"script": True},
    "v08": {"cap": "p", "img": "protocol"}, "v09": {"no_sub": True, "no_tags": True},
    "v10": {"related": "inside-a"}, "v11": {"images": 2}, "v12": {"ad_label": True},
    "x1": {"related": "current"}, "x2": {"sapo_meta_only": True},
}
VARIATION_NAMES = {
    "related": lambda v: "related-outside" if v in ("outside-a", "outside-b", "current") else "related-inside",
    "dash": lambda v: "en-dash-sapo" if v == "–" else "em-dash-sapo",
    "img": lambda v: "img-protocol-relative" if v == "protocol" else "img-relative",
    "cap": lambda v: {"none": "image-no-caption", "attr": "caption-attr", "p": "caption-p"}[v],
    "around_date": lambda v: "text-around-date", "redirect_old": lambda v: "redirected",
    "empty_p": lambda v: "empty-p", "nbsp": lambda v: "nbsp", "inline": lambda v: "inline-markup",
    "nfd": lambda v: "nfd", "no_sub": lambda v: "no-subsection", "script": lambda v: "script-in-body",
    "retry_500": lambda v: "retry-500", "no_tags": lambda v: "no-tags", "ad_label": lambda v: "ad-label-text",
    "no_charset": lambda v: "no-charset-header", "images": lambda v: "no-images" if v == 0 else "two-images",
    "sapo_meta_only": lambda v: "sapo-meta-only",
}
# How a feed links to an article: (feed, key) -> form.
LINK_FORMS = {
    ("elections", "e04"): "http", ("elections", "ec3"): "tracking", ("elections", "e09"): "www",
    ("elections", "e02"): "fragment", ("covid", "c06"): "tracking", ("covid", "c10"): "https",
    ("covid", "ec1"): "www", ("environment", "v05"): "http", ("environment", "x1"): "https",
    ("environment", "v08"): "tracking", ("environment", "cv2"): "www",
}
LINK_FORM_VARIATION = {"http": "link-http", "https": "link-https", "www": "link-www",
                       "tracking": "tracking-query", "fragment": "link-fragment"}

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def slugify(text):
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def site_id_for(when):
    """Plausible 6-digit id growing with the date (405813 on 13-01-2021)."""
    delta = (when - datetime(2021, 1, 13, 20, 36)).total_seconds() / 86400.0
    return 405813 + int(round(delta * 100))


def _body(rng, pools, place, n_paras):
    pool = [s for p in pools for s in p]
    rng.shuffle(pool)
    paras = []
    for _ in range(n_paras):
        k = min(rng.randint(1, 3), len(pool))
        if k == 0:
            break
        paras.append(" ".join(s.format(place=place) for s in pool[:k]))
        pool = pool[k:]
    return paras


Row = tuple[str, str, str, str, str, "str | None"]  # key, title, sapo, place, date, author (data_articles)


def _build():
    groups: list[tuple[str, Sequence[Row], list[str]]] = [
        ("e", D.ELECTIONS, ["elections"]), ("ec", D.ELECTIONS_COVID, ["elections", "covid"]),
        ("c", D.COVID, ["covid"]), ("cv", D.COVID_CONTEST, ["covid", "environment"]),
        ("v", D.CONTEST, ["environment"]), ("x", D.CURRENT, ["environment"]), ("z", D.OTHER, [])]
    pools = {"e": [T.ELECTIONS], "ec": [T.ELECTIONS, T.COVID], "c": [T.COVID], "cv": [T.COVID, T.ENVIRONMENT],
             "v": [T.ENVIRONMENT], "x": [T.ENVIRONMENT], "z": [T.OTHER]}
    arts, used_ids = [], set()
    idx = 0
    for topic, rows, feeds in groups:
        for key, title, sapo, place, date, author in rows:
            idx += 1
            rng = random.Random(7919 * idx)
            var = VARIANTS.get(key, {})
            when = datetime.strptime(date, "%Y-%m-%d %H:%M")
            base = topic[0] if topic[0] in "ecv" else ("v" if topic == "x" else None)
            n_paras = 3 if topic == "z" else [3, 4, 5, 6, 7, 8][idx % 6]
            a: dict[str, Any] = {
                "key": key, "topic": topic, "title": title, "sapo": sapo, "place": place,
                "published": when, "author": var.get("author", author),
                "layout": "current" if topic == "x" else "legacy", "feeds": list(feeds),
                "paragraphs": _body(rng, pools[topic], place, n_paras), "var": var, "variations": [],
                "dash": var.get("dash", "-"), "related": [], "related_mode": var.get("related"),
            }
            slug = slugify(title)
            if a["layout"] == "current":
                a["site_id"], a["slug"] = None, slug
                a["path"] = "/%s.html" % slug
            else:
                sid = site_id_for(when)
                while sid in used_ids:
                    sid += 1
                used_ids.add(sid)
                a["site_id"], a["slug"] = sid, slug
                a["path"] = "/%s-%d.html" % (slug, sid)
            # section / subsection
            sec: str | None
            sub: str | None
            if topic == "z":
                sec = "Du lịch" if key in ("z4", "z5") else ("Đô thị" if key == "z6" else "Chính trị")
            elif topic in ("e",) or (topic == "ec" and idx % 2):
                sec = "Chính trị"
            elif topic in ("c", "ec"):
                sec = ["Y tế", "Xã hội"][idx % 2]
            else:
                sec = ["Môi trường", "Đô thị"][idx % 2]
            subs = SECTIONS[sec][1]
            sub = subs[-1][0] if sec == "Chính trị" else subs[idx % len(subs)][0]
            if a["layout"] == "current":
                sec = sub = None
            a["section"], a["subsection"] = sec, (None if var.get("no_sub") else sub)
            # tags
            if base and not var.get("no_tags"):
                pool = list(TAGS[base])
                rng.shuffle(pool)
                a["tags"] = pool[: 2 + idx % 3]
            else:
                a["tags"] = []
            # images
            n_img = var.get("images", 1 if topic != "z" else 0)
            a["images"] = []
            for i in range(n_img):
                cap = rng.choice(CAPTIONS[base]).format(place=place) if base else None
                cap = cap[0].upper() + cap[1:] if cap else None
                name = "%s-%d.jpg" % ("-".join(slug.split("-")[:4]), i + 1)
                ymd = when.strftime("%Y/%m/%d")
                form = var.get("img") if i == 0 else None
                if form == "relative":
                    src = "/uploads/images/%s/%s" % (ymd, name)
                elif form == "protocol":
                    src = "//media.kinhtedothi.vn/%s/%s" % (ymd, name)
                else:
                    src = "https://cdn.kinhtedothi.vn/%s/%s" % (ymd, name)
                mode = var.get("cap", "td") if i == 0 else "td"
                if a["layout"] == "current":
                    mode, cap = "figure", "%s - Ảnh %d" % (title, i + 1)
                after = min(len(a["paragraphs"]) - 1, 0 if i == 0 else 2)
                a["images"].append({"src": src, "caption": None if mode == "none" else cap,
                                    "mode": mode, "after": after})
            for name, value in var.items():
                if name in VARIATION_NAMES:
                    a["variations"].append(VARIATION_NAMES[name](value))
            if a["layout"] == "current":
                a["variations"].insert(0, "current-layout")
            if a["author"] is None:
                a["variations"].append("no-author")
            elif " - " in a["author"]:
                a["variations"].append("multi-author")
            if "redirect_old" in var:
                a["redirect_from"] = "/%s-%d.html" % (var["redirect_old"], a["site_id"])
            arts.append(a)
    arts.append(_seed())
    return arts


def _seed():
    with open(os.path.join(HERE, "data", "seed-article.txt"), encoding="utf-8") as f:
        lines = [line.strip() for line in f.read().splitlines() if line.strip()]
    title, author, date, sapo = lines[1], lines[2], lines[3], lines[4]
    assert lines[5] == "Tin liên quan"
    paras = [lines[6]] + lines[8:]
    slug = "quan-thanh-xuan-19-19-chi-tieu-chu-yeu-dat-va-vuot-ke-hoach"
    return {
        "key": "seed", "topic": "c", "title": title, "sapo": re.sub(r"^Kinhtedothi\s*[-–—]\s*", "", sapo),
        "place": "quận Thanh Xuân", "published": datetime.strptime(date, "%d-%m-%Y %H:%M"),
        "author": author, "layout": "legacy", "feeds": ["covid"], "paragraphs": paras,
        "var": {"seed": True}, "variations": ["seed", "related-inside", "related-empty"], "dash": "-",
        "related": [], "related_mode": "seed", "site_id": 405813, "slug": slug,
        "path": "/%s-405813.html" % slug, "section": None, "subsection": None, "tags": [],
        "images": [{"src": "https://cdn.kinhtedothi.vn/2021/01/13/thanh-xuan-hoi-nghi-lan-thu-5.jpg",
                    "caption": lines[7], "mode": "td", "after": 0}],
    }


ARTICLES = _build()
BY_KEY = {a["key"]: a for a in ARTICLES}
BY_PATH = {a["path"]: a for a in ARTICLES}
REDIRECTS = {a["redirect_from"]: a["path"] for a in ARTICLES if a.get("redirect_from")}
FAULT_URLS["redirect_from"] = BY_KEY["e07"]["redirect_from"]
FAULT_URLS["retry_500"] = BY_KEY["c04"]["path"]
LOOKALIKE_KEYS = ["z4", "z5"]
OTHER_EVENT_KEYS = ["z1", "z2", "z3"]
HOME_EXTRA_KEYS = ["z6", "z2", "z4"]

# related news: key list of other articles of ours, by closeness in time
for _a in ARTICLES:
    if _a["related_mode"] and _a["related_mode"] != "seed":
        _t = {"x": "v"}.get(_a["topic"], _a["topic"])
        same = [b for b in ARTICLES if b["topic"] == _t and b["key"] != _a["key"]
                and b["layout"] == "legacy" and not b.get("redirect_from")]
        same.sort(key=lambda b: abs((b["published"] - _a["published"]).total_seconds()))
        _a["related"] = [b["key"] for b in same[: 2 + len(_a["key"]) % 2]]

# Special (non-article) entries placed in feeds: (feed, kind, path, title, date for ordering)
SPECIALS = [
    ("covid", "dead", FAULT_URLS["dead"], "Hà Nội xét nghiệm diện rộng cho công nhân các khu công nghiệp",
     datetime(2021, 1, 20, 10, 0)),
    ("elections", "robots", FAULT_URLS["robots_disallowed"], "Bầu cử 2021: những điều cử tri cần biết",
     datetime(2021, 5, 23, 12, 0)),
    ("environment", "gallery", FAULT_URLS["gallery"], "Toàn cảnh Hà Nội ra quân dọn vệ sinh môi trường",
     datetime(2020, 8, 1, 9, 0)),
]


def feed_entries(feed, extra=()):
    """Ordered (newest first) list of entries: dicts with kind, path, title, key, form."""
    out = []
    for a in [*ARTICLES, *extra]:
        if feed in a["feeds"] or (feed == "other" and a["key"] in OTHER_EVENT_KEYS):
            path = a.get("redirect_from", a["path"])
            out.append({"kind": "article", "key": a["key"], "path": path, "title": a["title"],
                        "sapo": a["sapo"], "when": a["published"],
                        "form": LINK_FORMS.get((feed, a["key"]), "relative")})
    for f, kind, path, title, when in SPECIALS:
        if f == feed:
            out.append({"kind": kind, "key": None, "path": path, "title": title, "sapo": "",
                        "when": when, "form": "relative"})
    out.sort(key=lambda e: e["when"], reverse=True)
    return out


def feed_pages(feed, extra=()):
    entries = feed_entries(feed, extra)
    n = FEED_PAGES[feed]
    size, extra = divmod(len(entries), n)
    pages, i = [], 0
    for p in range(n):
        k = size + (1 if p < extra else 0)
        pages.append(entries[i:i + k])
        i += k
    return pages


FEEDS = {f: feed_pages(f) for f in EVENTS}

# link-form variations recorded on the articles
for _f in OUR_FEEDS:
    for _page in FEEDS[_f]:
        for _e in _page:
            if _e["key"] and _e["form"] in LINK_FORM_VARIATION:
                _v = LINK_FORM_VARIATION[_e["form"]]
                if _v not in BY_KEY[_e["key"]]["variations"]:
                    BY_KEY[_e["key"]]["variations"].append(_v)
