"""HTML pages of the site slice (legacy 2018-2021 template and 2022 layout)."""
import unicodedata

from . import content as C
from .render_parts import esc, link, head, header, event_bar, sidebar, footer, sidebar_keys_for

JUSTIFY = '<p style="text-align: justify;">%s</p>'
EMPTY_P = '<p style="text-align: justify;">&nbsp;</p>'
WEEKDAYS_CUR = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:00+07:00")


def canonical(path):
    return C.SITE + path


def legacy_date_text(a):
    raw = a["published"].strftime("%d-%m-%Y %H:%M")
    if a["var"].get("around_date"):
        return "%s, %s (GMT+7)" % (C.WEEKDAYS[a["published"].weekday()], raw)
    return raw


def current_date_text(a):
    w = a["published"]
    return "%s, %s" % (WEEKDAYS_CUR[w.weekday()], w.strftime("%H:%M %d/%m/%Y"))


def _wrap(body_html, title, where="article", nfd=False, **head_kw):
    page = "\n".join([head(title, **head_kw), '<body class="%s">' % where, header(), body_html, footer(),
                      "</body>", "</html>"])
    return unicodedata.normalize("NFD", page) if nfd else page


def _para(a, i, text):
    h = esc(text)
    if a["var"].get("inline") and i == 0:
        words = h.split(" ")
        h = "<strong>%s</strong> %s" % (" ".join(words[:4]), " ".join(words[4:]))
    if a["var"].get("nbsp") and i % 2 == 0:
        h = h.replace(" ", "&nbsp;", 1) + "&nbsp;"
        if i == 2:
            h = "&nbsp;" + h.replace(", ", ",&nbsp; ", 1)
    return JUSTIFY % h


def _legacy_image(a, img):
    src, cap, mode = img["src"], img["caption"], img["mode"]
    attr = ' title-image="%s"' % esc(cap) if mode == "attr" else ""
    rows = ['<tr><td class="pic"><img src="%s" alt="%s"%s /></td></tr>' % (esc(src), esc(a["title"]), attr)]
    if mode == "td":
        rows.append('<tr><td class="caption">%s</td></tr>' % esc(cap))
    elif mode == "p":
        rows.append('<tr><td class="caption"><p style="text-align: center;"><em>%s</em></p></td></tr>' % esc(cap))
    return ('<table class="picture" align="center" border="0" cellpadding="3" cellspacing="0">'
            "<tbody>%s</tbody></table>" % "".join(rows))


def _related_items(a):
    """(href as written, title) for each related article."""
    forms = ["relative", "https", "tracking"]
    out = []
    for i, k in enumerate(a["related"]):
        b = C.BY_KEY[k]
        out.append((link(b["path"], forms[i % 3]), b["title"]))
    return out


def related_box(a):
    mode, items = a["related_mode"], _related_items(a)
    if mode == "seed":
        return ('<div class="box_tinlienquan_js"><div class="title_tlq">Tin liên quan</div>'
                '<ul id="relatedNews" data-id="%d"></ul><script type="text/javascript">'
                'loadRelatedNews(%d, "#relatedNews");</script></div>' % (a["site_id"], a["site_id"]))
    if mode == "inside-a":
        lis = "".join('<li><a href="%s">%s</a></li>' % (esc(h), esc(t)) for h, t in items)
        return ('<div class="box-related" style="float: left; width: 40%%; margin-right: 10px;">'
                '<p class="title-related"><strong>Tin liên quan</strong></p><ul>%s</ul></div>' % lis)
    if mode == "inside-b":
        links = "<br />".join('<a href="%s">%s</a>' % (esc(h), esc(t)) for h, t in items)
        return ('<table class="tbl_tlq" width="100%%"><tbody><tr><td class="tlq_head"><b>Tin liên quan</b></td></tr>'
                '<tr><td class="tlq_list">%s</td></tr></tbody></table>' % links)
    if mode == "outside-a":
        lis = "".join('<li><a href="%s" title="%s">%s</a> <span class="time">(%s)</span></li>'
                      % (esc(h), esc(t), esc(t), C.BY_KEY[k]["published"].strftime("%d/%m/%Y"))
                      for (h, t), k in zip(items, a["related"]))
        return ('<div class="box_tinlienquan"><h3 class="title_box">Tin liên quan</h3>'
                '<ul class="list_tinlienquan">%s</ul></div>' % lis)
    if mode == "outside-b":
        divs = "".join('<div class="rel-item"><a href="%s"><img src="https://cdn.kinhtedothi.vn/thumb/r%d.jpg" alt="" />'
                       '</a><h5><a href="%s">%s</a></h5></div>' % (esc(h), i, esc(h), esc(t))
                       for i, (h, t) in enumerate(items))
        return ('<section class="related-news"><h4 style="text-transform: uppercase;">Tin liên quan</h4>%s</section>'
                % divs)
    if mode == "current":
        arts = "".join('<article class="story"><h3 class="story__title"><a href="%s">%s</a></h3></article>'
                       % (esc(h), esc(t)) for h, t in items)
        return '<div class="article-related"><div class="box-heading">Tin liên quan</div>%s</div>' % arts
    return ""


def legacy_body(a):
    v, paras = a["var"], a["paragraphs"]
    parts = []
    if a["related_mode"] == "seed":
        parts.append(related_box(a))
    ad_at = min(2, len(paras) - 1)
    for i, text in enumerate(paras):
        parts.append(_para(a, i, text))
        for img in a["images"]:
            if img["after"] == i:
                parts.append(_legacy_image(a, img))
        if i == 0 and a["related_mode"] in ("inside-a", "inside-b"):
            parts.append(related_box(a))
        if i == 1 and v.get("empty_p"):
            parts.append(EMPTY_P)
        if i == ad_at:
            label = '<div class="ads_label">Quảng cáo</div>' if v.get("ad_label") else ""
            parts.append('<div id="AdAsia">%s<div class="ads_slot" data-zone="10%d"></div></div>'
                         % (label, len(paras)))
        if i == 1 and v.get("script"):
            parts.append('<script type="text/javascript">var x = "Đọc thêm tin tức tại Kinhtedothi"; '
                         'window.adsQueue = window.adsQueue || []; adsQueue.push(x);</script>')
            parts.append('<ins class="adsbygoogle" style="display:block; text-align:center;" '
                         'data-ad-client="ca-pub-0000000000000000" data-ad-slot="1234567890"></ins>'
                         '<script>(adsbygoogle = window.adsbygoogle || []).push({});</script>')
    if v.get("empty_p"):
        parts.append(EMPTY_P)
    return "\n".join(parts)


def breadcrumb(a):
    if not a["section"]:
        return ""
    href, subs = C.SECTIONS[a["section"]]
    right = "".join('<a href="%s"%s>%s</a>' % (h, ' class="active"' if n == a["subsection"] else "", esc(n))
                    for n, h in subs)
    return ('<div class="breadcump"><a href="/">Trang chủ</a><span class="sep">›</span>'
            '<a href="%s">%s</a><div class="bread_right">%s</div></div>' % (href, esc(a["section"]), right))


def legacy_article(ctx, a):
    author = '<span class="name_author">%s</span>' % esc(a["author"]) if a["author"] else ""
    tags = ""
    if a["tags"]:
        tags = '<div class="tag_detail"><span class="tag_label">Tags:</span>%s</div>' % "".join(
            '<a href="/tag/%s.html">%s</a>' % (C.slugify(t), esc(t)) for t in a["tags"])
    outside = related_box(a) if a["related_mode"] in ("outside-a", "outside-b") else ""
    prefix = "Kinhtedothi %s " % a["dash"]
    body = """%s
<div id="main" class="wrapper">
%s
<div class="col_left">
<div class="detail_news">
  <h1 class="title_detail_news">
      %s
  </h1>
  <div class="box_author_time">
    %s
    <div class="time_detail_news">%s</div>
  </div>
  <div class="sapo_detail">%s%s</div>
  <div id="cotent_detail" class="content_detail">
%s
  </div>
  %s
  %s
  <div class="box_share"><a href="https://www.facebook.com/sharer/sharer.php?u=%s" rel="nofollow">Chia sẻ</a></div>
</div>
</div>
%s
</div>""" % (event_bar(ctx), breadcrumb(a), esc(a["title"]), author, legacy_date_text(a), esc(prefix),
             esc(a["sapo"]), legacy_body(a), outside, tags, esc(canonical(a["path"])),
             sidebar(sidebar_keys_for(a["key"])))
    img = a["images"][0]["src"] if a["images"] else None
    if img and img.startswith("//"):
        img = "https:" + img
    elif img and img.startswith("/"):
        img = C.SITE + img
    return _wrap(body, a["title"], nfd=a["var"].get("nfd", False), canonical=canonical(a["path"]),
                 description=prefix + a["sapo"], image=img, published=iso(a["published"]),
                 charset="meta" if a["var"].get("no_charset") else "http-equiv")


def current_article(ctx, a):
    parts = []
    for i, text in enumerate(a["paragraphs"]):
        parts.append("<p>%s</p>" % esc(text))
        for img in a["images"]:
            if img["after"] == i:
                parts.append('<figure class="image align-center"><img src="%s" alt="%s" />'
                             "<figcaption>%s</figcaption></figure>" % (esc(img["src"]), esc(img["caption"]),
                                                                       esc(img["caption"])))
        if i == 1:
            parts.append('<div class="ads-inarticle" id="ads-inarticle-1"></div>')
    sapo = "" if a["var"].get("sapo_meta_only") else \
        '<h2 class="article-sapo">Kinhtedothi - %s</h2>' % esc(a["sapo"])
    tags = "".join('<a class="tag-item" href="/tag/%s">%s</a>' % (C.slugify(t), esc(t)) for t in a["tags"])
    body = """<main class="main-content">
<div class="container">
  <article class="article-detail">
    <h1 class="article-title">%s</h1>
    <div class="article-meta">
      <span class="detail__author">%s</span>
      <div class="article-published-on">%s</div>
    </div>
    %s
    <div class="article-content" itemprop="articleBody">
%s
    </div>
    %s
    <div class="article-tags"><span class="article-tags__label">Từ khóa:</span>%s</div>
  </article>
  <aside class="sidebar"><div class="box-news-latest"><h3 class="box-heading">Tin mới</h3><ul>%s</ul></div></aside>
</div>
</main>""" % (esc(a["title"]), esc(a["author"]), current_date_text(a), sapo, "\n".join(parts),
              related_box(a), tags,
              "".join('<li><a href="%s">%s</a></li>' % (C.BY_KEY[k]["path"], esc(C.BY_KEY[k]["title"]))
                      for k in sidebar_keys_for(a["key"])))
    img = a["images"][0]["src"] if a["images"] else None
    return _wrap(body, a["title"], where="article-page", canonical=canonical(a["path"]),
                 description="Kinhtedothi - " + a["sapo"], image=img, published=iso(a["published"]),
                 charset="meta")


def listing(ctx, title, entries, page, n_pages, page_url, crumbs=""):
    """Category/event listing with .pkg blocks, ul.list_news_topcate and .paging."""
    def href(e):
        return link(e["path"], e["form"])

    def thumb(e, i):
        return "https://cdn.kinhtedothi.vn/thumb/%s-%d.jpg" % (e["path"].strip("/").split(".")[0][:24], i)

    blocks = []
    if entries:
        top = entries[0]
        lis = "".join('<li><a class="thumb_cate" href="%s"><img src="%s" alt="" /></a>'
                      '<div class="info_cate"><a href="%s">%s</a></div><span class="time">%s</span></li>'
                      % (esc(href(e)), thumb(e, i), esc(href(e)), esc(e["title"]), e["when"].strftime("%d/%m/%Y"))
                      for i, e in enumerate(entries[1:3]))
        blocks.append('<div class="pkg pkg_top"><a class="img_pkg" href="%s"><img src="%s" alt="%s" /></a>'
                      '<h2><a href="%s">%s</a></h2><p class="sapo_pkg">%s</p><ul class="list_pkg">%s</ul></div>'
                      % (esc(href(top)), thumb(top, 0), esc(top["title"]), esc(href(top)), esc(top["title"]),
                         esc(top["sapo"]), lis))
        rest = "".join('<li><a href="%s">%s</a><span class="time">%s</span><p class="sapo_cate">%s</p></li>'
                       % (esc(href(e)), esc(e["title"]), e["when"].strftime("%H:%M %d/%m/%Y"), esc(e["sapo"]))
                       for e in entries[3:])
        blocks.append('<ul class="list_news_topcate">%s</ul>' % rest)
    nav = []
    if page > 1:
        nav.append('<a class="prev" href="%s">«</a>' % esc(page_url(page - 1)))
    for p in range(1, n_pages + 1):
        nav.append('<a%s href="%s">%d</a>' % (' class="active"' if p == page else "", esc(page_url(p)), p))
    if page < n_pages:
        nav.append('<a class="next" href="%s">»</a>' % esc(page_url(page + 1)))
    return """<div class="box_cate">
  %s
  <h1 class="title_cate">%s</h1>
  %s
  <div class="paging">%s</div>
</div>""" % (crumbs, esc(title), "\n  ".join(blocks), "".join(nav))


def feed_page(ctx, feed, page):
    pages = ctx.feeds[feed]
    name = C.EVENTS[feed][2].replace('"', "“", 1).replace('"', "”", 1)
    crumbs = '<div class="breadcump"><a href="/">Trang chủ</a><a href="/su-kien">Sự kiện</a></div>'
    main = listing(ctx, name, pages[page - 1], page, len(pages), lambda p: ctx.feed_path(feed, p), crumbs)
    body = '%s\n<div id="main" class="wrapper"><div class="col_left">%s</div>\n%s</div>' % (
        event_bar(ctx, "feed"), main, sidebar(["z6", "z1", "z4", "z3"]))
    title = "%s - Trang %d" % (name, page) if page > 1 else name
    return _wrap(body, title, where="event", canonical=C.SITE + ctx.feed_path(feed, page),
                 description="Tin tức, sự kiện: " + name, og_type="website")


def lookalike(ctx):
    entries = [{"path": C.BY_KEY[k]["path"], "form": "relative", "title": C.BY_KEY[k]["title"],
                "sapo": C.BY_KEY[k]["sapo"], "when": C.BY_KEY[k]["published"]} for k in C.LOOKALIKE_KEYS]
    crumbs = ('<div class="breadcump"><a href="/">Trang chủ</a><a href="/du-lich">Du lịch</a>'
              '<div class="bread_right"><a class="active" href="/du-lich/su-kien/">Sự kiện</a>'
              '<a href="/du-lich/diem-den/">Điểm đến</a></div></div>')
    main = listing(ctx, "Sự kiện", entries, 1, 1, lambda p: "/du-lich/su-kien/", crumbs)
    body = '%s\n<div id="main" class="wrapper"><div class="col_left">%s</div>\n%s</div>' % (
        event_bar(ctx, "feed"), main, sidebar(["z6", "z1"]))
    return _wrap(body, "Sự kiện - Du lịch", where="cate", canonical=C.SITE + "/du-lich/su-kien/",
                 description="Sự kiện du lịch Hà Nội", og_type="website")


def home(ctx):
    focus = "".join('<div class="item_focus"><a href="%s"><img src="https://cdn.kinhtedothi.vn/thumb/home-%d.jpg" '
                    'alt="" /></a><h3><a href="%s">%s</a></h3></div>'
                    % (link(C.BY_KEY[k]["path"], f), i, link(C.BY_KEY[k]["path"], f), esc(C.BY_KEY[k]["title"]))
                    for i, (k, f) in enumerate(zip(C.HOME_EXTRA_KEYS, ["relative", "https", "http"])))
    body = """%s
<div id="main" class="wrapper">
  <div class="col_left"><div class="box_focus_home"><div class="title_box">Tin nổi bật</div>%s</div></div>
  %s
</div>""" % (event_bar(ctx, "home"), focus, sidebar(["z1", "z3", "z5"]))
    return _wrap(body, "Báo Kinh tế & Đô thị - Tin tức Hà Nội", where="home", canonical=C.SITE + "/",
                 description="Báo Kinh tế & Đô thị - Cơ quan của Thành ủy, HĐND, UBND TP Hà Nội",
                 og_type="website")


def gallery(ctx):
    title = "Toàn cảnh Hà Nội ra quân dọn vệ sinh môi trường"
    body = """%s
<div id="main" class="wrapper"><div class="detail_video">
  <h1 class="title_video">%s</h1>
  <div class="time_video">01-08-2020 09:00</div>
  <div class="video_player"><iframe src="https://www.youtube.com/embed/aBcDeFgHiJk" width="640" height="360" allowfullscreen></iframe></div>
  <div class="list_album"><img src="https://cdn.kinhtedothi.vn/2020/08/01/ra-quan-1.jpg" alt="" /><img src="https://cdn.kinhtedothi.vn/2020/08/01/ra-quan-2.jpg" alt="" /></div>
</div>%s</div>""" % (event_bar(ctx), esc(title), sidebar(["z6", "z1"]))
    return _wrap(body, title, where="video", canonical=C.SITE + C.FAULT_URLS["gallery"], og_type="video.other",
                 description=title)


def search_page(ctx):
    body = '<div id="main" class="wrapper"><h1 class="title_cate">Kết quả tìm kiếm</h1><p>Không tìm thấy kết quả.</p></div>'
    return _wrap(body, "Tìm kiếm", where="search")


def not_found(ctx):
    body = ('<div id="main" class="wrapper"><div class="page_404"><h1>404</h1><p>Trang bạn tìm kiếm không tồn tại '
            'hoặc đã bị xóa.</p><a href="/">Về trang chủ</a></div></div>')
    return _wrap(body, "Không tìm thấy trang", where="error")


ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /tim-kiem/

Sitemap: https://kinhtedothi.vn/sitemap.xml
"""
