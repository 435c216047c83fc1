"""The archive in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright,
against `kinhtedothi serve` on loopback. One server and one browser for the module
(tests/support/browser.py: pictures from the paper's CDN are answered locally).

    SCREENSHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/test_browser.py

also saves the screenshots shown in docs/using-the-archive.md and docs/huong-dan.md (home page, a search,
a narrowed search, the chart, an article).
"""

import re
import urllib.request

import pytest

from tests.support import served
from tests.support.browser import NEEDS_CHROMIUM, screenshot
from tests.support.datasette import HOSTILE_ID, add_hostile_article, copy_archive

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
SEED_TITLE = "Quận Thanh Xuân: 19/19 chỉ tiêu chủ yếu đạt và vượt kế hoạch"


@pytest.fixture(scope="module")
def server(crawled, tmp_path_factory):
    db = copy_archive(crawled[0], tmp_path_factory.mktemp("browser"))
    with served(db) as base:
        yield base, db


def test_typing_dong_da_in_the_home_box_shows_phrase_matches_first_with_highlights_and_facets(server, page, tmp_path):
    server, _ = server
    page.goto(server + "/")
    screenshot(page, "home", tmp_path)
    page.fill("input[name=q]", "dong da")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/-/search?q=dong+da*")
    results = page.locator(".kt-result")
    assert results.count() == 20
    first_titles = [results.nth(i).locator("h3").inner_text() for i in range(3)]
    assert "Đống Đa" in first_titles[0]
    assert results.first.locator("h3 mark", has_text="Đống Đa").count() == 1
    assert page.locator(".kt-snippet mark").count() >= 10
    for facet in ("event", "year", "month", "section", "person", "tag"):
        assert page.locator(f"#kt-facet-{facet} li").count() >= 1, facet
    assert page.locator(".kt-count").first.inner_text() == "43 bài"
    screenshot(page, "search", tmp_path)


def test_narrowing_to_an_event_and_a_date_range_keeps_the_search(server, page, tmp_path):
    server, _ = server
    page.goto(server + "/-/search?q=dong+da")
    page.locator("#kt-facet-event a", has_text="Bầu cử").click()
    page.wait_for_url("**event=bau-cu-quoc-hoi-khoa-xv*")
    page.fill("#kt-from", "1/5/2021")
    page.fill("#kt-to", "23/5/2021")
    page.press("#kt-to", "Enter")
    page.wait_for_url("**to=23%2F5%2F2021*")
    url = page.url
    assert "q=dong+da" in url and "event=bau-cu-quoc-hoi-khoa-xv" in url and "from=1%2F5%2F2021" in url
    dates = [t.get_attribute("datetime") for t in page.locator(".kt-result time").all()]
    assert dates and all("2021-05-01" <= d[:10] <= "2021-05-23" for d in dates)
    assert page.locator(".kt-chip").count() == 3
    screenshot(page, "search-narrowed", tmp_path)
    page.fill("#kt-to", "31/2/2021")
    page.press("#kt-to", "Enter")
    page.wait_for_load_state()
    assert "Ngày không hợp lệ" in page.locator(".kt-error").inner_text()


def test_the_chart_labels_are_readable_and_do_not_overlap(server, page, tmp_path):
    server, _ = server
    page.goto(server + "/-/search?q=covid")
    page.locator("a.kt-chart-link").click()
    page.wait_for_url("**/-/chart?q=covid*")
    labels = page.locator("svg.kt-chart text.kt-tick")
    assert labels.count() >= 3
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    texts = [labels.nth(i).text_content() for i in range(labels.count())]
    assert all(re.fullmatch(r"\d{2}/\d{4}|\d{4}", t) for t in texts), texts
    for a, b in zip(boxes, boxes[1:]):
        assert a["x"] + a["width"] <= b["x"], (a, b)  # left to right, never touching
    rows = page.locator(".kt-chart-table tbody tr").count()
    points = page.locator("svg.kt-chart polyline").first.get_attribute("points").split()
    assert rows == len(points)  # the table has every month the chart plots
    href = page.locator("svg.kt-chart a").first.get_attribute("href")
    assert href.startswith("/-/search?q=covid") and "event=" in href and "month=" in href
    screenshot(page, "chart", tmp_path)


def test_the_list_search_box_still_searches_for_sql_people(server, page):
    server, _ = server
    page.goto(server + "/archive/articles?_search=" + urllib.request.quote("dang bo"))
    assert page.locator("a", has_text=SEED_TITLE).count() >= 1
    page.fill("#_search", "Đảng bộ")
    page.press("#_search", "Enter")
    page.wait_for_load_state()
    assert page.locator("a", has_text=SEED_TITLE).count() >= 1
    page.locator("a.kt-to-search").click()
    page.wait_for_url("**/-/search?q=*")
    assert page.locator("mark", has_text="Đảng bộ").count() >= 1


def test_an_article_reads_with_its_paragraphs_caption_and_citation(server, page, tmp_path):
    server, _ = server
    page.goto(server + "/archive/articles?_search=" + urllib.request.quote("Thanh Xuân"))
    page.locator("a", has_text=SEED_TITLE).first.click()
    page.wait_for_url("**/archive/articles/405813")
    body = page.locator(".kt-body")
    assert body.locator("p").count() >= 8
    assert body.locator("p").first.is_visible()
    caption = page.locator("figcaption", has_text="Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI")
    assert caption.is_visible()
    citation = page.locator(".kt-citation")
    assert citation.is_visible()
    text = citation.inner_text()
    assert "Hồng Thái" in text and "13/01/2021" in text and "web.archive.org" in citation.inner_html()
    assert "quan-thanh-xuan-19-19-chi-tieu-chu-yeu-dat-va-vuot-ke-hoach-405813.html" in text
    assert page.locator(".kt-kicker a", has_text="Đại dịch Covid-19").get_attribute("href") == \
        "/-/search?event=dai-dich-covid-19"
    screenshot(page, "article", tmp_path, full_page=True)


def test_a_hostile_article_shows_its_text_and_runs_nothing(server, browser, tmp_path):
    server, db = server
    add_hostile_article(db)  # written while the archive is served, as a crawl would
    page = browser.new_page()
    page.add_init_script("document.addEventListener('securitypolicyviolation', () => { window.__blocked = "
                         "(window.__blocked || 0) + 1; });")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in (f"/archive/articles/{HOSTILE_ID}", "/archive/articles?_search=thu+nghiem",
                     "/archive/related_links?article_id=" + str(HOSTILE_ID), "/archive/search?q=thu+nghiem"):
            page.goto(server + path)
            page.wait_for_load_state("load")
            page.mouse.move(300, 300)
            for selector in (".kt-body p", ".kt-tags a", "td.col-title", "td.col-tag"):
                target = page.locator(selector).first
                if target.count() and target.is_visible():
                    target.hover(timeout=5000)
            assert page.evaluate("window.__xss") is None, path
            assert page.evaluate("window.__blocked") is None, path  # not even an attempt reached the page
            assert page.title() != "pwned"
        page.goto(server + f"/archive/articles/{HOSTILE_ID}")
        body = page.locator(".kt-body").inner_text()
        assert "<script>window.__xss=2</script>" in body
        assert "Đoạn mở đầu với một ảnh hỏng" in body and "Đoạn cuối có kiểu." in body
        handlers = page.evaluate("""() => [...document.querySelectorAll('.kt-article *')].flatMap(
            e => [...e.attributes].filter(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))
                 .map(a => e.tagName + ' ' + a.name))""")
        assert handlers == []
        assert page.locator(".kt-article script, .kt-article iframe, .kt-article svg").count() == 0
        page.locator(".kt-body a", has_text="liên kết độc").click()
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
    finally:
        page.close()
