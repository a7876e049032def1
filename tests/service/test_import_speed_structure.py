"""Why a people import of a city is quick, each reason checked without timing it: the cyclic
garbage collector rests while the rows are read and written (and runs again afterwards), the
enum CHECK constraints are skipped only around the bulk inserts on SQLite and hold again
afterwards, SQLite's per-row foreign-key lookups are off only inside the import's transaction
(whose snapshot refuses rows deleted meanwhile), and a consent cell pair that many rows share
is read once."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from support.consents import import_people
from support.pool import foreign_keys_everywhere

from koordination.db.engine import Database
from koordination.domain.enums import OrganisationKind, Sector
from koordination.domain.inputs.directory import OrganisationInput
from koordination.errors import KoordinationError
from koordination.services.directory.imports import people, service
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory


def _list(path: Path, rows: int) -> Path:
    lines = ["Vorname;Nachname;E-Mail;Organisation;Sektor;Einwilligung;Einwilligung am"]
    for n in range(rows):
        # Two consent cell pairs for the whole list, as a city's list repeats a few.
        day = "01.05.2025" if n % 2 else "02.05.2025"
        lines.append(
            f"Anna;Muster{n};anna.{n}@example.org;Verein {n % 3};Zivilgesellschaft;"
            f"Einladungen;{day}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_collector_rests_while_a_list_is_imported(db: Database, tmp_path: Path) -> None:
    seen: list[bool] = []

    def progress(done: int, total: int) -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    report = import_people(Imports(db), _list(tmp_path / "liste.csv", 30), progress=progress)
    assert report.created == 30
    assert seen and not any(seen)  # reading and writing alike
    assert gc.isenabled()


def test_the_enum_checks_are_skipped_only_around_the_bulk_inserts(
    db: Database, tmp_path: Path
) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL checks an enum value as cheaply as any other")
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements.append(sql.strip().split("(")[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        import_people(Imports(db), _list(tmp_path / "liste.csv", 30))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    on = statements.index("PRAGMA IGNORE_CHECK_CONSTRAINTS = ON")
    off = statements.index("PRAGMA IGNORE_CHECK_CONSTRAINTS = OFF")
    inserts = [i for i, sql in enumerate(statements) if sql.startswith("INSERT INTO")]
    bulk = [i for i in inserts if on < i < off]
    assert {statements[i].split()[2] for i in bulk} >= {"ORGANISATION", "PERSON", "CONSENT"}
    # Only the file's own trail entry, written through the ORM, comes after.
    assert [statements[i].split()[2] for i in inserts if i > off] == ["AUDIT_ENTRY"]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0


def test_foreign_keys_are_off_only_inside_the_import_and_a_row_deleted_meanwhile_refuses_it(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL keeps its foreign-key checks")
    directory = Directory(db)
    verein = OrganisationInput(
        name="Verein 1", sector=Sector.ZIVILGESELLSCHAFT, kind=OrganisationKind.VEREIN
    )
    org_id = directory.create_organisation(verein).record.id
    path = _list(tmp_path / "liste.csv", 30)
    checks: list[int] = []
    insert_new_orgs = service.insert_new_orgs

    def deleted_first(*args: Any) -> Any:
        # Every row is read (Verein 1 found by name); before the first write another
        # connection deletes it, as a colleague might.
        with db.engine.connect() as conn:
            checks.append(int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar() or 0))
        other = sqlite3.connect(str(db.path))
        with other:
            other.execute("DELETE FROM organisation WHERE id = ?", (org_id,))
        other.close()
        return insert_new_orgs(*args)

    monkeypatch.setattr(service, "insert_new_orgs", deleted_first)
    with pytest.raises(KoordinationError) as refused:
        import_people(Imports(db), path)
    monkeypatch.undo()
    assert checks == [1]  # the other connections of the pool keep their checks meanwhile
    assert "Es wurde nichts geändert" in str(refused.value)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM affiliation").scalar() == 0
    assert foreign_keys_everywhere(db) == [1, 1, 1]
    # Without a colleague in between, the list goes in and the checks are back on.
    assert import_people(Imports(db), path).created == 30
    assert foreign_keys_everywhere(db) == [1, 1, 1]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_a_consent_cell_pair_many_rows_share_is_read_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[tuple[str, str]] = []
    cells = people.consent_cells

    def counted(raw: str, date_raw: str) -> Any:
        read.append((raw, date_raw))
        return cells(raw, date_raw)

    monkeypatch.setattr(people, "consent_cells", counted)
    report = import_people(Imports(db), _list(tmp_path / "liste.csv", 40))
    assert report.created == 40
    assert sorted(read) == [("Einladungen", "01.05.2025"), ("Einladungen", "02.05.2025")]
