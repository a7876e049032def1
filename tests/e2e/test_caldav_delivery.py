"""CalDAV round trip against a real Radicale: publish, update in place, cancel."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import icalendar
from radicale_server import RadicaleServer

from koordination.calendar.events import Event, Override, Place
from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE
from koordination.delivery.caldav import cancel, publish, resource_url

DTSTAMP = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)


def at(month: int, day: int, hour: int = 18) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=CITY_ZONE)


def series() -> Event:
    return Event(
        uid="ak-umwelt/2026@koordination.example",  # a slash, to prove the name is encoded
        sequence=0,
        title="Arbeitskreis Umwelt",
        start=at(9, 8),
        end=at(9, 8, 20),
        place=Place(address="Berliner Platz 1", room="Raum 2.14"),
        rrule=RecurrenceRule.monthly_on_weekday(2, 1, until=date(2026, 12, 31)).to_rrule(),
        organizer_name="Koordinierungsstelle",
        organizer_email="koordination@stadt.example",
    )


def stored(server: RadicaleServer, calendar_url: str) -> list[icalendar.Calendar]:
    """Every calendar object in the collection, as the server hands it out (PROPFIND + GET)."""
    body = (
        b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop>'
        b"</D:propfind>"
    )
    status, answer = server.request("PROPFIND", calendar_url, body, {"Depth": "1"})
    assert status == 207
    from xml.etree import ElementTree

    hrefs = [
        h.text
        for h in ElementTree.fromstring(answer).iter("{DAV:}href")
        if h.text and h.text.endswith(".ics")
    ]
    result = []
    for href in hrefs:
        status, data = server.request("GET", server.base_url.rstrip("/") + href)
        assert status == 200
        result.append(icalendar.Calendar.from_ical(data))
    return result


def test_publish_then_change_updates_the_one_event_in_place(radicale: RadicaleServer) -> None:
    calendar_url = radicale.new_calendar()
    login = (calendar_url, radicale.username, radicale.password)
    first = publish([series()], *login, dtstamp=DTSTAMP)
    assert (first.created, first.updated, first.failed) == ([series().uid], [], [])
    assert "/" not in resource_url(calendar_url, series().uid).removeprefix(calendar_url)
    assert resource_url(calendar_url, "abc@stadt.example") == calendar_url + "abc@stadt.example.ics"

    moved = dataclasses.replace(
        series(),
        sequence=1,
        start=at(9, 8, 19),
        end=at(9, 8, 21),
        overrides=(Override(at(10, 13, 19), start=at(10, 20, 17), end=at(10, 20, 19)),),
    )
    second = publish([moved], *login, dtstamp=DTSTAMP + timedelta(days=1))
    assert (second.created, second.updated) == ([], [moved.uid])

    (calendar,) = stored(radicale, calendar_url)
    master, exception = calendar.walk("VEVENT")
    assert master["SEQUENCE"] == 1
    assert master.decoded("DTSTART") == at(9, 8, 19)
    assert exception.decoded("RECURRENCE-ID") == at(10, 13, 19)
    assert exception.decoded("DTSTART") == at(10, 20, 17)
    assert "ATTENDEE" not in master and "METHOD" not in calendar


def test_cancel_one_occurrence_then_the_whole_series(radicale: RadicaleServer) -> None:
    calendar_url = radicale.new_calendar()
    login = (calendar_url, radicale.username, radicale.password)
    assert publish([series()], *login, dtstamp=DTSTAMP).ok

    bumped = dataclasses.replace(series(), sequence=1)
    report = cancel(bumped, *login, recurrence_id=at(11, 10), dtstamp=DTSTAMP)
    assert report.updated == [bumped.uid]
    (calendar,) = stored(radicale, calendar_url)
    (master,) = calendar.walk("VEVENT")
    assert master["EXDATE"].to_ical() == b"20261110T180000"
    assert master["SEQUENCE"] == 1

    removed = cancel(bumped.uid, *login)
    assert removed.removed == [bumped.uid] and removed.ok
    assert stored(radicale, calendar_url) == []
    # A cancelled meeting published again stays away, and cancelling twice is no error.
    again = publish([dataclasses.replace(bumped, cancelled=True)], *login)
    assert again.removed == [bumped.uid] and again.ok


def test_one_failing_meeting_does_not_stop_the_others(radicale: RadicaleServer) -> None:
    calendar_url = radicale.new_calendar()
    broken = dataclasses.replace(series(), uid="kaputt\r\nX-BOESE:1")
    good = dataclasses.replace(series(), uid="gut@koordination.example")
    report = publish(
        [broken, good], calendar_url, radicale.username, radicale.password, dtstamp=DTSTAMP
    )
    assert report.created == [good.uid]
    assert [uid for uid, _ in report.failed] == [broken.uid]
    assert "UID" in report.failed[0][1]
    assert "1 fehlgeschlagen" in report.summary()


def test_wrong_calendar_address_is_reported_in_german(
    radicale: RadicaleServer,
) -> None:
    missing = publish(
        [series()], radicale.base_url + "koordination/gibt-es-nicht/", radicale.username, "x"
    )
    assert "Kalender nicht gefunden" in missing.failed[0][1]
    assert missing.summary().startswith("0 neu, 0 aktualisiert, 0 entfernt, 1 fehlgeschlagen")
