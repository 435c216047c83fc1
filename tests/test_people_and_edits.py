"""People, not bylines, and edits you can see, through datasette.client on the sample site's archive
(one article edited by the paper and re-checked, as in production); then the search's CSV export."""

import csv
import io
import json
import re
import sqlite3
from html import unescape

import pytest
from click.testing import CliRunner

from pipelines.archive import Archive
from pipelines.article_children import stored_fields
from pipelines.bylines import PAPER
from pipelines.normalize import normalize_article
from datasette_kinhtedothi.archive import export
from datasette_kinhtedothi.archive.export import COLUMNS
from datasette_kinhtedothi.archive.worddiff import MAX_TOKENS, changed_words, diff_html
from datasette_kinhtedothi.vietnamese import prepare_connection
from scraper.cli import cli
from kinhtedothi.vocab.dates import paper_date
from kinhtedothi.vocab.items import ArticleItem
from tests.support import ROOT
from tests.support.datasette import copy_archive, datasette_for, get
from tests.support.edits import ADDED_PARAGRAPH, CO_WRITTEN, EDITED, EDITED_ID, NEW_TITLE

pytestmark = pytest.mark.slow


PAGES = ROOT / "tests" / "pages"


@pytest.fixture(scope="module")
def db(edited, tmp_path_factory):
    return copy_archive(edited, tmp_path_factory.mktemp("edited"))


@pytest.fixture(scope="module")
def ds(db):
    return datasette_for(db)


def query(db, sql, params=()):
    conn = sqlite3.connect(db)
    prepare_connection(conn)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def page(ds, path, status=200, **kwargs):
    response = get(ds, path, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    return response.text


def co_written_id(db):
    return query(db, "select id from articles where author = ?", [CO_WRITTEN])[0][0]


# -- people ---------------------------------------------------------------------------------------
def test_the_store_keeps_each_bylines_people_in_order_beside_the_raw_byline(db):
    aid = co_written_id(db)
    assert query(db, "select position, name_printed, name, role from article_authors where article_id = ? "
                     "order by position", [aid]) == [(1, "Phạm Hùng", "Phạm Hùng", "author"),
                                                    (2, "Kim Nhuệ", "Kim Nhuệ", "author")]
    assert query(db, "select author, byline_source from articles where id = ?", [aid]) == [(CO_WRITTEN, None)]
    # the paper itself in the byline: nobody, and the paper as the source
    assert query(db, "select count(p.name), max(a.byline_source) from articles a left join article_authors p "
                     "on p.article_id = a.id where a.author = 'Kinhtedothi'") == [(0, PAPER)]


def test_a_co_written_article_is_found_under_each_person(ds, db):
    aid = co_written_id(db)
    for person in ("Phạm Hùng", "Kim Nhuệ"):
        found = get(ds, "/archive/articles.json", params={"_person": person, "_shape": "array"}).json()
        assert aid in {r["id"] for r in found}, person
        assert all(person in r["author"] for r in found)
        assert f'href="/archive/articles/{aid}"' in page(ds, "/-/person/" + person)
    both = get(ds, "/archive/articles.json", params=[("_person", "Phạm Hùng"), ("_person", "Kim Nhuệ"),
                                                     ("_shape", "array")]).json()
    assert [r["id"] for r in both] == [aid]
    # the byline as printed, each of its people a link to their own page (never the raw table)
    byline = re.findall(r'<a href="([^"]+)" class="kt-author">', page(ds, f"/archive/articles/{aid}"))
    assert [unescape(b) for b in byline] == ["/-/person/Ph%E1%BA%A1m%20H%C3%B9ng", "/-/person/Kim%20Nhu%E1%BB%87"]


def test_kinhtedothi_parse_prints_the_people_and_the_source_beside_the_byline():
    result = CliRunner().invoke(cli, ["parse", str(PAGES / "legacy_several_authors.html")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["author"], record["authors"], record["byline_source"]) == (
        "Hồng Thái - Minh An", ["Hồng Thái", "Minh An"], None)


def test_the_person_facet_counts_people_not_bylines(ds, db):
    facet = get(ds, "/archive/articles.json", params={"_facet_size": "max"}).json()["facet_results"]["person"]
    counts = {v["value"]: v["count"] for v in facet["results"]}
    assert counts == dict(query(db, "select name, count(*) from article_authors group by name"))
    assert not any(" - " in name for name in counts)
    hong_thai = next(v for v in facet["results"] if v["value"] == "Hồng Thái")
    assert "_person=H%E1%BB%93ng+Th%C3%A1i" in hong_thai["toggle_url"]


def test_a_persons_page_lists_their_articles_per_event_and_month(ds, db):
    html = page(ds, "/-/person/Hồng Thái")
    expected = query(db, "select a.id, coalesce(e.name, ae.event_slug), substr(a.published_at, 1, 7) "
                         "from article_authors p join articles a on a.id = p.article_id "
                         "join article_events ae on ae.article_id = a.id left join events e on e.slug = ae.event_slug "
                         "where p.name = 'Hồng Thái'")
    sections = re.findall(r'<section class="kt-person-event">(.*?)</section>', html, re.S)
    listed = set()
    for section in sections:
        event = unescape(re.search(r'<h2><span[^>]*>(.*?)</span> <span', section).group(1))
        for month, items in re.findall(r'<h3 class="kt-person-month">(\d\d/\d{4})</h3>(.*?)</ul>', section, re.S):
            for aid in re.findall(r'href="/archive/articles/(\d+)"', items):
                listed.add((int(aid), event, f"{month[3:]}-{month[:2]}"))
    assert listed == set(expected)
    count = query(db, "select count(distinct article_id) from article_authors where name = 'Hồng Thái'")[0][0]
    assert f"{count} bài" in html and 'href="/-/search?person=H%E1%BB%93ng+Th%C3%A1i"' in html
    assert f"{count} articles" in page(ds, "/-/person/Hồng Thái?lang=en")


def test_a_person_typed_without_diacritics_is_found_and_an_unknown_one_is_a_clear_404(ds):
    assert "Bài của Hồng Thái" in page(ds, "/-/person/hong thai")
    assert "Không có bài nào của “Không Ai”" in page(ds, "/-/person/Không Ai", status=404)


def test_top_authors_counts_people(ds, db):
    result = get(ds, "/archive/top_authors.json", params={"event": "", "_shape": "array"}).json()
    names = {r["author"] for r in result}
    assert {"Phạm Hùng", "Kim Nhuệ", "Hồng Thái", "Minh An"} <= names
    assert not names & {"Kinhtedothi", "Ban Biên tập", CO_WRITTEN}


def test_reparse_fills_the_people_of_an_archive_made_before_them(db, tmp_path):
    old = copy_archive(db, tmp_path)
    before = query(old, "select * from article_authors order by article_id, position")
    conn = sqlite3.connect(old)
    with conn:  # as an archive made before people were split out: no rows, no sources
        conn.execute("delete from article_authors")
        conn.execute("update articles set byline_source = null")
    conn.close()
    result = CliRunner().invoke(cli, ["reparse", "--db", str(old), "--quiet"])
    assert result.exit_code == 0, result.output
    assert query(old, "select * from article_authors order by article_id, position") == before
    assert query(old, "select byline_source from articles where author = 'Kinhtedothi'") == [(PAPER,)]
    assert query(old, "select count(*) from article_versions") == query(db, "select count(*) from article_versions")


# -- edits ----------------------------------------------------------------------------------------
def test_an_edited_article_says_so_at_the_top_with_what_changed(ds):
    html = page(ds, f"/archive/articles/{EDITED_ID}")
    banner = re.search(r'<p class="kt-notice kt-edited">(.*?)</p>', html, re.S).group(1)
    assert html.index("kt-edited") < html.index('class="kt-title"')
    assert "Bài đã được báo sửa sau khi đăng" in banner and "Tiêu đề, Nội dung" in banner
    assert f'href="/-/diff/{EDITED_ID}"' in banner and f'href="/-/versions/{EDITED_ID}"' in banner
    english = page(ds, f"/archive/articles/{EDITED_ID}?lang=en")
    assert "The paper edited this article" in english and "Headline, Body" in english
    assert "kt-edited" not in page(ds, "/archive/articles/405813")


def test_the_citation_names_the_papers_version_and_when_it_was_last_read(ds, db):
    read = query(db, "select max(read_at) from article_versions where article_id = ?", [EDITED_ID])[0][0]
    html = page(ds, f"/archive/articles/{EDITED_ID}")
    citation = re.search(r'<section class="kt-citation".*?</section>', html, re.S).group(0)
    assert f"Phiên bản 2 trên 2 của báo, đọc lần cuối lúc {paper_date(read)} (giờ Hà Nội; 2 lần đọc)" in citation
    assert f"(phiên bản 2, đọc {paper_date(read)})" in citation
    assert "The paper's version 2 of 2, last read" in unescape(page(ds, f"/archive/articles/{EDITED_ID}?lang=en"))
    assert "Phiên bản 1 trên 1 của báo" in page(ds, "/archive/articles/405813")


def _sections(html):
    return {field: body for field, body in re.findall(
        r'<section class="kt-diff" id="diff-(\w+)">(.*?)</section>', html, re.S)}


def _marked(body, tag):
    return [unescape(t) for t in re.findall(rf"<{tag}>(.*?)</{tag}>", body, re.S)]


def test_the_diff_page_marks_exactly_the_changed_words(ds):
    html = page(ds, f"/-/diff/{EDITED_ID}?from=1&to=2")
    sections = _sections(html)
    assert set(sections) == {"title", "body_text"}
    assert _marked(sections["title"], "del") == ["tạm thời"] and _marked(sections["title"], "ins") == ["gỡ"]
    plain_title = re.sub(r"<del>.*?</del>|</?ins>", "", sections["title"])
    assert NEW_TITLE in " ".join(unescape(plain_title).split())
    assert _marked(sections["body_text"], "del") == []
    assert [" ".join(t.split()) for t in _marked(sections["body_text"], "ins")] == [ADDED_PARAGRAPH]
    # the default is the previous version against the current one; backwards swaps the marks
    assert _sections(page(ds, f"/-/diff/{EDITED_ID}")) == sections
    backwards = _sections(page(ds, f"/-/diff/{EDITED_ID}?from=2&to=1"))
    assert _marked(backwards["title"], "ins") == ["tạm thời"] and _marked(backwards["title"], "del") == ["gỡ"]


def test_the_diff_page_refuses_versions_that_do_not_exist(ds):
    for bad in ("from=0&to=2", "from=1&to=3", "from=abc"):
        assert "Phiên bản phải là số từ 1 đến 2" in page(ds, f"/-/diff/{EDITED_ID}?{bad}", status=400)
    page(ds, "/-/diff/123", status=404)
    page(ds, "/-/versions/99999999999999999999", status=404)  # too long for an id: not a route at all


def test_the_versions_page_lists_every_version_with_the_diff_one_click_away(ds, db):
    html = page(ds, f"/-/versions/{EDITED_ID}")
    rows = re.findall(r"<tr class=\"kt-change-(\w+)\">\s*<td>(\d+)", html)
    assert [(kind, int(n)) for kind, n in rows] == [("first", 1), ("edit", 2)]
    assert f'href="/-/diff/{EDITED_ID}?from=1&amp;to=2"' in html and "Tiêu đề, Nội dung" in html
    assert [EDITED["title"], NEW_TITLE] == [r[0] for r in query(
        db, "select title from article_versions where article_id = ? order by version", [EDITED_ID])]
    assert "Bài này chưa từng được sửa" in page(ds, "/-/versions/405813")


def test_recently_edited_articles_link_to_their_diff(ds):
    html = page(ds, "/-/edits")
    links = re.findall(r'<a class="kt-diff-link" href="([^"]+)"', html)
    assert links == [f"/-/diff/{EDITED_ID}"]
    assert "<ins>gỡ</ins>" in page(ds, links[0])
    assert "Recently edited articles" in page(ds, "/-/edits?lang=en")


def test_a_word_diff_is_bounded_for_huge_or_pathological_fields():
    same, changed = "và " * (MAX_TOKENS + 500), "và " * MAX_TOKENS + "của " * 500
    html, cut = diff_html(same, changed)
    assert cut and "<ins>" not in html  # only the first MAX_TOKENS words are compared
    old = " ".join(["và", "của"] * 3000)
    new = " ".join(["của", "và"] * 3000)
    html, cut = diff_html(old, new)
    assert cut and html.count("<del>") >= 1 and html.count("<ins>") >= 1  # coarse, but whole and marked
    many = " ".join(f"w{i}" for i in range(3000))  # one long paragraph, every other word changed
    html, cut = diff_html(many, " ".join(w if i % 2 else "X" for i, w in enumerate(many.split())))
    assert cut and re.sub(r"</?(del|ins)>", "", str(html)).split().count("X") == 1500
    assert changed_words("Quận Ba Đình phong tỏa tạm thời", "Quận Ba Đình gỡ phong tỏa") == (["tạm", "thời"], ["gỡ"])
    # paragraphs first: a word changed in one paragraph is marked there, the others stay whole
    assert (str(diff_html("p1 x\n\np2 y\n\np3 z", "p1 x\n\np2 mới y\n\np3 z")[0])
            == "p1 x\n\np2 <ins>mới</ins> y\n\np3 z")
    assert "&lt;b&gt;" in str(diff_html("a", "<b>")[0])


# -- CSV of a search ------------------------------------------------------------------------------
def csv_rows(ds, **params):
    response = get(ds, "/-/export.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return response, list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_of_a_search_has_journalist_columns_and_every_matching_row(ds, db):
    response, rows = csv_rows(ds, q="phong tỏa")
    assert tuple(next(csv.reader(io.StringIO(response.text)))) == COLUMNS
    matching = query(db, "select count(*) from articles_fts where articles_fts match vi_match('phong tỏa')")[0][0]
    assert len(rows) == matching > 1
    assert "<mark>" not in response.text and "</mark>" not in response.text
    assert all(r["snippet"] and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r["date"]) for r in rows)
    assert rows[0]["headline"] == NEW_TITLE  # the phrase in the headline ranks first
    edited = rows[0]
    assert edited["people"] == "Vân Hà" and "Đại dịch Covid-19" in edited["events"]
    assert edited["url"].endswith(f"-{EDITED_ID}.html")


def test_the_csv_keeps_the_filters_and_dates_are_hanoi_days_included_whole(ds, db):
    _, rows = csv_rows(ds, person="Kim Nhuệ")
    assert {r["people"] for r in rows} >= {"Phạm Hùng; Kim Nhuệ"} and all("Kim Nhuệ" in r["people"] for r in rows)
    day = query(db, "select substr(published_at, 1, 10) from articles where id = ?", [co_written_id(db)])[0][0]
    _, same_day = csv_rows(ds, **{"from": day, "to": day})
    expected = query(db, "select count(*) from articles where substr(published_at, 1, 10) = ?", [day])[0][0]
    assert len(same_day) == expected >= 1
    d = f"{int(day[8:])}/{int(day[5:7])}/{day[:4]}"
    assert len(csv_rows(ds, **{"from": d, "to": d})[1]) == expected
    _, covid = csv_rows(ds, _event="dai-dich-covid-19", sort="oldest")
    assert all("Đại dịch Covid-19" in r["events"] for r in covid)
    assert [r["date"] for r in covid] == sorted(r["date"] for r in covid)
    response = get(ds, "/-/export.csv", params={"from": "31/2/2021"})
    assert response.status_code == 400 and "not a date" in response.text


def test_the_csv_can_start_with_a_bom_for_excel(ds):
    plain, _ = csv_rows(ds, q="vắc xin")
    bom, rows = csv_rows(ds, q="vắc xin", _bom="1")
    assert bom.content.startswith(b"\xef\xbb\xbfarchive_id,headline,") and not plain.content.startswith(b"\xef\xbb\xbf")
    assert bom.content[3:] == plain.content and rows


def test_an_export_larger_than_its_maximum_says_so(ds, db, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_MAX", 5)
    response, rows = csv_rows(ds)
    assert len(rows) == 6 and "more than 5 rows" in response.headers["x-export-truncated"]
    # said in the file too, as its last row, where a spreadsheet shows it
    assert rows[-1]["archive_id"] == "" and "5" in rows[-1]["headline"] and "Tệp dừng ở đây" in rows[-1]["headline"]
    assert all(r["archive_id"] for r in rows[:-1])
    monkeypatch.setattr(export, "EXPORT_MAX", 10_000)
    response, rows = csv_rows(ds)
    assert (len(rows) == query(db, "select count(*) from articles")[0][0]
            and "x-export-truncated" not in response.headers)


def test_an_archive_made_before_people_still_shows_its_lists_and_articles(db, tmp_path):
    old = copy_archive(db, tmp_path)
    conn = sqlite3.connect(old)
    with conn:
        conn.execute("drop table article_authors")
    conn.close()
    before = datasette_for(old)
    facets = get(before, "/archive/articles.json").json()["facet_results"]
    assert "person" not in facets and "event" in facets
    assert "Vân Hà" in page(before, f"/archive/articles/{EDITED_ID}")
    assert "Vân Hà" in page(before, "/-/export.csv", params={"q": "phong tỏa"})


def test_a_copy_read_again_by_better_parsers_is_not_called_an_edit(db, tmp_path):
    reread = copy_archive(db, tmp_path)
    archive = Archive(reread)
    try:   # what `kinhtedothi reparse` hands the store when newer parsers read the section differently
        row = next(archive.db.query("select * from articles where id = 405813"))
        fields = stored_fields(archive.db, row)
        extracted = {"url": row["url"], "fetched_url": row["url"], "layout": row["layout"], "field_sources": {},
                     "title": row["title"], "author": row["author"], "published_raw": row["published_raw"],
                     "sapo": row["sapo"], "section": "Chuyên mục mới", "subsection": row["subsection"],
                     "tags": fields["tags"], "body_paragraphs": row["body_text"].split("\n\n"),
                     "body_html": row["body_html"], "images": fields["images"],
                     "related_links": fields["related_links"]}
        item = ArticleItem(fetched_url=row["url"], link_urls=[row["url"]], extracted=extracted,
                           raw_page_id=row["raw_page_id"])
        item.article, _ = normalize_article(extracted)
        assert archive.save_article(item, row["raw_page_id"], cause="reparse") == "updated"
    finally:
        archive.close()
    assert query(reread, "select section, edit_count from articles where id = 405813") == [("Chuyên mục mới", 0)]
    assert query(reread, "select change, effective from article_versions where article_id = 405813 "
                         "order by version") == [("parser", 0), ("first", 1)]
    published = datasette_for(reread)
    html = page(published, "/archive/articles/405813")
    assert "kt-edited" not in html and "báo sửa" not in html
    versions = page(published, "/-/versions/405813")
    assert "Bài này chưa từng được sửa" in versions and "bản đọc cũ, đã được bộ đọc mới đọc lại" in versions


def test_an_archive_made_before_readings_were_judged_still_shows_its_edits(db, tmp_path):
    old = copy_archive(db, tmp_path)
    conn = sqlite3.connect(old)
    with conn:   # as schema 3 kept it: the replaced version only, the newest one in articles
        conn.execute("delete from article_versions where article_id = ? and version = 2", [EDITED_ID])
        conn.execute("update article_versions set change = null, effective = null, read_at = null, url = null")
        conn.execute("drop index idx_articles_edit_count")
        conn.execute("alter table articles drop column edit_count")
    conn.close()
    html = page(datasette_for(old), f"/archive/articles/{EDITED_ID}")
    assert "Bài đã được báo sửa sau khi đăng" in html
    assert NEW_TITLE in html
