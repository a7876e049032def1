"""Erasure that anonymises, on the demo city: memberships and affiliations end on the day,
unique roles go, the label names the sector alone where the organisation would single the
person out (also in attendance and frozen minutes), mentions by salutation and a shared family
name are replaced only after confirmation, and the ledger keeps the consent history without
anything that names the person."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    ConsentChannel,
    ConsentPurpose,
    GroupRole,
    LegalBasis,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.domain.models import (
    Consent,
    ConsentText,
    ErasureLedger,
    Meeting,
    MinutesVersion,
    Sitting,
    Task,
)
from koordination.services.directory.service import Directory
from koordination.services.privacy.restore import Erasure, read_ledger, replay_erasures
from koordination.services.privacy.service import Privacy
from koordination.services.sittings.service import Sittings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
SERIES_UID = "demo-1@wiesenbrueck.example.org"
GROUP = "AK Stadtteilarbeit"


def _speaker(db: Database) -> int:
    """The demo's Sprecher:in of the AK Stadtteilarbeit, whose organisation has a second
    member in the group."""
    with db.session() as session:
        pid = session.scalar(
            select(Task.assignee_person_id).where(
                Task.title == "Raum für das Stadtteilfest anfragen"
            )
        )
    assert pid is not None
    return pid


def _november(db: Database) -> int:
    with db.session() as session:
        sitting_id = session.scalar(
            select(Sitting.id)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .where(Meeting.uid == SERIES_UID)
            .where(Sitting.occurrence == datetime(2026, 11, 10, 18, tzinfo=CITY_ZONE))
        )
    assert sitting_id is not None
    return sitting_id


def _group_id(directory: Directory) -> int:
    return next(g.id for g in directory.list_groups() if g.name == GROUP)


def test_erasure_ends_memberships_and_affiliations_and_drops_the_unique_role(
    demo_city: Database,
) -> None:
    db = demo_city
    pid = _speaker(db)
    directory = Directory(db, Clock.on(TODAY))
    person = directory.get_person(pid)
    assert [m.role for m in person.memberships if m.current(TODAY)] == [GroupRole.SPRECHER]
    assert any(a.current(TODAY) and a.valid_to is None for a in person.affiliations)
    organisation = next(a for a in person.affiliations if a.current(TODAY)).organisation_name

    report = Privacy(db, Clock.fixed(NOW)).erase_person(pid)

    # Two people of the organisation sit in the group: the label may name it.
    assert report.label.endswith(f", {organisation})")
    assert report.counts["Mitgliedschaften in Gruppen beendet"] == 1
    assert report.counts["Funktionen in Gruppen entfernt (Sprecher:in u. a.)"] == 1
    erased = directory.get_person(pid)
    assert [(m.role, m.valid_to) for m in erased.memberships] == [(GroupRole.MITGLIED, TODAY)]
    assert all(a.valid_to is not None and a.valid_to <= TODAY for a in erased.affiliations)
    # From the next day on the group has no Sprecher:in and no seat for the erased person.
    tomorrow = Directory(db, Clock.on(TODAY + timedelta(days=1))).get_group(_group_id(directory))
    current = [m for m in tomorrow.members if m.current(TODAY + timedelta(days=1))]
    assert pid not in {m.person_id for m in current}
    assert GroupRole.SPRECHER not in {m.role for m in current if m.person_id == pid}


def test_the_label_names_the_sector_alone_where_the_organisation_singles_the_person_out(
    demo_city: Database,
) -> None:
    db = demo_city
    directory = Directory(db, Clock.on(TODAY))
    sittings = Sittings(db, clock=Clock.fixed(NOW))
    tafel = directory.create_organisation(
        OrganisationInput(
            "Kleiderkammer Nordstadt e.V.", Sector.ZIVILGESELLSCHAFT, OrganisationKind.VEREIN
        )
    ).record
    pid = directory.create_person(
        PersonInput(given_name="Greta", family_name="Hollerbach")
    ).record.id
    directory.add_affiliation(pid, tafel.id, "Vorstand", valid_from=date(2024, 1, 1))
    directory.add_membership(
        _group_id(directory),
        pid,
        GroupRole.MITGLIED,
        valid_from=date(2024, 1, 1),
        representing_id=tafel.id,
    )
    november = _november(db)
    sittings.set_attendance(november, pid, AttendanceStatus.ANWESEND)
    counts_before = Sittings.sector_counts(sittings.get(november))
    record = sittings.get(november)
    sittings.submit(record.id)
    sittings.approve(record.id, "Konsortium")

    report = Privacy(db, Clock.fixed(NOW)).erase_person(pid)

    assert report.label == "N. N. (Zivilgesellschaft)"
    assert report.counts["Anwesenheiten (Organisation entfernt)"] == 1
    after = sittings.get(november)
    (row,) = [a for a in after.attendance if a.person_id == pid]
    assert (row.name, row.organisation, row.sector) == (report.label, "", Sector.ZIVILGESELLSCHAFT)
    assert Sittings.sector_counts(after) == counts_before
    group = directory.get_group(_group_id(directory))
    (seat,) = [m for m in group.members if m.person_id == pid]
    assert (seat.person_name, seat.representing_id, seat.representing_name) == (
        report.label,
        None,
        "",
    )
    # The frozen minutes: the label, no organisation beside it, and a fingerprint that fits.
    content, _fingerprint = sittings.approved_content(november)
    (frozen,) = [a for a in content["attendance"] if a["person_id"] == pid]
    assert frozen["name"] == report.label and frozen["organisation"] == ""
    with db.session() as session:
        for version in session.scalars(select(MinutesVersion)):
            assert hashlib.sha256(version.content.encode()).hexdigest() == version.fingerprint
            assert "Kleiderkammer Nordstadt" not in version.content


@pytest.mark.parametrize("confirmed", [False, True])
def test_mentions_by_salutation_and_a_shared_family_name_are_replaced_only_when_confirmed(
    demo_city: Database, confirmed: bool
) -> None:
    db = demo_city
    directory = Directory(db, Clock.on(TODAY))
    sittings = Sittings(db, clock=Clock.fixed(NOW))
    # The demo city has other people called Weiß, so "Frau Weiß" may be any of them.
    pid = directory.create_person(
        PersonInput(salutation="Frau", given_name="Greta", family_name="Weiß")
    ).record.id
    november = sittings.get(_november(db))
    reports = next(i for i in november.items if i.title == "Berichte aus der Runde")
    note = "Frau Weiß bittet um Vertraulichkeit. Greta Weiß berichtet vom Sprachcafé."
    sittings.set_notes(reports.id, note)

    listed = Privacy(db).surnames_to_confirm(pid)
    assert [m.excerpt for m in listed] == ["Frau Weiß bittet um Vertraulichkeit."]

    report = Privacy(db, Clock.fixed(NOW)).erase_person(pid, mask_surnames=confirmed)
    notes = next(i for i in sittings.get(november.id).items if i.id == reports.id).notes
    if confirmed:
        assert (
            notes
            == f"{report.label} bittet um Vertraulichkeit. {report.label} berichtet vom Sprachcafé."
        )
        assert report.counts["Tagesordnungspunkt (Erwähnung mit Nachnamen ersetzt)"] == 1
    else:
        assert (
            notes
            == f"Frau Weiß bittet um Vertraulichkeit. {report.label} berichtet vom Sprachcafé."
        )
    # The namesakes keep their names.
    assert any(r.name.endswith(" Weiß") for r in directory.list_people())


def test_the_ledger_keeps_the_consent_history_without_personal_data(
    demo_city: Database,
) -> None:
    db = demo_city
    pid = _speaker(db)
    directory = Directory(db, Clock.on(TODAY))
    person = directory.get_person(pid)
    email = person.emails[0]
    with db.session() as session:
        text = ConsentText(
            purpose=ConsentPurpose.FOTOS,
            version="2025-01",
            wording="Ich bin einverstanden, dass Fotos von mir veröffentlicht werden.",
            valid_from=date(2025, 1, 1),
        )
        session.add(text)
        session.flush()
        session.add(
            Consent(
                person_id=pid,
                purpose=ConsentPurpose.FOTOS,
                legal_basis=LegalBasis.EINWILLIGUNG,
                text_id=text.id,
                channel=ConsentChannel.FORMULAR,
                evidence=f"Formular von {person.given_name} {person.family_name}, {email}",
                given_at=datetime(2025, 3, 4, 9, 0, tzinfo=UTC),
                withdrawn_at=datetime(2025, 9, 1, 23, 30, tzinfo=UTC),  # the 2nd in the city
                withdrawal_channel=ConsentChannel.EMAIL,
            )
        )
    consents_before = len(directory.get_person(pid).consents)

    Privacy(db, Clock.fixed(NOW)).erase_person(pid)

    with db.session() as session:
        (row,) = session.scalars(
            select(ErasureLedger).where(ErasureLedger.person_number == pid)
        ).all()
        stored = row.consent_history
    assert directory.get_person(pid).consents == ()
    history = json.loads(stored)
    assert len(history) == consents_before
    assert {
        "purpose": "fotos",
        "legal_basis": "einwilligung",
        "version": "2025-01",
        "channel": "formular",
        "given": "2025-03-04",
        "withdrawn": "2025-09-02",
        "withdrawal_channel": "email",
    } in history
    for needle in (person.given_name, person.family_name, email, "Formular von", "Fotos von mir"):
        assert needle.casefold() not in stored.casefold()

    # A restore of an older backup merges the ledger with its history (see restore.py).
    ledger = read_ledger(db.url.render_as_string(hide_password=False))
    (entry,) = [e for e in ledger if e.person_number == pid]
    assert entry.consent_history == stored


def test_a_replayed_ledger_entry_keeps_its_consent_history(demo_city: Database) -> None:
    db = demo_city
    pid = _speaker(db)
    history = json.dumps([{"purpose": "einladungen", "version": "1", "given": "2024-01-02"}])
    at = datetime(2026, 10, 1, tzinfo=UTC)
    replay = replay_erasures(db, [Erasure(pid, at, history)], clock=Clock.fixed(NOW))
    assert replay.erased_again == (pid,) and replay.merged == 1
    with db.session() as session:
        kept = session.scalars(
            select(ErasureLedger.consent_history)
            .where(ErasureLedger.person_number == pid)
            .order_by(ErasureLedger.erased_at)
        ).all()
    assert kept[0] == history and len(kept) == 2
