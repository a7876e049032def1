"""Who is invited and who receives nothing, at the edges: each reason a person is left out, the
one CANCEL after a withdrawal, what each planned message carries, and what delivering records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select
from support.consents import give_consent, withdraw_consent

from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    Channel,
    ConsentPurpose,
    GroupKind,
    MeetingKind,
    MeetingStatus,
    ResponseStatus,
)
from koordination.domain.inputs.directory import CityProfileInput, GroupInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import ItemInput
from koordination.domain.models import Invitation
from koordination.domain.records.meetings import MeetingRecord
from koordination.errors import NotFoundError
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
            give_consent(self.directory, pid, ConsentPurpose.EINLADUNGEN)
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
                withdraw_consent(self.directory, consent.id)


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


def _event(delivery: Delivery) -> Any:
    return next(iter(Calendar.from_ical(delivery.ics).walk("VEVENT")))


# ---------------------------------------------------------------------------- who is on the list


def test_groups_bring_their_current_members_once_and_guests_come_by_name(
    office: Office, db: Database
) -> None:
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # already the 23rd in the city
    meetings = Meetings(db, clock=Clock.fixed(late))
    ak = office.directory.create_group(GroupInput(name="AK Stadtteil", kind=GroupKind.ARBEITSKREIS))
    rat = office.directory.create_group(GroupInput(name="Rat", kind=GroupKind.ARBEITSKREIS))
    anna, bernd, clara, dora, emil, frieda = (
        office.person(n) for n in ("Anna", "Bernd", "Clara", "Dora", "Emil", "Frieda")
    )
    add = office.directory.add_membership
    add(ak.record.id, anna)
    add(ak.record.id, bernd, valid_to=date(2026, 11, 22))  # left yesterday, in the city
    add(ak.record.id, clara, valid_from=date(2026, 11, 23))  # joins today, in the city
    add(ak.record.id, dora, valid_from=date(2026, 11, 24))  # not yet
    add(rat.record.id, emil)
    add(rat.record.id, anna)  # in both groups: on the list once
    m = office.meeting()
    assert meetings.invite(m.id, group_ids=[ak.record.id, rat.record.id], person_ids=[frieda]) == 4
    rows = {r.name: r.via for r in meetings.invitation_list(m.id)}
    assert rows == {
        "Anna Beispiel": "AK Stadtteil",
        "Clara Beispiel": "AK Stadtteil",
        "Emil Beispiel": "Rat",
        "Frieda Beispiel": "Gast",
    }
    with db.session() as session:
        stored = {
            i.person_id: (i.via_group_id, i.guest, i.added_at)
            for i in session.scalars(select(Invitation))
        }
    assert stored == {
        anna: (ak.record.id, False, late),
        clara: (ak.record.id, False, late),
        emil: (rat.record.id, False, late),
        frieda: (None, True, late),
    }


def test_an_unknown_group_or_person_is_refused_in_german(office: Office) -> None:
    m = office.meeting()
    with pytest.raises(NotFoundError, match=r"^Gruppe Nr\. 999 wurde nicht gefunden\.$"):
        office.meetings.invite(m.id, group_ids=[999])
    with pytest.raises(NotFoundError, match=r"^Person Nr\. 998 wurde nicht gefunden\.$"):
        office.meetings.invite(m.id, person_ids=[998])


def test_people_put_back_by_name_are_counted_and_only_they_get_the_meeting_again(
    office: Office,
) -> None:
    anna, bernd, clara = office.person("Anna"), office.person("Bernd"), office.person("Clara")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna, bernd, clara])
    office.deliver(m.id)
    office.meetings.uninvite(m.id, anna)
    office.meetings.uninvite(m.id, bernd)
    office.deliver(m.id)
    assert office.meetings.invite(m.id, person_ids=[anna, bernd]) == 2
    plan = office.meetings.plan_delivery(m.id)
    assert [(d.person_id, d.method) for d in plan.deliveries] == [
        (anna, "REQUEST"),
        (bernd, "REQUEST"),
    ]
    assert plan.up_to_date == 1  # Clara's calendar needs nothing new


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
    sharing = give_consent(office.directory, pid, ConsentPurpose.KONTAKTDATEN_TEILEN)
    withdraw_consent(office.directory, sharing.id)
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
    give_consent(office.directory, pid, ConsentPurpose.EINLADUNGEN)
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


@pytest.mark.parametrize(
    ("answer", "partstat"),
    [
        (ResponseStatus.ZUGESAGT, "ACCEPTED"),
        (ResponseStatus.ABGESAGT, "DECLINED"),
        (ResponseStatus.VIELLEICHT, "TENTATIVE"),
        (ResponseStatus.KEINE_ANTWORT, "NEEDS-ACTION"),
        (None, "NEEDS-ACTION"),
    ],
)
def test_a_request_carries_the_invitees_own_answer(
    office: Office, answer: ResponseStatus | None, partstat: str
) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.deliver(m.id)
    (row,) = office.meetings.invitation_list(m.id)
    if answer is not None:
        office.meetings.set_response(row.invitation_id, answer)
    (request,) = office.meetings.plan_delivery(m.id, everything=True).deliveries
    assert _event(request)["ATTENDEE"].params["PARTSTAT"] == partstat


def test_a_moved_date_carries_the_invitees_answer_for_that_date(office: Office) -> None:
    anna = office.person("Anna")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna])
    office.deliver(m.id)
    (row,) = office.meetings.invitation_list(m.id)
    january, february = datetime(2027, 1, 12, 18, 0), datetime(2027, 2, 9, 18, 0)
    office.meetings.set_response(row.invitation_id, ResponseStatus.ZUGESAGT)
    office.meetings.set_response(row.invitation_id, ResponseStatus.ABGESAGT, january)
    office.meetings.move_occurrence(m.id, january, address="Bürgerhaus, Lindenweg 2")
    office.meetings.move_occurrence(m.id, february, start=datetime(2027, 2, 9, 19, 0))
    (request,) = office.meetings.plan_delivery(m.id).deliveries
    partstats = {
        event.decoded("RECURRENCE-ID").replace(tzinfo=None) if "RECURRENCE-ID" in event else None: (
            str(event["ATTENDEE"].params["PARTSTAT"])
        )
        for event in Calendar.from_ical(request.ics).walk("VEVENT")
    }
    assert partstats == {
        None: "ACCEPTED",  # the series
        january: "DECLINED",  # only the place changed: her answer for the date stands
        february: "NEEDS-ACTION",  # another time: asked again
    }


def test_a_one_off_meeting_carries_its_public_agenda_in_order_and_a_series_none(
    office: Office, db: Database
) -> None:
    anna = office.person("Anna")
    sittings = Sittings(db, clock=Clock.fixed(NOW))
    single = office.meeting(series=False)
    sitting = sittings.open(single.id)
    sittings.add_item(sitting.id, ItemInput(title="Nur intern", public=False))
    sittings.add_item(sitting.id, ItemInput(title="Haushalt 2027"))
    record = sittings.add_item(sitting.id, ItemInput(title="Bericht der Kasse"))
    top = {i.title: i.id for i in record.items}
    sittings.add_item(sitting.id, ItemInput(title="Unterpunkt"), parent_id=top["Haushalt 2027"])
    sittings.move_item(top["Bericht der Kasse"], -1)  # now before "Haushalt 2027"
    # Another meeting at the same hour has its own agenda.
    other = office.meeting(series=False)
    sittings.add_item(sittings.open(other.id).id, ItemInput(title="Fremder Punkt"))
    office.meetings.invite(single.id, person_ids=[anna])
    assert office.meetings.plan_delivery(single.id).event.agenda == (
        "Begrüßung",
        "Berichte aus der Runde",
        "Bericht der Kasse",
        "Haushalt 2027",
    )

    series = office.meeting()
    sittings.open(series.id, series.start)
    office.meetings.invite(series.id, person_ids=[anna])
    assert office.meetings.plan_delivery(series.id).event.agenda == ()


def test_the_agenda_sent_is_the_one_of_the_meetings_current_date(
    office: Office, db: Database
) -> None:
    # The sitting is kept by its date: moving a one-off meeting leaves the agenda written for
    # the old date with that date.
    anna = office.person("Anna")
    sittings = Sittings(db, clock=Clock.fixed(NOW))
    single = office.meeting(series=False)
    sittings.add_item(sittings.open(single.id).id, ItemInput(title="Haushalt 2027"))
    record = office.meetings.get(single.id)
    moved = MeetingInput(
        title=record.title,
        kind=record.kind,
        start=datetime(2026, 12, 9, 18, 0),
        end=datetime(2026, 12, 9, 20, 0),
        address=record.address,
    )
    office.meetings.update(record, moved)
    office.meetings.invite(single.id, person_ids=[anna])
    assert office.meetings.plan_delivery(single.id).event.agenda == ()


def test_a_cancelled_date_goes_out_as_a_cancel_of_that_date_only(office: Office) -> None:
    anna, bernd = office.person("Anna"), office.person("Bernd")
    m = office.meeting()
    office.meetings.invite(m.id, person_ids=[anna, bernd])
    office.deliver(m.id)
    date_ = datetime(2027, 1, 12, 18, 0, tzinfo=CITY_ZONE)
    office.meetings.cancel_occurrence(m.id, date_)
    plan = office.meetings.plan_delivery(m.id)
    assert [(d.person_id, d.name, d.method, d.recurrence_id) for d in plan.deliveries] == [
        (anna, "Anna Beispiel", "CANCEL", date_),
        (bernd, "Bernd Beispiel", "CANCEL", date_),
    ]
    event = _event(plan.deliveries[0])
    assert event["RECURRENCE-ID"].dt == date_
    office.meetings.mark_delivered(m.id, plan.deliveries, plan.meeting.sequence)
    again = office.meetings.plan_delivery(m.id)
    assert (again.deliveries, again.up_to_date) == ((), 2)


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
