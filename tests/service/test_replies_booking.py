"""Booking answers at their edges: which REPLY wins (SEQUENCE, then DTSTAMP), which is refused
and why, answers per date, answers recorded by hand, and the report's German summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from support.consents import give_consent

from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import Bundesland, ConsentPurpose, MeetingKind, ResponseStatus
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.models import Response
from koordination.domain.records.meetings import InvitationRow, MeetingRecord
from koordination.errors import NotFoundError
from koordination.services.directory.service import Directory
from koordination.services.meetings.replies import ReplyReport
from koordination.services.meetings.service import Meetings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
DATE = datetime(2026, 12, 8, 18, 0, tzinfo=CITY_ZONE)  # one date of the series


@dataclass(frozen=True)
class Reply:
    uid: str
    attendee_email: str
    partstat: str
    sequence: int = 0
    dtstamp: datetime | None = NOW
    recurrence_id: datetime | None = None
    source: str = "antwort.eml"


@dataclass
class Office:
    directory: Directory
    meetings: Meetings
    meeting: MeetingRecord
    people: dict[str, int]
    db: Database

    def row(self, name: str) -> InvitationRow:
        return next(r for r in self.meetings.invitation_list(self.meeting.id) if r.name == name)

    def status(self, name: str) -> ResponseStatus:
        return self.row(name).status

    def book(self, *replies: object) -> ReplyReport:
        return self.meetings.apply_replies(replies)

    def responses(self) -> list[Response]:
        with self.db.session() as session:
            rows = session.scalars(select(Response).order_by(Response.id)).all()
            session.expunge_all()
            return list(rows)


@pytest.fixture
def office(
    built_db: Callable[..., tuple[Database, tuple[Clock, MeetingRecord, dict[str, int]]]],
) -> Office:
    """A monthly series; Anna (two addresses) got the invitation, Bernd is on the list without
    consent, so nothing was ever sent to him (built once per run and backend, copied per test;
    the directory's clock runs on from the build's)."""
    db, (clock, meeting, people) = built_db(_build_office)
    return Office(Directory(db, clock), Meetings(db, clock=Clock.fixed(NOW)), meeting, people, db)


def _build_office(db: Database) -> tuple[Clock, MeetingRecord, dict[str, int]]:
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
    people = {
        "Anna": directory.create_person(
            PersonInput(
                given_name="Anna",
                family_name="Schäfer",
                emails=["anna@example.org", "a.schaefer@verein.example.org"],
            )
        ).record.id,
        "Bernd": directory.create_person(
            PersonInput(given_name="Bernd", family_name="Krüger", emails=["bernd@example.org"])
        ).record.id,
    }
    give_consent(directory, people["Anna"], ConsentPurpose.EINLADUNGEN)
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
    meetings.invite(meeting.id, person_ids=list(people.values()))
    plan = meetings.plan_delivery(meeting.id)
    meetings.mark_delivered(meeting.id, plan.deliveries, plan.meeting.sequence)
    return clock, meeting, people


# ------------------------------------------------------------------------- what each answer books


@pytest.mark.parametrize(
    ("partstat", "status"),
    [
        ("ACCEPTED", ResponseStatus.ZUGESAGT),
        ("DECLINED", ResponseStatus.ABGESAGT),
        ("TENTATIVE", ResponseStatus.VIELLEICHT),
        ("Tentative", ResponseStatus.VIELLEICHT),
    ],
)
def test_each_calendar_answer_books_its_status(
    office: Office, partstat: str, status: ResponseStatus
) -> None:
    report = office.book(Reply(office.meeting.uid, "anna@example.org", partstat))
    assert (report.applied, report.problems) == (1, [])
    assert office.status("Anna Schäfer") == status


def test_without_an_answer_the_list_says_invited_or_not_sent(office: Office) -> None:
    assert office.status("Anna Schäfer") == ResponseStatus.EINGELADEN
    assert office.status("Bernd Krüger") == ResponseStatus.KEINE_ANTWORT


def test_a_reply_from_another_address_of_the_invited_person_is_booked(office: Office) -> None:
    report = office.book(Reply(office.meeting.uid, "A.Schaefer@Verein.example.org", "DECLINED"))
    assert report.applied == 1
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT


def test_a_reply_from_the_address_invited_counts_after_the_person_changed_it(
    office: Office,
) -> None:
    anna = office.directory.get_person(office.people["Anna"])
    data = PersonInput(given_name="Anna", family_name="Schäfer", emails=["neu@example.org"])
    office.directory.update_person(anna, data)
    report = office.book(Reply(office.meeting.uid, "ANNA@example.org", "ACCEPTED"))
    assert report.applied == 1
    assert office.status("Anna Schäfer") == ResponseStatus.ZUGESAGT


def test_an_answer_to_one_date_leaves_the_answer_to_the_series(office: Office) -> None:
    office.book(
        Reply(office.meeting.uid, "anna@example.org", "ACCEPTED"),
        Reply(office.meeting.uid, "anna@example.org", "DECLINED", recurrence_id=DATE),
    )
    row = office.row("Anna Schäfer")
    assert row.status == ResponseStatus.ZUGESAGT
    assert row.occurrence_answers == ((DATE, ResponseStatus.ABGESAGT),)
    stored = {r.recurrence_id: r.status for r in office.responses()}
    assert stored == {None: ResponseStatus.ZUGESAGT, DATE: ResponseStatus.ABGESAGT}


def test_a_booked_reply_keeps_its_sequence_and_dtstamp(office: Office) -> None:
    stamp = NOW - timedelta(hours=3)
    office.book(Reply(office.meeting.uid, "anna@example.org", "ACCEPTED", 2, stamp))
    (response,) = office.responses()
    assert (response.reply_sequence, response.reply_dtstamp) == (2, stamp)
    assert response.updated_at == NOW


# ---------------------------------------------------------------------------- which reply wins


def test_a_higher_sequence_wins_even_with_an_older_dtstamp(office: Office) -> None:
    uid = office.meeting.uid
    report = office.book(
        Reply(uid, "anna@example.org", "ACCEPTED", 1, NOW),
        Reply(uid, "anna@example.org", "DECLINED", 2, NOW - timedelta(days=1)),
    )
    assert (report.applied, report.ignored_older) == (2, 0)
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT


def test_a_lower_sequence_is_late_even_with_a_newer_dtstamp(office: Office) -> None:
    uid = office.meeting.uid
    report = office.book(
        Reply(uid, "anna@example.org", "ACCEPTED", 2, NOW),
        Reply(uid, "anna@example.org", "DECLINED", 1, NOW + timedelta(days=1)),
        Reply(uid, "anna@example.org", "TENTATIVE", 0, NOW + timedelta(days=2)),
    )
    assert (report.applied, report.ignored_older, report.already) == (1, 2, 0)
    assert office.status("Anna Schäfer") == ResponseStatus.ZUGESAGT


def test_same_sequence_and_dtstamp_counts_as_same_or_newer_never_older(office: Office) -> None:
    # Two replies that cannot be told apart by SEQUENCE and DTSTAMP: the one read later is
    # the newer (a client that answers twice within a second), it is not called "older".
    uid = office.meeting.uid
    report = office.book(
        Reply(uid, "anna@example.org", "ACCEPTED", 1, NOW),
        Reply(uid, "anna@example.org", "DECLINED", 1, NOW),
    )
    assert (report.applied, report.ignored_older, report.already) == (2, 0, 0)
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT
    again = office.book(Reply(uid, "anna@example.org", "DECLINED", 1, NOW))
    assert (again.applied, again.ignored_older, again.already) == (0, 0, 1)


def test_the_same_reply_read_twice_more_counts_as_already_booked(office: Office) -> None:
    reply = Reply(office.meeting.uid, "anna@example.org", "ACCEPTED", 1, NOW)
    report = office.book(reply, reply, reply)
    assert (report.applied, report.ignored_older, report.already) == (1, 0, 2)


def test_a_newer_reply_with_the_same_answer_is_booked_again(office: Office) -> None:
    uid = office.meeting.uid
    report = office.book(
        Reply(uid, "anna@example.org", "ACCEPTED", 0, NOW),
        Reply(uid, "anna@example.org", "ACCEPTED", 1, NOW),
    )
    assert (report.applied, report.already) == (2, 0)
    (response,) = office.responses()
    assert response.reply_sequence == 1


def test_a_reply_overrides_an_answer_recorded_by_hand(office: Office) -> None:
    anna = office.row("Anna Schäfer")
    office.meetings.set_response(anna.invitation_id, ResponseStatus.ZUGESAGT)
    report = office.book(Reply(office.meeting.uid, "anna@example.org", "DECLINED", 0, NOW))
    assert report.applied == 1
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT


def test_a_reply_without_sequence_and_dtstamp_counts_as_sequence_0_now(office: Office) -> None:
    uid = office.meeting.uid
    bare = SimpleNamespace(uid=uid, attendee_email="anna@example.org", partstat="ACCEPTED")
    report = office.book(bare, Reply(uid, "anna@example.org", "DECLINED", 0, NOW + timedelta(1)))
    assert (report.applied, report.ignored_older, report.review) == (2, 0, 0)  # and no comment
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT
    report = office.book(Reply(uid, "anna@example.org", "ACCEPTED", 0, NOW - timedelta(1)))
    assert report.ignored_older == 1


def test_a_reply_without_dtstamp_is_stamped_with_the_moment_it_is_booked(office: Office) -> None:
    office.book(Reply(office.meeting.uid, "anna@example.org", "ACCEPTED", 0, None))
    (response,) = office.responses()
    assert response.reply_dtstamp == NOW


# ---------------------------------------------------------------------------- what is refused


def test_a_reply_to_an_unknown_meeting_is_reported_by_address_file_and_uid(office: Office) -> None:
    report = office.book(Reply("fremd@elsewhere", "Anna@Example.org", "ACCEPTED"))
    assert report.problems == [
        "Antwort von anna@example.org (antwort.eml): unbekannter Termin (UID fremd@elsewhere)."
    ]
    assert report.applied == 0
    assert office.responses() == []


def test_a_reply_from_someone_never_sent_the_invitation_is_refused(office: Office) -> None:
    uid = office.meeting.uid
    report = office.book(
        Reply(uid, "bernd@example.org", "ACCEPTED"),
        Reply(uid, "fremd@example.org", "ACCEPTED", source=""),
    )
    assert report.problems == [
        "Antwort von bernd@example.org (antwort.eml) zu „AK Stadtteilarbeit“: diese Adresse "
        "wurde nicht eingeladen.",
        "Antwort von fremd@example.org zu „AK Stadtteilarbeit“: diese Adresse wurde nicht "
        "eingeladen.",
    ]
    assert office.status("Bernd Krüger") == ResponseStatus.KEINE_ANTWORT


def test_an_answer_the_calendar_standard_does_not_know_is_reported(office: Office) -> None:
    report = office.book(Reply(office.meeting.uid, "anna@example.org", "X-VERSPAETET"))
    assert report.problems == [
        "Antwort von anna@example.org (antwort.eml): unbekannte Rückmeldung „X-VERSPAETET“."
    ]
    assert office.status("Anna Schäfer") == ResponseStatus.EINGELADEN


def test_a_reply_missing_its_fields_is_reported_not_booked(office: Office) -> None:
    report = office.book(
        SimpleNamespace(),
        SimpleNamespace(uid=office.meeting.uid, attendee_email="anna@example.org"),
    )
    assert report.problems == [
        "Antwort von : unbekannter Termin (UID ).",
        "Antwort von anna@example.org: unbekannte Rückmeldung „“.",
    ]
    assert office.responses() == []


# ---------------------------------------------------------------------------- answers by hand


def test_an_answer_by_hand_is_stored_and_changed_per_date(office: Office) -> None:
    anna = office.row("Anna Schäfer").invitation_id
    office.meetings.set_response(anna, ResponseStatus.VIELLEICHT)
    # A date given in the city's wall-clock time without a zone is the same date.
    office.meetings.set_response(anna, ResponseStatus.ABGESAGT, DATE.replace(tzinfo=None))
    office.meetings.set_response(anna, ResponseStatus.ZUGESAGT)
    row = office.row("Anna Schäfer")
    assert row.status == ResponseStatus.ZUGESAGT
    assert row.occurrence_answers == ((DATE, ResponseStatus.ABGESAGT),)
    assert len(office.responses()) == 2


def test_a_changed_answer_by_hand_is_stamped_with_the_clock(office: Office) -> None:
    anna = office.row("Anna Schäfer").invitation_id
    office.meetings.set_response(anna, ResponseStatus.VIELLEICHT)
    later = Meetings(office.db, clock=Clock.fixed(NOW + timedelta(days=3)))
    later.set_response(anna, ResponseStatus.ZUGESAGT)
    (response,) = office.responses()
    assert (response.status, response.updated_at) == (
        ResponseStatus.ZUGESAGT,
        NOW + timedelta(days=3),
    )


def test_an_answer_for_an_unknown_invitation_is_refused_in_german(office: Office) -> None:
    with pytest.raises(NotFoundError, match=r"^Einladung Nr\. 999 wurde nicht gefunden\.$"):
        office.meetings.set_response(999, ResponseStatus.ZUGESAGT)


# ---------------------------------------------------------------------------- the summary


@pytest.mark.parametrize(
    ("report", "text"),
    [
        (ReplyReport(), "0 Antworten verbucht."),
        (ReplyReport(applied=3), "3 Antworten verbucht."),
        (ReplyReport(applied=1, already=2), "1 Antworten verbucht, 2 schon verbucht."),
        (
            ReplyReport(applied=0, ignored_older=4),
            "0 Antworten verbucht, 4 ältere Antworten übergangen.",
        ),
        (
            ReplyReport(applied=2, ignored_older=1, already=1, problems=["a", "b"]),
            "2 Antworten verbucht, 1 schon verbucht, 1 ältere Antworten übergangen, "
            "2 nicht zugeordnet.",
        ),
        (
            ReplyReport(applied=1, review=2),
            "1 Antworten verbucht, 2 zur Durchsicht (koordination replies list).",
        ),
    ],
)
def test_the_summary_names_each_count_that_is_not_zero(report: ReplyReport, text: str) -> None:
    assert report.summary() == text
