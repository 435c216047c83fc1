"""Pages and JSON of today's site (2022 CMS): home without the bar, tag pages with cards,
articles, the paging and search endpoints. Markup from what public scrapers saw:
``a.news__title`` cards, a top block ``div.list__news--top``, ``h1.article-title``,
``div.article-published-on``, ``span.detail__author``, a body whose ``itemprop`` holds
``articleBody`` among other values, captions "<headline> - Ảnh n"."""
import json

from . import content as C
from . import current_data as D
from .render import iso
from .render_parts import esc, head

MENU = [("Thời sự", "/thoi-su"), ("Kinh tế", "/kinh-te"), ("Đô thị", "/do-thi"), ("Xã hội", "/xa-hoi"),
        ("Môi trường", "/moi-truong")]


def _header():
    items = "".join('<li><a href="%s">%s</a></li>' % (h, esc(n)) for n, h in MENU)
    return ('<header class="header"><a class="header__logo" href="/"><img src="https://resource.kinhtedothi.vn/web/'
            'images/logo.svg" alt="Kinh tế &amp; Đô thị"></a><nav class="menu"><ul><li><a href="/">Trang chủ</a>'
            '</li>%s</ul></nav></header>' % items)


def _footer():
    return ('<footer class="footer"><a href="/lien-he">Liên hệ</a><p>Báo Kinh tế &amp; Đô thị - Cơ quan của Thành ủy, '
            'HĐND, UBND TP Hà Nội</p></footer>')


def _page(title, main, canonical, **head_kw):
    return "\n".join([head(title, canonical=canonical, charset="meta", **head_kw), '<body class="kdt">',
                      _header(), main, _footer(), "</body>", "</html>"])


def _card(a, big=False):
    href = esc(D.listed_path(a))
    thumb = "https://resource.kinhtedothi.vn/thumb_w/400/%s.jpg" % a["slug"][:40]
    return ('<div class="news%s"><a class="news__thumb" href="%s"><img src="%s" alt="%s"></a>'
            '<div class="news__body"><a class="news__title" href="%s">%s</a><span class="news__time">%s</span>'
            '<p class="news__sapo">%s</p></div></div>' % (" news--big" if big else "", href, thumb, esc(a["title"]),
                                                          href, esc(a["title"]), D.date_text(a), esc(a["sapo"])))


def home():
    latest = sorted(D.STORIES, key=lambda a: a["published"], reverse=True)[:5]
    main = ('<main class="main"><div class="list__news--top">%s</div>'
            '<div class="box-hot"><h2>Tiêu điểm</h2><ul>%s</ul></div></main>'
            % ("".join(_card(a, i == 0) for i, a in enumerate(latest[:3])),
               "".join('<li><a href="%s">%s</a></li>' % (esc(D.current_path(a)), esc(a["title"])) for a in latest[3:])))
    return _page("Báo Kinh tế & Đô thị - Tin tức Hà Nội", main, C.SITE + "/", og_type="website",
                 description="Báo Kinh tế & Đô thị")


# A redesign nobody's parser knows yet (SampleSite.set_layout("unknown")): the cards renamed.
UNKNOWN_CARDS = {"news__title": "story__link", "list__news--top": "stream__top", "list__news": "stream__list"}


def unknown_cards(html):
    for old, new in UNKNOWN_CARDS.items():
        html = html.replace('class="%s"' % old, 'class="%s"' % new)
    return html


def empty_tag_page(slug):
    name = D.EMPTY_TAGS[slug]
    main = ('<main class="main"><div class="breadcrumb"><a href="/">Trang chủ</a><span>%s</span></div>'
            '<h1 class="tag__title">#%s</h1><div class="list__news"><p class="empty">Chưa có bài viết.</p></div></main>'
            % (esc(name), esc(name)))
    return _page("%s - Kinh tế & Đô thị" % name, main, C.SITE + "/tag/" + slug, og_type="website")


def tag_page(feed):
    slug, name, category = D.TAGS[feed]
    entries = D.tag_entries(feed)[:D.CARDS_ON_PAGE]
    main = """<main class="main"><div class="breadcrumb"><a href="/">Trang chủ</a><span>%s</span></div>
<h1 class="tag__title">#%s</h1>
<div class="list__news--top">%s</div>
<div class="list__news">%s</div>
<div class="box-viewmore"><button type="button" class="btn-viewmore" data-page="2" data-url="/api/category/%d/paging/">Xem thêm</button></div>
<aside class="sidebar"><h3>Đọc nhiều</h3><ul>%s</ul></aside>
<script>var viewMore = {url: '/api/category/%d/paging/', page: 2};</script>
</main>""" % (esc(name), esc(name), "".join(_card(a, i == 0) for i, a in enumerate(entries[:2])),
              "".join(_card(a) for a in entries[2:]), category,
              "".join('<li><a href="%s">%s</a></li>' % (esc(a["path"]), esc(a["title"])) for a in D.REPEATS[:2]),
              category)
    return _page("%s - Kinh tế & Đô thị" % name, main, C.SITE + "/tag/" + slug, og_type="website",
                 description="Tin tức về " + name)


def paging_json(stories, cat_name):
    return json.dumps([{"Title": a["title"], "Sapo": "Kinhtedothi - " + a["sapo"],
                        "PublishedDate": a["published"].strftime("%Y-%m-%dT%H:%M:%S"), "Url": D.listed_path(a),
                        "CatName": cat_name} for a in stories], ensure_ascii=False)


def search_json(stories, total):
    return json.dumps({"total": total, "items": [
        {"title": a["title"], "intro": "Kinhtedothi - " + a["sapo"], "url": D.listed_path(a) if a.get("feeds") else a["path"], "thumbnail": "https://resource.kinhtedothi.vn/thumb_w/400/%s.jpg" % a["slug"][:40]}
        for a in stories]}, ensure_ascii=False)


def _body(a, pictures):
    parts = []
    for i, text in enumerate(D.paragraphs(a)):
        parts.append("<p>%s</p>" % esc(text))
        for n, img in enumerate(p for p in pictures if p["after"] == i):
            if (len(a["key"]) + n) % 2:  # a figure with its caption
                parts.append('<figure class="image align-center"><img src="%s" alt="%s"><figcaption>%s</figcaption>'
                             "</figure>" % (esc(img["src"]), esc(a["title"]), esc(img["caption"])))
            else:  # the picture in a paragraph, its caption the next paragraph
                parts.append('<p style="text-align:center"><img src="%s" alt=""></p>'
                             '<p style="text-align:center"><em>%s</em></p>' % (esc(img["src"]), esc(img["caption"])))
        if i == 1:
            parts.append('<div class="ads-inarticle" id="ads-inarticle-1"></div>')
    return "\n".join(parts)


def article(a):
    pictures = D.images(a)
    crumbs = "".join('<a href="/%s">%s</a>' % (C.slugify(s), esc(s)) for s in (a["section"], a["subsection"]) if s)
    tags = "".join('<a href="/tag/%s">%s</a>' % (C.slugify(t), esc(t)) for t in a["tags"])
    path = D.current_path(a) if a.get("feeds") and a in D.OUR else a["path"]
    main = """<main class="main detail">
<div class="breadcrumb"><a href="/">Trang chủ</a>%s</div>
<article class="detail__article">
  <h1 class="article-title">%s</h1>
  <div class="detail__meta"><span class="detail__author">%s</span><div class="article-published-on">%s</div></div>
  <h2 class="detail__sapo">Kinhtedothi - %s</h2>
  <div class="detail__content" itemprop="articleBody mainEntityOfPage">
%s
  </div>
  <div class="detail__tags"><span>Từ khóa:</span>%s</div>
</article>
</main>""" % (crumbs, esc(a["title"]), esc(a["author"] or ""), D.date_text(a), esc(a["sapo"]), _body(a, pictures), tags)
    return _page(a["title"], main, C.SITE + path, description="Kinhtedothi - " + a["sapo"],
                 image=pictures[0]["src"] if pictures else None, published=iso(a["published"]))
