"""Places in the archive: what a crawl of the sample site stores in article_places, reparse rebuilding it, the
search page's facet and place= filter, a place's page and the map, all counting alike (issue 22)."""

import re
import sqlite3
from urllib.parse import quote

import pytest
import sqlite_utils
from click.testing import CliRunner

from kinhtedothi.sample_site import content as C
from pipelines.article_places import sync_places
from scraper.cli import cli
from tests.support.datasette import add_article, copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

HN_KEY = "thành phố Hà Nội"


@pytest.fixture(scope="module")
def db(crawled, tmp_path_factory):
    return copy_archive(crawled[0], tmp_path_factory.mktemp("places"))


@pytest.fixture(scope="module")
def ds(db):
    return datasette_for(db)


def query(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def page(ds, path, status=200, **kwargs):
    response = get(ds, path, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    return response


def in_place(db, key):
    """The articles in a place, straight from the table: named, or (a district) one of its wards named."""
    return query(db, "select count(distinct article_id) from article_places where place_key = ? or district_key = ?",
                 [key, key])[0][0]


def _text(article):
    return " ".join([article["title"] or "", article["sapo"] or "", *article["paragraphs"],
                     *[i["caption"] or "" for i in article["images"]], *article["tags"]])


def test_each_sample_article_is_stored_with_the_place_its_text_names(db):
    """The sample site's own truth: the place each article is about, wherever its text names it."""
    checked = 0
    for article in C.ARTICLES:
        place = article["place"].replace("TP Hà Nội", HN_KEY)
        if article["site_id"] is None or article["place"] not in _text(article) or \
                not query(db, "select 1 from articles where id = ?", [article["site_id"]]):
            continue
        keys = [r[0] for r in query(db, "select place_key from article_places where article_id = ?",
                                    [article["site_id"]])]
        assert place in keys, (article["site_id"], article["place"], keys)
        checked += 1
    assert checked >= 25


def test_every_stored_place_is_named_by_the_words_of_its_article(db):
    rows = query(db, "select p.words, p.field, a.title, a.sapo, a.body_text, "
                     "(select group_concat(caption, ' ') from images where article_id = a.id), "
                     "(select group_concat(tag, ' ') from article_tags where article_id = a.id) "
                     "from article_places p join articles a on a.id = p.article_id")
    assert rows
    for words, _field, *texts in rows:
        assert words in " ".join(t or "" for t in texts)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def place_facet(ds, path="/-/search.json") -> list[dict]:
    return page(ds, path).json()["facets"]["place"]


def test_the_facet_the_place_page_the_map_the_filter_and_the_list_agree_on_every_count(ds, db):
    facet = place_facet(ds)
    mapped = {p["key"]: p for p in page(ds, "/-/map.json").json()["places"]}
    assert facet and mapped
    assert {p["value"] for p in facet if p["level"] in ("district", "ward")} <= set(mapped)
    assert all(p["count"] == in_place(db, key) for key, p in mapped.items())
    for place in facet:
        key, count = place["value"], place["count"]
        assert count == in_place(db, key), key
        if key in mapped:
            assert mapped[key]["count"] == count, key
        html = page(ds, "/-/place/" + quote(key)).text
        assert f'data-count="{count}"' in html, key
        assert page(ds, "/-/search.json?place=" + quote(key)).json()["count"] == count, key
    key = "quận Hoàn Kiếm"
    csv_rows = page(ds, "/-/export.csv?place=" + quote(key)).text.strip().splitlines()
    assert len(csv_rows) - 1 == in_place(db, key)   # the export takes the filter too (one article a line here)
    listed = page(ds, "/archive/articles.json", params={"_place": key, "_shape": "array", "_size": "max"}).json()
    assert len(listed) == in_place(db, key)   # the articles list: the district takes in its wards there too
    counted = {r["value"]: r["count"] for r in page(ds, "/archive/articles.json", params={
        "_facet_through": "place", "_size": "0"}).json()["facet_results"]["place"]["results"]}
    assert counted and all(n == in_place(db, k) for k, n in counted.items())


def test_the_facet_puts_each_district_first_with_its_wards_inside(ds, db):
    html = page(ds, "/-/search").text
    block = html[html.index('id="kt-facet-place"'):]
    block = block[:block.index("</aside>")]
    district = block.index('data-value="quận Hoàn Kiếm"')
    inner = block.index('<ul class="kt-facet-inner">', district)
    ward = block.index('data-value="phường Phúc Tân, quận Hoàn Kiếm"')
    assert district < inner < ward < block.index("</ul>", inner) < block.index("</li>", block.index("</ul>", inner))
    assert ">phường Phúc Tân</a>" in block   # named inside its district without the district
    assert "Địa danh" in block and "Xem trên bản đồ" in block
    provinces = block.index("Tỉnh, thành phố")
    assert district < provinces < block.index('data-value="thành phố Hà Nội"')   # the provinces, apart
    facet = place_facet(ds)
    ward_row = next(p for p in facet if p["value"] == "phường Phúc Tân, quận Hoàn Kiếm")
    assert ward_row["within"] == "quận Hoàn Kiếm" and ward_row["level"] == "ward"
    assert [p["value"] for p in facet].index("quận Hoàn Kiếm") < facet.index(ward_row)


def test_a_search_narrows_the_places_and_a_place_narrows_the_search(ds, db):
    everything = {p["value"]: p["count"] for p in place_facet(ds)}
    searched = page(ds, "/-/search.json?q=" + quote("Hoàn Kiếm")).json()
    narrowed = {p["value"]: p["count"] for p in searched["facets"]["place"]}
    assert narrowed and all(narrowed[k] <= everything.get(k, in_place(db, k)) for k in narrowed)
    assert page(ds, "/-/map.json?q=" + quote("Hoàn Kiếm")).json()["count"] == searched["count"]
    both = page(ds, "/-/search.json?place=" + quote("quận Hoàn Kiếm") + "&place=" + quote(HN_KEY)).json()
    ids = {r[0] for r in query(db, "select article_id from article_places where place_key = 'quận Hoàn Kiếm' "
                                   "or district_key = 'quận Hoàn Kiếm' intersect select article_id from article_places "
                                   "where place_key = ?", [HN_KEY])}
    assert both["count"] == len(ids)
    chips = page(ds, "/-/search?place=" + quote("quận Hoàn Kiếm")).text
    assert "Địa danh: quận Hoàn Kiếm" in text_of(chips)
    english = page(ds, "/-/search?lang=en&place=" + quote("quận Hoàn Kiếm")).text
    assert "Places: quận Hoàn Kiếm" in text_of(english) and "See them on the map" in english


def test_a_place_page_lists_its_articles_by_event_and_month_in_either_language(ds, db):
    html = page(ds, "/-/place/" + quote("quận Hoàn Kiếm")).text
    assert "Bài nói đến quận Hoàn Kiếm" in html and "phường Phúc Tân" in html   # its wards, listed
    ids = {r[0] for r in query(db, "select distinct article_id from article_places where place_key = ? or "
                                   "district_key = ?", ["quận Hoàn Kiếm"] * 2)}
    assert {int(i) for i in re.findall(r'<li data-id="(\d+)"', html)} == ids
    assert "kt-person-month" in html
    english = page(ds, "/-/place/" + quote("quận Hoàn Kiếm") + "?lang=en").text
    assert "Articles naming quận Hoàn Kiếm" in english and "Wards" in english


def test_a_place_is_found_by_its_name_with_or_without_diacritics_and_an_unknown_one_is_a_404(ds):
    assert 'data-count="' in page(ds, "/-/place/" + quote("Hoàn Kiếm")).text
    assert "Bài nói đến quận Hoàn Kiếm" in page(ds, "/-/place/hoan%20kiem").text
    assert "Bài nói đến phường Phúc Tân, quận Hoàn Kiếm" in page(ds, "/-/place/" + quote("Phúc Tân")).text
    assert "Không có bài nào nói đến" in page(ds, "/-/place/Atlantis", status=404).text


def test_a_name_several_places_have_offers_the_choice(db, tmp_path):
    copy = copy_archive(db, tmp_path)
    for article_id, body in ((990001, "Tại phường Minh Khai, quận Hai Bà Trưng, người dân xếp hàng."),
                             (990002, "Tại phường Minh Khai, quận Bắc Từ Liêm, người dân xếp hàng.")):
        add_article(copy, article_id, title="Minh Khai", body_text=body)
        with sqlite3.connect(copy) as conn:
            sync_places(sqlite_utils.Database(conn), article_id, {"title": "Minh Khai", "body_text": body,
                                                                  "images": [], "tags": []})
    html = text_of(page(datasette_for(copy), "/-/place/" + quote("Minh Khai")).text)
    assert "Nhiều nơi có tên “Minh Khai”" in html
    assert "Phường Minh Khai, quận Hai Bà Trưng" in html and "Phường Minh Khai, quận Bắc Từ Liêm" in html


def test_the_map_page_draws_from_its_own_data_under_the_strict_policy_and_says_what_it_counts(ds):
    response = page(ds, "/-/map")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    data = re.search(r'<script type="application/json" id="kt-places-data">(.*?)</script>', html, re.S).group(1)
    assert '"places"' in data and "tile.openstreetmap.org" in data
    assert "/-/leaflet/leaflet-v1.7.1.min.js" in html
    assert page(ds, "/-/leaflet/leaflet-v1.7.1.min.js").headers["content-type"].startswith("text/javascript")
    for bad in ("/-/leaflet/..%2F..%2F__init__.py", "/-/leaflet/__init__.py", "/-/leaflet/images/../x.js"):
        assert get(ds, bad).status_code in (302, 404), bad
    assert "Bản đồ địa danh" in html and "Map of places" in page(ds, "/-/map?lang=en").text
    assert page(ds, "/-/map.json?from=nonsense", status=400).json()["ok"] is False


def test_datasette_leaflets_own_script_is_not_on_every_page(ds):
    assert "datasette.leaflet" not in page(ds, "/").text


def test_reparse_rebuilds_the_places_of_an_archive_made_before_them(db, tmp_path):
    old = copy_archive(db, tmp_path)
    before = query(old, "select * from article_places order by article_id, place_key")
    with sqlite3.connect(old) as conn:
        conn.execute("drop table article_places")
    served = datasette_for(old)
    for path in ("/-/map", "/-/place/" + quote("Tây Hồ")):
        assert "kinhtedothi reparse" in page(served, path, status=404).text
    assert 'id="kt-facet-place"' not in page(served, "/-/search").text
    assert "place" not in page(served, "/-/search.json").json()["facets"] or \
        not page(served, "/-/search.json").json()["facets"]["place"]
    # a place= link made on a newer archive finds nothing here, rather than everything or an error
    assert page(served, "/-/search.json?place=" + quote("quận Hoàn Kiếm")).json()["count"] == 0
    assert page(served, "/-/export.csv?place=" + quote("quận Hoàn Kiếm")).text.strip().count("\n") == 0
    assert page(served, "/archive/articles.json", params={"_place": "quận Hoàn Kiếm", "_shape": "array"}).json() == []
    result = CliRunner().invoke(cli, ["reparse", "--db", str(old), "--quiet"])
    assert result.exit_code == 0, result.output
    assert query(old, "select * from article_places order by article_id, place_key") == before
