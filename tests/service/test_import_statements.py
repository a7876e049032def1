"""A people import writes each table with few statements per chunk of rows: the organisations
the file brings along, the people and everything that hangs on them (addresses, numbers,
consents, affiliations, the consents' trail entries) go in per ``CHUNK`` rows, never one
statement or one ORM flush per row.

A chunk's rows go in as ``INSERT … VALUES (…), (…), …`` statements of many rows each
(``Bulk.rows_per_statement``, from the table's column count and the database's limit on
values per statement), all of them in one executemany, and only the rest of the chunk that
fills no whole statement row by row: at most two calls per table and chunk.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from support.consents import import_people

from koordination.db.engine import Database
from koordination.domain.enums import OrganisationKind, Sector
from koordination.domain.models import Organisation
from koordination.services.directory.imports.bulk import (
    CHUNK,
    VALUES_PER_STATEMENT,
    Bulk,
    table_of,
)
from koordination.services.directory.imports.organisations import _ORG_COLUMNS
from koordination.services.directory.imports.service import Imports

_INSERT = re.compile(r"\s*INSERT INTO (\w+)", re.IGNORECASE)
_ROW = re.compile(r"\((?:\?|%s)")
TABLES = ("organisation", "person", "person_email", "person_phone", "consent", "affiliation")


def _city(path: Path, rows: int, organisations: int) -> Path:
    lines = ["Vorname;Nachname;E-Mail;Telefon;Organisation;Sektor;Einwilligung;Einwilligung am"]
    for n in range(rows):
        lines.append(
            f"Anna;Muster{n};anna.{n}@example.org;0561 {1234500 + n};Verein {n % organisations};"
            f"Zivilgesellschaft;Einladungen;0{1 + n % 9}.05.2025"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class _Inserts:
    #: INSERT calls per table (an executemany counts once)
    calls: Counter[str] = field(default_factory=Counter)
    #: rows per table that went in by a statement of one row
    alone: Counter[str] = field(default_factory=Counter)
    #: rows per table that went in by statements of many rows
    together: Counter[str] = field(default_factory=Counter)
    #: the most rows one statement of each table held
    widest: Counter[str] = field(default_factory=Counter)
    flushes: int = 0


def _inserts(db: Database, path: Path) -> _Inserts:
    seen = _Inserts()

    def statement(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if found := _INSERT.match(sql):
            table = found.group(1).strip('"').lower()
            seen.calls[table] += 1
            # A row's values: "(?, ?, …)" on SQLite, "(%s::INTEGER, …)" on PostgreSQL.
            per_statement = len(_ROW.findall(sql))
            rows = per_statement * (len(params) if many else 1)
            (seen.alone if per_statement == 1 else seen.together)[table] += rows
            seen.widest[table] = max(seen.widest[table], per_statement)

    def flushed(*_args: Any) -> None:
        seen.flushes += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(Session, "after_flush", flushed)
    try:
        report = import_people(Imports(db), path)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(Session, "after_flush", flushed)
    assert report.created > 0
    return seen


def test_each_table_gets_one_insert_per_chunk(db: Database, tmp_path: Path) -> None:
    seen = _inserts(db, _city(tmp_path / "klein.csv", 40, 12))
    assert {table: seen.calls[table] for table in TABLES} == dict.fromkeys(TABLES, 1)
    # The consents' entries in one statement, the file's own entry through the ORM.
    assert seen.calls["audit_entry"] == 2
    assert seen.flushes == 1


def test_a_second_chunk_adds_at_most_two_inserts_per_table(db: Database, tmp_path: Path) -> None:
    seen = _inserts(db, _city(tmp_path / "gross.csv", CHUNK + 1, 12))
    # The first chunk: one executemany of many-row statements and one for its rest; the
    # second chunk's single row: one more.
    for table in TABLES[1:]:
        assert 2 <= seen.calls[table] <= 3, table
        assert seen.alone[table] + seen.together[table] == CHUNK + 1, table
    assert seen.calls["organisation"] == 1  # twelve organisations: one chunk
    # The consents' entries as the consents, and the file's own entry through the ORM.
    assert 3 <= seen.calls["audit_entry"] <= 4
    assert seen.flushes == 1


def test_a_chunk_goes_in_statements_of_many_rows(db: Database, tmp_path: Path) -> None:
    seen = _inserts(db, _city(tmp_path / "gross.csv", CHUNK + 1, 12))
    for table in (*TABLES[1:], "audit_entry"):
        # Statements of a few thousand values: hundreds of rows of these tables (person,
        # the widest, writes 17 columns: 235 rows a statement).
        assert seen.widest[table] >= VALUES_PER_STATEMENT // 20, table
        # Only the rests of the two chunks went row by row.
        assert seen.alone[table] < 2 * seen.widest[table], table
        assert seen.together[table] > seen.alone[table], table


def _organisation_rows(bulk: Bulk, count: int) -> list[tuple[Any, ...]]:
    """``count`` organisations in the order of ``_ORG_COLUMNS``."""
    v = bulk.value
    stamp = v("created_at", datetime(2026, 1, 1, tzinfo=UTC))
    sector, kind = v("sector", Sector.ZIVILGESELLSCHAFT), v("kind", OrganisationKind.VEREIN)
    false, at = v("archived", False), (stamp, stamp)
    empty = ("", "", "", "", "")
    return [
        (n, f"Verein {n}", f"verein {n}", "", sector, kind, *empty, false, f"verein {n}", 1, *at)
        for n in range(1, count + 1)
    ]


def test_statements_stay_within_the_value_limit_of_the_connection(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's limit on values per statement")
    with db.engine.connect() as conn, conn.begin():
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        before = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        # An SQLite built before 3.32 allows 999 values; let this connection allow 100.
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)
        try:
            bulk = Bulk(conn, table_of(Organisation), _ORG_COLUMNS)
            assert bulk.rows_per_statement == 100 // len(bulk.columns)
            bulk.run(_organisation_rows(bulk, 23))
        finally:
            driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
        names = conn.execute(select(Organisation.id, Organisation.name).order_by(Organisation.id))
        assert [tuple(row) for row in names] == [(n, f"Verein {n}") for n in range(1, 24)]
