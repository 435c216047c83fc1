"""The article page's words (templates/row.html), in both languages."""

from __future__ import annotations

from datasette_kinhtedothi.archive.i18n import register

register({
    "article.words": {"vi": "{n} chữ", "en": "{n} words"},
    "article.removed": {"vi": "Bài này không còn trên kinhtedothi.vn khi hệ thống kiểm tra ngày {when}; kho lưu trữ "
                              "giữ bản dưới đây.",
                        "en": "This article was no longer on kinhtedothi.vn when the crawler checked on {when}; "
                              "this archive keeps the copy below."},
    "article.tags": {"vi": "Từ khóa:", "en": "Tags:"},
    "article.related_note": {"vi": "(hộp tin liên quan của bài)", "en": "(the article's related-news box)"},
    "article.cite": {"vi": "Trích dẫn bài này", "en": "Cite this article"},
    "article.cite.title": {"vi": "Tiêu đề", "en": "Title"},
    "article.cite.author": {"vi": "Tác giả", "en": "Author"},
    "article.cite.no_byline": {"vi": "(không ký tên)", "en": "(no byline)"},
    "article.cite.published": {"vi": "Ngày đăng", "en": "Published"},
    "article.cite.hanoi": {"vi": "(giờ Hà Nội)", "en": "(Hanoi time)"},
    "article.cite.url": {"vi": "Địa chỉ", "en": "URL"},
    "article.cite.archived": {"vi": "Ngày lưu", "en": "Archived"},
    "article.cite.first_archived": {"vi": "(lưu lần đầu {when})", "en": "(first archived {when})"},
    "article.cite.from_wayback": {"vi": ", đọc từ một bản chụp của Wayback Machine", "en":
                                  ", read from a Wayback Machine capture"},
    "article.cite.of": {"vi": "ngày {when}", "en": "of {when}"},
    "article.cite.wayback": {"vi": "Wayback Machine", "en": "Wayback Machine"},
    "article.cite.capture_used": {"vi": "bản chụp đã dùng để lưu bài này", "en": "the capture this copy was read from"},
    "article.cite.capture_nearest": {"vi": "bản chụp gần ngày lưu nhất", "en": "capture nearest to the archived date"},
    "article.cite.all_captures": {"vi": "mọi bản chụp", "en": "all captures"},
    "article.cite.all_captures_of": {"vi": "mọi bản chụp của {url}", "en": "all captures of {url}"},
    "article.cite.url_then": {"vi": "Địa chỉ khi đăng", "en": "Address at publication"},
    "article.cite.url_now": {"vi": "Địa chỉ hiện nay", "en": "Address today"},
    "article.cite.moved": {"vi": "{then} (nay ở {now})", "en": "{then} (now at {now})"},
    "article.cite.text_capture": {"vi": "(bản chụp Wayback Machine ngày {when}: {wayback})",
                                  "en": "(Wayback Machine capture of {when}: {wayback})"},
    "article.cite.text_archived": {"vi": "(lưu trữ {when}; Wayback Machine: {wayback})",
                                   "en": "(archived {when}; Wayback Machine: {wayback})"},
    "article.cite.capture_published": {"vi": "bản chụp gần ngày đăng nhất", "en": "capture nearest to publication"},
    "article.readings": {"vi": "{n} lần đọc đã lưu", "en": "{n} readings kept"},
    "article.fields": {"vi": "Mọi trường của dòng này, như đã lưu", "en": "Every field of this row, as stored"},
})

# Facet names on Datasette's lists (templates/_facet_results.html)
register({
    "facet.event": {"vi": "Sự kiện", "en": "Event"},
    "facet.published_at_year": {"vi": "Năm đăng", "en": "Year published"},
    "facet.published_at_month": {"vi": "Tháng đăng", "en": "Month published"},
    "facet.section": {"vi": "Chuyên mục", "en": "Section"},
    "facet.author": {"vi": "Dòng ký tên", "en": "Byline"},
    "facet.tag": {"vi": "Từ khóa (tag)", "en": "Tag"},
    "facet.person": {"vi": "Tác giả", "en": "Person"},
})
