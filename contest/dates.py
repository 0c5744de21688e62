"""Days as the contest office sets them, in the edition's time zone: a date that opens
something starts at local midnight, a deadline or a closing date lasts to the end of its
local day. Pure; one rule for the set-up page, the demo, the pages that show moments and
anything else that turns a day into a moment."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

# An edition's time zone unless it sets another (Edition.time_zone). Guangdong, Hong Kong
# and Macao share one offset; moments are stored in UTC and shown and set in the zone.
ZONE_NAME = "Asia/Hong_Kong"
ZONE = ZoneInfo(ZONE_NAME)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the system's zone files on every call: read once.
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """Every IANA time zone an edition may choose, sorted."""
    return sorted(_known_zones())


@lru_cache(maxsize=64)
def zone(name: str | None = None) -> ZoneInfo:
    """The named zone, or the default for None, "" or a name the system does not know.
    Called for every moment a page shows, so it must cost nothing (it walked the zone files
    each time: a quarter of the server's CPU with 31 tabs at work)."""
    if name and name in _known_zones():
        return ZoneInfo(name)
    return ZONE


def day_start(day: date | None, zone_name: str | None = None) -> datetime | None:
    """00:00:00 local time of the day, as a UTC moment."""
    return None if day is None else datetime.combine(day, time(0, 0), tzinfo=zone(zone_name)).astimezone(timezone.utc)


def day_end(day: date | None, zone_name: str | None = None) -> datetime | None:
    """23:59:59 local time of the day, as a UTC moment: a deadline on the 14th still
    accepts work on the 14th."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone(zone_name)).astimezone(timezone.utc)


def day_of(moment: datetime | None, zone_name: str | None = None) -> date | None:
    """The local day a moment falls on, as a date picker shows it."""
    return None if moment is None else local(moment, zone_name).date()


def local(moment: datetime, zone_name: str | None = None) -> datetime:
    """A moment on the contest's clock (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(zone_name))
