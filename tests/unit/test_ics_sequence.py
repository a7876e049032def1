"""Which SEQUENCE, STATUS, times and place each VEVENT of a calendar file carries: the series
its own, a moved date the higher of its own and the series' sequence, a cancellation the
sequence the caller raised, a single meeting whose one date is called off the original time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import icalendar

from koordination.calendar.events import Attendee, Event, Override, Place
from koordination.calendar.ics import calendar_object, cancellation, invitation
from koordination.clock import CITY_ZONE

DTSTAMP = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
PERSON = Attendee(name="Ute Beispiel", email="ute@example.org")
HALL = Place(address="Markt 1", room="Saal")
ANNEX = Place(address="Markt 3", room="Anbau")


def at(month: int, day: int, hour: int = 18) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=CITY_ZONE)


def weekly(*overrides: Override) -> Event:
    return Event(
        uid="ak@koordination.example",
        sequence=3,
        title="AK",
        start=at(9, 1),
        end=at(9, 1, 20),
        place=HALL,
        rrule="FREQ=WEEKLY;COUNT=10",
        overrides=overrides,
        organizer_name="Büro",
        organizer_email="buero@example.org",
    )


def vevents(data: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_the_series_keeps_its_own_sequence_and_a_moved_date_its_higher_one() -> None:
    moved = Override(at(9, 8), start=at(9, 9, 19), place=ANNEX, sequence=5)
    dropped = Override(at(9, 15), cancelled=True, sequence=7)
    series, date = vevents(invitation(weekly(moved, dropped), PERSON, dtstamp=DTSTAMP))
    assert (series["SEQUENCE"], date["SEQUENCE"]) == (3, 5)
    assert (series.decoded("DTSTART"), series.decoded("DTEND")) == (at(9, 1), at(9, 1, 20))
    assert [d.dt for d in series["EXDATE"].dts] == [at(9, 15)]
    assert date.decoded("RECURRENCE-ID") == at(9, 8)
    # Moved by its start alone, the date keeps the series' length and takes its own place.
    assert (date.decoded("DTSTART"), date.decoded("DTEND")) == (at(9, 9, 19), at(9, 9, 21))
    assert str(date["LOCATION"]).startswith("Anbau")
    assert {str(v["STATUS"]) for v in (series, date)} == {"CONFIRMED"}


def test_cancelling_a_moved_date_writes_the_sequence_the_caller_raised() -> None:
    moved = Override(at(9, 8), start=at(9, 9, 19), place=ANNEX, sequence=5)
    (date,) = vevents(cancellation(weekly(moved), PERSON, dtstamp=DTSTAMP, recurrence_id=at(9, 8)))
    assert date["SEQUENCE"] == 3
    assert date.decoded("DTSTART") == at(9, 9, 19)
    assert str(date["LOCATION"]).startswith("Anbau")
    assert str(date["STATUS"]) == "CANCELLED" and "RRULE" not in date


def test_a_single_meeting_whose_date_is_called_off_is_cancelled_at_its_time() -> None:
    single = dataclasses.replace(weekly(Override(at(9, 1), cancelled=True, sequence=4)), rrule=None)
    (only,) = vevents(calendar_object(single, dtstamp=DTSTAMP))
    assert str(only["STATUS"]) == "CANCELLED" and only["SEQUENCE"] == 4
    assert (only.decoded("DTSTART"), only.decoded("DTEND")) == (at(9, 1), at(9, 1, 20))
    assert "RECURRENCE-ID" not in only and "RRULE" not in only
