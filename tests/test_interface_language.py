"""One language at a time: every page a journalist reaches, in Vietnamese and in English, is in that
language outside the data; the choice stays (the address, then a cookie, then the browser); the two
catalogs hold the same strings."""

from __future__ import annotations

import re
import string
from urllib.parse import quote

import pytest
from lxml import html as lxml_html

from datasette_kinhtedothi.archive.i18n import catalog
from scraper.publish import METADATA
from tests.support.datasette import copy_archive, datasette_for, get
from tests.support.edits import CO_WRITTEN, EDITED_ID

pytestmark = pytest.mark.slow  # the edited archive comes from a second crawl, a separate process

# Letters only Vietnamese writes (the vowels with their marks, and đ), upper and lower case.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
WORD = re.compile(r"[^\W\d_]+")
# Text that is data or code, never translated: what the archive holds, addresses, SQL, column names.
SKIPPED_TAGS = {"script", "style", "textarea", "pre", "code", "svg"}
# Words both catalogs share though they are English: names of formats, tools and Datasette itself.
NAMES = {"csv", "json", "atom", "sql", "sqlite", "wayback", "machine", "datasette", "excel", "common", "crawl",
         "warc", "google", "view", "tag", "tags", "url", "utc", "id", "html", "bom", "or", "not", "and", "glob",
         "like", "null", "reparse", "kinhtedothi", "sapo", "legacy", "current", "live", "metadata", "fallback",
         "bar", "search", "online"}


def words(texts) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(text)}


def english_words() -> set[str]:
    """Words of the English catalog that the Vietnamese one never uses (so are not names or examples)."""
    english = {w for w in words(catalog("en").values()) if w.isascii() and len(w) > 2}
    return english - words(catalog("vi").values()) - NAMES


def vietnamese_words_in_english() -> set[str]:
    """Vietnamese words the English texts themselves use (the catalog, and metadata.yml's table descriptions):
    the paper's name, examples of searches."""
    english = [*catalog("en").values(), METADATA.read_text(encoding="utf-8")]
    return {w for w in words(english) if VIETNAMESE.search(w)}


def interface_text(document, lang: str):
    """(text, where) for every piece of the page's own words in ``lang``: text nodes and labels outside the data
    (``translate="no"``, an element in another language, code)."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        chain = [element, *element.iterancestors()]
        if any(e.tag in SKIPPED_TAGS or e.get("translate") == "no" for e in chain):
            continue
        own = next((e.get("lang") for e in chain if e.get("lang")), lang)
        if own != lang:
            continue
        texts = [element.text or ""]
        texts += [element.get(name) or "" for name in ("title", "aria-label", "alt")]
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value") or "")
        for text in texts:
            if text.strip():
                yield text.strip(), element.tag
        parent = element.getparent()
        if element.tail and element.tail.strip() and parent is not None:
            parent_chain = [parent, *parent.iterancestors()]
            if not any(e.tag in SKIPPED_TAGS or e.get("translate") == "no" for e in parent_chain):
                if next((e.get("lang") for e in parent_chain if e.get("lang")), lang) == lang:
                    yield element.tail.strip(), parent.tag


def data_words(document) -> set[str]:
    """Words the page shows as data (``translate="no"``): a <title> can only repeat them without marking them."""
    return words(e.text_content() for e in document.xpath("//*[@translate='no']"))


def other_language_in(page: str, lang: str) -> list[str]:
    document = lxml_html.fromstring(page)
    found = []
    if lang == "en":
        allowed = vietnamese_words_in_english()
        shown = data_words(document)
        for text, where in interface_text(document, "en"):
            stray = [w for w in WORD.findall(text) if VIETNAMESE.search(w) and w.lower() not in allowed
                     and not (where == "title" and w.lower() in shown)]
            if stray:
                found.append(f"<{where}> {text[:120]!r}: {stray}")
    else:
        english = english_words()
        for text, where in interface_text(document, "vi"):
            stray = [w for w in WORD.findall(text) if w.lower() in english]
            if stray:
                found.append(f"<{where}> {text[:120]!r}: {stray}")
    return found


@pytest.fixture(scope="module")
def db(edited, tmp_path_factory):
    return copy_archive(edited, tmp_path_factory.mktemp("interface-language"))


@pytest.fixture(scope="module")
def ds(db):
    return datasette_for(db)


def pages() -> dict[str, tuple[str, int]]:
    """Every kind of page a journalist reaches: (address, status)."""
    person = quote(CO_WRITTEN.split(" - ")[0])
    return {
        "home": ("/", 200),
        "search": ("/-/search?q=bau+cu", 200),
        "search, filtered": ("/-/search?q=covid&event=dai-dich-covid-19&sort=newest", 200),
        "search, a wrong date": ("/-/search?q=bau+cu&from=31/02/2021", 400),
        "search, past the last page": ("/-/search?q=bau+cu&page=99999", 200),
        "article": (f"/archive/articles/{EDITED_ID}", 200),
        "person": (f"/-/person/{person}", 200),
        "versions": (f"/-/versions/{EDITED_ID}", 200),
        "diff": (f"/-/diff/{EDITED_ID}", 200),
        "edits": ("/-/edits", 200),
        "chart": ("/-/chart?q=covid", 200),
        "place": ("/-/place/" + quote("quận Hoàn Kiếm"), 200),
        "place, a name no article has": ("/-/place/Atlantis", 404),
        "search, narrowed to a place": ("/-/search?place=" + quote("quận Hoàn Kiếm"), 200),
        "map": ("/-/map?q=covid", 200),
        "coverage": ("/-/coverage", 200),
        "coverage of one event": ("/-/coverage?event=dai-dich-covid-19", 200),
        "articles table": ("/archive/articles?_facet=section", 200),
        "events table": ("/archive/events", 200),
        "versions table": ("/archive/article_versions", 200),
        "SQL page": ("/archive", 200),
        "SQL query": ("/archive?sql=select+id,+title+from+articles+limit+3", 200),
        "ready-made question": ("/archive/top_authors?event=", 200),
        "no such row": ("/archive/articles/1", 404),
        "no such table": ("/archive/nothing_here", 404),
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(pages()))
def test_every_page_speaks_one_language_outside_the_data(ds, name, lang):
    path, status = pages()[name]
    response = get(ds, path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert response.status_code == status, (name, response.text[:500])
    page = response.text
    assert re.search(rf'<html lang="{lang}">', page), name
    assert 'class="kt-lang-switch"' in page, name
    assert "<main" in page, name
    stray = other_language_in(page, lang)
    assert not stray, f"{name} in {lang}: " + "\n".join(stray)


def test_every_link_of_ours_keeps_the_language_the_address_chose(ds):
    for name, (path, _status) in pages().items():
        page = get(ds, path + ("&" if "?" in path else "?") + "lang=en").text
        # every link of ours but Datasette's own in table cells (the cookie keeps the choice there)
        links = lxml_html.fromstring(page).xpath("//a[not(ancestor::td)]/@href")
        ours = [link for link in links if link.startswith("/") and not link.startswith("/-/static")
                and not re.search(r"\.(json|csv|atom|db)\b", link)]
        lost = [link for link in ours if not re.search(r"[?&]_?lang=", link)]
        forms = lxml_html.fromstring(page).xpath("//form[@method='get' or not(@method)]")
        lost += [f"form {f.get('action')}" for f in forms
                 if f.get("action", "").startswith("/") and not f.xpath(".//input[@name='lang' or @name='_lang']")
                 and not re.search(r"[?&]_?lang=", f.get("action", ""))]
        assert not lost, f"{name}: {lost[:10]}"


def test_the_choice_is_remembered_then_the_browser_asked(ds):
    chosen = get(ds, "/?lang=en")
    assert "kt_lang=en" in chosen.headers.get("set-cookie", "")
    assert '<html lang="en">' in get(ds, "/-/edits", cookies={"kt_lang": "en"}).text
    assert '<html lang="vi">' in get(ds, "/-/edits?lang=vi", cookies={"kt_lang": "en"}).text
    browser = {"accept-language": "en-GB,en;q=0.9,vi;q=0.5"}
    assert '<html lang="en">' in get(ds, "/-/edits", headers=browser).text
    assert '<html lang="vi">' in get(ds, "/-/edits", headers=browser, cookies={"kt_lang": "vi"}).text
    assert '<html lang="vi">' in get(ds, "/-/edits").text


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_hold_the_same_strings_with_the_same_fields():
    vi, en = catalog("vi"), catalog("en")
    # table and column descriptions: Vietnamese in the catalog, English in metadata.yml (Datasette serves it)
    shared = {k for k in vi if not k.startswith("column.") and not (k.startswith("table.")
                                                                   and k.endswith(".description"))}
    assert shared - set(en) == set()
    assert {k for k in en} - set(vi) == set()
    assert [k for k in en if fields(en[k]) != fields(vi[k])] == []
