import unicodedata

from vocab.text import clean, clean_paragraphs, fold, fold_name


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
