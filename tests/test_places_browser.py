"""The map of places in a real browser (headless Debian Chromium driven by Playwright, as tests/test_browser.py):
one circle per district and ward with the right count, drawn with or without the background tiles, a click
opening the filtered search; the places facet on the search page (issue 22)."""

import os
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

import pytest

from tests.support import served
from tests.support.browser import CHROMIUM, FLAGS, NEEDS_CHROMIUM
from tests.support.datasette import copy_archive

TILE = ('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" '
        'fill="#e8ece4"/></svg>')

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(crawled, tmp_path_factory):
    db = copy_archive(crawled[0], tmp_path_factory.mktemp("places-browser"))
    with served(db) as base:
        yield base, db


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Nothing leaves the machine: the tiles are answered with a plain square, or refused (``tiles=False``)."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=FLAGS,
                                                       headless=True, viewport={"width": 1280, "height": 900},
                                                       locale="vi-VN")
        context.tiles = True

        def offline(route):
            if route.request.url.startswith("http://127.0.0.1:"):
                route.continue_()
            elif route.request.resource_type == "image" and context.tiles:
                route.fulfill(status=200, content_type="image/svg+xml", body=TILE)
            else:
                route.abort()

        context.route("**/*", offline)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.add_init_script("document.addEventListener('securitypolicyviolation', () => { window.__blocked = "
                         "(window.__blocked || 0) + 1; });")
    yield page
    page.close()
    browser.tiles = True


def expected_counts(db: Path, where: str = "", params=()) -> dict[str, int]:
    """Every Hanoi district and ward with coordinates, and its articles, straight from the table."""
    with sqlite3.connect(db) as conn:
        keys = conn.execute(f"select distinct place_key from article_places where level in ('district', 'ward') "
                            f"and latitude is not null {where}", params).fetchall()
        return {key: conn.execute("select count(distinct article_id) from article_places where place_key = ? or "
                                  f"district_key = ? {where}", [key, key, *params]).fetchone()[0]
                for (key,) in keys}


def drawn(page) -> dict[str, int]:
    page.wait_for_selector("#kt-map[data-drawn]")
    markers = page.locator("path.kt-place-marker")
    return {markers.nth(i).get_attribute("data-place"): int(markers.nth(i).get_attribute("data-count"))
            for i in range(markers.count())}


def screenshot(page, name: str, tmp_path: Path, clip=None) -> None:
    """Into SCREENSHOTS_DIR when set (docs/screenshots: docs/huong-dan.md shows them)."""
    if clip is None:
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    else:   # the page's upper part, down to the end of this element
        box = clip.bounding_box()
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1280, "height": box["y"] + box["height"] + 10})
    target = os.environ.get("SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / f"{name}.png", Path(target) / f"{name}.png")


def test_the_map_draws_one_circle_per_place_with_its_count(server, page, tmp_path):
    base, db = server
    page.goto(base + "/-/map")
    markers = drawn(page)
    want = expected_counts(db)
    assert markers == want and len(want) >= 15
    assert page.locator("path.kt-place-marker").count() == len(want)   # one each, none twice
    assert page.evaluate("window.__blocked") is None   # nothing the page's policy refused
    biggest = max(want, key=want.get)
    smallest = min(want, key=want.get)
    size = {k: page.locator(f'path.kt-place-marker[data-place="{k}"]').bounding_box()["width"]
            for k in (biggest, smallest)}
    assert size[biggest] > size[smallest]
    screenshot(page, "map", tmp_path)


def test_without_tiles_the_circles_still_show(server, browser, page):
    base, db = server
    browser.tiles = False
    page.goto(base + "/-/map")
    assert drawn(page) == expected_counts(db)
    assert page.locator("path.kt-place-marker").first.is_visible()


def test_a_search_redraws_the_map_and_a_click_opens_the_filtered_search(server, page):
    base, db = server
    q = "Hoàn Kiếm"
    page.goto(base + "/-/map?q=" + urllib.parse.quote(q))
    markers = drawn(page)
    assert markers and markers != expected_counts(db)
    key = "quận Hoàn Kiếm"
    circle = page.locator(f'path.kt-place-marker[data-place="{key}"]')
    count = int(circle.get_attribute("data-count"))
    circle.dispatch_event("click")   # the circle itself (a ward may lie on top of its district)
    page.wait_for_url(re.compile(r".*/-/search\?.*place=.*"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["q"] == [q] and query["place"] == [key]
    assert page.locator(".kt-result").count() == count
    assert page.locator(f'#kt-facet-place li[data-value="{key}"].kt-selected').count() == 1


def test_the_search_pages_places_facet_links_to_its_map(server, page, tmp_path):
    base, _ = server
    page.goto(base + "/-/search?q=" + urllib.parse.quote("Hoàn Kiếm"))
    facet = page.locator("#kt-facet-place")
    assert facet.locator("h2").inner_text().strip().lower() == "địa danh"
    ward = facet.locator('ul.kt-facet-inner li[data-value="phường Phúc Tân, quận Hoàn Kiếm"]')
    assert ward.is_visible()
    assert facet.locator('li[data-value="quận Hoàn Kiếm"] > ul.kt-facet-inner > li').count() >= 1
    screenshot(page, "places-facet", tmp_path, clip=facet)
    facet.locator("a", has_text="Xem trên bản đồ").click()
    page.wait_for_url("**/-/map*")
    page.wait_for_selector("#kt-map[data-drawn]")
