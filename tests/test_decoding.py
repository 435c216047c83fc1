"""Pages whose bytes are not all what they claim: a real article with Word's Windows-1252 punctuation pasted into
its UTF-8 reads as the article itself (BeautifulSoup's detwingle); other stray bytes are replaced and counted."""

import json
from pathlib import Path

import pytest

from kinhtedothi.vocab.decoding import decode_page
from scraper.parse import parse_page

pytestmark = pytest.mark.fast

PAGES = Path(__file__).parent / "pages"
# What Word puts on the clipboard in Windows-1252, and a CMS that does not re-encode stores as is.
WORD = {"“": b"\x93", "”": b"\x94", "…": b"\x85", "–": b"\x96"}


def pasted_from_word(page: bytes) -> bytes:
    for character, byte in WORD.items():
        page = page.replace(character.encode("utf-8"), byte)
    return page


def test_a_real_article_with_word_punctuation_in_its_utf8_reads_as_the_article():
    original = (PAGES / "real-385664.html").read_bytes()
    mixed = pasted_from_word(original)
    assert original.count("“".encode()) == 6 and original.count("…".encode()) == 3  # now Windows-1252 bytes
    assert b"\xef\xbf\xbd" not in mixed and mixed.decode("utf-8", errors="replace").count("\ufffd") == 15
    text, replaced = decode_page(mixed)
    assert (text, replaced) == (decode_page(original)[0], 0)
    expected = json.loads((PAGES / "real-385664.json").read_text(encoding="utf-8"))
    record = parse_page(mixed)
    assert {field: record[field] for field in expected} == expected
    assert "“" in record["body_text"] and "\ufffd" not in record["body_text"]


def test_stray_bytes_that_are_not_windows_1252_text_are_replaced_and_counted():
    page = "<p>Mưa lớn kéo dài ở Hà Nội{bad} suốt đêm “to”.</p>".encode().replace(b"{bad}", b" \xff\xfe \xc3 \xa0\x80")
    text, replaced = decode_page(page)
    assert replaced == 5 and "Mưa lớn kéo dài ở Hà Nội" in text and "“to”" in text


def test_a_legacy_codepage_page_is_not_read_as_windows_1252():
    page = "<p>Hà Nô\u0323i “mùa thu”</p>".encode("cp1258")  # no UTF-8 at all: windows-1258, as before
    assert decode_page(page, "text/html; charset=utf-8") == ("<p>Hà Nô\u0323i “mùa thu”</p>", 0)
