"""Selectors are data (scraper/pages/selectors.py): each marked as sure as docs/site.md is of it, each finding
on every saved page what parsel's own css() finds; the shared parser builds the tree parsel builds."""

from pathlib import Path

import pytest
from lxml import etree, html
from parsel import Selector

from scraper.pages import selectors as S
from scraper.pages.base import html_selector
from kinhtedothi.vocab.text import clean

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
SAVED = sorted(PAGES.glob("*.html")) + sorted((PAGES / "listings").glob("*.html"))
SELECTORS = {name: value for name, value in vars(S).items() if isinstance(value, S.Css)}
BLOCKS = {**{f"LISTING_LINK_BLOCKS[{i}]": css for i, css in enumerate(S.LISTING_LINK_BLOCKS)},
          **{f"LISTING_LAYOUTS[{name}]": css for name, css in S.LISTING_LAYOUTS}}


def test_every_selector_is_marked_confirmed_one_source_or_a_guess():
    assert len(SELECTORS) >= 20
    for name, css in {**SELECTORS, **BLOCKS}.items():
        assert css.sure in ("confirmed", "one source", "guess"), name


def test_a_union_is_as_sure_as_the_surest_of_its_parts():
    assert S.LISTING_LINKS.css == ", ".join(block.css for block in S.LISTING_LINK_BLOCKS)
    assert S.any_of(S.Css("a", "guess"), S.Css("b", "one source")).sure == "one source"
    assert S.any_of(S.Css("a", "guess")).sure == "guess"


@pytest.mark.parametrize("path", SAVED, ids=lambda p: p.name)
def test_every_selector_finds_what_parsel_finds_in_document_order(path):
    page = Selector(text=path.read_text(encoding="utf-8"), base_url="https://kinhtedothi.vn/")
    for name, css in {**SELECTORS, **BLOCKS}.items():
        assert css(page.root) == [found.root for found in page.css(css.css)], name


def test_a_selector_written_in_place_is_compiled_once():
    root = html.fromstring("<div><p class='a b'>x</p><p class='b'>y</p></div>")
    assert [e.text for e in S.select(".b", root)] == ["x", "y"]
    assert S.compiled(".b") is S.compiled(".b")


def test_a_bad_selector_fails_where_it_is_written():
    with pytest.raises(Exception, match="Expected"):
        S.Css("h1..title", "guess")


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.name)
def test_the_shared_parser_builds_the_tree_parsel_builds(path):
    text = path.read_text(encoding="utf-8")
    base = "https://kinhtedothi.vn/"
    ours, theirs = html_selector(text, base), Selector(text=text, base_url=base)
    assert etree.tostring(ours.root) == etree.tostring(theirs.root)
    assert ours.css("title::text").getall() == theirs.css("title::text").getall()


def test_texts_parsel_would_not_read_as_html_go_to_parsel():
    xml = '<?xml version="1.0"?><rss><item><title>Tin</title></item></rss>'
    assert html_selector(xml, "https://kinhtedothi.vn/").type == Selector(text=xml).type == "xml"
    assert html_selector("", "https://kinhtedothi.vn/").css("*").getall() == Selector(text="").css("*").getall()


def test_clean_hands_on_plain_strings_never_lxml_s_that_hold_a_tree():
    smart = html.fromstring("<p>Một bài</p>").xpath("string()")
    assert type(smart) is not str
    assert clean(smart) == "Một bài" and type(clean(smart)) is str
