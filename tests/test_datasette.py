"""The published archive through datasette.client: metadata, facets, canned queries, the article
page, feeds, exports, and the read-only guarantees; then the real `kinhtedothi serve`."""

import csv
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
import yaml

from scraper.publish import METADATA, metadata_for
from tests.support import ROOT, served
from tests.support.datasette import HOSTILE_ID, add_article, add_hostile_article, copy_archive, datasette_for, get, post

pytestmark = pytest.mark.fast

METADATA_DB = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["archive"]
INTERNAL = re.compile(r"^sqlite_|_fts(_exact)?_(data|idx|docsize|config|content)$")


@pytest.fixture(scope="module")
def db(crawled, tmp_path_factory):
    path = copy_archive(crawled[0], tmp_path_factory.mktemp("published"))
    add_hostile_article(path)
    return path


@pytest.fixture(scope="module")
def ds(db):
    return datasette_for(db)


def rows(ds, path, **params):
    response = get(ds, path, params={"_shape": "array", **params})
    assert response.status_code == 200, response.text
    return response.json()


def query(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


# -- metadata ---------------------------------------------------------------------------------
def test_every_table_and_column_is_described(db):
    tables = METADATA_DB["tables"]
    missing = []
    for (table,) in query(db, "select name from sqlite_master where type = 'table'"):
        if INTERNAL.search(table):
            continue
        if not (tables.get(table) or {}).get("description"):
            missing.append(table)
            continue
        described = tables[table].get("columns") or {}
        for (column,) in query(db, "select name from pragma_table_info(?)", [table]):
            if not str(described.get(column) or "").strip():
                missing.append(f"{table}.{column}")
    assert not missing, f"metadata.yml describes no: {missing}"


def test_every_canned_query_is_titled_described_and_read_only():
    for name, spec in METADATA_DB["queries"].items():
        assert spec.get("title") and (spec.get("description") or spec.get("description_html")), name
        assert not spec.get("write"), name
        assert re.match(r"^\s*(select|with)\b", spec["sql"], re.I), name


def test_home_page_reads_like_an_archive(ds):
    html = get(ds, "/").text
    assert 'name="q"' in html and 'action="/-/search"' in html
    assert "Đại dịch Covid-19" in html and "/-/search?event=dai-dich-covid-19" in html
    assert 'href="/-/chart"' in html
    assert "Bài của một sự kiện trong khoảng ngày" in html  # a ready-made question, in Vietnamese
    assert "rows in" not in html and '<code translate="no">articles</code>' in html  # in a reporter's words


# -- browsing -----------------------------------------------------------------------------------
def facets(ds, path="/archive/articles.json", **params):
    response = get(ds, path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["facet_results"]


def test_the_articles_list_has_the_archive_facets_newest_first(ds, db):
    results = facets(ds)
    assert set(results) >= {"event", "published_at_year", "published_at_month", "section", "person", "tag"}
    events = {v["value"]: v for v in results["event"]["results"]}
    expected = dict(query(db, "select event_slug, count(*) from article_events group by event_slug"))
    assert {k: v["count"] for k, v in events.items()} == expected
    assert events["dai-dich-covid-19"]["label"] == "Đại dịch Covid-19"
    years = {v["value"]: v["count"] for v in results["published_at_year"]["results"]}
    assert years == dict(query(db, "select substr(published_at, 1, 4), count(*) from articles "
                                   "where published_at is not null group by 1"))
    assert [v["value"] for v in results["published_at_month"]["results"]][:2] == ["2021-08", "2021-07"]
    tags = {v["value"]: v["count"] for v in results["tag"]["results"]}
    assert tags["Hà Nội"] == query(db, "select count(*) from article_tags where tag = 'Hà Nội'")[0][0]
    listed = rows(ds, "/archive/articles.json", _col="published_at")
    dates = [r["published_at"] for r in listed if r["published_at"]]
    assert dates == sorted(dates, reverse=True)


def test_facet_links_filter_the_list(ds, db):
    covid = [v for v in facets(ds)["event"]["results"] if v["value"] == "dai-dich-covid-19"][0]
    assert "_event=dai-dich-covid-19" in covid["toggle_url"]
    path = urllib.parse.urlsplit(covid["toggle_url"])
    assert path.path == "/archive/articles.json"
    data = get(ds, path.path + "?" + path.query).json()
    assert data["filtered_table_rows_count"] == covid["count"]
    assert "in the event feed" in data["human_description_en"]
    selected = [v for v in data["facet_results"]["event"]["results"] if v["selected"]]
    assert [v["value"] for v in selected] == ["dai-dich-covid-19"]
    years = {v["value"]: v for v in facets(ds)["published_at_year"]["results"]}
    assert "published_at__startswith=2021" in years["2021"]["toggle_url"]
    in_2021 = rows(ds, "/archive/articles.json", published_at__startswith="2021", _size="max")
    stored_2021 = query(db, "select count(*) from articles where published_at like '2021%'")[0][0]
    assert len(in_2021) == years["2021"]["count"] == stored_2021 > 0
    tagged = rows(ds, "/archive/articles.json", _tag="bầu cử", _size="max")
    assert len(tagged) == query(db, "select count(*) from article_tags where tag = 'bầu cử'")[0][0]
    both = rows(ds, "/archive/articles.json", _event="dai-dich-covid-19", _tag="bầu cử", _size="max")
    assert 0 < len(both) < len(tagged)


def test_foreign_keys_show_labels(ds):
    data = get(ds, "/archive/article_events.json", params={"_labels": "on", "_size": "5", "_shape": "objects"}).json()
    labels = data["rows"][0]
    assert isinstance(labels["article_id"], dict) and labels["article_id"]["label"]
    assert isinstance(labels["event_slug"], dict) and labels["event_slug"]["label"] in {
        "Đại dịch Covid-19", "Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp",
        'Cuộc thi viết "Bảo vệ môi trường trên địa bàn TP Hà Nội"'}


# -- canned queries --------------------------------------------------------------------------------
def test_articles_per_event_per_month(ds, db):
    result = rows(ds, "/archive/articles_per_event_month.json")
    assert sum(r["articles"] for r in result) == query(
        db, "select count(*) from article_events ae join articles a on a.id = ae.article_id "
            "where a.published_at is not null")[0][0]
    may = [r for r in result if r["month"] == "2021-05" and r["event"].startswith("Bầu cử")]
    assert may and may[0]["articles"] == 12


def test_most_prolific_authors_per_event(ds):
    result = rows(ds, "/archive/top_authors.json", event="")
    assert {r["event"] for r in result} >= {"Đại dịch Covid-19"}
    elections = rows(ds, "/archive/top_authors.json", event="bau cu")
    assert elections and {r["event"] for r in elections} == {"Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp"}
    assert elections[0]["position"] == 1 and elections[0]["articles"] >= elections[-1]["articles"]
    names = {r["author"] for r in rows(ds, "/archive/top_authors.json", event="covid")}
    assert "Kim Nhuệ" in names and "Phạm Hùng" in names  # "Phạm Hùng - Kim Nhuệ" counts for both
    assert not any(" - " in n for n in names)


def test_articles_of_an_event_between_two_dates(ds):
    result = rows(ds, "/archive/event_between_dates.json", event="covid", **{"from": "1/5/2021", "to": "2021-05-31"})
    assert result and all("2021-05-01" <= r["published"][:10] <= "2021-05-31" for r in result)
    assert all(r["event"] == "Đại dịch Covid-19" for r in result)
    assert [r["published"] for r in result] == sorted(r["published"] for r in result)
    everything = rows(ds, "/archive/event_between_dates.json", event="dai-dich-covid-19", **{"from": "", "to": ""})
    assert len(everything) > len(result)


def test_articles_mentioning_a_term_over_time(ds, db):
    result = rows(ds, "/archive/term_over_time.json", term="vac xin")
    assert sum(r["articles"] for r in result) == query(
        db, "select count(*) from articles_fts f join articles a on a.id = f.rowid "
            "where articles_fts match 'vac xin' and a.published_at is not null")[0][0] > 0
    assert all(0 <= r["percent"] <= 100 for r in result)
    assert rows(ds, "/archive/term_over_time.json", term="vắc xin") == result


def test_a_saved_search_is_an_atom_feed(ds):
    response = get(ds, "/archive/feed.atom", params={"q": "bau cu"})
    assert response.status_code == 200 and "atom+xml" in response.headers["content-type"]
    feed = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries and "bau cu" in feed.find("a:title", ns).text
    first = entries[0]
    links = {link.get("rel"): link.get("href") for link in first.findall("a:link", ns)}
    assert "/archive/articles/" in links["alternate"] and links["related"].startswith("https://kinhtedothi.vn/")
    # the entry's id is the story's archive id, not its address (which the site's CMS changes)
    archive_id = links["alternate"].rsplit("/", 1)[-1]
    assert first.find("a:id", ns).text == f"tag:kinhtedothi-archive,2026:article/{archive_id}"
    empty = get(ds, "/archive/feed.atom", params={"q": "khongcogica"})
    assert empty.status_code == 200
    assert ElementTree.fromstring(empty.content).findall("a:entry", ns) == []
    table = get(ds, "/archive/articles", params={"_search": "bầu cử"}).text
    assert "/-/search.atom?q=" in table and "/-/search?q=" in table  # the list's search, followed and ranked


# -- reading an article ------------------------------------------------------------------------------
def test_the_article_page_reads_like_the_paper_and_cites_it(ds):
    html = get(ds, "/archive/articles/405813").text
    article = html[html.index('<article class="kt-article"'):html.index("</article>")]
    assert "Quận Thanh Xuân: 19/19 chỉ tiêu chủ yếu đạt và vượt kế hoạch" in article
    assert article.count("<p>") >= 8
    assert "<figcaption>Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI" in article
    # a reader's links lead to the search page and the person's page, never to the raw table
    assert 'href="/-/search?event=dai-dich-covid-19"' in article and "/archive/articles?" not in article
    assert 'href="/-/person/H%E1%BB%93ng%20Th%C3%A1i"' in article
    # Vietnamese by default
    assert "Trích dẫn bài này" in article and "Hồng Thái" in article and "13/01/2021 20:36" in article
    assert "https://web.archive.org/web/" in article
    assert ('href="https://kinhtedothi.vn/quan-thanh-xuan-19-19-chi-tieu-chu-yeu-dat-va-vuot-ke-hoach-405813.html"'
            in article)
    tagged = get(ds, f"/archive/articles/{query_first_tagged(ds)}").text
    assert 'href="/-/search?tag=' in tagged


def query_first_tagged(ds):
    return rows(ds, "/archive/article_tags.json", _size="1")[0]["article_id"]


class Tags(HTMLParser):
    """Every element and attribute of a fragment, as a browser would build them."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_scraped_markup_never_runs(ds):
    response = get(ds, f"/archive/articles/{HOSTILE_ID}")
    html = response.text
    parsed = Tags()
    parsed.feed(html[html.index('<article class="kt-article"'):html.index("</article>") + 10])
    assert not {"script", "iframe", "svg", "object", "embed", "style", "form"} & set(parsed.tags), parsed.tags
    assert not [a for a in parsed.attributes if a[1].startswith("on") or a[1] == "style"], parsed.attributes
    assert not [a for a in parsed.attributes if a[1] in ("href", "src") and not a[2].startswith(("https://", "/"))]
    text = "".join(parsed.text)
    assert "<script>window.__xss=2</script>" in text  # the escaped text stays text
    assert "Chú thích ảnh thử nghiệm" in text and 'Chú thích <img src=x onerror="window.__xss=13">' in text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in ("/archive/articles", "/archive/images", "/archive/article_tags", "/archive/related_links",
                 f"/archive/articles/{HOSTILE_ID}"):
        listing = Tags()
        listing.feed(get(ds, path).text)
        scripts = [a for a in listing.attributes if a[1].startswith("on")]
        assert not scripts, (path, scripts)
        assert "<script>window" not in get(ds, path).text, path
    assert "<script>window" not in get(ds, "/archive/search", params={"q": "script"}).text


# -- export -----------------------------------------------------------------------------------------
def test_csv_and_json_keep_vietnamese_intact(ds, db):
    stored = dict(query(db, "select id, title from articles"))
    data = rows(ds, "/archive/articles.json", _search="dang bo", _col="title")
    assert data and all(r["title"] == stored[r["id"]] for r in data)
    response = get(ds, "/archive/articles.csv", params={"_search": "dang bo", "_col": "title", "_size": "max"})
    assert "charset=utf-8" in response.headers["content-type"]
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(table) == len(data)
    for row in table:
        assert row["title"] == stored[int(row["id"])]
        assert unicodedata.is_normalized("NFC", row["title"])
    ranked = get(ds, "/archive/search.csv", params={"q": "HĐND"}).content.decode("utf-8")
    assert "HĐND" in ranked and unicodedata.is_normalized("NFC", ranked)
    raw = get(ds, "/archive.json", params={"sql": "select title from articles where id = 405813"}).content
    title = json.loads(raw.decode("utf-8"))["rows"][0][0]  # escaped or not, the JSON must decode to the same text
    assert title == stored[405813] and "Quận Thanh Xuân" in title and unicodedata.is_normalized("NFC", title)


# -- read-only -------------------------------------------------------------------------------------
def test_visitors_cannot_change_the_archive(ds, db):
    before = query(db, "select count(*), total(length(title)) from articles")
    for sql in ["delete from articles", "update articles set title = 'x'", "insert into events (slug) values ('x')",
                "drop table articles", "attach database ':memory:' as other", "pragma writable_schema = 1",
                "select 1; delete from articles", "select 1; select 2"]:
        response = get(ds, "/archive.json", params={"sql": sql})
        assert response.status_code in (400, 403), (sql, response.status_code)
    for path in ["/archive", "/archive/articles", "/archive/search", "/archive/articles/405813", "/archive.json"]:
        response = post(ds, path, data={"sql": "delete from articles", "title": "x"})
        assert response.status_code in (400, 403, 404, 405), (path, response.status_code)
    assert get(ds, "/archive.db").status_code in (403, 404)  # no download of the whole file
    assert query(db, "select count(*), total(length(title)) from articles") == before


@pytest.mark.slow
def test_only_our_plugins_are_installed():
    plugins = subprocess.run([sys.executable, "-m", "datasette", "plugins"], capture_output=True, text=True,
                             cwd=ROOT, check=True)
    names = {p["name"] for p in json.loads(plugins.stdout)}
    assert names == {"kinhtedothi-archive"}, names


CANNED_VALUES = {"q": "hà nội", "exact": "Hà Nội", "term": "covid", "event": "dai-dich-covid-19",
                 "from": "2021-01-01", "to": "2021-12-31"}


def test_no_page_the_plugins_serve_writes_to_the_archive(db, tmp_path):
    """Every page our plugins shape (home, tables, an article, each canned query, the feed, the chart,
    robots.txt) is visited; no connection may have committed anything to the file meanwhile. The ranked and
    exact-spelling canned queries, as HTML, redirect to the search page: the page at the end is checked."""
    copy = copy_archive(db, tmp_path)
    watcher = sqlite3.connect(copy)
    version = watcher.execute("pragma data_version").fetchone()[0]  # changes when another connection commits
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    ds = datasette_for(copy)
    paths = ["/", "/archive", "/archive/articles", "/archive/articles/405813", "/archive/feed.atom?q=covid",
             "/archive/events", "/archive/crawl_runs", "/-/chart", "/robots.txt"]
    for name in METADATA_DB["queries"]:
        sql = METADATA_DB["queries"][name]["sql"]
        params = {p: CANNED_VALUES[p] for p in set(re.findall(r":(\w+)", sql))}
        paths += [f"/archive/{name}?" + urllib.parse.urlencode(params),
                  f"/archive/{name}.json?" + urllib.parse.urlencode(params)]
    for path in paths:
        assert get(ds, path, follow_redirects=True).status_code == 200, path
    assert watcher.execute("pragma data_version").fetchone()[0] == version
    watcher.close()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == digest
    assert not copy.with_name(copy.name + "-wal").exists() or copy.with_name(copy.name + "-wal").stat().st_size == 0


def test_robots_and_headers(ds):
    robots = get(ds, "/robots.txt")
    assert robots.status_code == 200 and "Disallow: /" in robots.text
    home = get(ds, "/")
    assert home.headers["x-robots-tag"] == "noindex, nofollow"
    assert home.headers["referrer-policy"] == "same-origin"
    assert "access-control-allow-origin" not in home.headers  # CORS off unless --cors


def test_chart_of_articles_per_month_per_event(ds):
    response = get(ds, "/-/chart")
    html = response.text
    assert response.status_code == 200 and "<svg" in html and "</svg>" in html
    assert "Đại dịch Covid-19" in html
    assert "/-/search?event=dai-dich-covid-19&amp;month=" in html
    assert html.count("<circle") >= 10
    searched = get(ds, "/-/chart", params={"q": "vac xin"}).text
    assert searched.count("<circle") < html.count("<circle")


def test_metadata_for_another_file_name_renames_the_database_and_its_links(tmp_path):
    text = metadata_for(str(tmp_path / "bench-2021.db")).read_text(encoding="utf-8")
    metadata = json.loads(text)
    assert list(metadata["databases"]) == ["bench-2021"]
    assert "/bench-2021/articles" in text and "/archive/" not in text


SLOW_SQL = ("with recursive n(i) as (select 1 union all select i + 1 from n) "
            "select count(*) from n where i < 0")  # counts forever, unless the time limit stops it


@pytest.mark.slow
def test_the_served_archive_is_mutable_time_limited_and_cors_is_a_choice(crawled, tmp_path):
    db = copy_archive(crawled[0], tmp_path)
    with served(db) as base:
        databases = json.load(urllib.request.urlopen(base + "/-/databases.json"))
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", True)]  # cron adds articles
        assert json.load(urllib.request.urlopen(base + "/-/settings.json"))["sql_time_limit_ms"] == 3000
        with pytest.raises(urllib.error.HTTPError) as stopped:
            urllib.request.urlopen(base + "/archive.json?sql=" + urllib.parse.quote(SLOW_SQL), timeout=60)
        assert stopped.value.code == 400 and "too long" in stopped.value.read().decode().lower()
        plain = urllib.request.urlopen(base + "/archive/articles.json?_size=1")
        assert plain.headers.get("access-control-allow-origin") is None
    with served(db, "--cors") as base:
        shared = urllib.request.urlopen(base + "/archive/articles.json?_size=1")
        assert shared.headers.get("access-control-allow-origin") == "*"


# -- the real server, while a crawl writes ---------------------------------------------------------------
@pytest.mark.slow
def test_new_articles_appear_without_a_restart(crawled, tmp_path):
    db = copy_archive(crawled[0], tmp_path)
    with served(db) as base:
        url = base + "/archive/articles.json?_shape=array&_search=" + urllib.parse.quote("Zơ-rô-xơ")
        assert json.load(urllib.request.urlopen(url)) == []
        add_article(db, 990201, title="Bài kiểm thử Zơ-rô-xơ", body_text="Một bài mới trong lúc đang phục vụ.")
        assert [r["id"] for r in json.load(urllib.request.urlopen(url))] == [990201]
        robots = urllib.request.urlopen(base + "/robots.txt")
        assert "Disallow: /" in robots.read().decode() and robots.headers.get("access-control-allow-origin") is None
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "/archive.json?sql=" + urllib.parse.quote("delete from articles"))
