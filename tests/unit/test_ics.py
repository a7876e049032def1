"""Invitations, cancellations and feeds as .ics: exact files, safe against anything a user types.

Golden files live in tests/golden/. After a deliberate change of the output, regenerate them with
``KOORDINATION_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_ics.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.policy import fuzz

from koordination.calendar.events import Attendee, Event, Override, Place
from koordination.calendar.ics import (
    PRODID,
    calendar_object,
    cancellation,
    description_text,
    feed,
    invitation,
)
from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE
from koordination.errors import ValidationError

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REGENERATE = "KOORDINATION_REGENERATE_GOLDEN"
DTSTAMP = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
TU = 1


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CITY_ZONE)


OFFICE = {
    "organizer_name": "Koordinierungsstelle Engagierte Stadt Gießen",
    "organizer_email": "koordination@giessen.example",
}
RATHAUS = Place(address="Berliner Platz 1\n35390 Gießen", room="Raum 2.14")
HYBRID = Place(
    address="Kongresshalle, Südanlage 3", room="Saal", online_url="https://meet.example/ak?a=1;b=2"
)
PERSON = Attendee(name="Jörg Müller-Lüdenscheidt", email="joerg@example.org")


def working_group() -> Event:
    return Event(
        uid="ak-umwelt-2026@koordination.example",
        sequence=3,
        title="Arbeitskreis „Umwelt“: Treffen",
        description=(
            'Wir planen die "Baumpflanzaktion"; alle sind willkommen, auch Gäste.\n'
            "Bitte Unterlagen mitbringen. " + "Sehr langer Text mit Umlauten äöüß. " * 6
        ),
        start=at(2026, 9, 8),
        end=at(2026, 9, 8, 20),
        place=HYBRID,
        rrule=RecurrenceRule.monthly_on_weekday(2, TU, until=date(2027, 6, 30)).to_rrule(),
        overrides=(
            Override(
                at(2026, 10, 13),
                start=at(2026, 10, 27, 19),
                end=at(2026, 10, 27, 21),
                place=RATHAUS,
                sequence=3,
            ),
            Override(at(2027, 3, 9), cancelled=True),
        ),
        agenda=("Begrüßung", "Bericht der Sprecherin", "Verschiedenes"),
        categories=("Arbeitskreis",),
        **OFFICE,
    )


def workshop() -> Event:
    return Event(
        uid="werkstatt-2026-10-25@koordination.example",
        sequence=0,
        title="Zukunftswerkstatt",
        start=at(2026, 10, 25, 10),
        end=at(2026, 10, 25, 16),
        place=RATHAUS,
        **OFFICE,
    )


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get(REGENERATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} fehlt: mit {REGENERATE}=1 erzeugen"
    assert data == path.read_bytes(), f"{name} weicht ab; gewollt? {REGENERATE}=1 setzt neu"


# --- golden files -------------------------------------------------------------------------------


def test_series_invitation_matches_golden_file() -> None:
    check_golden("invitation-series.ics", invitation(working_group(), PERSON, dtstamp=DTSTAMP))


def test_single_meeting_invitation_matches_golden_file() -> None:
    check_golden("invitation-single.ics", invitation(workshop(), PERSON, dtstamp=DTSTAMP))


def test_cancellation_of_one_occurrence_matches_golden_file() -> None:
    event = working_group()
    data = cancellation(event, PERSON, dtstamp=DTSTAMP, recurrence_id=at(2026, 11, 10))
    check_golden("cancel-occurrence.ics", data)


def test_cancellation_of_the_series_matches_golden_file() -> None:
    check_golden("cancel-series.ics", cancellation(working_group(), PERSON, dtstamp=DTSTAMP))


def test_feed_matches_golden_file() -> None:
    data = feed([working_group(), workshop()], name="Engagierte Stadt Gießen", dtstamp=DTSTAMP)
    check_golden("feed.ics", data)


# --- what the files say ------------------------------------------------------------------------


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_invitation_has_everything_a_calendar_needs() -> None:
    cal = parse(invitation(working_group(), PERSON, dtstamp=DTSTAMP))
    assert str(cal["PRODID"]) == PRODID == "-//koordination//Engagierte Stadt//DE"
    assert (str(cal["VERSION"]), str(cal["CALSCALE"]), str(cal["METHOD"])) == (
        "2.0",
        "GREGORIAN",
        "REQUEST",
    )
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Berlin"
    assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    master, moved = cal.walk("VEVENT")
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master.decoded("DTSTART") == at(2026, 9, 8)
    assert master["DTSTAMP"].to_ical() == b"20260801T093000Z"
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY;UNTIL=20270630T215959Z;BYDAY=2TU"
    assert master["EXDATE"].to_ical() == b"20270309T180000"
    assert str(master["STATUS"]) == "CONFIRMED"
    assert str(master["LOCATION"]) == "Saal, Kongresshalle, Südanlage 3"
    assert str(master["URL"]) == "https://meet.example/ak?a=1;b=2"
    attendee = master["ATTENDEE"]
    assert str(attendee) == "mailto:joerg@example.org"
    assert attendee.params["CN"] == "Jörg Müller-Lüdenscheidt"
    assert (attendee.params["RSVP"], attendee.params["ROLE"], attendee.params["PARTSTAT"]) == (
        "TRUE",
        "REQ-PARTICIPANT",
        "NEEDS-ACTION",
    )
    assert attendee.params["CUTYPE"] == "INDIVIDUAL"
    assert str(master["ORGANIZER"]) == "mailto:koordination@giessen.example"
    assert str(moved["UID"]) == str(master["UID"])
    assert moved.decoded("RECURRENCE-ID") == at(2026, 10, 13)
    assert moved.decoded("DTSTART") == at(2026, 10, 27, 19)
    assert str(moved["LOCATION"]) == "Raum 2.14, Berliner Platz 1, 35390 Gießen"


def test_description_carries_text_agenda_place_and_link() -> None:
    text = description_text(working_group())
    assert text.startswith('Wir planen die "Baumpflanzaktion"; alle sind willkommen')
    assert (
        "Tagesordnung:\nTOP 1 Begrüßung\nTOP 2 Bericht der Sprecherin\nTOP 3 Verschiedenes" in text
    )
    assert text.endswith(
        "Ort: Saal, Kongresshalle, Südanlage 3\nOnline: https://meet.example/ak?a=1;b=2"
    )
    cal = parse(invitation(working_group(), PERSON, dtstamp=DTSTAMP))
    assert str(cal.walk("VEVENT")[0]["DESCRIPTION"]) == text


def test_file_is_folded_at_75_octets_with_crlf_and_intact_utf8() -> None:
    data = invitation(working_group(), PERSON, dtstamp=DTSTAMP)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no line ends inside a multi-byte character
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "äöüß. Sehr langer Text mit Umlauten äöüß." in unfolded


def test_only_the_recipient_is_an_attendee() -> None:
    data = invitation(working_group(), PERSON, dtstamp=DTSTAMP)
    assert data.count(b"ATTENDEE") == 2  # master and moved occurrence, both the same person
    for vevent in parse(data).walk("VEVENT"):
        assert str(vevent["ATTENDEE"]) == "mailto:joerg@example.org"


def test_cancellation_of_one_occurrence_names_it_by_recurrence_id() -> None:
    event = working_group()
    cal = parse(cancellation(event, PERSON, dtstamp=DTSTAMP, recurrence_id=at(2026, 10, 13)))
    assert str(cal["METHOD"]) == "CANCEL"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent.decoded("RECURRENCE-ID") == at(2026, 10, 13)
    assert vevent.decoded("DTSTART") == at(2026, 10, 27, 19)  # where it had been moved to
    assert vevent["SEQUENCE"] == 3
    assert "RRULE" not in vevent


def test_cancellation_of_the_series_keeps_uid_and_rule() -> None:
    cal = parse(cancellation(working_group(), PERSON, dtstamp=DTSTAMP))
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == "ak-umwelt-2026@koordination.example"
    assert "RRULE" in vevent and "RECURRENCE-ID" not in vevent
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_feed_has_no_volunteer_addresses_and_leaves_out_cancelled_meetings() -> None:
    cancelled = Event(
        "weg@koordination.example",
        1,
        "Abgesagt",
        at(2026, 11, 1),
        at(2026, 11, 1, 19),
        cancelled=True,
    )
    data = feed([working_group(), workshop(), cancelled], name="Alle", dtstamp=DTSTAMP)
    cal = parse(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Alle"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert b"ATTENDEE" not in data
    assert b"joerg@" not in data
    uids = [str(v["UID"]) for v in cal.walk("VEVENT")]
    assert uids == [
        "ak-umwelt-2026@koordination.example",
        "ak-umwelt-2026@koordination.example",
        "werkstatt-2026-10-25@koordination.example",
    ]


def test_calendar_object_for_caldav_has_no_method_and_no_attendee() -> None:
    data = calendar_object(working_group(), dtstamp=DTSTAMP)
    assert b"METHOD" not in data and b"ATTENDEE" not in data
    assert len({str(v["UID"]) for v in parse(data).walk("VEVENT")}) == 1


def test_single_meeting_moved_by_an_override_is_simply_at_the_new_time() -> None:
    event = workshop()
    move = Override(event.start, start=at(2026, 10, 26, 10), end=at(2026, 10, 26, 12))
    moved = dataclasses.replace(event, overrides=(move,))
    (vevent,) = parse(invitation(moved, PERSON, dtstamp=DTSTAMP)).walk("VEVENT")
    assert vevent.decoded("DTSTART") == at(2026, 10, 26, 10)
    assert "RECURRENCE-ID" not in vevent


def test_invitation_needs_the_office_address() -> None:
    event = Event("x@test", 0, "T", at(2026, 10, 1), at(2026, 10, 1, 19))
    with pytest.raises(ValidationError, match="Koordinierungsstelle"):
        invitation(event, PERSON, dtstamp=DTSTAMP)


# --- nothing a user types can add to the file ----------------------------------------------------

INJECTIONS = [
    "Titel\r\nATTENDEE:mailto:boese@example.org",
    "Titel\nEND:VEVENT\nBEGIN:VEVENT\nUID:fremd",
    "Titel\rMETHOD:CANCEL",
    "a;b,c\\d:e\"f'g",
    "Zeile\u2028Trenner\x85NEL\x0bVT\x00NUL",
]


def structure(data: bytes) -> list[str]:
    """The property and component names of a file, one per unfolded line."""
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    return [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]


def plain_event(**changes: object) -> Event:
    return dataclasses.replace(workshop(), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", INJECTIONS)
def test_typed_text_never_adds_properties_or_components(text: str) -> None:
    reference = structure(invitation(workshop(), PERSON, dtstamp=DTSTAMP))
    event = plain_event(
        title=text,
        description=text,
        place=Place(address=text, room=text, online_url=text),
        agenda=(text,),
        categories=(text,),
        organizer_name=text,
    )
    person = Attendee(name=text, email="joerg@example.org")
    data = invitation(event, person, dtstamp=DTSTAMP)
    shape = structure(data)
    # The text fills SUMMARY etc.; DESCRIPTION/LOCATION/CATEGORIES may be added, nothing else.
    assert [p for p in shape if p not in {"DESCRIPTION", "LOCATION", "CATEGORIES"}] == [
        p for p in reference if p not in {"DESCRIPTION", "LOCATION", "CATEGORIES"}
    ]
    (vevent,) = parse(data).walk("VEVENT")
    assert "\n" not in str(vevent["SUMMARY"]) and "\r" not in str(vevent["SUMMARY"])
    assert "\n" not in vevent["ATTENDEE"].params["CN"]
    assert '"' not in vevent["ATTENDEE"].params["CN"]


@pytest.mark.parametrize(
    "email",
    [
        "joerg@example.org\r\nATTENDEE:mailto:x@y.de",
        "joerg@example.org\nX:1",
        "joerg@example.org;RSVP=FALSE",
        '"joerg"@example.org',
        "joerg example.org",
        "kein-at-zeichen",
        "",
    ],
)
def test_addresses_that_could_break_the_file_are_rejected(email: str) -> None:
    with pytest.raises(ValidationError, match="E-Mail"):
        invitation(workshop(), Attendee("X", email), dtstamp=DTSTAMP)
    with pytest.raises(ValidationError, match="E-Mail"):
        invitation(plain_event(organizer_email=email or " "), PERSON, dtstamp=DTSTAMP)


@pytest.mark.parametrize("uid", ["a\r\nMETHOD:CANCEL", "a\nb", " a", "", "a\x00b"])
def test_uids_with_line_breaks_are_rejected(uid: str) -> None:
    with pytest.raises(ValidationError, match="UID"):
        invitation(plain_event(uid=uid), PERSON, dtstamp=DTSTAMP)


def test_a_link_that_is_not_a_plain_web_address_gets_no_url_property() -> None:
    event = plain_event(place=Place(online_url="javascript:alert(1)"))
    (vevent,) = parse(invitation(event, PERSON, dtstamp=DTSTAMP)).walk("VEVENT")
    assert "URL" not in vevent
    assert "Online: javascript:alert(1)" in str(vevent["DESCRIPTION"])


@fuzz(150)
@given(
    title=st.text(max_size=200),
    description=st.text(max_size=300),
    name=st.text(max_size=80),
    room=st.text(max_size=60),
)
def test_any_text_round_trips_without_changing_the_structure(
    title: str, description: str, name: str, room: str
) -> None:
    reference = structure(invitation(workshop(), PERSON, dtstamp=DTSTAMP))
    event = plain_event(
        title=title, description=description, place=Place(room=room), organizer_name=name
    )
    data = invitation(event, Attendee(name=name, email="joerg@example.org"), dtstamp=DTSTAMP)
    shape = [p for p in structure(data) if p not in {"DESCRIPTION", "LOCATION", "SUMMARY"}]
    assert shape == [p for p in reference if p not in {"DESCRIPTION", "LOCATION", "SUMMARY"}]
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    (vevent,) = parse(data).walk("VEVENT")
    # The text comes back as typed, less control characters and line breaks in one-line fields.
    summary = str(vevent.get("SUMMARY", ""))
    assert "\n" not in summary and "\r" not in summary
    expected = " ".join(
        "".join(
            c for c in title.replace("\r\n", "\n").replace("\r", "\n") if c >= " " or c in "\t\n"
        )
        .replace("\t", " ")
        .split("\n")
    ).strip()
    if "\u2028" not in title and "\u2029" not in title and "\x85" not in title:
        assert summary == expected.replace("\x7f", "")


def test_dtstamp_is_written_in_utc_whatever_zone_it_comes_in() -> None:
    local_stamp = DTSTAMP.astimezone(CITY_ZONE)
    assert invitation(workshop(), PERSON, dtstamp=local_stamp) == invitation(
        workshop(), PERSON, dtstamp=DTSTAMP
    )
    assert timedelta(0) == DTSTAMP - local_stamp
