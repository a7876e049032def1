"""Two writers at once: imports never store anyone twice, a locked SQLite file waits and then
says so in German, a change that lost the race says who to ask, and no message shows SQL."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from koordination.clock import Clock
from koordination.db import engine
from koordination.db.engine import Database
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.models import Organisation, Person, PersonEmail
from koordination.errors import ConflictError, DatabaseError, KoordinationError
from koordination.services.directory.imports.report import ImportReport
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory

TODAY = date(2026, 11, 22)
LEAKS = ("SQL:", "[SQL", "parameters", "INSERT", "UPDATE ", "SELECT")


def _no_leak(message: str, *values: str) -> None:
    for leak in (*LEAKS, *values):
        assert leak not in message


def _people_csv(path: Path, n: int) -> Path:
    rows = ["Nachname;Vorname;E-Mail;Organisation;Sektor"] + [
        f"Person{i};Vorname{i};P{i}@Example.org;Verein {i % 40};Zivilgesellschaft" for i in range(n)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.session() as session:
        emails = select(func.count(func.distinct(PersonEmail.address_key)))
        return (
            session.scalar(select(func.count()).select_from(Person)) or 0,
            session.scalar(select(func.count()).select_from(PersonEmail)) or 0,
            session.scalar(emails) or 0,
            session.scalar(select(func.count()).select_from(Organisation)) or 0,
        )


def test_two_parallel_imports_of_one_file_store_everyone_once(db: Database, tmp_path: Path) -> None:
    path = _people_csv(tmp_path / "personen.csv", 800)
    start = threading.Barrier(2)
    outcomes: list[ImportReport | KoordinationError] = []

    def run() -> None:
        own = Database(db.url.render_as_string(hide_password=False))
        try:
            start.wait()
            outcomes.append(Imports(own, Clock.on(TODAY)).people(path, existing="skip"))
        except KoordinationError as exc:
            outcomes.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert _counts(db) == (800, 800, 800, 40)
    reports = [o for o in outcomes if isinstance(o, ImportReport)]
    refusals = [o for o in outcomes if isinstance(o, KoordinationError)]
    assert sorted(r.created for r in reports)[-1] == 800
    if db.is_sqlite:
        # SQLite has one writer: the other one waited, then found everyone, or was refused.
        for exc in refusals:
            assert "gesperrt" in str(exc)
            _no_leak(str(exc), "p1@example.org")
    else:
        # PostgreSQL: the second import waited for the first and found everyone as existing.
        assert refusals == []
        assert sorted((r.created, r.skipped) for r in reports) == [(0, 800), (800, 0)]


def test_a_sqlite_write_waits_for_a_lock_then_refuses_in_german(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's file lock")
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    db.dispose()
    directory = Directory(db)
    assert db.path is not None
    holder = sqlite3.connect(db.path)
    try:
        holder.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        with pytest.raises(DatabaseError) as err:
            directory.create_person(
                PersonInput(given_name="Greta", family_name="Geheim", notes="vertraulich")
            )
        waited = time.monotonic() - began
    finally:
        holder.rollback()
        holder.close()
    assert waited >= 0.25, "the busy timeout made it wait"
    assert "Die Datenbank ist gerade durch einen anderen Vorgang gesperrt" in str(err.value)
    assert "erneut versuchen" in str(err.value)
    _no_leak(str(err.value), "Geheim", "vertraulich")
    assert directory.count_people() == 0


def test_a_change_that_lost_the_race_is_refused_as_changed_by_someone_else(
    db: Database,
) -> None:
    directory = Directory(db)
    saved = directory.create_person(PersonInput(given_name="Anna", family_name="Meier"))
    original = saved.record
    directory.update_person(original, PersonInput(given_name="Anna", family_name="Schulz"))
    with pytest.raises(ConflictError) as err:
        directory.update_person(original, PersonInput(given_name="Anna", family_name="Krause"))
    assert "inzwischen" in str(err.value)
    _no_leak(str(err.value), "Krause")
