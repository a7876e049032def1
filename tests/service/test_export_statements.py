"""Why the people export of a whole city is fast, without timing it: the statements it runs do
not grow with the people, contact data are read only of those who share them (in SQL, not read
and dropped), and each organisation is read once rather than joined to every affiliation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.consents import add_people
from support.statements import statements

from koordination.core import Core
from koordination.db.engine import MAPPED_BYTES, Database
from koordination.outputs.registry import make


def _statements(db: Database, run: Callable[[], object]) -> list[str]:
    with statements(db) as seen:
        run()
    return seen


def _export(core: Core, fmt: str, target: Path) -> Callable[[], object]:
    return lambda: make(core, "personen", None, fmt, target)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_of_everybody_runs_as_many_statements_for_more_people(
    demo_city: Database, tmp_path: Path, fmt: str
) -> None:
    core = Core(demo_city)
    target = tmp_path / f"personen.{fmt}"
    _statements(demo_city, _export(core, fmt, target))  # the connection's first login question
    before = _statements(demo_city, _export(core, fmt, target))
    rows_before = make(core, "personen", None, fmt, target).count
    add_people(core.directory, 30, sharing=10)
    after = _statements(demo_city, _export(core, fmt, target))
    assert make(core, "personen", None, fmt, target).count == (rows_before or 0) + 30
    assert len(after) == len(before) <= 25


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_contact_data_are_read_only_of_those_who_share_them(
    demo_city: Database, tmp_path: Path, fmt: str
) -> None:
    core = Core(demo_city)
    add_people(core.directory, 6, sharing=2)
    seen = _statements(demo_city, _export(core, fmt, tmp_path / f"personen.{fmt}"))
    contact = [sql for sql in seen if "FROM person_email" in sql or "FROM person_phone" in sql]
    assert contact
    # The e-mail addresses and phone numbers of the others never leave the database.
    for sql in contact:
        assert "person_id IN (SELECT consent.person_id FROM consent WHERE" in sql, sql
    text = (tmp_path / f"personen.{fmt}").read_text(encoding="utf-8-sig")
    assert "zusatz.0@example.org" in text and "zusatz.1@example.org" in text
    assert not any(f"zusatz.{n}@example.org" in text for n in range(2, 6))


def test_each_organisation_is_read_once_not_joined_to_every_affiliation(
    demo_city: Database, tmp_path: Path
) -> None:
    core = Core(demo_city)
    seen = _statements(demo_city, _export(core, "csv", tmp_path / "personen.csv"))
    affiliations = [sql for sql in seen if sql.startswith("SELECT affiliation.")]
    assert len(affiliations) == 1
    assert "JOIN organisation" not in affiliations[0]
    assert any(sql.startswith("SELECT organisation.id, organisation.name") for sql in seen)


def test_an_export_reads_the_sqlite_file_mapped_as_every_connection_does(
    demo_city: Database, tmp_path: Path
) -> None:
    core = Core(demo_city)
    demo_city.engine.dispose()  # a fresh connection, as a new program has
    seen = _statements(demo_city, _export(core, "csv", tmp_path / "personen.csv"))
    assert not [sql for sql in seen if sql.startswith("PRAGMA")]  # nothing of its own
    if demo_city.is_sqlite:  # PostgreSQL has no such setting
        # Every connection of the pool, the export's and any other, reads the file mapped
        # into memory: the pages where they lie, neither asked of the system nor copied.
        connections = [demo_city.engine.connect() for _ in range(3)]
        try:
            for conn in connections:
                assert conn.exec_driver_sql("PRAGMA mmap_size").scalar_one() == MAPPED_BYTES
        finally:
            for conn in connections:
                conn.close()
