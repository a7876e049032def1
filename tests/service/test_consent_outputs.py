"""Consent in every output: a person's e-mail addresses, phone numbers and postal address leave
the office only with a current consent "Kontaktdaten im Netzwerk teilen", invitations only with
a current consent "Einladungen"; feeds, documents and survey answers name no contact data at all.

One network, five people, one per consent state, and one test per output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from support.consents import give_consent, import_people, withdraw_consent

from koordination.calendar import ics
from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import (
    AttendanceStatus,
    Bundesland,
    Channel,
    ConsentPurpose,
    GroupKind,
    LegalBasis,
    MeetingKind,
    QuestionType,
    ResponseSource,
    Sector,
    SurveyAudience,
    SurveyStatus,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.records.directory import ConsentRecord
from koordination.outputs.builders.directory import (
    export_groups,
    export_organisations,
    export_people,
)
from koordination.outputs.builders.sittings import (
    attendance_table,
    draft_minutes,
    letterhead,
    sign_in_sheet,
)
from koordination.outputs.builders.survey_tables import write_raw
from koordination.outputs.document import render
from koordination.outputs.oparl import export_oparl
from koordination.services.consent import (
    SHARING,
    consenting_ids,
    has_current_consent,
    is_current,
)
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory
from koordination.services.meetings.dispatch import write_files
from koordination.services.meetings.service import Meetings
from koordination.services.open_data import OpenData
from koordination.services.sittings.service import Sittings
from koordination.services.surveys.results import Evaluation
from koordination.services.surveys.service import Surveys
from koordination.services.tables.reader import read_table

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
GIVEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BASE = "https://daten.musterstadt.example.org/oparl"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    given_name: str
    email: str
    phone: str
    street: str
    #: Whether the export may show their contact data.
    shares: bool

    @property
    def contact(self) -> tuple[str, str, str]:
        return self.email, self.phone, self.street


@dataclass(frozen=True)
class Network:
    db: Database
    directory: Directory
    group_id: int
    people: dict[str, Person]

    def everybody(self) -> list[Person]:
        return list(self.people.values())

    def contact_data(self) -> list[str]:
        return [value for p in self.everybody() for value in p.contact]


def _consent(d: Directory, pid: int, purpose: ConsentPurpose, withdrawn: bool = False) -> int:
    consent = give_consent(d, pid, purpose, given_at=GIVEN)
    if withdrawn:
        withdraw_consent(d, consent.id, at=GIVEN + timedelta(days=60))
    return consent.id


@pytest.fixture
def network(
    built_db: Callable[..., tuple[Database, tuple[Clock, int, dict[str, Person]]]],
) -> Network:
    """Gina shares her contact data; Walter did and withdrew; Olga agreed to invitations and
    photos but not to sharing; Erik withdrew and consented again; Paula is invited by post and
    never consented to anything. Built once per run and backend and copied per test, the
    directory's clock running on from the build's."""
    db, (clock, group_id, people) = built_db(_build_network)
    return Network(db, Directory(db, clock), group_id, people)


def _build_network(db: Database) -> tuple[Clock, int, dict[str, Person]]:
    clock = Clock.on(TODAY)
    d = Directory(db, clock)
    d.save_city(
        None,
        CityProfileInput(
            name="Musterstadt",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Musterstadt",
            office_email="engagiert@musterstadt.example.org",
        ),
    )
    org = d.create_organisation(
        OrganisationInput(name="Tafel Musterstadt e.V.", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    group = d.create_group(GroupInput(name="AK Jugend", kind=GroupKind.ARBEITSKREIS)).record
    people: dict[str, Person] = {}
    for n, (given, family, shares) in enumerate(
        (
            ("Gina", "Geteilt", True),
            ("Walter", "Widerrufen", False),
            ("Olga", "Ohne", False),
            ("Erik", "Erneuert", True),
            ("Paula", "Post", False),
        )
    ):
        email = f"{given.lower()}@example.org"
        phone = f"0641 1000{n}"  # as the directory shows it (stored as +49641 1000n)
        street = f"Lindenallee {n + 1}\n35390 Gießen"
        pid = d.create_person(
            PersonInput(
                family_name=family,
                given_name=given,
                emails=[email],
                phones=[phone],
                postal_address=street,
                preferred_channel=Channel.POST if given == "Paula" else Channel.EMAIL,
            )
        ).record.id
        d.add_affiliation(pid, org.id, "Mitglied")
        d.add_membership(group.id, pid)
        people[given] = Person(pid, f"{given} {family}", given, email, phone, street, shares)
    _consent(d, people["Gina"].id, SHARING)
    _consent(d, people["Gina"].id, ConsentPurpose.EINLADUNGEN)
    _consent(d, people["Walter"].id, SHARING, withdrawn=True)
    _consent(d, people["Walter"].id, ConsentPurpose.EINLADUNGEN, withdrawn=True)
    _consent(d, people["Olga"].id, ConsentPurpose.EINLADUNGEN)
    _consent(d, people["Olga"].id, ConsentPurpose.FOTOS)
    _consent(d, people["Olga"].id, ConsentPurpose.NEWSLETTER)
    _consent(d, people["Erik"].id, SHARING, withdrawn=True)
    _consent(d, people["Erik"].id, SHARING)
    return clock, group.id, people


def _meeting(network: Network) -> tuple[Meetings, int]:
    meetings = Meetings(network.db, clock=Clock.fixed(NOW))
    meeting = meetings.create(
        MeetingInput(
            title="AK Jugend",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 12, 8, 18, 0),
            end=datetime(2026, 12, 8, 20, 0),
            address="Rathaus, Marktplatz 3",
            group_ids=[network.group_id],
        )
    ).record
    meetings.invite(meeting.id, group_ids=[network.group_id])
    return meetings, meeting.id


def _absent(text: str, values: list[str]) -> None:
    found = [v for v in values if v in text or v.replace("\n", ", ") in text]
    assert not found, f"Kontaktdaten ohne Einwilligung in der Ausgabe: {found}"


# ---------------------------------------------------------------------------- the rule


def test_a_consent_is_current_when_given_and_not_withdrawn_for_that_purpose() -> None:
    def record(purpose: ConsentPurpose, given: datetime, withdrawn: datetime | None = None):
        return ConsentRecord(1, purpose, LegalBasis.EINWILLIGUNG, "", given, withdrawn)

    shared = record(SHARING, GIVEN)
    assert is_current(shared, SHARING, NOW)
    assert not is_current(shared, ConsentPurpose.EINLADUNGEN, NOW)
    assert not is_current(record(SHARING, NOW + timedelta(days=1)), SHARING, NOW)  # not yet
    # A withdrawal ends it at once, even one dated ahead.
    assert not is_current(record(SHARING, GIVEN, NOW + timedelta(days=9)), SHARING, NOW)
    withdrawn, renewed = record(SHARING, GIVEN, GIVEN + timedelta(days=1)), record(SHARING, NOW)
    assert not has_current_consent([withdrawn], SHARING, NOW)
    assert has_current_consent([withdrawn, renewed], SHARING, NOW)
    assert not has_current_consent([], SHARING, NOW)


def test_the_query_form_of_the_rule_finds_the_same_people(network: Network) -> None:
    everybody = [p.id for p in network.everybody()]
    from_records = {
        pid
        for pid in everybody
        if has_current_consent(network.directory.get_person(pid).consents, SHARING, NOW)
    }
    assert consenting_ids(network.db, everybody, SHARING, NOW) == from_records
    assert from_records == {p.id for p in network.everybody() if p.shares}
    assert consenting_ids(network.db, everybody, SHARING, GIVEN - timedelta(days=1)) == set()
    # At the very instant a consent is given, it counts (the query and the records agree).
    at_once = {
        pid
        for pid in everybody
        if has_current_consent(network.directory.get_person(pid).consents, SHARING, GIVEN)
    }
    assert at_once and consenting_ids(network.db, everybody, SHARING, GIVEN) == at_once
    invited = consenting_ids(network.db, everybody, ConsentPurpose.EINLADUNGEN, NOW)
    assert invited == {network.people["Gina"].id, network.people["Olga"].id}


# ---------------------------------------------------------------------------- table exports


def test_people_csv_export_has_contact_data_only_with_a_current_sharing_consent(
    network: Network, tmp_path: Path
) -> None:
    target = tmp_path / "personen.csv"
    assert export_people(network.directory, "csv", target) == 5
    header, rows = read_table(target)
    by_name = {f"{r.cells[3]} {r.cells[4]}": dict(zip(header, r.cells, strict=True)) for r in rows}
    for person in network.everybody():
        row = by_name[person.name]
        shown = (row["E-Mail"], row["Telefon"].lstrip("'"), row["Anschrift"])
        assert shown == (person.contact if person.shares else ("", "", "")), person.name
    # Names, memberships and the consents themselves stay: the list still says who is who.
    assert by_name["Olga Ohne"]["Gruppe"] == "AK Jugend"
    assert by_name["Olga Ohne"]["Einwilligung"] == "Einladungen, Fotos, Newsletter"
    # "Post" without the address it needs would stop the importer: the cell stays empty.
    assert by_name["Paula Post"]["Einladungsweg"] == ""
    assert by_name["Gina Geteilt"]["Einladungsweg"] == "E-Mail"


def test_people_json_export_has_addresses_only_with_a_current_sharing_consent(
    network: Network, tmp_path: Path
) -> None:
    target = tmp_path / "personen.json"
    export_people(network.directory, "json", target)
    emails = {row["name"]: row["emails"] for row in json.loads(target.read_text("utf-8"))}
    assert emails == {p.name: [p.email] if p.shares else [] for p in network.everybody()}


def test_the_export_without_contact_data_imports_into_an_empty_database(
    network: Network, tmp_path: Path
) -> None:
    target = tmp_path / "personen.csv"
    export_people(network.directory, "csv", target)
    other = Database(f"sqlite:///{tmp_path / 'netzwerk.sqlite3'}")
    upgrade(other)
    try:
        copy = Directory(other, Clock.on(TODAY))
        copy.create_group(GroupInput(name="AK Jugend", kind=GroupKind.ARBEITSKREIS))
        report = import_people(Imports(other, Clock.on(TODAY)), target, ConsentPurpose)
        assert (report.created, report.organisations_created) == (5, 1)
        emails = {r.name: r.emails for r in copy.list_people()}
        assert emails == {p.name: (p.email,) if p.shares else () for p in network.everybody()}
    finally:
        other.dispose()


def test_reimporting_the_export_to_update_keeps_every_stored_contact(
    network: Network, tmp_path: Path
) -> None:
    """Empty cells never erase: updating from a shared list cannot lose what the office has."""
    target = tmp_path / "personen.csv"
    export_people(network.directory, "csv", target)
    before = {p.id: network.directory.get_person(p.id) for p in network.everybody()}
    report = Imports(network.db, Clock.on(TODAY)).people(target, existing="update")
    assert (report.created, report.updated) == (0, 5)
    for pid, old in before.items():
        new = network.directory.get_person(pid)
        assert (new.emails, new.phones, new.postal_address) == (
            old.emails,
            old.phones,
            old.postal_address,
        )
        assert new.preferred_channel == old.preferred_channel


def test_organisation_and_group_exports_carry_no_personal_contact_data(
    network: Network, tmp_path: Path
) -> None:
    for fmt in ("csv", "json"):
        export_organisations(network.directory, fmt, tmp_path / f"organisationen.{fmt}")
        export_groups(network.directory, fmt, tmp_path / f"gruppen.{fmt}")
        for name in ("organisationen", "gruppen"):
            _absent((tmp_path / f"{name}.{fmt}").read_text("utf-8-sig"), network.contact_data())


# ---------------------------------------------------------------------------- open data


def test_open_data_export_publishes_only_people_with_a_current_publication_consent(
    network: Network, tmp_path: Path
) -> None:
    # Sharing contact data within the network is not publishing it on the internet.
    shared_only = tmp_path / "nur-teilen"
    summary = export_oparl(OpenData(network.db).source(NOW), BASE, shared_only)
    assert summary.persons == 0
    text = "\n".join(p.read_text("utf-8") for p in sorted(shared_only.glob("*.json")))
    _absent(text, [*network.contact_data(), *(p.name for p in network.everybody())])

    d = Directory(network.db, Clock.on(TODAY))
    for person in network.everybody():
        if person.shares:
            _consent(d, person.id, ConsentPurpose.OFFENE_DATEN)
    folder = tmp_path / "oparl"
    summary = export_oparl(OpenData(network.db).source(NOW), BASE, folder)
    assert summary.persons == 2
    text = "\n".join(p.read_text("utf-8") for p in sorted(folder.glob("*.json")))
    persons = json.loads((folder / "person.json").read_text("utf-8"))["data"]
    assert {p["name"] for p in persons} == {p.name for p in network.everybody() if p.shares}
    for person in network.everybody():
        if person.shares:
            assert person.email in text and person.phone in text
        else:
            _absent(text, [person.email, person.phone, person.name])
        assert person.street.splitlines()[0] not in text  # postal addresses never


# ---------------------------------------------------------------------------- calendars


def test_calendar_feed_and_caldav_object_name_no_attendee_at_all(network: Network) -> None:
    meetings, meeting_id = _meeting(network)
    plan = meetings.plan_delivery(meeting_id)
    meetings.mark_delivered(meeting_id, plan.deliveries, plan.meeting.sequence)
    for data in (
        ics.feed(meetings.feed_events(network.group_id), name="AK Jugend", dtstamp=NOW),
        ics.feed(meetings.feed_events(), name="Alle Termine", dtstamp=NOW),
        ics.calendar_object(meetings.event(meeting_id), dtstamp=NOW),
    ):
        assert b"ATTENDEE" not in data
        text = data.decode()
        _absent(text, [*network.contact_data(), *(p.name for p in network.everybody())])
        assert len(list(Calendar.from_ical(data).walk("VEVENT"))) == 1


def test_invitation_files_go_only_to_current_invitation_consents_and_name_only_them(
    network: Network, tmp_path: Path
) -> None:
    meetings, meeting_id = _meeting(network)
    plan = meetings.plan_delivery(meeting_id)
    assert sorted(d.email for d in plan.deliveries) == ["gina@example.org", "olga@example.org"]
    assert dict(plan.excluded)["Walter Widerrufen"] == "Einwilligung für Einladungen widerrufen"
    count, folder = write_files(meetings, plan, tmp_path / "einladungen")
    assert count == 2
    for path in folder.iterdir():
        (vevent,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        attendee = vevent["ATTENDEE"]
        assert not isinstance(attendee, list)  # one recipient per file
        recipient = str(attendee).removeprefix("mailto:")
        others = [p for p in network.everybody() if p.email != recipient]
        _absent(path.read_text("utf-8"), [v for p in others for v in p.contact])

    # Olga withdraws: the next change takes the meeting out of her calendar once, and after
    # that nothing reaches her any more.
    olga = network.directory.get_person(network.people["Olga"].id)
    consent = next(c for c in olga.consents if c.purpose == ConsentPurpose.EINLADUNGEN)
    withdraw_consent(network.directory, consent.id)
    for room, expected in (
        ("Saal 2", {("gina@example.org", "REQUEST"), ("olga@example.org", "CANCEL")}),
        ("Saal 3", {("gina@example.org", "REQUEST")}),
    ):
        _move_to(meetings, meeting_id, network.group_id, room)
        plan = meetings.plan_delivery(meeting_id)
        assert {(d.email, d.method) for d in plan.deliveries} == expected
        assert dict(plan.excluded)["Olga Ohne"] == "Einwilligung für Einladungen widerrufen"
        meetings.mark_delivered(meeting_id, plan.deliveries, plan.meeting.sequence)


def _move_to(meetings: Meetings, meeting_id: int, group_id: int, room: str) -> None:
    meetings.update(
        meetings.get(meeting_id),
        MeetingInput(
            title="AK Jugend",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 12, 8, 18, 0),
            end=datetime(2026, 12, 8, 20, 0),
            address="Rathaus, Marktplatz 3",
            room=room,
            group_ids=[group_id],
        ),
    )


# ---------------------------------------------------------------------------- documents


def test_sign_in_sheet_minutes_and_attendance_list_name_people_but_no_contact_data(
    network: Network,
) -> None:
    _meetings, meeting_id = _meeting(network)
    minutes = Sittings(network.db, clock=Clock.fixed(NOW))
    sitting = minutes.open(meeting_id)
    for person in network.everybody():
        minutes.set_attendance(sitting.id, person.id, AttendanceStatus.ANWESEND)
    record = minutes.get(sitting.id)
    head = letterhead(network.directory.get_city())
    header, rows = attendance_table(record)
    table = "\n".join(";".join(row) for row in [header, *rows])
    documents = [
        render(build(record, head), "md").decode() for build in (sign_in_sheet, draft_minutes)
    ]
    for text in (table, *documents):
        assert "Gina Geteilt" in text and "Olga Ohne" in text
        # Not even of those who agreed to share: a list handed round is no contact list.
        _absent(text, network.contact_data())


def test_survey_raw_answers_carry_no_person_data_even_from_a_named_survey(
    network: Network, tmp_path: Path
) -> None:
    surveys = Surveys(network.db)
    survey = surveys.create(
        SurveyInput("Rückmeldung", SurveyAudience.ORGANISATIONEN, anonymous=False)
    )
    question = surveys.add_question(survey.id, QuestionInput("Wie zufrieden?", QuestionType.SKALA))
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    gina = network.people["Gina"]
    surveys.submit(
        survey.id,
        {question.id: 4},
        source=ResponseSource.PAPIER,
        person_id=gina.id,
        contact=f"{gina.name}, {gina.email}, {gina.phone}",
    )
    for fmt in ("csv", "json"):
        headers, rows = Evaluation(network.db).raw_answers(survey.id)
        target = tmp_path / f"antworten.{fmt}"
        assert write_raw(headers, rows, fmt, target) == 1
        text = target.read_text("utf-8-sig")
        assert "Papier" in text
        _absent(text, [gina.name, gina.given_name, gina.email, gina.phone])
