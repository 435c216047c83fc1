"""Stored bodies as reparse reads them: an older crawler's gzip answers are inflated, whole or cut, never
past the size bound; what is not a page is named, never parsed."""

import gzip
import zlib

import pytest

from scraper.reparse import MAX_BODY, Unreadable, gunzip, stored_body

pytestmark = pytest.mark.fast

PAGE = "<html><body><p>Hà Nội đón mưa lớn</p></body></html>".encode() * 200


def test_a_gzip_body_of_several_members_is_inflated_whole():
    assert gunzip(gzip.compress(PAGE[:1000]) + gzip.compress(PAGE[1000:]), MAX_BODY) == PAGE


def test_a_cut_gzip_body_gives_what_it_holds_up_to_the_cut():
    packed = gzip.compress(PAGE)
    inflated = gunzip(packed[: len(packed) // 2], MAX_BODY)
    assert inflated and PAGE.startswith(inflated) and len(inflated) < len(PAGE)


def test_a_gzip_body_larger_than_the_bound_is_refused():
    with pytest.raises(ValueError, match="more than 1000 bytes"):
        gunzip(gzip.compress(PAGE), 1000)


def test_stored_bodies_that_are_no_page_are_named():
    assert stored_body(zlib.compress(gzip.compress(PAGE))) == PAGE
    for blob, why in ((b"\x1f\x8b\x08\x00garbage", "cannot be inflated"), (b"  \n", "empty body"),
                      (b"\x00" * 100, "binary content")):
        with pytest.raises(Unreadable, match=why):
            stored_body(zlib.compress(blob))
