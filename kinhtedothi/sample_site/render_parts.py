"""Shared page pieces: URLs, head, header/menu, event bar, sidebar, footer."""
from html import escape

from . import content as C

SITE_HOSTS = {
    "relative": "", "https": "https://kinhtedothi.vn", "http": "http://kinhtedothi.vn",
    "www": "https://www.kinhtedothi.vn", "tracking": "https://kinhtedothi.vn", "fragment": "",
}


def esc(text):
    return escape(text, quote=True)


def link(path, form="relative"):
    """The href a page writes for a site path, in one of the link styles."""
    href = SITE_HOSTS.get(form, "") + path
    if form == "tracking":
        href += "?utm_source=zalo&utm_medium=social"
    elif form == "fragment":
        href += "#binh-luan"
    return href


class Ctx:
    """Per-server rendering context: event ids and paging style."""

    def __init__(self, event_ids=None, paging="path"):
        if paging not in ("path", "query"):
            raise ValueError("paging must be 'path' or 'query'")
        self.event_ids = {k: v[0] for k, v in C.EVENTS.items()}
        self.event_ids.update(event_ids or {})
        self.paging = paging
        self.feeds = C.FEEDS  # replaced per site when articles are published (SampleSite.publish_article)

    def feed_path(self, feed, page=1):
        base = "/su-kien/%d/%s" % (self.event_ids[feed], C.EVENTS[feed][1])
        if page == 1:
            return base + ".html"
        if self.paging == "query":
            return "%s.html?page=%d" % (base, page)
        return "%s/trang-%d.html" % (base, page)


def head(title, canonical=None, description=None, image=None, published=None, og_type="article",
         charset="http-equiv", extra=""):
    out = ["<!DOCTYPE html>", '<html lang="vi">', "<head>"]
    if charset == "http-equiv":
        out.append('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />')
    else:
        out.append('<meta charset="utf-8">')
    out.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    out.append("<title>%s</title>" % esc(title))
    if description:
        out.append('<meta name="description" content="%s" />' % esc(description))
    if canonical:
        out.append('<link rel="canonical" href="%s" />' % esc(canonical))
    out.append('<meta property="og:site_name" content="Kinh tế &amp; Đô thị" />')
    out.append('<meta property="og:type" content="%s" />' % og_type)
    out.append('<meta property="og:title" content="%s" />' % esc(title))
    if description:
        out.append('<meta property="og:description" content="%s" />' % esc(description))
    if canonical:
        out.append('<meta property="og:url" content="%s" />' % esc(canonical))
    out.append('<meta property="og:image" content="%s" />'
               % esc(image or "https://kinhtedothi.vn/images/logo-share.png"))
    if published:
        out.append('<meta property="article:published_time" content="%s" />' % published)
    out.append('<link rel="shortcut icon" href="/favicon.ico" />')
    out.append('<link rel="stylesheet" type="text/css" href="/css/style.css?v=2.3" />')
    out.append('<script type="text/javascript" src="/js/jquery-1.11.min.js"></script>')
    out.append(extra)
    out.append("</head>")
    return "\n".join(out)


MENU = [("Chính trị", "/chinh-tri", []), ("Kinh tế", "/kinh-te", []), ("Đô thị", "/do-thi", []),
        ("Xã hội", "/xa-hoi", []), ("Y tế", "/y-te", []), ("Môi trường", "/moi-truong", []),
        ("Du lịch", "/du-lich", [("Sự kiện", "/du-lich/su-kien/"), ("Điểm đến", "/du-lich/diem-den/")]),
        ("Video", "/video", [])]


def header(today="Thứ Tư, 13/01/2021"):
    items = []
    for name, href, subs in MENU:
        sub = ""
        if subs:
            sub = '<ul class="sub_menu">%s</ul>' % "".join(
                '<li><a href="%s">%s</a></li>' % (h, esc(n)) for n, h in subs)
        items.append('<li><a href="%s">%s</a>%s</li>' % (href, esc(name), sub))
    return """<div id="header">
  <div class="top_header"><span class="date_now">%s</span>
    <a class="link_rss" href="/rss.html">RSS</a>
    <form class="frm_search" action="/tim-kiem/" method="get"><input type="text" name="q" placeholder="Tìm kiếm" /></form>
  </div>
  <div class="logo"><a href="/" title="Kinh tế &amp; Đô thị"><img src="/images/logo.png" alt="Báo Kinh tế &amp; Đô thị" /></a></div>
  <div class="menu_main"><ul>
    <li class="home"><a href="/"><i class="icon_home"></i></a></li>
    %s
  </ul></div>
</div>""" % (today, "\n    ".join(items))


def bar_names(where):
    """(feed, label) shown in the 'Dòng sự kiện' bar."""
    if where == "home":
        return [(f, C.EVENTS[f][3]) for f in ("elections", "covid", "environment", "other")]
    names = []
    for f in C.OUR_FEEDS:
        label = C.EVENTS[f][2]
        if '"' in label:
            label = label.replace('"', "“", 1).replace('"', "”", 1)
        names.append((f, label))
    return names


def event_bar(ctx, where="article"):
    forms = {"elections": "https", "covid": "relative", "environment": "http", "other": "relative"}
    links = []
    for feed, label in bar_names(where):
        href = link(ctx.feed_path(feed), forms[feed] if where == "home" else "relative")
        links.append('<li><a href="%s" title="%s">%s</a></li>' % (href, esc(label), esc(label.upper())))
    return """<div class="box_dongsukien">
  <span class="title">DÒNG SỰ KIỆN</span>
  <ul class="list_dongsukien">
    %s
  </ul>
</div>""" % "\n    ".join(links)


def sidebar(keys, heading="Tin mới"):
    items = []
    for k in keys:
        a = C.BY_KEY[k]
        items.append('<li><a href="%s" title="%s"><img src="https://cdn.kinhtedothi.vn/thumb/%s.jpg" alt="" /></a>'
                     '<a class="title_tinmoi" href="%s">%s</a></li>'
                     % (a["path"], esc(a["title"]), a["slug"][:30], link(a["path"], "https"), esc(a["title"])))
    return """<div class="col_right">
  <div class="box_tinmoi">
    <div class="title_box_right">%s</div>
    <ul>%s</ul>
  </div>
  <div class="box_quangcao"><a href="https://quangcao.example/banner" rel="nofollow"><img src="/images/banner-300x250.jpg" alt="Quảng cáo" /></a></div>
</div>""" % (esc(heading), "".join(items))


def footer():
    return """<div id="footer">
  <div class="menu_footer"><a href="/chinh-tri">Chính trị</a> | <a href="/kinh-te">Kinh tế</a> | <a href="/do-thi">Đô thị</a> | <a href="/xa-hoi">Xã hội</a></div>
  <p>Cơ quan của Thành ủy, HĐND, UBND TP Hà Nội - Tiếng nói của Thủ đô</p>
  <p>Tòa soạn: Số 44 Lê Thái Tổ, Hoàn Kiếm, Hà Nội. Email: kinhtedothi@gmail.com</p>
  <p>© Bản quyền thuộc về Báo Kinh tế &amp; Đô thị. Cấm sao chép dưới mọi hình thức nếu không có sự chấp thuận bằng văn bản.</p>
</div>
<script type="text/javascript">var _gaq = _gaq || []; _gaq.push(["_setAccount", "UA-00000000-1"]);</script>"""


def sidebar_keys_for(key=None, n=6):
    """Other articles for a 'Tin mới' sidebar: extras plus some of ours (never related news)."""
    ours = [a["key"] for a in C.ARTICLES if a["layout"] == "legacy" and a["feeds"] and a["key"] != key]
    start = (sum(map(ord, key or "home")) * 7) % len(ours)
    picked = [ours[(start + i * 5) % len(ours)] for i in range(3)]
    return ["z6", "z1"] + picked + ["z5"][: max(0, n - 5)]
