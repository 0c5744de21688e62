"""Days as the contest office sets them, in the edition's time zone: a date that opens
something starts at local midnight, a deadline or a closing date lasts to the end of its
local day. Pure; one rule for the set-up page, the demo, the pages that show moments and
anything else that turns a day into a moment."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

# The contest runs on China Standard Time (Guangdong, Hong Kong and Macao share it);
# moments are stored in UTC and shown and set in this zone.
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)


def day_start(day: date | None) -> datetime | None:
    """00:00:00 local time of the day, as a UTC moment."""
    return None if day is None else datetime.combine(day, time(0, 0), tzinfo=ZONE).astimezone(timezone.utc)


def day_end(day: date | None) -> datetime | None:
    """23:59:59 local time of the day, as a UTC moment: a deadline on the 14th still
    accepts work on the 14th."""
    return None if day is None else datetime.combine(day, time(23, 59, 59), tzinfo=ZONE).astimezone(timezone.utc)


def day_of(moment: datetime | None) -> date | None:
    """The local day a moment falls on, as a date picker shows it."""
    return None if moment is None else local(moment).date()


def local(moment: datetime) -> datetime:
    """A moment on the contest's clock (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZONE)
