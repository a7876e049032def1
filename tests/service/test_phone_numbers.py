"""Phone numbers: stored in E.164, shown as the office dials them, one number in two
spellings is one number, nonsense refused in German; and the migration that brings the
numbers typed before into that form."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select, text
from test_migrations import _insert_directory, _upgrade_to

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.inputs.directory import CityProfileInput, OrganisationInput, PersonInput
from koordination.domain.models import CityProfile, Organisation, PersonPhone
from koordination.errors import ImportFailed, ValidationError
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory


def stored_phones(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(PersonPhone.number).order_by(PersonPhone.id)))


def test_a_person_s_numbers_are_stored_in_e164_and_shown_nationally(db: Database) -> None:
    d = Directory(db)
    record = d.create_person(
        PersonInput(
            family_name="Weiß",
            phones=["0561 123456", "+33 1 23 45 67 89", "0123 4567-100"],
        )
    ).record
    assert stored_phones(db) == ["+49561123456", "+33123456789", "0123 4567-100"]
    assert d.get_person(record.id).phones == ("0561 123456", "+33 1 23 45 67 89", "0123 4567-100")


def test_an_organisation_s_and_the_office_s_number_too(db: Database) -> None:
    d = Directory(db)
    org = d.create_organisation(
        OrganisationInput(name="Tafel", sector=Sector.ZIVILGESELLSCHAFT, phone="+49 (561) 4711")
    ).record
    assert d.get_organisation(org.id).phone == "0561 4711"
    d.save_city(None, CityProfileInput(name="Musterstadt", office_phone="0561/787-0"))
    assert d.get_city().office_phone == "0561 7870"  # type: ignore[union-attr]
    with db.session() as session:
        assert session.scalar(select(Organisation.phone)) == "+495614711"
        assert session.scalar(select(CityProfile.office_phone)) == "+495617870"


@pytest.mark.parametrize("bad", ["12", "0561 ABC", "++49 561", "call me"])
def test_nonsense_is_refused_in_german(db: Database, bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        Directory(db).create_person(PersonInput(family_name="Weiß", phones=[bad]))
    assert f"„{bad}“ ist keine Telefonnummer (Beispiele: 0561 123456" in str(err.value)
    assert stored_phones(db) == []


def test_import_matches_a_number_in_either_form(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text(
        "Nachname;E-Mail;Telefon;Mobil\nWeiß;jw@example.org;0561 123456;+49 561 123456\n",
        encoding="utf-8",
    )
    Imports(db).people(path)
    assert stored_phones(db) == ["+49561123456"]
    # The same person again, the number spelled the other way: nothing changes.
    path.write_text(
        "Nachname;E-Mail;Telefon\nWeiß;jw@example.org;+49 (0)561 123456\n", encoding="utf-8"
    )
    Imports(db).people(path, existing="update")
    assert stored_phones(db) == ["+49561123456"]


def test_import_refuses_a_bad_number_with_line_and_column(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text("Nachname;Telefon\nWeiß;0561 123456\nMüller;12\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        Imports(db).people(path)
    assert "Zeile 3, Spalte „Telefon“: „12“ ist keine Telefonnummer" in err.value.message
    assert stored_phones(db) == []


def test_organisation_import_stores_e164(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("Name;Sektor;Telefon\nTafel;Zivilgesellschaft;0561 4711\n", encoding="utf-8")
    Imports(db).organisations(path)
    with db.session() as session:
        assert session.scalar(select(Organisation.phone)) == "+495614711"


def test_migration_normalises_what_it_can_and_keeps_the_rest(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(db_url)
    try:
        _upgrade_to(db, "0008")
        _insert_directory(db)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO person_phone (id, person_id, number, position) VALUES "
                    "(1, 1, '0561 123456', 0), (2, 1, '+49 170 1234567', 1), "
                    "(3, 2, '0123 4567-100', 0), (4, 2, 'Zentrale', 1)"
                )
            )
            conn.execute(text("UPDATE organisation SET phone = '0561/4711' WHERE id = 1"))
        with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
            migrations.upgrade(db)
        assert stored_phones(db) == ["+49561123456", "+491701234567", "0123 4567-100", "Zentrale"]
        with db.session() as session:
            assert list(session.scalars(select(Organisation.phone).order_by(Organisation.id))) == [
                "+495614711",
                "",
            ]
        assert (
            "Telefonnummern: 3 einheitlich gespeichert (+49 …), 2 nicht erkannt und wie "
            "eingegeben belassen." in caplog.text
        )
    finally:
        db.dispose()
