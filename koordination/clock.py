"""The city's zone and the one clock: every service asks it for now and today."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

#: The city's zone: every local time in koordination is a wall-clock time in Berlin.
CITY_ZONE = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Clock:
    """``now()`` is an aware UTC instant, ``today()`` the date in the city's zone.

    The system clock by default; ``Clock.fixed(...)`` stops time, ``Clock.on(day)`` moves the
    calendar to another day (tests, the demo, reports "as of" a day).
    """

    at: datetime | None = None
    day: date | None = None
    #: For `Clock.on`: the monotonic reading when the clock was made.
    started: float = field(default_factory=monotonic, compare=False, repr=False)

    @classmethod
    def fixed(cls, moment: datetime | date) -> Clock:
        """A clock that always says ``moment`` (a date means noon of that day in the city)."""
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12, 0), tzinfo=CITY_ZONE)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=CITY_ZONE)
        return cls(moment.astimezone(UTC))

    @classmethod
    def on(cls, day: date) -> Clock:
        """A clock whose day starts at midnight (city time) of ``day`` when the clock is made
        and then runs on: the same instants on every run, and changes stay ordered."""
        return cls(day=day)

    def now(self) -> datetime:
        if self.at is not None:
            return self.at
        if self.day is None:
            return datetime.now(UTC)
        midnight = datetime.combine(self.day, time(0, 0), tzinfo=CITY_ZONE)
        return (midnight + timedelta(seconds=monotonic() - self.started)).astimezone(UTC)

    def local_now(self) -> datetime:
        """Now as a wall-clock time in the city."""
        return self.now().astimezone(CITY_ZONE)

    def today(self) -> date:
        return self.local_now().date()


SYSTEM_CLOCK = Clock()
