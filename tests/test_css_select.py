"""The parser's shortcuts answer exactly what the slow path would: selectors answered from the class
index against parsel's XPath, the shared parser against parsel's own, clean's memory against a fresh clean."""

import random
from pathlib import Path

import pytest
from lxml import etree, html
from parsel import Selector

from scraper.pages.base import html_selector
from scraper.pages.css import chain_parts, class_index, css_xpath, select
from kinhtedothi.vocab.text import clean, forget_cleaned

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
CLASSES = ["a", "b", "c", "a b", "b  c", "c\ta", " c ", ""]
# Classes with odd spaces: XPath (normalize-space) splits on XML spaces only, str.split() on more.
# Chains match as XPath does; simple selectors (the index's keys) split classes as str.split() does
# and strip ids, so they are checked on ordinary attributes only.
ODD_CLASSES = CLASSES + ["a\u00a0b", "b\x1cc"]
CHAINS = [".a .b", ".a > .b", "div.a p.b", ".a .b > a.c", "div > .a .b", ".a .b .c", "#d .a", ".a > #d",
          ".c .a.b", "p #d", "li.a > a.b"]
SIMPLE = [".a", "div.b", "#d", "li.c"]


def random_tree(rng: random.Random, classes: list[str], ids: list[str]) -> etree._Element:
    def element(depth: int) -> str:
        tag = rng.choice(["div", "p", "a", "span", "ul", "li"])
        pairs = (("class", rng.choice(classes)), ("id", rng.choice(ids)))
        attrs = "".join(f' {k}="{v}"' for k, v in pairs if v)
        kids = "".join(element(depth - 1) for _ in range(rng.randint(0, 3))) if depth else ""
        return f"<{tag}{attrs}>{kids}</{tag}>"
    return html.document_fromstring("<html><body>" + element(4) + element(3) + "</body></html>")


def test_selectors_answered_from_the_class_index_find_what_the_xpath_finds_in_document_order():
    rng = random.Random(11)
    for classes, ids, selectors in ((ODD_CLASSES, ["", "d", " d", "e"], CHAINS), (CLASSES, ["", "d", "e"], SIMPLE)):
        for _ in range(100):
            root = random_tree(rng, classes, ids)
            index = class_index(root)
            for css in selectors:
                assert select(root, index, css) == css_xpath(css)(root), css


def test_only_chains_of_tags_classes_and_ids_ending_in_a_class_or_id_skip_the_xpath():
    assert chain_parts(".breadcump .bread_right a.active") is not None
    assert chain_parts("div.a > p.b") is not None
    for css in ("ul > li a", ".a a", "[itemprop*=articleBody]", "a[href^='/tag/']", "a", ".a:first-child"):
        assert chain_parts(css) is None, css


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


def test_clean_answers_the_same_from_memory_and_keeps_no_lxml_tree():
    texts = ["  Hà\u00a0Nội \u200b ", "a\x07b\x0bc", "", " ", "Tiểu  Thuý", "\ufeffKinh tế"]
    fresh = []
    for text in texts:
        forget_cleaned()
        fresh.append(clean(text))
    assert [clean(t) for t in texts] == fresh == ["Hà Nội", "ab c", None, None, "Tiểu Thuý", "Kinh tế"]
    assert [clean(c) for c in fresh] == fresh  # clean of a clean text is itself
    smart = html.fromstring("<p>Một  bài </p>").xpath("string()")
    assert clean(smart) == "Một bài"
    from kinhtedothi.vocab import text as vocab_text
    assert all(type(key) is str for key in vocab_text._CLEANED)
