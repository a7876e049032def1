"""Answers you can trust: a reply is booked only for its sender and only for a real date.

Replies are read from real mail bytes (``read_message``) or bare .ics files, as the office gets
them, and booked on a monthly series (every 2nd Tuesday, 18:00) where Anna (two addresses) and
Ingrid were invited and Lukas is a stranger to the meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from support.consents import give_consent

from koordination.calendar.replies import read_message, read_replies
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import Bundesland, ConsentPurpose, MeetingKind, ResponseStatus
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.records.meetings import InvitationRow, MeetingRecord
from koordination.services.directory.service import Directory
from koordination.services.meetings.replies import ReplyReport
from koordination.services.meetings.service import Meetings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@dataclass
class Office:
    meetings: Meetings
    meeting: MeetingRecord
    db: Database
    clock: Clock

    def row(self, name: str) -> InvitationRow:
        return next(r for r in self.meetings.invitation_list(self.meeting.id) if r.name == name)

    def mail(self, sender: str, *attendees: str, **kw: Any) -> ReplyReport:
        replies, problems = read_message(
            reply_mail(self.meeting.uid, sender, *attendees, **kw), label="N 1"
        )
        assert problems == []
        return self.meetings.apply_replies(replies)


@pytest.fixture
def office(
    built_db: Callable[..., tuple[Database, tuple[Clock, MeetingRecord]]],
) -> Office:
    """The series with Anna and Ingrid invited (and Lukas a stranger to it), built once per run
    and backend and copied per test; the directory's clock runs on from the build's."""
    db, (clock, meeting) = built_db(_build_office)
    return Office(Meetings(db, clock=Clock.fixed(NOW)), meeting, db, clock)


def _build_office(db: Database) -> tuple[Clock, MeetingRecord]:
    clock = Clock.on(date(2026, 11, 22))
    directory = Directory(db, clock)
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email="engagiert@wiesenbrueck.example.org",
        ),
    )
    people = [
        directory.create_person(
            PersonInput(given_name=given, family_name=family, emails=emails)
        ).record.id
        for given, family, emails in (
            ("Anna", "Schäfer", ["anna@example.org", "a.schaefer@verein.example.org"]),
            ("Ingrid", "Hahn", ["ingrid@example.org"]),
        )
    ]
    directory.create_person(
        PersonInput(given_name="Lukas", family_name="Yilmaz", emails=["lukas@example.org"])
    )
    for person in people:
        give_consent(directory, person, ConsentPurpose.EINLADUNGEN)
    meetings = Meetings(db, clock=Clock.fixed(NOW))
    meeting = meetings.create(
        MeetingInput(
            title="AK Stadtteilarbeit",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 9, 8, 18, 0),
            end=datetime(2026, 9, 8, 20, 0),
            address="Rathaus, Marktplatz 3",
            rrule="FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T215959Z",
        )
    ).record
    meetings.invite(meeting.id, person_ids=people)
    plan = meetings.plan_delivery(meeting.id)
    meetings.mark_delivered(meeting.id, plan.deliveries, plan.meeting.sequence)
    return clock, meeting


def calendar(
    uid: str, *attendees: str, partstat: str = "ACCEPTED", extra: str = "", sequence: int = 0
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Antwort//DE",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        "DTSTAMP:20261122T090000Z",
        *(f"ATTENDEE;PARTSTAT={partstat}{a}" for a in attendees),
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def reply_mail(
    uid: str,
    sender: str,
    *attendees: str,
    partstat: str = "ACCEPTED",
    extra: str = "",
    sequence: int = 0,
) -> bytes:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = "engagiert@wiesenbrueck.example.org"
    message["Subject"] = "Antwort"
    message["Message-ID"] = "<antwort-1@example.org>"
    message.set_content(
        calendar(uid, *attendees, partstat=partstat, extra=extra, sequence=sequence),
        subtype="calendar",
        charset="utf-8",
    )
    return message.as_bytes()


# ------------------------------------------------------------------------- the sender


def test_a_mail_from_lukas_for_ingrid_is_not_booked_and_names_both(office: Office) -> None:
    office.mail("Ingrid Hahn <ingrid@example.org>", ":mailto:ingrid@example.org")
    report = office.mail(
        "Lukas <lukas@example.org>", ";PARTSTAT=DECLINED:mailto:ingrid@example.org"
    )
    assert report.applied == 0
    assert report.problems == [
        "Absender lukas@example.org antwortet für ingrid@example.org (<antwort-1@example.org>) "
        "zu „AK Stadtteilarbeit“; die Adresse gehört nicht zu dieser Person. Nicht verbucht."
    ]
    assert office.row("Ingrid Hahn").status == ResponseStatus.ZUGESAGT


def test_outlook_capitals_in_from_and_mailto_are_the_same_sender(office: Office) -> None:
    report = office.mail(
        '"Hahn, Ingrid" <Ingrid@Example.ORG>', ';CN="Hahn, Ingrid":MAILTO:INGRID@EXAMPLE.ORG'
    )
    assert (report.applied, report.problems, report.unchecked) == (1, [], [])
    assert office.row("Ingrid Hahn").status == ResponseStatus.ZUGESAGT


def test_a_mail_from_another_address_of_the_same_person_is_booked(office: Office) -> None:
    report = office.mail("a.schaefer@verein.example.org", ":mailto:anna@example.org")
    assert (report.applied, report.problems) == (1, [])
    assert office.row("Anna Schäfer").status == ResponseStatus.ZUGESAGT


def test_a_reply_with_two_attendees_books_neither_and_is_reported_once(office: Office) -> None:
    report = office.mail(
        "anna@example.org", ":mailto:anna@example.org", ":mailto:ingrid@example.org"
    )
    assert report.applied == 0
    assert report.problems == [
        "Antwort (<antwort-1@example.org>) zu „AK Stadtteilarbeit“ nennt 2 Teilnehmer "
        "(ATTENDEE); eine Antwort darf nur für eine Person sprechen. Nicht verbucht."
    ]
    assert office.row("Anna Schäfer").status == ResponseStatus.EINGELADEN
    assert office.row("Ingrid Hahn").status == ResponseStatus.EINGELADEN


def test_sent_by_counts_only_when_it_is_the_sender_and_the_persons_address(office: Office) -> None:
    forged = office.mail(
        "lukas@example.org", ';SENT-BY="mailto:lukas@example.org":mailto:ingrid@example.org'
    )
    other = office.mail(
        "ingrid@example.org", ';SENT-BY="MAILTO:lukas@example.org":mailto:ingrid@example.org'
    )
    assert (forged.applied, other.applied) == (0, 0)
    assert "Absender lukas@example.org antwortet für ingrid@example.org" in forged.problems[0]
    assert "angeblich im Auftrag von lukas@example.org (SENT-BY)" in other.problems[0]
    own = office.mail(
        "a.schaefer@verein.example.org",
        ';SENT-BY="MAILTO:A.Schaefer@verein.example.org":mailto:anna@example.org',
    )
    assert (own.applied, own.problems) == (1, [])


def test_a_reply_with_a_sender_and_no_sent_by_field_is_booked(office: Office) -> None:
    reply = SimpleNamespace(
        uid=office.meeting.uid,
        attendee_email="anna@example.org",
        partstat="ACCEPTED",
        sequence=0,
        dtstamp=NOW,
        sender="anna@example.org",
    )
    report = office.meetings.apply_replies([reply])
    assert (report.applied, report.problems, report.unchecked) == (1, [], [])


def test_a_mail_from_the_address_invited_counts_after_the_person_changed_it(
    office: Office,
) -> None:
    directory = Directory(office.db, office.clock)
    ingrid = directory.get_person(office.row("Ingrid Hahn").person_id)
    directory.update_person(
        ingrid, PersonInput(given_name="Ingrid", family_name="Hahn", emails=["neu@example.org"])
    )
    report = office.mail("Ingrid@Example.org", ":mailto:ingrid@example.org")
    assert (report.applied, report.problems) == (1, [])
    assert office.row("Ingrid Hahn").status == ResponseStatus.ZUGESAGT


def test_a_mail_without_a_sender_is_not_booked(office: Office) -> None:
    report = office.mail("", ":mailto:anna@example.org")
    assert report.applied == 0
    assert "keinen lesbaren Absender" in report.problems[0]


def test_a_bare_ics_file_is_booked_but_marked_without_sender_check(
    office: Office, tmp_path: Path
) -> None:
    path = tmp_path / "antwort.ics"
    path.write_text(calendar(office.meeting.uid, ":mailto:ingrid@example.org"), encoding="utf-8")
    replies, problems = read_replies(path)
    assert problems == [] and replies[0].sender is None
    report = office.meetings.apply_replies(replies)
    assert report.applied == 1
    assert report.unchecked == [
        "Antwort von ingrid@example.org (antwort.ics) zu „AK Stadtteilarbeit“: ohne "
        "Absenderprüfung verbucht (aus einer .ics-Datei ohne E-Mail)."
    ]
    assert report.summary() == "1 Antworten verbucht (davon 1 ohne Absenderprüfung)."
    assert office.row("Ingrid Hahn").status == ResponseStatus.ZUGESAGT


def test_needs_action_is_no_answer_and_keeps_the_earlier_one(
    office: Office, tmp_path: Path
) -> None:
    office.mail("anna@example.org", ":mailto:anna@example.org")
    report = office.mail(
        "anna@example.org",
        ":mailto:anna@example.org",
        partstat="NEEDS-ACTION",
        extra="COMMENT:später",
    )
    assert (report.applied, report.not_answers, report.problems) == (0, 1, [])
    assert report.summary() == "0 Antworten verbucht, 1 ohne Antwort (NEEDS-ACTION) übergangen."
    # Read twice (a mailbox and its copy): each is counted, none is booked.
    needs_action = calendar(office.meeting.uid, ":mailto:anna@example.org", partstat="NEEDS-ACTION")
    path = tmp_path / "a.ics"
    path.write_text(needs_action, encoding="utf-8")
    again = office.meetings.apply_replies(read_replies(path)[0] * 2)
    assert again.not_answers == 2
    assert office.row("Anna Schäfer").status == ResponseStatus.ZUGESAGT


# ------------------------------------------------------------------------- the date


def on(
    office: Office, recurrence_id: str, sender: str = "anna@example.org", sequence: int = 0
) -> ReplyReport:
    return office.mail(
        sender,
        ":mailto:anna@example.org",
        partstat="DECLINED",
        extra=recurrence_id,
        sequence=sequence,
    )


MARCH_9 = datetime(2027, 3, 9, 18, 0, tzinfo=CITY_ZONE)


@pytest.mark.parametrize(
    "recurrence_id",
    [
        "RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000",
        "RECURRENCE-ID:20270309T170000Z",  # the same instant in UTC, as Gmail writes it
        "RECURRENCE-ID;VALUE=DATE:20270309",  # that day's date, not midnight
    ],
)
def test_an_answer_to_a_real_date_is_booked_for_that_date(
    office: Office, recurrence_id: str
) -> None:
    report = on(office, recurrence_id)
    assert (report.applied, report.problems) == (1, [])
    anna = office.row("Anna Schäfer")
    assert anna.occurrence_answers == ((MARCH_9, ResponseStatus.ABGESAGT),)
    assert anna.status == ResponseStatus.EINGELADEN


@pytest.mark.parametrize(
    ("recurrence_id", "reason"),
    [
        (
            "RECURRENCE-ID;TZID=Europe/Berlin:20270310T180000",
            "für den 10.03.2027: an diesem Tag findet kein Termin dieser Serie statt.",
        ),
        (
            "RECURRENCE-ID;TZID=Europe/Berlin:20270309T170000",
            "für den 09.03.2027: an diesem Tag beginnt der Termin um 18:00 Uhr, nicht um "
            "17:00 Uhr.",
        ),
        (
            "RECURRENCE-ID;VALUE=DATE:20270310",
            "für den 10.03.2027: an diesem Tag findet kein Termin dieser Serie statt.",
        ),
        (
            # The rule's day, but after the series' UNTIL.
            "RECURRENCE-ID;TZID=Europe/Berlin:20270713T180000",
            "für den 13.07.2027: an diesem Tag findet kein Termin dieser Serie statt.",
        ),
        (
            # The last day a calendar can hold: no day after it to look up to.
            "RECURRENCE-ID;TZID=Europe/Berlin:99991231T180000",
            "für den 31.12.9999: an diesem Tag findet kein Termin dieser Serie statt.",
        ),
    ],
)
def test_an_answer_to_a_date_the_series_does_not_have_is_not_booked(
    office: Office, recurrence_id: str, reason: str
) -> None:
    report = on(office, recurrence_id)
    assert report.applied == 0
    assert report.problems == [
        "Antwort von anna@example.org (<antwort-1@example.org>) zu „AK Stadtteilarbeit“ "
        f"{reason} Nicht verbucht."
    ]
    assert office.row("Anna Schäfer").occurrence_answers == ()


def test_an_answer_to_a_cancelled_date_is_not_booked(office: Office) -> None:
    office.meetings.cancel_occurrence(office.meeting.id, datetime(2027, 1, 12))
    report = on(office, "RECURRENCE-ID;TZID=Europe/Berlin:20270112T180000")
    assert report.applied == 0
    assert report.problems[0].endswith(
        "für den 12.01.2027: dieser Termin ist abgesagt. Nicht verbucht."
    )
    assert office.row("Anna Schäfer").occurrence_answers == ()


def test_an_answer_to_a_moved_date_names_its_original_start(office: Office) -> None:
    office.meetings.move_occurrence(
        office.meeting.id,
        datetime(2027, 3, 9),
        start=datetime(2027, 3, 10, 19, 0),
        end=datetime(2027, 3, 10, 21, 0),
    )
    # Answers to the moved date carry the SEQUENCE of the update (1).
    new_place = on(office, "RECURRENCE-ID;TZID=Europe/Berlin:20270310T190000", sequence=1)
    assert new_place.applied == 0
    assert "für den 10.03.2027: an diesem Tag findet kein Termin" in new_place.problems[0]
    original = on(office, "RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000", sequence=1)
    assert (original.applied, original.problems) == (1, [])
    assert office.row("Anna Schäfer").occurrence_answers == ((MARCH_9, ResponseStatus.ABGESAGT),)


def test_an_answer_to_one_date_of_a_single_meeting_is_not_booked(office: Office) -> None:
    single = office.meetings.create(
        MeetingInput(
            title="Netzwerktreffen",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2027, 3, 9, 18, 0),
            end=datetime(2027, 3, 9, 20, 0),
            address="Rathaus",
        )
    ).record
    people = [r.person_id for r in office.meetings.invitation_list(office.meeting.id)]
    office.meetings.invite(single.id, person_ids=people)
    plan = office.meetings.plan_delivery(single.id)
    office.meetings.mark_delivered(single.id, plan.deliveries, plan.meeting.sequence)
    reply = reply_mail(
        single.uid,
        "anna@example.org",
        ":mailto:anna@example.org",
        extra="RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000",
    )
    report = office.meetings.apply_replies(read_message(reply, label="N 1")[0])
    assert report.applied == 0
    assert report.problems == [
        "Antwort von anna@example.org (<antwort-1@example.org>) zu „Netzwerktreffen“ für den "
        "09.03.2027: der Termin ist keine Serie, eine Antwort für einen einzelnen Tag passt "
        "nicht. Nicht verbucht."
    ]


def test_a_reply_that_does_not_say_date_only_must_name_the_time(office: Office) -> None:
    reply = SimpleNamespace(
        uid=office.meeting.uid,
        attendee_email="anna@example.org",
        partstat="DECLINED",
        sequence=0,
        dtstamp=NOW,
        recurrence_id=datetime(2027, 3, 9, 17, 0, tzinfo=CITY_ZONE),
    )
    report = office.meetings.apply_replies([reply])
    assert report.applied == 0
    assert "beginnt der Termin um 18:00 Uhr, nicht um 17:00 Uhr" in report.problems[0]
