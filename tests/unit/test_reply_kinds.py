"""Counter-proposals, comments and delegations as Outlook, Gmail, Thunderbird and Apple write
them, read from their real mail shapes; and the smaller points of the invitations themselves
(the CANCEL of a moved date, the Content-Class header, the subject's spaces)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import icalendar
from support.reply_mails import (
    ANSWERS,
    SERIES_UID,
    as_counter,
    as_delegated,
    demo_reply,
    rewrite,
    with_comment,
)

from koordination.calendar import ics
from koordination.calendar.events import Attendee, Event, Override
from koordination.calendar.replies import read_message
from koordination.clock import CITY_ZONE
from koordination.delivery.mail import build_imip

COMMENT = "Ich komme 30 Minuten später; bitte ohne mich anfangen"


def read(raw: bytes):  # type: ignore[no-untyped-def]
    replies, problems = read_message(raw, label="N 1")
    assert problems == []
    (reply,) = replies
    return reply


def test_every_client_carries_a_comment_with_its_answer() -> None:
    for fixture in ANSWERS:
        reply = read(rewrite(demo_reply(fixture), with_comment(COMMENT)))
        assert (reply.uid, reply.comment, reply.method) == (SERIES_UID, COMMENT, "REPLY")


def test_every_client_can_propose_another_time_in_its_own_zone() -> None:
    for fixture in ANSWERS:
        raw = rewrite(
            demo_reply(fixture), as_counter("20270309T190000", "20270309T210000", "Später?")
        )
        reply = read(raw)
        assert reply.method == "COUNTER", fixture
        # Outlook writes "W. Europe Standard Time": the same wall-clock time in Berlin.
        assert reply.proposed_start == datetime(2027, 3, 9, 19, 0, tzinfo=CITY_ZONE), fixture
        assert reply.proposed_end == datetime(2027, 3, 9, 21, 0, tzinfo=CITY_ZONE), fixture
        assert reply.comment == "Später?"


def test_every_client_can_delegate_and_the_delegate_is_no_second_attendee() -> None:
    for fixture, (_old, new) in ANSWERS.items():
        raw = rewrite(
            demo_reply(fixture), as_delegated(new, "vertretung@example.org", "Vera Vertretung")
        )
        reply = read(raw)
        assert reply.partstat == "DELEGATED", fixture
        assert reply.attendee_email == new.lower()
        assert reply.attendee_count == 1
        assert (reply.delegated_to, reply.delegate_name) == (
            "vertretung@example.org",
            "Vera Vertretung",
        )


def test_a_counter_without_a_readable_time_is_reported() -> None:
    raw = rewrite(
        demo_reply("thunderbird_accepted.eml"),
        lambda text: as_counter("x", "y")(text).replace("DTSTART;TZID=Europe/Berlin:x", ""),
    )
    replies, problems = read_message(raw, label="N 1")
    assert replies == []
    # Thunderbird sends the calendar inline and as an attachment: said once, with a count.
    assert problems == ["N 1: Gegenvorschlag (COUNTER) ohne lesbare Zeit übersprungen. (2-mal)"]


# ----------------------------------------------------------------------- the invitations


def _series() -> Event:
    start = datetime(2027, 3, 23, 18, 0, tzinfo=CITY_ZONE)
    return Event(
        uid="ak@example.org",
        sequence=3,
        title="AK",
        start=start,
        end=start.replace(hour=20),
        rrule="FREQ=WEEKLY;COUNT=4",
        overrides=(
            Override(
                recurrence_id=datetime(2027, 3, 30, 18, 0, tzinfo=CITY_ZONE),
                cancelled=True,
                start=datetime(2027, 4, 1, 18, 0, tzinfo=CITY_ZONE),
                end=datetime(2027, 4, 1, 20, 0, tzinfo=CITY_ZONE),
            ),
        ),
        organizer_name="Stelle",
        organizer_email="stelle@example.org",
    )


def test_the_cancel_of_a_moved_date_names_where_it_was_moved_to() -> None:
    rid = datetime(2027, 3, 30, 18, 0, tzinfo=CITY_ZONE)
    data = ics.cancellation(
        _series(),
        Attendee("Anna", "anna@example.org"),
        dtstamp=datetime(2027, 3, 1, tzinfo=UTC),
        recurrence_id=rid,
    )
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert event["RECURRENCE-ID"].dt == rid
    assert event["DTSTART"].dt == datetime(2027, 4, 1, 18, 0, tzinfo=CITY_ZONE)
    assert event["DTEND"].dt == datetime(2027, 4, 1, 20, 0, tzinfo=CITY_ZONE)


def test_the_cancel_of_a_date_that_was_not_moved_keeps_its_own_start() -> None:
    rid = datetime(2027, 4, 6, 18, 0, tzinfo=CITY_ZONE)
    data = ics.cancellation(
        _series(), Attendee("A", "a@example.org"), dtstamp=datetime.now(UTC), recurrence_id=rid
    )
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert event["DTSTART"].dt == rid


def _mail(subject: str) -> email.message.EmailMessage:
    data = ics.invitation(
        _series(), Attendee("Anna", "anna@example.org"), dtstamp=datetime.now(UTC)
    )
    message = build_imip(
        sender_name="Stelle",
        sender_email="stelle@example.org",
        recipient_name="Anna",
        recipient_email="anna@example.org",
        subject=subject,
        body_text="Guten Tag",
        ics=data,
        method="REQUEST",
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_the_sent_mail_keeps_the_content_class_outlook_files_it_by() -> None:
    parsed = _mail("Einladung: AK")
    assert parsed["Content-Class"] == "urn:content-classes:calendarmessage"
    assert parsed.get_content_type() == "multipart/mixed"


def test_a_long_subject_keeps_the_spaces_around_its_quotes() -> None:
    subject = (
        'Aktualisierte Einladung: Arbeitskreis „Grün“ Straße: "Nord" und Süd „Mitte“ '
        "Planung der Aktionswoche – 09.03.2027"
    )
    assert str(_mail(subject)["Subject"]) == subject
