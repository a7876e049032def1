"""Retention rules on SQLite and PostgreSQL: all off until the office sets them, a preview that
changes nothing, and a run that deletes exactly what the preview listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    GroupKind,
    MeetingKind,
    QuestionType,
    ResponseSource,
    SurveyAudience,
    SurveyStatus,
)
from koordination.domain.inputs.directory import CityProfileInput, GroupInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import AuditEntry, Invitation, Person, SurveyResponse
from koordination.errors import ConflictError, ValidationError
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.privacy.audit_trail import AuditTrail, TrailQuery
from koordination.services.privacy.retention import Retention
from koordination.services.privacy.retention_rules import RULE_KINDS, months_before
from koordination.services.surveys.answers import parse_answer
from koordination.services.surveys.service import Surveys

# Everything the tests create is written "now"; the runs look at it ten years later, so what
# is made now is old, and what is dated RECENT is within every rule's period.
NOW = SYSTEM_CLOCK.today()
TODAY = date(NOW.year + 10, 6, 15)
RECENT = date(NOW.year + 10, 4, 1)
OLD = NOW + timedelta(days=30)


@dataclass(frozen=True)
class City:
    old_guest: int
    recent_guest: int
    member: int
    former_member: int
    recently_left: int
    contact: int
    old_meeting: int
    recent_meeting: int
    old_survey: int
    old_contact_response: int
    recent_survey: int


def _meeting(meetings: Meetings, title: str, day: date) -> int:
    start = datetime.combine(day, time(18, 0))
    data = MeetingInput(
        title=title, kind=MeetingKind.ARBEITSKREIS, start=start, end=start + timedelta(hours=2)
    )
    return meetings.create(data).record.id


def _survey(surveys: Surveys, title: str, ends_on: date, contact: str, person: int) -> list[int]:
    survey = surveys.create(SurveyInput(title, SurveyAudience.ORGANISATIONEN, anonymous=False))
    surveys.add_question(survey.id, QuestionInput("Wie viele Mitglieder?", QuestionType.ZAHL))
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    question = surveys.form(survey.id).questions[0]
    answers = {question.id: parse_answer(question, "12")}
    paper = ResponseSource.PAPIER
    ids = [
        surveys.submit(survey.id, answers, source=paper, contact=contact, person_id=person),
        surveys.submit(survey.id, answers, source=paper),  # without contact data
    ]
    surveys.update(
        surveys.get(survey.id),
        SurveyInput(
            title,
            SurveyAudience.ORGANISATIONEN,
            anonymous=False,
            starts_on=NOW - timedelta(days=30),
            ends_on=ends_on,
        ),
    )
    surveys.set_status(survey.id, SurveyStatus.ABGESCHLOSSEN)
    return [survey.id, *ids]


def _city(db: Database) -> City:
    directory = Directory(db, Clock.on(NOW))

    def person(given: str, family: str) -> int:
        data = PersonInput(given_name=given, family_name=family, emails=[f"{given}@example.org"])
        return directory.create_person(data).record.id

    ids = {
        name: person(name.capitalize(), "Muster")
        for name in (
            "oldguest",
            "recentguest",
            "member",
            "formermember",
            "recentlyleft",
            "contact",
        )
    }
    # Saved twice: a new profile with a contact person in one go trips an early autoflush.
    city = directory.save_city(None, CityProfileInput(name="Musterstadt"))
    directory.save_city(
        city, CityProfileInput(name="Musterstadt", contact_person_id=ids["contact"])
    )
    group = directory.create_group(GroupInput("AK Sport", GroupKind.ARBEITSKREIS)).record.id
    directory.add_membership(group, ids["member"], valid_from=NOW - timedelta(days=400))
    directory.add_membership(
        group, ids["formermember"], valid_from=date(2015, 1, 1), valid_to=date(2016, 1, 1)
    )
    directory.add_membership(
        group, ids["recentlyleft"], valid_from=date(2015, 1, 1), valid_to=RECENT
    )
    meetings = Meetings(db, organizer=("Büro", "buero@example.org"))
    old_meeting = _meeting(meetings, "Sportforum", OLD)
    recent_meeting = _meeting(meetings, "Sportforum II", RECENT)
    meetings.invite(old_meeting, group_ids=[group], person_ids=[ids["oldguest"]])
    meetings.invite(recent_meeting, person_ids=[ids["recentguest"]])
    surveys = Surveys(db)
    old_survey, old_contact, _ = _survey(
        surveys, "Vereinsumfrage", OLD, "formermember@example.org", ids["formermember"]
    )
    recent_survey, _, _ = _survey(
        surveys, "Vereinsumfrage II", RECENT, "x@example.org", ids["member"]
    )
    return City(
        old_guest=ids["oldguest"],
        recent_guest=ids["recentguest"],
        member=ids["member"],
        former_member=ids["formermember"],
        recently_left=ids["recentlyleft"],
        contact=ids["contact"],
        old_meeting=old_meeting,
        recent_meeting=recent_meeting,
        old_survey=old_survey,
        old_contact_response=old_contact,
        recent_survey=recent_survey,
    )


#: The rules on people, surveys' contacts and invitations (the others: test_retention_kinds.py).
PEOPLE_RULES = ("guests", "inactive_people", "survey_contacts", "invitations")


def _switch_on(retention: Retention, *kinds: str, months: int = 12) -> None:
    for kind in kinds or PEOPLE_RULES:
        retention.set_rule(kind, months, True)


def _state(db: Database) -> dict[str, Any]:
    """What a run could change: people, their erasure, contacts, invitations."""
    with db.session() as s:
        return {
            "people": s.execute(
                select(Person.id, Person.family_name, Person.erased_at).order_by(Person.id)
            ).all(),
            "contacts": s.execute(
                select(
                    SurveyResponse.id, SurveyResponse.contact, SurveyResponse.person_id
                ).order_by(SurveyResponse.id)
            ).all(),
            "invitations": s.scalars(select(Invitation.id).order_by(Invitation.id)).all(),
        }


def _targets(plan: Any, kind: str) -> list[int]:
    rule = next(r for r in plan.rules if r.kind == kind)
    return [t.id for t in rule.targets]


def test_every_rule_is_off_until_the_office_sets_it_and_then_nothing_is_deleted(
    db: Database,
) -> None:
    _city(db)
    retention = Retention(db, Clock.on(TODAY))
    states = retention.rules()
    assert [s.kind for s in states] == list(RULE_KINDS)
    assert not any(s.enabled or s.stored for s in states)
    assert retention.preview().rules == ()
    before = _state(db)
    report = retention.run()
    assert report.results == ()
    assert "Keine Regel ist eingeschaltet" in "\n".join(report.lines())
    assert _state(db) == before


def test_preview_changes_nothing_and_run_deletes_exactly_what_it_listed(db: Database) -> None:
    city = _city(db)
    retention = Retention(db, Clock.on(TODAY))
    _switch_on(retention)
    before = _state(db)
    plan = retention.preview()
    assert _state(db) == before  # a preview deletes nothing
    assert plan.today == TODAY and {r.cutoff for r in plan.rules} == {months_before(TODAY, 12)}
    # A guest is listed once, under the guest rule; current members, people active within the
    # period and the city's contact person are never listed.
    assert _targets(plan, "guests") == [city.old_guest]
    assert _targets(plan, "inactive_people") == [city.former_member]
    assert _targets(plan, "survey_contacts") == [city.old_survey]
    assert _targets(plan, "invitations") == [city.old_meeting]
    survey_rule = next(r for r in plan.rules if r.kind == "survey_contacts")
    assert survey_rule.targets[0].parts == (city.old_contact_response,)
    guest = next(r for r in plan.rules if r.kind == "guests").targets[0]
    assert guest.description.startswith(f"Oldguest Muster (Nr. {city.old_guest}), zuletzt aktiv")
    listed_invitations = next(r for r in plan.rules if r.kind == "invitations").targets[0].parts

    report = retention.run(plan=plan)

    after = _state(db)
    erased = {pid for pid, _name, erased_at in after["people"] if erased_at is not None}
    assert erased == {city.old_guest, city.former_member}
    names = {pid: name for pid, name, _e in after["people"]}
    assert names[city.old_guest].startswith("N. N.")
    cleared = {
        rid
        for (rid, contact, pid), old in zip(after["contacts"], before["contacts"], strict=True)
        if (contact, pid) != old[1:]
    }
    assert cleared == {city.old_contact_response}
    gone = set(before["invitations"]) - set(after["invitations"])
    assert gone == set(listed_invitations)
    assert [r.summary for r in report.results] == [
        "1 Person gelöscht",
        "1 Person gelöscht",
        "Kontaktdaten aus 1 Antwort in 1 Umfrage entfernt",
        f"{len(listed_invitations)} Einladungen von 1 Termin gelöscht",
    ]
    # Run again: nothing is left to delete.
    assert retention.preview().empty


def test_a_run_refuses_a_plan_the_data_no_longer_give(db: Database) -> None:
    city = _city(db)
    retention = Retention(db, Clock.on(TODAY))
    _switch_on(retention, "inactive_people")
    plan = retention.preview()
    assert _targets(plan, "inactive_people") == sorted([city.former_member, city.old_guest])
    # In the meantime the former member joins a group again.
    directory = Directory(db, Clock.on(NOW))
    group = directory.create_group(GroupInput("AK Kultur", GroupKind.ARBEITSKREIS)).record.id
    directory.add_membership(group, city.former_member)
    before = _state(db)
    with pytest.raises(ConflictError, match="Seit der Vorschau hat sich"):
        retention.run(plan=plan)
    assert _state(db) == before
    assert _targets(retention.preview(), "inactive_people") == [city.old_guest]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("guests", "old_guest"),
        ("inactive_people", "old_guest former_member"),
        ("survey_contacts", "old_survey"),
        ("invitations", "old_meeting"),
    ],
)
def test_each_rule_alone_finds_only_its_kind_of_data(
    db: Database, kind: str, expected: str
) -> None:
    city = _city(db)
    retention = Retention(db, Clock.on(TODAY))
    _switch_on(retention, kind)
    plan = retention.preview()
    assert [r.kind for r in plan.rules] == [kind]
    assert _targets(plan, kind) == sorted(getattr(city, name) for name in expected.split())
    # A longer period than the data's age finds nothing.
    retention.set_rule(kind, 12 * 20, True)
    assert retention.preview().empty


def test_a_rule_switched_off_deletes_nothing_and_keeps_its_period(db: Database) -> None:
    _city(db)
    retention = Retention(db, Clock.on(TODAY))
    retention.set_rule("guests", 18, True)
    state = retention.set_rule("guests", None, False)
    assert (state.enabled, state.months, state.title) == (False, 18, "Gäste nach 18 Monaten")
    before = _state(db)
    retention.run()
    assert _state(db) == before
    on = retention.set_rule("guests", None, True)
    assert (on.enabled, on.months) == (True, 18)


def test_setting_a_rule_checks_kind_and_months_in_german(db: Database) -> None:
    retention = Retention(db)
    with pytest.raises(ValidationError, match=r"„gaeste“ gibt es nicht\. Bekannt: guests"):
        retention.set_rule("gaeste", 12, True)
    with pytest.raises(ValidationError, match="Monate: Bitte eine Zahl von 1 bis 600"):
        retention.set_rule("guests", 0, True)
    assert retention.set_rule("survey_contacts", 1, True).title == (
        "Kontaktdaten aus Umfragen 1 Monat nach Abschluss"
    )


def test_a_run_is_in_the_audit_trail_and_keeps_no_deleted_values(db: Database) -> None:
    db.actor = "Petra Koordinatorin"
    city = _city(db)
    retention = Retention(db, Clock.on(TODAY))
    _switch_on(retention)
    retention.run()
    trail = AuditTrail(db)
    runs = [e for e in trail.entries(TrailQuery(kind="retention_rule")) if e.action == "run"]
    assert len(runs) == 1 and runs[0].actor == "Petra Koordinatorin"
    facts = {c.label: c.new_text for c in runs[0].changes}
    assert facts["Gäste nach 12 Monaten"] == f"1 Person gelöscht (Nr. {city.old_guest})"
    assert runs[0].what == "Aufbewahrungsregel ausgeführt"
    # The erased person's trail keeps the facts, not the values.
    person = trail.of_record("person", city.former_member)
    assert person[0].action == "erase"
    text = " ".join(c.old_text + c.new_text for e in person for c in e.changes)
    assert "Formermember" not in text and "formermember@example.org" not in text
    # The survey's trail says how many contacts were removed, and holds none of them.
    survey = trail.of_record("survey", city.old_survey)
    removed = next(e for e in survey if e.kind == "survey" and e.action == "update")
    assert {c.label: c.new for c in removed.changes}["Kontaktdaten entfernt (Antworten)"] == 1
    assert "formermember@example.org" not in " ".join(
        c.old_text + c.new_text for e in survey for c in e.changes
    )
    # The meeting's trail keeps the invitation list only as numbers.
    meeting = trail.of_record("meeting", city.old_meeting)
    counts = next(e for e in meeting if e.kind == "invitation" and e.action == "delete")
    assert {c.label for c in counts.changes} >= {"Einladungen", "Aufbewahrungsregel"}
    with db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "run")) == 1


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2026, 11, 22), 24) == date(2024, 11, 22)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
