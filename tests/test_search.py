"""Vietnamese search: the plugin's SQL functions on a bare sqlite3 connection, then every
equivalence through Datasette (the table's own search, ?_search=, the canned queries)."""

import random
import sqlite3
import unicodedata

import pytest

from kinhtedothi.vocab.text import fold
from datasette_kinhtedothi import vi_search
from datasette_kinhtedothi.vi_search import exact, exact_match, fts_match, snippet, vi_date
from datasette_kinhtedothi.vietnamese import prepare_connection
from tests.support.datasette import add_article, copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


# -- on a bare connection ----------------------------------------------------------------------
@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    conn.execute("create virtual table f using fts5(title, sapo, body_text, tokenize='unicode61 remove_diacritics 2')")
    rows = [(1, "Đảng bộ quận Thanh Xuân", "Hội nghị lần thứ 5", "Ban Chấp hành Đảng bộ họp bàn."),
            (2, "Cử tri đi bầu cử sớm", "HĐND các cấp", "Bầu cử đại biểu Quốc hội khóa XV."),
            (3, "Tiêm vắc xin", "Covid-19", "Người dân đang đi bỏ phiếu. Cửa hàng bán vắc xin?"),
            (4, "Quốc hội khoá XV", None, "Ủy ban bầu cử; thuỷ lợi.")]
    for rowid, *text in rows:
        conn.execute("insert into f (rowid, title, sapo, body_text) values (?, ?, ?, ?)", [rowid, *map(fold, text)])
    return conn


def ids(conn, query, function="vi_match"):
    return [r[0] for r in conn.execute(f"select rowid from f where f match {function}(?) order by rowid", [query])]


def test_fold_vi_is_the_index_folding(conn):
    assert conn.execute("select fold_vi('Đảng bộ HĐND khoá XV')").fetchone() == ("dang bo hdnd khoa xv",)
    assert conn.execute("select fold_vi(?)", [NFD("Khóa XV")]).fetchone() == ("khoa xv",)


@pytest.mark.parametrize("variants", [
    ["dang bo", "Đảng bộ", "ĐẢNG BỘ", NFD("Đảng bộ")],
    ["HDND", "HĐND", "hđnd", NFD("HĐND")],
    ["bau cu", "bầu cử", "Bầu Cử", NFD("bầu cử")],
    ["khoa XV", "khóa XV", "khoá XV", NFD("khóa XV"), NFD("khoá XV")],
])
def test_every_spelling_finds_the_same_rows(conn, variants):
    results = {v: ids(conn, v) for v in variants}
    assert results[variants[0]], variants[0]
    assert all(r == results[variants[0]] for r in results.values()), results
    # Datasette's own ?_search= goes through escape_fts, which the plugin replaces
    assert all(ids(conn, v, "escape_fts") == results[variants[0]] for v in variants)


def test_the_search_language(conn):
    assert ids(conn, '"dang bo"') == [1]                  # a phrase
    assert ids(conn, "dang bo") == [1, 3]                 # words anywhere (đang … bỏ too: that is folding)
    assert ids(conn, '"bau cu som"') == [2]
    assert ids(conn, "hdnd OR thuy") == [2, 4]
    assert ids(conn, "bau NOT hdnd") == [4]
    assert ids(conn, "tiem* vac") == [3]
    assert ids(conn, "covid-19") == [3]


def test_no_query_is_an_fts_syntax_error(conn):
    rng = random.Random(7)
    alphabet = ['"', "*", "(", ")", ":", "-", "+", "^", " ", "OR", "NOT", "AND", "NEAR", "đ", "ả", "a", "b", "{", "}"]
    for _ in range(500):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        for mode in (0, 1, 2):
            conn.execute("select count(*) from f where f match vi_match(?, ?)", [query, mode]).fetchone()
            conn.execute("select count(*) from f where f match vi_match(?, ?, 'title sapo')", [query, mode]).fetchone()
    assert fts_match("") == '""' and fts_match("NOT OR") == '""'


def test_modes_rank_side_by_side_words_first():
    assert fts_match("dang bo") == '"dang" AND "bo"'
    assert fts_match("dang bo", 1) == '("dang bo" OR "dang" "bo")'
    assert fts_match("dang bo", 2) == '"dang bo"'
    assert vi_search.fts_match_in("a NOT b", 0, "title") == '("a" NOT "b") AND {title}: ("a" NOT "b")'


def test_snippet_marks_the_original_text():
    text = "Hôm nay trời đang mưa. Ban Chấp hành Đảng bộ quận Thanh Xuân họp.\n\nHĐND quận cũng họp."
    assert "<mark>Đảng bộ</mark>" in snippet(text, "dang bo", 80)
    assert "<mark>HĐND</mark>" in snippet(text, NFD("HĐND"))
    assert snippet("Không có gì.", "dang bo") == "Không có gì."
    assert "\n" not in snippet(text, "hdnd")


def test_exact_spelling_keeps_diacritics_but_not_case_or_tone_placement():
    assert exact("Cái bàn gỗ", "bàn") and exact("Bàn gỗ", "bàn") and exact("BÀN", NFD("bàn"))
    assert not exact("Cửa hàng bán gỗ", "bàn") and not exact("bàng", "bàn")
    assert exact("Quốc hội khoá XV", "khóa XV") and exact("Quốc hội khóa XV", "khoá xv")
    assert exact_match("khóa XV") == '"khoá XV" OR "khóa XV"'
    assert exact_match("quý") == '"quý"'


def test_dates_as_journalists_type_them():
    assert vi_date("23/5/2021") == vi_date("23-05-2021") == vi_date("2021-05-23") == "2021-05-23"
    assert vi_date("32/1/2021") is None and vi_date("mai") is None
    assert vi_date("31/2/2021") is None and vi_date("29/2/2020") == "2020-02-29"  # days of the calendar only


# -- through Datasette ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ds(crawled, tmp_path_factory):
    db = copy_archive(crawled[0], tmp_path_factory.mktemp("search"))
    add_article(db, 990101, title="Cửa hàng bán đồ gỗ", body_text="Người dân mua bán bàn ghế gỗ tại chợ.")
    add_article(db, 990102, title="Hội nghị bàn về môi trường", body_text="Các đại biểu bàn giải pháp.")
    add_article(db, 990103, title="Quốc hội khoá XV họp", body_text="Kỳ họp của Quốc hội khoá XV.")
    return datasette_for(db)


def table_ids(ds, **params):
    response = get(ds, "/archive/articles.json", params={"_shape": "array", "_size": "max", **params})
    assert response.status_code == 200, response.text
    return sorted(row["id"] for row in response.json())


def ranked(ds, q):
    response = get(ds, "/archive/search.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("variants", [
    ["dang bo", "Đảng bộ", NFD("Đảng bộ")],
    ["HDND", "HĐND", NFD("HĐND")],
    ["bau cu", "bầu cử", NFD("bầu cử")],
    ["khoa XV", "khóa XV", "khoá XV", NFD("khóa XV")],
])
def test_table_search_and_ranked_search_ignore_diacritics(ds, variants):
    expected = table_ids(ds, _search=variants[0])
    assert expected
    for variant in variants:
        assert table_ids(ds, _search=variant) == expected, variant
        assert sorted(r["article_id"] for r in ranked(ds, variant)) == expected[:100], variant


def test_search_box_html_keeps_what_was_typed(ds):
    html = get(ds, "/archive/articles", params={"_search": "Đảng bộ"}).text
    assert 'value="Đảng bộ"' in html
    assert "Quận Thanh Xuân: 19/19 chỉ tiêu" in html


def test_raw_mode_folds_but_keeps_fts_syntax(ds):
    assert table_ids(ds, _search="HĐND OR Đảng", _searchmode="raw") == table_ids(ds, _search="hdnd OR dang")
    assert table_ids(ds, _search="HĐND OR Đảng", _searchmode="raw")


def test_ranked_search_ranks_and_highlights(ds):
    rows = ranked(ds, "Đảng bộ")
    assert rows[0]["article_id"] == 405813  # "Đảng bộ" side by side in the lead beats đang … bỏ apart
    assert "<mark>Đảng bộ</mark>" in rows[0]["snippet"]
    assert set(rows[0]) == {"article_id", "title", "published", "author", "snippet", "url"}
    moved = get(ds, "/archive/search", params={"q": "Đảng bộ"})  # the page for readers is the search page
    assert moved.status_code == 302 and moved.headers["location"].startswith("/-/search?q=")
    html = get(ds, moved.headers["location"]).text
    assert "<mark>Đảng bộ</mark>" in html  # rendered as a highlight, the rest escaped


def test_a_quoted_phrase_matches_as_a_phrase(ds):
    phrase = ranked(ds, '"bầu cử sớm"')
    words = ranked(ds, "bầu cử sớm")
    assert phrase and len(phrase) < len(words)
    assert all("bau cu som" in fold(r["title"] + " " + r["snippet"]) for r in phrase)
    assert table_ids(ds, _search='"bầu cử sớm"') == sorted(r["article_id"] for r in phrase)


def test_exact_spelling_search(ds):
    folded = table_ids(ds, _search="ban")
    assert {990101, 990102} <= set(folded)
    exact_ban = get(ds, "/archive/exact_search.json", params={"exact": "bàn", "_shape": "array"}).json()
    found = {r["article_id"] for r in exact_ban}
    assert 990102 in found and 990101 in found  # 990101 has "bàn ghế" too
    only_ban = {r["article_id"] for r in get(ds, "/archive/exact_search.json",
                                             params={"exact": "bán", "_shape": "array"}).json()}
    assert only_ban == {990101}
    assert table_ids(ds, _exact="bán") == [990101]
    assert "<mark>bán</mark>" in get(ds, "/-/search", params={"q": "bán", "exact": "1"}).text
    # tone placement does not matter, diacritics do
    old, new = table_ids(ds, _exact="khóa XV"), table_ids(ds, _exact="khoá XV")
    assert old == new and 990103 in old and len(old) > 1
    assert table_ids(ds, _exact="khoa XV") == []


def test_empty_and_odd_queries_do_not_fail(ds):
    for q in ["", '"', "NOT", "OR OR", "*", "(", "đ:"]:
        assert get(ds, "/archive/search.json", params={"q": q}).status_code == 200, q
        assert get(ds, "/archive/articles.json", params={"_search": q}).status_code == 200, q


def test_the_diacritics_keeping_index_gives_the_same_exact_results(ds, crawled, tmp_path):
    """The store creates articles_fts_exact; an archive without it falls back to a row-by-row check."""
    indexed_db = copy_archive(crawled[0], tmp_path / "indexed")
    bare_db = copy_archive(crawled[0], tmp_path / "bare")
    with sqlite3.connect(bare_db) as conn:  # an archive made before the index existed
        for trigger in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER articles_fts_exact_{trigger}")
        conn.execute("DROP TABLE articles_fts_exact")
    for db in (indexed_db, bare_db):
        for args in [(990101, "Cửa hàng bán đồ gỗ", "Người dân mua bán bàn ghế gỗ tại chợ."),
                     (990102, "Hội nghị bàn về môi trường", "Các đại biểu bàn giải pháp."),
                     (990103, "Quốc hội khoá XV họp", "Kỳ họp của Quốc hội khoá XV.")]:
            add_article(db, args[0], title=args[1], body_text=args[2])  # indexed by the triggers
    indexed, bare = datasette_for(indexed_db), datasette_for(bare_db)
    for word in ["bàn", "bán", "khóa XV", "khoá xv", "Thanh Xuân", "HĐND", "khoa XV"]:
        assert table_ids(indexed, _exact=word) == table_ids(bare, _exact=word), word
        fast = get(indexed, "/archive/exact_search.json", params={"exact": word, "_shape": "array"}).json()
        slow = get(bare, "/archive/exact_search.json", params={"exact": word, "_shape": "array"}).json()
        assert fast == slow, word
    shown = {"exact": "bàn", "_show_sql": "1"}
    assert "articles_fts_exact" in get(indexed, "/archive/exact_search", params=shown).text
    assert "articles_fts_exact" not in get(bare, "/archive/exact_search", params=shown).text  # the fallback
