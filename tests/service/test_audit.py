"""The audit trail on SQLite and PostgreSQL: every kind of change is logged with who, when
and the changed values; scrubbing keeps the facts but not the values."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select

from koordination.clock import Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import (
    GroupKind,
    MeetingKind,
    OrganisationKind,
    QuestionType,
    Sector,
    SurveyAudience,
)
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.inputs.fields import FieldInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import DecisionInput, ItemInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import AuditEntry
from koordination.services.directory.service import Directory
from koordination.services.fields.service import ActionFields
from koordination.services.meetings.service import Meetings
from koordination.services.sittings.service import Sittings
from koordination.services.surveys.service import Surveys


def _trail(db: Database, kind: str, record_id: int) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.owner_kind == kind, AuditEntry.owner_id == record_id)
                .order_by(AuditEntry.id)
            )
        )


def test_every_kind_of_change_is_logged_with_actor_and_values(db: Database) -> None:
    db.actor = "Petra Koordinatorin"
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    org = directory.create_organisation(
        OrganisationInput(
            name="Tafel e.V.", sector=Sector.ZIVILGESELLSCHAFT, kind=OrganisationKind.VEREIN
        )
    ).record
    person = directory.create_person(
        PersonInput(given_name="Anna", family_name="Muster", emails=["anna@example.org"])
    ).record
    updated = directory.update_person(
        person,
        PersonInput(given_name="Anna", family_name="Muster-Weber", emails=["anna@example.org"]),
    )
    group = directory.create_group(GroupInput(name="AK Sport", kind=GroupKind.ARBEITSKREIS))
    directory.add_membership(group.record.id, person.id)
    meetings = Meetings(db, organizer=("Büro", "buero@example.org"))
    meeting = meetings.create(
        MeetingInput(
            title="AK Sport",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 12, 8, 18),
            end=datetime(2026, 12, 8, 20),
            group_ids=[group.record.id],
        )
    ).record
    minutes = Sittings(db)
    sitting = minutes.open(meeting.id)
    minutes.add_item(sitting.id, ItemInput("Hallenzeiten"))
    item_id = minutes.get(sitting.id).items[-1].id
    minutes.add_decision(
        item_id, DecisionInput("Die Halle wird dienstags geteilt.", consensus=True)
    )
    surveys = Surveys(db)
    survey = surveys.create(SurveyInput("Umfrage Sport", SurveyAudience.ORGANISATIONEN))
    surveys.add_question(survey.id, QuestionInput("Wie viele Mitglieder?", QuestionType.ZAHL))
    fields = ActionFields(db)
    field_id = fields.create_field(FieldInput("Sport für alle"))

    people_trail = _trail(db, "person", person.id)
    actions = [(e.kind, e.action) for e in people_trail]
    assert ("person", "create") in actions and ("person_email", "create") in actions
    assert ("person", "update") in actions
    change = next(e for e in people_trail if e.action == "update" and e.kind == "person")
    assert json.loads(change.changes)["family_name"] == ["Muster", "Muster-Weber"]
    assert {e.actor for e in people_trail} == {"Petra Koordinatorin"}
    assert updated.record.family_name == "Muster-Weber"
    assert [e.kind for e in _trail(db, "organisation", org.id)] == ["organisation"]
    membership = [e for e in _trail(db, "group", group.record.id) if e.kind == "membership"]
    assert membership and f" person:{person.id} " in membership[0].refs
    assert any(e.kind == "meeting" for e in _trail(db, "meeting", meeting.id))
    assert any(e.kind == "agenda_item" for e in _trail(db, "sitting", sitting.id))
    assert any(e.kind == "survey_question" for e in _trail(db, "survey", survey.id))
    assert [e.kind for e in _trail(db, "action_field", field_id)] == ["action_field"]
    decision = [e for e in _trail(db, "agenda_item", item_id) if e.kind == "decision"]
    assert "dienstags" in decision[0].changes


def test_scrubbing_keeps_the_facts_but_no_values(db: Database) -> None:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    person = directory.create_person(
        PersonInput(given_name="Berta", family_name="Geheim", emails=["berta@example.org"])
    ).record
    with db.session() as session:
        blanked = audit.scrub(session, "person", person.id)
    trail = _trail(db, "person", person.id)
    assert blanked == len(trail) >= 2
    text = " ".join(e.changes for e in trail)
    assert "Geheim" not in text and "berta@example.org" not in text
    assert audit.ERASED in text
    assert {e.action for e in trail} == {"create"}
