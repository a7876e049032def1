"""A people import writes each table with one statement per chunk of rows: the organisations
the file brings along, the people and everything that hangs on them (addresses, numbers,
consents, affiliations, the consents' trail entries) go in as one executemany each per
``CHUNK`` rows, never one statement or one ORM flush per row."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from support.consents import import_people

from koordination.db.engine import Database
from koordination.services.directory.imports.bulk import CHUNK
from koordination.services.directory.imports.service import Imports

_INSERT = re.compile(r"\s*INSERT INTO (\w+)", re.IGNORECASE)
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


def _inserts(db: Database, path: Path) -> tuple[Counter[str], int]:
    """INSERT statements per table (an executemany counts once) and ORM flushes."""
    inserts: Counter[str] = Counter()
    flushes: list[int] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if found := _INSERT.match(sql):
            inserts[found.group(1).strip('"').lower()] += 1

    def flushed(*_args: Any) -> None:
        flushes.append(1)

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(Session, "after_flush", flushed)
    try:
        report = import_people(Imports(db), path)
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(Session, "after_flush", flushed)
    assert report.created > 0
    return inserts, len(flushes)


def test_each_table_gets_one_insert_per_chunk(db: Database, tmp_path: Path) -> None:
    inserts, flushes = _inserts(db, _city(tmp_path / "klein.csv", 40, 12))
    assert {table: inserts[table] for table in TABLES} == dict.fromkeys(TABLES, 1)
    # The consents' entries in one statement, the file's own entry through the ORM.
    assert inserts["audit_entry"] == 2
    assert flushes == 1


def test_a_second_chunk_adds_one_insert_per_table(db: Database, tmp_path: Path) -> None:
    inserts, flushes = _inserts(db, _city(tmp_path / "gross.csv", CHUNK + 1, 12))
    assert {table: inserts[table] for table in TABLES if table != "organisation"} == {
        table: 2 for table in TABLES if table != "organisation"
    }
    assert inserts["organisation"] == 1  # twelve organisations: one chunk
    assert inserts["audit_entry"] == 3
    assert flushes == 1
