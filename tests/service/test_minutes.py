"""Sittings on SQLite and PostgreSQL: agenda, attendance, frozen minutes, carried-over tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from support.consents import give_consent

from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    CardKind,
    ConsentPurpose,
    DecisionResult,
    GroupKind,
    MeetingKind,
    MinutesStatus,
    OrganisationKind,
    Sector,
    StandingItem,
)
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.sittings import CardInput, DecisionInput, ItemInput, TaskInput
from koordination.domain.records.meetings import content_json
from koordination.errors import ValidationError
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.sittings.approval import fingerprint
from koordination.services.sittings.service import Sittings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY_ZONE)


@pytest.fixture
def ak(
    built_db: Callable[..., tuple[Database, tuple[int, dict[str, int]]]],
) -> tuple[Sittings, int, dict[str, int]]:
    """A working group (civil society and administration) with a monthly series, built once per
    run and backend and copied per test."""
    db, (series, people) = built_db(_build_ak)
    return Sittings(db, clock=Clock.fixed(NOW)), series, people


def _build_ak(db: Database) -> tuple[int, dict[str, int]]:
    directory = Directory(db, Clock.on(date(2026, 11, 22)))
    group = directory.create_group(
        GroupInput(name="AK Stadtteilarbeit", kind=GroupKind.ARBEITSKREIS)
    )
    people = {}
    for given, org, sector in (
        ("Anna", "Tafel e.V.", Sector.ZIVILGESELLSCHAFT),
        ("Bernd", "Stadtverwaltung", Sector.VERWALTUNG),
    ):
        oid = directory.create_organisation(
            OrganisationInput(name=org, sector=sector, kind=OrganisationKind.SONSTIGE)
        ).record.id
        pid = directory.create_person(
            PersonInput(given_name=given, family_name="Muster", emails=[f"{given}@example.org"])
        ).record.id
        directory.add_affiliation(pid, oid)
        give_consent(directory, pid, ConsentPurpose.EINLADUNGEN)
        directory.add_membership(group.record.id, pid)
        people[given] = pid
    meetings = Meetings(db, clock=Clock.fixed(NOW), organizer=("Büro", "buero@example.org"))
    series = meetings.create(
        MeetingInput(
            title="AK Stadtteilarbeit",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 9, 8, 18),
            end=datetime(2026, 9, 8, 20),
            group_ids=[group.record.id],
            rrule=RecurrenceRule.monthly_on_weekday(2, 1, count=10).to_rrule(),
        )
    ).record
    meetings.invite(series.id, group_ids=[group.record.id])
    return series.id, people


def test_a_series_date_gets_template_standing_items_and_the_invitees(ak: tuple) -> None:
    minutes, series, _people = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    assert [(i.number, i.title) for i in sitting.items] == [
        ("1", "Begrüßung"),
        ("2", "Genehmigung des Protokolls der letzten Sitzung"),
        ("3", "Offene Aufgaben"),
        ("4", "Berichte aus der Runde"),
        ("5", "Verschiedenes"),
    ]
    assert [i.planned_start for i in sitting.items][:2] == [
        _local(2026, 10, 13, 18, 0),
        _local(2026, 10, 13, 18, 5),
    ]
    assert {r.name for r in sitting.attendance} == {"Anna Muster", "Bernd Muster"}
    assert minutes.open(series, _local(2026, 10, 13, 18)).id == sitting.id
    with pytest.raises(ValidationError, match="Bei einer Serie bitte das Datum"):
        minutes.open(series)


def test_agenda_numbers_subitems_keeps_aob_last_and_warns_on_overrun(ak: tuple) -> None:
    minutes, series, _ = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    sitting = minutes.add_item(sitting.id, ItemInput("Stadtteilfest 2027", duration_minutes=60))
    fest = next(i for i in sitting.items if i.title == "Stadtteilfest 2027")
    sitting = minutes.add_item(
        sitting.id, ItemInput("Finanzierung", duration_minutes=20), parent_id=fest.id
    )
    numbers = [(i.number, i.title) for i in sitting.items]
    assert numbers[-3:] == [
        ("5", "Stadtteilfest 2027"),
        ("5.1", "Finanzierung"),
        ("6", "Verschiedenes"),
    ]
    assert "überschreiten die Dauer der Sitzung (120 Minuten) um 10 Minuten" in sitting.overrun
    minutes.move_item(fest.id, -1)
    assert minutes.get(sitting.id).items[3].title == "Stadtteilfest 2027"


def test_attendance_counts_per_sector(ak: tuple) -> None:
    minutes, series, people = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    minutes.set_attendance(sitting.id, people["Anna"], AttendanceStatus.ANWESEND)
    record = minutes.set_attendance(sitting.id, people["Bernd"], AttendanceStatus.ENTSCHULDIGT)
    assert Sittings.sector_counts(record) == {"Zivilgesellschaft": 1}


def test_approved_minutes_are_frozen_and_a_correction_keeps_the_old_version(ak: tuple) -> None:
    minutes, series, _people = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    item = sitting.items[3]
    minutes.set_notes(item.id, "Bericht über den Nachbarschaftstreff „Am Mühlbach“.")
    minutes.add_decision(
        item.id,
        DecisionInput("Der AK lädt zum Stadtteilfest am 12.06.2027 ein.", yes=7, no=0, abstain=1),
    )
    with pytest.raises(ValidationError, match="zuerst zur Genehmigung"):
        minutes.approve(sitting.id, "AK Stadtteilarbeit")
    minutes.submit(sitting.id)
    first = minutes.approve(sitting.id, "AK Stadtteilarbeit")
    assert first.number == 1 and len(first.fingerprint) == 64
    with pytest.raises(ValidationError, match="eingefroren"):
        minutes.set_notes(item.id, "nachträglich geändert")
    _content, print_ = minutes.approved_content(sitting.id)
    assert print_ == first.fingerprint
    assert fingerprint(content_json(minutes.get(sitting.id))) == first.fingerprint

    minutes.start_correction(minutes.get(sitting.id))
    minutes.set_notes(item.id, "Bericht über den Nachbarschaftstreff (korrigiert).")
    minutes.submit(sitting.id)
    second = minutes.approve(sitting.id, "AK Stadtteilarbeit")
    assert second.number == 2 and second.fingerprint != first.fingerprint
    old, _ = minutes.approved_content(sitting.id, 1)
    new, _ = minutes.approved_content(sitting.id)
    assert "Mühlbach" in json_text(old) and "korrigiert" in json_text(new)
    assert [v.number for v in minutes.get(sitting.id).versions] == [1, 2]


def json_text(data: object) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


def test_open_tasks_come_back_at_the_next_meetings_until_done(ak: tuple) -> None:
    minutes, series, people = ak
    october = minutes.open(series, _local(2026, 10, 13))
    task = minutes.add_task(
        october.id,
        TaskInput("Flyer drucken lassen", person_id=people["Anna"], due=date(2026, 11, 1)),
        item_id=october.items[3].id,
    )
    november = minutes.open(series, _local(2026, 11, 10))
    assert [t.title for t in november.open_tasks] == ["Flyer drucken lassen"]
    assert november.open_tasks[0].origin == "AK Stadtteilarbeit, 13.10.2026"
    assert minutes.get(october.id).items[3].tasks[0].assignee == "Anna Muster"
    assert [t.overdue(date(2026, 11, 22)) for t in minutes.list_tasks(open_only=True)] == [True]
    minutes.complete_task(task, on=date(2026, 11, 10), reported_in=november.id)
    assert [t.done_on for t in minutes.get(november.id).open_tasks] == [date(2026, 11, 10)]
    december = minutes.open(series, _local(2026, 12, 8))
    assert december.open_tasks == ()
    assert minutes.list_tasks(open_only=True) == []
    assert [i.standing for i in december.items if i.standing] == [
        StandingItem.PROTOKOLL,
        StandingItem.AUFGABEN,
        StandingItem.VERSCHIEDENES,
    ]


def test_tasks_need_exactly_one_assignee_and_decisions_a_vote(ak: tuple) -> None:
    minutes, series, _people = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    with pytest.raises(ValidationError, match="genau eine Person oder eine Gruppe"):
        minutes.add_task(sitting.id, TaskInput("Irgendwas"))
    with pytest.raises(ValidationError, match="Konsens wählen"):
        minutes.add_decision(sitting.items[0].id, DecisionInput("Wortlaut"))
    minutes.add_decision(
        sitting.items[0].id,
        DecisionInput("Wortlaut", consensus=True, result=DecisionResult.ANGENOMMEN),
    )
    decision = minutes.get(sitting.id).items[0].decisions[0]
    assert decision.vote_text == "im Konsens"


def test_workshop_cards_are_grouped_voted_and_become_tasks(ak: tuple) -> None:
    minutes, series, people = ak
    sitting = minutes.open(series, _local(2026, 10, 13))
    idea = minutes.add_card(sitting.id, CardInput("Engagementbörse im Rathausfoyer", CardKind.IDEE))
    minutes.group_card(idea, "Sichtbarkeit")
    minutes.vote(idea, 3)
    task = minutes.card_to_task(idea, person_id=people["Bernd"], due=date(2027, 3, 1))
    (card,) = minutes.get(sitting.id).cards
    assert (card.cluster, card.votes, card.task_id) == ("Sichtbarkeit", 3, task)
    assert minutes.list_tasks(person_id=people["Bernd"])[0].title == (
        "Engagementbörse im Rathausfoyer"
    )
    assert minutes.get(sitting.id).minutes_status == MinutesStatus.ENTWURF
