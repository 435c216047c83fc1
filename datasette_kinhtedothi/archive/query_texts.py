"""The ready-made questions (canned queries) in both languages.

metadata.yml holds the Vietnamese title and description (Datasette shows those
where it renders them itself: JSON, its own lists); the archive's query page
takes both languages from here.
"""

from __future__ import annotations

from datasette_kinhtedothi.archive.i18n import register

QUERIES = {
    "search": ("Tìm kiếm xếp theo mức độ phù hợp", "Search, ranked by relevance",
               "100 bài khớp nhất, kèm đoạn văn có từ khóa được tô sáng. Trang tìm kiếm /-/search làm việc này "
               "cùng bộ lọc và số lượng.",
               "The 100 best matching articles with the matching passage highlighted. The search page /-/search "
               "does the same with filters and counts."),
    "exact_search": ("Tìm đúng chính tả", "Search for an exact spelling",
                     "Các bài có đúng các từ như đã gõ, kể cả dấu: bàn tìm ra bàn, không ra bán, bạn hay ban. "
                     "Mới nhất trước, tối đa 200 bài.",
                     "Articles with the words exactly as typed, diacritics included: bàn finds bàn, not bán, bạn "
                     "or ban. Newest first, at most 200."),
    "recently_changed": ("Các bài mới bị sửa", "Recently changed articles",
                         "Các bài tòa soạn đã sửa sau khi kho lưu lần đầu, lần sửa mới nhất trước, kèm các trường "
                         "đã đổi và tiêu đề trước khi sửa.",
                         "Articles the newspaper edited after the archive first saw them, newest change first, "
                         "with the fields that changed and the headline before the change."),
    "articles_per_event_month": ("Số bài mỗi tháng theo sự kiện", "Articles per event per month",
                                 "Mỗi dòng sự kiện đăng bao nhiêu bài mỗi tháng (giờ Hà Nội). Một bài thuộc hai "
                                 "sự kiện được tính ở cả hai. Biểu đồ /-/chart vẽ cùng các con số này.",
                                 "How many articles each event feed published each month (Hanoi time). An article "
                                 "in two feeds counts in both. The chart on /-/chart draws the same numbers."),
    "top_authors": ("Tác giả viết nhiều nhất theo sự kiện", "Most prolific authors per event",
                    "20 người có nhiều bài nhất trong mỗi dòng sự kiện. Để trống sự kiện để xem tất cả, hoặc gõ "
                    "một phần tên (covid, bầu cử).",
                    "The 20 people with the most articles in each event feed. Leave event empty for all events, "
                    "or type part of its name (covid, bầu cử)."),
    "event_between_dates": ("Bài của một sự kiện trong khoảng ngày", "Articles of an event between two dates",
                            "Các bài của một sự kiện đăng từ ngày này đến ngày kia, tính cả hai ngày (giờ Hà Nội), "
                            "cũ nhất trước. Sự kiện: một phần tên (covid, bầu cử, môi trường); ngày viết 2021-05-23 "
                            "hoặc 23/5/2021; để trống nếu không giới hạn. Ngày sai sẽ báo lỗi.",
                            "An event's articles published from one date to another, both included (Hanoi time), "
                            "oldest first. Event: part of its name (covid, bầu cử, môi trường); dates as 2021-05-23 "
                            "or 23/5/2021; empty for no limit. A wrong date is reported as an error."),
    "term_over_time": ("Số bài nhắc đến một từ, theo tháng", "Articles mentioning a term, month by month",
                       "Mỗi tháng có bao nhiêu bài nhắc đến từ này (không phân biệt dấu), trên tổng số bài của "
                       "tháng. /-/chart?q=từ vẽ theo từng sự kiện.",
                       "For each month, how many articles mention the term (diacritics ignored), out of all "
                       "articles that month. /-/chart?q=term draws it per event."),
    "feed": ("Tìm kiếm trong kho lưu trữ (Atom)", "Kinhtedothi archive search",
             "Một tìm kiếm dưới dạng nguồn tin Atom, 50 bài mới nhất.",
             "A saved search as an Atom feed, the 50 newest entries."),
}
PARAMS = {
    "q": ("Từ khóa", "Search"), "exact": ("Từ, đúng chính tả", "Exact words"), "event": ("Sự kiện", "Event"),
    "from": ("Từ ngày", "From"), "to": ("Đến ngày", "To"), "term": ("Từ cần đếm", "Term"),
}

register({f"query.{name}.title": {"vi": vi, "en": en} for name, (vi, en, _, _) in QUERIES.items()})
register({f"query.{name}.description": {"vi": vi, "en": en} for name, (_, _, vi, en) in QUERIES.items()})
register({f"query.param.{name}": {"vi": vi, "en": en} for name, (vi, en) in PARAMS.items()})
register({
    "query.rows": {"vi": "{n} kết quả", "en": "{n} results"},
    "query.more_rows": {"vi": "Hơn {n} kết quả", "en": "More than {n} results"},
    "query.none": {"vi": "Không có kết quả.", "en": "No results."},
    "query.run": {"vi": "Chạy", "en": "Run"},
    "query.export": {"vi": "Tải dữ liệu này:", "en": "This data as"},
    "query.sql": {"vi": "Câu lệnh SQL", "en": "SQL"},
})
