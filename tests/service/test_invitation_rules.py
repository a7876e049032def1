"""Who is invited and who receives nothing, at the edges: each reason a person is left out, the
one CANCEL after a withdrawal, what each planned message carries, and what delivering records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    Channel,
    ConsentPurpose,
    MeetingKind,
    MeetingStatus,
    ResponseStatus,
)
from koordination.domain.inputs.directory import CityProfileInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import ItemInput
from koordination.domain.models import Invitation
from koordination.domain.records.meetings import MeetingRecord
from koordination.services.directory.service import Directory
from koordination.services.meetings.invitations import Delivery
from koordination.services.meetings.service import Meetings
from koordination.services.sittings.service import Sittings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@dataclass
class Office:
    db: Database
    directory: Directory
    meetings: Meetings

    def person(
        self,
        given: str,
        *,
        consent: bool = True,
        emails: tuple[str, ...] | None = None,
        **more: object,
    ) -> int:
        addresses = [f"{given.lower()}@example.org"] if emails is None else list(emails)
        pid = self.directory.create_person(
            PersonInput(given_name=given, family_name="Beispiel", emails=addresses, **more)  # type: ignore[arg-type]
        ).record.id
        if consent:
            self.directory.record_consent(pid, ConsentPurpose.EINLADUNGEN)
        return pid

    def meeting(self, *, series: bool = True) -> MeetingRecord:
        return self.meetings.create(
            MeetingInput(
                title="AK Stadtteilarbeit",
                kind=MeetingKind.ARBEITSKREIS,
                start=datetime(2026, 12, 8, 18, 0),
                end=datetime(2026, 12, 8, 20, 0),
                address="Rathaus, Marktplatz 3",
                rrule="FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T215959Z" if series else "",
            )
        ).record

    def deliver(self, meeting_id: int) -> tuple[Delivery, ...]:
        plan = self.meetings.plan_delivery(meeting_id)
        self.meetings.mark_delivered(meeting_id, plan.deliveries, plan.meeting.sequence)
        return plan.deliveries

    def archive(self, pid: int) -> None:
        self.directory.set_person_archived(self.directory.get_person(pid), True)

    def withdraw(self, pid: int) -> None:
        for consent in self.directory.get_person(pid).consents:
            if consent.purpose == ConsentPurpose.EINLADUNGEN and consent.active:
                self.directory.withdraw_consent(consent.id)


@pytest.fixture
def office(db: Database) -> Office:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    directory.save_city(
        None,
        CityProfileInput(
            name="Wiesenbrück",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Wiesenbrück",
            office_email="engagiert@wiesenbrueck.example.org",
        ),
    )
    return Office(db, directory, Meetings(db, clock=Clock.fixed(NOW)))


def _event(delivery: Delivery) -> Calendar:
    return next(iter(Calendar.from_ical(delivery.ics).walk("VEVENT")))


# ---------------------------------------------------------------------------- who receives nothing


def test_each_reason_to_receive_nothing_is_named_in_german(office: Office) -> None:
    ids = [
        office.person("Anna"),
        office.person("Bernd", consent=False),
        office.person("Clara"),
        office.person("Dora", emails=()),
        office.person("Emil", preferred_channel=Channel.KEINE),
        office.person("Frieda"),
    ]
    office.withdraw(ids[2])
    office.archive(ids[5])
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=ids)
    plan = office.meetings.plan_delivery(m.id)
    assert [d.name for d in plan.deliveries] == ["Anna Beispiel"]
    assert plan.excluded == (
        ("Bernd Beispiel", "keine Einwilligung für Einladungen"),
        ("Clara Beispiel", "Einwilligung für Einladungen widerrufen"),
        ("Dora Beispiel", "keine E-Mail-Adresse"),
        ("Emil Beispiel", "möchte keine Einladungen"),
        ("Frieda Beispiel", "archiviert"),
    )
    rows = {r.name: r.excluded_because for r in office.meetings.invitation_list(m.id)}
    assert rows == {"Anna Beispiel": "", **dict(plan.excluded)}


def test_archived_comes_before_every_other_reason(office: Office) -> None:
    pid = office.person("Anna", consent=False, emails=(), preferred_channel=Channel.KEINE)
    office.archive(pid)
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[pid])
    assert office.meetings.plan_delivery(m.id).excluded == (("Anna Beispiel", "archiviert"),)


def test_no_channel_comes_before_a_missing_consent_and_a_missing_address(office: Office) -> None:
    pid = office.person("Anna", consent=False, emails=(), preferred_channel=Channel.KEINE)
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[pid])
    assert office.meetings.plan_delivery(m.id).excluded == (
        ("Anna Beispiel", "möchte keine Einladungen"),
    )


def test_a_withdrawn_consent_for_another_purpose_is_no_withdrawal_of_invitations(
    office: Office,
) -> None:
    pid = office.person("Anna", consent=False)
    sharing = office.directory.record_consent(pid, ConsentPurpose.KONTAKTDATEN_TEILEN)
    office.directory.withdraw_consent(sharing.id)
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[pid])
    assert office.meetings.plan_delivery(m.id).excluded == (
        ("Anna Beispiel", "keine Einwilligung für Einladungen"),
    )


def test_a_consent_given_again_brings_the_invitation_back_with_no_cancel(office: Office) -> None:
    pid = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[pid])
    office.deliver(m.id)
    office.withdraw(pid)
    office.directory.record_consent(pid, ConsentPurpose.EINLADUNGEN)
    plan = office.meetings.plan_delivery(m.id)
    assert (plan.deliveries, plan.excluded, plan.up_to_date) == ((), (), 1)


# ---------------------------------------------------------------------------- the one CANCEL


def test_a_withdrawal_after_the_invitation_went_out_sends_one_cancel(office: Office) -> None:
    anna, bernd = office.person("Anna", title="Dr."), office.person("Bernd")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna, bernd])
    office.deliver(m.id)
    office.withdraw(anna)
    plan = office.meetings.plan_delivery(m.id)
    (cancel,) = plan.deliveries
    assert (cancel.person_id, cancel.name, cancel.email, cancel.method, cancel.recurrence_id) == (
        anna,
        "Dr. Anna Beispiel",
        "anna@example.org",
        "CANCEL",
        None,
    )
    assert Calendar.from_ical(cancel.ics)["METHOD"] == "CANCEL"
    event = _event(cancel)
    assert (str(event["STATUS"]), str(event["ATTENDEE"])) == (
        "CANCELLED",
        "mailto:anna@example.org",
    )
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert plan.up_to_date == 1
    assert plan.excluded == (("Dr. Anna Beispiel", "Einwilligung für Einladungen widerrufen"),)


@pytest.mark.parametrize("reason", ["archived", "channel"])
def test_archiving_or_no_channel_after_sending_sends_no_cancel(office: Office, reason: str) -> None:
    pid = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[pid])
    office.deliver(m.id)
    if reason == "archived":
        office.archive(pid)
    else:
        person = office.directory.get_person(pid)
        data = PersonInput(
            given_name="Anna",
            family_name="Beispiel",
            emails=["anna@example.org"],
            preferred_channel=Channel.KEINE,
        )
        office.directory.update_person(person, data)
    plan = office.meetings.plan_delivery(m.id)
    assert plan.deliveries == ()
    assert len(plan.excluded) == 1


def test_a_removed_person_gets_a_cancel_and_the_rest_of_the_list_is_still_planned(
    office: Office,
) -> None:
    anna, bernd, clara = office.person("Anna"), office.person("Bernd"), office.person("Clara")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna, bernd])
    office.deliver(m.id)
    office.meetings.uninvite(m.id, anna)
    office.meetings.invite(m.id, person_ids=[clara])
    plan = office.meetings.plan_delivery(m.id)
    assert [(d.person_id, d.name, d.email, d.method) for d in plan.deliveries] == [
        (anna, "Anna Beispiel", "anna@example.org", "CANCEL"),
        (clara, "Clara Beispiel", "clara@example.org", "REQUEST"),
    ]
    event = _event(plan.deliveries[0])
    assert str(event["STATUS"]) == "CANCELLED"
    assert plan.up_to_date == 1


def test_a_person_put_back_after_a_cancel_gets_a_higher_sequence(office: Office) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.deliver(m.id)
    office.meetings.uninvite(m.id, anna)
    office.deliver(m.id)
    assert office.meetings.get(m.id).sequence == 0
    office.meetings.invite(m.id, person_ids=[anna])
    assert office.meetings.get(m.id).sequence == 1
    (request,) = office.meetings.plan_delivery(m.id).deliveries
    assert (request.method, int(_event(request)["SEQUENCE"])) == ("REQUEST", 1)


def test_a_new_address_cancels_at_the_old_one_first(office: Office) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.deliver(m.id)
    person = office.directory.get_person(anna)
    data = PersonInput(given_name="Anna", family_name="Beispiel", emails=["anna@neu.example"])
    office.directory.update_person(person, data)
    cancel, request = office.meetings.plan_delivery(m.id).deliveries
    assert (cancel.person_id, cancel.name, cancel.email, cancel.method) == (
        anna,
        "Anna Beispiel",
        "anna@example.org",
        "CANCEL",
    )
    assert Calendar.from_ical(cancel.ics)["METHOD"] == "CANCEL"
    assert str(_event(cancel)["STATUS"]) == "CANCELLED"
    assert (request.email, request.method) == ("anna@neu.example", "REQUEST")


# ---------------------------------------------------------------------------- what goes out


def test_a_request_carries_the_invitees_own_answer(office: Office) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.deliver(m.id)
    (row,) = office.meetings.invitation_list(m.id)
    office.meetings.set_response(row.invitation_id, ResponseStatus.ZUGESAGT)
    (request,) = office.meetings.plan_delivery(m.id, everything=True).deliveries
    assert _event(request)["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_one_off_meeting_carries_its_public_agenda_and_a_series_none(
    office: Office, db: Database
) -> None:
    anna = office.person("Anna")
    sittings = Sittings(db, clock=Clock.fixed(NOW))
    single = office.meeting(series=False)
    sitting = sittings.open(single.id)
    sittings.add_item(sitting.id, ItemInput(title="Nur intern", public=False))
    top = sittings.add_item(sitting.id, ItemInput(title="Haushalt 2027"))
    parent = next(i for i in top.items if i.title == "Haushalt 2027")
    sittings.add_item(sitting.id, ItemInput(title="Unterpunkt"), parent_id=parent.id)
    expected = tuple(
        i.title for i in sittings.get(sitting.id).items if i.parent_id is None and i.public
    )
    assert "Haushalt 2027" in expected
    assert "Nur intern" not in expected and "Unterpunkt" not in expected
    office.meetings.invite(single.id, person_ids=[anna])
    assert office.meetings.plan_delivery(single.id).event.agenda == expected

    series = office.meeting()
    sittings.open(series.id, series.start)
    office.meetings.invite(series.id, person_ids=[anna])
    assert office.meetings.plan_delivery(series.id).event.agenda == ()


# ----------------------------------------------------------------------- what delivering records


def test_delivering_records_the_moment_and_the_meeting_becomes_invited(
    office: Office, db: Database
) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.meetings.mark_delivered(m.id, [], 0)
    assert office.meetings.get(m.id).status == MeetingStatus.GEPLANT
    office.deliver(m.id)
    assert office.meetings.get(m.id).status == MeetingStatus.EINGELADEN
    with db.session() as session:
        inv = session.scalars(select(Invitation)).one()
        assert (inv.sent_at, inv.sent_sequence, inv.sent_email) == (NOW, 0, "anna@example.org")
