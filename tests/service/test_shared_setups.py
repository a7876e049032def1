"""A test module's own setup is written once per run and backend and copied per test (the
fixtures in tests/conftest.py): the reason the service and TUI tests no longer pay their setup
per test, guarded here without timing anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from koordination.clock import Clock
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import Person
from koordination.services.directory.service import Directory

TODAY = date(2026, 11, 22)
#: The backends the setup below ran on, in this process (a worker of its own under xdist).
BUILDS: list[str] = []


def _two_people(db: Database) -> list[int]:
    """Counts its runs, writes two people and returns their ids."""
    BUILDS.append(db.url.get_backend_name())
    directory = Directory(db, Clock.on(TODAY))
    return [
        directory.create_person(PersonInput(given_name=given, family_name="Beispiel")).record.id
        for given in ("Anna", "Bernd")
    ]


def _people(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def test_the_setup_runs_once_per_backend_and_every_copy_starts_from_what_it_wrote(
    templates: Any, backend: str, built_db: Callable[..., tuple[Database, list[int]]]
) -> None:
    db, ids = built_db(_two_people)
    runs = BUILDS.count(db.url.get_backend_name())
    # Asked again (as the next test of the module does), the setup does not run again.
    assert templates.build(backend, f"{__name__}._two_people@migrated", _two_people) == ids
    assert BUILDS.count(db.url.get_backend_name()) == runs == 1
    assert _people(db) == 2
    # The copy is the test's own: what it writes stays out of the template.
    Directory(db, Clock.on(TODAY)).create_person(
        PersonInput(given_name="Clara", family_name="Beispiel")
    )
    assert _people(db) == 3


def test_each_sqlite_copy_is_a_file_of_its_own_from_the_one_build(
    built_sqlite: Callable[..., Path],
) -> None:
    first = built_sqlite(_two_people, "eins.sqlite3")
    second = built_sqlite(_two_people, "zwei.sqlite3")
    assert first != second
    one = Database(f"sqlite:///{first}")
    try:
        Directory(one, Clock.on(TODAY)).create_person(
            PersonInput(given_name="Clara", family_name="Beispiel")
        )
        assert _people(one) == 3
    finally:
        one.dispose()
    other = Database(f"sqlite:///{second}")
    try:
        assert _people(other) == 2
    finally:
        other.dispose()
    assert BUILDS.count("sqlite") == 1


@pytest.mark.postgres
def test_a_postgresql_copy_of_a_template_writes_its_pages_to_no_log(
    pg_url: str, pg_cluster: Any, templates: Any
) -> None:
    """A test's copy of the demo city takes the template's files as they are; writing each of
    their pages into the write-ahead log (PostgreSQL 15's default) cost megabytes per test."""
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        size = _one(conn, "SELECT pg_database_size(%s)", templates.postgres("demo"))
        before = _one(conn, "SELECT pg_current_wal_insert_lsn()::text")
        templates.fill(pg_url, "demo")
        logged = _one(conn, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", before)
    assert int(logged) < int(size) / 20, (logged, size)


def _one(conn: psycopg.Connection[Any], query: str, *args: object) -> Any:
    row = conn.execute(query, args).fetchone()
    assert row is not None
    return row[0]
