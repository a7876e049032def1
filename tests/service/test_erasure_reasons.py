"""Erasure leaves no reason written about the person: the restriction's reason, the archive
reason, the source of the data (Art. 14) and the reasons of the person's objections go; an
objection stays as handled (area, dates, outcome), and its entries in the trail are blanked
like every other entry about the person. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.models import AuditEntry, Objection, Person


def test_erasure_removes_the_reasons_about_the_person_and_keeps_the_objection_handled(
    demo_city: Database,
) -> None:
    core = Core(demo_city)
    person = core.directory.list_people()[0].id
    record = core.directory.get_person(person)
    core.directory.set_person_archived(record, True, "Streit mit dem Vorstand")
    core.directory.set_person_archived(core.directory.get_person(person), False)
    objection = core.objections.record(person, "Fotos", "wegen der Scheidung nicht auf Fotos")
    core.objections.decide(objection.id, "stattgegeben")
    core.restrictions.restrict(person, "bestreitet die Mitgliedschaft")
    with demo_city.session() as session:
        session.get(Person, person).art14_source = "Mitgliederliste des Sportvereins"  # type: ignore[union-attr]

    report = core.privacy.erase_person(person)

    assert report.counts["Widersprüche (Begründung entfernt)"] == 1
    with demo_city.session() as session:
        row = session.get(Person, person)
        assert row is not None
        assert (row.archive_reason, row.restriction_reason, row.art14_source) == ("", "", "")
        assert row.restricted_at is None
        kept = session.scalars(select(Objection).where(Objection.person_id == person)).one()
        assert (kept.scope, kept.reason, kept.outcome) == ("Fotos", "", "stattgegeben")
        assert kept.decided_at is not None
        trail = " ".join(
            session.scalars(select(AuditEntry.changes).where(AuditEntry.kind == "objection"))
        )
    assert "Scheidung" not in trail and "Vorstand" not in trail and "[gelöscht]" in trail
