"""The sample site's current half (today's site) answers as documented, independently of the crawler."""

import ast
import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from kinhtedothi.sample_site import SampleSite, expected_current_articles
from kinhtedothi.sample_site import current_data as D

pytestmark = pytest.mark.fast

SAMPLE = Path(__file__).parent.parent / "kinhtedothi" / "sample_site"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


@pytest.fixture(scope="module")
def site():
    with SampleSite(generation="current") as site:
        yield site


def get(site, path):
    try:
        response = OPENER.open(site.url + path, timeout=60)
        return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def test_the_home_page_has_no_event_bar(site):
    status, _, html = get(site, "/")
    assert status == 200 and "DÒNG SỰ KIỆN" not in html and "/su-kien/" not in html


def test_legacy_addresses_answer_301_to_the_current_one_or_404(site):
    for a in D.OUR:
        if a["layout"] != "legacy":
            continue
        status, headers, _ = get(site, a["path"])
        if a["key"] in D.GONE_KEYS:
            assert status == 404, a["path"]
        else:
            assert (status, headers.get("Location")) == (301, D.current_path(a)), a["path"]


def test_every_current_article_answers_200(site):
    for a in expected_current_articles():
        assert get(site, a["url"].removeprefix("https://kinhtedothi.vn"))[0] == 200, a["url"]


def test_paging_ends_with_an_empty_array_and_unknown_categories_are_404(site):
    _, _, category = D.TAGS["covid"]
    pages, n = [], 1
    while True:
        status, headers, body = get(site, f"/api/category/{category}/paging/{n}")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        items = json.loads(body)
        if not items:
            break
        pages.append(items)
        n += 1
    assert sum(len(p) for p in pages) == len(D.tag_entries("covid"))
    assert get(site, "/api/category/99999/paging/1")[0] == 404


def test_search_finds_the_contest_and_its_later_years_only_for_its_words(site):
    path = "/api/articles/search-article?site=kinhtedothi&page={}&fetch=50&freeWord={}&portal=349"
    found = json.loads(get(site, path.format(1, quote("Bảo vệ môi trường")))[2])["items"]
    assert len(found) == len(D.REPEATS) + len([a for a in D.OUR if "environment" in a["feeds"]])
    assert json.loads(get(site, path.format(1, quote("giao thông")))[2])["items"] == []


def test_the_contest_has_no_tag_page_and_an_empty_tag_page_exists(site):
    assert get(site, "/tag/cuoc-thi-viet-bao-ve-moi-truong")[0] == 404
    status, _, html = get(site, "/tag/bau-cu-2026")
    assert status == 200 and "news__title" not in html


def test_the_current_half_imports_nothing_of_the_crawler():
    for name in ("current_data.py", "render_current.py", "server_current.py", "truth_current.py"):
        tree = ast.parse((SAMPLE / name).read_text(encoding="utf-8"))
        modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.split(".")[0] in ("scraper", "pipelines", "datasette_kinhtedothi")], name
