"""A changed time asks again, proposals and notes reach the coordinator.

On a monthly series (every 2nd Tuesday, 18:00) where Anna and Ingrid were invited and answered:
a change of time resets their answers and the new REQUEST asks with NEEDS-ACTION;RSVP=TRUE
(read back with icalendar and recurring-ical-events); a change of place keeps them. Replies
with a COMMENT, a COUNTER, a DELEGATED and one that cannot be booked go on the review list,
which accepts a proposal (the date moves and asks again), invites a delegate or dismisses.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from support.consents import give_consent

from koordination.calendar.replies import read_message
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose, MeetingKind, ResponseStatus, ReviewKind
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.records.meetings import MeetingRecord
from koordination.errors import NotFoundError, ValidationError
from koordination.services.directory.service import Directory
from koordination.services.meetings.replies import ReplyReport
from koordination.services.meetings.service import Meetings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
MARCH_9 = datetime(2027, 3, 9, 18, 0, tzinfo=CITY_ZONE)
SERIES = "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T215959Z"


@dataclass
class Office:
    meetings: Meetings
    meeting: MeetingRecord
    lukas: int
    db: Database

    def status(self, name: str) -> ResponseStatus:
        return self.row(name).status

    def row(self, name: str):  # type: ignore[no-untyped-def]
        return next(r for r in self.meetings.invitation_list(self.meeting.id) if r.name == name)

    def mail(self, sender: str, body: str, method: str = "REPLY", sequence: int = 0) -> ReplyReport:
        raw = (
            f"From: {sender}\r\nTo: engagiert@wiesenbrueck.example.org\r\nSubject: Antwort\r\n"
            f"Message-ID: <{abs(hash(body))}@example.org>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/calendar; method={method}; charset=utf-8\r\n\r\n"
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
            f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{self.meeting.uid}\r\n"
            f"SEQUENCE:{sequence}\r\nDTSTAMP:20261122T090000Z\r\n{body}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
        replies, problems = read_message(raw, label="N 1")
        assert problems == []
        return self.meetings.apply_replies(replies)

    def request(self, name: str) -> icalendar.Calendar:
        plan = self.meetings.plan_delivery(self.meeting.id)
        (d,) = [d for d in plan.deliveries if d.name == name and d.method == "REQUEST"]
        return icalendar.Calendar.from_ical(d.ics)

    def deliver(self) -> None:
        plan = self.meetings.plan_delivery(self.meeting.id)
        self.meetings.mark_delivered(self.meeting.id, plan.deliveries, plan.meeting.sequence)


@pytest.fixture
def office(built_db: Callable[..., tuple[Database, tuple[MeetingRecord, int]]]) -> Office:
    """The series with Anna's and Ingrid's answers booked, built once per run and backend and
    copied per test."""
    db, (meeting, lukas) = built_db(_build_office)
    return Office(Meetings(db, clock=Clock.fixed(NOW)), meeting, lukas, db)


def _build_office(db: Database) -> tuple[MeetingRecord, int]:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email="engagiert@wiesenbrueck.example.org",
        ),
    )
    ids = []
    for given, family, email in (
        ("Anna", "Schäfer", "anna@example.org"),
        ("Ingrid", "Hahn", "ingrid@example.org"),
        ("Lukas", "Yilmaz", "lukas@example.org"),
    ):
        person = directory.create_person(
            PersonInput(given_name=given, family_name=family, emails=[email])
        ).record.id
        give_consent(directory, person, ConsentPurpose.EINLADUNGEN)
        ids.append(person)
    meetings = Meetings(db, clock=Clock.fixed(NOW))
    meeting = meetings.create(
        MeetingInput(
            title="AK Stadtteilarbeit",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 12, 8, 18, 0),
            end=datetime(2026, 12, 8, 20, 0),
            address="Rathaus, Marktplatz 3",
            rrule=SERIES,
        )
    ).record
    meetings.invite(meeting.id, person_ids=ids[:2])
    office = Office(meetings, meeting, ids[2], db)
    office.deliver()
    office.mail("anna@example.org", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@example.org")
    office.mail(
        "ingrid@example.org",
        "RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:ingrid@example.org",
    )
    return office.meeting, office.lukas


def edit(office: Office, **changes: object) -> MeetingRecord:
    m = office.meetings.get(office.meeting.id)
    data = MeetingInput(
        title=m.title,
        kind=m.kind,
        start=m.start,
        end=m.end,
        address=m.address,
        rrule=m.rrule,
    )
    return office.meetings.update(m, dataclasses.replace(data, **changes)).record  # type: ignore[arg-type]


def attendee_params(cal: icalendar.Calendar) -> list[tuple[str, str]]:
    return [
        (str(a.params["PARTSTAT"]), str(a.params.get("RSVP")))
        for event in cal.walk("VEVENT")
        for a in [event["ATTENDEE"]]
    ]


# ----------------------------------------------------------------------- a changed time


def test_a_series_time_change_resets_answers_and_the_request_asks_again(
    office: Office, tmp_path: Path
) -> None:
    assert office.status("Anna Schäfer") == ResponseStatus.ZUGESAGT
    edit(
        office,
        start=datetime(2026, 12, 8, 17, 0, tzinfo=CITY_ZONE),
        end=datetime(2026, 12, 8, 19, 0, tzinfo=CITY_ZONE),
    )
    anna, ingrid = office.row("Anna Schäfer"), office.row("Ingrid Hahn")
    assert anna.status == ResponseStatus.KEINE_ANTWORT
    # Ingrid's answer for 09.03. belongs to that date, now at 17:00; it is asked again too.
    assert ingrid.occurrence_answers == ((MARCH_9.replace(hour=17), ResponseStatus.KEINE_ANTWORT),)
    cal = office.request("Anna Schäfer")
    assert attendee_params(cal) == [("NEEDS-ACTION", "TRUE")]
    # Two independent readers see the new time on every date.
    dates = recurring_ical_events.of(cal).between(date(2026, 12, 1), date(2027, 7, 1))
    assert {e["DTSTART"].dt.astimezone(CITY_ZONE).strftime("%H:%M") for e in dates} == {"17:00"}
    assert len(dates) == 7
    starts = icaljs_starts(cal, tmp_path, "2026-12-01", "2027-07-01")
    assert {s[11:] for s in starts} == {"17:00"} and len(starts) == 7


def icaljs_starts(cal: icalendar.Calendar, folder: Path, start: str, end: str) -> list[str]:
    """The local start times ical.js (Thunderbird's parser) reads from ``cal``."""
    readers = Path(__file__).resolve().parents[1] / "readers"
    node = shutil.which("node")
    if node is None or not (readers / "node_modules" / "ical.js").is_dir():
        if os.environ.get("KOORDINATION_REQUIRE_READERS", "1") != "0":
            pytest.fail("ical.js fehlt: `make readers` ausführen (Node.js und npm nötig).")
        pytest.skip("ical.js fehlt")
    path = folder / "anfrage.ics"
    path.write_bytes(cal.to_ical())
    result = subprocess.run(
        [node, str(readers / "expand.mjs"), start, end, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [o["start"] for o in json.loads(result.stdout)[str(path)]]


def test_an_answer_to_the_old_time_is_late_and_one_to_the_new_time_is_booked(
    office: Office,
) -> None:
    edit(office, start=datetime(2026, 12, 8, 17, 0), end=datetime(2026, 12, 8, 19, 0))
    old = office.mail("anna@example.org", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@example.org")
    assert (old.applied, old.ignored_older) == (0, 1)
    new = office.mail(
        "anna@example.org", "ATTENDEE;PARTSTAT=DECLINED:mailto:anna@example.org", sequence=1
    )
    assert new.applied == 1
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT


def test_a_change_of_place_or_text_keeps_the_answers(office: Office) -> None:
    edit(office, address="Bürgerhaus, Lindenweg 2", description="Bitte Unterlagen mitbringen.")
    assert office.status("Anna Schäfer") == ResponseStatus.ZUGESAGT
    assert office.row("Ingrid Hahn").occurrence_answers == ((MARCH_9, ResponseStatus.ABGESAGT),)
    assert attendee_params(office.request("Anna Schäfer")) == [("ACCEPTED", "TRUE")]


def test_the_old_answers_stay_in_the_audit_trail(office: Office) -> None:
    from sqlalchemy import select

    from koordination.domain.models import AuditEntry

    edit(office, start=datetime(2026, 12, 8, 19, 0), end=datetime(2026, 12, 8, 21, 0))
    with office.db.session() as session:
        changes = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.changes.contains("Zeit geändert"))
        ).all()
    assert any("zugesagt" in c for c in changes)
    assert any("abgesagt (09.03.2027 18:00)" in c for c in changes)


def test_moving_one_date_asks_again_for_that_date_only(office: Office) -> None:
    office.meetings.move_occurrence(
        office.meeting.id,
        datetime(2027, 2, 9),
        start=datetime(2027, 2, 10, 18, 0),
        end=datetime(2027, 2, 10, 20, 0),
    )
    anna = office.row("Anna Schäfer")
    assert anna.status == ResponseStatus.ZUGESAGT
    feb_9 = datetime(2027, 2, 9, 18, 0, tzinfo=CITY_ZONE)
    assert anna.occurrence_answers == ((feb_9, ResponseStatus.KEINE_ANTWORT),)
    cal = office.request("Anna Schäfer")
    by_rid = {
        str(e.get("RECURRENCE-ID").dt if e.get("RECURRENCE-ID") else None): e["ATTENDEE"]
        for e in cal.walk("VEVENT")
    }
    assert by_rid["None"].params["PARTSTAT"] == "ACCEPTED"
    moved = by_rid[str(feb_9)]
    assert (moved.params["PARTSTAT"], moved.params["RSVP"]) == ("NEEDS-ACTION", "TRUE")


def test_a_moved_date_keeps_its_answer_when_the_series_time_changes(office: Office) -> None:
    office.meetings.move_occurrence(
        office.meeting.id, datetime(2027, 3, 9), start=datetime(2027, 3, 10, 18, 0)
    )
    office.mail(
        "ingrid@example.org",
        "RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ingrid@example.org",
        sequence=1,
    )
    edit(office, start=datetime(2026, 12, 8, 17, 0), end=datetime(2026, 12, 8, 19, 0))
    # The moved date still takes place on 10.03. at 18:00: its answer stays and follows the
    # date's new identity (its RECURRENCE-ID moved with the series to 17:00).
    assert office.row("Ingrid Hahn").occurrence_answers == (
        (MARCH_9.replace(hour=17), ResponseStatus.ZUGESAGT),
    )


def test_a_place_only_move_of_one_date_keeps_its_answers(office: Office) -> None:
    office.meetings.move_occurrence(office.meeting.id, datetime(2027, 3, 9), room="Saal")
    assert office.row("Ingrid Hahn").occurrence_answers == ((MARCH_9, ResponseStatus.ABGESAGT),)
    assert office.row("Anna Schäfer").occurrence_answers == ()


# ------------------------------------------------------------- times the clocks skip or repeat


def test_a_series_at_a_time_the_spring_switch_skips_gets_a_warning(office: Office) -> None:
    saved = office.meetings.create(
        MeetingInput(
            title="Nachtwanderung",
            start=datetime(2027, 3, 14, 2, 30),
            end=datetime(2027, 3, 14, 4, 0),
            rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=4",
        )
    )
    assert saved.warnings == (
        "Am 28.03.2027 gibt es 02:30 Uhr nicht (Umstellung auf Sommerzeit); gespeichert wird "
        "03:30 Uhr Sommerzeit, doch Kalenderprogramme zeigen den Termin womöglich "
        "unterschiedlich an. Besser eine andere Uhrzeit wählen.",
    )


def test_a_meeting_in_the_gap_is_stored_at_the_time_after_it(office: Office) -> None:
    saved = office.meetings.create(
        MeetingInput(
            title="Nachtcafé", start=datetime(2027, 3, 28, 2, 30), end=datetime(2027, 3, 28, 4, 0)
        )
    )
    assert "gibt es 02:30 Uhr nicht" in saved.warnings[0]
    assert saved.record.start == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert saved.record.start.strftime("%H:%M %Z") == "03:30 CEST"


def test_a_meeting_at_a_time_that_exists_twice_gets_a_warning_and_the_first(
    office: Office,
) -> None:
    saved = office.meetings.create(
        MeetingInput(
            title="Nachtcafé", start=datetime(2027, 10, 31, 2, 30), end=datetime(2027, 10, 31, 5)
        )
    )
    assert saved.warnings == (
        "Am 31.10.2027 gibt es 02:30 Uhr zweimal (Umstellung auf Winterzeit); gespeichert wird "
        "das erste Mal (02:30 Uhr Sommerzeit). Besser eine andere Uhrzeit wählen.",
    )
    assert saved.record.start.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_an_ordinary_time_gets_no_clock_warning(office: Office) -> None:
    saved = office.meetings.create(
        MeetingInput(
            title="Frühschoppen",
            start=datetime(2027, 3, 28, 11, 0),
            end=datetime(2027, 3, 28, 12, 0),
        )
    )
    assert saved.warnings == ()


# ------------------------------------------------------------------------ the review list


def test_a_comment_is_stored_with_the_answer_and_shown_for_review(office: Office) -> None:
    report = office.mail(
        "anna@example.org",
        "COMMENT:Ich komme 30 Minuten später\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@example.org",
        sequence=1,
    )
    assert (report.applied, report.review) == (1, 1)
    assert dict(office.row("Anna Schäfer").answer_comments) == {None: "Ich komme 30 Minuten später"}
    (item,) = office.meetings.review.items()
    assert item.kind == ReviewKind.KOMMENTAR
    assert item.text() == (
        "Anna Schäfer zu „AK Stadtteilarbeit“: Kommentar zur Antwort „zugesagt“ – "
        "„Ich komme 30 Minuten später“"
    )
    assert item.actions == ("dismiss",)


def test_a_counter_proposal_is_listed_and_accepting_it_moves_the_date(office: Office) -> None:
    report = office.mail(
        "ingrid@example.org",
        "RECURRENCE-ID;TZID=Europe/Berlin:20270309T180000\r\n"
        "DTSTART;TZID=Europe/Berlin:20270309T190000\r\nDTEND;TZID=Europe/Berlin:20270309T210000\r\n"
        "COMMENT:Um 18 Uhr bin ich noch im Dienst\r\n"
        "ATTENDEE;PARTSTAT=TENTATIVE:mailto:ingrid@example.org",
        method="COUNTER",
    )
    assert (report.applied, report.review, report.problems) == (0, 1, [])
    (item,) = office.meetings.review.items()
    assert item.kind == ReviewKind.GEGENVORSCHLAG
    assert item.text() == (
        "Ingrid Hahn schlägt für „AK Stadtteilarbeit“ am 09.03.2027 vor: 09.03.2027 "
        "19:00–21:00 Uhr – „Um 18 Uhr bin ich noch im Dienst“"
    )
    # The proposal is no answer: Ingrid's "abgesagt" for that date stays until it moves.
    assert office.row("Ingrid Hahn").occurrence_answers == ((MARCH_9, ResponseStatus.ABGESAGT),)
    done = office.meetings.review.resolve(item.id, "accept")
    assert done.item.resolution == "angenommen"
    assert "09.03.2027 um 19:00 Uhr" in done.message
    (moved,) = office.meetings.get(office.meeting.id).overrides
    assert (moved.recurrence_id, moved.start) == (MARCH_9, MARCH_9.replace(hour=19))
    for name in ("Anna Schäfer", "Ingrid Hahn"):
        assert office.row(name).occurrence_answers == ((MARCH_9, ResponseStatus.KEINE_ANTWORT),)
    assert office.meetings.review.items() == []
    with pytest.raises(ValidationError, match="schon erledigt"):
        office.meetings.review.resolve(item.id, "dismiss")


def test_a_delegation_declines_and_offers_to_invite_the_delegate(office: Office) -> None:
    report = office.mail(
        "anna@example.org",
        'ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:lukas@example.org":'
        "mailto:anna@example.org\r\n"
        'ATTENDEE;CN=Lukas Yilmaz;DELEGATED-FROM="mailto:anna@example.org":'
        "mailto:lukas@example.org",
        sequence=1,
    )
    assert (report.applied, report.review, report.problems) == (1, 1, [])
    assert office.status("Anna Schäfer") == ResponseStatus.ABGESAGT
    (item,) = office.meetings.review.items()
    assert item.text() == (
        "Anna Schäfer lässt sich bei „AK Stadtteilarbeit“ vertreten durch "
        "Lukas Yilmaz <lukas@example.org>"
    )
    assert item.actions == ("invite_delegate", "dismiss")
    done = office.meetings.review.resolve(item.id, "invite_delegate")
    assert done.item.resolution == "als Gast eingeladen"
    lukas = office.row("Lukas Yilmaz")
    assert (lukas.via, lukas.removed) == ("Gast", False)


def test_a_delegate_not_in_the_directory_is_refused_in_german(office: Office) -> None:
    office.mail(
        "anna@example.org",
        'ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:neu@example.org":mailto:anna@example.org',
        sequence=1,
    )
    (item,) = office.meetings.review.items()
    with pytest.raises(NotFoundError, match=r"neu@example\.org steht nicht im Verzeichnis"):
        office.meetings.review.resolve(item.id, "invite_delegate")
    assert office.meetings.review.get(item.id).open
    done = office.meetings.review.resolve(item.id, "invite_delegate", person_id=office.lukas)
    assert done.item.resolution == "als Gast eingeladen"


def test_an_unbookable_reply_is_listed_once_with_its_reason_and_can_be_dismissed(
    office: Office,
) -> None:
    body = "ATTENDEE;PARTSTAT=DECLINED:mailto:ingrid@example.org"
    for _ in range(2):  # read twice (the message stays in the mailbox): listed once
        report = office.mail("lukas@example.org", body, sequence=1)
        assert report.applied == 0
    (item,) = office.meetings.review.items(open_only=True)
    assert item.kind == ReviewKind.NICHT_VERBUCHT
    assert item.reason.startswith("Absender lukas@example.org antwortet für ingrid@example.org")
    with pytest.raises(ValidationError, match="annehmen lässt sich nur ein Gegenvorschlag"):
        office.meetings.review.resolve(item.id, "accept")
    office.meetings.review.resolve(item.id, "dismiss")
    assert office.meetings.review.items(open_only=True) == []
    (kept,) = office.meetings.review.items(open_only=False)
    assert (kept.open, kept.resolution) == (False, "verworfen")
    with pytest.raises(NotFoundError, match=r"Eintrag Nr\. 99"):
        office.meetings.review.resolve(99, "dismiss")
