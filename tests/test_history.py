"""What counts as an edit by the paper, and which copy is kept: the pure rules of pipelines/history.py."""

import pytest

from pipelines.history import best_copy, change_kind, edit_count, edited_fields, history, is_default_caption

pytestmark = pytest.mark.fast

TITLE = "Hà Nội tiếp nhận “lô vắc xin” đầu tiên"
BODY = "Sáng nay, Hà Nội tiếp nhận lô vắc xin.\n\nSở Y tế cho biết sẽ tiêm ngay."


def reading(**changes):
    base = {"id": 1, "url": "https://kinhtedothi.vn/ha-noi-409318.html", "layout": "legacy", "source": "wayback",
            "read_at": "2021-06-01T00:00:00+00:00", "raw_page_id": 10, "title": TITLE, "sapo": "Lời dẫn.",
            "author": "Hồng Thái", "published_at": "2021-01-13T20:36:00+07:00", "section": "Y tế",
            "subsection": None, "body_text": BODY, "tags": ["vắc xin", "Covid-19"],
            "images": [{"src": "https://cdn.kinhtedothi.vn/a.jpg", "caption": "Lô vắc xin tại sân bay"}],
            "related_links": [{"url": "https://kinhtedothi.vn/b-1.html", "title": "Tin liên quan"}],
            "field_sources": {}, "content_hash": "h1"}
    base.update(changes)
    return base


def today(**changes):
    """The same story as today's site shows it: new address and layout, pictures rehosted, default captions,
    no related box, typographic quotes plain."""
    values = {"id": 2, "url": "https://kinhtedothi.vn/ha-noi.712004.html", "layout": "current", "source": "live",
              "read_at": "2026-12-05T00:00:00+00:00", "raw_page_id": 20,
              "title": TITLE.replace("“", '"').replace("”", '"'),
              "images": [{"src": "https://resource.kinhtedothi.vn/a.jpg", "caption": TITLE + " - Ảnh 1"}],
              "related_links": [], "tags": ["Covid-19"], "content_hash": "h2"}
    values.update(changes)
    return reading(**values)


def test_the_cms_default_caption_and_an_empty_one_are_not_the_papers_captions():
    assert is_default_caption(TITLE + " - Ảnh 1", [TITLE])
    assert is_default_caption(TITLE + " – Ảnh 12", [TITLE]) and is_default_caption("Ảnh 3", [])
    assert is_default_caption(None, [TITLE]) and is_default_caption("  ", [TITLE])
    assert not is_default_caption("Lô vắc xin tại sân bay", [TITLE])
    assert not is_default_caption("Cử tri bỏ phiếu. Ảnh: Minh An", [TITLE])


def test_todays_page_of_the_same_words_is_a_migration_not_an_edit():
    assert edited_fields(reading(), today()) == []
    assert change_kind(reading(), today()) == "migration"


def test_spacing_quotes_dashes_and_a_bylines_case_are_not_edits():
    older = reading()
    newer = reading(id=2, title=TITLE.replace("“", '"').replace("”", '"') + "  ", author="HỒNG THÁI",
                    body_text=BODY.replace(" ", "\u00a0", 2).replace("\n\n", " \n\n "), source="live")
    assert edited_fields(older, newer) == []
    assert change_kind(older, newer) == "source"


def test_a_change_in_the_words_is_an_edit_field_by_field():
    older = reading()
    assert edited_fields(older, reading(title="Hà Nội nhận thêm vắc xin")) == ["title"]
    assert edited_fields(older, reading(body_text=BODY + "\n\nĐoạn bổ sung.")) == ["body_text"]
    assert edited_fields(older, reading(published_at="2021-01-13T21:36:00+07:00")) == ["published_at"]
    assert edited_fields(older, reading(author="Minh An")) == ["author"]
    corrected = reading(images=[{"src": "https://cdn.kinhtedothi.vn/a.jpg", "caption": "Lô vắc xin tại Nội Bài"}])
    assert edited_fields(older, corrected) == ["captions"]
    assert change_kind(older, corrected) == "edit"


def test_a_field_lost_or_read_only_from_metadata_is_a_poorer_reading_not_an_edit():
    older = reading()
    assert edited_fields(older, today(sapo=None, author=None, published_at="2021-01-13")) == []
    truncated = today(sapo="Lời dẫn cắt ngắn trong thẻ meta...", field_sources={"sapo": "metadata"})
    assert edited_fields(older, truncated) == []
    assert edited_fields(older, reading(published_at="2021-01-13T20:36:59+07:00")) == []  # the same minute


def test_caption_and_related_lines_a_layout_leaves_in_the_body_are_not_edits():
    leaked = today(body_text=BODY + "\n\n" + TITLE + " - Ảnh 1\n\nTin liên quan\n\nHồng Thái")
    assert edited_fields(reading(), leaked) == []


def test_the_history_is_judged_in_the_time_the_pages_say_not_the_order_they_were_read_in():
    live = today(id=1)                                # read first
    capture = reading(id=2, read_at="2021-06-01T00:00:00+00:00")   # read second, captured five years before
    ordered = history([live, capture])
    assert [r["id"] for r in ordered] == [2, 1]
    assert [r["change"] for r in ordered] == ["first", "migration"] and edit_count(ordered) == 0


def test_a_newer_parsers_reading_of_a_stored_page_supersedes_the_older_one():
    first = reading(id=1, section="Y tế")
    again = reading(id=2, section="Sức khỏe", content_hash="h3")      # same stored page, read again
    later = today(id=3)
    ordered = history([first, again, later])
    assert [(r["id"], r["change"], r["effective"]) for r in ordered] == [
        (1, "parser", False), (2, "first", True), (3, "migration", True)]


def test_the_best_copy_keeps_the_papers_captions_tags_and_related_links_that_a_later_reading_lost():
    ordered = history([reading(), today()])
    best, origin = best_copy(ordered)
    assert best["images"] == [{"src": "https://resource.kinhtedothi.vn/a.jpg", "caption": "Lô vắc xin tại sân bay"}]
    assert origin["captions"] == [1] and origin["images"] == 2
    assert best["tags"] == ["vắc xin", "Covid-19"] and origin["tags"] == 1
    assert best["related_links"] and origin["related_links"] == 1
    assert best["title"] == today()["title"] and origin["title"] == 2   # the newer words (the same, plainer quotes)


def test_the_words_of_a_real_edit_win_and_a_metadata_lead_does_not_replace_one_from_markup():
    edited = today(title="Hà Nội nhận thêm vắc xin", body_text=BODY + "\n\nĐoạn bổ sung.",
                   sapo="Tóm tắt từ thẻ meta.", field_sources={"sapo": "metadata"})
    ordered = history([reading(), edited])
    assert [r["change"] for r in ordered] == ["first", "edit"] and ordered[1]["edited_fields"] == ["title",
                                                                                                    "body_text"]
    best, origin = best_copy(ordered)
    assert best["title"] == "Hà Nội nhận thêm vắc xin" and best["body_text"].endswith("Đoạn bổ sung.")
    assert best["sapo"] == "Lời dẫn." and origin["sapo"] == 1


def test_a_caption_follows_its_own_picture_when_todays_page_adds_another():
    cover = {"src": "https://resource.kinhtedothi.vn/thumb_w/800/bia.jpg", "caption": TITLE + " - Ảnh 1"}
    moved = {"src": "https://resource.kinhtedothi.vn/2021/01/13/a.jpg", "caption": TITLE + " - Ảnh 2"}
    ordered = history([reading(), today(images=[cover, moved])])
    best, origin = best_copy(ordered)
    assert [i["caption"] for i in best["images"]] == [TITLE + " - Ảnh 1", "Lô vắc xin tại sân bay"]
    assert origin["captions"] == [2, 1]
    assert edit_count(ordered) == 0
    rewritten = dict(moved, caption="Lô vắc xin đầu tiên tại sân bay Nội Bài")
    assert edited_fields(reading(), today(images=[cover, rewritten])) == ["captions"]
