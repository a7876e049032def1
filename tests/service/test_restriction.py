"""Restriction of processing (Art. 18 DSGVO) and objections (Art. 21) on the demo city: a
restricted person gets no invitation file or mail, is in no export and no open data, cannot be
edited until the restriction is lifted; objections are recorded, decided and shown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import AuditEntry, Meeting, Organisation, Task
from koordination.errors import KoordinationError, NotFoundError, ValidationError
from koordination.outputs.oparl import export_oparl
from koordination.outputs.registry import export_table
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.services.meetings import dispatch
from koordination.services.meetings.service import Meetings
from koordination.services.open_data import OpenData
from koordination.services.privacy.objections import Objections
from koordination.services.privacy.restriction import RESTRICTED, RestrictedError, Restrictions

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
SERIES_UID = "demo-1@wiesenbrueck.example.org"
REASON = "Richtigkeit der Anschrift bestritten"


def _person(db: Database, task: str = "Raum für das Stadtteilfest anfragen") -> int:
    with db.session() as session:
        pid = session.scalar(select(Task.assignee_person_id).where(Task.title == task))
    assert pid is not None
    return pid


def _restrict(db: Database, pid: int) -> None:
    Restrictions(db, Clock.fixed(NOW)).restrict(pid, f"  {REASON} ")


def _series(db: Database) -> int:
    with db.session() as session:
        meeting_id = session.scalar(select(Meeting.id).where(Meeting.uid == SERIES_UID))
    assert meeting_id is not None
    return meeting_id


def test_a_restricted_person_gets_no_invitation_file_and_no_mail(
    demo_city: Database, tmp_path: Path
) -> None:
    db = demo_city
    pid = _person(db)
    person = Directory(db, Clock.on(TODAY)).get_person(pid)
    meetings = Meetings(db, clock=Clock.fixed(NOW))
    meeting_id = _series(db)
    before = meetings.plan_delivery(meeting_id, everything=True)
    assert pid in {d.person_id for d in before.deliveries}  # the test looks at an invitee

    _restrict(db, pid)
    plan = meetings.plan_delivery(meeting_id, everything=True)
    # The plan is what both the files and the mails are made of.
    assert pid not in {d.person_id for d in plan.deliveries}
    assert (person.display_name, RESTRICTED) in plan.excluded
    count, folder = dispatch.write_files(meetings, plan, tmp_path / "einladungen")
    written = list(folder.iterdir())
    assert count == len(written) == len(before.deliveries) - 1
    for path in written:
        assert person.emails[0] not in path.read_text(encoding="utf-8")
        assert person.display_name not in path.name
    rows = meetings.invitation_list(meeting_id)
    assert [r.excluded_because for r in rows if r.person_id == pid] == [RESTRICTED]

    # Withdrawing the invitation (taking them off the list) sends no cancellation either.
    assert meetings.plan_delivery(meeting_id).deliveries == ()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_restricted_person_is_in_no_people_export(
    demo_city: Database, tmp_path: Path, fmt: str
) -> None:
    db = demo_city
    pid = _person(db)
    directory = Directory(db, Clock.on(TODAY))
    person = directory.get_person(pid)

    def lines_naming(path: Path) -> list[str]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [x for x in lines if person.given_name in x and person.family_name in x]

    before = tmp_path / f"vorher.{fmt}"
    rows_before = export_table(directory, "people", fmt, before)
    assert lines_naming(before)

    _restrict(db, pid)
    after = tmp_path / f"nachher.{fmt}"
    assert export_table(directory, "people", fmt, after) == rows_before - 1
    assert lines_naming(after) == []
    if fmt == "json":
        assert pid not in {row["id"] for row in json.loads(after.read_text(encoding="utf-8"))}
    # The office still sees the person in its own list, marked.
    (row,) = [r for r in directory.list_people(PeopleFilter(person.family_name)) if r.id == pid]
    assert row.restricted


def test_a_restricted_person_is_not_published_as_open_data(
    demo_city: Database, tmp_path: Path
) -> None:
    db = demo_city
    source = OpenData(db).source(NOW)
    shared = next(p for p in source.shared if any(m.person_id == p.id for m in source.memberships))
    before = tmp_path / "vorher"
    export_oparl(source, "https://daten.example.org/oparl", before)
    assert any(shared.family_name in f.read_text(encoding="utf-8") for f in before.rglob("*.json"))

    _restrict(db, shared.id)
    source = OpenData(db).source(NOW)
    assert shared.id not in {p.id for p in source.shared}
    assert shared.id not in {m.person_id for m in source.memberships}
    assert shared.id not in {a.person_id for a in source.affiliations}
    after = tmp_path / "nachher"
    export_oparl(source, "https://daten.example.org/oparl", after)
    for path in after.rglob("*.json"):
        assert shared.family_name not in path.read_text(encoding="utf-8"), path.name


def test_a_restricted_person_cannot_be_edited_until_the_restriction_is_lifted(
    demo_city: Database,
) -> None:
    db = demo_city
    pid = _person(db)
    directory = Directory(db, Clock.on(TODAY))
    _restrict(db, pid)
    person = directory.get_person(pid)
    assert person.restricted_at == NOW and person.restriction_reason == REASON
    data = PersonInput(
        given_name=person.given_name, family_name="Anders", emails=list(person.emails)
    )
    with pytest.raises(RestrictedError) as refused:
        directory.update_person(person, data)
    message = refused.value.message
    assert f"Person Nr. {pid}: Verarbeitung eingeschränkt (Art. 18 DSGVO) seit 22.11.2026" in (
        message
    )
    assert REASON in message and "nicht bearbeitet" in message
    assert f"koordination people unrestrict {pid}" in message
    with db.session() as session:
        org = session.scalars(select(Organisation.id)).first()
    assert org is not None
    with pytest.raises(RestrictedError):
        directory.add_affiliation(pid, org)
    with pytest.raises(RestrictedError):
        directory.set_person_archived(person, True, "verzogen")
    assert directory.get_person(pid).family_name == person.family_name  # nothing changed

    with pytest.raises(KoordinationError, match="besteht schon"):
        _restrict(db, pid)
    Restrictions(db, Clock.fixed(NOW)).lift(pid)
    lifted = directory.get_person(pid)
    assert lifted.restricted_at is None and lifted.restriction_reason == ""
    assert directory.update_person(lifted, data).record.family_name == "Anders"
    with pytest.raises(KoordinationError, match="nicht eingeschränkt"):
        Restrictions(db).lift(pid)
    # The trail holds when and why.
    with db.session() as session:
        changes = session.scalars(
            select(AuditEntry.changes).where(
                AuditEntry.kind == "person", AuditEntry.record_id == pid
            )
        ).all()
    assert any(REASON in c for c in changes)


def test_a_restriction_needs_a_reason_and_an_existing_person(demo_city: Database) -> None:
    restrictions = Restrictions(demo_city, Clock.fixed(NOW))
    with pytest.raises(ValidationError, match="Grund: darf nicht leer sein"):
        restrictions.restrict(_person(demo_city), "   ")
    with pytest.raises(NotFoundError, match=r"Person Nr\. 99999 wurde nicht gefunden"):
        restrictions.restrict(99_999, REASON)
    assert Directory(demo_city).get_person(_person(demo_city)).restricted_at is None


def test_archiving_keeps_the_reason_and_bringing_back_clears_it(demo_city: Database) -> None:
    directory = Directory(demo_city, Clock.on(TODAY))
    pid = _person(demo_city)
    archived = directory.set_person_archived(directory.get_person(pid), True, " ausgeschieden ")
    assert archived.archived and archived.archive_reason == "ausgeschieden"
    back = directory.set_person_archived(directory.get_person(pid), False)
    assert not back.archived and back.archive_reason == ""


def test_objections_are_recorded_decided_and_shown_with_the_person(demo_city: Database) -> None:
    db = demo_city
    pid = _person(db)
    objections = Objections(db, Clock.fixed(NOW))
    received = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    photo = objections.record(
        pid, "Fotos im Jahresbericht", "möchte nicht abgebildet werden", received_at=received
    )
    assert photo.decided_at is None and photo.outcome == ""
    invitations = objections.record(
        pid, "Einladungen", "", outcome="stattgegeben: keine Einladungen mehr"
    )
    assert invitations.decided_at == NOW

    decided = objections.decide(photo.id, "stattgegeben", person_id=pid)
    assert decided.decided_at == NOW and decided.outcome == "stattgegeben"
    with pytest.raises(KoordinationError, match="bereits entschieden: stattgegeben"):
        objections.decide(photo.id, "abgelehnt")
    other = pid + 1
    with pytest.raises(NotFoundError, match=rf"Widerspruch Nr. {photo.id} zu Person Nr. {other} "):
        objections.decide(photo.id, "abgelehnt", person_id=other)
    with pytest.raises(ValidationError, match="Bereich: darf nicht leer sein"):
        objections.record(pid, "  ")
    with pytest.raises(ValidationError, match="Eingegangen am: liegt in der Zukunft"):
        objections.record(pid, "Fotos", received_at=datetime(2027, 1, 1, tzinfo=UTC))

    shown = Directory(db, Clock.on(TODAY)).get_person(pid).objections
    assert [(o.scope, o.reason, o.outcome) for o in shown] == [
        ("Fotos im Jahresbericht", "möchte nicht abgebildet werden", "stattgegeben"),
        ("Einladungen", "", "stattgegeben: keine Einladungen mehr"),
    ]
    assert shown[0].received_at == received
