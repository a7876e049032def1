"""A database that already holds the same e-mail address twice (in other capitals) and one
organisation name twice upgrades all the same: nothing lost, the duplicates named by record
number only, and once they are merged the next `db upgrade` makes both keys unique."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from koordination.cli.main import main
from koordination.db import migrations
from koordination.db.engine import Database
from koordination.domain.enums import Sector
from koordination.domain.inputs.directory import OrganisationInput, PersonInput
from koordination.services.directory.service import Directory

UNIQUE = {"ix_person_email_address_key", "ix_organisation_name_key"}


def _alembic(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    return cfg


def _unique_indexes(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        found = [
            i
            for table in ("person_email", "organisation")
            for i in inspect(conn).get_indexes(table)
        ]
    return {i["name"] for i in found if i["unique"] and i["name"] in UNIQUE}


def _older_database_with_duplicates(path: Path) -> tuple[list[int], list[int]]:
    """A file at 0010 holding Anna.Roth@… and anna.roth@… and two 'Tafel e.V.'s."""
    db = Database(str(path))
    try:
        migrations.upgrade(db)
        directory = Directory(db)
        people = [
            directory.create_person(
                PersonInput(given_name=given, family_name="Roth", emails=[address])
            ).record.id
            for given, address in (("Anna", "Anna.Roth@example.org"), ("Ana", "x@example.org"))
        ]
        orgs = [
            directory.create_organisation(
                OrganisationInput(name=name, sector=Sector.ZIVILGESELLSCHAFT)
            ).record.id
            for name in ("Tafel e.V.", "Tafel e.V. (alt)")
        ]
        command.downgrade(_alembic(db), "0010")
        with db.engine.begin() as conn:  # what 0010 allowed: the same key twice
            conn.execute(
                text(
                    "UPDATE person_email SET address = 'anna.roth@example.org', "
                    "address_key = 'anna.roth@example.org' WHERE person_id = :p"
                ),
                {"p": people[1]},
            )
            key = conn.execute(
                text("SELECT name_key FROM organisation WHERE id = :o"), {"o": orgs[0]}
            ).scalar_one()
            conn.execute(
                text("UPDATE organisation SET name_key = :k WHERE id = :o"),
                {"k": key, "o": orgs[1]},
            )
        assert migrations.current_revision(db) == "0010"
        return people, orgs
    finally:
        db.dispose()


def test_duplicates_do_not_stop_the_upgrade_and_the_keys_turn_unique_once_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "alt.sqlite3"
    people, orgs = _older_database_with_duplicates(path)

    assert main(["--db", str(path), "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert f"auf {migrations.head_revision()} gebracht" in out
    assert f"1 E-Mail-Adressen kommen mehrfach vor (Nr. {people[0]} und Nr. {people[1]})" in out
    assert f"1 Organisationsnamen kommen mehrfach vor (Nr. {orgs[0]} und Nr. {orgs[1]})" in out
    assert "koordination db upgrade erneut" in out
    assert "roth" not in out.lower() and "tafel" not in out.lower()
    db = Database(str(path))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM person")).scalar_one() == 2
            assert conn.execute(text("SELECT COUNT(*) FROM organisation")).scalar_one() == 2
        assert _unique_indexes(db) == set()
    finally:
        db.dispose()
    assert main(["--db", str(path), "people", "list"]) == 0  # usable as it is
    capsys.readouterr()

    # The coordinator merges: the second person's address and the old organisation go.
    db = Database(str(path))
    try:
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM person_email WHERE person_id = :p"), {"p": people[1]})
            conn.execute(
                text("UPDATE organisation SET name_key = 'tafel e v alt' WHERE id = :o"),
                {"o": orgs[1]},
            )
    finally:
        db.dispose()
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "Die E-Mail-Adressen sind jetzt eindeutig" in out
    assert "Die Organisationsnamen sind jetzt eindeutig" in out
    db = Database(str(path))
    try:
        assert _unique_indexes(db) == UNIQUE
    finally:
        db.dispose()
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert "eindeutig" not in capsys.readouterr().out  # said once, when it happened
