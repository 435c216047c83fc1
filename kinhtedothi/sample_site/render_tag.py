"""A current-layout (2022 template) topic page: ``/tag/bau-cu-2021``.

Article cards are ``div.box-category-item`` with the title in
``h3.box-category-title-text > a.box-category-link-title`` (and the thumbnail
link ``a.box-category-link-with-avatar`` to the same article).  The page also
has a menu, a "Tin mới" list and a "Đọc nhiều" box whose items are ``h3 > a``
too (not the tag's articles), a "Xem thêm" button (JavaScript, no link) and a
footer.  Not linked from any other page of the sample site.
"""
from . import content as C
from .render import current_date_text
from .render_parts import esc, head

TAG_PAGE = "/tag/bau-cu-2021"
TAG_NAME = "Bầu cử 2021"
# The tag's articles in page order: (key, link form); mixed legacy and current layout.
TAG_ITEMS = [("e10", "relative"), ("e09", "relative"), ("x1", "https"), ("ec4", "relative"),
             ("x2", "relative"), ("e05", "https")]
MENU = [("Thời sự", "/thoi-su"), ("Kinh tế", "/kinh-te"), ("Đô thị", "/do-thi"), ("Xã hội", "/xa-hoi"),
        ("Văn hóa", "/van-hoa"), ("Pháp luật", "/phap-luat"), ("Media", "/media")]
LATEST = ["z6", "z2", "c12", "v12"]
MOST_READ = ["z1", "z4", "e03"]


def _href(a, form):
    return (C.SITE if form == "https" else "") + a["path"]


def _thumb(a):
    return "https://resource.kinhtedothi.vn/thumb_w/400/%s.jpg" % a["slug"][:40]


def _card(key, form):
    a = C.BY_KEY[key]
    href, title = esc(_href(a, form)), esc(a["title"])
    return """<div class="box-category-item" data-id="%s">
  <a class="box-category-link-with-avatar img-resize" href="%s" title="%s"><img loading="lazy" src="%s" alt="%s" /></a>
  <div class="box-category-content">
    <h3 class="box-category-title-text"><a class="box-category-link-title" href="%s" title="%s">%s</a></h3>
    <span class="box-category-time">%s</span>
    <p class="box-category-sapo">%s</p>
  </div>
</div>""" % (a["site_id"] or a["slug"], href, title, _thumb(a), title, href, title, title,
             current_date_text(a), esc(a["sapo"]))


def _header():
    items = "".join('<li class="menu-item"><a href="%s">%s</a></li>' % (h, esc(n)) for n, h in MENU)
    return """<header class="site-header">
  <div class="header-top"><a class="logo" href="/"><img src="https://resource.kinhtedothi.vn/web/images/logo.svg" alt="Kinh tế &amp; Đô thị" /></a>
    <a class="header-search" href="/tim-kiem">Tìm kiếm</a></div>
  <nav class="main-menu"><ul><li class="menu-item home"><a href="/">Trang chủ</a></li>%s</ul></nav>
</header>""" % items


def _aside():
    latest = "".join('<li><a href="%s">%s</a></li>' % (C.BY_KEY[k]["path"], esc(C.BY_KEY[k]["title"]))
                     for k in LATEST)
    most = "".join('<div class="box-most-read-item"><h3><a href="%s">%s</a></h3></div>'
                   % (C.BY_KEY[k]["path"], esc(C.BY_KEY[k]["title"])) for k in MOST_READ)
    return """<aside class="sidebar">
  <div class="box-news-latest"><h3 class="box-heading">Tin mới</h3><ul>%s</ul></div>
  <div class="box-most-read"><h3 class="box-heading">Đọc nhiều</h3>%s</div>
  <div class="ads-sidebar"><a href="https://quangcao.example/banner" rel="nofollow"><img src="/images/banner-300x600.jpg" alt="" /></a></div>
</aside>""" % (latest, most)


def _footer():
    return """<footer class="site-footer">
  <div class="footer-menu"><a href="/thoi-su">Thời sự</a> <a href="/kinh-te">Kinh tế</a> <a href="/lien-he">Liên hệ</a></div>
  <p>Báo Kinh tế &amp; Đô thị - Cơ quan của Thành ủy, HĐND, UBND TP Hà Nội</p>
  <p>© Bản quyền thuộc về Báo Kinh tế &amp; Đô thị.</p>
</footer>"""


def tag_page(ctx=None):
    """The whole HTML of TAG_PAGE."""
    cards = "\n".join(_card(k, f) for k, f in TAG_ITEMS)
    main = """<main class="main-content">
<div class="container">
  <div class="breadcrumb"><a href="/">Trang chủ</a> <span class="breadcrumb-current">%s</span></div>
  <div class="tag-page">
    <h1 class="tag-title">#%s</h1>
    <div class="box-category" data-layout="list" data-tag="bau-cu-2021">
%s
    </div>
    <div class="box-viewmore"><button type="button" class="btn-viewmore" data-page="2" onclick="loadMoreTag('bau-cu-2021', 2)">Xem thêm</button></div>
  </div>
  %s
</div>
</main>""" % (esc(TAG_NAME), esc(TAG_NAME), cards, _aside())
    page = [head("%s - Tin tức %s mới nhất" % (TAG_NAME, TAG_NAME), canonical=C.SITE + TAG_PAGE,
                 description="Tin tức, bài viết về %s" % TAG_NAME, og_type="website", charset="meta"),
            '<body class="tag-page-body">', _header(), main, _footer(),
            '<script src="https://resource.kinhtedothi.vn/web/js/main.min.js"></script>', "</body>", "</html>"]
    return "\n".join(page)


def expected_tag_articles():
    """Canonical URLs of the tag page's articles, in page order."""
    return [C.SITE + C.BY_KEY[k]["path"] for k, _ in TAG_ITEMS]
