"""Plain data the calendar functions work on: an event (one meeting or a whole series)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Place:
    address: str = ""
    room: str = ""
    online_url: str = ""

    @property
    def location(self) -> str:
        """The LOCATION text: room and address, or the online link when there is no place."""
        where = ", ".join(p for p in (self.room, self.address.replace("\n", ", ")) if p)
        return where or self.online_url


@dataclass(frozen=True)
class Override:
    """One occurrence of a series that differs: cancelled, or moved in time and/or place.

    ``recurrence_id`` is the occurrence's original start (aware, as the rule produced it).
    """

    recurrence_id: datetime
    cancelled: bool = False
    start: datetime | None = None
    end: datetime | None = None
    place: Place | None = None
    sequence: int = 0


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str = "REQ-PARTICIPANT"
    partstat: str = "NEEDS-ACTION"


@dataclass(frozen=True)
class Event:
    """A meeting, or a series of meetings, as a calendar sees it.

    ``start``/``end`` are aware datetimes (the first occurrence for a series). ``rrule`` is an
    RFC 5545 RRULE value such as ``FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959Z``; the rule is
    applied in the city's wall-clock time, so 18:00 stays 18:00 across the daylight-saving switch.
    """

    uid: str
    sequence: int
    title: str
    start: datetime
    end: datetime
    description: str = ""
    place: Place = field(default_factory=Place)
    rrule: str | None = None
    overrides: tuple[Override, ...] = ()
    cancelled: bool = False
    organizer_name: str = ""
    organizer_email: str = ""
    agenda: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    """One expanded occurrence: what a calendar shows on a day."""

    uid: str
    recurrence_id: datetime
    start: datetime
    end: datetime
    title: str
    place: Place
    cancelled: bool = False
    moved: bool = False
