"""Vietnamese descriptions of the tables reporters read most (the list pages show them above the rows).

metadata.yml keeps the English ones (Datasette's own API serves those); on a Vietnamese page the
archive's table template shows these instead (:func:`localized_metadata`).
"""

from __future__ import annotations

import copy
from typing import TypedDict

class TableTexts(TypedDict):
    description: str
    columns: dict[str, str]


VI: dict[str, TableTexts] = {
    "articles": {
        "description": "Mỗi dòng là một bài báo, bản lấy về gần nhất, mới nhất trước. Tìm kiếm không phân biệt dấu "
                       "(dang bo = Đảng bộ); \"ngoặc kép\" cho cụm từ, OR, NOT, tiền tố*. Bấm mã số hoặc tiêu đề để "
                       "đọc và trích dẫn bài. ?from= và ?to= lọc theo khoảng ngày (giờ Hà Nội).",
        "columns": {
            "id": "Mã số bài của báo (trong …-405813.html); số âm khi địa chỉ không có mã",
            "url": "Địa chỉ gốc của bài trên kinhtedothi.vn",
            "site_id": "Mã số bài của báo, để trống khi địa chỉ không có (trang từ 2022)",
            "title": "Tiêu đề",
            "sapo": "Đoạn sapo (mở đầu), bỏ chữ \"Kinhtedothi - \"",
            "author": "Dòng ký tên như báo in (có thể nhiều người, cách nhau bởi \" - \"); trống nếu bài không ký",
            "published_at": "Ngày giờ đăng, giờ Hà Nội (UTC+7), dạng ISO 8601",
            "published_raw": "Ngày đăng đúng như trang báo in ra",
            "section": "Chuyên mục chính (theo đường dẫn trên trang, ví dụ Chính trị)",
            "subsection": "Chuyên mục con, nếu có",
            "body_text": "Các đoạn văn của bài (không có chú thích ảnh, quảng cáo, tin liên quan)",
            "body_html": "Thân bài dạng HTML đã làm sạch (không có mã chạy), để đọc",
            "word_count": "Số chữ của thân bài",
            "layout": "Mẫu trang đã đọc (legacy = trang 2018–2022, current = trang từ 2022, "
                      "metadata = chỉ siêu dữ liệu)",
            "field_sources": "Mỗi trường lấy từ phần hiển thị của trang hay từ siêu dữ liệu (JSON)",
            "first_seen_at": "Lần đầu kho lưu bài (UTC)",
            "last_fetched_at": "Lần cuối kho tải bản đang hiển thị (UTC); dùng làm ngày lưu khi trích dẫn",
            "last_checked_at": "Lần cuối kho kiểm tra bài trên báo, dù có đổi hay không (UTC)",
            "removed_at": "Khi kho thấy bài đã bị gỡ khỏi báo (404/410); trống nếu còn (UTC)",
            "version": "Số phiên bản kho đã thấy (1 = chưa bị sửa); các bản cũ ở bảng article_versions",
            "source": "Bản này từ đâu (live = tải từ kinhtedothi.vn, wayback = đọc từ bản chụp của Wayback Machine)",
            "capture_timestamp": "Với bản từ Wayback Machine: thời điểm chụp (YYYYMMDDhhmmss, UTC)",
            "capture_url": "Với bản từ Wayback Machine: địa chỉ bản chụp",
            "content_hash": "Dấu vân tay của nội dung; đổi khi bài bị sửa",
            "raw_page_id": "Trang gốc đã lưu (raw_pages) mà dòng này được đọc từ đó",
        },
    },
    "events": {
        "description": "Các dòng sự kiện (\"Dòng sự kiện\") kho theo dõi.",
        "columns": {
            "slug": "Tên ngắn của sự kiện trong kho",
            "name": "Tên sự kiện như báo ghi",
            "feed_url": "Địa chỉ trang dòng sự kiện trên báo",
            "found_by": "Cách tìm ra (bar = theo tên trên thanh Dòng sự kiện, fallback = từ danh mục)",
            "updated_at": "Lần cuối kho tìm trang dòng sự kiện (UTC)",
            "walked_to_end_at": "Lần cuối kho đọc hết các trang của dòng sự kiện (UTC)",
        },
    },
}


def localized_metadata(metadata: dict, table: str, lang: str) -> dict | None:
    """The table's metadata with Vietnamese description and column texts (None: nothing to change)."""
    texts = VI.get(table)
    if lang != "vi" or not texts:
        return None
    out = copy.deepcopy(metadata or {})
    out["description"] = texts["description"]
    out.pop("description_html", None)
    out["columns"] = {name: texts["columns"].get(name, text) for name, text in (out.get("columns") or {}).items()}
    return out
