"""Reading the audit trail on SQLite and PostgreSQL: every kind of change shows up in the trail
of the record a coordinator looks at, in German, and an erasure keeps the facts only."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from koordination.clock import Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    GroupKind,
    MeetingKind,
    OrganisationKind,
    QuestionType,
    Sector,
    SurveyAudience,
    SurveyStatus,
)
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import DecisionInput, ItemInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import AuditEntry, Person
from koordination.errors import KoordinationError
from koordination.outputs.builders.audit import write_csv
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.privacy.audit_labels import parse_record, render_value
from koordination.services.privacy.audit_trail import AuditTrail, TrailEntry, TrailQuery, entry_json
from koordination.services.sittings.service import Sittings
from koordination.services.surveys.service import Surveys

TODAY = date(2026, 11, 22)


def _changes(entries: list[TrailEntry], kind: str, action: str) -> dict[str, str]:
    """label → "vorher → nachher" over the entries of that kind and action (a save may flush
    twice), the newest winning."""
    found = [e for e in entries if e.kind == kind and e.action == action]
    assert found, f"no {kind} {action} in the trail"
    return {c.label: c.text for e in reversed(found) for c in e.changes}


def _text(entries: list[TrailEntry]) -> str:
    return "\n".join(
        f"{e.what} {c.label} {c.old_text} {c.new_text}" for e in entries for c in e.changes
    )


def test_each_kind_of_change_is_in_the_trail_of_its_record_in_german(db: Database) -> None:
    db.actor = "Petra Koordinatorin"
    directory = Directory(db, Clock.on(TODAY))
    trail = AuditTrail(db)

    org = directory.create_organisation(
        OrganisationInput(
            name="Tafel e.V.", sector=Sector.ZIVILGESELLSCHAFT, kind=OrganisationKind.VEREIN
        )
    ).record
    directory.update_organisation(
        org,
        OrganisationInput(
            name="Tafel Musterstadt e.V.",
            sector=Sector.ZIVILGESELLSCHAFT,
            kind=OrganisationKind.VEREIN,
        ),
    )
    person = directory.create_person(
        PersonInput(given_name="Anna", family_name="Muster", emails=["anna@example.org"])
    ).record
    directory.update_person(
        person,
        PersonInput(given_name="Anna", family_name="Muster-Weber", emails=["anna@example.org"]),
    )
    group = directory.create_group(GroupInput("AK Sport", GroupKind.ARBEITSKREIS)).record
    directory.add_membership(group.id, person.id, valid_from=date(2026, 1, 1))

    # Person: created, renamed; the membership shows with the group's name.
    people = trail.of_record("person", person.id)
    assert _changes(people, "person", "update") == {"Nachname": "Muster → Muster-Weber"}
    assert _changes(people, "person_email", "create")["E-Mail-Adresse"] == "– → anna@example.org"
    membership = _changes(people, "membership", "create")
    assert membership["Gruppe"] == f"– → AK Sport (Nr. {group.id})"
    assert membership["Von"] == "– → 01.01.2026"
    assert membership["Rolle"] == "– → Mitglied"  # the enum's label, not its stored value
    assert {e.actor for e in people} == {"Petra Koordinatorin"}
    assert people[0].what in {"Mitgliedschaft angelegt", "Person geändert"}  # newest first

    # Organisation and group.
    orgs = trail.of_record("organisation", org.id)
    assert [e.action for e in orgs] == ["update", "create"]
    assert _changes(orgs, "organisation", "update") == {
        "Name": "Tafel e.V. → Tafel Musterstadt e.V."
    }
    assert _changes(orgs, "organisation", "create")["Sektor"] == "– → Zivilgesellschaft"
    groups = trail.of_record("group", group.id)
    assert _changes(groups, "membership", "create")["Person"] == (
        f"– → Anna Muster-Weber (Nr. {person.id})"
    )

    # Meeting, and the minutes of its sitting (the decision belongs to an agenda item).
    meetings = Meetings(db, organizer=("Büro", "buero@example.org"))
    start = datetime(2026, 12, 8, 18)
    data = MeetingInput(
        title="AK Sport",
        kind=MeetingKind.ARBEITSKREIS,
        start=start,
        end=start + timedelta(hours=2),
        group_ids=[group.id],
    )
    meeting = meetings.create(data).record
    meetings.update(meeting, replace(data, room="Saal 2"))
    minutes = Sittings(db)
    sitting = minutes.open(meeting.id)
    minutes.add_item(sitting.id, ItemInput("Hallenzeiten"))
    item = minutes.get(sitting.id).items[-1]
    minutes.set_notes(item.id, "Die Halle ist dienstags frei.")
    minutes.add_decision(
        item.id, DecisionInput("Die Halle wird dienstags geteilt.", consensus=True)
    )
    minutes.set_attendance(sitting.id, person.id, AttendanceStatus.ANWESEND)

    meeting_trail = trail.of_record("meeting", meeting.id)
    assert _changes(meeting_trail, "meeting", "update")["Raum"] == "– → Saal 2"
    start_change = _changes(meeting_trail, "meeting", "create")["Beginn"]
    assert start_change == "– → 08.12.2026 18:00"  # stored in UTC, shown in Berlin
    sitting_trail = trail.of_record("sitting", sitting.id)
    assert _changes(sitting_trail, "agenda_item", "update")["Notizen"] == (
        "– → Die Halle ist dienstags frei."
    )
    assert _changes(sitting_trail, "decision", "create")["Wortlaut"] == (
        "– → Die Halle wird dienstags geteilt."
    )
    assert _changes(sitting_trail, "attendance", "create")["Person"] == (
        f"– → Anna Muster-Weber (Nr. {person.id})"
    )
    # The meeting's trail includes its sittings' parts; the person's includes the attendance.
    assert any(e.kind == "decision" for e in meeting_trail)
    assert any(e.kind == "attendance" for e in trail.of_record("person", person.id))

    # Survey: created, question added, started.
    surveys = Surveys(db)
    survey = surveys.create(SurveyInput("Vereinsumfrage", SurveyAudience.ORGANISATIONEN))
    surveys.add_question(survey.id, QuestionInput("Wie viele Mitglieder?", QuestionType.ZAHL))
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    survey_trail = trail.of_record("survey", survey.id)
    assert _changes(survey_trail, "survey", "update")["Status"] == "Entwurf → läuft"
    assert _changes(survey_trail, "survey_question", "create")["Text"] == (
        "– → Wie viele Mitglieder?"
    )
    assert survey_trail[-1].what == "Umfrage angelegt"

    # Nothing of one record leaks into another's trail.
    assert "Vereinsumfrage" not in _text(trail.of_record("organisation", org.id))


def test_an_erased_person_keeps_the_facts_of_the_trail_without_values(db: Database) -> None:
    directory = Directory(db, Clock.on(TODAY))
    person = directory.create_person(
        PersonInput(given_name="Berta", family_name="Geheim", emails=["berta@example.org"])
    ).record
    group = directory.create_group(GroupInput("AK Kultur", GroupKind.ARBEITSKREIS)).record
    directory.add_membership(group.id, person.id)
    with db.session() as session:  # what an erasure does to the row and the trail
        session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values(given_name="", family_name="N. N.", erased_at=datetime.now(UTC))
        )
        audit.scrub(session, "person", person.id)
        audit.log(session, "erase", "person", person.id)
    entries = AuditTrail(db).of_record("person", person.id)
    assert entries[0].what == "Person gelöscht (Art. 17 DSGVO)"
    assert entries[0].changes == ()
    created = _changes(entries, "person", "create")
    assert created["Nachname"] == "– → [gelöscht]" and created["Vorname"] == "– → [gelöscht]"
    text = _text(entries)
    assert "Geheim" not in text and "berta@example.org" not in text
    # The membership is a fact about the group: still there, naming the person as erased.
    membership = _changes(entries, "membership", "create")
    assert membership["Person"] == f"– → N. N. (Nr. {person.id})"


def test_a_csv_import_leaves_one_entry_for_the_whole_file(db: Database, tmp_path: Path) -> None:
    people = tmp_path / "personen.csv"
    people.write_text(
        "Nachname;Vorname;E-Mail\nWeber;Frank;frank@example.org\nBecker;Maria;maria@example.org\n",
        encoding="utf-8",
    )
    orgs = tmp_path / "organisationen.csv"
    orgs.write_text("Name;Sektor\nTafel e.V.;Zivilgesellschaft\n", encoding="utf-8")
    Imports(db, Clock.on(TODAY)).people(people)
    Imports(db).organisations(orgs)
    Imports(db, Clock.on(TODAY)).people(people, existing="skip", dry_run=True)
    entries = AuditTrail(db).entries(TrailQuery())
    imports = [e for e in entries if e.action == "import"]
    assert [(e.what, e.kind) for e in imports] == [
        ("Person importiert", "person"),
        ("Organisation importiert", "organisation"),
    ]  # the dry run wrote nothing
    facts = {c.label: c.text for c in imports[0].changes}
    assert facts == {"Datei": "personen.csv", "Zeilen": "2", "neu": "2", "aktualisiert": "0"}


def test_the_trail_filters_by_kind_and_time_and_exports_json_and_csv(
    db: Database, tmp_path: Path
) -> None:
    directory = Directory(db, Clock.on(TODAY))
    org = directory.create_organisation(
        OrganisationInput(name="Hospiz e.V.", sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    directory.create_person(PersonInput(given_name="Jo", family_name="Beispiel"))
    with db.session() as session:  # the organisation was made long ago
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.kind == "organisation")
            .values(at=datetime(2025, 7, 1, 10, 30, tzinfo=UTC))
        )
    trail = AuditTrail(db)
    assert {e.kind for e in trail.entries(TrailQuery(kind="organisation"))} == {"organisation"}
    recent = trail.entries(TrailQuery(since=datetime(2026, 1, 1, tzinfo=UTC)))
    assert recent and all(e.kind != "organisation" for e in recent)
    old = trail.entries(TrailQuery(until=datetime(2026, 1, 1, tzinfo=UTC)))
    assert [e.when for e in old] == ["01.07.2025 12:30"]  # summer time in Berlin

    data = entry_json(old[0])
    assert data["at"] == "2025-07-01T12:30:00+02:00"
    assert data["owner"] == {"kind": "organisation", "id": org.id}
    assert data["changes"]["name"] == {"label": "Name", "old": None, "new": "Hospiz e.V."}

    target = tmp_path / "verlauf.csv"
    assert write_csv(trail.entries(TrailQuery(record=("organisation", org.id))), target) == 1
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Zeit", "Wer", "Was", "Eintrag", "Gehört zu", "Feld", "vorher", "nachher"]
    first = [rows[1][i] for i in (0, 2, 5, 6, 7)]
    assert first == ["01.07.2025 12:30", "Organisation angelegt", "Name", "", "Hospiz e.V."]


def test_a_record_is_named_kind_colon_number_or_a_german_error_says_how() -> None:
    assert parse_record("person:12") == ("person", 12)
    assert parse_record(" group : 3 ") == ("group", 3)
    with pytest.raises(KoordinationError, match=r"Bitte ART:NR angeben, z\. B\. person:12"):
        parse_record("person12")
    with pytest.raises(KoordinationError, match="„leute“ ist keine bekannte Art"):
        parse_record("leute:1")
    assert render_value(True) == "ja" and render_value(None) == "–"
    assert render_value(2.5) == "2,5" and render_value("2026-03-01") == "01.03.2026"
