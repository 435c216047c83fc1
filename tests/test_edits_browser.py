"""An edited article and its diff in a real browser (headless Chromium, as in test_browser.py).

    SCREENSHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/test_edits_browser.py

also saves docs/screenshots/edited-article.png and docs/screenshots/diff.png.
"""

import pytest

from tests.support import served
from tests.support.browser import NEEDS_CHROMIUM, screenshot
from tests.support.datasette import copy_archive
from tests.support.edits import ADDED_PARAGRAPH, EDITED_ID, NEW_TITLE

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(edited, tmp_path_factory):
    db = copy_archive(edited, tmp_path_factory.mktemp("edited-browser"))
    with served(db) as base:
        yield base


def test_a_reader_sees_an_article_was_edited_and_opens_the_words_that_changed(server, page, tmp_path):
    page.goto(f"{server}/archive/articles/{EDITED_ID}")
    banner = page.locator(".kt-edited")
    assert banner.is_visible() and "Tiêu đề, Nội dung" in banner.inner_text()
    assert page.locator("h1.kt-title").inner_text() == NEW_TITLE
    citation = page.locator(".kt-citation").inner_text()
    assert "Phiên bản 2 trên 2" in citation
    screenshot(page, "edited-article", tmp_path)
    banner.locator("a", has_text="Xem thay đổi").click()
    page.wait_for_url(f"**/-/diff/{EDITED_ID}")
    title = page.locator("#diff-title .kt-diff-text")
    assert title.locator("del").all_inner_texts() == ["tạm thời"]
    assert title.locator("ins").all_inner_texts() == ["gỡ"]
    deleted = title.locator("del").first
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    added = page.locator("#diff-body_text ins")
    assert added.count() == 1 and added.inner_text().strip() == ADDED_PARAGRAPH and added.is_visible()
    screenshot(page, "diff", tmp_path, full_page=True)
    page.select_option("select[name=from]", "2")
    page.select_option("select[name=to]", "1")
    page.locator(".kt-diff-pick input[type=submit]").click()
    page.wait_for_url("**from=2&to=1*")
    assert page.locator("#diff-title ins").all_inner_texts() == ["tạm thời"]
