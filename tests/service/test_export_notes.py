"""Notes about a person leave the office only with their consent "Kontaktdaten im Netzwerk
teilen", in the CSV export as in the JSON export: the one rule of consent.shareable_person.

Both files are read back by independent readers (the csv and json modules)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

from support.consents import give_consent

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.enums import ConsentPurpose
from koordination.domain.inputs.directory import PersonInput
from koordination.outputs.builders.directory import export_people
from koordination.services.directory.service import Directory

TODAY = date(2026, 11, 22)
WITHOUT = "Rollstuhl, braucht barrierefreien Raum"
WITH = "spricht Türkisch, übersetzt gern"


def _people(db: Database) -> Directory:
    d = Directory(db, Clock.on(TODAY))
    d.create_person(PersonInput(family_name="Yilmaz", given_name="Lukas", notes=WITHOUT))
    shares = d.create_person(
        PersonInput(family_name="Weiß", given_name="Gül", emails=["gw@example.org"], notes=WITH)
    ).record
    # Invitations alone do not let anything about her leave the office either.
    other = d.create_person(
        PersonInput(family_name="Adler", given_name="Olga", notes=WITHOUT + " (2)")
    ).record
    give_consent(
        d,
        shares.id,
        ConsentPurpose.KONTAKTDATEN_TEILEN,
        given_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
    )
    give_consent(
        d, other.id, ConsentPurpose.EINLADUNGEN, given_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    )
    return d


def test_notes_leave_the_office_only_with_the_sharing_consent_in_csv_and_json(
    db: Database, tmp_path: Path
) -> None:
    directory = _people(db)
    assert export_people(directory, "csv", tmp_path / "personen.csv") == 3
    assert export_people(directory, "json", tmp_path / "personen.json") == 3

    with (tmp_path / "personen.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    notes = {row["Nachname"]: row["Notizen"] for row in rows}
    assert notes == {"Adler": "", "Weiß": WITH, "Yilmaz": ""}

    text = (tmp_path / "personen.json").read_text(encoding="utf-8")
    people = json.loads(text)
    assert sorted(p["name"] for p in people) == ["Gül Weiß", "Lukas Yilmaz", "Olga Adler"]
    assert "Rollstuhl" not in text
    for p in people:
        assert "notes" not in p or (p["notes"] == WITH) == (p["name"] == "Gül Weiß")
