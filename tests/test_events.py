import pytest

from scraper import events

pytestmark = pytest.mark.fast


def test_election_feed_matches_with_other_tone_mark_placement_and_case():
    election = events.by_slug("bau-cu-quoc-hoi-khoa-xv")
    assert election.matches("BẦU CỬ ĐẠI BIỂU QUỐC HỘI KHOÁ XV VÀ HĐND CÁC CẤP")


def test_contest_feed_matches_with_curly_quotes():
    contest = events.by_slug("cuoc-thi-bao-ve-moi-truong")
    assert contest.matches("CUỘC THI VIẾT “BẢO VỆ MÔI TRƯỜNG TRÊN ĐỊA BÀN TP HÀ NỘI”")


def test_other_events_do_not_match():
    for event in events.EVENTS:
        assert not event.matches("ĐẠI HỘI ĐẢNG BỘ CÁC CẤP VÀ ĐẠI HỘI XIII CỦA ĐẢNG")
        assert not event.matches("Sự kiện")
        assert not event.matches("")


def test_select_reads_a_comma_separated_list():
    assert [e.slug for e in events.select("dai-dich-covid-19, bau-cu-quoc-hoi-khoa-xv")] == [
        "dai-dich-covid-19", "bau-cu-quoc-hoi-khoa-xv"]
    assert len(events.select(None)) == 3


def test_unknown_slug_names_the_known_ones():
    with pytest.raises(KeyError, match="dai-dich-covid-19"):
        events.select("covid")
