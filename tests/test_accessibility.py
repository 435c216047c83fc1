"""The newsroom's interface in a real browser: accessible (axe-core, from npm, injected by Playwright into
Debian's Chromium: no critical or serious violation on any page a journalist reaches, in either language),
usable on a phone (390×844: the results first, the facets folded, no page wider than the screen), the
language kept from click to click, and the citation copied with one button.

    npm ci      # axe-core into node_modules/ (package.json); .ci/run does it
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support import served
from tests.support.datasette import copy_archive
from tests.support.edits import CO_WRITTEN, EDITED_ID

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run `npm ci` (.ci/run does)"),
]


def pages() -> dict[str, str]:
    """The pages a journalist reaches (issue 18's list)."""
    return {
        "home": "/",
        "search": "/-/search?q=gian+cach+xa+hoi",
        "article": f"/archive/articles/{EDITED_ID}",
        "person": "/-/person/" + quote(CO_WRITTEN.split(" - ")[0]),
        "versions": f"/-/versions/{EDITED_ID}",
        "diff": f"/-/diff/{EDITED_ID}",
        "edits": "/-/edits",
        "chart": "/-/chart?q=covid",
        "place": "/-/place/" + quote("quận Hoàn Kiếm"),
        "map": "/-/map?q=covid",
        "coverage": "/-/coverage",
        "table": "/archive/articles?_search=covid",
        "SQL": "/archive",
    }


@pytest.fixture(scope="module")
def server(edited, tmp_path_factory):
    db = copy_archive(edited, tmp_path_factory.mktemp("accessibility"))
    with served(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=FLAGS,
                                                       headless=True, viewport={"width": 1280, "height": 900},
                                                       locale="vi-VN", bypass_csp=True)  # to inject axe

        def offline(route):  # pictures live on the paper's CDN, which tests must not reach
            if route.request.url.startswith("http://127.0.0.1:"):
                route.continue_()
            else:
                route.fulfill(status=200, content_type="image/svg+xml",
                              body='<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')

        context.route("**/*", offline)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def screenshot(page, name: str, full_page: bool = False) -> None:
    """``SCREENSHOTS_DIR=docs/screenshots`` refreshes the pictures of docs/huong-dan.md."""
    target = os.environ.get("SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=full_page)


def violations(page) -> list[str]:
    """axe-core's critical and serious violations of the page, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
            .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_page_a_journalist_reaches_has_a_critical_or_serious_accessibility_violation(server, page, lang):
    failures = {}
    for name, path in pages().items():
        page.goto(server + path + ("&" if "?" in path else "?") + f"lang={lang}")
        page.wait_for_load_state("load")
        if name == "map":   # the circles too, once Leaflet has drawn them
            page.wait_for_selector("#kt-map[data-drawn]")
        assert page.locator("html").get_attribute("lang") == lang, name
        found = violations(page)
        if found:
            failures[name] = found
    assert not failures, failures


def test_on_a_phone_the_results_come_first_the_facets_fold_and_no_page_is_wider_than_the_screen(server, browser):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    try:
        for name, path in pages().items():
            page.goto(server + path + ("&" if "?" in path else "?") + "lang=vi")
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (name, width)
        page.goto(server + "/-/search?q=gian+cach+xa+hoi&lang=vi")
        fold = page.locator("details.kt-facets-fold")
        assert fold.get_attribute("open") is None                       # folded
        assert not page.locator("#kt-facet-event").is_visible()
        first = page.locator(".kt-result").first.bounding_box()
        assert first["y"] < PHONE["height"], first                       # on the first screen
        screenshot(page, "phone-search")
        page.locator("details.kt-facets-fold > summary").click()         # one tap opens them
        assert page.locator("#kt-facet-event").is_visible()
    finally:
        page.close()
    wide = browser.new_page()
    try:
        wide.goto(server + "/-/search?q=gian+cach+xa+hoi&lang=vi")
        wide.wait_for_load_state("load")
        assert wide.locator("#kt-facet-event").is_visible()               # a wide screen shows them unfolded
        assert wide.locator(".kt-group-phrase").is_visible() and wide.locator(".kt-group-loose").count() == 1
        screenshot(wide, "search-phrase")
    finally:
        wide.close()


def test_the_chosen_language_stays_from_click_to_click(server, browser):
    context = browser
    page = context.new_page()
    try:
        page.goto(server + "/?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator(".kt-latest a").first.click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator(".kt-byline a.kt-author").first.click()
        page.wait_for_url("**/-/person/**")
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto(server + "/-/edits")            # typed by hand: the cookie keeps the choice
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator("a.kt-lang-switch").click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "vi"
        page.goto(server + "/-/edits")
        assert page.locator("html").get_attribute("lang") == "vi"
    finally:
        page.close()


def test_the_citation_is_copied_with_one_button(server, browser):
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = browser.new_page()
    try:
        page.goto(server + f"/archive/articles/{EDITED_ID}")
        text = page.locator(".kt-cite-text").inner_text().strip()
        page.locator("button.kt-copy").click()
        page.wait_for_function("document.querySelector('.kt-copy-status').textContent.length > 0")
        assert page.locator(".kt-copy-status").inner_text() == "Đã chép."
        assert page.evaluate("navigator.clipboard.readText()").strip() == text
        assert "UTC" not in text   # one time zone: Hanoi time, as every page shows it
    finally:
        page.close()
