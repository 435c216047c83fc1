"""The browser tests' Chromium: Debian's `chromium`, headless, driven by Playwright's Python package, and
offline: every request that is not for the archive server on loopback is answered locally (a grey
placeholder for pictures, nothing for the rest). The fixtures `browser` and `page` are in conftest.py.

    SCREENSHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/test_browser.py tests/test_edits_browser.py

also copies the screenshots the tests take into docs/screenshots/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLACEHOLDER = ('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450">'
               '<rect width="800" height="450" fill="#d9dde3"/><text x="400" y="232" font-family="sans-serif" '
               'font-size="22" fill="#5f6b7a" text-anchor="middle">picture from cdn.kinhtedothi.vn (offline)'
               '</text></svg>')
# A browser test's file: `pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]`.
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")


@contextmanager
def offline_chromium(profile: Path) -> Iterator[Any]:
    """A persistent Playwright browser context on Debian's Chromium that reaches loopback only."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=FLAGS,
                                                       headless=True, viewport={"width": 1280, "height": 900},
                                                       locale="vi-VN")

        def offline(route):
            url = route.request.url
            if url.startswith("http://127.0.0.1:"):
                route.continue_()
            elif route.request.resource_type == "image":
                route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER)
            else:
                route.abort()

        context.route("**/*", offline)
        try:
            yield context
        finally:
            context.close()


def screenshot(page, name: str, tmp_path: Path, full_page: bool = False) -> None:
    """A screenshot of the page, also copied into $SCREENSHOTS_DIR when it is set."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=full_page)
    target = os.environ.get("SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / f"{name}.png", Path(target) / f"{name}.png")
