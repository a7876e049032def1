"""Meeting times in the city's zone: Berlin wall-clock times, day starts, UIDs, the look-ahead."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from koordination.clock import CITY_ZONE

if TYPE_CHECKING:
    from koordination.domain.inputs.meetings import MeetingInput

#: How far ahead holiday warnings and "next occurrences" look for an endless series.
LOOKAHEAD = timedelta(days=2 * 366)


def local(value: datetime) -> datetime:
    """A wall-clock time in Berlin: naive values are taken as Berlin time."""
    return value.replace(tzinfo=CITY_ZONE) if value.tzinfo is None else value.astimezone(CITY_ZONE)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE)


def new_uid(domain: str = "koordination.local") -> str:
    return f"{uuid.uuid4()}@{domain}"


def clock_warnings(data: MeetingInput) -> list[str]:
    """German warnings for a meeting or series at a time the daylight-saving switch skips or
    repeats (see koordination.calendar.wallclock); none while start or end is missing."""
    from koordination.calendar.wallclock import clock_change_warnings, series_days

    if data.start is None or data.end is None:
        return []
    return clock_change_warnings(
        data.start, data.end, series_days(data.start, data.end, data.rrule)
    )
