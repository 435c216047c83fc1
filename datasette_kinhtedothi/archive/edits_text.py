"""The words of the edit pages, the edited mark and the citation's version line (Vietnamese, English)."""

from datasette_kinhtedothi.archive.i18n import register

FIELD_NAMES = {
    "title": ("Tiêu đề", "Headline"), "sapo": ("Sapo (đoạn mở đầu)", "Lead"), "author": ("Tác giả", "Byline"),
    "published_at": ("Thời gian đăng", "Publication date"), "section": ("Chuyên mục", "Section"),
    "subsection": ("Chuyên mục con", "Sub-section"), "body_text": ("Nội dung", "Body"), "tags": ("Thẻ", "Tags"),
    "images": ("Ảnh và chú thích", "Pictures and captions"), "related_links": ("Tin liên quan", "Related news"),
    "captions": ("Chú thích ảnh", "Captions"),
}
register({f"versions.field.{k}": {"vi": vi, "en": en} for k, (vi, en) in FIELD_NAMES.items()})
register({
    "versions.edited": {
        "vi": "Bài đã được báo sửa sau khi đăng: lần sửa gần nhất được ghi nhận lúc {when} (giờ Hà Nội), "
              "thay đổi: {fields}.",
        "en": "The paper edited this article after publishing it: the latest change was seen on {when} "
              "(Hanoi time), in: {fields}."},
    "versions.reread": {
        "vi": "Bản lưu này đã được đọc lại bằng bộ phân tích mới lúc {when} (giờ Hà Nội): {fields}.",
        "en": "This copy was read again by improved parsers on {when} (Hanoi time): {fields}."},
    "versions.see_diff": {"vi": "Xem thay đổi", "en": "See what changed"},
    "versions.all": {"vi": "Tất cả {count} phiên bản", "en": "All {count} versions"},
    "versions.title": {"vi": "Các phiên bản của bài", "en": "Versions of the article"},
    "versions.intro": {
        "vi": "Mỗi lần kho đọc bài ở một địa chỉ, một nguồn hay một giao diện khác, nó giữ lại bản đọc đó. Chỉ khi chữ "
              "bạn đọc thấy (tiêu đề, sapo, tác giả, nội dung, chú thích ảnh, giờ đăng) đổi khác thì mới là báo sửa "
              "bài. Dưới đây trước hết là các phiên bản báo đăng: bản đầu tiên và mỗi lần sửa.",
        "en": "Each time the archive reads the article at another address, from another source or in another "
              "layout, it keeps that reading. Only a change in the words a reader reads (headline, lead, byline, "
              "body, captions, publication time) is an edit by the paper. First come the paper's versions: the "
              "first one and each edit."},
    "versions.paper": {"vi": "Các phiên bản báo đăng", "en": "The paper's versions"},
    "versions.others": {"vi": "Các lần đọc khác (không phải báo sửa bài)",
                        "en": "Other readings (not edits by the paper)"},
    "versions.others_intro": {
        "vi": "Cùng chữ, khác địa chỉ, giao diện, nguồn, ảnh, chú thích mặc định hay bộ đọc: {count} lần đọc.",
        "en": "The same words at another address, in another layout, from another source, with other pictures, "
              "default captions or parsers: {count} readings."},
    "versions.kind": {"vi": "Loại thay đổi", "en": "Kind of change"},
    "versions.address": {"vi": "Địa chỉ", "en": "Address"},
    "versions.kept": {"vi": "Bản lưu giữ từ lần đọc này", "en": "Kept in the archive's copy"},
    "versions.change.first": {"vi": "bản đầu tiên kho có", "en": "the oldest copy the archive holds"},
    "versions.change.edit": {"vi": "báo sửa bài", "en": "edited by the paper"},
    "versions.change.migration": {"vi": "chuyển địa chỉ hoặc giao diện mới (không sửa chữ)",
                                  "en": "new address or layout (words unchanged)"},
    "versions.change.source": {"vi": "nguồn khác (không sửa chữ)", "en": "another source (words unchanged)"},
    "versions.change.presentation": {"vi": "ảnh, chú thích mặc định, thẻ hoặc tin liên quan khác (không sửa chữ)",
                                     "en": "other pictures, default captions, tags or related links (words unchanged)"},
    "versions.change.parser": {"vi": "bản đọc cũ, đã được bộ đọc mới đọc lại",
                               "en": "an older parser's reading, read again by newer parsers"},
    "versions.not_edited": {
        "vi": "Báo không sửa bài này: kho giữ {count} lần đọc (địa chỉ, giao diện, nguồn hoặc bộ đọc khác), chữ báo "
              "đăng vẫn như cũ.",
        "en": "The paper did not edit this article: the archive keeps {count} readings (other addresses, layouts, "
              "sources or parsers) with the same words."},
    "article.kept": {"vi": "Giữ từ lần đọc trước", "en": "Kept from an earlier reading"},
    "versions.number": {"vi": "Phiên bản", "en": "Version"},
    "versions.fetched": {"vi": "Lấy về lúc (giờ Hà Nội)", "en": "Fetched (Hanoi time)"},
    "versions.how": {"vi": "Nguồn", "en": "How"},
    "versions.changes": {"vi": "Thay đổi so với phiên bản trước", "en": "Changed since the previous version"},
    "versions.current": {"vi": "bản hiện tại", "en": "current"},
    "versions.first": {"vi": "bản đầu tiên", "en": "first copy"},
    "versions.diff_prev": {"vi": "so sánh", "en": "compare"},
    "versions.cause.recheck": {"vi": "trang báo", "en": "the site"},
    "versions.cause.wayback": {"vi": "Wayback Machine", "en": "Wayback Machine"},
    "versions.cause.commoncrawl": {"vi": "Common Crawl", "en": "Common Crawl"},
    "versions.cause.warc": {"vi": "tệp WARC", "en": "a WARC file"},
    "versions.cause.pages": {"vi": "trang đã lưu", "en": "a saved page"},
    "versions.cause.reparse": {"vi": "đọc lại bằng bộ phân tích mới", "en": "read again by improved parsers"},
    "versions.source.live": {"vi": "trang báo", "en": "the site"},
    "versions.source.wayback": {"vi": "Wayback Machine", "en": "Wayback Machine"},
    "versions.source.commoncrawl": {"vi": "Common Crawl", "en": "Common Crawl"},
    "versions.source.warc": {"vi": "tệp WARC", "en": "a WARC file"},
    "versions.show_others": {"vi": "Hiện các lần đọc khác", "en": "Show the other readings"},
    "versions.source.pages": {"vi": "trang đã lưu", "en": "a saved page"},
    "versions.raw": {"vi": "Dữ liệu gốc (article_versions)", "en": "Raw rows (article_versions)"},
    "versions.back": {"vi": "Về bài viết", "en": "Back to the article"},
    "versions.none": {"vi": "Bài này chưa từng được sửa.", "en": "This article was never edited."},
    "diff.title": {"vi": "Thay đổi giữa phiên bản {old} và {new}", "en": "Changes from version {old} to {new}"},
    "diff.legend": {"vi": "Chữ bị xóa được gạch ngang, chữ thêm vào được tô xanh.",
                    "en": "Removed words are struck through, added words are highlighted in green."},
    "diff.unchanged": {"vi": "Không đổi: {fields}.", "en": "Unchanged: {fields}."},
    "diff.same": {"vi": "Hai phiên bản giống nhau.", "en": "The two versions are the same."},
    "diff.cut": {"vi": "Trường này quá dài hoặc thay đổi quá nhiều để so từng chữ: có đoạn được hiện nguyên như đã "
                       "xóa và đã thêm, và chỉ {n} từ đầu được so sánh.",
                 "en": "This field is too long or changed too much to compare every word: some of it shows as "
                       "wholly removed and added, and only its first {n} words are compared."},
    "diff.bad": {"vi": "Phiên bản phải là số từ 1 đến {n}.", "en": "Versions are numbers from 1 to {n}."},
    "diff.pick": {"vi": "So sánh phiên bản", "en": "Compare version"},
    "diff.with": {"vi": "với", "en": "with"},
    "diff.go": {"vi": "So sánh", "en": "Compare"},
    "edits.title": {"vi": "Bài mới được sửa", "en": "Recently edited articles"},
    "edits.intro": {
        "vi": "Các bài báo đã sửa sau khi kho lưu lần đầu, lần sửa mới nhất trước ({count} bài). "
              "Bấm “xem thay đổi” để thấy từng chữ đã sửa.",
        "en": "Articles the paper changed after the archive first saw them, latest change first ({count} "
              "articles). Click “see what changed” for the words that changed."},
    "edits.when": {"vi": "Ghi nhận lúc (giờ Hà Nội)", "en": "Seen (Hanoi time)"},
    "edits.article": {"vi": "Bài", "en": "Article"},
    "edits.fields": {"vi": "Thay đổi", "en": "Changed"},
    "edits.versions": {"vi": "Số lần sửa", "en": "Edits"},
    "edits.none": {"vi": "Chưa có bài nào được sửa.", "en": "No article has been edited yet."},
    "cite.version": {"vi": "Phiên bản", "en": "Version"},
    "cite.version_text": {"vi": "Phiên bản {n} trên {total} của báo, đọc lần cuối lúc {when} (giờ Hà Nội; {readings} "
                                "lần đọc)",
                          "en": "The paper's version {n} of {total}, last read {when} (Hanoi time; {readings} "
                                "readings)"},
    "cite.version_short": {"vi": "phiên bản {n}, đọc {when}", "en": "version {n}, read {when}"},
})
