"""Days are the contest's own (China Standard Time): a deadline on the 14th lasts to
23:59:59 in Guangdong, Hong Kong and Macao, whatever the server's clock."""

from datetime import date, datetime, timezone

from contest import dates


def test_a_deadline_lasts_to_the_end_of_the_local_day():
    assert dates.day_end(date(2026, 12, 14)) == datetime(2026, 12, 14, 15, 59, 59, tzinfo=timezone.utc)


def test_an_opening_day_starts_at_local_midnight():
    assert dates.day_start(date(2026, 12, 14)) == datetime(2026, 12, 13, 16, 0, tzinfo=timezone.utc)


def test_the_day_of_a_moment_is_its_local_day_and_round_trips():
    assert dates.day_of(datetime(2026, 12, 14, 17, 0, tzinfo=timezone.utc)) == date(2026, 12, 15)
    for day in (date(2026, 1, 1), date(2026, 12, 31)):
        assert dates.day_of(dates.day_end(day)) == day == dates.day_of(dates.day_start(day))
