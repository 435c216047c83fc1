"""What keeps the search fast at a million articles gives the same answers: narrowing inside the search index
(its ``narrowing`` words), the search page read from the index alone for a huge result, and the facet counts
the archive keeps (``facet_counts``), on the sample site's crawled archive and on a synthetic one made by the
crawl's own store (``bench/make_synthetic_archive.py``)."""

import sqlite3
import subprocess
import sys
from datetime import date

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_kinhtedothi import vi_search
from datasette_kinhtedothi.archive import search_engine, search_huge, search_query, search_sample
from datasette_kinhtedothi.archive.facet_defs import BY_NAME
from datasette_kinhtedothi.archive.search_state import read_state
from pipelines.archive import Archive
from pipelines.schema import SCHEMA_VERSION, TEXT_COLUMNS, ensure_schema
from pipelines.search_index import refresh_narrowing
from scraper.cli import cli
from kinhtedothi.vocab import narrowing
from kinhtedothi.vocab.items import FeedLinkItem
from tests.support import ROOT
from tests.support.datasette import copy_archive, datasette_for, fresh_facet_counts, get

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    db = tmp_path_factory.mktemp("synthetic") / "synthetic.db"
    made = subprocess.run([sys.executable, "bench/make_synthetic_archive.py", "--articles", "1500", "--out", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    return db


@pytest.fixture(scope="module")
def sample(crawled, tmp_path_factory):
    return copy_archive(crawled[0], tmp_path_factory.mktemp("sample"))


def _open(db) -> tuple[sqlite3.Connection, set[str]]:
    conn = sqlite3.connect(db)
    conn.create_function("vi_exact", 2, vi_search.exact)
    tables = {r[0] for r in conn.execute("select name from sqlite_master")}
    tables |= {f"articles_fts.{r[1]}" for r in conn.execute("pragma table_info(articles_fts)")}
    return conn, tables


def _states(conn) -> list[list[tuple[str, str]]]:
    """Searches with every kind of filter, built from what the archive holds."""
    def top(sql):
        return [r[0] for r in conn.execute(sql)]
    events = top("select event_slug from article_events group by 1 order by count(*) desc limit 2")
    tags = top("select tag from article_tags group by 1 order by count(*) desc limit 2")
    people = top("select name from article_authors group by 1 order by count(*) desc limit 2")
    sections = top("select section from articles where section is not null group by 1 order by count(*) desc limit 2")
    places = top("select place_key from article_places group by 1 order by count(*) desc limit 2")
    # a district some article holds only through one of its wards: narrowing to it takes the ward's articles in
    places += top("select district_key from article_places w where level = 'ward' and district_key is not null "
                  "and not exists (select 1 from article_places d where d.article_id = w.article_id "
                  "and d.place_key = w.district_key) group by 1 order by count(*) desc limit 1")
    year, month, day = conn.execute("select substr(published_at, 1, 4), substr(published_at, 1, 7), "
                                    "substr(published_at, 1, 10) from articles where published_at is not null "
                                    "group by 2 order by count(*) desc limit 1").fetchone()
    words = ["bau cu", "Đảng bộ", "dang bo", "ha noi", "covid", "gian cach xa hoi", "HDND", "title:ha noi"]
    states = [[("q", w)] for w in words] + [[]]
    for q in ("", "bau cu", "ha noi", "Hà Nội"):
        base = [("q", q)] if q else []
        states += [
            base + [("event", events[0]), ("from", f"1/1/{year}"), ("to", f"{year}-12-31")],
            base + [("event", e) for e in events] + [("sort", "newest")],
            base + [("tag", tags[0]), ("person", people[0])],
            base + [("place", places[0])],
            base + [("place", p) for p in places[:2]] + [("year", year)],
            base + [("place", places[-1]), ("event", events[0])],
            base + [("section", s) for s in sections] + [("month", month)],
            base + [("year", year), ("from", day)],
            base + [("to", day), ("sort", "oldest")],
            base + [("from", "1/1/2031")],
        ]
        if q:
            states += [base + [("exact", "1"), ("event", events[0]), ("year", year)]]
    return states


def _answer(conn, tables, state) -> tuple:
    found = search_engine.run(conn, state, tables, 20, (state.page - 1) * 20, 60_000)
    return (found["count"], [a["id"] for a in found["articles"]], [a["phrase"] for a in found["articles"]],
            found["phrase_count"], found["facets"], found["facets_estimated"])


@pytest.mark.parametrize("archive", ["sample", "synthetic"])
def test_a_search_narrowed_inside_the_index_finds_what_the_tables_find(archive, request):
    """Every filter answered by the index's narrowing words, or by the link tables and columns as before: the
    same count, page, phrase matches and facets."""
    conn, tables = _open(request.getfixturevalue(archive))
    without = tables - {f"articles_fts.{narrowing.COLUMN}"}
    states = _states(conn)
    narrowed = 0
    for pairs in states:
        state = read_state([p for p in pairs if p[1]], "vi")
        assert _answer(conn, tables, state) == _answer(conn, without, state), pairs
        narrowed += bool(search_query.narrowing_of(conn, state, tables).expression)
        if state.values("event") or state.start:
            assert search_query.narrowing_of(conn, state, tables).handled, pairs
    assert narrowed >= 25
    counts = [_answer(conn, tables, read_state([p for p in s if p[1]], "vi"))[0] for s in states]
    assert sum(1 for c in counts if c) >= 20   # the searches find something: the comparison says something


@pytest.mark.parametrize("archive", ["sample", "synthetic"])
def test_a_huge_result_read_from_the_index_alone_gives_the_page_the_tables_give(archive, request, monkeypatch):
    """Past search_sample.LAZY matches the search page counts, ranks and marks the phrase from the index alone
    (here LAZY is lowered to reach it on a small archive: all 256 buckets make the sample, so it is whole)."""
    conn, tables = _open(request.getfixturevalue(archive))
    states = _states(conn)
    states += [s + [("sort", sort), ("page", page)] for s in states if s and ("sort", "newest") not in s
               and ("sort", "oldest") not in s for sort in ("newest", "oldest") for page in ("1", "3", "40")]
    lazy = dated = 0
    for pairs in states:
        state = read_state([p for p in pairs if p[1]], "vi")
        monkeypatch.setattr(search_sample, "LAZY", 10**9)
        expected = _answer(conn, tables, state)
        monkeypatch.setattr(search_sample, "LAZY", 5)
        index_only, expression = search_huge.index_only(state, tables, search_query.narrowing_of(
            conn, state, tables))
        huge = index_only and search_sample.count(conn, expression) > 5
        lazy += huge
        dated += huge and state.sort != "relevance" and bool(state.q)
        assert _answer(conn, tables, state) == expected, pairs
        for walk in (7, 300):   # a walk too short for the page: the ids are copied after all, same page
            monkeypatch.setattr(search_sample, "WALK", walk)
            assert _answer(conn, tables, state) == expected, (pairs, walk)
        monkeypatch.setattr(search_sample, "WALK", 4_096)
    assert lazy >= 8 and dated >= 8


@pytest.mark.parametrize("archive", ["sample", "synthetic"])
def test_a_huge_exact_spelling_read_from_its_index_gives_the_page_the_tables_give(archive, request, monkeypatch):
    """Past search_sample.LAZY matches an exact spelling alone is counted, sampled and ranked in one pass over
    its index (LAZY lowered here; with the pass keeping every id its facets are those of the copied ids)."""
    conn, tables = _open(request.getfixturevalue(archive))
    read = 0
    for words in ("bầu cử", "Đảng bộ", "Hà Nội", "HĐND", "giãn cách xã hội", "covid", "khoá", "Hà NOT Nội"):
        for page, sort in (("1", "relevance"), ("2", "relevance"), ("1", "newest"), ("4", "newest"),
                           ("1", "oldest"), ("3", "oldest")):
            state = read_state([("q", words), ("exact", "1"), ("page", page), ("sort", sort)], "vi")
            monkeypatch.setattr(search_sample, "LAZY", 10**9)
            expected = _answer(conn, tables, state)
            monkeypatch.setattr(search_sample, "LAZY", 5)
            monkeypatch.setattr(search_sample, "EXACT_STEP", 1)
            assert _answer(conn, tables, state) == expected, (words, page, sort)
            monkeypatch.setattr(search_sample, "WALK", 7)           # a date walk too short: the ids copied after all
            assert _answer(conn, tables, state) == expected, (words, page, sort)
            monkeypatch.setattr(search_sample, "WALK", 4_096)
            monkeypatch.setattr(search_sample, "EXACT_STEP", 16)
            sampled = _answer(conn, tables, state)
            assert sampled[:4] == expected[:4], (words, page, sort)  # the count, the page: exact
            spelled = search_huge.exact_alone(state, tables, search_query.narrowing_of(conn, state, tables))
            if spelled and search_sample.count(conn, spelled, table="articles_fts_exact") > 5:
                read += 1
                assert sampled[5] is True, (words, page, sort)     # the facets: counted on a sample (≈)
    assert read >= 24


def test_a_date_page_walked_from_the_index_keeps_the_undated_matches_last(sample, tmp_path, monkeypatch):
    """Newest first, articles without a date come after every dated one (as SQL sorts a NULL): the walk that
    starts at the newest month holding a match still reaches them; oldest first, where they come first, it does
    not skip ahead of them."""
    path = copy_archive(sample, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        undated = [r[0] for r in conn.execute("select rowid from articles_fts where articles_fts match 'ha noi' "
                                              "order by rowid limit 3")]
        conn.execute(f"update articles set published_at = null where id in ({', '.join('?' for _ in undated)})",
                     undated)
        refresh_narrowing(sqlite_utils.Database(conn), undated)
    conn, tables = _open(path)
    walked = 0
    for sort in ("newest", "oldest"):
        for page in ("1", "2", "3", "9"):
            state = read_state([("q", "ha noi"), ("sort", sort), ("page", page)], "vi")
            monkeypatch.setattr(search_sample, "LAZY", 10**9)
            expected = _answer(conn, tables, state)
            monkeypatch.setattr(search_sample, "LAZY", 5)
            assert _answer(conn, tables, state) == expected, (sort, page)
            walked += set(undated) <= set(expected[1])
    assert walked >= 1   # a page that shows the undated matches was compared


def test_an_exact_spelling_that_excludes_a_word_walks_by_date_from_the_end(sample, tmp_path, monkeypatch):
    """An exact spelling is one phrase, operators included: the walk by date starts where the same phrase folded
    says, never where the words as a folded search ("ha" NOT "noi", which leaves out "Hà NOT Nội") would."""
    path = copy_archive(sample, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        newest = conn.execute("select id from articles order by published_at desc, id desc limit 1").fetchone()[0]
        conn.execute("update articles set title = 'Hà NOT Nội', sapo = '', body_text = '', "
                     "published_at = '2030-01-02T08:00:00+07:00' where id = ?", [newest])   # a month of its own
        conn.execute("update articles_fts set title = 'ha not noi', sapo = '', body_text = '', captions = '', "
                     "tags = '', people = '' where rowid = ?", [newest])
        older = conn.execute("select id from articles where id <> ? and published_at is not null "
                             "order by published_at limit 1", [newest]).fetchone()[0]   # "ha" without "noi"
        conn.execute("update articles set title = 'Hà Đông', sapo = '', body_text = '' where id = ?", [older])
        conn.execute("update articles_fts set title = 'ha dong', sapo = '', body_text = '', captions = '', "
                     "tags = '', people = '' where rowid = ?", [older])
        refresh_narrowing(sqlite_utils.Database(conn), [newest])
    conn, tables = _open(path)
    state = read_state([("q", "Hà NOT Nội"), ("exact", "1"), ("sort", "newest")], "vi")
    monkeypatch.setattr(search_sample, "LAZY", 10**9)
    expected = _answer(conn, tables, state)
    assert expected[1] == [newest]
    monkeypatch.setattr(search_sample, "LAZY", 0)   # its one match is a huge result: the walk answers
    assert search_huge.exact_alone(state, tables, search_query.narrowing_of(conn, state, tables))
    assert _answer(conn, tables, state)[:4] == expected[:4]   # the count and the page (the facets: a sample)


def test_a_sample_of_buckets_scales_up_to_about_the_whole(synthetic):
    conn, tables = _open(synthetic)
    total = search_sample.count(conn, '"ha" AND "noi"')
    buckets = search_sample.buckets_for(total, 200)
    assert buckets < narrowing.BUCKETS and total * buckets >= 200 * narrowing.BUCKETS
    search_sample.fill_sample(conn, '"ha" AND "noi"', buckets)
    sampled = conn.execute("select count(*) from temp.kt_sample").fetchone()[0] * (narrowing.BUCKETS // buckets)
    assert 0.7 * total < sampled < 1.3 * total
    chosen = ", ".join(str(int(i * narrowing.BUCKETS / buckets)) for i in range(buckets))
    assert conn.execute(f"select count(*) from temp.kt_sample where id % {narrowing.BUCKETS} not in ({chosen})"
                        ).fetchone()[0] == 0


def test_the_store_writes_the_narrowing_words_the_rebuild_of_an_older_index_writes(synthetic, tmp_path):
    """An archive whose index has only the six text columns (made before the narrowing words) gets them from
    ensure_schema, the same as the store wrote them; the words name the article's own values."""
    conn, _ = _open(synthetic)
    stored = {r[0]: set(r[1].split()) for r in conn.execute("select rowid, narrowing from articles_fts")}
    db = sqlite_utils.Database(copy_archive(synthetic, tmp_path))
    db.execute("drop table articles_fts")
    db.execute(f"create virtual table articles_fts using fts5({', '.join(TEXT_COLUMNS)}, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("pragma user_version = 4")
    db.conn.commit()
    ensure_schema(db)
    rebuilt = {r[0]: set(r[1].split()) for r in db.execute("select rowid, narrowing from articles_fts")}
    assert rebuilt == stored and len(stored) == 1500
    aid = next(iter(stored))
    events = [r[0] for r in conn.execute("select event_slug from article_events where article_id = ?", [aid])]
    published = conn.execute("select published_at from articles where id = ?", [aid]).fetchone()[0]
    assert {narrowing.term("event", e) for e in events} | set(narrowing.date_terms(published)) <= stored[aid]
    assert f"đb{aid % narrowing.BUCKETS}" in stored[aid]


def test_no_folded_search_can_name_a_narrowing_word(synthetic):
    """The words begin with đ, which folding turns into d: a search for one, or a prefix, finds nothing."""
    conn, _ = _open(synthetic)
    word = conn.execute("select narrowing from articles_fts limit 1").fetchone()[0].split()[1]
    assert conn.execute("select count(*) from articles_fts where articles_fts match ?", [f'"{word}"']).fetchone()[0]
    def found(expression):
        return conn.execute("select count(*) from articles_fts where articles_fts match ?", [expression]).fetchone()[0]
    for typed in (word, word.upper(), word[:3] + "*"):
        assert found(vi_search.fts_match(typed)) == 0, typed
    texts = " ".join(TEXT_COLUMNS)
    for typed in ("đ*", "Đ*", "đe*"):   # as "d*", "de*": the words of the text, never a narrowing word
        assert found(vi_search.fts_match(typed)) == found(f"{{{texts}}}: ({vi_search.fts_match(typed)})"), typed


def test_a_feed_that_lists_an_archived_article_later_adds_its_event_to_the_index(synthetic, tmp_path):
    path = copy_archive(synthetic, tmp_path)
    archive = Archive(path)
    aid, url = archive.db.execute(
        "select id, url from articles where id not in (select article_id from article_events "
        "where event_slug = 'dai-dich-covid-19') limit 1").fetchone()
    word = narrowing.term("event", "dai-dich-covid-19")
    match = "select count(*) from articles_fts where articles_fts match ? and rowid = ?"
    assert archive.db.execute(match, [f'"{word}"', aid]).fetchone()[0] == 0
    archive.save_feed_link(FeedLinkItem("dai-dich-covid-19", url, "https://kinhtedothi.vn/su-kien/x.html", 1))
    assert archive.db.execute(match, [f'"{word}"', aid]).fetchone()[0] == 1
    archive.close()


def test_the_facet_counts_stay_exact_through_every_write(sample, tmp_path):
    """The crawl's counts, then an article edited (new date, section, tags, byline), one linked to an event by a
    feed, one deleted: the kept counts are always those counted afresh."""
    path = copy_archive(sample, tmp_path)
    conn = sqlite3.connect(path)
    kept = "select facet, value, n from facet_counts where n > 0 order by 1, 2, 3"
    assert conn.execute(kept).fetchall() == fresh_facet_counts(conn) != []
    first, second = [r[0] for r in conn.execute("select id from articles order by id limit 2")]
    with conn:
        conn.execute("update articles set published_at = '2019-02-03T10:00:00+07:00', section = 'Mới' where id = ?",
                     [first])
        conn.execute("delete from article_tags where article_id = ?", [first])
        conn.execute("insert into article_tags (article_id, tag) values (?, 'thẻ mới')", [first])
        conn.execute("update article_authors set name = 'Người Mới' where article_id = ?", [first])
        conn.execute("insert or ignore into events (slug, name) values ('su-kien-moi', 'Sự kiện mới')")
        conn.execute("insert into article_events (article_id, event_slug) values (?, 'su-kien-moi')", [second])
        for table in ("article_events", "article_tags", "article_authors", "images", "related_links",
                      "article_versions", "article_urls"):
            conn.execute(f"delete from {table} where article_id = ?", [second])
        conn.execute("delete from articles_fts where rowid = ?", [second])
        conn.execute("delete from articles where id = ?", [second])
    assert conn.execute(kept).fetchall() == fresh_facet_counts(conn)
    assert ("tag", "thẻ mới", 1) in conn.execute(kept).fetchall()


def test_the_place_counts_stay_exact_as_districts_and_wards_come_and_go(sample, tmp_path):
    """A district is counted once per article that names it or one of its wards: rows deleted, put back, moved to
    another article, given another key or district, one by one or all at once, the kept counts are those counted
    afresh."""
    path = copy_archive(sample, tmp_path)
    conn = sqlite3.connect(path)
    kept = "select facet, value, n from facet_counts where n > 0 and facet = 'place' order by 1, 2, 3"

    def exact(step):
        assert conn.execute(kept).fetchall() == [r for r in fresh_facet_counts(conn) if r[0] == "place"] != [], step
    exact("crawled")
    aid, ward, district = conn.execute(
        "select w.article_id, w.place_key, w.district_key from article_places w join article_places d "
        "on d.article_id = w.article_id and d.place_key = w.district_key where w.level = 'ward' limit 1").fetchone()
    other = conn.execute("select id from articles where id not in (select article_id from article_places "
                         "where place_key = ? or district_key = ?) limit 1", [district, district]).fetchone()[0]
    saved = conn.execute("select * from article_places where article_id = ?", [aid]).fetchall()
    marks = ", ".join("?" for _ in saved[0])
    steps = [
        ("the district's own row deleted (its ward still holds it)",
         "delete from article_places where article_id = ? and place_key = ?", [aid, district]),
        ("the ward's row deleted too", "delete from article_places where article_id = ? and place_key = ?",
         [aid, ward]),
        ("every row put back", None, None),
        ("the ward without its district", "update article_places set district_key = null where article_id = ? "
         "and place_key = ?", [aid, ward]),
        ("its district again", "update article_places set district_key = ? where article_id = ? and place_key = ?",
         [district, aid, ward]),
        ("the ward moved to another article", "update article_places set article_id = ? where article_id = ? "
         "and place_key = ?", [other, aid, ward]),
        ("the ward renamed", "update article_places set place_key = 'phường Mới' where article_id = ? "
         "and place_key = ?", [other, ward]),
        ("a district's row whose district_key is itself", "update article_places set district_key = place_key "
         "where article_id = ? and place_key = ?", [aid, district]),
        ("every row of both articles at once", "delete from article_places where article_id in (?, ?)", [aid, other]),
        ("every row put back", None, None),
    ]
    for step, sql, params in steps:
        with conn:
            if sql is None:
                conn.execute("delete from article_places where article_id = ?", [aid])
                conn.executemany(f"insert into article_places values ({marks})", saved)
            else:
                conn.execute(sql, params)
        exact(step)


def test_a_reparse_that_finds_the_places_writes_their_narrowing_words_and_counts(sample, tmp_path):
    """An archive whose places are gone (as one made before them): reparse finds them again, and with them each
    article's narrowing words and the place counts, as the crawl wrote them."""
    path = copy_archive(sample, tmp_path)
    conn = sqlite3.connect(path)
    words = "select rowid, narrowing from articles_fts order by rowid"
    counts = "select value, n from facet_counts where facet = 'place' and n > 0 order by 1"
    before, counted = conn.execute(words).fetchall(), conn.execute(counts).fetchall()
    assert any(narrowing.PREFIX["place"] in w for _, w in before) and counted
    db = sqlite_utils.Database(conn)
    with conn:
        conn.execute("delete from article_places")
        refresh_narrowing(db, [r[0] for r in conn.execute("select id from articles")])
    assert not any(narrowing.PREFIX["place"] in w for _, w in conn.execute(words))
    assert not conn.execute(counts).fetchall()
    result = CliRunner().invoke(cli, ["reparse", "--db", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert conn.execute(words).fetchall() == before and conn.execute(counts).fetchall() == counted


def test_an_archive_made_before_the_counts_gets_them_on_upgrade(sample, tmp_path):
    path = copy_archive(sample, tmp_path)
    with sqlite3.connect(path) as conn:
        for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' and name like "
                                    "'facet_counts%'").fetchall():
            conn.execute(f"drop trigger {name}")
        conn.execute("drop table facet_counts")
        conn.execute("pragma user_version = 4")
    Archive(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("select facet, value, n from facet_counts where n > 0 order by 1, 2, 3").fetchall() \
        == fresh_facet_counts(conn)


def test_the_articles_list_reads_its_facets_from_the_counts_and_marks_a_sample(synthetic, tmp_path, monkeypatch):
    """Without a filter the list's seven facets are the kept counts (exact); a search past LAZY matches counts a
    sample of buckets and says so (≈)."""
    path = copy_archive(synthetic, tmp_path)
    ds = datasette_for(path)
    name = path.stem
    data = get(ds, f"/{name}/articles.json", params={"_size": "1"}).json()
    conn = sqlite3.connect(path)
    for facet, key in (("event", "event"), ("tag", "tag"), ("person", "person"), ("place", "place"),
                       ("section", "section"), ("year", "published_at_year"), ("month", "published_at_month")):
        shown = {r["value"]: r["count"] for r in data["facet_results"][key]["results"]}
        kept = dict(conn.execute("select value, n from facet_counts where facet = ?", [facet]).fetchall())
        assert shown and all(kept[v] == n for v, n in shown.items()), facet
    places = dict(conn.execute(BY_NAME["place"].link.count_sql("article_places t")).fetchall())
    assert all(places[r["value"]] == r["count"] for r in data["facet_results"]["place"]["results"])
    section = dict(conn.execute("select section, count(*) from articles group by 1").fetchall())
    assert {r["value"]: r["count"] for r in data["facet_results"]["section"]["results"]} == section
    exact = get(ds, f"/{name}/articles.json", params={"_search": "ha noi", "_size": "1"}).json()
    assert 100 < exact["filtered_table_rows_count"] < 1500
    assert not any(f.get("estimated") for f in exact["facet_results"].values())
    monkeypatch.setattr(search_sample, "LAZY", 100)
    from datasette_kinhtedothi.archive import facets
    monkeypatch.setattr(facets, "SAMPLE", 100)
    sampled = get(ds, f"/{name}/articles.json", params={"_search": "ha noi", "_size": "1"}).json()
    assert all(f["estimated"] for f in sampled["facet_results"].values())
    total = sum(r["count"] for r in exact["facet_results"]["section"]["results"])
    estimate = sum(r["count"] for r in sampled["facet_results"]["section"]["results"])
    assert 0.6 * total < estimate < 1.4 * total
    page = get(ds, f"/{name}/articles", params={"_search": "ha noi"}).text
    assert "≈" in page


def test_a_date_range_becomes_whole_years_whole_months_and_the_days_at_its_ends():
    first, last = date(2018, 1, 1), date(2025, 12, 31)
    assert narrowing.period_terms("2021", "2022", first, last) == ["đy2021"]
    assert narrowing.period_terms("2021-05", "2021-06", first, last) == ["đm202105"]
    assert narrowing.period_terms("2020-12-30", "2022-02-02", first, last) == [
        "đd20201230", "đd20201231", "đy2021", "đm202201", "đd20220201"]
    assert narrowing.period_terms(None, "2018-01-03", first, last) == ["đd20180101", "đd20180102"]
    assert narrowing.period_terms("2025-12", None, first, last) == ["đm202512"]
    assert narrowing.period_terms("2031-01-01", None, first, last) is None
    assert narrowing.date_terms("2021-05-23T10:00:00+07:00") == ["đy2021", "đm202105", "đd20210523"]
    assert narrowing.date_terms("2021-05-23") == ["đy2021", "đm202105", "đd20210523"]
    assert narrowing.date_terms("hôm qua") == narrowing.date_terms(None) == []
    # an archive with a date far off (year 1, year 9999) asks only for the years it holds
    assert narrowing.period_terms(None, "2021-01-01", date(1, 1, 1), date(9999, 12, 31), years={"0001", "2020"}) \
        == ["đy0001", "đy2020"]
