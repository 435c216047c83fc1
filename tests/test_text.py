import unicodedata

import pytest

from kinhtedothi.vocab.text import clean, clean_paragraphs, fold, fold_name

pytestmark = pytest.mark.fast


def test_clean_makes_nfc_and_collapses_whitespace():
    nfd = unicodedata.normalize("NFD", "Hà\u00a0Nội  \n mùa   thu ")
    assert clean(nfd) == "Hà Nội mùa thu"
    assert unicodedata.is_normalized("NFC", clean(nfd))


def test_clean_turns_empty_into_none():
    assert clean("  \u00a0 \u200b ") is None
    assert clean(None) is None


def test_clean_paragraphs_joins_with_one_blank_line_and_drops_empty_ones():
    assert clean_paragraphs(["Một.", "\u00a0", " Hai. "]) == "Một.\n\nHai."
    assert clean_paragraphs(["", " "]) is None


def test_fold_removes_diacritics_including_d_with_stroke():
    assert fold("Đảng bộ HĐND khóa XV") == "dang bo hdnd khoa xv"
    assert fold("khoá") == fold("khóa") == "khoa"


def test_fold_treats_nfd_and_nfc_alike():
    assert fold(unicodedata.normalize("NFD", "Bầu cử")) == fold("Bầu cử") == "bau cu"


def test_fold_name_ignores_quote_style_and_case():
    assert fold_name('Cuộc thi viết "Bảo vệ môi trường"') == fold_name("CUỘC THI VIẾT “BẢO VỆ MÔI TRƯỜNG”")


def test_clean_of_a_text_already_spaced_right_equals_the_full_rule_on_any_character():
    """clean takes a short cut for printable texts with single spaces; the result is the full rule's:
    controls and invisible characters out, NFC, whitespace collapsed."""
    import random

    from kinhtedothi.vocab.text import _ANY_ODD, _INVISIBLE, strip_controls

    def full_rule(text):
        if _ANY_ODD.search(text):
            text = _INVISIBLE.sub("", strip_controls(text))
        return " ".join(unicodedata.normalize("NFC", text).split()) or None

    pieces = ["a", "Hà", "Nội", " ", "  ", "\xa0", "\n", "\u200b", "\xad", "\x01", "\x85", "\x1c", "\u2000", "e\u0301",
              "\u0301", "\ufeff", "\u2028", "\u212b", "ê\u0323", "ﬁ"]
    rng = random.Random(3)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    texts += [c for cp in range(0x110000) for c in (f"x {chr(cp)} y", chr(cp))]
    for text in texts:
        assert clean(text) == full_rule(text), repr(text)
