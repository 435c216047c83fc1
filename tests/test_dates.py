import pytest

from pipelines.dates import GarbledDate, parse_published


def test_legacy_date_is_hanoi_time():
    assert parse_published("13-01-2021 20:36") == "2021-01-13T20:36:00+07:00"


def test_text_around_the_legacy_date_is_ignored():
    assert parse_published("Thứ Tư, 13-01-2021 20:36 (GMT+7)") == "2021-01-13T20:36:00+07:00"


def test_current_layout_date_has_time_before_day():
    assert parse_published("Thứ tư, 20:36 13/01/2021") == "2021-01-13T20:36:00+07:00"


def test_iso_metadata_is_converted_to_hanoi_offset():
    assert parse_published("2021-01-13T13:36:00Z") == "2021-01-13T20:36:00+07:00"
    assert parse_published("2021-01-13T20:36:00+07:00") == "2021-01-13T20:36:00+07:00"


def test_a_date_without_time_stays_a_date():
    assert parse_published("13/01/2021") == "2021-01-13"


def test_no_text_is_no_date():
    assert parse_published(None) is None


@pytest.mark.parametrize("raw", ["hôm qua", "32-13-2021 25:61", "31-02-2021 10:00"])
def test_garbled_dates_raise_with_the_text(raw):
    with pytest.raises(GarbledDate, match="2021|hôm qua"):
        parse_published(raw)
