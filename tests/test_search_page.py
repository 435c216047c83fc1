"""The one search page (/-/search) on the sample site's archive, through datasette.client: ranking,
date range, errors, facets, sorts, links that keep the whole state, languages; the articles list's
date range and sorts; the chart's labels; the search index's new columns."""

import csv
import io
import re
import sqlite3
import urllib.parse
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
import sqlite_utils

from pipelines.schema import FTS_COLUMNS, ensure_schema
from kinhtedothi.vocab.text import fold
from datasette_kinhtedothi.archive.chart_labels import MONTH_LABEL_GAP, YEAR_LABEL_GAP, tick_labels
from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS
from tests.support.datasette import add_article, copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def db(crawled, tmp_path_factory):
    return copy_archive(crawled[0], tmp_path_factory.mktemp("search-page"))


@pytest.fixture(scope="module")
def ds(db):
    return datasette_for(db)


def search(ds, **params) -> dict:
    response = get(ds, "/-/search.json", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def every_id(ds, **params) -> list[int]:
    ids, page = [], 1
    while True:
        found = search(ds, page=page, **params)
        ids += [r["id"] for r in found["rows"]]
        if page >= found["pages"]:
            return ids
        page += 1


def folded_text(db, article_id: int) -> dict:
    with sqlite3.connect(db) as conn:
        title, sapo, body = conn.execute("select title, sapo, body_text from articles where id = ?",
                                         [article_id]).fetchone()
    return {"title": fold(title), "sapo": fold(sapo), "body": fold(body)}


def has_phrase(text: str, phrase: str) -> bool:
    return bool(re.search(r"\b" + r"\W+".join(phrase.split()) + r"\b", text or ""))


# -- ranking ----------------------------------------------------------------------------------------
def test_a_name_search_puts_the_phrase_first_headline_then_lead_then_body(ds, db):
    ids = every_id(ds, q="dong da")
    assert every_id(ds, q="Đống Đa") == ids and len(ids) > 10
    tiers = []
    for article_id in ids:
        text = folded_text(db, article_id)
        tiers.append(1 if has_phrase(text["title"], "dong da") else 2 if has_phrase(text["sapo"], "dong da")
                     else 3 if has_phrase(text["body"], "dong da") else 4)
    assert tiers == sorted(tiers), tiers
    assert tiers[0] == 1 and 4 in tiers  # the headline with Đống Đa first; words apart come last
    first = search(ds, q="dong da")["rows"][0]
    assert "Đống Đa" in first["title"]


def test_the_page_shows_highlights_the_total_and_facets(ds):
    html = get(ds, "/-/search", params={"q": "dong da"}).text
    assert "<mark>Đống Đa</mark>" in html
    count = search(ds, q="dong da")["count"]
    assert f'<strong class="kt-count">{count} bài</strong>' in html
    for facet in ("event", "year", "month", "section", "person", "tag"):
        assert f'id="kt-facet-{facet}"' in html, facet


def test_people_tags_and_captions_are_searched_and_field_prefixes_narrow(ds, db):
    with sqlite3.connect(db) as conn:
        tagged = {r[0] for r in conn.execute("select article_id from article_tags where tag = 'vắc xin'")}
        by_hong_thai = {r[0] for r in conn.execute("select id from articles where author like '%Hồng Thái%'")}
        captioned = {r[0] for r in conn.execute("select article_id from images where caption like '%Ban Chấp hành%'")}
    assert tagged and by_hong_thai and captioned
    assert set(every_id(ds, q="tag:vắc xin")) == tagged
    assert tagged <= set(every_id(ds, q="vắc xin"))
    assert set(every_id(ds, q='author:"hong thai"')) == by_hong_thai
    assert by_hong_thai <= set(every_id(ds, q='"hong thai"'))
    assert captioned <= set(every_id(ds, q="ban chap hanh"))
    in_title = {i for i in every_id(ds, q="dong da") if {"dong", "da"} <= set(folded_text(db, i)["title"].split())}
    assert set(every_id(ds, q="title:dong da")) == in_title  # the prefix holds up to the next one
    assert set(every_id(ds, q="covid title:dong da")) == in_title & set(every_id(ds, q="covid"))


def test_exact_spelling_is_a_switch_on_the_same_page(ds, db):
    folded = set(every_id(ds, q="ban"))
    exact = every_id(ds, q="bản", exact="1")
    assert exact and set(exact) < folded
    with sqlite3.connect(db) as conn:
        for article_id in exact:
            text = " ".join(t or "" for t in conn.execute("select title, sapo, body_text from articles where id = ?",
                                                          [article_id]).fetchone())
            assert re.search(r"(?<!\w)bản(?!\w)", text, re.I), article_id
    assert "<mark>bản</mark>" in get(ds, "/-/search", params={"q": "bản", "exact": "1"}).text


# -- date range -------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, end", [("2021-05-23", "2021-05-23"), ("23/5/2021", "23/5/2021"),
                                        ("2021-05-20", "23/05/2021")])
def test_the_date_range_includes_the_whole_last_day(ds, start, end):
    ids = every_id(ds, **{"from": start, "to": end})
    assert 418760 in ids  # published 2021-05-23 07:50, Hanoi time
    listed = get(ds, "/archive/articles.json", params={"from": start, "to": end, "_shape": "array", "_col": "id"})
    assert listed.status_code == 200 and 418760 in [r["id"] for r in listed.json()]
    for row in search(ds, **{"from": start, "to": end})["rows"]:
        assert row["published_at"][:10] <= "2021-05-23"


def test_a_date_range_combines_with_a_search_and_an_event(ds, db):
    found = every_id(ds, q="bau cu", event="bau-cu-quoc-hoi-khoa-xv", **{"from": "1/5/2021", "to": "2021-05-23"})
    with sqlite3.connect(db) as conn:
        expected = {r[0] for r in conn.execute(
            "select a.id from articles a join article_events ae on ae.article_id = a.id "
            "where ae.event_slug = 'bau-cu-quoc-hoi-khoa-xv' and a.published_at >= '2021-05-01' "
            "and a.published_at < '2021-05-24' and a.id in (select rowid from articles_fts "
            "where articles_fts match '\"bau\" AND \"cu\"')")}
    assert expected and set(found) == expected


@pytest.mark.parametrize("path", ["/-/search", "/-/search.json", "/archive/articles", "/archive/articles.json",
                                  "/-/chart", "/archive/event_between_dates"])
@pytest.mark.parametrize("bad", ["2021-02-30", "32/5/2021", "hôm qua"])
def test_an_invalid_date_is_an_error_the_page_shows(ds, path, bad):
    response = get(ds, path, params={"from": bad, "event": "covid"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in (response.json()["error"] if path.endswith(".json") else response.text)
    if path == "/-/search":
        assert "kt-error" in response.text


def test_the_first_day_after_the_last_is_an_error(ds):
    response = get(ds, "/-/search", params={"from": "2021-05-24", "to": "2021-05-23", "lang": "en"})
    assert response.status_code == 400 and "is after the last day" in response.text


@pytest.mark.parametrize("path", ["/-/search", "/-/search.json", "/-/search.atom", "/-/chart", "/-/export.csv"])
@pytest.mark.parametrize("name", ["person", "tag", "event", "section"])
def test_a_filter_value_longer_than_any_name_is_refused_before_any_query(ds, path, name):
    response = get(ds, path, params={name: "x" * 3000, "lang": "en"})
    assert response.status_code == 400
    assert f"The {name} filter is too long" in response.text
    assert get(ds, path, params={name: "x" * 200, "lang": "en"}).status_code == 200


@pytest.mark.parametrize("path", ["/-/search", "/-/search.json", "/-/search.atom", "/-/chart", "/-/export.csv"])
def test_more_values_of_one_filter_than_a_search_takes_are_refused_not_dropped(ds, path):
    too_many = get(ds, path, params=[("tag", f"tag {i}") for i in range(11)] + [("lang", "en")])
    assert too_many.status_code == 400 and "Too many tag filters: 11 (at most 10)" in too_many.text
    ten_twice = [("tag", f"tag {i % 10}") for i in range(20)] + [("lang", "en")]  # the same value twice is one
    assert get(ds, path, params=ten_twice).status_code == 200


# -- facets and sorts --------------------------------------------------------------------------------
def test_facet_counts_are_the_matching_articles_per_value(ds, db):
    found = search(ds, q="covid", **{"from": "2021-01-01"})
    with sqlite3.connect(db) as conn:
        hits = "(select a.id from articles a where a.published_at >= '2021-01-01' and a.id in " \
               "(select rowid from articles_fts where articles_fts match '\"covid\"'))"
        events = dict(conn.execute(f"select event_slug, count(*) from article_events where article_id in {hits} "
                                   "group by event_slug").fetchall())
        months = dict(conn.execute(f"select substr(published_at, 1, 7), count(*) from articles where id in {hits} "
                                   "group by 1").fetchall())
        tags = dict(conn.execute(f"select tag, count(*) from article_tags where article_id in {hits} "
                                 "group by tag").fetchall())
    assert {v["value"]: v["count"] for v in found["facets"]["event"]} == events
    assert {v["value"]: v["count"] for v in found["facets"]["month"]} == months
    assert sum(v["count"] for v in found["facets"]["year"]) == found["count"]
    for value in found["facets"]["tag"]:
        assert tags[value["value"]] == value["count"]
    chosen = found["facets"]["event"][0]
    narrowed = search(ds, q="covid", event=chosen["value"], **{"from": "2021-01-01"})
    assert narrowed["count"] == chosen["count"]


def test_sort_by_relevance_or_by_date_either_way(ds):
    assert search(ds, q="ha noi")["sort"] == "relevance" and search(ds)["sort"] == "newest"
    newest = [r["published_at"] for r in search(ds, q="ha noi", sort="newest")["rows"]]
    oldest = [r["published_at"] for r in search(ds, q="ha noi", sort="oldest")["rows"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert newest[0] > oldest[0]
    assert set(every_id(ds, q="ha noi", sort="newest")) == set(every_id(ds, q="ha noi"))


def test_no_sort_on_the_articles_list_is_a_500(ds, db):
    with sqlite3.connect(db) as conn:
        columns = [r[1] for r in conn.execute("pragma table_info(articles)")]
    for column in columns + ["rank", "nope"]:
        for key in ("_sort", "_sort_desc"):
            for extra in ({}, {"_search": "vac xin"}):
                for path in ("/archive/articles", "/archive/articles.json"):
                    response = get(ds, path, params={key: column, **extra})
                    assert response.status_code in (200, 302, 400), (path, key, column, extra)
    ranked = get(ds, "/archive/articles.json", params={"_search": "vac xin", "_sort": "rank",
                                                       "_event": "dai-dich-covid-19"})
    assert ranked.status_code == 302
    assert ranked.headers["location"] == "/-/search.json?q=vac+xin&event=dai-dich-covid-19&sort=relevance"
    assert "có cột này" in get(ds, "/archive/articles", params={"_sort": "nope"}).text


# -- links keep the whole state ----------------------------------------------------------------------
class Links(HTMLParser):
    """Every <a href> with its class and whether it sits in a chosen facet value."""

    def __init__(self):
        super().__init__()
        self.links, self.selected = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li":
            self.selected = "kt-selected" in (attrs.get("class") or "")
        if tag == "a" and attrs.get("href"):
            self.links.append({"href": attrs["href"], "class": attrs.get("class") or "", "selected": self.selected})


STATE = [("q", "ha noi"), ("from", "1/1/2020"), ("to", "2021-12-31"), ("event", "dai-dich-covid-19"),
         ("section", "Y tế"), ("tag", "Hà Nội")]


def test_every_link_of_a_filtered_search_page_keeps_every_parameter(ds):
    response = get(ds, "/-/search?" + urllib.parse.urlencode(STATE))
    assert response.status_code == 200
    parser = Links()
    parser.feed(response.text)
    ours = [link for link in parser.links if link["href"].startswith("/-/")]
    kinds = {urllib.parse.urlsplit(link["href"]).path for link in ours}
    assert {"/-/search", "/-/search.json", "/-/search.atom", "/-/export.csv", "/-/chart"} <= kinds
    checked = 0
    for link in ours:
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(link["href"]).query)
        missing = [p for p in STATE if p not in pairs]
        if link["class"] == "cross" or link["selected"]:   # "remove this filter": drops exactly that one
            assert len(missing) == 1, link
        elif link["class"] == "kt-spelling":   # a spelling with diacritics the archive holds: another search
            assert missing == [("q", "ha noi")] and ("exact", "1") in pairs, link
        elif "Bỏ mọi bộ lọc" in response.text and link["href"].count("=") <= 2 and ("q", "ha noi") in pairs:
            continue  # "clear all filters" keeps only the search
        else:
            assert not missing, (link, missing)
            checked += 1
    assert checked >= 15
    # page 2 keeps it too, and the JSON and feed hold what the page shows
    found = search(ds, **dict(STATE))
    assert found["count"] > 0
    feed = ElementTree.fromstring(get(ds, "/-/search.atom?" + urllib.parse.urlencode(STATE)).content)
    entries = {int(e.find("a:link[@rel='alternate']", ATOM).get("href").rsplit("/", 1)[1])
               for e in feed.findall("a:entry", ATOM)}
    assert entries == set(every_id(ds, **dict(STATE)))


def test_page_two_keeps_the_state(ds):
    html = get(ds, "/-/search", params={"q": "ha noi"}).text
    parser = Links()
    parser.feed(html)
    following = [link["href"] for link in parser.links if link["class"] == "kt-next"]
    assert following and "page=2" in following[0] and "q=ha+noi" in following[0]
    second = get(ds, following[0].replace("&amp;", "&"))
    assert second.status_code == 200 and "kt-previous" in second.text


def test_the_list_links_to_the_search_page_feed_and_chart_with_its_filters(ds):
    html = get(ds, "/archive/articles", params={"_search": '"Đống Đa"', "_event": "bau-cu-quoc-hoi-khoa-xv",
                                                "published_at__startswith": "2021-05"}).text
    assert '""Đống Đa""' not in html and "&#34;&#34;Đống Đa&#34;&#34;" not in html
    for path in ("/-/search?", "/-/search.atom?", "/-/chart?"):
        start = html.index(path)
        href = html[start:html.index('"', start)].replace("&amp;", "&")
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query)
        assert {("q", '"Đống Đa"'), ("event", "bau-cu-quoc-hoi-khoa-xv"), ("month", "2021-05")} <= set(pairs), href


def test_chart_points_and_legend_link_to_the_search_with_its_filters(ds):
    html = get(ds, "/-/chart", params={"q": "vac xin", "from": "2020-01-01"}).text
    parser = Links()
    parser.feed(html)
    searches = [link["href"] for link in parser.links if link["href"].startswith("/-/search")]
    assert len(searches) > 5
    for href in searches:
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query)
        assert ("q", "vac xin") in pairs and ("from", "2020-01-01") in pairs and any(k == "event" for k, _ in pairs)


def test_the_chart_table_lists_every_month_it_plots(ds):
    html = get(ds, "/-/chart", params={"q": "vac xin"}).text
    months = re.findall(r'<tr data-month="(\d{4}-\d{2})">', html)
    assert months[0] < months[-1]
    year, month = map(int, months[0].split("-"))
    expected = []
    while f"{year:04d}-{month:02d}" <= months[-1]:
        expected.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert months == expected and ">0</td>" in html  # months without an article are rows too


@pytest.mark.parametrize("span", [1, 2, 7, 12, 20, 40, 75, 120, 300, 1200])
def test_chart_labels_never_overlap_at_any_span(span):
    months = [f"{2000 + i // 12:04d}-{i % 12 + 1:02d}" for i in range(span)]
    labels = tick_labels(months, 880)
    assert labels
    spacing = 880 / max(1, span - 1)
    for (a, text), (b, _) in zip(labels, labels[1:]):
        assert (b - a) * spacing >= (MONTH_LABEL_GAP if "/" in text else YEAR_LABEL_GAP)


# -- languages ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, vietnamese, english", [
    ("/", "Tìm trong", "Search 49 articles"),
    ("/-/search?q=dong+da", "Sắp xếp", "Sort"),
    ("/-/chart", "Số bài mỗi tháng", "Articles per month"),
    ("/archive/articles/405813", "Trích dẫn bài này", "Cite this article"),
    ("/archive/top_authors", "Tác giả viết nhiều nhất", "Most prolific authors"),
    ("/archive/articles", "Xem trên trang tìm kiếm", "Open on the search page"),
])
def test_vietnamese_by_default_english_on_request(ds, path, vietnamese, english):
    default = get(ds, path).text
    assert vietnamese in default and english not in default
    joined = "&" if "?" in path else "?"
    assert english in get(ds, path + joined + "lang=en").text
    assert english in get(ds, path, headers={"accept-language": "en-GB,en;q=0.9"}).text


def test_ranked_and_exact_searches_show_no_sql_as_title(ds):
    for path in ("/archive/search?q=dong+da", "/archive/exact_search?exact=b%C3%A1n"):
        response = get(ds, path)
        assert response.status_code == 302
        html = get(ds, response.headers["location"]).text
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "select" not in title.lower() and "Custom SQL query" not in html


# -- the search index ---------------------------------------------------------------------------------
def test_an_older_archive_gets_the_new_search_columns(db, tmp_path):
    old = copy_archive(db, tmp_path)
    with sqlite3.connect(old) as conn:
        conn.execute("drop table articles_fts")
        conn.execute("create virtual table articles_fts using fts5(title, sapo, body_text, "
                     "tokenize = 'unicode61 remove_diacritics 2')")
        conn.execute("insert into articles_fts (rowid, title) select id, 'x' from articles")
        count = conn.execute("select count(*) from articles").fetchone()[0]
    archive = sqlite_utils.Database(old)
    ensure_schema(archive)
    assert tuple(archive["articles_fts"].columns_dict) == FTS_COLUMNS
    assert not archive.conn.in_transaction
    with sqlite3.connect(old) as conn:
        assert conn.execute("select count(*) from articles_fts").fetchone()[0] == count
        tagged = conn.execute("select count(*) from articles_fts where articles_fts match 'tags: \"vac xin\"'")
        assert tagged.fetchone()[0] == 10


def test_exact_spelling_without_the_diacritics_keeping_index_finds_the_same(ds, db, tmp_path):
    bare = copy_archive(db, tmp_path)
    with sqlite3.connect(bare) as conn:
        for trigger in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER articles_fts_exact_{trigger}")
        conn.execute("DROP TABLE articles_fts_exact")
    older = datasette_for(bare)
    for word in ("bản", "bàn", "Thanh Xuân"):
        assert sorted(every_id(older, q=word, exact="1")) == sorted(every_id(ds, q=word, exact="1")), word
    assert sorted(every_id(older, q="bản", exact="1", event="dai-dich-covid-19")) == \
        sorted(every_id(ds, q="bản", exact="1", event="dai-dich-covid-19"))


def test_an_article_written_while_served_is_found_by_the_next_search(db, tmp_path):
    copy = copy_archive(db, tmp_path)
    served = datasette_for(copy)
    for _ in range(4):  # every connection of the pool has searched (and left no transaction open)
        assert search(served, q="quyettam")["count"] == 0
        get(served, "/-/chart", params={"q": "quyettam"})
    add_article(copy, 990777, title="Quyết tâm mới", body_text="Bài viết thêm khi kho đang phục vụ: quyettam.")
    assert [r["id"] for r in search(served, q="quyettam")["rows"]] == [990777]
    assert "990777" in get(served, "/archive/articles/990777").text


def test_the_articles_columns_are_described_in_the_readers_language(ds):
    assert '<dt translate="no">title</dt><dd>Tiêu đề</dd>' in get(ds, "/archive/articles").text
    assert '<dt translate="no">title</dt><dd>Headline</dd>' in get(ds, "/archive/articles", params={"lang": "en"}).text
    assert "Tên sự kiện như báo ghi" in get(ds, "/archive/events").text


def test_an_archive_served_before_its_index_is_upgraded_still_searches(db, tmp_path):
    old = copy_archive(db, tmp_path)
    with sqlite3.connect(old) as conn:
        conn.execute("drop table articles_fts")
        conn.execute("create virtual table articles_fts using fts5(title, sapo, body_text, "
                     "tokenize = 'unicode61 remove_diacritics 2')")
        conn.execute("insert into articles_fts (rowid, title, sapo, body_text) "
                     "select id, lower(title), lower(sapo), lower(body_text) from articles")
    served = datasette_for(old)
    for q in ("Đống Đa", "tag:vắc xin", 'author:"hong thai" covid', "title:covid"):
        assert get(served, "/-/search", params={"q": q}).status_code == 200, q
        assert get(served, "/-/chart", params={"q": q}).status_code == 200, q
    assert search(served, q="title:covid")["count"] > 0


@pytest.mark.parametrize("facet", [f.name for f in FACETS])
def test_every_facet_narrows_the_page_its_csv_chart_and_list_alike(ds, facet):
    """One definition per facet (facet_defs.FACETS): its value narrows the search page, the CSV of that page,
    the chart's totals and the articles list to the same articles."""
    unfiltered = search(ds, q="covid")
    value = unfiltered["facets"][facet][0]
    page = search(ds, q="covid", **{facet: value["value"]})
    assert page["count"] == value["count"] > 0
    csv_link = "/-/export.csv?" + urllib.parse.urlencode({"q": "covid", facet: value["value"]})
    rows = list(csv.DictReader(io.StringIO(get(ds, csv_link).text)))
    assert {int(r["archive_id"]) for r in rows} == set(every_id(ds, q="covid", **{facet: value["value"]}))
    definition = BY_NAME[facet]
    list_args = {"_search": "covid", definition.list_param: value["value"]}
    listed = get(ds, "/archive/articles.json", params={**list_args, "_shape": "array", "_size": "max"}).json()
    assert len(listed) == page["count"]
    table = get(ds, "/archive/articles", params=list_args).text
    assert f"{facet}={urllib.parse.quote_plus(value['value'])}" in table   # the list's link to the search page
