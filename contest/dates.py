"""Days as the contest office sets them: a date that opens something starts at midnight, a
deadline or a closing date lasts to the end of its day. Pure; one rule for the set-up page,
the demo and anything else that turns a day into a moment."""

from __future__ import annotations

from datetime import date, datetime, time, timezone


def day_start(day: date | None) -> datetime | None:
    """00:00:00 UTC of the day."""
    return None if day is None else datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def day_end(day: date | None) -> datetime | None:
    """23:59:59 UTC of the day: a deadline on the 14th still accepts work on the 14th."""
    return None if day is None else datetime.combine(day, time(23, 59, 59), tzinfo=timezone.utc)


def day_of(moment: datetime | None) -> date | None:
    """The day a moment falls on (UTC), as a date picker shows it."""
    return None if moment is None else moment.astimezone(timezone.utc).date()
