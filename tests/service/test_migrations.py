"""Schema migrations on SQLite and PostgreSQL: exact schema, data kept, foreign files untouched."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from koordination.db import migrations
from koordination.db.engine import Database
from koordination.db.search_indexes import TRIGRAM_INDEXES
from koordination.domain.models import Base, Organisation, Person
from koordination.errors import DatabaseError

ALL_REVISIONS = [rev.revision for rev in migrations.script().walk_revisions()]
OLDEST_REVISION = ALL_REVISIONS[-1]


def _upgrade_to(db: Database, revision: str) -> None:
    """Bring ``db`` to an older revision, the way an earlier koordination version left it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.schema_dir()))
    cfg.attributes["database"] = db
    command.upgrade(cfg, revision)


def _snapshot(db: Database) -> dict[str, Any]:
    """Everything an upgrade could change: tables, their columns and the recorded revision."""
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        tables = {
            name: sorted(col["name"] for col in inspector.get_columns(name))
            for name in sorted(inspector.get_table_names())
        }
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        counts = {
            name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in tables
        }
    return {"tables": tables, "versions": sorted(v[0] for v in versions), "counts": counts}


# Columns as of revision 0001; later migrations must keep (or carry over) these rows.
INSERT_ORGANISATIONS = """
INSERT INTO organisation (id, name, name_key, short_name, sector, kind, address, phone, email,
    website, notes, archived, search_text, version, created_at, updated_at)
VALUES
 (1, 'Freiwilligenagentur Musterstadt', 'freiwilligenagentur musterstadt', 'FWA',
  'zivilgesellschaft', 'freiwilligenagentur', 'Marktplatz 1', '', 'info@fwa.example', '', '',
  :false, 'freiwilligenagentur musterstadt', 1, :now, :now),
 (2, 'Stadtverwaltung Musterstadt', 'stadtverwaltung musterstadt', '', 'verwaltung',
  'kommunalverwaltung', '', '', '', '', '', :false, 'stadtverwaltung musterstadt', 1, :now, :now)
"""
INSERT_PEOPLE = """
INSERT INTO person (id, salutation, title, given_name, family_name, postal_address, notes,
    preferred_channel, archived, sort_key, search_text, version, created_at, updated_at)
VALUES
 (1, 'Frau', 'Dr.', 'Änne', 'Müller', '', '', 'email', :false, 'muller anne', 'änne müller',
  1, :now, :now),
 (2, 'Herr', '', 'Jörg', 'Schäfer', '', 'Kontakt über AK Ehrenamt', 'telefon', :false,
  'schafer jorg', 'jörg schäfer', 1, :now, :now)
"""
INSERT_AFFILIATION = """
INSERT INTO affiliation (id, person_id, organisation_id, function, valid_from, valid_to)
VALUES (1, 1, 1, 'Leitung', NULL, NULL)
"""


def _insert_directory(db: Database) -> None:
    now = "2025-03-01 09:30:00.000000" if db.is_sqlite else "2025-03-01 09:30:00+00"
    params = {"false": False, "now": now}
    with db.engine.begin() as conn:
        conn.execute(text(INSERT_ORGANISATIONS), params)
        conn.execute(text(INSERT_PEOPLE), params)
        conn.execute(text(INSERT_AFFILIATION))


def _sqlite_rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


# --- on both backends ------------------------------------------------------------------------


def test_upgrading_an_empty_database_yields_exactly_the_models_schema(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert migrations.current_revision(db) is None
        migrations.upgrade(db)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": _declared_by_the_models}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        db.dispose()


def _declared_by_the_models(_object: Any, name: str | None, kind: str, *_: Any) -> bool:
    # PostgreSQL's trigram indexes for the search exist only where pg_trgm can be had.
    return not (kind == "index" and name in {index for _table, index in TRIGRAM_INDEXES})


def test_database_at_head_reports_head_and_needs_no_upgrade(db: Database) -> None:
    assert migrations.current_revision(db) == migrations.head_revision()
    assert not migrations.needs_upgrade(db)
    assert migrations.upgrade(db) is None


def test_database_from_newer_version_is_refused_and_left_unchanged(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    before = _snapshot(db)

    with pytest.raises(DatabaseError, match="neueren") as excinfo:
        migrations.upgrade(db)

    assert "9999_future" in str(excinfo.value)
    assert _snapshot(db) == before
    if db.path is not None:
        assert not list(db.path.parent.glob("*.bak")), "no backup of a database we refuse"


def test_backup_is_a_restorable_copy(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _insert_directory(db)
    target = tmp_path / "sicherungen" / "koordination.backup"

    migrations.backup(db, target)

    assert target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not target.with_name(target.name + ".tmp").exists()
    if db.path is not None:
        tables = {
            row[0]
            for row in _sqlite_rows(target, "SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        assert _sqlite_rows(target, "SELECT family_name FROM person ORDER BY id") == [
            ("Müller",),
            ("Schäfer",),
        ]
    else:
        # The same binaries that run the test server.
        pg_restore = str(request.getfixturevalue("pg_cluster").bindir / "pg_restore")
        listing = subprocess.run(
            [pg_restore, "--list", str(target)], capture_output=True, text=True, check=False
        )
        assert listing.returncode == 0, listing.stderr
        assert "TABLE public person" in listing.stdout
        assert "TABLE DATA public person" in listing.stdout


# --- SQLite files ----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ALL_REVISIONS)
def test_sqlite_database_with_data_keeps_it_through_upgrade(sqlite_url: str, start: str) -> None:
    db = Database(sqlite_url)
    try:
        _upgrade_to(db, start)
        _insert_directory(db)
        assert migrations.current_revision(db) == start

        backup = migrations.upgrade(db)

        assert migrations.current_revision(db) == migrations.head_revision()
        with db.session() as session:
            people = [(p.given_name, p.family_name) for p in session.scalars(select(Person))]
            organisations = [o.name for o in session.scalars(select(Organisation))]
            functions = [
                (a.organisation.short_name, a.function)
                for a in session.get_one(Person, 1).affiliations
            ]
        assert people == [("Änne", "Müller"), ("Jörg", "Schäfer")]
        assert organisations == ["Freiwilligenagentur Musterstadt", "Stadtverwaltung Musterstadt"]
        assert functions == [("FWA", "Leitung")]
    finally:
        db.dispose()

    if start == migrations.head_revision():
        assert backup is None
    else:
        assert backup is not None
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert _sqlite_rows(backup, "SELECT version_num FROM alembic_version") == [(start,)]
        assert _sqlite_rows(backup, "SELECT given_name, family_name FROM person ORDER BY id") == [
            ("Änne", "Müller"),
            ("Jörg", "Schäfer"),
        ]


def test_sqlite_file_with_garbage_is_refused_in_german_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.sqlite3"
    garbage = b"Das ist keine Datenbank, sondern ein Einkaufszettel.\n" * 200
    path.write_bytes(garbage)

    with pytest.raises(DatabaseError) as excinfo:
        Database(str(path))

    message = str(excinfo.value)
    assert "keine koordination-Datenbank" in message
    assert "nicht verändert" in message
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaputt.sqlite3"]


def test_sqlite_file_with_valid_header_but_damaged_pages_is_refused_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "beschaedigt.sqlite3"
    damaged = b"SQLite format 3\x00" + b"\xff" * 4080
    path.write_bytes(damaged)

    with pytest.raises(DatabaseError, match="nicht verändert"):
        db = Database(f"sqlite:///{path}")
        try:
            migrations.upgrade(db)
        finally:
            db.dispose()

    assert path.read_bytes() == damaged


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "fremd.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rezepte (id INTEGER PRIMARY KEY, titel TEXT)")
    conn.execute("INSERT INTO rezepte (titel) VALUES ('Apfelkuchen')")
    conn.commit()
    conn.close()
    before = path.read_bytes()

    db = Database(f"sqlite:///{path}")
    try:
        with pytest.raises(DatabaseError, match="fremde Tabellen"):
            migrations.upgrade(db)
    finally:
        db.dispose()

    assert _sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type='table'") == [("rezepte",)]
    assert _sqlite_rows(path, "SELECT titel FROM rezepte") == [("Apfelkuchen",)]
    assert path.read_bytes() == before


def test_new_sqlite_database_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "neu" / "koordination.sqlite3"
    db = Database(f"sqlite:///{path}")
    try:
        migrations.upgrade(db)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            # The -wal and -shm files exist while a connection is open.
            for suffix in ("", "-wal", "-shm"):
                sidecar = path.with_name(path.name + suffix)
                assert sidecar.exists(), sidecar
                assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600, sidecar
            conn.rollback()
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        db.dispose()
