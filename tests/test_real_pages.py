"""Ten real 2020 article bodies (tests/pages/real-<id>.html, see tests/pages/REAL.md): one small test per field,
every paragraph and every caption in order."""

import json
from pathlib import Path

import pytest

from scraper.parse import parse_page

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
IDS = sorted(int(p.stem.split("-")[1]) for p in PAGES.glob("real-*.json"))
_cache: dict[int, dict] = {}


def parsed(site_id: int) -> dict:
    if site_id not in _cache:
        _cache[site_id] = parse_page((PAGES / f"real-{site_id}.html").read_bytes())
    return _cache[site_id]


def expected(site_id: int) -> dict:
    return json.loads((PAGES / f"real-{site_id}.json").read_text(encoding="utf-8"))


def test_there_are_ten_real_pages():
    assert len(IDS) == 10


@pytest.mark.parametrize("site_id", IDS)
@pytest.mark.parametrize("field", ["url", "site_id", "title", "sapo", "author", "published_at", "published_raw",
                                   "section", "subsection", "tags", "related_links", "layout"])
def test_field(site_id, field):
    assert parsed(site_id)[field] == expected(site_id)[field]


@pytest.mark.parametrize("site_id", IDS)
def test_every_paragraph_in_order(site_id):
    got = parsed(site_id)["body_text"].split("\n\n")
    want = expected(site_id)["body_text"].split("\n\n")
    for n, (g, w) in enumerate(zip(got, want), 1):
        assert g == w, f"paragraph {n}"
    assert len(got) == len(want)


@pytest.mark.parametrize("site_id", IDS)
def test_every_caption_in_order(site_id):
    assert [i["caption"] for i in parsed(site_id)["images"]] == [i["caption"] for i in expected(site_id)["images"]]


@pytest.mark.parametrize("site_id", IDS)
def test_every_picture_address_in_order(site_id):
    assert [i["src"] for i in parsed(site_id)["images"]] == [i["src"] for i in expected(site_id)["images"]]


@pytest.mark.parametrize("site_id", IDS)
def test_no_caption_leaks_into_the_body(site_id):
    body = parsed(site_id)["body_text"].split("\n\n")
    assert not [i["caption"] for i in expected(site_id)["images"] if i["caption"] in body]
